"""Last rule: scan every published table and the numbers for a count under the threshold."""

import sys
from pathlib import Path

from coprod.disclosure import SmallCellError
from coprod.exhibit_tables import scan_published
from coprod.pipeline import logged

with logged(snakemake):
    tables = list(zip(snakemake.input.tables, snakemake.input.sidecars, strict=True))
    try:
        report = scan_published(tables, snakemake.input.numbers, snakemake.params.min_cell)
    except SmallCellError as error:
        print(f"\n{error}\n", file=sys.__stderr__)  # on the terminal, not only in the log
        raise
    Path(snakemake.output[0]).write_text(report, encoding="utf-8")

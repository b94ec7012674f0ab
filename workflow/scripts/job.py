"""Run one registered job (coprod.registry): its function, then its kind's writer."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.jobs import run

run(snakemake)

"""Write the report's page of the paper and its replication README (coprod.paper.page)."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.jobs import data_inputs
from coprod.paper.build import paper
from coprod.paper.page import write_paper_page
from coprod.pipeline import logged, published
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake), published(snakemake.output) as (path,):
    named = dict(snakemake.input.items())
    study = load_study({key: named[key] for key in RESOURCE_KEYS})
    pages = paper(study, data_inputs(named), snakemake.params.settings)
    write_paper_page(pages, snakemake.input.pdf, snakemake.input.replication, path)

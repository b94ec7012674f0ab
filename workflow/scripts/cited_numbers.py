"""Write every number the paper's text cites: numbers.json and LaTeX macros (numbers.tex)."""

from coprod.exhibit_tables import cited_numbers
from coprod.numbers import write_numbers
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    skip = {"library", *RESOURCE_KEYS}
    inputs = {name: path for name, path in snakemake.input.items() if name not in skip}
    numbers = cited_numbers(study, inputs, snakemake.params.settings, snakemake.params.min_cell)
    write_numbers(numbers, snakemake.output.json, snakemake.output.tex)

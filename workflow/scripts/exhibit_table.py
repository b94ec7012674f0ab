"""Write one of the paper's tables (params.table): CSV, Markdown, LaTeX and its sidecar."""

from coprod.exhibit_tables import FORMS, build, write_exhibit
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    skip = {"library", *RESOURCE_KEYS}
    inputs = {name: path for name, path in snakemake.input.items() if name not in skip}
    params = snakemake.params
    for exhibit in build(params.table, study, inputs, params.settings, params.min_cell):
        files = {form: snakemake.output[f"{exhibit.stem}_{form}"] for form in FORMS}
        write_exhibit(exhibit, csv_digits=params.csv_digits, **files)

"""Screen every text column of the raw files for personal data; stop the run on a hit."""

from coprod.pipeline import logged
from coprod.raw.screen import check_anonymity
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    exports = [
        {"path": path, "form": form}
        for path, form in zip(snakemake.input.exports, snakemake.params.forms, strict=True)
    ]
    summary = check_anonymity(
        exports,
        snakemake.input.segments,
        snakemake.input.codings,
        study.codebook,
        kinds=snakemake.params.kinds,
        deny_list=snakemake.input.deny_list,
        max_listed=snakemake.params.max_listed,
    )
    summary.to_csv(snakemake.output[0], index=False, lineterminator="\n")

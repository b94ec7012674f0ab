# The co-production study: from the anonymised raw responses to every exhibit.
# Run with `make study` (or `snakemake --cores 2`); see README.md.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/scoring.smk"
include: "workflow/rules/reliability.smk"
include: "workflow/rules/registered.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/validation.smk"


rule all:
    default_target: True
    input:
        "results/resources/instrument.csv",
        "results/screening/anonymity_screen.csv",
        "results/ingest/survey.parquet",
        "results/ingest/focus_group_segments.parquet",
        "results/ingest/focus_group_codings.parquet",
        "results/clean/survey_clean.parquet",
        "results/clean/exclusions.parquet",
        "results/clean/flow.csv",
        "results/scoring/scores.parquet",
        "results/scoring/items.parquet",
        "results/scoring/prorated.csv",
        "results/reliability/scale_reliability.parquet",
        "results/reliability/intercoder_reliability.parquet",
        [job_files(stage) for stage in ("compare", "figure_data", "exhibits")],
        "results/provenance/versions.txt",
        "results/provenance/config.yaml",
        "results/MANIFEST.sha256",

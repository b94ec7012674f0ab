# The co-production study: from the anonymised raw responses to every exhibit.
# Run with `make study` (or `snakemake --cores 2`); see README.md.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/simulate.smk"


rule all:
    default_target: True
    input:
        "results/resources/instrument.csv",

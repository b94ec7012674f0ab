# The co-production study: from the anonymised raw responses to every exhibit.
# Run with `make study` (or `snakemake --cores 2`); see README.md.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/registered.smk"
include: "workflow/rules/report.smk"


# The synthetic study's targets, only where the config names its generative model.
if config["synthetic"]["model"]:

    include: "workflow/rules/simulate.smk"
    include: "workflow/rules/validation.smk"


rule all:
    default_target: True
    input:
        registered_files(),
        "results/provenance/versions.txt",
        "results/provenance/config.yaml",
        "results/provenance/inputs.csv",
        "results/MANIFEST.sha256",

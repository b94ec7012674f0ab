# Ingest: validate the study's resources (codebook, registries, focus-group codebook).


rule validate_resources:
    input:
        **resource_files(),
        schemas=schemas("codebook", "focus_group_codebook", "registries"),
        library=library("resources", "errors", "pipeline"),
    output:
        instrument="results/resources/instrument.csv",
    log:
        "logs/validate_resources.log",
    conda:
        ENV
    script:
        "../scripts/validate_resources.py"

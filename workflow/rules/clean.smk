# Clean: the data-quality exclusions, in order, with a flow table per sample and case.


rule exclusions:
    input:
        **resource_files(),
        survey="results/ingest/survey.parquet",
        library=script_library("exclusions.py"),
    output:
        clean="results/clean/survey_clean.parquet",
        exclusions="results/clean/exclusions.parquet",
        flow="results/clean/flow.parquet",
        flow_csv="results/clean/flow.csv",
    log:
        "logs/exclusions.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        preview_test=config["exclusions"]["preview_test"],
        duplicate=config["exclusions"]["duplicate"],
        incomplete=config["exclusions"]["incomplete"],
        speeder=config["exclusions"]["speeder"],
        straightliner=config["exclusions"]["straightliner"],
        attention_fail=config["exclusions"]["attention_fail"],
    script:
        "../scripts/exclusions.py"

# Ingest: validate the study's resources; screen the raw files for personal data;
# read the survey exports and focus groups into typed Parquet. The screen runs
# first: every rule that reads the raw data takes its output as an input.


# The survey exports of the config (sample, path, form), in the config's order.
SURVEY = config["raw"]["survey"]
SCREEN = "results/screening/anonymity_screen.csv"


rule validate_resources:
    input:
        **resource_files(),
        schemas=schemas("codebook", "focus_group_codebook", "registries"),
        library=script_library("validate_resources.py"),
    output:
        instrument="results/resources/instrument.csv",
    log:
        "logs/validate_resources.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    script:
        "../scripts/validate_resources.py"


rule screen_anonymity:
    input:
        **resource_files(),
        exports=[entry["path"] for entry in SURVEY],
        segments=config["raw"]["focus_group_segments"],
        codings=config["raw"]["focus_group_codings"],
        deny_list=config["screening"]["deny_list"],
        library=script_library("screen_anonymity.py"),
    output:
        SCREEN,
    log:
        "logs/screen_anonymity.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        forms=[entry["form"] for entry in SURVEY],
        kinds=config["screening"]["kinds"],
        max_listed=config["screening"]["max_listed"],
    script:
        "../scripts/screen_anonymity.py"


rule ingest_survey:
    input:
        **resource_files(),
        screen=SCREEN,
        exports=[entry["path"] for entry in SURVEY],
        library=script_library("ingest_survey.py"),
    output:
        survey="results/ingest/survey.parquet",
        samples=[
            f"results/ingest/survey_sample{entry['sample']}.parquet"
            for entry in SURVEY
        ],
    log:
        "logs/ingest_survey.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        samples=[entry["sample"] for entry in SURVEY],
        forms=[entry["form"] for entry in SURVEY],
    script:
        "../scripts/ingest_survey.py"


rule ingest_focus_groups:
    input:
        **resource_files(),
        screen=SCREEN,
        segments=config["raw"]["focus_group_segments"],
        codings=config["raw"]["focus_group_codings"],
        library=script_library("ingest_focus_groups.py"),
    output:
        segments="results/ingest/focus_group_segments.parquet",
        codings="results/ingest/focus_group_codings.parquet",
    log:
        "logs/ingest_focus_groups.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        samples=[entry["sample"] for entry in SURVEY],
    script:
        "../scripts/ingest_focus_groups.py"

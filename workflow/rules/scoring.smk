# Scoring: reverse keys, scale scores with prorating, single-item scores, design columns.


rule score:
    input:
        **resource_files(),
        survey="results/clean/survey_clean.parquet",
        library=script_library("score.py"),
    output:
        scores="results/scoring/scores.parquet",
        item_data="results/scoring/items.parquet",
        prorated="results/scoring/prorated.csv",
    log:
        "logs/score.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        min_share_answered=config["scoring"]["min_share_answered"],
    script:
        "../scripts/score.py"

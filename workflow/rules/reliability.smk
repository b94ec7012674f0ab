# Reliability: survey scales (alpha, omega, item-total) and focus-group coding
# (Krippendorff's alpha, kappa, AC1), and the consensus codes later stages count.


rule scale_reliability:
    input:
        **resource_files(),
        item_data="results/scoring/items.parquet",
        library=script_library("scale_reliability.py"),
    output:
        scales="results/reliability/scale_reliability.parquet",
        item_statistics="results/reliability/item_statistics.parquet",
    log:
        "logs/scale_reliability.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=20,
    params:
        by=config["reliability"]["by"],
        threshold=config["reliability"]["scale_threshold"],
        ci=config["reliability"]["ci"],
        n_boot=config["reliability"]["n_boot"],
        seed=config["reliability"]["seed"],
    script:
        "../scripts/scale_reliability.py"


rule intercoder_reliability:
    input:
        **resource_files(),
        segments="results/ingest/focus_group_segments.parquet",
        codings="results/ingest/focus_group_codings.parquet",
        library=script_library("intercoder_reliability.py"),
    output:
        "results/reliability/intercoder_reliability.parquet",
    log:
        "logs/intercoder_reliability.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=20,
    params:
        levels=config["intercoder"]["levels"],
        default_level=config["intercoder"]["default_level"],
        ci=config["intercoder"]["ci"],
        n_boot=config["intercoder"]["n_boot"],
        seed=config["intercoder"]["seed"],
        unreliable_below=config["intercoder"]["unreliable_below"],
        reliable_from=config["intercoder"]["reliable_from"],
    script:
        "../scripts/intercoder_reliability.py"


rule consensus_codes:
    input:
        unpack(consensus_inputs),
        library=script_library("consensus_codes.py"),
    output:
        "results/reliability/consensus_codes.parquet",
    log:
        "logs/consensus_codes.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=20,
    params:
        rule=config["intercoder"]["consensus"],
    script:
        "../scripts/consensus_codes.py"

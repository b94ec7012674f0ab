# Simulate: regenerate the synthetic study from its model (not part of `all`).
# `snakemake simulate` writes it to results/synthetic/; it is byte-identical to
# the bundled copy in resources/raw/ when the model and seed are unchanged.


rule simulate:
    input:
        **resource_files(),
        model=config["synthetic"]["model"],
        library=script_library("simulate.py"),
    output:
        simulated_files(),
    log:
        "logs/simulate.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=20,
    params:
        seed=config["synthetic"]["seed"],
        checksums=content_checksums(resource_files(), config["synthetic"]["model"]),
        outdir=lambda wildcards, output: str(Path(output[0]).parent),
    script:
        "../scripts/simulate.py"

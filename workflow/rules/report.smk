# Report: provenance of the run (package versions, the config used, the input files
# read with their checksums) and the manifest of every exhibit's hash. `snakemake --report results/report.html`
# then gathers every exhibit with its caption into one HTML file.

# Every published table, figure and number: what the manifest vouches for.
EXHIBITS = job_files("exhibits")


rule figure_pages:
    input:
        **{stem: job.outputs(config)["png"] for stem, (job, part) in FIGURES.items()},
        **{f"{stem}_caption": path for stem, path in FIGURE_CAPTIONS.items()},
        library=script_library("figure_pages.py"),
    output:
        **{
            stem: report(
                FIGURE_PAGES[stem],
                category="Figures",
                labels={"Figure": report_label(part)},
            )
            for stem, (job, part) in FIGURES.items()
        },
    log:
        "logs/figure_pages.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    params:
        figures={
            stem: {
                "heading": f"{part.label}. {part.title}",
                "settings": job.settings(config),
            }
            for stem, (job, part) in FIGURES.items()
        },
        config=caption_config(figure_caption_texts(), config),
    script:
        "../scripts/figure_pages.py"


rule package_versions:
    input:
        library=script_library("package_versions.py"),
    output:
        report(
            "results/provenance/versions.txt",
            category="Provenance",
            caption="../report/versions.rst",
        ),
    log:
        "logs/package_versions.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    script:
        "../scripts/package_versions.py"


rule config_used:
    input:
        library=script_library("config_used.py"),
    output:
        report(
            "results/provenance/config.yaml",
            category="Provenance",
            caption="../report/config_used.rst",
        ),
    log:
        "logs/config_used.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    params:
        config=config,
    script:
        "../scripts/config_used.py"


rule inputs_read:
    input:
        files=list(STUDY_INPUTS.values()),
        library=script_library("inputs_read.py"),
    output:
        report(
            "results/provenance/inputs.csv",
            category="Provenance",
            caption="../report/inputs_read.rst",
        ),
    log:
        "logs/inputs_read.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    params:
        config_keys=list(STUDY_INPUTS),
        checksums=content_checksums(STUDY_INPUTS),
    script:
        "../scripts/inputs_read.py"


rule manifest:
    input:
        exhibits=EXHIBITS,
        library=script_library("manifest.py"),
    output:
        "results/MANIFEST.sha256",
    log:
        "logs/manifest.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    script:
        "../scripts/manifest.py"

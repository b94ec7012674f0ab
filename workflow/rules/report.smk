# Report: provenance of the run (package versions, the config used, the input files
# read with their checksums) and the manifest of every exhibit's hash. `snakemake --report results/report.html`
# then gathers every exhibit with its caption into one HTML file.

# Every published table, figure and number, and the paper: what the manifest vouches for.
EXHIBITS = job_files("exhibits") + job_files("paper")


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


# The replication README (coprod.replication): made after every other output, as it
# records the time the run took. Not in the manifest: it holds this run's times. It reads
# the config the run used from its provenance copy (a config change reruns config_used,
# and this rule after it), so that no config value is its param.
rule replication:
    input:
        outputs=registered_files(),
        manifest="results/MANIFEST.sha256",
        numbers="results/exhibits/numbers.json",
        inputs_read="results/provenance/inputs.csv",
        versions="results/provenance/versions.txt",
        config_used="results/provenance/config.yaml",
        library=script_library("replication.py"),
    output:
        "results/REPLICATION.md",
    log:
        "logs/replication.log",
    conda:
        ENV
    resources:
        mem_mb=memory_mb(),
        runtime=5,
    params:
        cores=run_cores(),
        packages=[
            "snakemake",
            "pandas",
            "numpy",
            "scipy",
            "statsmodels",
            "pingouin",
            "krippendorff",
            "matplotlib",
            "seaborn",
            "typst",
        ],
    script:
        "../scripts/replication.py"


# The report's page of the paper (coprod.paper.page): its pages, the PDF to download and
# the replication README; only where the study builds a paper.
if PAPER_PAGE:

    rule paper_page:
        input:
            **paper_page_inputs(),
            pdf=PAPER.outputs(config)["pdf"],
            replication="results/REPLICATION.md",
        output:
            report(
                PAPER_PAGE, category="Paper", labels={"Page": "Paper and replication"}
            ),
        log:
            "logs/paper_page.log",
        conda:
            ENV
        resources:
            mem_mb=memory_mb(),
            runtime=5,
        params:
            settings={**PAPER.settings(config), "pages_ppi": 90},
        script:
            "../scripts/paper_page.py"

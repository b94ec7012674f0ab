# Validation: the registered analyses on seeded simulated studies of known truth (not
# part of `all`; run `snakemake validation`). Per condition (the synthetic model with
# its effects scaled: 0 is the null), the population values are computed once, then the
# replicates run in batches, one job each ({condition}, {batch}), each replicate through
# the compare jobs of coprod.analyses.registry; the summary gives bias, RMSE, CI
# coverage, type I error and power per method (coprod.validation).

VALIDATION = config["validation"]
VALIDATION_DIR = "results/validation"
# The keys of `compare` the validated analyses' jobs read: changing another reruns
# nothing (`ordinal` is the validation's own).
VALIDATED_COMPARE = {
    key: config["compare"][key]
    for key in (
        "outcome_kinds",
        "describe_by",
        "scores",
        "high_rating",
        "overcome_threshold",
        "n_mc",
        "seed",
        "tests",
        "contrasts",
        "across_cases",
        "stakeholder_groups",
        "strategies",
        "barrier_sides",
        "derived",
        "staff",
        "families",
    )
}
VALIDATION_SETTINGS = {
    "analyses": VALIDATION["analyses"],
    "compare": VALIDATED_COMPARE,
    "exclusions": config["exclusions"],
    "min_share_answered": config["scoring"]["min_share_answered"],
    "ordinal": VALIDATION["ordinal"],
    "null_tolerance": VALIDATION["null_tolerance"],
}

# Each condition's settings, with the validation-wide ones where it sets none.
VALIDATION_CONDITIONS = {
    name: {
        "effect_scale": spec["effect_scale"],
        "seed_offset": spec["seed_offset"],
        **{
            key: spec.get(key, VALIDATION[key])
            for key in ("n_replicates", "respondents_per_case_sample")
        },
    }
    for name, spec in VALIDATION["conditions"].items()
}
# Condition -> batch id (000, 001, ...) -> its replicates, `replicates_per_job` a job.
VALIDATION_PER_JOB = VALIDATION["replicates_per_job"]
VALIDATION_BATCHES = {
    name: {
        f"{start // VALIDATION_PER_JOB:03d}": list(
            range(start, min(start + VALIDATION_PER_JOB, spec["n_replicates"]))
        )
        for start in range(0, spec["n_replicates"], VALIDATION_PER_JOB)
    }
    for name, spec in VALIDATION_CONDITIONS.items()
}
VALIDATION_BATCH_FILES = [
    f"{VALIDATION_DIR}/{name}/batch_{batch}.parquet"
    for name, batches in VALIDATION_BATCHES.items()
    for batch in batches
]

VALIDATION_CONDITION_NAMES = "|".join(VALIDATION["conditions"]) or "none"
# A batch runs the registered compare jobs too, which it resolves by name: their
# modules are its library inputs beside its script's.
VALIDATION_JOBS_LIBRARY = [
    str(path) for path in library_files(*(job.module for job in stage_jobs("compare")))
]


rule validation_truth:
    input:
        **resource_files(),
        model=config["synthetic"]["model"],
        library=script_library("validation_truth.py"),
    output:
        f"{VALIDATION_DIR}/{{condition}}/truth.json",
    log:
        "logs/validation/{condition}/truth.log",
    wildcard_constraints:
        condition=VALIDATION_CONDITION_NAMES,
    conda:
        ENV
    threads: 1
    resources:
        # 1.1 GB measured for 400,000 respondents; doubles on each retry
        mem_mb=lambda wildcards, attempt: attempt
        * int(1000 + VALIDATION["population_size"] / 250),
        runtime=lambda wildcards: int(5 + VALIDATION["population_size"] / 20000),
    params:
        condition=lambda wildcards: VALIDATION_CONDITIONS[wildcards.condition],
        baseline=VALIDATION["baseline"],
        population_size=VALIDATION["population_size"],
        population_seed=VALIDATION["population_seed"],
        settings=VALIDATION_SETTINGS,
    script:
        "../scripts/validation_truth.py"


rule validation_batch:
    input:
        **resource_files(),
        model=config["synthetic"]["model"],
        truth=f"{VALIDATION_DIR}/{{condition}}/truth.json",
        library=script_library("validation_batch.py") + VALIDATION_JOBS_LIBRARY,
    output:
        f"{VALIDATION_DIR}/{{condition}}/batch_{{batch}}.parquet",
    log:
        "logs/validation/{condition}/batch_{batch}.log",
    wildcard_constraints:
        condition=VALIDATION_CONDITION_NAMES,
        batch=r"\d+",
    conda:
        ENV
    threads: 1
    resources:
        # 0.3 GB measured for a replicate of the study's size; doubles on each retry
        mem_mb=lambda wildcards, attempt: attempt * 1500,
        # minutes a job may run (a scheduler's limit): per replicate, plus start-up
        runtime=lambda wildcards: int(
            5
            + VALIDATION["minutes_per_replicate"]
            * len(VALIDATION_BATCHES[wildcards.condition][wildcards.batch])
        ),
    params:
        condition=lambda wildcards: VALIDATION_CONDITIONS[wildcards.condition],
        replicates=lambda wildcards: VALIDATION_BATCHES[wildcards.condition][
            wildcards.batch
        ],
        seeds=lambda wildcards: [
            VALIDATION["seed"]
            + VALIDATION_CONDITIONS[wildcards.condition]["seed_offset"]
            + replicate
            for replicate in VALIDATION_BATCHES[wildcards.condition][wildcards.batch]
        ],
        baseline=VALIDATION["baseline"],
        settings=VALIDATION_SETTINGS,
    script:
        "../scripts/validation_batch.py"


rule validation_summary:
    input:
        batches=VALIDATION_BATCH_FILES,
        library=script_library("validation_summary.py"),
    output:
        summary=f"{VALIDATION_DIR}/summary.parquet",
        table=report(
            f"{VALIDATION_DIR}/summary.csv",
            category="Validation",
            caption="../report/validation_summary.rst",
        ),
        markdown=f"{VALIDATION_DIR}/summary.md",
        estimands=f"{VALIDATION_DIR}/estimands.parquet",
    log:
        "logs/validation/summary.log",
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        alpha=VALIDATION["alpha"],
        criteria=VALIDATION["criteria"],
        described={
            "conditions": VALIDATION_CONDITIONS,
            "seed": VALIDATION["seed"],
            "replicates_per_job": VALIDATION["replicates_per_job"],
            "population_size": VALIDATION["population_size"],
            "analyses": VALIDATION["analyses"],
            "ordinal": VALIDATION["ordinal"],
            "null_tolerance": VALIDATION["null_tolerance"],
        },
    script:
        "../scripts/validation_summary.py"


rule validation_figure:
    input:
        summary=f"{VALIDATION_DIR}/summary.parquet",
        estimands=f"{VALIDATION_DIR}/estimands.parquet",
        library=script_library("validation_figure.py"),
    output:
        methods_png=report(
            f"{VALIDATION_DIR}/figure_validation.png",
            category="Validation",
            caption="../report/validation_figure.rst",
        ),
        methods_pdf=f"{VALIDATION_DIR}/figure_validation.pdf",
        methods_svg=f"{VALIDATION_DIR}/figure_validation.svg",
        estimands_png=report(
            f"{VALIDATION_DIR}/figure_validation_estimands.png",
            category="Validation",
            caption="../report/validation_figure_estimands.rst",
        ),
        estimands_pdf=f"{VALIDATION_DIR}/figure_validation_estimands.pdf",
        estimands_svg=f"{VALIDATION_DIR}/figure_validation_estimands.svg",
    log:
        "logs/validation/figure.log",
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_mb(),
        runtime=10,
    params:
        style={key: config["figures"][key] for key in FIGURE_STYLE_KEYS},
        alpha=VALIDATION["alpha"],
        criteria=VALIDATION["criteria"],
        conditions=VALIDATION_CONDITIONS,
    script:
        "../scripts/validation_figure.py"


rule validation:
    input:
        rules.validation_summary.output,
        rules.validation_figure.output,

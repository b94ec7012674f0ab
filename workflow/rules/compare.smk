# Compare: the analyses that answer the research questions (coprod.compare and
# coprod.focus_groups). Every output is tidy Parquet in one vocabulary (the
# coprod.stats record, identifying columns, family, role, p_adj, correction).
# Analyses that read the same inputs share a job (the contrasts; cases and stakeholder
# groups; the focus-group analyses): every job starts a fresh Python, and importing the
# stack and loading the study take longer than most of the analyses.

COMPARE = config["compare"]
SCORES = "results/scoring/scores.parquet"
ITEMS = "results/scoring/items.parquet"
CONSENSUS = "results/reliability/consensus_codes.parquet"


FAMILIES = COMPARE["families"]
USED_FAMILIES = [
    *(
        COMPARE["across_cases"][key]
        for key in ("family", "pairwise_family", "item_family")
    ),
    *(
        spec[key]
        for spec in COMPARE["contrasts"].values()
        for key in ("family", "robustness_family")
    ),
    COMPARE["stakeholder_groups"]["family"],
    COMPARE["stakeholder_groups"]["pairwise_family"],
    COMPARE["barrier_sides"]["family"],
    COMPARE["strategies"]["family"],
    COMPARE["strategies"]["link_family"],
    *(
        COMPARE["staff"][key]
        for key in ("family", "covariate_family", "partial_family")
    ),
    COMPARE["staff"]["per_score_family"],
    COMPARE["focus_groups"]["cooccurrence_family"],
    COMPARE["focus_groups"]["joint_family"],
]
UNDEFINED = sorted(set(USED_FAMILIES) - set(FAMILIES))
if UNDEFINED:
    raise ValueError(
        f"config/config.yaml: compare names the families {UNDEFINED}, which are not "
        f"defined under compare.families (defined: {sorted(FAMILIES)})"
    )

SURVEY_OUTPUTS = [
    "barriers_by_case",
    "barrier_items_by_case",
    "barriers_overcome",
    "risks",
    "across_case_tests",
    "stakeholder_groups",
    "barrier_sides",
    "strategy_use",
    "strategy_barrier_links",
    "staff_factor",
]
FOCUS_GROUP_OUTPUTS = [
    "fg_prevalence",
    "fg_cooccurrence",
    "joint_display",
    "joint_display_correlation",
]
CLASHING = sorted(set(COMPARE["contrasts"]) & {*SURVEY_OUTPUTS, *FOCUS_GROUP_OUTPUTS})
if CLASHING:
    raise ValueError(
        f"config/config.yaml: compare.contrasts {CLASHING} are named like other outputs "
        "of results/compare/; rename them"
    )
# For `rule all`: the survey comparisons, and those that need the consensus codes.
SURVEY_COMPARISONS = [
    f"results/compare/{name}.parquet"
    for name in [*SURVEY_OUTPUTS, *COMPARE["contrasts"]]
]
FOCUS_GROUP_COMPARISONS = [
    f"results/compare/{name}.parquet" for name in FOCUS_GROUP_OUTPUTS
]


rule compare_describe:
    input:
        **resource_files(),
        scores=SCORES,
        item_data=ITEMS,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        barriers="results/compare/barriers_by_case.parquet",
        item_table="results/compare/barrier_items_by_case.parquet",
        overcome="results/compare/barriers_overcome.parquet",
        risks="results/compare/risks.parquet",
    log:
        "logs/compare/describe.log",
    conda:
        ENV
    params:
        by=COMPARE["describe_by"],
        high_rating=COMPARE["high_rating"],
        overcome_threshold=COMPARE["overcome_threshold"],
        scores=COMPARE["scores"],
    script:
        "../scripts/compare_describe.py"


rule compare_across_groups:
    input:
        **resource_files(),
        scores=SCORES,
        item_data=ITEMS,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        across_cases="results/compare/across_case_tests.parquet",
        stakeholder_groups="results/compare/stakeholder_groups.parquet",
    log:
        "logs/compare/across_groups.log",
    conda:
        ENV
    params:
        across_cases=COMPARE["across_cases"],
        stakeholder_groups=COMPARE["stakeholder_groups"],
        kinds=COMPARE["outcome_kinds"],
        items_of=COMPARE["scores"]["barriers_met"],
        families={
            name: FAMILIES[name]
            for name in (
                COMPARE["across_cases"]["family"],
                COMPARE["across_cases"]["pairwise_family"],
                COMPARE["across_cases"]["item_family"],
                COMPARE["stakeholder_groups"]["family"],
                COMPARE["stakeholder_groups"]["pairwise_family"],
            )
        },
        n_mc=COMPARE["n_mc"],
        seed=COMPARE["seed"],
    script:
        "../scripts/compare_across_groups.py"


rule compare_contrasts:
    input:
        **resource_files(),
        scores=SCORES,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        **{name: f"results/compare/{name}.parquet" for name in COMPARE["contrasts"]},
    log:
        "logs/compare/contrasts.log",
    conda:
        ENV
    params:
        contrasts=COMPARE["contrasts"],
        families={
            name: FAMILIES[name]
            for spec in COMPARE["contrasts"].values()
            for name in (spec["family"], spec["robustness_family"])
        },
        kinds=COMPARE["outcome_kinds"],
        ordinal=COMPARE["ordinal"],
    script:
        "../scripts/compare_contrasts.py"


rule compare_barrier_sides:
    input:
        **resource_files(),
        scores=SCORES,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        "results/compare/barrier_sides.parquet",
    log:
        "logs/compare/barrier_sides.log",
    conda:
        ENV
    params:
        barriers=COMPARE["scores"]["barriers_met"],
        by=COMPARE["barrier_sides"]["by"],
        family=COMPARE["barrier_sides"]["family"],
        families={
            name: FAMILIES[name] for name in (COMPARE["barrier_sides"]["family"],)
        },
    script:
        "../scripts/compare_barrier_sides.py"


rule compare_strategies:
    input:
        **resource_files(),
        scores=SCORES,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        use="results/compare/strategy_use.parquet",
        links="results/compare/strategy_barrier_links.parquet",
    log:
        "logs/compare/strategies.log",
    conda:
        ENV
    params:
        strategies=COMPARE["scores"]["strategies_used"],
        overcome=COMPARE["scores"]["barriers_overcome"],
        by=COMPARE["strategies"]["by"],
        family=COMPARE["strategies"]["family"],
        link_family=COMPARE["strategies"]["link_family"],
        families={
            name: FAMILIES[name]
            for name in (
                COMPARE["strategies"]["family"],
                COMPARE["strategies"]["link_family"],
            )
        },
        n_mc=COMPARE["n_mc"],
        seed=COMPARE["seed"],
    script:
        "../scripts/compare_strategies.py"


rule compare_staff_factor:
    input:
        **resource_files(),
        scores=SCORES,
        library=library("compare", "stats", "resources", "errors", "pipeline"),
    output:
        "results/compare/staff_factor.parquet",
    log:
        "logs/compare/staff_factor.log",
    conda:
        ENV
    params:
        derived=COMPARE["derived"],
        staff=COMPARE["staff"],
        families={
            name: FAMILIES[name]
            for name in (
                COMPARE["staff"]["family"],
                COMPARE["staff"]["covariate_family"],
                COMPARE["staff"]["partial_family"],
                COMPARE["staff"]["per_score_family"],
            )
        },
    script:
        "../scripts/compare_staff_factor.py"


rule compare_focus_groups:
    input:
        **resource_files(),
        scores=SCORES,
        consensus=CONSENSUS,
        library=library(
            "focus_groups",
            "compare",
            "clean",
            "stats",
            "resources",
            "errors",
            "pipeline",
        ),
    output:
        prevalence="results/compare/fg_prevalence.parquet",
        cooccurrence="results/compare/fg_cooccurrence.parquet",
        display="results/compare/joint_display.parquet",
        correlation="results/compare/joint_display_correlation.parquet",
    log:
        "logs/compare/focus_groups.log",
    conda:
        ENV
    params:
        focus_groups=COMPARE["focus_groups"],
        barriers=COMPARE["scores"]["barriers_met"],
        families={
            name: FAMILIES[name]
            for name in (
                COMPARE["focus_groups"]["cooccurrence_family"],
                COMPARE["focus_groups"]["joint_family"],
            )
        },
    script:
        "../scripts/compare_focus_groups.py"

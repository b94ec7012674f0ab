# Exhibits: the paper's twelve tables (coprod.exhibit_tables) as CSV, Markdown and
# LaTeX (booktabs) with a disclosure sidecar each, the numbers the text cites
# (coprod.numbers: JSON and LaTeX macros), and last the disclosure check of all of
# them. Every count of people is masked under config disclosure.min_cell; changing
# it (or a setting under `exhibits:`) reruns exactly the tables that use it.

EXHIBIT_SETTINGS = config["exhibits"]
MIN_CELL = config["disclosure"]["min_cell"]
TABLE_DIR = "results/exhibits/tables"
TABLE_FORMS = {
    "csv": "csv",
    "markdown": "md",
    "latex": "tex",
    "disclosure": "disclosure.json",
}
TABLE_LIBRARY = (
    "exhibit_tables",
    "disclosure",
    "numbers",
    "tables",
    "resources",
    "errors",
    "pipeline",
)
# table -> its files: (stem, number in the paper, what it shows); subcategory.
TABLES = {
    "table01": ([("table01_sample_composition", "1", "Sample composition")], "Sample"),
    "table02": ([("table02_data_quality_flow", "2", "Data-quality flow")], "Sample"),
    "table03": (
        [("table03_scale_reliability", "3", "Scale reliability")],
        "Reliability",
    ),
    "table04": (
        [("table04_intercoder_reliability", "4", "Intercoder reliability")],
        "Reliability",
    ),
    "table05": ([("table05_barriers_met", "5", "Barriers met")], "Barriers and risks"),
    "table06": (
        [
            ("table06a_barriers_overcome", "6a", "Barriers overcome"),
            ("table06b_strategies_used", "6b", "Strategies used"),
            ("table06c_barrier_strategy_crosswalk", "6c", "Barrier-strategy crosswalk"),
        ],
        "Barriers and risks",
    ),
    "table07": ([("table07_risks", "7", "Risks")], "Barriers and risks"),
    "table08": (
        [("table08_service_classes", "8", "Service-class contrast")],
        "Comparisons",
    ),
    "table09": (
        [("table09_case_outcomes", "9", "Case-outcome contrast")],
        "Comparisons",
    ),
    "table10": ([("table10_staff_factor", "10", "Staff factor")], "Staff factor"),
    "table11": (
        [("table11_stakeholder_groups", "11", "Stakeholder groups")],
        "Comparisons",
    ),
    "table12": (
        [
            ("table12a_joint_display", "12a", "Joint display"),
            ("table12b_rank_correlation", "12b", "Rank correlation"),
        ],
        "Joint display",
    ),
}
TABLE_STEMS = [stem for files, _ in TABLES.values() for stem, _, _ in files]
TABLE_CSVS = [f"{TABLE_DIR}/{stem}.csv" for stem in TABLE_STEMS]
TABLE_SIDECARS = [f"{TABLE_DIR}/{stem}.disclosure.json" for stem in TABLE_STEMS]
NUMBERS = {
    "json": "results/exhibits/numbers.json",
    "tex": "results/exhibits/numbers.tex",
}
DISCLOSURE_CHECK = "results/exhibits/disclosure_check.txt"
# For `rule all`: every table in every form, the numbers, and the disclosure check.
TABLE_EXHIBITS = [
    *(
        f"{TABLE_DIR}/{stem}.{suffix}"
        for stem in TABLE_STEMS
        for suffix in TABLE_FORMS.values()
    ),
    *NUMBERS.values(),
    DISCLOSURE_CHECK,
]

_BREAKDOWNS = {
    "compare.describe_by": config["compare"]["describe_by"],
    "reliability.by": config["reliability"]["by"],
}
_WITHOUT_BY = [
    key for key, by in _BREAKDOWNS.items() if EXHIBIT_SETTINGS["by"] not in by
]
if _WITHOUT_BY:
    raise ValueError(
        f"config/config.yaml: exhibits.by is '{EXHIBIT_SETTINGS['by']}', but "
        f"{' and '.join(_WITHOUT_BY)} do(es) not break the results down by it; add it "
        f"there or choose another ({_BREAKDOWNS})"
    )


# table -> its output files: per file stem the CSV (annotated for the report) and the
# other forms, named "<stem>_<form>".
TABLE_OUTPUTS = {
    table: {
        f"{stem}_{form}": (
            f"{TABLE_DIR}/{stem}.{suffix}"
            if form != "csv"
            else report(
                f"{TABLE_DIR}/{stem}.{suffix}",
                category="Tables",
                subcategory=subcategory,
                caption=f"../report/{stem}.rst",
                labels={"Table": number, "Shows": shows},
            )
        )
        for stem, number, shows in files
        for form, suffix in TABLE_FORMS.items()
    }
    for table, (files, subcategory) in TABLES.items()
}

# table -> the config values its builder reads (params.settings), and nothing else:
# changing a setting reruns only the tables that show it.
_SCORES = config["compare"]["scores"]
_FLOW_LABELS = {
    "step_labels": EXHIBIT_SETTINGS["step_labels"],
    "exclusions": config["exclusions"],
}
TABLE_SETTINGS = {
    name: {"decimals": EXHIBIT_SETTINGS["decimals"], **settings}
    for name, settings in {
        "table01": {},
        "table02": _FLOW_LABELS,
        "table03": {
            "by": EXHIBIT_SETTINGS["by"],
            "threshold": config["reliability"]["scale_threshold"],
            "ci": config["reliability"]["ci"],
        },
        "table04": {
            key: config["intercoder"][key]
            for key in ("unreliable_below", "reliable_from", "ci")
        },
        "table05": {
            "by": EXHIBIT_SETTINGS["by"],
            "scores": _SCORES["barriers_met"],
            "high_rating": config["compare"]["high_rating"],
            "family": config["compare"]["across_cases"]["family"],
        },
        "table06": {
            "by": EXHIBIT_SETTINGS["by"],
            "overcome": _SCORES["barriers_overcome"],
            "strategies": _SCORES["strategies_used"],
            "overcome_threshold": config["compare"]["overcome_threshold"],
            "strategy_family": config["compare"]["strategies"]["family"],
            "cooccurrence_family": config["compare"]["focus_groups"][
                "cooccurrence_family"
            ],
            "significance": EXHIBIT_SETTINGS["significance"],
        },
        "table07": {
            "by": EXHIBIT_SETTINGS["by"],
            "experienced": _SCORES["risks_experienced"],
            "managed": _SCORES["risks_managed"],
        },
        "table08": {
            **config["compare"]["contrasts"]["service_class"],
            "kinds": config["compare"]["outcome_kinds"],
        },
        "table09": {
            **config["compare"]["contrasts"]["case_outcome"],
            "kinds": config["compare"]["outcome_kinds"],
        },
        "table10": config["compare"]["staff"],
        "table11": {
            "column": config["compare"]["stakeholder_groups"]["column"],
            "family": config["compare"]["stakeholder_groups"]["family"],
            "kinds": config["compare"]["outcome_kinds"],
        },
        "table12": {
            "by": config["compare"]["focus_groups"]["joint_by"],
            "family": config["compare"]["focus_groups"]["joint_family"],
        },
        "numbers": {
            **_FLOW_LABELS,
            "contrasts": {
                contrast: spec["family"]
                for contrast, spec in config["compare"]["contrasts"].items()
            },
            "across_family": config["compare"]["across_cases"]["family"],
            "barriers": _SCORES["barriers_met"],
            "strategies": _SCORES["strategies_used"],
            "staff": config["compare"]["staff"],
            "significance": EXHIBIT_SETTINGS["significance"],
        },
    }.items()
}


rule table01_sample_composition:
    input:
        **resource_files(),
        scores="results/scoring/scores.parquet",
        segments="results/ingest/focus_group_segments.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table01"],
    log:
        "logs/exhibits/table01_sample_composition.log",
    conda:
        ENV
    params:
        table="table01",
        settings=TABLE_SETTINGS["table01"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table02_data_quality_flow:
    input:
        **resource_files(),
        flow="results/clean/flow.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table02"],
    log:
        "logs/exhibits/table02_data_quality_flow.log",
    conda:
        ENV
    params:
        table="table02",
        settings=TABLE_SETTINGS["table02"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table03_scale_reliability:
    input:
        **resource_files(),
        reliability="results/reliability/scale_reliability.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table03"],
    log:
        "logs/exhibits/table03_scale_reliability.log",
    conda:
        ENV
    params:
        table="table03",
        settings=TABLE_SETTINGS["table03"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table04_intercoder_reliability:
    input:
        **resource_files(),
        intercoder="results/reliability/intercoder_reliability.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table04"],
    log:
        "logs/exhibits/table04_intercoder_reliability.log",
    conda:
        ENV
    params:
        table="table04",
        settings=TABLE_SETTINGS["table04"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table05_barriers_met:
    input:
        **resource_files(),
        describe="results/compare/barriers_by_case.parquet",
        tests="results/compare/across_case_tests.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table05"],
    log:
        "logs/exhibits/table05_barriers_met.log",
    conda:
        ENV
    params:
        table="table05",
        settings=TABLE_SETTINGS["table05"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table06_barriers_overcome_strategies:
    input:
        **resource_files(),
        overcome="results/compare/barriers_overcome.parquet",
        strategies="results/compare/strategy_use.parquet",
        cooccurrence="results/compare/fg_cooccurrence.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table06"],
    log:
        "logs/exhibits/table06_barriers_overcome_strategies.log",
    conda:
        ENV
    params:
        table="table06",
        settings=TABLE_SETTINGS["table06"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table07_risks:
    input:
        **resource_files(),
        risks="results/compare/risks.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table07"],
    log:
        "logs/exhibits/table07_risks.log",
    conda:
        ENV
    params:
        table="table07",
        settings=TABLE_SETTINGS["table07"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table08_service_classes:
    input:
        **resource_files(),
        contrast="results/compare/service_class.parquet",
        scores="results/scoring/scores.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table08"],
    log:
        "logs/exhibits/table08_service_classes.log",
    conda:
        ENV
    params:
        table="table08",
        settings=TABLE_SETTINGS["table08"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table09_case_outcomes:
    input:
        **resource_files(),
        contrast="results/compare/case_outcome.parquet",
        scores="results/scoring/scores.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table09"],
    log:
        "logs/exhibits/table09_case_outcomes.log",
    conda:
        ENV
    params:
        table="table09",
        settings=TABLE_SETTINGS["table09"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table10_staff_factor:
    input:
        **resource_files(),
        staff="results/compare/staff_factor.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table10"],
    log:
        "logs/exhibits/table10_staff_factor.log",
    conda:
        ENV
    params:
        table="table10",
        settings=TABLE_SETTINGS["table10"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table11_stakeholder_groups:
    input:
        **resource_files(),
        tests="results/compare/stakeholder_groups.parquet",
        scores="results/scoring/scores.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table11"],
    log:
        "logs/exhibits/table11_stakeholder_groups.log",
    conda:
        ENV
    params:
        table="table11",
        settings=TABLE_SETTINGS["table11"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule table12_joint_display:
    input:
        **resource_files(),
        display="results/compare/joint_display.parquet",
        correlation="results/compare/joint_display_correlation.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        **TABLE_OUTPUTS["table12"],
    log:
        "logs/exhibits/table12_joint_display.log",
    conda:
        ENV
    params:
        table="table12",
        settings=TABLE_SETTINGS["table12"],
        min_cell=MIN_CELL,
        csv_digits=EXHIBIT_SETTINGS["csv_digits"],
    script:
        "../scripts/exhibit_table.py"


rule cited_numbers:
    input:
        **resource_files(),
        **{
            f"contrast_{name}": f"results/compare/{name}.parquet"
            for name in config["compare"]["contrasts"]
        },
        flow="results/clean/flow.parquet",
        segments="results/ingest/focus_group_segments.parquet",
        reliability="results/reliability/scale_reliability.parquet",
        intercoder="results/reliability/intercoder_reliability.parquet",
        describe="results/compare/barriers_by_case.parquet",
        across_cases="results/compare/across_case_tests.parquet",
        strategies="results/compare/strategy_use.parquet",
        staff="results/compare/staff_factor.parquet",
        barrier_sides="results/compare/barrier_sides.parquet",
        joint_correlation="results/compare/joint_display_correlation.parquet",
        library=library(*TABLE_LIBRARY),
    output:
        json=report(
            NUMBERS["json"],
            category="Numbers",
            caption="../report/numbers.rst",
            labels={"File": "numbers.json", "Shows": "Numbers cited in the text"},
        ),
        tex=NUMBERS["tex"],
    log:
        "logs/exhibits/cited_numbers.log",
    conda:
        ENV
    params:
        settings=TABLE_SETTINGS["numbers"],
        min_cell=MIN_CELL,
    script:
        "../scripts/cited_numbers.py"


# Last: no count of people under the threshold leaves the pipeline.
rule disclosure_check:
    input:
        tables=TABLE_CSVS,
        sidecars=TABLE_SIDECARS,
        numbers=NUMBERS["json"],
        library=library(*TABLE_LIBRARY),
    output:
        report(
            DISCLOSURE_CHECK,
            category="Disclosure control",
            caption="../report/disclosure_check.rst",
            labels={"File": "disclosure_check.txt", "Shows": "Small-cell scan"},
        ),
    log:
        "logs/exhibits/disclosure_check.log",
    conda:
        ENV
    params:
        min_cell=MIN_CELL,
    script:
        "../scripts/disclosure_check.py"

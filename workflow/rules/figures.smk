# Figures: the paper's seven figures (coprod.figures), each as PNG (in the report),
# PDF and SVG under results/exhibits/figures/. One rule per figure; a figure rule
# only reads results and draws. Style settings (config `figures:`) reach a rule
# through params: the shared keys reach every figure, a figure's own entry only it.

FIGURES = config["figures"]
FIGURE_DIR = "results/exhibits/figures"
FIGURE_STYLE = {key: FIGURES[key] for key in ("font_size", "dpi", "palette")}
FIGURE_NAMES = [
    "figure1_barrier_items",
    "figure2_barrier_heatmap",
    "figure3_contrast_forest",
    "figure4_risk_matrix",
    "figure5_focus_groups",
    "figure6_staff_factor",
    "figure7_data_quality_flow",
]
# For `rule all`: every figure in every format.
FIGURE_EXHIBITS = [
    f"{FIGURE_DIR}/{name}.{suffix}"
    for name in FIGURE_NAMES
    for suffix in ("png", "pdf", "svg")
]
FIGURE_LIBRARY = (
    "figures",
    "exhibits/protection",
    "exhibits/model",
    "exhibits/formatting",
    "resources",
    "errors",
    "pipeline",
)


rule figure1_barrier_items:
    input:
        **resource_files(),
        survey="results/clean/survey_clean.parquet",
        library=library(*FIGURE_LIBRARY, "analyses/catalogue", "stats"),
    output:
        png=report(
            f"{FIGURE_DIR}/figure1_barrier_items.png",
            category="Figures",
            caption="../report/figure1_barrier_items.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure1_barrier_items.pdf",
        svg=f"{FIGURE_DIR}/figure1_barrier_items.svg",
    log:
        "logs/figures/figure1_barrier_items.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        figure=FIGURES["figure1_barrier_items"],
        barriers=config["compare"]["scores"]["barriers_met"],
        min_cell=config["disclosure"]["min_cell"],
    script:
        "../scripts/figure1_barrier_items.py"


# The one statistics rule here: the means of figure 2's cells (coprod.analyses.describe
# per cell), unmasked, outside results/exhibits/; the figure rule masks small cells.
rule barrier_heatmap_cells:
    input:
        **resource_files(),
        scores="results/scoring/scores.parquet",
        library=library(
            "figures",
            "analyses/catalogue",
            "analyses/describe",
            "analyses/records",
            "stats",
            "resources",
            "errors",
            "pipeline",
        ),
    output:
        "results/figure_data/barrier_heatmap_cells.parquet",
    log:
        "logs/figures/barrier_heatmap_cells.log",
    conda:
        ENV
    params:
        barriers=config["compare"]["scores"]["barriers_met"],
        split=[
            key
            for key in (
                FIGURES["figure2_barrier_heatmap"]["panels"],
                FIGURES["figure2_barrier_heatmap"]["rows"],
            )
            if key
        ],
        within=FIGURES["figure2_barrier_heatmap"]["within"],
    script:
        "../scripts/barrier_heatmap_cells.py"


rule figure2_barrier_heatmap:
    input:
        **resource_files(),
        cells="results/figure_data/barrier_heatmap_cells.parquet",
        library=library(*FIGURE_LIBRARY, "analyses/catalogue", "stats"),
    output:
        png=report(
            f"{FIGURE_DIR}/figure2_barrier_heatmap.png",
            category="Figures",
            caption="../report/figure2_barrier_heatmap.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure2_barrier_heatmap.pdf",
        svg=f"{FIGURE_DIR}/figure2_barrier_heatmap.svg",
    log:
        "logs/figures/figure2_barrier_heatmap.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        figure=FIGURES["figure2_barrier_heatmap"],
        barriers=config["compare"]["scores"]["barriers_met"],
        min_cell=config["disclosure"]["min_cell"],
    script:
        "../scripts/figure2_barrier_heatmap.py"


rule figure3_contrast_forest:
    input:
        **resource_files(),
        effects=f"results/compare/{FIGURES['figure3_contrast_forest']['contrast']}.parquet",
        library=library(*FIGURE_LIBRARY, "analyses/catalogue", "stats"),
    output:
        png=report(
            f"{FIGURE_DIR}/figure3_contrast_forest.png",
            category="Figures",
            caption="../report/figure3_contrast_forest.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure3_contrast_forest.pdf",
        svg=f"{FIGURE_DIR}/figure3_contrast_forest.svg",
    log:
        "logs/figures/figure3_contrast_forest.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        alpha=FIGURES["alpha"],
        figure=FIGURES["figure3_contrast_forest"],
        contrast=config["compare"]["contrasts"][
            FIGURES["figure3_contrast_forest"]["contrast"]
        ],
        scores=config["compare"]["scores"],
    script:
        "../scripts/figure3_contrast_forest.py"


rule figure4_risk_matrix:
    input:
        **resource_files(),
        risks="results/compare/risks.parquet",
        library=library(*FIGURE_LIBRARY, "analyses/catalogue", "stats"),
    output:
        png=report(
            f"{FIGURE_DIR}/figure4_risk_matrix.png",
            category="Figures",
            caption="../report/figure4_risk_matrix.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure4_risk_matrix.pdf",
        svg=f"{FIGURE_DIR}/figure4_risk_matrix.svg",
    log:
        "logs/figures/figure4_risk_matrix.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        figure=FIGURES["figure4_risk_matrix"],
        experienced=config["compare"]["scores"]["risks_experienced"],
        managed=config["compare"]["scores"]["risks_managed"],
        min_cell=config["disclosure"]["min_cell"],
    script:
        "../scripts/figure4_risk_matrix.py"


rule figure5_focus_groups:
    input:
        **resource_files(),
        prevalence="results/compare/fg_prevalence.parquet",
        cooccurrence="results/compare/fg_cooccurrence.parquet",
        intercoder="results/reliability/intercoder_reliability.parquet",
        library=library(*FIGURE_LIBRARY),
    output:
        png=report(
            f"{FIGURE_DIR}/figure5_focus_groups.png",
            category="Figures",
            caption="../report/figure5_focus_groups.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure5_focus_groups.pdf",
        svg=f"{FIGURE_DIR}/figure5_focus_groups.svg",
    log:
        "logs/figures/figure5_focus_groups.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        alpha=FIGURES["alpha"],
        figure=FIGURES["figure5_focus_groups"],
        intercoder={
            key: config["intercoder"][key]
            for key in ("unreliable_below", "reliable_from")
        },
        row_kind=config["compare"]["focus_groups"]["row_kind"],
        column_kind=config["compare"]["focus_groups"]["column_kind"],
    script:
        "../scripts/figure5_focus_groups.py"


rule figure6_staff_factor:
    input:
        **resource_files(),
        coefficients="results/compare/staff_factor.parquet",
        library=library(*FIGURE_LIBRARY, "analyses/catalogue", "stats"),
    output:
        png=report(
            f"{FIGURE_DIR}/figure6_staff_factor.png",
            category="Figures",
            caption="../report/figure6_staff_factor.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure6_staff_factor.pdf",
        svg=f"{FIGURE_DIR}/figure6_staff_factor.svg",
    log:
        "logs/figures/figure6_staff_factor.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        alpha=FIGURES["alpha"],
        figure=FIGURES["figure6_staff_factor"],
        staff=config["compare"]["staff"],
    script:
        "../scripts/figure6_staff_factor.py"


rule figure7_data_quality_flow:
    input:
        **resource_files(),
        flow="results/clean/flow.parquet",
        library=library(*FIGURE_LIBRARY),
    output:
        png=report(
            f"{FIGURE_DIR}/figure7_data_quality_flow.png",
            category="Figures",
            caption="../report/figure7_data_quality_flow.rst",
        ),
        pdf=f"{FIGURE_DIR}/figure7_data_quality_flow.pdf",
        svg=f"{FIGURE_DIR}/figure7_data_quality_flow.svg",
    log:
        "logs/figures/figure7_data_quality_flow.log",
    conda:
        ENV
    params:
        style=FIGURE_STYLE,
        figure=FIGURES["figure7_data_quality_flow"],
        exclusions=config["exclusions"],
        min_cell=config["disclosure"]["min_cell"],
    script:
        "../scripts/figure7_data_quality_flow.py"

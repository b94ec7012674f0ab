"""The paper's figures: every drawing function on small hand-made frames, masking of
small cells, byte-identical files, the registry of figure jobs, and that restyling one
figure reruns only its rule."""

from __future__ import annotations

import copy
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from snakemake.utils import validate

from coprod.analyses.figure_data import describe_cells
from coprod.errors import StudyInputError
from coprod.exhibits.figures.figure1_barrier_items import (
    diverging_bars,
    likert_distribution,
    likert_item_labels,
)
from coprod.exhibits.figures.figure2_barrier_heatmap import mean_heatmap
from coprod.exhibits.figures.figure3_contrast_forest import forest_plot
from coprod.exhibits.figures.figure4_risk_matrix import risk_scatter
from coprod.exhibits.figures.figure5_focus_groups import focus_group_codes
from coprod.exhibits.figures.figure6_staff_factor import coefficient_plot
from coprod.exhibits.figures.figure7_data_quality_flow import flow_diagram
from coprod.exhibits.figures.labels import level_labels, with_case_attribute
from coprod.exhibits.figures.style import (
    MIN_FONT,
    PALETTES,
    Look,
    figure_style,
    overflow,
    size,
    smallest_font,
    style_from_config,
    write_figure,
)
from coprod.jobs import FIGURE_STYLE_KEYS, resolve
from coprod.registry import jobs
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS
from tests.conftest import REPO, output, run

STYLE = style_from_config()


# --------------------------------------------------------------------------- frames


def likert_frame() -> pd.DataFrame:
    """Two items answered by two classes of respondents; 8 is "don't know"."""
    answers = {
        "x": [[1, 2, 3, 4, 5, 5, 8], [3, 3, 4, 4, 2, 1, 5], [2, 2, 2, 3, 3, 8, 1]],
        "y": [[5, 5, 4, 4, 3, 8, 8], [1, 1, 2, 3, 3, 4, 5], [4, 4, 5, 5, 5, 3, 2]],
    }
    items = ["a", "b", "c", "d", "e", "f"]
    rows = []
    for level, columns in answers.items():
        for k in range(7):
            row = {"cls": level}
            for i, item in enumerate(items):
                row[item] = columns[i % 3][(k + i) % 7]
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["cls"] = pd.Categorical(frame["cls"], categories=["x", "y"])
    return frame.astype(dict.fromkeys(items, "Int64"))


def heatmap_frame() -> pd.DataFrame:
    """Cells of one outcome, one panel, three blocks of three groups; one n under 5."""
    counts = {
        "r1": {"g1": 3, "g2": 10, "g3": 15},
        "r2": {"g1": 12, "g2": 20, "g3": 25},
        "r3": {"g1": 30, "g2": 35, "g3": 40},
    }
    rows = []
    for row, groups in counts.items():
        for group, n in groups.items():
            rows.append(
                {
                    "p": "p1",
                    "r": row,
                    "outcome": "o1",
                    "group": group,
                    "estimate": 2.0 + n / 20,
                    "n": n,
                    "respondents": n,
                }
            )
        total = sum(groups.values())
        rows.append(
            {
                "p": "p1",
                "r": row,
                "outcome": "o1",
                "group": "all",
                "estimate": 3.0,
                "n": total,
                "respondents": total,
            }
        )
    return pd.DataFrame(rows)


def effects_frame() -> pd.DataFrame:
    rows = []
    for outcome, r, g, p in [
        ("s1", 0.3, 0.5, 0.001),
        ("s2", 0.05, 0.1, 0.6),
        ("s3", -0.2, -0.4, 0.01),
    ]:
        rows.append(
            {
                "outcome": outcome,
                "group_1": "x",
                "group_2": "y",
                "effect": "rank_biserial",
                "estimate": r,
                "ci_low": r - 0.1,
                "ci_high": r + 0.1,
                "p": p / 3,
                "p_adj": p,
                "family": "primary",
                "correction": "Holm",
                "n": 100,
            }
        )
        if outcome != "s3":  # s3 a yes/no score: no g
            rows.append(
                {
                    "outcome": outcome,
                    "group_1": "x",
                    "group_2": "y",
                    "effect": "hedges_g",
                    "estimate": g,
                    "ci_low": g - 0.2,
                    "ci_high": g + 0.2,
                    "p": p / 2,
                    "p_adj": p,
                    "family": "robustness",
                    "correction": "Benjamini-Hochberg",
                    "n": 100,
                }
            )
        rows.append(  # in the robustness family, but not drawn
            {
                "outcome": outcome,
                "group_1": "x",
                "group_2": "y",
                "effect": "log_odds_ratio",
                "estimate": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p": np.nan if outcome != "s3" else 0.2,
                "p_adj": np.nan if outcome != "s3" else 0.4,
                "family": "robustness",
                "correction": "Benjamini-Hochberg",
                "n": 100,
            }
        )
    return pd.DataFrame(rows)


def risk_points() -> pd.DataFrame:
    rows = []
    for k, risk in enumerate(["k1", "k2", "k3"]):
        for group in ["x", "y"]:
            rows.append(
                {
                    "risk": risk,
                    "by": group,
                    "experienced": 0.1 + 0.1 * k,
                    "experienced_count": 20 + k,
                    "experienced_n": 100,
                    "managed": 3.2 + 0.1 * k,
                    "managed_ci_low": 3.0,
                    "managed_ci_high": 3.6,
                    "managed_n": 2 if (risk, group) == ("k3", "y") else 20,
                }
            )
    return pd.DataFrame(rows)


def focus_group_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = {"c1": "barrier", "c2": "barrier", "s1": "strategy", "s2": "strategy"}
    prevalence = []
    for code in codes:
        for by, groups in {"case": ["a", "b"], "speaker_group": ["u", "v", "w"]}.items():
            for k, group in enumerate(groups):
                prevalence.append(
                    {
                        "outcome": code,
                        "by": by,
                        "group": group,
                        "estimate": 0.02 * (k + 1),
                        "count": k + 1,
                        "n": 50,
                    }
                )
    pairs = []
    for k, (a, b) in enumerate([(a, b) for a in ("c1", "c2") for b in ("s1", "s2")]):
        pairs.append(
            {
                "outcome": a,
                "code_2": b,
                "count_both": k,
                "lift": [0, 0.5, 1.0, 3.0][k],
                "p_adj": 0.01 if k == 3 else 0.9,
                "correction": "Benjamini-Hochberg",
            }
        )
    return pd.DataFrame(prevalence), pd.DataFrame(pairs)


def coefficient_frame() -> pd.DataFrame:
    rows = []
    for outcome in ["m1", "m2", "e1"]:
        for t, term in enumerate(["t1", "t2"]):
            rows.append(
                {
                    "outcome": outcome,
                    "term": term,
                    "estimate": 0.1 + 0.1 * t,
                    "ci_low": 0.0,
                    "ci_high": 0.3,
                    "p_adj": 0.001 if t else 0.3,
                    "n": 90,
                }
            )
    return pd.DataFrame(rows)


def flow_frame() -> pd.DataFrame:
    """Pooled and per-case flow; one step excludes fewer than 5 responses."""
    steps = ["received", "first", "second", "third"]
    excluded = {"c1": [None, 3, 6, 1], "c2": [None, 0, 7, 2]}
    received = {"c1": 60, "c2": 50}
    rows = []
    for case in ["c1", "c2", "all"]:
        got = sum(received.values()) if case == "all" else received[case]
        remaining = got
        for k, step in enumerate(steps):
            if case == "all":
                count = None if k == 0 else excluded["c1"][k] + excluded["c2"][k]
            else:
                count = excluded[case][k]
            remaining -= count or 0
            rows.append(
                {
                    "sample": "all",
                    "case": case,
                    "step": step,
                    "enabled": k > 0 or None,
                    "excluded": count,
                    "remaining": remaining,
                    "flagged_kept": 7 if step == "third" else None,
                }
            )
    flow = pd.DataFrame(rows).astype({"excluded": "Int64", "flagged_kept": "Int64"})
    flow["step"] = pd.Categorical(flow["step"], categories=steps)
    flow["case"] = pd.Categorical(flow["case"], categories=["c1", "c2", "all"])
    flow["sample"] = pd.Categorical(flow["sample"], categories=["all"])
    return flow


# --------------------------------------------------------------------------- drawings


def draw(name: str) -> plt.Figure:
    """Each figure function on its hand-made frame."""
    if name == "bars":
        distribution = likert_distribution(
            likert_frame(), list("abcdef"), [1, 2, 3, 4, 5], [8], "cls"
        )
        return diverging_bars(
            distribution,
            by="cls",
            panel_labels={"x": "Class X", "y": "Class Y"},
            item_labels={i: f"Item {i.upper()}" + (" (R)" if i == "b" else "") for i in "abcdef"},
            code_labels={1: "one", 2: "two", 3: "three", 4: "four", 5: "five"},
            missing_label="Don't know",
            item_groups={i: "P" if i in "abc" else "Q" for i in "abcdef"},
            look=Look(style=STYLE),
        )
    if name == "heatmap":
        return mean_heatmap(
            heatmap_frame(),
            row="r",
            panel="p",
            outcome_labels={"o1": "Outcome 1"},
            row_labels={"r1": "Row 1", "r2": "Row 2", "r3": "Row 3"},
            group_labels={"g1": "G1", "g2": "G2", "g3": "G3"},
            panel_labels={"p1": "Panel"},
            min_cell=5,
            few_below=20,
            scale=(1, 5),
            look=Look(style=STYLE),
        )
    if name == "forest":
        return forest_plot(
            effects_frame(),
            sections=[("First", ["s1", "s2"]), ("Second", ["s3"])],
            outcome_labels={"s1": "S1", "s2": "S2", "s3": "S3"},
            effect_labels={"rank_biserial": "r (primary)", "hedges_g": "g (robustness)"},
            pair_labels={("x", "y"): ("X", "Y")},
            alpha=0.05,
            look=Look(style=STYLE),
        )
    if name == "risks":
        return risk_scatter(
            risk_points(),
            by="by",
            group_labels={"x": "X", "y": "Y"},
            risk_labels={"k1": "Risk one", "k2": "Risk two", "k3": "Risk three"},
            min_cell=5,
            reference=(3, "midpoint"),
            look=Look(style=STYLE),
        )
    if name == "codes":
        prevalence, pairs = focus_group_frames()
        return focus_group_codes(
            prevalence,
            pairs,
            code_labels={"c1": "Code 1", "c2": "Code 2", "s1": "Strat 1", "s2": "Strat 2"},
            code_kinds={"c1": "barrier", "c2": "barrier", "s1": "strategy", "s2": "strategy"},
            kind_labels={"barrier": "Barriers", "strategy": "Strategies"},
            panels=[
                ("case", "By case", {"a": "A", "b": "B"}),
                ("speaker_group", "By group", {"u": "U", "v": "V", "w": "W"}),
            ],
            row_codes=["c1", "c2"],
            column_codes=["s1", "s2"],
            flags={"c2": " †"},
            notes=["† unreliable"],
            full_colour_from=2,
            look=Look(style=STYLE),
        )
    if name == "coefficients":
        return coefficient_plot(
            coefficient_frame(),
            sections=[("Main", ["m1", "m2"]), ("Each", ["e1"])],
            outcome_labels={"m1": "M1", "m2": "M2", "e1": "E1"},
            term_labels={"t1": "T1", "t2": "T2"},
            look=Look("single", STYLE),
        )
    if name == "flow":
        return flow_diagram(
            flow_frame(),
            step_labels={"first": "First rule", "second": "Second rule", "third": "Third rule"},
            received_label="Received",
            included_label="Included",
            breakdowns={"case": ("By case", {"c1": "Case 1", "c2": "Case 2"})},
            min_cell=5,
            look=Look(style=STYLE),
        )
    raise ValueError(name)


DRAWINGS = ["bars", "heatmap", "forest", "risks", "codes", "coefficients", "flow"]


def texts(fig: plt.Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def cell_boxes(ax: plt.Axes) -> list[tuple[tuple[float, ...], str | None, float, float]]:
    """The boxes :func:`cell_grid` drew in ``ax`` (its patch collections): each one's
    face colour (RGBA), hatch, width and height."""
    return [
        (tuple(face), collection.get_hatch(), *np.round(path.get_extents().size, 9))
        for collection in ax.collections
        if isinstance(collection, PatchCollection)
        for path, face in zip(
            collection.get_paths(),
            np.broadcast_to(collection.get_facecolor(), (len(collection.get_paths()), 4)),
            strict=True,
        )
    ]


def test_style_from_config_sets_sizes_and_palette():
    style = style_from_config(font_size=9, dpi=600, palette="tol_bright")
    assert style["font.size"] == 9 and style["legend.fontsize"] == 8
    assert style["savefig.dpi"] == 600
    assert style["axes.prop_cycle"].by_key()["color"][0] == PALETTES["tol_bright"][0]
    with pytest.raises(ValueError, match="palette"):
        style_from_config(palette="rainbow")
    with pytest.raises(ValueError, match="font_size"):
        style_from_config(font_size=6)


def test_likert_item_labels_number_items_and_mark_reverse_keys(study):
    codebook = study.codebook
    reversed_items = codebook.items.index[codebook.items["reverse"]].tolist()
    item = reversed_items[0]
    label = likert_item_labels(codebook, [item])[item]
    construct = codebook.constructs.loc[codebook.items.loc[item, "construct"], "label"]
    number = codebook.scale_items(codebook.items.loc[item, "score"]).index(item) + 1
    assert label == f"{construct} {number} (R)"


def test_cases_are_labelled_with_the_configured_case_attribute(study, config):
    attribute = config["figures"]["case_attribute"]
    labels = with_case_attribute(
        level_labels(study.registries, "case"), study.registries, "case", attribute
    )
    cases = study.registries["cases"]
    assert labels == {
        str(case): f"{cases.loc[case, 'label']}: {str(value).replace('_', ' ')}"
        for case, value in cases[attribute].items()
    }
    groups = level_labels(study.registries, "group_id")  # not cases: unchanged
    assert with_case_attribute(groups, study.registries, "group_id", attribute) == groups
    with pytest.raises(StudyInputError) as raised:
        with_case_attribute(labels, study.registries, "case", "no_such_column")
    columns = ", ".join(map(str, cases.columns))
    assert str(raised.value) == (
        "the config, figures.case_attribute: 'no_such_column' is not a column of the case "
        f"registry (its columns: {columns}). Name one of them, or set null to label cases "
        "by their label alone."
    )


def test_level_labels_come_from_the_registry(study):
    labels = level_labels(study.registries, "case")
    assert list(labels) == [str(c) for c in study.cases.index]
    assert list(labels.values()) == study.cases["label"].tolist()
    with pytest.raises(ValueError, match="no registry"):
        level_labels(study.registries, "sample")


def test_diverging_bars_has_a_panel_per_level_and_a_bar_per_item_and_code():
    fig = draw("bars")
    assert len(fig.axes) == 3  # two classes and "don't know"
    assert len(fig.axes[0].patches) == 6 * 5  # six items, five codes
    dont_know = [line for line in fig.axes[2].get_lines() if line.get_marker() != "None"]
    assert [len(line.get_xdata()) for line in dont_know] == [6, 6]  # six items, two classes
    # Colour means an answer category only: "don't know" is drawn in black.
    assert {to_hex(line.get_color()) for line in dont_know} == {"#000000"}
    # Items in blocks under their scale's heading (bold), the blocks by agreement.
    ticks = fig.axes[0].get_yticklabels()
    rows = sorted(
        zip([t.get_position()[1] for t in ticks], ticks, strict=True), key=lambda r: -r[0]
    )
    names = [t.get_text() for _, t in rows]
    assert [t.get_text() for _, t in rows if t.get_fontweight() == "bold"] == ["Q", "P"]
    assert names.index("Q") == 0 and names.index("P") == 4
    assert sorted(names[1:4]) == ["Item D", "Item E", "Item F"]
    plt.close(fig)


def test_describe_cells_describes_each_cell_pooled_and_per_group():
    scores = pd.DataFrame(
        {
            "cls": pd.Categorical(["x", "x", "x", "y"], categories=["x", "y", "z"]),
            "grp": pd.Categorical(["g", "g", "h", "g"], categories=["g", "h"]),
            "s": [1.0, 3.0, 5.0, 2.0],
        }
    )
    catalogue = pd.DataFrame({"outcome_label": ["S"], "kind": ["k"], "measure": ["m"]}, index=["s"])
    cells = describe_cells(scores, ["s"], catalogue, split=["cls"], within="grp")
    x = cells[cells["cls"] == "x"].set_index("group")
    assert x.loc["all", "estimate"] == 3.0 and x.loc["all", "n"] == 3
    assert x.loc["g", "estimate"] == 2.0 and x.loc["g", "respondents"] == 2
    z = cells[cells["cls"] == "z"].set_index("group")
    assert (z["n"] == 0).all() and (z["respondents"] == 0).all()  # unobserved kept


def test_heatmap_masks_small_cells_and_those_that_would_reveal_them():
    fig = draw("heatmap")
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    values = np.ma.filled(image.astype(float), np.nan)
    assert values.shape == (3 * 4, 1)  # three blocks of pooled + three groups; one outcome
    row = {
        (block, group): 4 * b + g
        for b, block in enumerate(["r1", "r2", "r3"])
        for g, group in enumerate(["all", "g1", "g2", "g3"])
    }
    assert np.isnan(values[row[("r1", "g1")], 0])  # n = 3 < 5
    for block in ["r1", "r2", "r3"]:  # no row or column with a single masked cell
        masked = [np.isnan(values[row[(block, g)], 0]) for g in ["g1", "g2", "g3"]]
        assert sum(masked) != 1
    for group in ["g1", "g2", "g3"]:
        masked = [np.isnan(values[row[(b, group)], 0]) for b in ["r1", "r2", "r3"]]
        assert sum(masked) != 1
    assert not np.isnan(values[row[("r3", "g3")], 0])  # large cells stay
    assert all(not np.isnan(values[row[(b, "all")], 0]) for b in ["r1", "r2", "r3"])
    hatched = [box for box in cell_boxes(ax) if box[1]]
    assert len(hatched) == int(np.isnan(values).sum())
    assert {box[2:] for box in hatched} == {(1.0, 1.0)}
    shown = texts(fig)
    assert "2.1" not in shown  # the masked mean (2 + 3/20) is not printed
    assert any("n < 5" in t for t in shown)
    # Shown means of fewer than 20 answers (12 in r2, and 15 and 10 unless masked) are
    # drawn smaller, in a white frame.
    framed = [box for box in cell_boxes(ax) if box[0][:3] != (1, 1, 1) and not box[1]]
    few = [("r2", "g1"), ("r1", "g2"), ("r1", "g3")]
    assert len(framed) == sum(not np.isnan(values[row[cell], 0]) for cell in few) >= 1
    assert {box[2:] for box in framed} == {(0.8, 0.62)}
    assert "framed: mean of fewer than 20 answers" in shown
    plt.close(fig)


def test_contrast_forest_draws_a_panel_per_effect_and_fills_adjusted_significant():
    fig = draw("forest")
    r_panel, g_panel = fig.axes[:2]

    def markers(ax):
        return [line for line in ax.get_lines() if line.get_marker() not in ("None", "", None)]

    assert len(markers(r_panel)) == 3 and len(markers(g_panel)) == 2
    filled = [to_hex(m.get_markerfacecolor()) != "#ffffff" for m in markers(r_panel)]
    assert filled == [True, False, True]
    assert "not estimated" in texts(fig)  # no g for the yes/no section
    # Each family of tests with its own correction, its size and its effects.
    assert fig.legends[0].get_title().get_text().splitlines()[1] == (
        "p adjusted per family of tests: Holm over 3 tests (r); Benjamini-Hochberg over "
        "3 tests (g; log odds ratio, not drawn)."
    )
    plt.close(fig)


def test_risk_matrix_leaves_out_points_with_small_counts():
    fig = draw("risks")
    ax = fig.axes[0]
    points = sum(
        len(c.get_offsets())
        for c in ax.collections
        if c.get_offsets().size and c.get_offsets().shape[1] == 2 and not hasattr(c, "get_segments")
    )
    # k3 in y (2 raters) is masked, and k3 in x with it (the pooled count would give it back)
    assert points == 4
    assert any(t.startswith("Not shown (n < 5)") for t in texts(fig))
    # Each mean is labelled with its own n (the raters), the legend with who answered.
    labels = sorted(t.get_text() for t in ax.texts if t.get_text().startswith("k"))
    assert labels == ["k1 (20)", "k1 (20)", "k2 (20)", "k2 (20)"]
    assert {t.get_text() for t in fig.legends[0].get_texts()} >= {"X (100 answered)"}
    plt.close(fig)


def test_focus_group_codes_draws_prevalence_panels_and_a_cooccurrence_matrix():
    fig = draw("codes")
    heatmaps = [ax for ax in fig.axes if ax.images]
    assert [ax.images[0].get_array().shape for ax in heatmaps] == [(6, 2), (6, 3), (2, 2)]
    assert "Code 2 †" in [t.get_text() for t in heatmaps[0].get_yticklabels()]
    outlined = [p for p in heatmaps[2].patches if not p.get_fill()]
    assert len(outlined) == 1  # the one pair under alpha
    # Pairs of 0 and 1 turns paled to white and halfway (full colour from 2 turns).
    veils = [box[0][3] for box in cell_boxes(heatmaps[2]) if box[0][:3] == (1, 1, 1)]
    assert veils == [1.0, 0.5]
    plt.close(fig)


def test_coefficient_plot_draws_a_panel_per_section():
    fig = draw("coefficients")
    panels = [ax for ax in fig.axes if ax.get_lines()]
    assert len(panels) == 2
    marks = [line for line in panels[0].get_lines() if line.get_marker() not in ("None", "")]
    assert len(marks) == 2 * 2
    plt.close(fig)


def test_flow_diagram_counts_and_masks_small_exclusions():
    fig = draw("flow")
    shown = "\n".join(texts(fig))
    assert "n = 110" in shown and "n = 91" in shown  # received, included
    assert "excluded n = 13" in shown  # second rule, pooled
    assert "< 5" in shown  # the first rule excluded 3: masked
    assert "7 flagged but kept" in shown
    assert "n = 107" not in shown  # remaining counts would give the masked one back
    plt.close(fig)


@pytest.mark.parametrize("name", DRAWINGS)
def test_figure_stays_within_its_journal_width(name):
    fig = draw(name)
    assert overflow(fig) < 0.01  # nothing beyond the width it is drawn for
    plt.close(fig)


def test_smallest_font_is_measured_as_the_journal_prints_the_figure():
    with figure_style(STYLE):
        fig, ax = plt.subplots(figsize=size("single"))
        ax.set_title("title")
        ax.text(0.5, 0.5, "small", fontsize=6.5)
    assert smallest_font(fig) == 6.5
    with figure_style(STYLE):
        wide, ax = plt.subplots(figsize=size("single"))
        ax.text(0.9, 0.5, "a note running far beyond the right edge", fontsize=7)
    # Content beyond the width is scaled back to it by the journal: every font shrinks.
    assert 3 < smallest_font(wide) < 7
    assert MIN_FONT == 7 == style_from_config(8)["legend.fontsize"]
    with pytest.raises(ValueError, match="font_size must be at least 8 pt; got 7.5"):
        style_from_config(7.5)


@pytest.mark.parametrize("name", DRAWINGS)
def test_no_text_is_under_the_minimum_font_at_print_size(name):
    assert smallest_font(draw(name)) >= MIN_FONT


SHARED_KEYS = ("alpha", "case_attribute")
"""Keys of the config's ``figures`` section that are not a figure's own entry (nor style)."""


@pytest.mark.workflow
def test_every_figure_of_a_run_has_no_text_under_the_minimum_at_print_size(study_run, monkeypatch):
    """Each figure job drawn again from the results of a run of the (reduced) study."""
    config = yaml.safe_load((study_run / "config" / "config.yaml").read_text(encoding="utf-8"))
    validate(config, str(REPO / "workflow" / "schemas" / "config.schema.yaml"))
    monkeypatch.chdir(study_run)
    study = load_study({key: config["resources"][key] for key in RESOURCE_KEYS})
    figures = [job for job in jobs() if job.kind == "figure"]
    assert {job.name for job in figures} == {k for k in config["figures"]} - {
        *FIGURE_STYLE_KEYS,
        *SHARED_KEYS,
    }
    for job in figures:
        fig = resolve(job.function)(study, job.inputs(config), job.settings(config))
        assert smallest_font(fig) >= MIN_FONT, job.name
        assert overflow(fig) < 0.01, job.name
        plt.close(fig)


DRAW_AND_SAVE = """
import sys
from pathlib import Path
from coprod.exhibits.figures.style import save_figure
from tests.test_figures import DRAWINGS, STYLE, draw
out = Path(sys.argv[1])
for name in DRAWINGS:
    paths = [out / f"{name}.{suffix}" for suffix in ("pdf", "png", "svg")]
    save_figure(draw(name), paths, {**STYLE, "savefig.dpi": 72})
"""


def test_drawing_every_figure_twice_gives_identical_bytes(tmp_path):
    """Two processes (different hash seeds) draw and save every figure: same bytes."""
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(
            (
                out,
                subprocess.Popen(
                    [sys.executable, "-c", DRAW_AND_SAVE, str(out)],
                    cwd=REPO,
                    env=env,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    for _, process in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    first, second = (sorted(out.iterdir()) for out, _ in runs)
    assert [p.name for p in first] == [p.name for p in second]
    assert len(first) == 3 * len(DRAWINGS)
    for a, b in zip(first, second, strict=True):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), (
            a.name
        )
    pdf = (runs[0][0] / "heatmap.pdf").read_bytes()
    svg = (runs[0][0] / "heatmap.svg").read_bytes()
    png = (runs[0][0] / "heatmap.png").read_bytes()
    assert b"CreationDate" not in pdf and b"<dc:date>" not in svg and b"Software" not in png


# --------------------------------------------------------------------------- workflow

DRAWN = ["figure4_risk_matrix", "figure7_data_quality_flow"]
# Only changed params may trigger a rerun here: the check is about the config, and the
# library files may be edited (newer) while it runs.
TRIGGER = ["--rerun-triggers", "params"]


def scheduled(workdir: Path, *args: str) -> set[str]:
    """Rules a dry run of the two figures' PDFs would run."""
    targets = [f"results/exhibits/figures/{name}.pdf" for name in DRAWN]
    result = run(workdir, *targets, "--dry-run", *TRIGGER, *args)
    assert result.returncode == 0, output(result)
    if "Nothing to be done" in result.stdout + result.stderr:
        return set()
    table = result.stdout.split("Job stats:")[1].split("total")[0]
    return {
        parts[0]
        for parts in map(str.split, table.splitlines())
        if len(parts) == 2 and parts[1].isdigit()
    }


def restyled(config: dict, name: str | None = None) -> dict:
    """A copy of ``config`` with the shared figure style changed, or only figure ``name``'s."""
    changed = copy.deepcopy(config)
    figures_config = changed["figures"]
    entries = [name] if name else [key for key in figures_config if key.startswith("figure")]
    for entry in entries:
        figures_config[entry]["width"] = "single"
        figures_config[entry]["restyled"] = True
    if name is None:
        figures_config.update(font_size=11, dpi=72, palette="tol_bright")
    return changed


def test_no_analysis_job_reads_the_figures_style():
    """Restyling cannot rerun an analysis: only figure jobs read the figures' style."""
    from coprod.registry import jobs

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    other = restyled(config)
    for job in jobs():
        if job.kind != "figure":
            assert job.settings(other) == job.settings(config), job.name
            assert job.render(other) == job.render(config), job.name


@pytest.mark.workflow
def test_restyling_one_figure_reruns_only_that_figure(run_copy):
    # A copy of the session's run, in which Snakemake recorded every figure's params.
    study_copy = run_copy
    assert scheduled(study_copy) == set()

    config_path = study_copy / "config" / "config.yaml"
    original = config_path.read_text()

    def restyle(change) -> set[str]:
        config = yaml.safe_load(original)
        change(config["figures"])
        config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        try:
            return scheduled(study_copy)
        finally:
            config_path.write_text(original)

    def one_figure(figures_config):
        entry = figures_config["figure4_risk_matrix"]
        entry["width"] = "single" if entry["width"] == "double" else "double"

    def shared(figures_config):
        figures_config["font_size"] = figures_config["font_size"] + 1

    assert restyle(one_figure) == {"figure4_risk_matrix"}
    assert restyle(shared) == set(DRAWN)


def test_every_figure_of_the_config_is_registered_and_reads_only_its_own_entry():
    from coprod.exhibits.registry import FIGURES

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    names = [key for key in config["figures"] if key.startswith("figure")]
    assert [job.name for job in FIGURES] == names
    for job in FIGURES:
        assert job.kind == "figure" and [part.stem for part in job.parts] == [job.name]
        assert job.settings(config)["figure"] == config["figures"][job.name]
        assert job.settings(restyled(config, job.name)) != job.settings(config)
        for other in names:
            if other != job.name:
                assert job.settings(restyled(config, other)) == job.settings(config), other
        assert set(job.outputs(config)) == {"png", "pdf", "svg"}


def test_write_figure_writes_every_form_and_warns_of_content_beyond_the_canvas(tmp_path, capsys):
    fig, ax = plt.subplots(figsize=size("single", 0.5))
    ax.text(1.5, 0.5, "reaches far beyond the right edge of the canvas", transform=ax.transAxes)
    outputs = {form: str(tmp_path / f"figure.{form}") for form in ("png", "pdf", "svg")}
    write_figure(fig, outputs, {"style": {"font_size": 8, "dpi": 72, "palette": "okabe_ito"}})
    assert all(Path(path).stat().st_size > 0 for path in outputs.values())
    assert "beyond its canvas" in capsys.readouterr().err


def test_catalogue_labels_are_the_figures_labels(study):
    """Figure 3 and 6 label rows with the codebook's construct labels."""
    from coprod.analyses.catalogue import score_catalogue  # heavy (statistics stack): only here

    catalogue = score_catalogue(study.codebook)
    assert catalogue["label"].notna().all()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


__all__ = ["Line2D"]


def test_heatmap_masks_a_groups_cell_that_its_total_over_the_panels_would_give_back():
    # Panel p2 repeats p1's counts plus 10, so that nothing in p2 is small; (r1, g1) has 3
    # answers in p1. Its total over the panels (3 + 13, as a table of respondents per row
    # level and group publishes it) would give the 3 back if p2's 13 were shown.
    one = heatmap_frame()
    two = one.assign(p="p2", n=one["n"] + 10, respondents=one["respondents"] + 10)
    fig = mean_heatmap(
        pd.concat([one, two], ignore_index=True),
        row="r",
        panel="p",
        outcome_labels={"o1": "Outcome 1"},
        row_labels={"r1": "Row 1", "r2": "Row 2", "r3": "Row 3"},
        group_labels={"g1": "G1", "g2": "G2", "g3": "G3"},
        panel_labels={"p1": "Panel 1", "p2": "Panel 2"},
        min_cell=5,
        scale=(1, 5),
        look=Look(style=STYLE),
    )
    panels = [ax for ax in fig.axes if ax.images]
    masked = [np.ma.getmaskarray(ax.images[0].get_array())[:, 0] for ax in panels]
    assert masked[0][1] and masked[1][1]  # (r1, g1): 3 in p1, and 13 in p2
    assert masked[1].any() and not masked[1].all()
    assert (masked[0] == masked[1]).all()  # no line over the panels with one masked cell
    plt.close(fig)


# Figure 4's points in the bundled study (x: % experienced, y: mean managed), and their
# labels: around x = 21-24 five points crowd, where a leader line once crossed a label.
RISK_POINTS = [
    (23.42, 3.507, "R1 (73)"), (24.09, 3.474, "R2 (76)"), (17.13, 3.382, "R3 (55)"),
    (5.52, 3.5, "R4 (18)"), (9.34, 3.517, "R5 (29)"), (20.72, 3.453, "R6 (64)"),
    (41.99, 3.553, "R7 (132)"), (26.63, 3.469, "R8 (81)"), (35.8, 3.613, "R9 (111)"),
    (10.84, 3.697, "R10 (33)"), (26.76, 3.6, "R1 (95)"), (11.26, 3.475, "R2 (40)"),
    (31.1, 3.482, "R3 (110)"), (8.0, 3.793, "R4 (29)"), (17.03, 3.567, "R5 (60)"),
    (20.91, 3.473, "R6 (74)"), (34.76, 3.549, "R7 (122)"), (32.22, 3.463, "R8 (108)"),
    (29.46, 3.356, "R9 (101)"), (6.91, 3.708, "R10 (24)"),
]  # fmt: skip


def test_risk_labels_overlap_no_label_and_no_leader_line_crosses_a_label():
    from coprod.exhibits.figures.figure4_risk_matrix import _crosses, _place_labels

    with figure_style():
        fig = plt.figure(figsize=(7.2, 3.6))
        ax = fig.add_axes((0.086433, 0.113434, 0.589631, 0.874991))  # as laid out
        ax.set_xlim(0, 44.182307)
        ax.set_ylim(2.748244, 4.312412)
        ax.scatter([x for x, _, _ in RISK_POINTS], [y for _, y, _ in RISK_POINTS], s=18)
        anchors = [(x, y) for x, y, _ in RISK_POINTS]
        _place_labels(ax, anchors, [text for _, _, text in RISK_POINTS], gap=2.5)
        fig.draw_without_rendering()  # the labels' positions
        renderer = fig.canvas.get_renderer()
        labels = [a for a in ax.texts if isinstance(a, Annotation)]
        boxes = [Text.get_window_extent(a, renderer).extents for a in labels]
    assert len(labels) == len(RISK_POINTS)
    for i, (box, label) in enumerate(zip(boxes, labels, strict=True)):
        others = boxes[:i] + boxes[i + 1 :]
        overlapping = [
            labels[j].get_text()
            for j, o in enumerate(boxes)
            if j != i and box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
        ]
        assert not overlapping, (label.get_text(), overlapping)
        if label.arrow_patch is not None:  # a leader line to a label set further off
            x, y = ax.transData.transform(label.xy)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            assert not _crosses(np.array([x, y, *centre]), others), label.get_text()
    plt.close(fig)

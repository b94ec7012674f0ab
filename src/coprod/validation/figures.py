"""The figures of the validation study: how each method did, condition by condition.

:func:`operating_characteristics` draws the summary of :func:`coprod.validation.summary.summarise`
(its rows over all of a method's estimands, ``family == "all"``) in four panels that
share one row per method:

a. type I error: the share of null estimands rejected at ``alpha``;
b. coverage of the 95% confidence intervals;
c. power: the share of the other estimands rejected;
d. bias of the estimates against the population values.

Each point is one condition (marker and colour), with its 95% Monte Carlo interval
(1.96 Monte Carlo SEs, replicates as the units). Dashed lines mark the nominal value
(``alpha``, 0.95, no bias), dotted lines the criteria the summary flags
(``max_type_i_error``, ``min_coverage``). A method without tests or without intervals
has no point in the panel that needs them.

:func:`recovery` draws :func:`coprod.validation.summary.summarise_estimands`: per method, every
estimand's mean estimate over the replicates against its population value, with 95%
Monte Carlo intervals, beside the line of no bias.

Both use the shared style of :mod:`coprod.exhibits.figures.style` and are saved with
:func:`coprod.exhibits.figures.style.save_figure`.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from coprod.exhibits.figures.drawing import panel_title
from coprod.exhibits.figures.style import DOUBLE, MARKERS, Look, overflow, plt, style_colours
from coprod.validation.design import METHOD_LABELS

__all__ = [
    "PANELS",
    "condition_legend",
    "operating_characteristics",
    "recovery",
    "validation_figures",
]

PANELS = (
    ("type_i_error", "Type I error", "share of nulls rejected"),
    ("coverage", "Coverage", "share of CIs covering"),
    ("power", "Power", "share of effects found"),
    ("bias", "Bias", "estimate \u2212 truth"),
)
"""(summary column, panel title, axis label), left to right."""

_Z = 1.959964


def operating_characteristics(
    summary: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    alpha: float,
    max_type_i_error: float,
    min_coverage: float,
    condition_labels: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Type I error, coverage, power and bias per method and condition.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`coprod.validation.summary.summarise`: ``condition``, ``method``,
        ``method_label``, ``family`` and, for each panel, the metric, its ``*_mcse``
        and the count of what it averages (``n_type_i_error_tests``, ``n_ci``,
        ``n_power_tests``, ``n_estimates``).
    alpha : float
        The significance level of the tests (the nominal type I error).
    max_type_i_error, min_coverage : float
        The criteria of the summary (config ``validation.criteria``).
    condition_labels : mapping, optional
        Legend label per condition (default: its name); conditions in this order,
        then any others in the summary's order.
    look : Look
        Journal width and style (:class:`coprod.exhibits.figures.style.Look`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> summary = pd.DataFrame({
    ...     "condition": ["null", "planted"], "method": ["t", "t"], "family": ["all"] * 2,
    ...     "method_label": ["t test"] * 2, "type_i_error": [0.05, 0.04],
    ...     "type_i_error_mcse": [0.01, 0.01], "n_type_i_error_tests": [100, 40],
    ...     "coverage": [0.95, 0.94], "coverage_mcse": [0.01, 0.01], "n_ci": [100, 100],
    ...     "power": [np.nan, 0.8], "power_mcse": [np.nan, 0.02], "n_power_tests": [0, 60],
    ...     "bias": [0.0, 0.01], "bias_mcse": [0.01, 0.01], "n_estimates": [100, 100]})
    >>> fig = operating_characteristics(summary, alpha=0.05, max_type_i_error=0.07,
    ...                                 min_coverage=0.9)
    >>> [ax.get_title(loc="left").split("   ")[0] for ax in fig.axes]
    ['a', 'b', 'c', 'd']
    """
    overall = summary[summary["family"] == "all"]
    if overall.empty:
        raise ValueError("the summary has no rows over all estimands (family 'all')")
    methods = list(dict.fromkeys(overall["method"]))
    method_labels = dict(zip(overall["method"], overall["method_label"], strict=False))
    labels = dict(condition_labels or {})
    conditions = _in_order(labels, overall["condition"])
    counts = {
        "type_i_error": "n_type_i_error_tests",
        "coverage": "n_ci",
        "power": "n_power_tests",
        "bias": "n_estimates",
    }
    references = {
        "type_i_error": [(alpha, "--"), (max_type_i_error, ":")],
        "coverage": [(0.95, "--"), (min_coverage, ":")],
        "power": [],
        "bias": [(0.0, "--")],
    }
    table = overall.set_index(["condition", "method"])
    rows = np.arange(len(methods))
    dodge = 0.5 / max(len(conditions), 1)
    offsets = (np.arange(len(conditions)) - (len(conditions) - 1) / 2) * dodge
    with look.drawing():
        colours = style_colours()
        fig, axes = plt.subplots(
            1,
            len(PANELS),
            figsize=look.size(0.32 * len(methods) + 1.3),
            sharey=True,
            layout="constrained",
        )
        for letter, ax, (metric, title, axis_label) in zip("abcd", axes, PANELS, strict=True):
            for value, line in references[metric]:
                ax.axvline(value, color="0.45", linestyle=line, linewidth=0.7, zorder=1)
            for c, condition in enumerate(conditions):
                for m, method in enumerate(methods):
                    if (condition, method) not in table.index:
                        continue
                    row = table.loc[(condition, method)]
                    value, se = row[metric], row[f"{metric}_mcse"]
                    if row[counts[metric]] == 0 or not np.isfinite(value):
                        continue
                    y = rows[m] + offsets[c]
                    if np.isfinite(se):
                        ax.plot(
                            [value - _Z * se, value + _Z * se],
                            [y, y],
                            color=colours[c % len(colours)],
                            linewidth=1.0,
                            zorder=2,
                        )
                    ax.plot(
                        value,
                        y,
                        marker=MARKERS[c % len(MARKERS)],
                        markersize=3.6,
                        color=colours[c % len(colours)],
                        linestyle="none",
                        zorder=3,
                    )
            panel_title(ax, letter, title)
            ax.set_xlabel(axis_label)
            ax.grid(axis="x", color="0.92", linewidth=0.5, zorder=0)
            ax.set_ylim(len(methods) - 0.5, -0.5)
        axes[0].set_yticks(rows, [_wrap(method_labels[m], 44) for m in methods])
        for ax in axes:
            ax.tick_params(axis="y", length=0)
        for metric, ax in zip([p[0] for p in PANELS], axes, strict=True):
            if metric != "bias":
                low, high = ax.get_xlim()
                ax.set_xlim(max(low, -0.02), min(high, 1.02))
        handles = _condition_handles(conditions, labels, colours)
        handles += [
            plt.Line2D([], [], color="0.45", linestyle="--", linewidth=0.7, label="nominal"),
            plt.Line2D([], [], color="0.45", linestyle=":", linewidth=0.7, label="criterion"),
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            handletextpad=0.3,
            columnspacing=1.2,
        )
    return fig


def recovery(
    estimands: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    method_labels: Mapping[str, str],
    condition_labels: Mapping[str, str] | None = None,
    columns: int = 3,
) -> plt.Figure:
    """Mean estimate against population value, per estimand, one panel per method.

    Parameters
    ----------
    estimands : pandas.DataFrame
        :func:`coprod.validation.summary.summarise_estimands`: ``condition``, ``method``,
        ``truth``, ``bias`` and ``bias_mcse`` per estimand. Estimands without a
        population value are left out, and so is a method without any.
    method_labels : mapping
        Panel title per method (:data:`coprod.validation.design.METHOD_LABELS`); panels in
        this order, then any other method in the frame's order.
    condition_labels : mapping, optional
        Legend label per condition, in this order.
    columns : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> estimands = pd.DataFrame({"condition": ["null", "planted"], "method": ["t", "t"],
    ...     "truth": [0.0, 0.3], "bias": [0.01, -0.02], "bias_mcse": [0.01, 0.01]})
    >>> fig = recovery(estimands, method_labels={"t": "t test"})
    >>> [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    ['t test']
    """
    data = estimands[estimands["truth"].notna() & estimands["bias"].notna()]
    if data.empty:
        raise ValueError("no estimand has both a population value and an estimate")
    present = list(dict.fromkeys(data["method"]))
    methods = [m for m in method_labels if m in present] + [
        m for m in present if m not in method_labels
    ]
    labels = dict(condition_labels or {})
    conditions = _in_order(labels, data["condition"])
    rows = -(-len(methods) // columns)
    with look.drawing():
        colours = style_colours()
        fig, axes = plt.subplots(
            rows,
            columns,
            figsize=look.size(2.0 * rows + 0.5),
            squeeze=False,
            layout="constrained",
        )
        for ax, method in zip(axes.ravel(), methods, strict=False):
            part = data[data["method"] == method]
            truth = part["truth"].to_numpy(float)
            low, high = float(truth.min()), float(truth.max())
            margin = 0.08 * (high - low) or 0.05
            ax.plot(
                [low - margin, high + margin],
                [low - margin, high + margin],
                color="0.45",
                linestyle="--",
                linewidth=0.7,
                zorder=1,
            )
            for c, condition in enumerate(conditions):
                rows_of = part[part["condition"] == condition]
                if rows_of.empty:
                    continue
                x = rows_of["truth"].to_numpy(float)
                y = x + rows_of["bias"].to_numpy(float)
                ax.errorbar(
                    x,
                    y,
                    yerr=_Z * rows_of["bias_mcse"].fillna(0).to_numpy(float),
                    fmt=MARKERS[c % len(MARKERS)],
                    markersize=2.6,
                    elinewidth=0.6,
                    color=colours[c % len(colours)],
                    alpha=0.8,
                    zorder=2 + c,
                )
            ax.set_title(_wrap(method_labels.get(method, method), 34), loc="left")
            ax.grid(color="0.92", linewidth=0.5, zorder=0)
        for ax in axes.ravel()[len(methods) :]:
            ax.set_visible(False)
        fig.supxlabel("population value")
        fig.supylabel("mean estimate over the replicates")
        handles = _condition_handles(conditions, labels, colours)
        handles.append(
            plt.Line2D([], [], color="0.45", linestyle="--", linewidth=0.7, label="no bias")
        )
        fig.legend(handles=handles, loc="outside upper center", ncols=len(handles))
    return fig


def _in_order(labels: Mapping[str, str], present: pd.Series) -> list[str]:
    """The conditions present: those ``labels`` names in its order, then the others."""
    seen = list(dict.fromkeys(present))
    return [c for c in labels if c in seen] + [c for c in seen if c not in labels]


def _condition_handles(
    conditions: list[str], labels: Mapping[str, str], colours: list[str]
) -> list[plt.Line2D]:
    """Legend entries of the conditions: the marker and colour each is drawn with."""
    return [
        plt.Line2D(
            [],
            [],
            marker=MARKERS[c % len(MARKERS)],
            color=colours[c % len(colours)],
            linestyle="none",
            markersize=3.6,
            label=labels.get(condition, condition),
        )
        for c, condition in enumerate(conditions)
    ]


def _wrap(label: str, width: int = 34) -> str:
    """A method label broken after its comma, each part wrapped at ``width`` characters.

    Examples
    --------
    >>> print(_wrap("Kruskal-Wallis H, epsilon-squared (noncentral chi-squared CI)"))
    Kruskal-Wallis H,
    epsilon-squared (noncentral
    chi-squared CI)
    """
    if len(label) <= width:
        return label
    head, sep, tail = label.partition(", ")
    parts = [head + sep.strip(), tail] if sep else [label]
    return "\n".join(textwrap.fill(part, width, break_on_hyphens=False) for part in parts if part)


def condition_legend(conditions: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Legend labels of the config's conditions: name and effect scale.

    Examples
    --------
    >>> condition_legend({"null_effects": {"effect_scale": 0.0}, "planted": {"effect_scale": 1}})
    {'null_effects': 'null_effects (effects x 0)', 'planted': 'planted (effects x 1)'}
    """
    return {
        name: f"{name} (effects x {spec['effect_scale']:g})" for name, spec in conditions.items()
    }


def validation_figures(
    summary: pd.DataFrame,
    estimands: pd.DataFrame,
    *,
    alpha: float,
    criteria: Mapping[str, float],
    conditions: Mapping[str, Mapping[str, Any]],
    style: Mapping[str, Any] | None = None,
) -> dict[str, plt.Figure]:
    """Both figures of the validation study, by name (``methods``, ``estimands``).

    Warns on stderr where a figure reaches beyond its canvas.

    Parameters
    ----------
    summary, estimands : pandas.DataFrame
        :func:`~coprod.validation.summary.summarise` and
        :func:`~coprod.validation.summary.summarise_estimands`.
    alpha : float
        Significance level.
    criteria : mapping
        ``max_type_i_error`` and ``min_coverage``.
    conditions : mapping
        Config ``validation.conditions`` (for the legend, :func:`condition_legend`).
    style : mapping, optional
        :func:`coprod.exhibits.figures.style.style_from_config`.

    Returns
    -------
    dict of matplotlib.figure.Figure
    """
    legend = condition_legend(conditions)
    look = Look(style=style)
    figures = {
        "methods": operating_characteristics(
            summary, alpha=alpha, **criteria, condition_labels=legend, look=look
        ),
        "estimands": recovery(
            estimands, method_labels=METHOD_LABELS, condition_labels=legend, look=look
        ),
    }
    for name, figure in figures.items():
        beyond = overflow(figure)
        if beyond > 0.01:
            print(f"warning: {name} reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    return figures

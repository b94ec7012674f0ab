"""The paper's figures: one shared style, byte-identical files, one function per figure.

Every figure is drawn with matplotlib in one style (fonts, sizes for a one- or
two-column journal width, a colour-blind-safe palette) and saved as PDF, PNG
and SVG with their timestamps and software tags removed, so that two runs on
the same machine write identical bytes.

Example
-------
>>> import matplotlib.pyplot as plt
>>> with figure_style():
...     fig, ax = plt.subplots(figsize=size("single", 0.6))
...     _ = ax.plot([0, 1], [0, 1], color=PALETTE[0])
>>> save_figure(fig, ["/tmp/example.png"])  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
NEUTRAL = "#BDBDBD"
MISSING = "#FFFFFF"
# Journal widths in inches: one column (89 mm) and two columns (183 mm).
WIDTHS = {"single": 3.5, "double": 7.2}

STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 1.0,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "pdf.fonttype": 42,  # embed TrueType: editable text in the PDF
    "svg.fonttype": "none",
    "svg.hashsalt": "coprod",  # fixed ids in SVG files
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}
# Metadata that would otherwise carry the date or the software version into the file.
METADATA = {
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    ".svg": {"Date": None, "Creator": None},
    ".png": {"Software": None},
}


def size(width: str = "single", aspect: float = 0.62) -> tuple[float, float]:
    """Figure size for a journal width ("single" or "double") and height/width ratio."""
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {', '.join(WIDTHS)}; got {width!r}")
    return WIDTHS[width], WIDTHS[width] * aspect


@contextlib.contextmanager
def figure_style(overrides: dict | None = None) -> Iterator[None]:
    """Draw inside this context to use the shared style (plus any ``overrides``)."""
    with plt.rc_context({**STYLE, **(overrides or {})}):
        yield


def save_figure(fig: plt.Figure, paths: Sequence[str | Path]) -> None:
    """Save ``fig`` to every path (format from the suffix) without timestamps; close it."""
    with figure_style():
        for path in map(Path, paths):
            if path.suffix not in METADATA:
                raise ValueError(f"{path}: figures are written as .pdf, .png or .svg")
            fig.savefig(path, metadata=METADATA[path.suffix])
    plt.close(fig)


def likert_distribution(
    responses: pd.DataFrame,
    items: Sequence[str],
    valid_codes: Sequence[int],
    missing_codes: Sequence[int],
    by: str,
) -> pd.DataFrame:
    """Answers to Likert items per level of ``by``: counts and shares of each valid code.

    Returns one row per item and level of ``by`` with ``n`` (valid answers), a
    ``share_<code>`` column per valid code (of the valid answers), ``n_missing_code``
    (answers such as "don't know") and ``share_missing_code`` (of all answers given).
    """
    rows = []
    levels = (
        responses[by].cat.categories
        if hasattr(responses[by], "cat")
        else sorted(responses[by].dropna().unique())
    )
    for item in items:
        for level in levels:
            answers = responses.loc[responses[by] == level, item].dropna().astype("int64")
            valid = answers[answers.isin(valid_codes)]
            n_missing = int(answers.isin(missing_codes).sum())
            row = {"item": item, by: level, "n": len(valid), "n_missing_code": n_missing}
            for code in valid_codes:
                row[f"share_{code}"] = (valid == code).mean() if len(valid) else np.nan
            row["share_missing_code"] = n_missing / len(answers) if len(answers) else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def diverging_bars(
    distribution: pd.DataFrame,
    *,
    by: str,
    panel_labels: Mapping[str, str],
    item_labels: Mapping[str, str],
    code_labels: Mapping[int, str],
    missing_label: str,
    width: str = "double",
) -> plt.Figure:
    """Diverging stacked bars of Likert items, one panel per level of ``by``.

    The neutral (middle) category is centred on zero, disagreement to the left,
    agreement to the right; items are sorted by agreement pooled over panels; n
    is printed beside each bar; the missing code ("don't know") is drawn apart at
    the right; every panel has the same x-range so that panels compare.
    """
    codes = list(code_labels)
    middle = len(codes) // 2
    shares = distribution[[f"share_{c}" for c in codes]].to_numpy(dtype=float)
    agree = shares[:, middle + 1 :].sum(axis=1)
    order = (
        distribution.assign(_agree=agree * distribution["n"], _n=distribution["n"])
        .groupby("item", sort=False)[["_agree", "_n"]]
        .sum()
    )
    order = (order["_agree"] / order["_n"]).sort_values().index.tolist()
    panels = list(panel_labels)
    colours = _diverging_colours(len(codes))
    height = 0.15 * len(order) + 1.1
    with figure_style():
        fig, axes = plt.subplots(
            1,
            len(panels) + 1,
            figsize=(WIDTHS[width], height),
            sharey=True,
            gridspec_kw={"width_ratios": [4] * len(panels) + [1]},
        )
        for ax, panel in zip(axes[:-1], panels, strict=True):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            values = part[[f"share_{c}" for c in codes]].to_numpy(dtype=float) * 100
            left = -values[:, :middle].sum(axis=1) - values[:, middle] / 2
            y = np.arange(len(order))
            for j, code in enumerate(codes):
                ax.barh(
                    y,
                    values[:, j],
                    left=left,
                    color=colours[j],
                    height=0.75,
                    label=code_labels[code],
                    linewidth=0,
                )
                left = left + values[:, j]
            for yi, n in zip(y, part["n"], strict=True):
                ax.text(102, yi, f"{n}", va="center", ha="left", fontsize=5.5, color="#444444")
            ax.axvline(0, color="#444444", linewidth=0.5)
            ax.set_xlim(-100, 100)
            ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
            ax.set_xlabel("% of valid answers")
            ax.set_title(f"{panel_labels[panel]} (n at right)")
        missing_ax = axes[-1]
        for k, panel in enumerate(panels):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            offset = (k - (len(panels) - 1) / 2) * 0.35
            missing_ax.barh(
                np.arange(len(order)) + offset,
                part["share_missing_code"] * 100,
                height=0.33,
                color=PALETTE[k % len(PALETTE)],
                label=panel_labels[panel],
                linewidth=0,
            )
        missing_ax.set_title(missing_label)
        missing_ax.set_xlabel("% of answers")
        missing_ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09 * 30 / len(order)),
            fontsize=5.5,
            handlelength=1,
        )
        axes[0].set_yticks(np.arange(len(order)), [item_labels[i] for i in order])
        axes[0].tick_params(axis="y", length=0)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=len(codes),
            bbox_to_anchor=(0.5, 1.0),
            fontsize=6,
        )
        fig.tight_layout(w_pad=3.0)
    return fig


def _diverging_colours(k: int) -> list:
    """k colours from ColorBrewer's colour-blind-safe PuOr scheme, neutral grey in the middle."""
    cmap = matplotlib.colormaps["PuOr"]
    colours = [cmap(x) for x in np.linspace(0.1, 0.9, k)][::-1]
    if k % 2:
        colours[k // 2] = NEUTRAL
    return colours

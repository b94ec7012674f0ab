"""Write the paper's tables as CSV, Markdown and LaTeX (booktabs), the same way every time.

CSV keeps numbers (rounded to ``csv_digits`` so that reruns are byte-identical
across platforms' last-digit float noise); Markdown and LaTeX show them as the
paper prints them (``formats``: a format string or function per column).

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"Scale": ["Trust"], "alpha": [0.8123], "p": [0.0004]})
>>> print(to_markdown(table, {"alpha": "{:.2f}", "p": format_p}))
| Scale   |   alpha |      p |
|:--------|--------:|-------:|
| Trust   |    0.81 | <0.001 |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

Format = str | Callable[[object], str]


def format_p(p: object) -> str:
    """A p value as journals print it: three decimals, "<0.001" below that, "" if missing."""
    if p is None or pd.isna(p):
        return ""
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def format_ci(low: object, high: object, digits: int = 2) -> str:
    """A confidence interval as "[low, high]" ("" if either end is missing)."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"[{float(low):.{digits}f}, {float(high):.{digits}f}]"


def _formatted(table: pd.DataFrame, formats: Mapping[str, Format] | None) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        fmt = (formats or {}).get(column)
        values = out[column]
        if fmt is None and pd.api.types.is_float_dtype(values):
            fmt = "{:.2f}"
        if fmt is None:
            out[column] = values.map(lambda v: "" if pd.isna(v) else str(v)).astype(object)
            continue
        render = fmt if callable(fmt) else fmt.format
        out[column] = values.map(lambda v, r=render: "" if pd.isna(v) else r(v)).astype(object)
    return out


def to_markdown(table: pd.DataFrame, formats: Mapping[str, Format] | None = None) -> str:
    """The table as a GitHub-flavoured Markdown pipe table."""
    align = tuple("right" if _numeric(table[c]) else "left" for c in table.columns)
    return _formatted(table, formats).to_markdown(
        index=False, disable_numparse=True, colalign=align
    )


def to_latex(
    table: pd.DataFrame,
    formats: Mapping[str, Format] | None = None,
    *,
    caption: str = "",
    label: str = "",
) -> str:
    """The table as a LaTeX booktabs ``table`` environment with caption and label."""
    formatted = _formatted(table, formats)
    align = "".join("r" if _numeric(table[c]) else "l" for c in table.columns)
    return formatted.to_latex(
        index=False,
        escape=True,
        caption=caption or None,
        label=label or None,
        column_format=align,
        position="htbp",
    )


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def write_table(
    table: pd.DataFrame,
    *,
    csv: str | Path,
    markdown: str | Path,
    latex: str | Path,
    caption: str,
    label: str,
    formats: Mapping[str, Format] | None = None,
    csv_digits: int = 6,
) -> None:
    """Write one exhibit table in its three forms."""
    numbers = table.copy()
    for column in numbers.columns:
        if pd.api.types.is_float_dtype(numbers[column]):
            numbers[column] = np.round(numbers[column].astype("float64"), csv_digits)
    numbers.to_csv(csv, index=False, lineterminator="\n")
    Path(markdown).write_text(f"{caption}\n\n{to_markdown(table, formats)}\n", encoding="utf-8")
    Path(latex).write_text(to_latex(table, formats, caption=caption, label=label), encoding="utf-8")

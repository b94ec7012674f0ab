"""How the paper prints a cell: numbers, counts, p values, estimates with CIs.

Every table cell of an exhibit is printed by one of the ``fmt_*`` functions (through a
:class:`coprod.exhibits.model.Column`); each gets the values of the cell's source
columns (``None`` for a missing one) and returns text.

Decisions
---------
- A negative number that rounds to zero prints as ``0.00``, not ``-0.00``.
- p values print with three decimals and as ``<0.001`` below that, as journals do.
- Decimals per kind of number come from config ``exhibits.decimals`` over
  :data:`DEFAULT_DECIMALS`.

Example
-------
>>> fmt_estimate_ci(2)([0.4567, -0.001, 0.9])
'0.46 [0.00, 0.90]'
>>> format_p(0.0004), fmt_mean_sd(1)([3.25, None])
('<0.001', '3.2')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

Render = Callable[[Sequence[Any]], str]
"""What prints a cell: the values of its source columns -> the printed text."""

DEFAULT_DECIMALS = {
    "mean": 2,
    "percent": 1,
    "statistic": 2,
    "effect": 2,
    "reliability": 2,
    "rank": 1,
}
"""Decimals per kind of number (config ``exhibits.decimals`` overrides them)."""


def decimals_of(settings: Mapping[str, Any]) -> dict[str, int]:
    """The decimals of a table: config ``exhibits.decimals`` over the defaults."""
    return {**DEFAULT_DECIMALS, **dict(settings.get("decimals") or {})}


def is_missing(value: Any) -> bool:
    """True for None, NA and NaN (and False for anything pandas cannot test)."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_p(p: object) -> str:
    """A p value as journals print it: three decimals, "<0.001" below that, "" if missing."""
    if p is None or pd.isna(p):
        return ""
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def number_text(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals ("-0.00" printed as "0.00")."""
    text = f"{float(value):.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def fmt_count(values: Sequence[Any]) -> str:
    """A whole number."""
    return f"{int(values[0])}"


def fmt_number(digits: int) -> Render:
    """A number with ``digits`` decimals."""
    return lambda values: number_text(values[0], digits)


def fmt_percent(digits: int) -> Render:
    """A percentage (the value already in percent) with ``digits`` decimals."""
    return lambda values: number_text(values[0], digits)


def fmt_mean_sd_n(digits: int) -> Render:
    """ "mean (SD), n = 37": a mean with its SD and the n it is over (parts that are
    missing left out).

    >>> fmt_mean_sd_n(2)([3.684, 1.11, 37]), fmt_mean_sd_n(2)([None, None, 3])
    ('3.68 (1.11), n = 37', 'n = 3')
    """
    mean_sd = fmt_mean_sd(digits)

    def render(values: Sequence[Any]) -> str:
        mean, sd, n = values
        shown = "" if mean is None else mean_sd([mean, sd])
        return shown if n is None else f"{shown}, n = {int(n)}".lstrip(", ")

    return render


def fmt_percent_n(digits: int) -> Render:
    """A percentage with the n it is a share of, "52.0 (185)" (the % alone without n).

    >>> fmt_percent_n(1)([52.04, 185]), fmt_percent_n(1)([52.04, None])
    ('52.0 (185)', '52.0')
    """

    def render(values: Sequence[Any]) -> str:
        percent, n = values
        if percent is None:
            return ""
        text = number_text(percent, digits)
        return text if n is None else f"{text} ({int(n)})"

    return render


def fmt_mean_sd(digits: int) -> Render:
    """ "mean (SD)"; the mean alone where the SD does not exist."""

    def render(values: Sequence[Any]) -> str:
        mean, sd = values
        if sd is None:
            return number_text(mean, digits)
        return f"{number_text(mean, digits)} ({number_text(sd, digits)})"

    return render


def fmt_estimate_ci(digits: int) -> Render:
    """ "estimate [low, high]"; the estimate alone where the CI does not exist."""

    def render(values: Sequence[Any]) -> str:
        estimate, low, high = values
        if low is None or high is None:
            return number_text(estimate, digits)
        return f"{number_text(estimate, digits)} {fmt_ci(digits)([low, high])}"

    return render


def fmt_ci(digits: int) -> Render:
    """ "[low, high]"."""
    return lambda values: f"[{number_text(values[0], digits)}, {number_text(values[1], digits)}]"


def fmt_p(values: Sequence[Any]) -> str:
    """A p value: three decimals, "<0.001" below that."""
    return format_p(values[0])


def fmt_text(values: Sequence[Any]) -> str:
    """Text as it is."""
    return str(values[0])


def fmt_value_rank(digits: int, rank_digits: int = 1) -> Render:
    """ "value (rank)", the rank without decimals when whole."""

    def render(values: Sequence[Any]) -> str:
        value, rank = values
        if rank is None:
            return number_text(value, digits)
        rank_text = f"{int(rank)}" if float(rank).is_integer() else number_text(rank, rank_digits)
        return f"{number_text(value, digits)} ({rank_text})"

    return render


def mean_or_percent(digits_mean: int, digits_percent: int) -> Render:
    """The mean of a scale, or the % of yes of a yes/no score."""

    def render(values: Sequence[Any]) -> str:
        mean, percent = values
        if mean is not None:
            return number_text(mean, digits_mean)
        return f"{number_text(percent, digits_percent)}%"

    return render

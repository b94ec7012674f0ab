"""The validation study's summary: bias, RMSE, coverage, type I error and power.

:func:`summarise` aggregates the estimate rows to bias, RMSE, CI coverage and rejection
rates per condition, method and family of estimands, with Monte Carlo standard errors
that treat replicates (not the correlated estimates within one) as the independent
units (:func:`cluster_mean`); :func:`summary_markdown` reports them against the
criteria.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod.validation.design import KEY, METHOD_LABELS

__all__ = [
    "SUMMARY_GROUPS",
    "cluster_mean",
    "summarise",
    "summarise_estimands",
    "summary_markdown",
    "write_summary",
]


def cluster_mean(values: pd.Series, clusters: pd.Series) -> tuple[float, float]:
    """The mean of ``values`` and its Monte Carlo SE with ``clusters`` as the units.

    Estimates of one replicate are correlated, so the SE treats replicates as the
    independent units: the ratio estimator sum(y) / sum(n) over clusters, with SE
    sqrt(sum((y_c - m n_c)^2) / (R (R - 1))) / mean(n_c) over R clusters (with one
    value per cluster, the SD over sqrt(R)). Missing values are left out.

    Parameters
    ----------
    values : pandas.Series
        The per-estimate quantity (an error, a 0/1 indicator).
    clusters : pandas.Series
        Cluster (replicate) of each value.

    Returns
    -------
    tuple of float
        (mean, SE); NaN without values, SE NaN with one cluster.

    Examples
    --------
    >>> cluster_mean(pd.Series([-1.0, 1.0]), pd.Series([0, 1]))
    (0.0, 1.0)
    """
    keep = values.notna().to_numpy()
    if not keep.any():
        return np.nan, np.nan
    frame = pd.DataFrame(
        {"y": values[keep].astype(float).to_numpy(), "c": clusters[keep].to_numpy()}
    )
    per = frame.groupby("c")["y"].agg(["sum", "count"])
    mean = float(per["sum"].sum() / per["count"].sum())
    r = len(per)
    if r < 2:
        return mean, np.nan
    resid = per["sum"] - mean * per["count"]
    se = math.sqrt(float((resid**2).sum()) / (r * (r - 1))) / float(per["count"].mean())
    return mean, se


_RATES = (
    "error",
    "squared_error",
    "covers",
    "reject",
    "reject_null",
    "reject_null_adjusted",
    "reject_nonnull",
    "reject_nonnull_adjusted",
)


def _indicators(frame: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per-estimate quantities the summary averages, NaN where one does not apply."""
    error = frame["estimate"] - frame["truth"]
    has_ci = frame["ci_low"].notna() & frame["ci_high"].notna() & frame["truth"].notna()
    covers = (frame["ci_low"] <= frame["truth"]) & (frame["truth"] <= frame["ci_high"])
    tested = frame["p"].notna()
    null = frame["null_effect"].astype("boolean")
    is_null = null.fillna(False).to_numpy(dtype=bool) & tested.to_numpy()
    non_null = (~null).fillna(False).to_numpy(dtype=bool) & tested.to_numpy()
    reject = (frame["p"] < alpha).astype(float)
    reject_adjusted = (frame["p_adj"] < alpha).astype(float).where(frame["p_adj"].notna())
    return pd.DataFrame(
        {
            "error": error,
            "squared_error": error**2,
            "covers": covers.astype(float).where(has_ci),
            "reject": reject.where(tested),
            "reject_null": reject.where(is_null),
            "reject_null_adjusted": reject_adjusted.where(is_null),
            "reject_nonnull": reject.where(non_null),
            "reject_nonnull_adjusted": reject_adjusted.where(non_null),
        },
        index=frame.index,
    )


def _aggregate(frame: pd.DataFrame, keys: Sequence[str], alpha: float) -> pd.DataFrame:
    """The summary metrics per group of ``keys``, vectorised :func:`cluster_mean`."""
    keys = list(keys)
    values = _indicators(frame, alpha)
    values[keys] = frame[keys]
    values["replicate"] = frame["replicate"]
    per_replicate = values.groupby([*keys, "replicate"], sort=False, dropna=False)
    sums = per_replicate[list(_RATES)].sum()
    counts = per_replicate[list(_RATES)].count()
    by_key = sums.index.droplevel("replicate")
    totals, n = sums.groupby(by_key, sort=False).sum(), counts.groupby(by_key, sort=False).sum()
    mean = totals / n.where(n > 0)
    present = counts > 0
    residual = (sums - mean.reindex(by_key).to_numpy() * counts).where(present)
    clusters = present.groupby(by_key, sort=False).sum()
    mean_size = counts.where(present).groupby(by_key, sort=False).mean()
    squares = (residual**2).groupby(by_key, sort=False).sum()
    se = np.sqrt(squares / (clusters * (clusters - 1)).where(clusters > 1)) / mean_size

    groups = frame.groupby(keys, sort=False, dropna=False)
    out = pd.DataFrame(
        {
            "n_replicates": groups["replicate"].nunique(),
            "n_estimands": groups[list(KEY)].apply(lambda g: len(g.drop_duplicates())),
            "n_estimates": groups["estimate"].count(),
        }
    )
    out["n_failed"] = groups["estimate"].size() - out["n_estimates"]
    mean, se, n = mean.reindex(out.index), se.reindex(out.index), n.reindex(out.index)
    rmse = np.sqrt(mean["squared_error"])
    out["bias"], out["bias_mcse"] = mean["error"], se["error"]
    out["rmse"], out["rmse_mcse"] = rmse, se["squared_error"] / (2 * rmse.where(rmse > 0))
    out["coverage"], out["coverage_mcse"], out["n_ci"] = mean["covers"], se["covers"], n["covers"]
    out["n_tests"] = n["reject"]
    out["rejection_rate"], out["rejection_rate_mcse"] = mean["reject"], se["reject"]
    for name, column in (("type_i_error", "reject_null"), ("power", "reject_nonnull")):
        out[f"n_{name}_tests"] = n[column]
        out[name], out[f"{name}_mcse"] = mean[column], se[column]
        out[f"{name}_adjusted"] = mean[f"{column}_adjusted"]
    counts_columns = [c for c in out.columns if c.startswith("n_")]
    out[counts_columns] = out[counts_columns].astype(int)
    return out.reset_index()


SUMMARY_GROUPS = ("condition", "method", "family")


def summarise(estimates: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Bias, RMSE, coverage, type I error and power per condition, method and family.

    Each condition x method gets a row over all its estimands (``family`` "all") and
    one per family of estimands (the ``analysis``: a contrast, the tests across a
    column, the staff models, ...). Errors are estimate minus truth over the estimates
    with a truth; coverage is the share of 95% CIs containing the truth; the type I
    error is the share of null estimands (``null_effect``) with p < ``alpha``, power
    the share of the others (``*_adjusted``: with the family-adjusted p), and the
    rejection rate the share of all tests (under a null condition, where every effect
    is zero, the type I error whatever the population values' noise). Every rate
    has a Monte Carlo SE with replicates as the units (:func:`cluster_mean`).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Batch rows (:data:`ESTIMATE_COLUMNS`) of any number of conditions.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per condition, method and family: the counts (``n_replicates``,
        ``n_estimands``, ``n_estimates``, ``n_failed``, ``n_ci``, ``n_tests``,
        ``n_type_i_error_tests``, ``n_power_tests``) and each metric with its
        ``*_mcse``.
    """
    frame = estimates.assign(family=estimates["analysis"])
    overall = _aggregate(frame, ["condition", "method"], alpha).assign(family="all")
    families = _aggregate(frame, list(SUMMARY_GROUPS), alpha)
    out = pd.concat([overall, families], ignore_index=True)
    order = {
        column: {value: i for i, value in enumerate(dict.fromkeys(frame[column]))}
        for column in ("condition", "method", "family")
    }
    out["_order"] = out["family"].map(order["family"]).fillna(-1)
    out = out.sort_values(
        ["condition", "method", "_order"],
        key=lambda column: column.map(order[column.name]) if column.name in order else column,
        kind="stable",
    ).drop(columns="_order")
    out = out[[*SUMMARY_GROUPS, *[c for c in out.columns if c not in SUMMARY_GROUPS]]]
    out.insert(2, "method_label", out["method"].map(METHOD_LABELS).fillna(out["method"]))
    return out.reset_index(drop=True)


def summarise_estimands(estimates: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The metrics of :func:`summarise` per condition and estimand (to find what fails).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Batch rows (:data:`ESTIMATE_COLUMNS`).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per condition, method and estimand (:data:`KEY`), with its ``truth``.
    """
    keys = ["condition", "method", *KEY]
    out = _aggregate(estimates, keys, alpha)
    truth = estimates.groupby(keys, sort=False, dropna=False)["truth"].first()
    out.insert(len(keys), "truth", truth.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy())
    return out


def _bullets(key: str, value: Any, indent: str = "") -> list[str]:
    """A setting as a Markdown bullet; a mapping of mappings as nested bullets."""
    if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
        lines = [f"{indent}- {key}:"]
        for name, spec in value.items():
            lines += _bullets(f"`{name}`", spec, indent + "  ")
        return lines
    if isinstance(value, Mapping):
        value = ", ".join(f"{k} {v}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return [f"{indent}- {key}: {value}"]


def _fmt(value: float, se: float | None = None, digits: int = 3) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}"
    if se is not None and np.isfinite(se):
        text += f" ({se:.{digits}f})"
    return text


def _markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table's lines: the header, its rule, then one line per row.

    >>> _markdown_table(["a", "b"], [["1", "2"]])
    ['| a | b |', '|---|---|', '| 1 | 2 |']
    """
    lines = ["| " + " | ".join(cells) + " |" for cells in (header, *rows)]
    return [lines[0], "|" + "---|" * len(header), *lines[1:]]


def _check(row: Any, max_type_i_error: float, min_coverage: float) -> str:
    """``ok``, or which criterion a method's row over all its estimands fails."""
    problems = []
    if np.isfinite(row.type_i_error) and row.type_i_error > max_type_i_error:
        problems.append("type I error")
    if np.isfinite(row.coverage) and row.coverage < min_coverage:
        problems.append("coverage")
    return "fails: " + ", ".join(problems) if problems else "ok"


def summary_markdown(
    summary: pd.DataFrame,
    *,
    alpha: float,
    max_type_i_error: float,
    min_coverage: float,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """A Markdown report of the summary: per condition and method, then per family.

    A method fails where, over all its estimands, its type I error exceeds
    ``max_type_i_error`` or its coverage is under ``min_coverage``.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`summarise`.
    alpha, max_type_i_error, min_coverage : float
        Level of the tests and the criteria.
    settings : mapping, optional
        Settings to list at the top (replicates, sample size, seeds, ...).

    Returns
    -------
    str
        The report.
    """
    lines = ["# Validation of the comparisons", ""]
    lines.append(
        f"Tests at alpha = {alpha}; 95% CIs. Criteria per method (over all its estimands): "
        f"type I error at most {max_type_i_error}, coverage at least {min_coverage}. "
        "Monte Carlo SEs (replicates as units) in brackets; `-`: not applicable."
    )
    lines.append("")
    for key, value in (settings or {}).items():
        lines += _bullets(key, value)
    if settings:
        lines.append("")
    measures = ["n_estimands", "bias", "rmse", "coverage", "type I error", "power"]
    columns = ["method", "n_replicates", *measures, "check"]
    family_columns = ["method", "family", *measures]
    for condition, part in summary.groupby("condition", sort=False):
        lines += [f"## Condition `{condition}`", ""]
        overall = [
            [
                row.method,
                str(row.n_replicates),
                str(row.n_estimands),
                _fmt(row.bias, row.bias_mcse, 4),
                _fmt(row.rmse, row.rmse_mcse, 4),
                _fmt(row.coverage, row.coverage_mcse),
                _fmt(row.type_i_error, row.type_i_error_mcse),
                _fmt(row.power, row.power_mcse),
                _check(row, max_type_i_error, min_coverage),
            ]
            for row in part[part["family"] == "all"].itertuples()
        ]
        lines += _markdown_table(columns, overall)
        lines += ["", f"### `{condition}` by family of estimands", ""]
        by_family = [
            [
                row.method,
                row.family,
                str(row.n_estimands),
                _fmt(row.bias, None, 4),
                _fmt(row.rmse, None, 4),
                _fmt(row.coverage),
                _fmt(row.type_i_error),
                _fmt(row.power),
            ]
            for row in part[part["family"] != "all"].itertuples()
        ]
        lines += _markdown_table(family_columns, by_family)
        lines.append("")
    lines += ["## Methods", ""]
    for method in dict.fromkeys(summary["method"]):
        lines.append(f"- `{method}`: {METHOD_LABELS.get(method, method)}")
    lines.append("")
    return "\n".join(lines)


def write_summary(
    batches: Sequence[str | Path],
    outputs: Mapping[str, str | Path],
    *,
    alpha: float,
    criteria: Mapping[str, float],
    described: Mapping[str, Any],
) -> None:
    """Summarise the batch files and write the summary in each of its forms.

    Parameters
    ----------
    batches : sequence of path
        Batch files of every condition.
    outputs : mapping
        ``summary`` (Parquet), ``table`` (CSV), ``estimands`` (Parquet,
        :func:`summarise_estimands`) and ``markdown`` (:func:`summary_markdown`).
    alpha : float
        Significance level.
    criteria : mapping
        ``max_type_i_error`` and ``min_coverage``.
    described : mapping
        The settings listed at the top of the report.
    """
    estimates = pd.concat([pd.read_parquet(path) for path in batches], ignore_index=True)
    summary = summarise(estimates, alpha=alpha)
    summary.to_parquet(outputs["summary"], index=False)
    summary.to_csv(outputs["table"], index=False, lineterminator="\n")
    summarise_estimands(estimates, alpha=alpha).to_parquet(outputs["estimands"], index=False)
    report = summary_markdown(summary, alpha=alpha, **criteria, settings=described)
    with open(outputs["markdown"], "w", encoding="utf-8") as handle:
        handle.write(report)

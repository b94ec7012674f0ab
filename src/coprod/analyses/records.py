"""The records every analysis writes: one vocabulary, one column order, one multiplicity step.

Every analysis returns a tidy frame: identifying columns
(:data:`~coprod.vocabulary.ID_COLUMNS`: ``analysis``, ``outcome``, ``outcome_label``,
``kind``, ``measure``, ``by``, ``group``, ``comparison`` (``"omnibus"``: a test across
the levels of ``by``; ``"pair"``: two of them, ``group_1`` against ``group_2``),
``contrast``, ``group_1``, ``group_2``, ``term``, ``evidence``), columns particular to
the analysis, the record of
:mod:`coprod.stats` (:data:`~coprod.vocabulary.RECORD_COLUMNS`) and ``family``;
:func:`apply_families` then adds ``role``, ``p_adj`` and ``correction``.

Decisions
---------
Pooled and per group
    Descriptive rows come pooled (``by`` = ``"all"``) and per level of each ``by``
    column, in the column's category order (the registries' order); a level without
    responses is kept with n = 0 (:func:`subsets`).
Multiplicity
    Each row carries the ``family`` its p is adjusted in; families and their
    correction (Holm for confirmatory, Benjamini-Hochberg for exploratory ones)
    come from config. Descriptive rows have family ``"descriptive"``, no p and
    correction ``"none"``.
Tests that cannot be computed
    A test that cannot be computed (e.g. a group with fewer than 2 answers) gives a
    row with NaN and the reason in ``method`` (:func:`attempt`), and a warning on
    stderr: one small group does not stop the comparisons.
Inputs
    A job reads its named inputs with :func:`coprod.analyses.catalogue.read_frame`,
    which takes a Parquet path (the workflow) or a DataFrame (the validation study,
    which runs the same jobs on each simulated data set without writing it out).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod.stats.effect_sizes import wilson_ci
from coprod.stats.multiplicity import adjust_p
from coprod.vocabulary import DESCRIPTIVE, ID_COLUMNS, POOLED, RECORD_COLUMNS, TAIL_COLUMNS

__all__ = [
    "adjusted",
    "apply_families",
    "attempt",
    "column_levels",
    "empty_record",
    "finalise",
    "monte_carlo",
    "options_of_tests",
    "outcome_labels",
    "share_record",
    "subsets",
]


def empty_record(reason: str, n: int = 0, effect: str | None = None) -> dict[str, Any]:
    """The record of a test that could not be computed: NaN, the reason in ``method``.

    >>> empty_record("no answers")["method"]
    'not estimable: no answers'
    """
    return {
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "effect": effect,
        "statistic": np.nan,
        "statistic_name": None,
        "df": np.nan,
        "df2": np.nan,
        "p": np.nan,
        "n": int(n),
        "method": f"not estimable: {reason}",
    }


def share_record(count: int, n: int, method: str) -> dict[str, Any]:
    """The record of a share ``count / n`` with its Wilson 95% CI (NaN where n is 0).

    >>> record = share_record(3, 4, "share")
    >>> record["count"], record["estimate"], record["effect"]
    (3, 0.75, 'proportion')
    """
    share, low, high = wilson_ci(count, n) if n else (np.nan, np.nan, np.nan)
    return {
        "count": count,
        "estimate": share,
        "ci_low": low,
        "ci_high": high,
        "effect": "proportion",
        "statistic": np.nan,
        "statistic_name": None,
        "df": np.nan,
        "df2": np.nan,
        "p": np.nan,
        "n": n,
        "method": method,
    }


def attempt(what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a test; on a data problem warn on stderr and return an :func:`empty_record`."""
    try:
        return func(*args, **kwargs)
    except (ValueError, RuntimeError, np.linalg.LinAlgError) as error:
        print(f"warning: {what}: {error}", file=sys.stderr)
        return empty_record(str(error))


def outcome_labels(catalogue: pd.DataFrame, outcome: str) -> dict[str, Any]:
    """The identifying columns of an outcome: id, label, kind and measure."""
    spec = catalogue.loc[outcome]
    return {
        "outcome": outcome,
        "outcome_label": spec["outcome_label"],
        "kind": spec["kind"],
        "measure": spec["measure"],
    }


def column_levels(series: pd.Series) -> list[Any]:
    """Levels of a grouping column: category order if Categorical, else sorted.

    >>> column_levels(pd.Series(["b", "a", None, "b"]))
    ['a', 'b']
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique().tolist())


def subsets(data: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """The pooled data, then each level of each ``by`` column (unobserved levels kept).

    Every subset copies ``data``'s columns: pass only the columns needed.
    """
    masks = subset_masks(data, by)
    yield POOLED, POOLED, data
    for column, level, mask in masks[1:]:
        yield column, level, data[mask]


def subset_masks(data: pd.DataFrame, by: Sequence[str]) -> list[tuple[str, str, np.ndarray]]:
    """The subsets of :func:`subsets` as boolean masks of ``data``'s rows: computed once,
    they select the same rows of every column without copying ``data``.

    >>> for column, level, mask in subset_masks(pd.DataFrame({"g": ["b", "a", None]}), ["g"]):
    ...     print(column, level, mask.tolist())
    all all [True, True, True]
    g a [False, True, False]
    g b [True, False, False]
    """
    masks = [(POOLED, POOLED, np.ones(len(data), dtype=bool))]
    for column in by:
        for level in column_levels(data[column]):
            masks.append((column, str(level), (data[column] == level).fillna(False).to_numpy()))
    return masks


def monte_carlo(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A job's Monte Carlo settings (``n_mc``, ``seed``), as keywords of the tests taking them.

    >>> monte_carlo({"n_mc": 2000, "seed": 1, "by": ["case"]})
    {'n_mc': 2000, 'seed': 1}
    """
    return {"n_mc": settings["n_mc"], "seed": settings["seed"]}


def options_of_tests(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A job's options of the tests (config ``compare.tests``), as keywords of the analyses.

    ``yates`` (2 x 2 chi-squared), ``correct`` (the rank tests' continuity correction),
    ``exact`` (their exact p) and ``kruskal_effect`` (the Kruskal-Wallis effect size); where
    the settings have no ``tests`` (a caller's own settings), R's defaults, which are the
    tests' own (:mod:`coprod.stats`).

    >>> options_of_tests({"tests": {"yates": False, "continuity_correction": True, "exact": None}})
    {'yates': False, 'correct': True, 'exact': None, 'kruskal_effect': 'epsilon_squared'}
    >>> options_of_tests({"tests": {"kruskal_effect": "eta_squared_h"}})["kruskal_effect"]
    'eta_squared_h'
    """
    tests = settings.get("tests") or {}
    return {
        "yates": bool(tests.get("yates", True)),
        "correct": bool(tests.get("continuity_correction", True)),
        "exact": tests.get("exact"),
        "kruskal_effect": tests.get("kruskal_effect", "epsilon_squared"),
    }


def finalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns: identifiers, analysis-specific columns, the record, family and p_adj.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of any analysis.

    Returns
    -------
    pandas.DataFrame
        The same rows (index reset) with the columns of ``ID_COLUMNS`` first, then
        those particular to the analysis, then ``RECORD_COLUMNS`` and ``family``,
        ``role``, ``p_adj``, ``correction``.
    """
    head = [c for c in ID_COLUMNS if c in frame.columns]
    tail = [c for c in (*RECORD_COLUMNS, *TAIL_COLUMNS) if c in frame.columns]
    middle = [c for c in frame.columns if c not in head and c not in tail]
    return frame[[*head, *middle, *tail]].reset_index(drop=True)


def apply_families(frame: pd.DataFrame, families: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """Adjust p within each family; add ``role``, ``p_adj`` and ``correction``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Records with ``family`` and ``p``; rows of family ``"descriptive"`` carry no test.
    families : mapping
        Family name -> ``{"correction": "holm" | "fdr_bh", "role": "confirmatory" |
        "exploratory"}`` (config ``compare.families``).

    Returns
    -------
    pandas.DataFrame
        The frame in its row order with ``role``, ``p_adj`` and ``correction``; a
        descriptive row has role and correction ``"descriptive"`` / ``"none"``.

    Raises
    ------
    ValueError
        A family of the frame that ``families`` does not define.

    Examples
    --------
    >>> frame = pd.DataFrame({"family": ["f", "f", "descriptive"], "p": [0.01, 0.04, np.nan]})
    >>> out = apply_families(frame, {"f": {"correction": "holm", "role": "confirmatory"}})
    >>> out["p_adj"].tolist()[:2], out["correction"].tolist()
    ([0.02, 0.04], ['Holm', 'Holm', 'none'])
    """
    tested = (frame["family"] != DESCRIPTIVE).to_numpy()
    present = list(dict.fromkeys(frame.loc[tested, "family"]))
    unknown = [f for f in present if f not in families]
    if unknown:
        raise ValueError(
            f"families {unknown} are not defined under compare.families in the config "
            f"(defined: {sorted(families)})"
        )
    out = frame.copy()
    out["role"] = DESCRIPTIVE
    out["p_adj"] = np.nan
    out["correction"] = "none"
    if tested.any():
        adjusted = adjust_p(
            frame[tested], method_by_family={f: families[f]["correction"] for f in present}
        )
        out.loc[tested, "p_adj"] = adjusted["p_adj"].to_numpy()
        out.loc[tested, "correction"] = adjusted["correction"].to_numpy()
        out.loc[tested, "role"] = [families[f]["role"] for f in frame.loc[tested, "family"]]
    return finalise(out)


def adjusted(
    tables: Mapping[str, pd.DataFrame], families: Mapping[str, Mapping[str, str]]
) -> dict[str, pd.DataFrame]:
    """A job's tables by name, each with its p adjusted in its families (:func:`apply_families`).

    >>> frame = pd.DataFrame({"family": ["descriptive"], "p": [np.nan]})
    >>> adjusted({"shares": frame}, {})["shares"]["correction"].tolist()
    ['none']
    """
    return {name: apply_families(table, families) for name, table in tables.items()}

"""Which scores and items the analyses compare, labelled: the catalogues.

Which scores exist, what kind of construct each measures and how it is labelled comes
from the codebook (``Codebook.scores``); which ones play which part (the barriers met,
the risks experienced, ...) from config ``compare.scores``, each a ``{kind, measure}``
entry (:func:`role_scores`). Nothing here names a barrier, risk, strategy, case,
group or service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.resources import Codebook, Study

__all__ = [
    "add_mean_scores",
    "item_catalogue",
    "read_frame",
    "role_scores",
    "score_catalogue",
    "scored_survey",
    "scores_of",
]


def score_catalogue(codebook: Codebook) -> pd.DataFrame:
    """The codebook's scores with what the comparisons need to label and test them.

    Parameters
    ----------
    codebook : Codebook
        The survey codebook.

    Returns
    -------
    pandas.DataFrame
        Indexed by score id, in codebook order: ``construct``, ``measure``,
        ``kind``, ``side`` (barriers; else NA), ``label`` (the construct's),
        ``outcome_label`` ("<label>: <measure>") and ``binary`` (a yes/no score: 1 = yes,
        0 = no, whatever the codes, see :mod:`coprod.scoring`).

    Examples
    --------
    >>> catalogue = score_catalogue(study.codebook)
    >>> catalogue.columns.tolist()
    ['construct', 'measure', 'kind', 'side', 'label', 'outcome_label', 'binary']
    """
    scores = codebook.scores
    constructs = codebook.constructs
    side = constructs["side"] if "side" in constructs else pd.Series(pd.NA, constructs.index)
    out = pd.DataFrame(index=scores.index)
    out["construct"] = scores["construct"]
    out["measure"] = scores["measure"]
    out["kind"] = scores["kind"]
    out["side"] = scores["construct"].map(side)
    out["label"] = scores["construct"].map(constructs["label"])
    out["outcome_label"] = out["label"] + ": " + out["measure"]
    sets = codebook.response_sets
    out["binary"] = [sets[rs].is_yes_no for rs in scores["response_set"]]
    return out


def item_catalogue(codebook: Codebook, kind: str, measure: str) -> pd.DataFrame:
    """The items of the scores of one kind and measure, labelled like :func:`score_catalogue`.

    Parameters
    ----------
    codebook : Codebook
        The survey codebook.
    kind, measure : str
        The construct kind and measure of the scales (config ``compare.scores``).

    Returns
    -------
    pandas.DataFrame
        Indexed by item id: ``construct``, ``measure``, ``kind``, ``score``,
        ``reverse``, ``label`` (the item text), ``outcome_label`` ("<construct
        label>: <item text>") and ``binary``.
    """
    catalogue = score_catalogue(codebook)
    chosen = catalogue[(catalogue["kind"] == kind) & (catalogue["measure"] == measure)]
    rows = []
    for score, spec in chosen.iterrows():
        for item in codebook.scale_items(score):
            text = codebook.items.loc[item, "text"]
            rows.append(
                {
                    "item": item,
                    "construct": spec["construct"],
                    "measure": measure,
                    "kind": kind,
                    "score": score,
                    "reverse": bool(codebook.items.loc[item, "reverse"]),
                    "label": text,
                    "outcome_label": f"{spec['label']}: {text}",
                    "binary": bool(spec["binary"]),
                }
            )
    return pd.DataFrame(rows).set_index("item")


def scores_of(
    catalogue: pd.DataFrame, kinds: Sequence[str], measures: Sequence[str] | None = None
) -> list[str]:
    """Score ids of the given construct kinds (and measures), in codebook order.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    kinds : sequence of str
        Construct kinds (config ``compare.outcome_kinds`` or ``compare.scores``).
    measures : sequence of str, optional
        Measures to keep; None keeps every measure of those kinds.

    Returns
    -------
    list of str
        Score ids.

    Examples
    --------
    >>> cat = pd.DataFrame({"kind": ["a", "a", "b"], "measure": ["x", "y", "x"]},
    ...                    index=["s1", "s2", "s3"])
    >>> scores_of(cat, ["a"]), scores_of(cat, ["a", "b"], ["x"])
    (['s1', 's2'], ['s1', 's3'])
    """
    mask = catalogue["kind"].isin(list(kinds))
    if measures is not None:
        mask &= catalogue["measure"].isin(list(measures))
    return list(catalogue.index[mask])


def role_scores(catalogue: pd.DataFrame, role: Mapping[str, str]) -> list[str]:
    """Score ids of one ``{kind, measure}`` entry (config ``compare.scores``), in order.

    >>> cat = pd.DataFrame({"kind": ["a", "a", "b"], "measure": ["x", "y", "x"]},
    ...                    index=["s1", "s2", "s3"])
    >>> role_scores(cat, {"kind": "a", "measure": "y"})
    ['s2']
    """
    return scores_of(catalogue, [role["kind"]], [role["measure"]])


def add_mean_scores(
    data: pd.DataFrame, catalogue: pd.DataFrame, derived: Mapping[str, Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add per-respondent means of several scores (e.g. of every barrier's overcome score).

    Parameters
    ----------
    data : pandas.DataFrame
        The scores.
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    derived : mapping
        New column name -> ``{kind, measure, min_answered}``: the mean of the
        respondent's non-missing scores of that kind and measure, NA where fewer
        than ``min_answered`` (default 1) are non-missing.

    Returns
    -------
    tuple of pandas.DataFrame
        The data with the new columns, and the catalogue with a row for each.
    """
    data = data.copy()
    rows = []
    for name, spec in derived.items():
        members = role_scores(catalogue, spec)
        if not members:
            raise ValueError(
                f"derived score {name!r}: no score of kind {spec['kind']!r} and measure "
                f"{spec['measure']!r} in the codebook"
            )
        values = data[members].astype("float64")
        enough = values.notna().sum(axis=1) >= int(spec.get("min_answered", 1))
        data[name] = values.mean(axis=1).where(enough).astype("Float64")
        rows.append(
            pd.DataFrame(
                {
                    "construct": pd.NA,
                    "measure": spec["measure"],
                    "kind": spec["kind"],
                    "side": pd.NA,
                    "label": f"Mean of {len(members)} {spec['kind']} scores",
                    "outcome_label": f"Mean {spec['kind']} score: {spec['measure']}",
                    "binary": False,
                },
                index=[name],
            )
        )
    return data, pd.concat([catalogue, *rows]) if rows else catalogue


def read_frame(inputs: Mapping[str, Any], name: str) -> pd.DataFrame:
    """A job's input ``name``: read from its Parquet path, or taken as it is if a frame.

    >>> read_frame({"scores": pd.DataFrame({"s": [1]})}, "scores")["s"].tolist()
    [1]
    """
    value = inputs[name]
    return value if isinstance(value, pd.DataFrame) else pd.read_parquet(value)


def scored_survey(study: Study, inputs: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A comparison job's scored responses (its input ``scores``) and their catalogue.

    The input is a Parquet path (the workflow) or a frame (the validation study),
    read with :func:`read_frame`.
    """
    return read_frame(inputs, "scores"), score_catalogue(study.codebook)

"""Reliability tables of the study: every scale and every focus-group code in one table.

These functions apply the coefficients of :mod:`coprod.reliability.scale` and
:mod:`coprod.reliability.intercoder` to the study's data, pooled and per group, and
label the rows from the codebooks. They make the records the reliability rules write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from coprod.errors import StudyInputError
from coprod.reliability.chance_corrected import COEFFICIENTS
from coprod.reliability.intercoder import intercoder_reliability
from coprod.reliability.scale import block_omega, item_total, scale_reliability
from coprod.vocabulary import POOLED


def multi_item_scales(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores of a codebook (``Codebook.scores``) that have two or more items."""
    return scores[scores["items"].map(len) >= 2]


def scale_reliability_table(
    items: pd.DataFrame,
    scores: pd.DataFrame,
    constructs: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    threshold: float = 0.70,
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    std_formula: str = "2.4",
    fm: str = "minres",
) -> pd.DataFrame:
    """Reliability of every multi-item scale, pooled and per level of each ``by`` column.

    Parameters
    ----------
    items : DataFrame
        One row per respondent; item columns reverse-keyed, missing answers NaN.
    scores, constructs : DataFrame
        ``Codebook.scores`` and ``Codebook.constructs``.
    by : sequence of str
        Columns of ``items`` to break the table down by (e.g. case, sample).
    threshold, ci, n_boot, seed
        Flag threshold and the seeded bootstrap of alpha's interval. Each row gets its
        own seed, ``seed + row number``, so a row does not change when others are added
        after it.
    std_formula, fm
        The standardised statistics' correlations and omega's factor extraction
        (:func:`coprod.reliability.scale.scale_reliability`).

    Returns
    -------
    DataFrame
        ``scale``, ``label``, ``level`` ("pooled" or the ``by`` column), ``group``, and
        the fields of :func:`coprod.reliability.scale.scale_reliability`.
    """
    rows = []
    scales = multi_item_scales(scores)
    columns = list(dict.fromkeys(item for spec in scales["items"] for item in spec))
    position = {column: i for i, column in enumerate(columns)}
    # every subset's items as one float matrix (NaN = missing), sliced per scale below
    subsets = [
        (level, group, part[columns].to_numpy(dtype="float64", na_value=np.nan))
        for level, group, part in _subsets(items, by)
    ]
    for scale, spec in scales.iterrows():
        label = constructs.loc[spec["construct"], "label"]
        for level, group, matrix in subsets:
            data = matrix[:, [position[item] for item in spec["items"]]]
            record = {"scale": scale, "label": label, "level": level, "group": group}
            answering = int((~np.isnan(data)).any(axis=1).sum())
            if answering < 3:
                record.update({"n": answering, "n_items": len(spec["items"])})
            else:
                record.update(
                    scale_reliability(
                        data,
                        threshold=threshold,
                        ci=ci,
                        n_boot=n_boot,
                        seed=seed + len(rows),
                        std_formula=std_formula,
                        fm=fm,
                    )
                )
            rows.append(record)
    return pd.DataFrame(rows)


def _subsets(items: pd.DataFrame, by: Sequence[str]) -> list[tuple[str, str, pd.DataFrame]]:
    """All respondents ("pooled"), then each level of each ``by`` column."""
    subsets = [("pooled", POOLED, items)]
    for column in by:
        for group, part in items.groupby(column, observed=False, sort=True):
            subsets.append((column, str(group), part))
    return subsets


def omega_block_table(
    items: pd.DataFrame,
    scores: pd.DataFrame,
    blocks: Mapping[str, Sequence[str]],
    *,
    by: Sequence[str] = (),
    fm: str = "minres",
) -> pd.DataFrame:
    """Omega hierarchical and omega total of every block of scales, each scale a group
    factor (:func:`coprod.reliability.scale.block_omega`), pooled and per level of each
    ``by`` column.

    Parameters
    ----------
    items : DataFrame
        One row per respondent; item columns reverse-keyed, missing answers NaN.
    scores : DataFrame
        ``Codebook.scores``: the items of each scale.
    blocks : mapping
        Block name -> the scale ids (rows of ``scores``) it holds (config
        ``reliability.omega.blocks``).
    by, fm
        Breakdown columns and the factor extraction.

    Returns
    -------
    DataFrame
        ``block``, ``scales`` (comma-separated), ``level``, ``group`` and the fields of
        :func:`~coprod.reliability.scale.block_omega`; one row per block and subset, none
        when ``blocks`` is empty.
    """
    rows = []
    subsets = _subsets(items, by)
    for block, members in blocks.items():
        unknown = [scale for scale in members if scale not in scores.index]
        if unknown:
            raise StudyInputError(
                "config/config.yaml",
                f"{unknown} are not scores of the codebook.",
                entry=f"reliability.omega.blocks.{block}",
                fix=f"Name multi-item scores of the codebook, e.g. "
                f"{list(multi_item_scales(scores).index[:3])}.",
            )
        scales = {scale: list(scores.loc[scale, "items"]) for scale in members}
        for level, group, part in subsets:
            columns = [column for columns in scales.values() for column in columns]
            data = part[columns].astype("float64")
            record = {"block": block, "scales": ", ".join(members), "level": level}
            rows.append({**record, "group": group, **block_omega(data, scales, fm=fm)})
    columns = ["block", "scales", "level", "group", "omega_hierarchical", "omega_total"]
    return pd.DataFrame(rows, columns=[*columns, "n_factors", "n_items", "n", "fm", "flipped"])


def item_statistics_table(
    items: pd.DataFrame, scores: pd.DataFrame, *, std_formula: str = "2.4"
) -> pd.DataFrame:
    """Per item of every multi-item scale, pooled: n, mean, the item-total r and the
    scale's statistics without the item (:func:`coprod.reliability.scale.item_total`)."""
    tables = []
    for scale, spec in multi_item_scales(scores).iterrows():
        data = items[spec["items"]].astype("float64")
        table = item_total(data, std_formula=std_formula).reset_index()
        table.insert(0, "scale", scale)
        table["n"] = data.notna().sum().to_numpy()
        table["mean"] = data.mean().to_numpy()
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def intercoder_table(
    presence: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    levels: Mapping[str, str] | None = None,
    default_level: str = "nominal",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    unreliable_below: float = 0.667,
    reliable_from: float = 0.800,
    coefficients: Sequence[str] = COEFFICIENTS,
    population: float | None = None,
) -> pd.DataFrame:
    """Agreement of the coders on every code, and over all codes.

    Parameters
    ----------
    presence : DataFrame
        From :func:`coprod.coding.presence_matrix`: columns ``(code, coder)``.
    codes : DataFrame
        The focus-group codebook (``Study.focus_group_codes``), for labels and kinds.
    levels : mapping, optional
        Level of measurement per code id; others get ``default_level``.
    n_boot, ci, seed, unreliable_below, reliable_from, coefficients
        As :func:`coprod.reliability.intercoder.intercoder_reliability`; each row gets
        ``seed + row number``.
    population : float, optional
        Units (speaker turns) in the population the coded ones were drawn from, for the
        finite-population correction of the standard errors (irrCAC's ``N``); None is
        infinite. The pooled row's units are code-by-turn decisions: its population is
        ``population`` times the number of codes.

    Returns
    -------
    DataFrame
        One row per code (codebook order) and a last row ``code = "all codes"`` that
        pools every (segment, code) pair as a unit.
    """
    levels = dict(levels or {})
    settings = dict(n_boot=n_boot, ci=ci, unreliable_below=unreliable_below)
    settings["reliable_from"] = reliable_from
    settings["coefficients"] = tuple(coefficients)
    per_code = np.inf if population is None else float(population)
    rows = []
    for code in codes.index:
        record = intercoder_reliability(
            presence[code],
            level=levels.get(code, default_level),
            seed=seed + len(rows),
            population=per_code,
            **settings,
        )
        label, kind = codes.loc[code, "label"], codes.loc[code, "kind"]
        rows.append({"code": code, "label": label, "kind": kind, **record})
    stacked = presence.T.groupby(level="code", sort=False)
    pooled = np.vstack([group.T.to_numpy() for _, group in stacked])
    record = intercoder_reliability(
        pooled,
        level=default_level,
        seed=seed + len(rows),
        population=per_code * len(codes.index),
        **settings,
    )
    rows.append({"code": "all codes", "label": "All codes", "kind": "all", **record})
    return pd.DataFrame(rows)

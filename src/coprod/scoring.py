"""Scores of the included responses: reverse keys, scale means with prorating, single items.

Every score of the codebook (``Codebook.scores``: one per construct x measure) is
computed from its items:

- Items are *keyed* first (``ResponseSet.score_values``): a valid code stays as it is,
  or becomes ``min + max - code`` (the smallest and largest valid code of its response
  set) when the item is reverse-keyed; the answer to a yes/no item (response set type
  ``binary`` or ``multi_select``) becomes 1 for the code its response set declares as
  ``yes`` and 0 for the other valid code, whatever the two codes are; a missing code
  ("don't know", "not applicable", refused) and a blank become NA. A code outside the
  response set is an error.
- A score with two or more items is the mean of its answered (keyed) items when at
  least ``min_share_answered`` of them are answered, else NA. The share is read to two
  decimals, as the threshold is written: 0.67 accepts two of three items
  (:data:`SHARE_TOLERANCE`). A score computed from fewer than all its items is
  *prorated*; :func:`prorating_table` counts them per scale.
- A score is stored as a float, but it stands for a fraction: a mean of integer codes
  (:func:`exact_score` recovers it, :data:`SCORE_MAX_DENOMINATOR`). Analyses that need
  ties and zeros as they are (the Wilcoxon test of the barrier sides) compute on it.
- A score with one item is that keyed item: e.g. how far a barrier was overcome
  (1-5, NA for "not applicable"), a strategy used (1/0), a risk experienced (1/0, NA for
  "don't know"), how well it was managed (1-5, NA when not asked), training received
  (1/0) and its hours (the band's code).

Decisions
---------
Raw codes up to here, 1/0 from here on
    The survey frame (``results/ingest/``, ``results/clean/``) keeps every item's codes
    as the export wrote them (provenance: a reviewer finds the file's values there, and
    the codebook says what they mean). Scoring is the one stage that translates: every
    yes/no score and keyed item it writes (``results/scoring/``) is 1 = yes, 0 = no, from
    the codebook's ``yes:`` declaration. So the analyses' shares, counts of yes, 0/1
    predictors (training received) and used-vs-not-used splits are the same for a study
    coded 1/0 and one coded 1 = yes, 2 = no; nothing after scoring reads a yes/no code.

Example
-------
>>> from coprod.clean import ExclusionSettings, apply_exclusions
>>> clean = apply_exclusions(responses, study, ExclusionSettings.from_config({})).clean
>>> scored = score_responses(clean, study, min_share_answered=0.67)
>>> scored.scores.columns[:3].tolist()
['response_id', 'sample', 'case']
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from coprod.clean import add_design, design_columns
from coprod.jobs import Inputs, Settings
from coprod.resources import Codebook, Study

__all__ = [
    "SCORE_MAX_DENOMINATOR",
    "SHARE_TOLERANCE",
    "ScoredResponses",
    "exact_score",
    "keyed_items",
    "multi_item_scores",
    "prorating_table",
    "scale_score",
    "score_responses",
]

SHARE_TOLERANCE = 0.005
"""Answered shares are compared with the threshold to two decimals (2/3 passes 0.67)."""

SCORE_MAX_DENOMINATOR = 1000
"""The largest denominator of a score's exact value: a score is a mean of the integer codes
of at most this many answered items. Its float is within one rounding of that fraction,
and two such fractions differ by at least 1 / 1000^2, so the nearest fraction with a
denominator up to 1000 is the score's exact value (:func:`exact_score`)."""


def multi_item_scores(codebook: Codebook) -> list[str]:
    """Ids of the codebook's scores with two or more items, in codebook order."""
    scores = codebook.scores
    return list(scores.index[scores["items"].map(len) >= 2])


def keyed_items(responses: pd.DataFrame, codebook: Codebook, items: Sequence[str]) -> pd.DataFrame:
    """Items with reverse keys applied and missing codes as NA, as Float64.

    Parameters
    ----------
    responses : DataFrame
        One column of integer codes per item (NA for blank).
    codebook : Codebook
    items : sequence of str
        Item ids.

    Returns
    -------
    DataFrame
        One Float64 column per item: the valid code, ``min + max - code`` for a
        reverse-keyed item, 1 for a yes/no item's declared yes code and 0 for its other
        code, NA for a missing code or a blank.

    Examples
    --------
    On a 1-5 item that is reverse-keyed, codes 1, 4, 8 ("don't know") and blank become
    5, 2, NA, NA. On a yes/no item coded 1 = yes, 2 = no (``yes: 1``), codes 1, 2, 8 and
    blank become 1, 0, NA, NA.
    """
    out = {}
    for item in items:
        response_set = codebook.response_sets[codebook.items.loc[item, "response_set"]]
        keyed = response_set.score_values(reverse=bool(codebook.items.loc[item, "reverse"]))
        codes = responses[item].astype("Int64")
        present = {int(code) for code in codes.dropna()}
        unknown = sorted(present - set(keyed) - set(response_set.missing))
        if unknown:
            raise ValueError(
                f"item '{item}': code(s) {unknown} are neither valid ({sorted(keyed)}) nor "
                f"missing codes ({sorted(response_set.missing)}) of response set "
                f"'{response_set.id}'"
            )
        out[item] = codes.map(keyed, na_action="ignore").astype("Float64")
    return pd.DataFrame(out, index=responses.index)


def scale_score(items: pd.DataFrame, min_share_answered: float) -> tuple[pd.Series, pd.Series]:
    """Mean of the answered items, where enough are answered.

    Parameters
    ----------
    items : DataFrame
        Keyed items of one scale (NA = not answered).
    min_share_answered : float
        Least share of the items answered for a score (to two decimals).

    Returns
    -------
    score : Series of Float64
        The mean of the answered items, NA where too few are answered.
    prorated : Series of bool
        Whether the score was computed from fewer than all the items.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, None], "b": [3, None, None], "c": [5, 4, 3]},
    ...                      dtype="Float64")
    >>> score, prorated = scale_score(items, 0.67)
    >>> score.tolist(), prorated.tolist()
    ([3.0, 3.0, <NA>], [False, True, False])
    """
    n_items = items.shape[1]
    answered = items.notna().sum(axis=1)
    enough = answered / n_items + SHARE_TOLERANCE >= min_share_answered
    enough &= answered > 0
    mean = items.astype("float64").mean(axis=1).astype("Float64")
    score = mean.where(enough)
    prorated = enough & (answered < n_items)
    return score, prorated.astype(bool)


def exact_score(value: float) -> Fraction:
    """The exact value of a score: the fraction its float was rounded from.

    Parameters
    ----------
    value : float
        A score (a mean of at most :data:`SCORE_MAX_DENOMINATOR` integer codes).

    Returns
    -------
    fractions.Fraction

    Raises
    ------
    ValueError
        If ``value`` is not finite or is no such mean (the nearest fraction does not round
        back to it).

    Examples
    --------
    >>> exact_score(10 / 3), exact_score(2.5), exact_score(4.0)
    (Fraction(10, 3), Fraction(5, 2), Fraction(4, 1))

    A mean of three scores of 3 items (1, 1 and 4/3) is 10/9; in floats it depends on the
    order of the sums, exactly it does not:

    >>> (1.0 + 1.0 + 4 / 3) / 3 - 10 / 9
    -2.220446049250313e-16
    >>> sum(exact_score(v) for v in (1.0, 1.0, 4 / 3)) / 3 - exact_score(10 / 9)
    Fraction(0, 1)
    """
    if not math.isfinite(value):
        raise ValueError(f"a score must be a finite number to be made exact, got {value!r}")
    exact = Fraction(value).limit_denominator(SCORE_MAX_DENOMINATOR)
    if float(exact) != value:
        raise ValueError(
            f"score {value!r} is not a mean of at most {SCORE_MAX_DENOMINATOR} integer codes "
            f"(its nearest such fraction, {exact}, is {float(exact)!r}); raise "
            "coprod.scoring.SCORE_MAX_DENOMINATOR if a scale has more items"
        )
    return exact


@dataclass
class ScoredResponses:
    """What :func:`score_responses` returns.

    Attributes
    ----------
    scores : DataFrame
        ``response_id``, ``sample``, the design columns, then every score (codebook
        order) as Float64.
    items : DataFrame
        ``response_id``, ``sample``, the design columns, then every item of every
        multi-item scale, keyed (Float64).
    prorated : DataFrame
        See :func:`prorating_table`.
    """

    scores: pd.DataFrame
    items: pd.DataFrame
    prorated: pd.DataFrame


def prorating_table(
    scores: pd.DataFrame, prorated: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """How many scores of each multi-item scale were computed, prorated or missing.

    Parameters
    ----------
    scores : DataFrame
        One Float64 column per score.
    prorated : DataFrame
        One boolean column per multi-item score.
    codebook : Codebook

    Returns
    -------
    DataFrame
        ``scale``, ``n_items``, ``n_scored`` (computed, prorated included),
        ``n_prorated`` and ``n_missing``, one row per multi-item scale.
    """
    rows = []
    for scale in multi_item_scores(codebook):
        rows.append(
            {
                "scale": scale,
                "n_items": len(codebook.scale_items(scale)),
                "n_scored": int(scores[scale].notna().sum()),
                "n_prorated": int(prorated[scale].sum()),
                "n_missing": int(scores[scale].isna().sum()),
            }
        )
    return pd.DataFrame(rows, columns=["scale", "n_items", "n_scored", "n_prorated", "n_missing"])


def score_responses(
    responses: pd.DataFrame, study: Study, *, min_share_answered: float
) -> ScoredResponses:
    """Score every response: keyed items, scale scores and single-item scores.

    Parameters
    ----------
    responses : DataFrame
        The included responses (``results/clean/survey_clean.parquet``); the design
        columns of :func:`coprod.clean.add_design` are added if absent.
    study : Study
    min_share_answered : float
        The prorating rule of multi-item scores (config ``scoring.min_share_answered``).

    Returns
    -------
    ScoredResponses
    """
    if not 0 < min_share_answered <= 1:
        raise ValueError(f"min_share_answered must be in (0, 1]; got {min_share_answered}")
    cb = study.codebook
    design = design_columns(study)
    frame = responses.reset_index(drop=True)
    if not set(design) <= set(frame.columns):
        frame = add_design(frame, study)
    keys = frame[["response_id", "sample", *design]].copy()
    keys["sample"] = keys["sample"].astype("Int64")

    multi = multi_item_scores(cb)
    item_ids = [item for scale in multi for item in cb.scale_items(scale)]
    scored_items = [item for items in cb.scores["items"] for item in items]
    keyed = keyed_items(frame, cb, list(dict.fromkeys(scored_items)))

    scores: dict[str, pd.Series] = {}
    prorated: dict[str, pd.Series] = {}
    for score_id, spec in cb.scores.iterrows():
        items = list(spec["items"])
        if len(items) >= 2:
            scores[score_id], prorated[score_id] = scale_score(keyed[items], min_share_answered)
        else:
            scores[score_id] = keyed[items[0]]
    score_frame = pd.DataFrame(scores, index=frame.index).astype("Float64")
    prorated_frame = pd.DataFrame(prorated, index=frame.index, columns=multi).astype(bool)
    return ScoredResponses(
        scores=pd.concat([keys, score_frame], axis=1),
        items=pd.concat([keys, keyed[item_ids].astype("Float64")], axis=1),
        prorated=prorating_table(score_frame, prorated_frame, cb),
    )


def scoring_job(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The scoring stage as a job (:mod:`coprod.jobs`): scores, keyed items and the
    prorated scores (CSV, and in the log)."""
    responses = pd.read_parquet(inputs["survey"])
    scored = score_responses(responses, study, min_share_answered=settings["min_share_answered"])
    print(scored.prorated.to_string(index=False), file=sys.stderr)
    return {"scores": scored.scores, "item_data": scored.items, "prorated": scored.prorated}

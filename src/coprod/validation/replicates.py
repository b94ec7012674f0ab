"""One replicate of the validation study: draw, clean, score, and run the registered analyses.

Replicate ``r`` of a condition is ``generate(study, model, seed)`` with ``seed = seed +
seed_offset + r`` (:func:`coprod.validation.conditions.replicate_seed`), run through the
study's own exclusions (:func:`coprod.clean.apply_exclusions`) and scoring
(:func:`coprod.scoring.score_responses`), then through the registered analyses of the
workflow (:mod:`coprod.analyses.registry`), resolved by name and called with the
replicate's frames standing for the files they read (:func:`run_analyses`): what is
validated is the pipeline's own code and settings, adjusted p values included. The
export and ingest steps are skipped: the importers are validated elsewhere
(``tests/test_ingest.py`` reads files written by the same generator back into the
generator's own frame), so that frame is what they would produce. Replicates are
grouped into batches, one Snakemake job each, so thousands of replicates need not mean
thousands of jobs.

A replicate draws only a token population and a minimal set of focus groups
(:func:`coprod.validation.conditions.replicate_model`): both are drawn after the survey
responses from the same random stream, so the responses are those of the full model (a
test checks it) at a fraction of the cost.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod.analyses.catalogue import score_catalogue
from coprod.analyses.registry import job_named
from coprod.clean import apply_exclusions
from coprod.jobs import resolve
from coprod.preparation import ITEMS, SCORES
from coprod.resources import Study
from coprod.scoring import score_responses
from coprod.synthetic.study import generate
from coprod.validation.conditions import read_condition_model, replicate_model
from coprod.validation.design import METHODS, VALIDATED, AnalysisSettings, staff_analysis
from coprod.validation.truth import attach_truth, truth_table
from coprod.vocabulary import OMNIBUS, POOLED

__all__ = [
    "analyse",
    "condition_batch",
    "replicate_data",
    "run_analyses",
    "run_batch",
]


def _rows(table: pd.DataFrame, analysis: str, term: str | pd.Series = "") -> pd.DataFrame:
    """Tidy compare records as estimate rows (key columns, the record, family, p_adj)."""
    out = pd.DataFrame(
        {
            "analysis": analysis,
            "outcome": table["outcome"].astype(str),
            "term": term,
            "effect": table["effect"].astype(str),
            "contrast": table["contrast"].astype(str) if "contrast" in table else "",
            "family": table["family"].astype(str),
            "estimate": table["estimate"].astype(float),
            "ci_low": table["ci_low"].astype(float),
            "ci_high": table["ci_high"].astype(float),
            "p": table["p"].astype(float),
            "p_adj": table["p_adj"].astype(float) if "p_adj" in table else np.nan,
            "n": table["n"].astype(int),
        }
    )
    return out.reset_index(drop=True)


def replicate_data(
    responses: pd.DataFrame, study: Study, settings: AnalysisSettings
) -> dict[str, pd.DataFrame]:
    """Exclusions and scoring of one replicate's responses, as the study's rules run them.

    Parameters
    ----------
    responses : pandas.DataFrame
        ``SyntheticStudy.responses`` (its ``planted`` column is dropped first: the
        exclusions must find the problems on their own).
    study : Study
    settings : AnalysisSettings

    Returns
    -------
    dict of pandas.DataFrame
        The scores and the keyed items of the included responses, by the file the
        scoring stage writes them to (the inputs of the registered analyses).
    """
    frame = responses.drop(columns=["planted"], errors="ignore")
    clean = apply_exclusions(frame, study, settings.exclusions).clean
    scored = score_responses(clean, study, min_share_answered=settings.min_share_answered)
    return {SCORES: scored.scores, ITEMS: scored.items}


def run_analyses(
    data: Mapping[str, pd.DataFrame], study: Study, settings: AnalysisSettings
) -> dict[str, dict[str, pd.DataFrame]]:
    """Run the registered analyses the validated ones need, on one replicate's frames.

    Each job of :data:`~coprod.validation.design.VALIDATED` is resolved from the
    registry by name and called as the workflow calls it, with its settings from
    ``settings.compare`` and each of its inputs the frame of ``data`` that stands for
    the input's file.

    Returns
    -------
    dict
        Job name -> the job's records (output name -> frame).
    """
    config = {"compare": settings.compare}
    results = {}
    for name in dict.fromkeys(VALIDATED[analysis] for analysis in settings.analyses):
        job = job_named(name)
        inputs = {key: data[path] for key, path in job.inputs(config).items()}
        results[name] = resolve(job.function)(study, inputs, job.settings(config))
    return results


def _pooled(table: pd.DataFrame, analysis: str | None = None) -> pd.DataFrame:
    """The pooled rows of a table (of one ``analysis`` if named)."""
    keep = table["by"] == POOLED
    if analysis is not None:
        keep &= table["analysis"] == analysis
    return table[keep.to_numpy()]


def _fill_effect(table: pd.DataFrame, effects: Any) -> pd.DataFrame:
    """Name the effect of rows that could not be estimated (their record names none)."""
    return table.assign(effect=table["effect"].where(table["effect"].notna(), effects))


def analyse(
    data: Mapping[str, pd.DataFrame], study: Study, settings: AnalysisSettings
) -> pd.DataFrame:
    """Run the validated analyses on one replicate's data; one row per estimate.

    The registered analyses run as in the workflow (:func:`run_analyses`), and their
    records become estimate rows: the contrasts (every row: the pairs' Mann-Whitney r,
    Hedges' g and, with ``compare.ordinal``, the ordinal model, and the omnibus test of a
    contrast of three or more levels); the omnibus tests across the
    cases and across the stakeholder groups (Kruskal-Wallis, or chi-squared for 0/1
    scores); the staff models' standardised OLS coefficients and partial correlations
    (main outcomes as ``staff``, per-score outcomes as ``staff_per_score``);
    strategy-barrier links; the pooled difference of the barriers' two sides; the pooled
    shares (Wilson) of barriers overcome, risks experienced and barriers rated high; and
    the pooled means (t CI) of the barriers met.

    Parameters
    ----------
    data : mapping
        :func:`replicate_data`.
    study : Study
        The study's resources.
    settings : AnalysisSettings
        What to run.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`~coprod.validation.design.ESTIMATE_COLUMNS` from
        ``analysis`` to ``n`` (``method`` from the effect; no truth yet).
    """
    records = run_analyses(data, study, settings)
    compare = settings.compare
    run = set(settings.analyses)
    parts: list[pd.DataFrame] = []

    if "contrasts" in run:
        for name, table in records["compare_contrasts"].items():
            parts.append(_rows(table, f"contrast_{name}"))

    binary = score_catalogue(study.codebook)["binary"]
    for key in ("across_cases", "stakeholder_groups"):
        if key in run:
            analysis = f"across_{compare[key]['column']}"
            table = records["compare_across_groups"][key]
            omnibus = (table["analysis"] == analysis) & (table["comparison"] == OMNIBUS)
            table = table[omnibus.to_numpy()]
            is_binary = binary.loc[table["outcome"]].to_numpy(dtype=bool)
            effects = np.where(is_binary, "cramers_v", "epsilon_squared")
            parts.append(_rows(_fill_effect(table, effects), analysis))

    if "staff" in run:
        table = records["compare_staff_factor"]["staff_factor"]
        partial = (table["analysis"] == "partial_correlation").to_numpy()
        table = _fill_effect(table, np.where(partial, "partial_r", "standardised_beta"))
        names = table["outcome"].map(lambda outcome: staff_analysis(outcome, compare["staff"]))
        for analysis in dict.fromkeys(names):
            part = table[(names == analysis).to_numpy()]
            parts.append(_rows(part, analysis, term=part["term"].astype(str)))

    if "strategy_links" in run:
        table = _fill_effect(records["compare_strategies"]["links"], "rank_biserial")
        parts.append(_rows(table, "strategy_link", term=table["strategy"].astype(str)))

    if "barrier_sides" in run:
        table = _pooled(records["compare_barrier_sides"]["barrier_sides"])
        parts.append(_rows(_fill_effect(table, "rank_biserial_paired"), "barrier_sides"))

    if "shares" in run:
        described = records["compare_describe"]
        for analysis, output in (("share_overcome", "overcome"), ("share_experienced", "risks")):
            table = _pooled(described[output], analysis)
            parts.append(_rows(_fill_effect(table, "proportion"), analysis))

    if "shares" in run or "means" in run:
        table = _pooled(records["compare_describe"]["barriers"])
        if "means" in run:
            parts.append(_rows(_fill_effect(table, "mean"), "mean"))
        if "shares" in run:
            high = table.assign(
                effect="proportion",
                estimate=table["share_high"],
                ci_low=table["share_high_ci_low"],
                ci_high=table["share_high_ci_high"],
            )
            parts.append(_rows(high, "share_high"))

    rows = pd.concat(parts, ignore_index=True)
    rows["method"] = rows["effect"].map(METHODS).fillna(rows["effect"])
    return rows


def run_batch(
    study: Study,
    model: Mapping[str, Any],
    truth: pd.DataFrame,
    settings: AnalysisSettings,
    *,
    replicates: Iterable[int],
    seeds: Iterable[int],
    condition: str = "",
) -> pd.DataFrame:
    """Draw, clean, score and analyse each replicate of a batch; attach the truth.

    Parameters
    ----------
    study : Study
    model : mapping
        The condition's model (:func:`condition_model`); a replicate draws from
        :func:`replicate_model` of it.
    truth : pandas.DataFrame
        The condition's population values (:func:`truth_table`).
    settings : AnalysisSettings
    replicates, seeds : iterable of int
        Replicate indices and their seeds (:func:`replicate_seed`), paired.
    condition : str
        The condition's name, written in each row.

    Returns
    -------
    pandas.DataFrame
        :data:`ESTIMATE_COLUMNS`, one row per replicate x estimand x method.
    """
    small = replicate_model(model, study)
    parts = []
    for replicate, seed in zip(replicates, seeds, strict=True):
        responses = generate(study, small, seed=int(seed)).responses
        rows = analyse(replicate_data(responses, study, settings), study, settings)
        rows.insert(0, "seed", int(seed))
        rows.insert(0, "replicate", int(replicate))
        rows.insert(0, "condition", condition)
        parts.append(rows)
        print(f"replicate {replicate} (seed {seed}): {len(rows)} estimates", file=sys.stderr)
    return attach_truth(pd.concat(parts, ignore_index=True), truth, settings.null_tolerance)


def condition_batch(
    study: Study,
    model_path: str | Path,
    truth_path: str | Path,
    *,
    name: str,
    condition: Mapping[str, Any],
    baseline: Sequence[str],
    settings: Mapping[str, Any],
    replicates: Sequence[int],
    seeds: Sequence[int],
) -> pd.DataFrame:
    """One batch of replicates of a condition, from the model file and its truth.json.

    Parameters
    ----------
    study : Study
    model_path, truth_path : str or Path
        The bundled generative model and the condition's population values.
    name, condition, baseline, settings
        The condition, as :func:`coprod.validation.truth.condition_truth` takes them.
    replicates, seeds : sequence of int
        The batch's replicates and their seeds.

    Returns
    -------
    pandas.DataFrame
        :func:`run_batch`.
    """
    with open(truth_path, encoding="utf-8") as handle:
        truth = truth_table(json.load(handle))
    return run_batch(
        study,
        read_condition_model(model_path, condition, baseline),
        truth,
        AnalysisSettings.from_params(**settings),
        replicates=replicates,
        seeds=seeds,
        condition=name,
    )

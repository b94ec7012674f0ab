"""The synthetic study: responses with planted data-quality problems, focus groups, truth.

:func:`generate` draws the clean respondents of every case and sample, adds
respondents with the planted data-quality problems (previews, duplicates,
incomplete responses, speeders, straight-liners, failed attention checks) at the
model's rates, each in respondents of its own so that the flow of exclusions is
known exactly, the metadata a survey tool writes (response ids, invitation
tokens, dates, durations), the focus groups, and the planted truth.

Example
-------
>>> synthetic = generate(study, {**model, "population_size": 800})
>>> int(synthetic.truth["quality_problems_total"]["duplicate"]) > 0
True
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coprod.resources import Study
from coprod.synthetic.focus_groups import draw_focus_groups
from coprod.synthetic.respondents import Respondents
from coprod.synthetic.truth import population_values

# Invitation tokens are drawn without replacement from [low, high): a panel of more
# respondents than that needs a wider range (model key `respondent_tokens`).
DEFAULT_TOKEN_RANGE = (10000, 99999)
QUALITY_PROBLEMS = (
    "preview",
    "duplicate",
    "incomplete",
    "speeder",
    "straightliner",
    "straightliner_careless",
    "attention_fail",
)


@dataclass
class SyntheticStudy:
    """The generated study: responses per sample, focus groups, and the planted truth."""

    responses: pd.DataFrame  # one row per response, item ids + metadata roles + `planted`
    segments: pd.DataFrame
    codings: pd.DataFrame
    truth: dict[str, Any]


def _response_ids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct ids "R_" + 15 letters or digits, as a survey tool makes them.

    The characters of all ids are drawn in one call (the same stream as one call per
    id); the rare repeat (about n**2 / 62**15) is replaced by further draws.
    """
    alphabet = np.asarray(list(string.ascii_letters + string.digits))
    characters = rng.choice(alphabet, size=(n, 15))
    ids = list(dict.fromkeys("R_" + "".join(row) for row in characters))
    seen = set(ids)
    while len(ids) < n:
        candidate = "R_" + "".join(rng.choice(alphabet, size=15))
        if candidate not in seen:
            seen.add(candidate)
            ids.append(candidate)
    return ids


def generate(study: Study, model: dict[str, Any], seed: int | None = None) -> SyntheticStudy:
    """Draw a synthetic study from ``model`` with ``seed`` (default: the model's seed)."""
    seed = model["seed"] if seed is None else seed
    rng = np.random.default_rng(seed)
    gen = Respondents(study, model, rng)
    cb = study.codebook
    samples = [entry["sample"] for entry in model["samples"]]
    n_cell = model["respondents_per_case_sample"]
    quality = model["quality"]

    clean_design = gen.design(n_cell, samples)
    # Planted problems: counts per case and sample, each in respondents of its own.
    problem_rows = []
    counts = {}
    for (sample, case), cell in clean_design.groupby(["sample", "case"], sort=True):
        for problem in QUALITY_PROBLEMS:
            count = int(rng.binomial(len(cell), quality[problem]))
            counts[(sample, case, problem)] = count
            if problem == "duplicate":
                continue
            extra = cell.sample(n=count, replace=True, random_state=rng).copy()
            extra["planted"] = problem
            problem_rows.append(extra)
    clean_design["planted"] = "clean"
    design = pd.concat([clean_design, *problem_rows], ignore_index=True)
    design["service_area"] = np.where(
        design["planted"] == "clean",
        design["service_area"],
        rng.choice(list(study.services.index), size=len(design)),
    )
    design["service_class"] = design["service_area"].map(study.services["service_class"])

    answers = gen.answers(design)
    responses = pd.concat([gen.profile(design), answers], axis=1)
    responses = responses[[item for item in cb.items.index if item in responses.columns]]
    comment_item = cb.items_in(role="comment")[0]
    comments = np.asarray(quality["comments"], dtype=object)
    has_comment = rng.random(len(responses)) < quality["comment_rate"]
    responses[comment_item] = np.where(
        has_comment, comments[rng.integers(0, len(comments), len(responses))], ""
    )

    median = quality["median_duration_seconds"]
    low, high = quality["clean_duration_range"]
    duration = median * np.clip(np.exp(rng.normal(0.0, 0.35, len(design))), low, high)
    progress = np.full(len(design), 100)
    finished = np.ones(len(design), dtype=bool)
    status = np.full(len(design), "real", dtype=object)
    scored_items = [i for i in cb.items.index if cb.items.loc[i, "role"] not in ("case",)]
    attention = cb.items_in(role="attention_check")[0]
    expected = cb.items.loc[attention, "expected_code"]
    barrier_items = [i for s in gen.barriers for i in cb.scale_items(s)]
    missing_codes = sorted(
        {
            c
            for i in barrier_items
            for c in cb.response_sets[cb.items.loc[i, "response_set"]].missing
        }
    )

    # The planted problems and the duplicates below are drawn respondent by respondent, in
    # the order of the original implementation, so that a seed keeps giving the same study
    # byte for byte; the answers are edited as one float array (one position per column).
    closed = [item for item in responses.columns if item != comment_item]
    position = {item: j for j, item in enumerate(closed)}
    values = responses[closed].to_numpy(dtype=float, copy=True)
    comment = responses[comment_item].to_numpy(dtype=object, copy=True)
    barrier_columns = [position[item] for item in barrier_items]
    attention_column = position[attention]
    attention_options = [
        c for c in cb.response_sets[cb.items.loc[attention, "response_set"]].values if c != expected
    ]
    planted = design["planted"].to_numpy()
    for index in np.flatnonzero(planted != "clean"):
        problem = planted[index]
        if problem == "preview":
            status[index] = "preview"
        elif problem == "incomplete":
            reached = int(rng.integers(*quality["incomplete_progress"]))
            progress[index] = reached
            finished[index] = False
            # items past the point reached are blank (questionnaire order)
            cut = max(5, int(round(len(scored_items) * reached / 100)))
            later = [position[i] for i in scored_items[cut:] if i in position]
            values[index, later] = np.nan
            comment[index] = ""
            duration[index] = duration[index] * reached / 100
        elif problem == "speeder":
            duration[index] = median * rng.uniform(*quality["speeder_range"])
            values[index, barrier_columns] = rng.integers(1, 6, size=len(barrier_columns))
        elif problem in ("straightliner", "straightliner_careless"):
            code = int(rng.choice([2, 3, 4, 5], p=[0.15, 0.35, 0.35, 0.15]))
            values[index, barrier_columns] = code
            if problem == "straightliner_careless":
                duration[index] = median * rng.uniform(*quality["careless_range"])
        elif problem == "attention_fail":
            values[index, attention_column] = rng.choice(attention_options)

    # No clean respondent may straight-line the barrier block by chance.
    block = values[:, barrier_columns]
    block = np.where(np.isin(block, missing_codes), np.nan, block)
    answered = ~np.isnan(block)
    low_answer = np.where(answered, block, np.inf).min(axis=1)
    high_answer = np.where(answered, block, -np.inf).max(axis=1)
    flat = (planted == "clean") & (~answered.any(axis=1) | (low_answer == high_answer))
    first = barrier_columns[0]
    values[flat, first] = np.where(values[flat, first] != 3, 3, 4)

    # Metadata: response ids, invitation tokens, dates.
    design["response_id"] = _response_ids(rng, len(design))
    token_low, token_high = model.get("respondent_tokens", DEFAULT_TOKEN_RANGE)
    tokens = rng.choice(np.arange(token_low, token_high), size=len(design), replace=False)
    design["respondent"] = [f"P{t}" for t in tokens]
    design.loc[design["planted"] == "preview", "respondent"] = ""
    start_by_sample = {e["sample"]: pd.Timestamp(e["fieldwork_start"]) for e in model["samples"]}
    offsets = rng.integers(0, 42 * 24 * 3600, size=len(design))
    design["start"] = design["sample"].map(start_by_sample) + pd.to_timedelta(offsets, unit="s")
    design["duration"] = np.round(duration).astype(int)

    # Duplicates: a later resubmission of a clean respondent, with the same token.
    originals, delays, durations = [], [], []
    duration_of = design["duration"].to_numpy()
    edits: list[tuple[int, int, int]] = []  # (duplicate's number, column, new code)
    for (sample, case), cell in design[design["planted"] == "clean"].groupby(
        ["sample", "case"], sort=True
    ):
        count = counts[(sample, case, "duplicate")]
        for index in cell.sample(n=count, replace=False, random_state=rng).index:
            delays.append(int(duration_of[index]) + int(rng.integers(3600, 72 * 3600)))
            durations.append(int(round(median * rng.uniform(0.8, 1.6))))
            for item in rng.choice(barrier_items, size=3, replace=False):
                answer = values[index, position[item]]
                if answer in range(1, 6):
                    step = rng.choice([-1, 1])
                    edits.append(
                        (len(originals), position[item], int(np.clip(answer + step, 1, 5)))
                    )
            originals.append(index)
    if originals:
        offset = len(design)
        new_design = design.loc[originals].reset_index(drop=True)
        new_design.index += offset
        new_design["planted"] = "duplicate"
        new_design["start"] = new_design["start"] + pd.to_timedelta(delays, unit="s")
        new_design["duration"] = durations
        # (as first written: ids for every response drawn again, the new ones kept)
        new_design["response_id"] = _response_ids(rng, len(new_design) + offset)[offset:]
        new_values = values[originals]
        for number, column, code in edits:
            new_values[number, column] = code
        design = pd.concat([design, new_design])
        values = np.concatenate([values, new_values])
        comment = np.concatenate([comment, comment[originals]])
        progress = np.concatenate([progress, np.full(len(new_design), 100)])
        finished = np.concatenate([finished, np.ones(len(new_design), dtype=bool)])
        status = np.concatenate([status, np.full(len(new_design), "real", dtype=object)])
    order = list(responses.columns)
    responses = pd.DataFrame(values, columns=closed, index=design.index)
    responses[comment_item] = comment
    responses = responses[order]

    design["end"] = design["start"] + pd.to_timedelta(design["duration"], unit="s")
    design["progress"] = progress
    design["finished"] = finished
    design["status"] = status
    meta = design[
        ["sample", "planted", "response_id", "respondent", "start", "end", "duration"]
        + ["progress", "finished", "status"]
    ]
    full = pd.concat([meta, responses], axis=1)
    full = full.sort_values(["sample", "start", "response_id"]).reset_index(drop=True)
    for item in cb.items.index:
        if item != comment_item:
            full[item] = full[item].astype("Float64").round().astype("Int64")

    segments, codings, fg_truth = draw_focus_groups(gen, rng)
    truth = _truth(gen, model, full, counts, fg_truth, seed)
    return SyntheticStudy(responses=full, segments=segments, codings=codings, truth=truth)


def _truth(gen, model, full, counts, fg_truth, seed) -> dict[str, Any]:
    study = gen.study
    problems = {}
    for (sample, case, problem), count in sorted(counts.items()):
        problems.setdefault(str(sample), {}).setdefault(case, {})[problem] = count
    planted = full.groupby(["sample", "planted"]).size()
    return {
        "seed": seed,
        "design": {
            "cases": list(study.cases.index),
            "samples": [entry["sample"] for entry in model["samples"]],
            "clean_respondents_per_case_sample": model["respondents_per_case_sample"],
            "responses_per_sample": {
                str(s): int(full["sample"].eq(s).sum()) for s in sorted(full["sample"].unique())
            },
        },
        "quality_problems": problems,
        "quality_problems_total": {
            problem: int(planted.xs(problem, level="planted").sum())
            if problem in planted.index.get_level_values("planted")
            else 0
            for problem in QUALITY_PROBLEMS
        },
        "planted_effects": model["latent"],
        "loadings": model["loadings"],
        "population": population_values(gen, model),
        "focus_group_codes": fg_truth,
    }

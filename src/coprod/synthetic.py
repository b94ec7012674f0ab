"""A seeded generator of a synthetic study of the same design as the real one.

The real responses cannot be published, so the repository ships a synthetic
study drawn from a written generative model (``resources/synthetic/model.yaml``)
whose true effects are known. What the pipeline estimates can then be checked
against what was planted.

The model, in short (all names come from the codebook, registries and model
file; nothing here names a construct of the study):

- Design: per case and sample, ``respondents_per_case_sample`` clean
  respondents; stakeholder groups by ``group_shares`` except the groups in
  ``group_counts`` (a few per case and sample); service areas uniformly.
- Barriers met: a latent variable per barrier construct, equicorrelated
  standard-normal noise plus shifts by service class, case attribute,
  stakeholder group and sample. Each item is ``loading * latent +
  sqrt(1 - loading**2) * noise`` (sign flipped for reverse-keyed items), cut at
  ``thresholds`` into the codes of its response set.
- Staff: training received by group and case attribute; latent skills shifted
  by training; motivation and leadership support shifted by case attribute.
- Barriers overcome, perceived success, risk management: linear in the staff
  latents (and strategies, for overcoming) plus noise, cut at ``thresholds``.
- Strategies used and risks experienced: Bernoulli on the log-odds scale.
- "Don't know" and refusals at the modelled rates; data-quality problems
  (previews, duplicates, incomplete responses, speeders, straight-liners,
  failed attention checks) at the modelled rates, each in its own respondents,
  so the flow of exclusions is known exactly.
- Focus groups: one per case, sample and service class; turns contain codes
  with a probability linked to the latent barrier level of the cell; two
  coders apply each code with a sensitivity and false-positive rate per code.

``truth.json`` records the planted parameters, the counts of each planted
problem, and population values (scale reliabilities, effects) computed from a
large draw of the same model, so tests compare estimates with what the
analysis should recover.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from scipy.special import expit, logit

from coprod.resources import Codebook, Study

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
# SPSS .sav headers carry the creation date and time; fixed for byte-identical files.
SAV_DATE_OFFSET = (
    92  # rec_type(4) prod_name(60) layout(4) nominal(4) compr(4) weight(4) n(4) bias(8)
)


@dataclass
class SyntheticStudy:
    """The generated study: responses per sample, focus groups, and the planted truth."""

    responses: pd.DataFrame  # one row per response, item ids + metadata roles + `planted`
    segments: pd.DataFrame
    codings: pd.DataFrame
    truth: dict[str, Any]


def _shift(table: dict[str, dict[str, float]], keys: pd.Series, names: list[str]) -> np.ndarray:
    """Sum of per-key shifts: ``table[key][name]`` for each row's key, as an (n, names) array."""
    out = np.zeros((len(keys), len(names)))
    for key, shifts in (table or {}).items():
        rows = (keys.astype(str) == str(key)).to_numpy()
        for j, name in enumerate(names):
            out[rows, j] += shifts.get(name, 0.0)
    return out


def _case_attribute_shift(
    spec: dict[str, dict[str, Any]], design: pd.DataFrame, study: Study, names: list[str] | None
) -> np.ndarray:
    """Shifts by a case attribute (e.g. a column of the case registry)."""
    width = 1 if names is None else len(names)
    out = np.zeros((len(design), width))
    for attribute, by_value in (spec or {}).items():
        values = design["case"].map(study.cases[attribute])
        if names is None:
            out[:, 0] += values.map({k: float(v) for k, v in by_value.items()}).fillna(0.0)
        else:
            out += _shift(by_value, values, names)
    return out if names is not None else out[:, 0]


class _Generator:
    def __init__(self, study: Study, model: dict[str, Any], rng: np.random.Generator) -> None:
        self.study = study
        self.codebook: Codebook = study.codebook
        self.model = model
        self.rng = rng
        scores = self.codebook.scores
        self.barriers = list(
            scores.index[(scores["kind"] == "barrier") & (scores["measure"] == "met")]
        )
        self.barrier_constructs = [scores.loc[s, "construct"] for s in self.barriers]
        self.strategies = list(scores.index[scores["measure"] == "used"])
        self.strategy_constructs = [scores.loc[s, "construct"] for s in self.strategies]
        self.risks = list(scores.index[scores["measure"] == "experienced"])
        self.risk_constructs = [scores.loc[s, "construct"] for s in self.risks]
        self.thresholds = np.asarray(model["thresholds"])

    # ---- design -------------------------------------------------------------------
    def design(self, n_per_cell: int, samples: list[int]) -> pd.DataFrame:
        rng, model = self.rng, self.model
        groups = list(model["group_shares"])
        shares = np.asarray([model["group_shares"][g] for g in groups])
        shares = shares / shares.sum()
        services = list(self.study.services.index)
        rows = []
        for sample in samples:
            for case in self.study.cases.index:
                fixed = []
                for group, (low, high) in (model.get("group_counts") or {}).items():
                    fixed += [group] * int(rng.integers(low, high + 1))
                rest = rng.choice(groups, size=n_per_cell - len(fixed), p=shares)
                cell_groups = np.concatenate([np.asarray(fixed, dtype=object), rest])
                for group in cell_groups:
                    rows.append((sample, case, group))
        design = pd.DataFrame(rows, columns=["sample", "case", "stakeholder_group"])
        design["service_area"] = rng.choice(services, size=len(design))
        design["service_class"] = design["service_area"].map(self.study.services["service_class"])
        return design

    # ---- answers --------------------------------------------------------------------
    def _ordinal(self, latent: np.ndarray) -> np.ndarray:
        return 1 + np.searchsorted(self.thresholds, latent)

    def _items(self, score: str, latent: np.ndarray) -> dict[str, np.ndarray]:
        loadings = self.model["loadings"]
        loading = loadings.get("by_score", {}).get(score, loadings["default"])
        out = {}
        for item in self.codebook.scale_items(score):
            noise = self.rng.standard_normal(len(latent))
            sign = -1.0 if self.codebook.items.loc[item, "reverse"] else 1.0
            value = sign * loading * latent + np.sqrt(1 - loading**2) * noise
            out[item] = self._ordinal(value)
        return out

    def answers(self, design: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """Draw every item for each design row; return codes and the latents."""
        rng, model, study = self.rng, self.model, self.study
        latent_spec = model["latent"]
        n = len(design)
        k = len(self.barriers)
        rho = latent_spec["barrier_correlation"]
        cov = np.full((k, k), rho) + (1 - rho) * np.eye(k)
        noise = rng.multivariate_normal(np.zeros(k), cov, size=n, method="cholesky")
        effects = latent_spec["effects"]
        names = self.barrier_constructs
        mean = np.asarray([latent_spec["barrier_mean"].get(c, 0.0) for c in names])
        fixed = (
            mean
            + _shift(effects.get("service_class"), design["service_class"], names)
            + _case_attribute_shift(effects.get("case_attribute"), design, study, names)
            + _shift(effects.get("stakeholder_group"), design["stakeholder_group"], names)
            + _shift(effects.get("sample"), design["sample"], names)
        )
        barrier = fixed + noise

        staff = latent_spec["staff"]
        rate = design["stakeholder_group"].map(staff["training_rate"]["by_group"]).astype(float)
        rate = rate.fillna(staff["training_rate"]["default"]).to_numpy()
        rate = rate + _case_attribute_shift(
            staff.get("training_rate_case_attribute"), design, study, None
        )
        training = (rng.random(n) < np.clip(rate, 0, 1)).astype(float)
        r = staff["skills_motivation_correlation"]
        z = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=n, method="cholesky")
        skills = staff["skills_from_training"] * training + z[:, 0]
        motivation = _case_attribute_shift(
            staff.get("motivation_case_attribute"), design, study, None
        )
        motivation = motivation + z[:, 1]
        leadership = _case_attribute_shift(
            staff.get("leadership_case_attribute"), design, study, None
        )
        leadership = leadership + rng.standard_normal(n)

        strat = latent_spec["strategies"]
        snames = self.strategy_constructs
        log_odds = logit(np.asarray([strat["rate"][c] for c in snames])) + np.zeros(
            (n, len(snames))
        )
        log_odds += _case_attribute_shift(
            strat.get("case_attribute_log_odds"), design, study, snames
        )
        log_odds += _shift(strat.get("service_class_log_odds"), design["service_class"], snames)
        used = (rng.random((n, len(snames))) < expit(log_odds)).astype(int)

        codes: dict[str, np.ndarray] = {}
        for j, score in enumerate(self.barriers):
            codes.update(self._items(score, barrier[:, j]))

        ov = latent_spec["overcome"]
        for j, construct in enumerate(names):
            value = (
                ov["intercept"]
                + ov["staff_skills"] * skills
                + ov["staff_motivation"] * motivation
                + ov["training"] * training
                + ov["leadership_support"] * leadership
                + ov["barrier_met"] * barrier[:, j]
                + rng.standard_normal(n)
            )
            for strategy, effect in (ov.get("strategies") or {}).get(construct, {}).items():
                value = value + effect * used[:, snames.index(strategy)]
            item = self.codebook.scale_items(f"{construct}_overcome")[0]
            code = self._ordinal(value).astype(float)
            na_code = self._missing_code(item, "not_applicable")
            barely = (barrier[:, j] < ov["not_applicable_below"]) & (
                rng.random(n) < ov["not_applicable_rate"]
            )
            code[barely] = na_code
            codes[item] = code

        for j, score in enumerate(self.strategies):
            codes[self.codebook.scale_items(score)[0]] = used[:, j]

        risk = latent_spec["risks"]
        rnames = self.risk_constructs
        log_odds = logit(np.asarray([risk["rate"][c] for c in rnames])) + np.zeros((n, len(rnames)))
        log_odds += _shift(risk.get("service_class_log_odds"), design["service_class"], rnames)
        log_odds += _case_attribute_shift(
            risk.get("case_attribute_log_odds"), design, study, rnames
        )
        experienced = (rng.random((n, len(rnames))) < expit(log_odds)).astype(int)
        managed_spec = risk["managed"]
        for j, construct in enumerate(rnames):
            exp_item = self.codebook.scale_items(f"{construct}_experienced")[0]
            man_item = self.codebook.scale_items(f"{construct}_managed")[0]
            codes[exp_item] = experienced[:, j].astype(float)
            value = (
                managed_spec["intercept"]
                + managed_spec["staff_skills"] * skills
                + _case_attribute_shift(managed_spec.get("case_attribute"), design, study, None)
                + rng.standard_normal(n)
            )
            codes[man_item] = np.where(experienced[:, j] == 1, self._ordinal(value), np.nan)

        staff_scores = {
            "staff_skills_level": skills,
            "staff_motivation_level": motivation,
            "leadership_support_level": leadership,
        }
        latents = {"barrier": barrier, "training": training, "used": used}
        for score, value in staff_scores.items():
            if score in self.codebook.scores.index:
                codes.update(self._items(score, value))
                latents[score] = value
        received = self.codebook.scale_items("training_received")[0]
        codes[received] = training
        hours = self.codebook.scale_items("training_hours")[0]
        codes[hours] = np.where(
            training == 1, rng.choice([2, 3, 4], size=n, p=[0.45, 0.4, 0.15]), 1
        )

        succ = latent_spec["success"]
        success = (
            succ["staff_skills"] * skills
            + succ["staff_motivation"] * motivation
            + succ["training"] * training
            + succ["leadership_support"] * leadership
            + _case_attribute_shift(succ.get("case_attribute"), design, study, None)
            + rng.standard_normal(n)
        )
        codes.update(self._items("perceived_success_level", success))
        latents["perceived_success_level"] = success

        answers = pd.DataFrame(codes, index=design.index)
        self._dont_know(answers, design)
        return answers, latents

    def _missing_code(self, item: str, reason: str) -> int:
        response_set = self.codebook.response_sets[self.codebook.items.loc[item, "response_set"]]
        for code, (_, why) in response_set.missing.items():
            if why == reason:
                return code
        raise ValueError(f"item {item} has no '{reason}' code in its response set")

    def _dont_know(self, answers: pd.DataFrame, design: pd.DataFrame) -> None:
        spec = self.model["dont_know"]
        rate = design["stakeholder_group"].map(spec["rate_by_group"]).astype(float)
        rate = rate.fillna(spec["rate"]).to_numpy()
        for item in answers.columns:
            response_set = self.codebook.response_sets[
                self.codebook.items.loc[item, "response_set"]
            ]
            dk = [code for code, (_, why) in response_set.missing.items() if why == "dont_know"]
            if not dk:
                continue
            hit = (self.rng.random(len(answers)) < rate) & answers[item].notna().to_numpy()
            answers.loc[hit, item] = dk[0]
        # "Don't know" whether a risk was experienced: its follow-up is not asked.
        for item in self.codebook.items.index[self.codebook.items["asked_if_item"].notna()]:
            parent = self.codebook.items.loc[item, "asked_if_item"]
            code = self.codebook.items.loc[item, "asked_if_code"]
            answers.loc[answers[parent] != code, item] = np.nan

    # ---- whole responses ------------------------------------------------------------
    def profile(self, design: pd.DataFrame) -> pd.DataFrame:
        cb, rng, n = self.codebook, self.rng, len(design)
        out = pd.DataFrame(index=design.index)
        out[cb.role_item("case")] = design["case"].map(self.study.cases["code"])
        out[cb.role_item("stakeholder_group")] = design["stakeholder_group"].map(
            self.study.stakeholder_groups["code"]
        )
        out[cb.role_item("service_area")] = design["service_area"].map(self.study.services["code"])
        for item in cb.items_in(role="profile"):
            response_set = cb.response_sets[cb.items.loc[item, "response_set"]]
            values = np.asarray(list(response_set.values))
            out[item] = rng.choice(values, size=n).astype(float)
            refused = [c for c, (_, why) in response_set.missing.items() if why == "refused"]
            if refused:
                hit = rng.random(n) < self.model["dont_know"]["refused_age_rate"]
                out.loc[hit, item] = refused[0]
        attention = cb.items_in(role="attention_check")
        for item in attention:
            out[item] = cb.items.loc[item, "expected_code"]
        return out


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
    gen = _Generator(study, model, rng)
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

    answers, _ = gen.answers(design)
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

    segments, codings, fg_truth = _focus_groups(gen, rng)
    truth = _truth(gen, model, full, counts, fg_truth, seed)
    return SyntheticStudy(responses=full, segments=segments, codings=codings, truth=truth)


# ---- focus groups -----------------------------------------------------------------------
def _focus_groups(gen: _Generator, rng: np.random.Generator):
    study, model = gen.study, gen.model
    spec = model["focus_groups"]
    codes = study.focus_group_codes
    code_ids = list(codes.index)
    topic = codes["label"].str.lower().to_dict()
    accuracy = {
        code: {
            **spec["coder_accuracy"]["default"],
            **spec["coder_accuracy"].get("by_code", {}).get(code, {}),
        }
        for code in code_ids
    }
    sensitivity = np.asarray([accuracy[code]["sensitivity"] for code in code_ids])
    false_positive = np.asarray([accuracy[code]["false_positive"] for code in code_ids])
    coders = spec["coders"]
    latent = model["latent"]
    effects = latent["effects"]
    constructs = gen.barrier_constructs
    groups = list(study.stakeholder_groups.index)
    segments, codings, presence_rows = [], [], []
    number = 0
    templates = [
        "In our experience, {topic} mattered a lot.",
        "The question of {topic} came up again and again.",
        "We had to deal with {topic} early on.",
        "For me the main thing was {topic}.",
    ]
    for sample in [entry["sample"] for entry in model["samples"]]:
        for case in study.cases.index:
            for service_class in study.service_classes.index:
                number += 1
                fg_id = f"FG{number:02d}"
                n_participants = int(
                    rng.integers(spec["participants"][0], spec["participants"][1] + 1)
                )
                speaker_groups = rng.choice(groups, size=n_participants)
                n_turns = int(rng.integers(spec["turns"][0], spec["turns"][1] + 1))
                cell = pd.DataFrame(
                    {"case": [case], "service_class": [service_class], "sample": [sample]}
                )
                # the cell's latent barrier means: model mean + service class + case attribute
                class_shift = _shift(
                    effects.get("service_class"), cell["service_class"], constructs
                )
                case_shift = _case_attribute_shift(
                    effects.get("case_attribute"), cell, study, constructs
                )
                log_odds = []
                for code in code_ids:
                    kind = codes.loc[code, "kind"]
                    base = logit(spec["base_rate"].get(kind, 0.05))
                    construct = codes.loc[code, "survey_construct"]
                    if kind == "barrier" and construct in constructs:
                        j = constructs.index(construct)
                        shift = (
                            latent["barrier_mean"].get(construct, 0.0)
                            + class_shift[0, j]
                            + case_shift[0, j]
                        )
                        base += spec["barrier_link"] * shift
                    log_odds.append(base)
                p = expit(np.asarray(log_odds))
                present = rng.random((n_turns, len(code_ids))) < p
                for pair in spec.get("cooccurrence", []):
                    a, b = (code_ids.index(c) for c in pair["codes"])
                    boost = rng.random(n_turns) < np.minimum(0.95, p[b] * pair["lift"])
                    present[:, b] |= present[:, a] & boost
                speakers = rng.integers(1, n_participants + 1, size=n_turns)
                for turn in range(n_turns):
                    segment_id = f"{fg_id}-T{turn + 1:03d}"
                    true_codes = [code_ids[j] for j in np.flatnonzero(present[turn])]
                    if true_codes:
                        text = " ".join(
                            templates[int(rng.integers(len(templates)))].format(topic=topic[c])
                            for c in true_codes
                        )
                    else:
                        text = spec["filler_turns"][int(rng.integers(len(spec["filler_turns"])))]
                    segments.append(
                        {
                            "segment_id": segment_id,
                            "focus_group": fg_id,
                            "case": case,
                            "sample": sample,
                            "service_class": service_class,
                            "turn": turn + 1,
                            "speaker": f"S{speakers[turn]}",
                            "speaker_group": speaker_groups[speakers[turn] - 1],
                            "text": text,
                        }
                    )
                    presence_rows.append(present[turn])
                    # one uniform per coder and code, coder by coder (the draws of one
                    # rng.random() call per pair, in that order)
                    chance = np.where(present[turn], sensitivity, false_positive)
                    draws = rng.random((len(coders), len(code_ids)))
                    for coder, applied in zip(coders, draws < chance, strict=True):
                        codings += [
                            {"segment_id": segment_id, "coder": coder, "code": code_ids[j]}
                            for j in np.flatnonzero(applied)
                        ]
    presence = np.asarray(presence_rows)
    fg_truth = {}
    for j, code in enumerate(code_ids):
        se, fp = accuracy[code]["sensitivity"], accuracy[code]["false_positive"]
        pi = presence[:, j].mean()
        # Expected two-coder agreement given the planted presence (independent errors).
        positive = pi * se + (1 - pi) * fp
        disagree = pi * 2 * se * (1 - se) + (1 - pi) * 2 * fp * (1 - fp)
        alpha = 1 - disagree / (2 * positive * (1 - positive))
        fg_truth[code] = {
            "prevalence": round(float(pi), 6),
            "sensitivity": se,
            "false_positive": fp,
            "expected_percent_agreement": round(float(1 - disagree), 6),
            "expected_krippendorff_alpha": round(float(alpha), 6),
        }
    segments = pd.DataFrame(segments)
    codings = pd.DataFrame(codings, columns=["segment_id", "coder", "code"])
    return segments, codings, fg_truth


# ---- planted truth ----------------------------------------------------------------------
def _alpha(matrix: np.ndarray) -> float:
    """Cronbach's alpha of complete rows (population value from a large draw)."""
    matrix = matrix[~np.isnan(matrix).any(axis=1)]
    k = matrix.shape[1]
    return float(
        k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
    )


def _population_scores(
    gen: _Generator, design: pd.DataFrame, answers: pd.DataFrame
) -> pd.DataFrame:
    """Every codebook score as the scoring stage computes it, beside the design columns.

    A score is the mean of the valid answers to its items (missing-value codes and
    questions not asked are left out), reverse-keyed items reversed first; the case
    registry's attribute columns are added as the scoring stage adds them. Unlike the
    scoring stage, no share of answered items is required: with its default rule (two of
    three) the population values below change by at most 0.0023 (checked on a draw of
    100,000), far inside any interval estimated from the study.
    """
    cb, cases = gen.codebook, gen.study.cases
    frame = design[["sample", "case", "stakeholder_group", "service_class"]].copy()
    for attribute in cases.columns.drop(
        ["case_id", "code", "label", "description"], errors="ignore"
    ):
        frame[attribute] = frame["case"].map(cases[attribute])
    for score, row in cb.scores.iterrows():
        codes = list(cb.response_sets[row["response_set"]].values)
        values = answers[row["items"]].to_numpy(dtype=float, copy=True)
        values[~np.isin(values, codes)] = np.nan
        for j, item in enumerate(row["items"]):
            if cb.items.loc[item, "reverse"]:
                values[:, j] = min(codes) + max(codes) - values[:, j]
        answered = (~np.isnan(values)).sum(axis=1)
        total = np.nansum(values, axis=1)
        frame[score] = np.where(answered > 0, total / np.maximum(answered, 1), np.nan)
    return frame


def _hedges_g(x: np.ndarray, y: np.ndarray) -> float:
    """Hedges' g of x minus y (pooled SD, small-sample factor J), NaN dropped."""
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    m = x.size + y.size - 2
    pooled = np.sqrt(((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / m)
    j = 1 - 3 / (4 * m - 1)  # Hedges' approximation of J: exact to 1e-10 at this size
    return float(j * (x.mean() - y.mean()) / pooled)


def _rank_biserial(x: np.ndarray, y: np.ndarray) -> float:
    """Rank-biserial r = P(X > Y) - P(X < Y) from mid-ranks, NaN dropped."""
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    ranks = pd.Series(np.concatenate([x, y])).rank().to_numpy()
    u = ranks[: x.size].sum() - x.size * (x.size + 1) / 2
    return float(2 * u / (x.size * y.size) - 1)


def _paired_rank_biserial(diff: np.ndarray) -> float:
    """Matched-pairs rank-biserial r of paired differences (zeros and NaN dropped)."""
    diff = diff[~np.isnan(diff) & (diff != 0)]
    ranks = pd.Series(np.abs(diff)).rank().to_numpy()
    return float((ranks[diff > 0].sum() - ranks[diff < 0].sum()) / ranks.sum())


def _standardised_betas(
    frame: pd.DataFrame, outcome: str, predictors: list[str], fixed_effects: list[str]
) -> dict[str, float]:
    """OLS betas as ``coprod.stats.ols_standardised`` defines them, on complete cases.

    Outcome and continuous predictors z-scored; two-valued predictors 0/1 (1 = the larger);
    fixed effects as treatment dummies.
    """
    data = frame[[outcome, *predictors, *fixed_effects]].dropna()
    y = data[outcome].to_numpy(float)
    columns = [np.ones(len(data))]
    for name in predictors:
        x = data[name].to_numpy(float)
        if np.unique(x).size == 2:
            columns.append((x == x.max()).astype(float))
        else:
            columns.append((x - x.mean()) / x.std(ddof=1))
    for name in fixed_effects:
        dummies = pd.get_dummies(data[name].astype(str), drop_first=True, dtype=float)
        columns += [dummies[c].to_numpy() for c in dummies.columns]
    beta = np.linalg.lstsq(np.column_stack(columns), (y - y.mean()) / y.std(ddof=1), rcond=None)[0]
    return {name: round(float(b), 4) for name, b in zip(predictors, beta[1:], strict=False)}


def _contrast_levels(gen: _Generator, model: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    """Two-level contrasts of the design: column and levels [x, y] (x minus y).

    The service classes in registry order, each case attribute the model names in the
    order its values first appear in the case registry, and the samples in model order.
    """
    study, latent = gen.study, model["latent"]
    contrasts: dict[str, tuple[str, list[Any]]] = {}
    classes = list(study.service_classes.index)
    if len(classes) == 2:
        contrasts["service_class"] = ("service_class", classes)
    specs = [
        latent["effects"].get("case_attribute"),
        latent["success"].get("case_attribute"),
        latent["strategies"].get("case_attribute_log_odds"),
        latent["risks"].get("case_attribute_log_odds"),
        latent["risks"]["managed"].get("case_attribute"),
        *(latent["staff"].get(key) for key in latent["staff"] if key.endswith("case_attribute")),
    ]
    for spec in specs:
        for attribute in spec or {}:
            levels = list(dict.fromkeys(study.cases[attribute]))
            if len(levels) == 2:
                contrasts[attribute] = (attribute, levels)
    samples = [entry["sample"] for entry in model["samples"]]
    if len(samples) == 2:
        contrasts["sample"] = ("sample", samples)
    return contrasts


def _effect_population(
    gen: _Generator, model: dict[str, Any], frame: pd.DataFrame
) -> dict[str, Any]:
    """Population values of the effects the comparisons stage estimates.

    - ``contrasts``: per two-level contrast (service class, case attribute, sample), for
      every barrier and risk score, the rank-biserial r of x against y and, for
      non-binary scores, Hedges' g (x minus y).
    - ``share_overcome``: per overcome score, the share answering at least each valid
      code, among those who answered; ``share_experienced``: per risk, the share
      answering yes among those who answered yes or no.
    - ``barrier_sides``: matched-pairs rank-biserial r of each respondent's mean barrier
      met score on the first side against the second (codebook order).
    - ``strategy_overcome_rank_biserial``: per barrier overcome score and strategy, r of
      the overcome score of users against non-users.
    - ``staff_model``: standardised OLS betas of the staff constructs the model's
      success equation names (their first score), with case, stakeholder group and
      service class fixed effects, for each barrier overcome score, their mean per
      respondent (``barrier_overcome_mean``) and each outcome score.
    """
    cb = gen.codebook
    scores = cb.scores
    binary = {
        score: cb.response_sets[row["response_set"]].type in ("binary", "multi_select")
        for score, row in scores.iterrows()
    }
    tested = list(scores.index[scores["kind"].isin(["barrier", "risk"])])
    contrasts = {}
    for name, (column, levels) in _contrast_levels(gen, model).items():
        x_rows = (frame[column] == levels[0]).to_numpy()
        y_rows = (frame[column] == levels[1]).to_numpy()
        values = {}
        for score in tested:
            v = frame[score].to_numpy(float)
            values[score] = {"rank_biserial": round(_rank_biserial(v[x_rows], v[y_rows]), 4)}
            if not binary[score]:
                values[score]["hedges_g"] = round(_hedges_g(v[x_rows], v[y_rows]), 4)
        contrasts[name] = {"column": column, "x": levels[0], "y": levels[1], "values": values}

    overcome = list(scores.index[(scores["kind"] == "barrier") & (scores["measure"] == "overcome")])
    share_overcome = {}
    for score in overcome:
        v = frame[score].dropna()
        codes = sorted(cb.response_sets[scores.loc[score, "response_set"]].values)
        share_overcome[score] = {str(c): round(float((v >= c).mean()), 4) for c in codes}
    experienced = list(
        scores.index[(scores["kind"] == "risk") & (scores["measure"] == "experienced")]
    )
    share_experienced = {
        score: round(float(frame[score].dropna().mean()), 4) for score in experienced
    }

    met = scores[(scores["kind"] == "barrier") & (scores["measure"] == "met")]
    side_of = met["construct"].map(cb.constructs["side"])
    sides = list(dict.fromkeys(side_of))
    barrier_sides = {}
    if len(sides) == 2:
        means = [frame[list(side_of.index[side_of == side])].mean(axis=1) for side in sides]
        barrier_sides = {
            "x": sides[0],
            "y": sides[1],
            "rank_biserial": round(_paired_rank_biserial((means[0] - means[1]).to_numpy()), 4),
        }

    used = list(scores.index[scores["measure"] == "used"])
    links = {}
    for score in overcome:
        v = frame[score].to_numpy(float)
        links[score] = {
            strategy: round(
                _rank_biserial(
                    v[frame[strategy].to_numpy() == 1], v[frame[strategy].to_numpy() == 0]
                ),
                4,
            )
            for strategy in used
        }

    first_score = {c: s for s, c in reversed(list(scores["construct"].items()))}
    predictors = [first_score[c] for c in model["latent"]["success"] if c in first_score]
    fixed_effects = ["case", "stakeholder_group", "service_class"]
    frame = frame.assign(barrier_overcome_mean=frame[overcome].mean(axis=1))
    outcomes = [*overcome, "barrier_overcome_mean", *scores.index[scores["kind"] == "outcome"]]
    staff = {
        "predictors": predictors,
        "fixed_effects": fixed_effects,
        "betas": {y: _standardised_betas(frame, y, predictors, fixed_effects) for y in outcomes},
    }
    return {
        "contrasts": contrasts,
        "share_overcome": share_overcome,
        "share_experienced": share_experienced,
        "barrier_sides": barrier_sides,
        "strategy_overcome_rank_biserial": links,
        "staff_model": staff,
    }


def _draw_clean(gen: _Generator, size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Design and answers of ``size`` clean respondents, spread evenly over the cells."""
    samples = [entry["sample"] for entry in gen.model["samples"]]
    per_cell = max(1, int(size) // (len(gen.study.cases) * len(samples)))
    design = gen.design(per_cell, samples)
    answers, _ = gen.answers(design)
    return design, answers


def draw_population(
    study: Study, model: dict[str, Any], *, seed: int, size: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A large draw of clean respondents of ``model``, scored, and its population effects.

    The draw, the scores (every score the mean of the answered items, beside the design
    columns) and the effects (contrasts, shares, barrier sides, strategy links, staff
    betas) are those behind the ``population`` entries of ``truth.json``; validation
    computes them for each of its conditions' models.

    Parameters
    ----------
    study : Study
    model : mapping
        The generative model (:func:`generate`'s).
    seed : int
        Seed of the draw.
    size : int
        Respondents drawn (spread evenly over the cases and samples).

    Returns
    -------
    tuple
        The scored frame (``stakeholder_group`` names the group) and the effects.
    """
    gen = _Generator(study, model, np.random.default_rng(seed))
    design, answers = _draw_clean(gen, size)
    frame = _population_scores(gen, design, answers)
    return frame, _effect_population(gen, model, frame)


def _population(gen: _Generator, model: dict[str, Any]) -> dict[str, Any]:
    """Population values of scale reliabilities and effects from a large draw of the model."""
    cb = gen.codebook
    design, answers = _draw_clean(gen, model["population_size"])
    reliability = {}
    for score, row in cb.scores.iterrows():
        if len(row["items"]) < 2:
            continue
        values = answers[row["items"]].to_numpy(dtype=float, copy=True)
        response_set = cb.response_sets[row["response_set"]]
        values[np.isin(values, list(response_set.missing))] = np.nan
        for j, item in enumerate(row["items"]):
            if cb.items.loc[item, "reverse"]:
                codes = list(response_set.values)
                values[:, j] = min(codes) + max(codes) - values[:, j]
        reliability[score] = round(_alpha(values), 4)
    effects = _effect_population(gen, model, _population_scores(gen, design, answers))
    return {"cronbach_alpha": reliability, "n_drawn": int(len(design)), **effects}


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
        "population": _population(gen, model),
        "focus_group_codes": fg_truth,
    }


# ---- writers ------------------------------------------------------------------------------
def _labels(codebook: Codebook, item: str) -> dict[int, str]:
    return codebook.response_sets[codebook.items.loc[item, "response_set"]].all_codes()


def write_qualtrics_csv(responses: pd.DataFrame, codebook: Codebook, path: Path) -> None:
    """Write a Qualtrics-style export: three header rows, choice labels, UTF-8 with BOM."""
    meta = codebook.metadata
    status_label = {row["kind"]: row["label"] for _, row in codebook.status.iterrows()}
    order = [
        "start",
        "end",
        "status",
        "progress",
        "duration",
        "finished",
        "response_id",
        "respondent",
    ]
    meta_text = {}
    columns, texts, imports = [], [], []
    for role in order:
        column = meta[role]
        columns.append(column)
        texts.append(next(e for e in _metadata_entries(codebook) if e["role"] == role)["text"])
        imports.append(json.dumps({"ImportId": role}))
        meta_text[role] = column
    out = pd.DataFrame(
        {
            meta["start"]: responses["start"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            meta["end"]: responses["end"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            meta["status"]: responses["status"].map(status_label),
            meta["progress"]: responses["progress"].astype(str),
            meta["duration"]: responses["duration"].astype(str),
            meta["finished"]: responses["finished"].map({True: "True", False: "False"}),
            meta["response_id"]: responses["response_id"],
            meta["respondent"]: responses["respondent"],
        }
    )
    blocks = codebook.blocks
    for item, row in codebook.items.iterrows():
        columns.append(row["export_id"])
        question = row["text"]
        instruction = blocks.loc[row["block"], "instruction"] if "instruction" in blocks else None
        if "_" in row["export_id"] and isinstance(instruction, str) and pd.isna(row["role"]):
            question = f"{instruction} - {row['text']}"
        texts.append(question)
        qid = "QID" + row["export_id"][1:]
        imports.append(json.dumps({"ImportId": qid}))
        response_set = codebook.response_sets[row["response_set"]]
        if response_set.type == "text":
            out[row["export_id"]] = responses[item].fillna("")
        elif response_set.type == "multi_select":
            out[row["export_id"]] = np.where(
                responses[item].eq(1).fillna(False), row["choice_text"], ""
            )
        else:
            labels = _labels(codebook, item)
            out[row["export_id"]] = responses[item].map(labels).fillna("")
    header = pd.DataFrame([texts, imports], columns=columns)
    table = pd.concat([header, out[columns]], ignore_index=True)
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _metadata_entries(codebook: Codebook) -> list[dict[str, str]]:
    import yaml

    with open(codebook.path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["metadata"]


def spss_name(column: str) -> str:
    """The variable name an SPSS export gives a column (as Qualtrics does it)."""
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in column)


def write_spss_sav(
    responses: pd.DataFrame, codebook: Codebook, path: Path, created: pd.Timestamp
) -> None:
    """Write an SPSS export with value labels and user-defined missing values."""
    meta = codebook.metadata
    status_code = {row["kind"]: row["code"] for _, row in codebook.status.iterrows()}
    status_labels = {float(row["code"]): row["label"] for _, row in codebook.status.iterrows()}
    entries = {e["role"]: e["text"] for e in _metadata_entries(codebook)}
    out = pd.DataFrame(
        {
            spss_name(meta["response_id"]): responses["response_id"],
            spss_name(meta["respondent"]): responses["respondent"],
            spss_name(meta["start"]): responses["start"],
            spss_name(meta["end"]): responses["end"],
            spss_name(meta["status"]): responses["status"].map(status_code).astype(float),
            spss_name(meta["progress"]): responses["progress"].astype(float),
            spss_name(meta["duration"]): responses["duration"].astype(float),
            spss_name(meta["finished"]): responses["finished"].astype(float),
        }
    )
    labels = [entries[r] for r in ("response_id", "respondent", "start", "end", "status")]
    labels += [entries[r] for r in ("progress", "duration", "finished")]
    value_labels: dict[str, dict[float, str]] = {
        spss_name(meta["status"]): status_labels,
        spss_name(meta["finished"]): {1.0: "True", 0.0: "False"},
    }
    missing_ranges: dict[str, list[float]] = {}
    measure: dict[str, str] = {}
    for item, row in codebook.items.iterrows():
        response_set = codebook.response_sets[row["response_set"]]
        labels.append(row["text"])
        if response_set.type == "text":
            out[item] = responses[item].fillna("").astype(str)
            measure[item] = "nominal"
            continue
        out[item] = responses[item].astype("Float64").astype(float)
        value_labels[item] = {float(c): label for c, label in response_set.all_codes().items()}
        if response_set.missing:
            missing_ranges[item] = [float(c) for c in response_set.missing]
        measure[item] = "ordinal" if response_set.type == "ordinal" else "nominal"
    pyreadstat.write_sav(
        out,
        str(path),
        file_label="Co-production stakeholder survey",
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing_ranges,
        variable_measure=measure,
    )
    # ReadStat stamps the current date and time into the header: fix them so that
    # the same seed gives a byte-identical file.
    stamp = created.strftime("%d %b %y").encode("ascii") + created.strftime("%H:%M:%S").encode()
    with open(path, "r+b") as handle:
        handle.seek(SAV_DATE_OFFSET)
        handle.write(stamp)


def write_study(
    synthetic: SyntheticStudy, study: Study, model: dict[str, Any], out: Path
) -> list[Path]:
    """Write the exports, focus-group files and truth.json into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in model["samples"]:
        part = synthetic.responses[synthetic.responses["sample"] == entry["sample"]]
        part = part.reset_index(drop=True)
        target = out / entry["file"]
        if entry["form"] == "qualtrics_csv":
            write_qualtrics_csv(part, study.codebook, target)
        elif entry["form"] == "spss_sav":
            created = pd.Timestamp(entry["fieldwork_start"]) + pd.Timedelta(days=60)
            write_spss_sav(part, study.codebook, target, created)
        else:
            raise ValueError(
                f"sample {entry['sample']}: unknown export form '{entry['form']}' "
                "(known: qualtrics_csv, spss_sav)"
            )
        written.append(target)
    synthetic.segments.to_csv(out / "focus_group_segments.csv", index=False, lineterminator="\n")
    synthetic.codings.to_csv(out / "focus_group_codings.csv", index=False, lineterminator="\n")
    written += [out / "focus_group_segments.csv", out / "focus_group_codings.csv"]
    with open(out / "truth.json", "w", encoding="utf-8") as handle:
        json.dump(synthetic.truth, handle, indent=2, sort_keys=True, default=_json_default)
        handle.write("\n")
    written.append(out / "truth.json")
    return written


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")

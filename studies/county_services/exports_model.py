"""The model behind the county services study's exports (used by make_exports.py).

The instrument as the script reads it (codebook and registries), the respondents' answers
drawn from the latent model of ``make_exports.yaml`` (see make_exports.py for the model),
and the population values of what the pipeline estimates: the scores as the pipeline
computes them, its standardised staff model, and the service-class contrasts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BARRIER_BLOCK = "B"


# ---- the instrument ---------------------------------------------------------------------------
class Instrument:
    """The codebook and registries as the script needs them."""

    def __init__(self, codebook: dict[str, Any], registries: dict[str, pd.DataFrame]) -> None:
        self.doc = codebook
        self.registries = registries
        self.items = pd.DataFrame(codebook["items"]).set_index("id", drop=False)
        self.sets = codebook["response_sets"]
        self.meta = {entry["role"]: entry for entry in codebook["metadata"]}
        self.status = {entry["kind"]: entry for entry in codebook["status"]}

    def codes(self, item: str) -> dict[int, str]:
        """Every code of an item (valid and missing) with its label."""
        spec = self.sets[self.items.loc[item, "response_set"]]
        if "registry" in spec:
            table = self.registries[spec["registry"]]
            return dict(zip(table["code"].astype(int), table["label"], strict=True))
        entries = spec.get("values", []) + spec.get("missing", [])
        return {entry["code"]: entry["label"] for entry in entries}

    def kind(self, item: str) -> str:
        return self.sets[self.items.loc[item, "response_set"]]["type"]

    def missing(self, item: str, reason: str) -> int:
        spec = self.sets[self.items.loc[item, "response_set"]]
        return next(e["code"] for e in spec["missing"] if e["reason"] == reason)

    def yes_no(self, item: str) -> tuple[int, int]:
        """The codes of yes and of no (or of selected and not selected)."""
        spec = self.sets[self.items.loc[item, "response_set"]]
        codes = [entry["code"] for entry in spec["values"]]
        yes = spec["yes"]
        return yes, next(code for code in codes if code != yes)

    def scored(self, construct: str, measure: str) -> list[str]:
        mask = (self.items.get("construct") == construct) & (self.items.get("measure") == measure)
        return list(self.items.index[mask.fillna(False).astype(bool)])

    def role(self, role: str) -> str:
        return str(self.items.index[self.items["role"].eq(role).fillna(False)][0])

    def constructs(self, kind: str) -> list[str]:
        return [c["id"] for c in self.doc["constructs"] if c["kind"] == kind]


def ordinal(latent: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Codes 1..len(cuts)+1 of latent values."""
    return 1.0 + (latent[..., None] > cuts).sum(axis=-1)


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# ---- respondents ------------------------------------------------------------------------------
def design(
    rng: np.random.Generator, ins: Instrument, settings: dict, case: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Case, group and service (registry positions) of respondents of the given cases."""
    groups = ins.registries["stakeholder_groups"]
    mix = settings["group_mix"]
    group = rng.choice(len(groups), size=case.size, p=[mix[g] for g in groups["group_id"]])
    service = rng.integers(0, len(ins.registries["services"]), size=case.size)
    return case, group, service


def draw(
    rng: np.random.Generator,
    ins: Instrument,
    settings: dict,
    case: np.ndarray,
    group: np.ndarray,
    service: np.ndarray,
    case_effects: np.ndarray,
) -> pd.DataFrame:
    """Clean answers of respondents (codes as floats, NaN for blank) and their latent staff."""
    lat, miss = settings["latent"], settings["missing"]
    cuts = np.asarray(settings["cuts"], dtype=float)
    cases, groups = ins.registries["cases"], ins.registries["stakeholder_groups"]
    services = ins.registries["services"]
    n = case.size
    group_id = groups["group_id"].to_numpy()[group]
    klass = services["service_class"].to_numpy()[service]
    succeeded = (cases["strategy_outcome"].to_numpy()[case] == "succeeded").astype(float)
    out: dict[str, np.ndarray] = {
        ins.role("case"): cases["code"].to_numpy(float)[case],
        ins.role("stakeholder_group"): groups["code"].to_numpy(float)[group],
        ins.role("service_area"): services["code"].to_numpy(float)[service],
    }
    for item in ins.items.index[ins.items["role"].eq("profile").fillna(False)]:
        valid = [c for c in ins.codes(item) if c < 90]
        out[item] = rng.choice(valid, size=n).astype(float)
        if ins.sets[ins.items.loc[item, "response_set"]].get("missing"):
            refused = rng.random(n) < miss["age_refused"]
            out[item][refused] = ins.missing(item, "refused")

    def items_of(
        latent: np.ndarray, items: list[str], loading: float, dk: float, intercept: float = 0.0
    ) -> None:
        for item in items:
            noise = np.sqrt(1 - loading**2) * rng.standard_normal(n)
            x = intercept + loading * latent + noise
            code = ordinal(x, cuts)
            if bool(ins.items.loc[item, "reverse"]) is True:
                code = len(cuts) + 2 - code
            code[rng.random(n) < dk] = ins.missing(item, "dont_know")
            out[item] = code

    # barriers met
    barriers = ins.constructs("barrier")
    rho = lat["barriers"]["correlation"]
    corr = np.full((len(barriers), len(barriers)), rho) + (1 - rho) * np.eye(len(barriers))
    z = rng.standard_normal((n, len(barriers))) @ np.linalg.cholesky(corr).T
    for j, barrier in enumerate(barriers):
        eta = lat["barriers"]["mean"][barrier] + case_effects[case, j] + z[:, j]
        for level, shift in lat["barriers"]["service_class"].get(barrier, {}).items():
            eta += shift * (klass == level)
        for level, shifts in lat["barriers"]["group"].items():
            eta += shifts.get(barrier, 0.0) * (group_id == level)
        items_of(
            eta, ins.scored(barrier, "met"), lat["barriers"]["loading"], miss["barrier_dont_know"]
        )

    # staff: training (yes/no), skills, motivation, leadership
    staff = lat["staff"]
    trained = rng.random(n) < np.array([staff["training_rate"][g] for g in group_id])
    skills = staff["skills_on_training"] * trained + rng.standard_normal(n)
    motivation = rng.standard_normal(n)
    leadership = rng.standard_normal(n)
    for construct, value in (
        ("staff_skills", skills),
        ("staff_motivation", motivation),
        ("leadership_support", leadership),
    ):
        items = ins.scored(construct, "level")
        items_of(value, items, staff["loading"], miss["staff_dont_know"], staff["intercept"])
    (received,) = ins.scored("training", "received")
    yes, no = ins.yes_no(received)
    out[received] = np.where(trained, yes, no).astype(float)
    (days,) = ins.scored("training", "hours")
    out[days] = np.where(trained, rng.integers(2, 5, n), 1).astype(float)
    out[days][rng.random(n) < miss["training_days_dont_know"]] = ins.missing(days, "dont_know")

    # barriers overcome: linear in the staff variables
    eff = lat["effects_on_overcome"]
    ov = lat["overcome"]
    common = (
        eff["training"] * trained
        + eff["skills"] * skills
        + eff["motivation"] * motivation
        + eff["leadership"] * leadership
        + ov["succeeded"] * succeeded
        + ov["respondent_sd"] * rng.standard_normal(n)
    )
    for barrier in barriers:
        (item,) = ins.scored(barrier, "overcome")
        latent = ov["mean"][barrier] + common + ov["item_sd"] * rng.standard_normal(n)
        code = ordinal(latent, cuts)
        u = rng.random(n)
        code[u < miss["overcome_not_applicable"]] = ins.missing(item, "not_applicable")
        dk = (u >= miss["overcome_not_applicable"]) & (
            u < miss["overcome_not_applicable"] + miss["overcome_dont_know"]
        )
        code[dk] = ins.missing(item, "dont_know")
        out[item] = code

    # strategies used (multi-select: selected or not)
    st = lat["strategies"]
    for strategy in ins.constructs("strategy"):
        (item,) = ins.scored(strategy, "used")
        logit = st["rate"][strategy] + st["succeeded"] * succeeded
        if strategy == "training_course":
            logit = logit + st["training_course_on_training"] * trained
        sel_yes, sel_no = ins.yes_no(item)
        out[item] = np.where(rng.random(n) < logistic(logit), sel_yes, sel_no).astype(float)

    # risks experienced and how well managed
    rk = lat["risks"]
    for risk in ins.constructs("risk"):
        (exp_item,) = ins.scored(risk, "experienced")
        (man_item,) = ins.scored(risk, "managed")
        logit = rk["rate"][risk] + rk["struggled"] * (1 - succeeded)
        for level, shift in rk["service_class"].get(risk, {}).items():
            logit = logit + shift * (klass == level)
        happened = rng.random(n) < logistic(logit)
        r_yes, r_no = ins.yes_no(exp_item)
        code = np.where(happened, r_yes, r_no).astype(float)
        u = rng.random(n)
        code[u < miss["risk_dont_know"]] = ins.missing(exp_item, "dont_know")
        refused = (u >= miss["risk_dont_know"]) & (
            u < miss["risk_dont_know"] + miss["risk_refused"]
        )
        code[refused] = ins.missing(exp_item, "refused")
        out[exp_item] = code
        managed = ordinal(
            rk["managed_mean"] + rk["managed_on_leadership"] * leadership + rng.standard_normal(n),
            cuts,
        )
        managed[rng.random(n) < miss["managed_dont_know"]] = ins.missing(man_item, "dont_know")
        out[man_item] = np.where(code == r_yes, managed, np.nan)

    # perceived success
    es = lat["effects_on_success"]
    success = (
        es["training"] * trained
        + es["skills"] * skills
        + es["motivation"] * motivation
        + es["leadership"] * leadership
        + es["succeeded"] * succeeded
        + es["sd"] * rng.standard_normal(n)
    )
    items_of(success, ins.scored("perceived_success", "level"), 0.85, miss["staff_dont_know"])

    check = ins.role("attention_check")
    out[check] = np.full(n, float(ins.items.loc[check, "expected_code"]))
    comment = ins.role("comment")
    wrote = rng.random(n) < miss["comment"]
    out[comment] = np.where(wrote, rng.choice(settings["comments"], size=n), "")
    frame = pd.DataFrame(out)[list(ins.items.index)]
    frame["_trained"] = trained
    return frame


def flat_in_block(frame: pd.DataFrame, ins: Instrument) -> np.ndarray:
    """Respondents whose valid answers in the barrier block are all one code (longstring)."""
    items = list(ins.items.index[ins.items["block"].eq(BARRIER_BLOCK)])
    values = frame[items].where(frame[items] < 90)
    return ((values.max(axis=1) - values.min(axis=1)) == 0).to_numpy()


def no_longstrings(frame: pd.DataFrame, ins: Instrument) -> pd.DataFrame:
    """Move one answer of a respondent who is a straight-liner by chance by one point."""
    items = list(ins.items.index[ins.items["block"].eq(BARRIER_BLOCK)])
    for row in np.flatnonzero(flat_in_block(frame, ins)):
        item = next(i for i in items if frame.iloc[row][i] < 90)
        code = frame.iloc[row][item]
        frame.iloc[row, frame.columns.get_loc(item)] = code + 1 if code < 7 else code - 1
    return frame


# ---- the population values --------------------------------------------------------------------
def scores(frame: pd.DataFrame, ins: Instrument, min_share: float) -> pd.DataFrame:
    """The scores as the pipeline computes them: keyed item means (at least ``min_share``
    answered), single items as their codes, yes/no and selected as 1/0."""
    out = {}
    scored = ins.items.dropna(subset=["construct"])
    for (construct, measure), group in scored.groupby(["construct", "measure"], sort=False):
        items = list(group.index)
        kind = ins.kind(items[0])
        values = frame[items].astype(float)
        valid = values.where(values < 90)
        if kind in ("binary", "multi_select"):
            yes, _ = ins.yes_no(items[0])
            out[f"{construct}_{measure}"] = (
                (valid.iloc[:, 0] == yes).astype(float).where(valid.iloc[:, 0].notna())
            )
            continue
        reverse = group["reverse"].fillna(False).astype(bool).to_numpy()
        keyed = valid.copy()
        keyed.loc[:, reverse] = 8 - valid.loc[:, reverse]
        answered = keyed.notna().sum(axis=1)
        enough = (answered / len(items) + 0.005 >= min_share) & (answered > 0)
        out[f"{construct}_{measure}"] = keyed.mean(axis=1).where(enough)
    return pd.DataFrame(out, index=frame.index)


def standardised_ols(
    data: pd.DataFrame, outcome: str, terms: list[str], fixed_effects: list[str]
) -> dict[str, float]:
    """The pipeline's staff model: outcome z-scored, continuous terms z-scored, 0/1 terms
    as they are, treatment dummies of the fixed effects; OLS coefficients."""
    data = data[[outcome, *terms, *fixed_effects]].dropna()
    y = (data[outcome] - data[outcome].mean()) / data[outcome].std()
    columns = [np.ones(len(data))]
    for term in terms:
        x = data[term]
        columns.append(x if x.nunique() == 2 else (x - x.mean()) / x.std())
    for fe in fixed_effects:
        columns += [(data[fe] == level).astype(float) for level in sorted(data[fe].unique())[1:]]
    design_matrix = np.column_stack(columns)
    beta = np.linalg.lstsq(design_matrix, y.to_numpy(), rcond=None)[0]
    return {term: round(float(beta[i + 1]), 4) for i, term in enumerate(terms)}


def rank_biserial(x: np.ndarray, y: np.ndarray) -> float:
    """Rank-biserial r of x vs y (positive: x higher), ties as mid-ranks."""
    ranks = pd.Series(np.concatenate([x, y])).rank().to_numpy()
    u = ranks[: x.size].sum() - x.size * (x.size + 1) / 2
    return 2 * u / (x.size * y.size) - 1


def population(
    rng: np.random.Generator,
    ins: Instrument,
    settings: dict,
    config: dict,
    case_effects: np.ndarray,
) -> dict:
    """Population values of what the pipeline estimates, from a large draw of the model."""
    weights = np.asarray(settings["respondents_per_case"], dtype=float)
    n_per_case = np.round(settings["population_size"] * weights / weights.sum()).astype(int)
    per_case = np.repeat(np.arange(len(n_per_case)), n_per_case)
    case, group, service = design(rng, ins, settings, per_case)
    frame = draw(rng, ins, settings, case, group, service, case_effects)
    data = scores(frame, ins, config["scoring"]["min_share_answered"])
    derived = config["compare"]["derived"]
    for name, spec in derived.items():
        columns = [f"{c}_{spec['measure']}" for c in ins.constructs(spec["kind"])]
        enough = data[columns].notna().sum(axis=1) >= spec["min_answered"]
        data[name] = data[columns].mean(axis=1).where(enough)
    data["case"] = case
    data["group_id"] = group
    classes = ins.registries["services"]["service_class"].to_numpy()[service]
    data["service_class"] = classes
    staff = config["compare"]["staff"]
    terms = [*staff["predictors"], *staff["covariates"]]
    betas = {
        outcome: standardised_ols(data, outcome, terms, staff["fixed_effects"])
        for outcome in staff["outcomes"]
    }
    levels = list(dict.fromkeys(ins.registries["services"]["service_class"]))
    outcomes = [f"{c}_met" for c in ins.constructs("barrier")]
    outcomes += [f"{c}_experienced" for c in ins.constructs("risk")]
    pairs = {}
    for i, x_level in enumerate(levels):
        for y_level in levels[i + 1 :]:
            values = {}
            for outcome in outcomes:
                x = data.loc[classes == x_level, outcome].dropna().to_numpy()
                y = data.loc[classes == y_level, outcome].dropna().to_numpy()
                pooled = np.sqrt(
                    ((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1))
                    / (x.size + y.size - 2)
                )
                values[outcome] = {
                    "rank_biserial": round(rank_biserial(x, y), 4),
                    "hedges_g": round(float((x.mean() - y.mean()) / pooled), 4),
                }
            pairs[f"{x_level} vs {y_level}"] = values
    return {"size": int(len(frame)), "staff_betas": betas, "service_class_pairs": pairs}

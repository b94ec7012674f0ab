"""Drawing respondents: the design, every answer, "don't know" and the profile items.

:class:`Respondents` draws, for rows of a design (sample, case, stakeholder
group, service area), the latent barrier levels, the staff constructs the
model's ``structure`` names, strategies used, risks experienced and how well they
were managed, and perceived success, and turns each latent into the codes of its
items (``loading * latent + sqrt(1 - loading**2) * noise``, cut at
``thresholds``). Every draw comes from one seeded generator in a fixed order, so
a seed gives the same answers byte for byte.

Example
-------
>>> import numpy as np
>>> respondents = Respondents(study, model, np.random.default_rng(1))
>>> design = respondents.design(10, samples=[1])
>>> len(design), respondents.answers(design).shape[0]
(40, 40)
"""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from coprod.resources import Codebook, Study
from coprod.synthetic.model import case_attribute_shift, shift, staff_structure


def _total(terms: list[Any]) -> Any:
    """The terms added left to right (the order fixes the floating-point result)."""
    return reduce(add, terms)


def _predictors(spec: dict[str, Any], staff: dict[str, np.ndarray]) -> list[np.ndarray]:
    """``coefficient * latent`` for each staff construct an equation names, in its order."""
    return [spec[name] * staff[name] for name in spec if name in staff]


class Respondents:
    """Draws the answers of respondents of ``model`` with the generator ``rng``."""

    def __init__(self, study: Study, model: dict[str, Any], rng: np.random.Generator) -> None:
        self.study = study
        self.codebook: Codebook = study.codebook
        self.model = model
        self.rng = rng
        self.staff = staff_structure(model)
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

    def _staff_latents(self, design: pd.DataFrame) -> dict[str, np.ndarray]:
        """The staff constructs of ``structure.staff``: binary ones, the factor, then the rest."""
        rng, study, n = self.rng, self.study, len(design)
        spec = self.model["latent"]["staff"]
        latent: dict[str, np.ndarray] = {}
        for construct, how in self.staff.items():
            if how["draw"] == "binary":
                rate = design["stakeholder_group"].map(spec[how["rate"]]["by_group"]).astype(float)
                rate = rate.fillna(spec[how["rate"]]["default"]).to_numpy()
                rate = rate + case_attribute_shift(
                    spec.get(how.get("case_attribute")), design, study, None
                )
                latent[construct] = (rng.random(n) < np.clip(rate, 0, 1)).astype(float)
        factor = [c for c, how in self.staff.items() if how["draw"] == "factor"]
        if factor:
            r = spec[self.model["structure"]["factor_correlation"]]
            cov = np.where(np.eye(len(factor), dtype=bool), 1.0, r)
            z = rng.multivariate_normal(np.zeros(len(factor)), cov, size=n, method="cholesky")
        for construct, how in self.staff.items():
            if how["draw"] == "binary":
                continue
            terms = [
                spec[key] * latent[cause] for cause, key in (how.get("effect_of") or {}).items()
            ]
            if "case_attribute" in how:
                terms.append(
                    case_attribute_shift(spec.get(how["case_attribute"]), design, study, None)
                )
            if how["draw"] == "factor":
                terms.append(z[:, factor.index(construct)])
            else:
                terms.append(rng.standard_normal(n))
            latent[construct] = _total(terms)
        return latent

    def answers(self, design: pd.DataFrame) -> pd.DataFrame:
        """Draw every item for each design row: one column of codes per item."""
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
            + shift(effects.get("service_class"), design["service_class"], names)
            + case_attribute_shift(effects.get("case_attribute"), design, study, names)
            + shift(effects.get("stakeholder_group"), design["stakeholder_group"], names)
            + shift(effects.get("sample"), design["sample"], names)
        )
        barrier = fixed + noise
        staff = self._staff_latents(design)

        strat = latent_spec["strategies"]
        snames = self.strategy_constructs
        log_odds = logit(np.asarray([strat["rate"][c] for c in snames])) + np.zeros(
            (n, len(snames))
        )
        log_odds += case_attribute_shift(
            strat.get("case_attribute_log_odds"), design, study, snames
        )
        log_odds += shift(strat.get("service_class_log_odds"), design["service_class"], snames)
        used = (rng.random((n, len(snames))) < expit(log_odds)).astype(int)

        codes: dict[str, np.ndarray] = {}
        for j, score in enumerate(self.barriers):
            codes.update(self._items(score, barrier[:, j]))

        ov = latent_spec["overcome"]
        for j, construct in enumerate(names):
            value = _total(
                [
                    ov["intercept"],
                    *_predictors(ov, staff),
                    ov["barrier_met"] * barrier[:, j],
                    rng.standard_normal(n),
                ]
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
            item = self.codebook.scale_items(score)[0]
            codes[item] = self._declared(item, used[:, j])

        risk = latent_spec["risks"]
        rnames = self.risk_constructs
        log_odds = logit(np.asarray([risk["rate"][c] for c in rnames])) + np.zeros((n, len(rnames)))
        log_odds += shift(risk.get("service_class_log_odds"), design["service_class"], rnames)
        log_odds += case_attribute_shift(risk.get("case_attribute_log_odds"), design, study, rnames)
        experienced = (rng.random((n, len(rnames))) < expit(log_odds)).astype(int)
        managed = risk["managed"]
        for j, construct in enumerate(rnames):
            exp_item = self.codebook.scale_items(f"{construct}_experienced")[0]
            man_item = self.codebook.scale_items(f"{construct}_managed")[0]
            codes[exp_item] = self._declared(exp_item, experienced[:, j])
            value = _total(
                [
                    managed["intercept"],
                    *_predictors(managed, staff),
                    case_attribute_shift(managed.get("case_attribute"), design, study, None),
                    rng.standard_normal(n),
                ]
            )
            codes[man_item] = np.where(experienced[:, j] == 1, self._ordinal(value), np.nan)

        for construct, how in self.staff.items():
            score = f"{construct}_level"
            if how["draw"] != "binary" and score in self.codebook.scores.index:
                codes.update(self._items(score, staff[construct]))
        for construct, how in self.staff.items():
            if how["draw"] == "binary":
                codes.update(self._binary_items(how, staff[construct]))

        success = latent_spec["success"]
        value = _total(
            [
                *_predictors(success, staff),
                case_attribute_shift(success.get("case_attribute"), design, study, None),
                rng.standard_normal(n),
            ]
        )
        codes.update(self._items(model["structure"]["success"], value))

        answers = pd.DataFrame(codes, index=design.index)
        self._dont_know(answers, design)
        return answers

    def _declared(self, item: str, answers: np.ndarray) -> np.ndarray:
        """Yes/no answers drawn as 1/0, as the codes the item's response set declares."""
        response_set = self.codebook.response_sets[self.codebook.items.loc[item, "response_set"]]
        return response_set.codes_of(answers)

    def _binary_items(self, how: dict[str, Any], value: np.ndarray) -> dict[str, np.ndarray]:
        """The items of a yes/no staff construct: received (drawn 1/0, written as the
        declared codes) and, if named, the amount."""
        received = self.codebook.scale_items(how["received"])[0]
        items = {received: self._declared(received, value)}
        amount = how.get("amount")
        if amount:
            drawn = self.rng.choice(amount["codes"], size=len(value), p=amount["shares"])
            items[self.codebook.scale_items(amount["score"])[0]] = np.where(
                value == 1, drawn, amount["none"]
            )
        return items

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
                hit = rng.random(n) < self.model["dont_know"]["refused_rate"]
                out.loc[hit, item] = refused[0]
        attention = cb.items_in(role="attention_check")
        for item in attention:
            out[item] = cb.items.loc[item, "expected_code"]
        return out

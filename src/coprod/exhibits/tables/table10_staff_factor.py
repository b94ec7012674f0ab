"""Table 10: the staff predictors of the outcomes, with fixed effects.

The job of the rule ``table10_staff_factor`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

import pandas as pd

from coprod.exhibits.formatting import decimals_of, fmt_count, fmt_estimate_ci, fmt_number, fmt_p
from coprod.exhibits.labels import Labels, bracketed, humanise, listing
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import Protector
from coprod.exhibits.tables.common import as_count, as_float, cell, one_row, read
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def staff_factor(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 10: the staff predictors of the outcomes, with fixed effects.

    Reads ``staff`` (``results/compare/staff_factor.parquet``); settings: config
    ``compare.staff`` (``outcomes``, ``predictors``, ``covariates``, ``fixed_effects``,
    ``cov_type``, ``family``, ``covariate_family``, ``partial_family``), ``decimals``,
    ``min_cell``.

    Returns one row per outcome and term (predictors, then covariates): standardised
    coefficient with its CI, p and adjusted p (and the correction), the partial correlation,
    and n.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    source = read(inputs, "staff")
    models = source[source["analysis"] == "standardised_ols"]
    partial = source[source["family"] == settings["partial_family"]]
    families = {settings["family"], settings["covariate_family"]}
    records = []
    for outcome in settings["outcomes"]:
        for term in [*settings["predictors"], *settings.get("covariates", [])]:
            row = one_row(models[models["family"].isin(families)], outcome=outcome, term=term)
            if row is None:
                continue
            other = one_row(partial, outcome=outcome, term=term)
            records.append(
                {
                    "Outcome": labels.outcome(outcome)
                    if outcome in labels.catalogue.index
                    else bracketed(str(row["outcome_label"])),
                    "Term": str(row["term_label"]),
                    "Role": humanise(str(row["role_in_model"])),
                    "β": as_float(row["estimate"]),
                    "β 95% CI low": as_float(row["ci_low"]),
                    "β 95% CI high": as_float(row["ci_high"]),
                    "p": as_float(row["p"]),
                    "p (adjusted)": as_float(row["p_adj"]),
                    "Correction": str(row["correction"]),
                    "Partial r": as_float(cell(other, "estimate")),
                    "n": as_count(row["n"]),
                    "_no_partial": other is None,
                    "_binary": bool(labels.catalogue.loc[term, "binary"])
                    if term in labels.catalogue.index
                    else False,
                }
            )
    table = pd.DataFrame(records)
    table["n"] = table["n"].astype("Int64")
    protector = Protector(table, min_cell)
    derived = ["β", "β 95% CI low", "β 95% CI high", "p", "p (adjusted)", "Partial r"]
    protector.protect(table.index, ["n"], derived={"n": derived})
    digits = decimals["effect"]
    columns = [
        Column("Outcome", ("Outcome",), numeric=False),
        Column("Term", ("Term",), numeric=False),
        Column("Role", ("Role",), numeric=False),
        Column("β [95% CI]", ("β", "β 95% CI low", "β 95% CI high"), fmt_estimate_ci(digits)),
        Column("p", ("p",), fmt_p),
        Column("p (adjusted)", ("p (adjusted)",), fmt_p),
        Column("Correction", ("Correction",), numeric=False),
        Column("Partial r", ("Partial r",), fmt_number(digits)),
        Column("n", ("n",), fmt_count),
    ]
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    binary = table.loc[table["_binary"], "Term"].unique().tolist()
    notes = [
        "Standardised coefficients (outcome and continuous terms in SD units) of ordinary "
        f"least squares models with {effects} fixed effects (not shown) and "
        f"{settings.get('cov_type', 'robust')} standard errors, one model per outcome.",
        (f"{', '.join(binary)}: yes vs no, left 0/1 (β in outcome SDs). " if binary else "")
        + "Partial r: the term's partial correlation with the outcome given the others.",
        "p adjusted within each family: the predictors (confirmatory) and the covariates "
        "(exploratory) by the correction shown.",
    ]
    return [
        protector.exhibit(
            "table10_staff_factor",
            title="The staff factor: "
            f"{listing(table.loc[table['Role'] == 'Predictor', 'Term'], lower=True)} as "
            f"predictors of {listing(table['Outcome'], lower=True)}",
            columns=columns,
            notes=notes,
            counts=["n"],
            section="Outcome",
            hidden=["_binary", "_no_partial"],
            blanks=[
                Blank(
                    "not_applicable",
                    "partial r is computed for the predictors only",
                    ("Partial r",),
                    tuple(table.index[table["_no_partial"]]),
                ),
                Blank("not_estimable", "the model could not estimate it", ("Partial r",)),
            ],
        )
    ]

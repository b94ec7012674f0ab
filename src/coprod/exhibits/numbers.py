"""The numbers the paper's text cites, in one JSON file and as LaTeX macros.

:func:`cited_numbers` is the job (rule ``cited_numbers``) that collects them from the
stages' result records; :func:`write_numbers` its writer (``numbers.json`` and
``numbers.tex``). Counts of people (keys ``n_...``) under config
``disclosure.min_cell`` are cited as ``<min_cell``, as the tables mask them.

Each number has a key, its value, the text the manuscript prints, a
description and the result file it comes from, so a reader can trace any
number in the paper to the rule that computed it.

The LaTeX file defines one macro per number with ``\\newcommand`` (through
``\\csname``, so keys may contain digits and underscores) and a command to use
them::

    \\input{numbers.tex}
    ... Cronbach's alpha was \\coprodnumber{n_included} ...

Example
-------
>>> entry = number("n_included", 736, "{:d}", "Responses after exclusions", "flow.parquet")
>>> entry["text"]
'736'
>>> print(to_latex({"n_included": entry}).splitlines()[-1])
\\expandafter\\newcommand\\csname coprod@n_included\\endcsname{736}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import decimals_of, format_p, is_missing, number_text
from coprod.exhibits.labels import Labels, bracketed, slug, step_label
from coprod.exhibits.protection import suppress_small_cells
from coprod.exhibits.tables.common import as_float, as_text, one_row, outcome_rows, read
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import PAIR, POOLED

EFFECT_KEYS = {"rank_biserial": "r", "epsilon_squared": "epsilon2", "cramers_v": "v"}
"""How a cited effect's key starts, by the record's ``effect``."""
KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "<": r"\textless{}"}


def number(key: str, value: Any, fmt: str, description: str, source: str) -> dict[str, Any]:
    """One cited number: ``fmt`` (a format string) gives the text the paper prints."""
    if not KEY.match(key):
        raise ValueError(f"number key {key!r}: use letters, digits and underscores, from a letter")
    if isinstance(value, float) and math.isnan(value):
        text = "NA"
        value = None
    else:
        text = fmt.format(value)
    return {"key": key, "value": value, "text": text, "description": description, "source": source}


def _latex_text(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(numbers: Mapping[str, Mapping[str, Any]]) -> str:
    """LaTeX macros for ``numbers`` (sorted by key), and ``\\coprodnumber{key}`` to use them."""
    lines = [
        f"% The numbers the paper cites, written by the pipeline ({__name__}). Do not edit.",
        r"\providecommand{\coprodnumber}[1]{\csname coprod@#1\endcsname}",
    ]
    for key in sorted(numbers):
        text = _latex_text(numbers[key]["text"])
        lines.append(rf"\expandafter\newcommand\csname coprod@{key}\endcsname{{{text}}}")
    return "\n".join(lines)


def write_numbers(
    numbers: Mapping[str, Mapping[str, Any]], outputs: Mapping[str, str], render: Mapping[str, Any]
) -> None:
    """The job's writer: the numbers as JSON (sorted keys) and as LaTeX macros (``tex``)."""
    Path(outputs["json"]).write_text(
        json.dumps(dict(sorted(numbers.items())), indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    Path(outputs["tex"]).write_text(to_latex(numbers) + "\n", encoding="utf-8")


class _Numbers:
    """Collects cited numbers (:func:`number` entries) by key."""

    def __init__(self, min_cell: int, percent_digits: int) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.min_cell = min_cell
        self.percent_digits = percent_digits

    def add(self, key: str, value: Any, text: str, description: str, source: str) -> None:
        if key in self.entries:
            raise ValueError(f"cited number '{key}' is defined twice")
        entry = number(key, value, "{}", description, str(source))
        entry["text"] = "NA" if entry["value"] is None and text == "" else text
        self.entries[key] = entry

    def count(
        self, key: str, value: Any, description: str, source: str, *, reveals: bool = False
    ) -> None:
        """A count of people (key ``n_...``): masked as ``<min_cell`` when small, and as
        ``masked`` when it would reveal a small count (``reveals``: a total minus it)."""
        if not key.startswith("n_"):
            raise ValueError(f"a count of people needs a key starting with 'n_': {key}")
        value = None if is_missing(value) else int(value)
        if value is not None and 0 < value < self.min_cell:
            self.add(key, None, f"<{self.min_cell}", description + " (masked: small count)", source)
        elif value is not None and reveals:
            self.add(key, None, "masked", description + " (masked: reveals a small count)", source)
        else:
            self.add(key, value, "NA" if value is None else str(value), description, source)

    def other_count(self, key: str, value: Any, description: str, source: str) -> None:
        """A count of things that are not people (key ``count_...``)."""
        value = None if is_missing(value) else int(value)
        self.add(key, value, "NA" if value is None else str(value), description, source)

    def value(
        self, key: str, value: Any, digits: int, description: str, source: str, suffix: str = ""
    ) -> None:
        value = None if is_missing(value) else float(value)
        text = "NA" if value is None else number_text(value, digits) + suffix
        self.add(key, value, text, description, source)

    def percent(self, key: str, share: Any, description: str, source: str) -> None:
        """A share (0 to 1) cited as a percentage."""
        self.value(key, 100 * as_float(share), self.percent_digits, description, source, "%")

    def ci(self, key: str, low: Any, high: Any, digits: int, description: str, source: str) -> None:
        if is_missing(low) or is_missing(high):
            self.add(key, None, "NA", description, source)
            return
        low, high = float(low), float(high)
        text = f"[{number_text(low, digits)}, {number_text(high, digits)}]"
        self.add(key, [low, high], text, description, source)

    def p(self, key: str, value: Any, description: str, source: str) -> None:
        value = None if is_missing(value) else float(value)
        self.add(key, value, "NA" if value is None else format_p(value), description, source)

    def effect(self, stem: str, row: pd.Series, digits: int, what: str, source: str) -> None:
        """An effect size, its CI and its adjusted p under ``stem``, ``stem_ci``, ``stem_padj``."""
        self.value(stem, row["estimate"], digits, what, source)
        self.ci(f"{stem}_ci", row["ci_low"], row["ci_high"], digits, f"95% CI of: {what}", source)
        correction = str(row.get("correction", "adjusted"))
        self.p(f"{stem}_padj", row["p_adj"], f"p ({correction}-adjusted) of: {what}", source)


def sourced(inputs: Inputs, name: str) -> tuple[str, pd.DataFrame]:
    """The input file ``name`` (the source a number cites) and its records."""
    return str(inputs[name]), read(inputs, name)


def pooled_rows(
    frame: pd.DataFrame, outcomes: Sequence[str], **criteria: Any
) -> Iterator[tuple[str, pd.Series]]:
    """Each outcome with its pooled row of ``frame`` (matching ``criteria``), where it has one."""
    for outcome in outcomes:
        row = one_row(frame, outcome=outcome, by=POOLED, group=POOLED, **criteria)
        if row is not None:
            yield outcome, row


def cited_numbers(study: Study, inputs: Inputs, settings: Settings) -> dict[str, dict[str, Any]]:
    """Every number the paper's text cites, keyed by ids of the study's resources.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``flow``, ``segments``, ``reliability``, ``intercoder``, ``describe``
        (barriers met), ``across_cases``, ``strategies``, ``staff``, ``barrier_sides``,
        ``joint_correlation`` and one ``contrast_<name>`` per contrast of the config.
    settings : mapping
        ``significance`` (adjusted p under it: an effect is cited), ``contrasts``
        (name -> its ``family`` and ``pairwise_family``), ``across_family``, ``barriers``
        and ``strategies`` (config ``compare.scores``), ``staff`` (config ``compare.staff``),
        ``joint_by``,
        ``decimals``, ``min_cell`` (counts of people, keys ``n_...``, under it are cited
        as ``<min_cell``).

    Returns
    -------
    dict
        Key -> :func:`number` entry (value, text, description, source).

    Notes
    -----
    Keys are built from the labels (and ids) of the study's resources as slugs
    (:func:`~coprod.exhibits.labels.slug`: lower case, digits, underscores): ``n_`` counts
    of people (``n_included``, ``n_included_sample_1``, ``n_excluded_<step>``), ``count_``
    counts of other things (focus groups, turns, codes, scales), ``alpha_<scale>``
    (``alpha_risk_aversion_met``), ``alpha_lowest``, ``kalpha_<code>``, ``mean_<score>``,
    ``pct_high_<score>``, ``pct_used_<score>``, ``epsilon2_across_<by>_<score>``,
    ``r_<contrast>_<score>`` (a two-level contrast; with three or more levels
    ``epsilon2_<contrast>_<score>`` or ``v_<contrast>_<score>`` for the test across them and
    ``r_<contrast>_<x>_vs_<y>_<score>`` for a pair), ``beta_<outcome>_<term>``,
    ``r_barrier_sides``, ``rho_joint_<group>``; ``_ci`` and ``_padj`` suffixes give an
    effect's CI and adjusted p (``_p`` an unadjusted p).
    """
    labels = Labels(study)
    decimals = decimals_of(settings)
    alpha = float(settings["significance"])
    numbers = _Numbers(settings["min_cell"], decimals["percent"])

    # responses: received, excluded, included (total and per sample), exclusions by step
    source, flow = sourced(inputs, "flow")
    pooled = flow[as_text(flow["case"]) == POOLED]
    steps = list(pooled.sort_values("step_number")["step"].astype(str).unique())
    for sample in dict.fromkeys(as_text(pooled["sample"])):
        part = pooled[as_text(pooled["sample"]) == sample]
        suffix = "" if sample == POOLED else f"_{slug(labels.level('sample', sample))}"
        where = "" if sample == POOLED else f" in sample {sample}"
        received = one_row(part, step=steps[0])["remaining"]
        included = one_row(part, step=steps[-1])["remaining"]
        # received = included + excluded: with one of the two small, both are masked (as in
        # figure 7), or the other and the total would give it away.
        split = pd.DataFrame({"included": [included], "excluded": [received - included]})
        hidden = suppress_small_cells(
            split, ["included", "excluded"], settings["min_cell"], secondary="rows"
        ).suppressed.iloc[0]
        numbers.count(f"n_received{suffix}", received, f"Survey responses received{where}", source)
        numbers.count(
            f"n_included{suffix}",
            included,
            f"Responses included{where}",
            source,
            reveals=bool(hidden["included"]),
        )
        numbers.count(
            f"n_excluded{suffix}",
            received - included,
            f"Responses excluded{where}",
            source,
            reveals=bool(hidden["excluded"]),
        )
    part = pooled[as_text(pooled["sample"]) == POOLED]
    # The steps add up to the responses excluded: one small step is protected by another.
    by_step = pd.DataFrame({"excluded": [one_row(part, step=s)["excluded"] for s in steps[1:]]})
    step_hidden = suppress_small_cells(
        by_step, ["excluded"], settings["min_cell"], secondary="columns"
    ).suppressed["excluded"]
    for position, step in enumerate(steps[1:]):
        row = one_row(part, step=step)
        label = step_label(step, settings).lower()
        numbers.count(
            f"n_excluded_{slug(step)}",
            row["excluded"],
            f"Responses excluded at the step: {label}",
            source,
            reveals=bool(step_hidden.iloc[position]),
        )
        if not is_missing(row["flagged_kept"]):
            numbers.count(
                f"n_flagged_kept_{slug(step)}",
                row["flagged_kept"],
                f"Responses flagged at the step '{label}' but kept",
                source,
            )

    # focus groups
    source, segments = sourced(inputs, "segments")
    numbers.other_count(
        "count_focus_groups", segments["focus_group"].nunique(), "Focus groups held", source
    )
    numbers.other_count("count_turns", len(segments), "Speaker turns coded", source)
    speakers = as_text(segments["focus_group"]) + "/" + as_text(segments["speaker"])
    numbers.count(
        "n_focus_group_participants",
        speakers.nunique(),
        "Focus-group participants (distinct speakers)",
        source,
    )

    # scale reliability
    source, reliability = sourced(inputs, "reliability")
    scales = reliability[as_text(reliability["level"]) == "pooled"]
    digits = decimals["reliability"]
    for row in scales.itertuples(index=False):
        name = labels.outcome(row.scale) if row.scale in labels.catalogue.index else row.label
        stem = f"alpha_{slug(name)}"
        numbers.value(stem, row.alpha, digits, f"Cronbach's alpha, all respondents: {name}", source)
        numbers.ci(
            f"{stem}_ci",
            row.ci_low,
            row.ci_high,
            digits,
            f"Bootstrap 95% CI of Cronbach's alpha: {name}",
            source,
        )
    flagged = scales[scales["flag_below_threshold"].astype(bool)]
    numbers.other_count("count_scales", len(scales), "Multi-item scales", source)
    numbers.other_count(
        "count_scales_below_threshold",
        len(flagged),
        "Scales with pooled alpha under the threshold",
        source,
    )
    if len(scales):
        lowest = scales.loc[scales["alpha"].astype(float).idxmin()]
        name = (
            labels.outcome(lowest["scale"])
            if lowest["scale"] in labels.catalogue.index
            else lowest["label"]
        )
        numbers.value(
            "alpha_lowest",
            lowest["alpha"],
            digits,
            f"Lowest pooled Cronbach's alpha ({name})",
            source,
        )

    # intercoder reliability
    source, intercoder = sourced(inputs, "intercoder")
    codes = study.focus_group_codes.index
    for flag in ("unreliable", "tentative"):
        chosen = intercoder[(intercoder["flag"] == flag) & intercoder["code"].isin(codes)]
        numbers.other_count(
            f"count_codes_{flag}",
            len(chosen),
            f"Focus-group codes whose agreement is {flag}",
            source,
        )
        for row in chosen.itertuples(index=False):
            stem = f"kalpha_{slug(labels.code(row.code))}"
            what = f"Krippendorff's alpha of the code {labels.code(row.code)} ({flag})"
            numbers.value(stem, row.krippendorff_alpha, digits, what, source)
            numbers.ci(
                f"{stem}_ci",
                row.alpha_ci_low,
                row.alpha_ci_high,
                digits,
                f"Bootstrap 95% CI of: {what}",
                source,
            )
    overall = intercoder[~intercoder["code"].isin(codes)]
    if len(overall) == 1:
        row = overall.iloc[0]
        numbers.value(
            "kalpha_all_codes",
            row["krippendorff_alpha"],
            digits,
            "Krippendorff's alpha over all codes",
            source,
        )
    numbers.other_count("count_codes", len(codes), "Focus-group codes", source)

    # barriers met: pooled mean and % rating high
    source, describe = sourced(inputs, "describe")
    for outcome, row in pooled_rows(describe, outcome_rows(labels, settings["barriers"])):
        name = labels.outcome(outcome)
        numbers.value(
            f"mean_{slug(name)}",
            row["estimate"],
            decimals["mean"],
            f"Mean score, all respondents: {name}",
            source,
        )
        numbers.percent(
            f"pct_high_{slug(name)}",
            row["share_high"],
            f"% rating it high (mean >= threshold): {name}",
            source,
        )

    # across-case tests: significant effects
    source, tests = sourced(inputs, "across_cases")
    tests = tests[tests["family"] == settings["across_family"]]
    by = slug(tests["by"].iloc[0]) if len(tests) else "groups"
    significant = tests[tests["p_adj"].astype(float) < alpha]
    numbers.other_count(
        f"count_significant_across_{by}",
        len(significant),
        f"Scores differing across the {by} levels (adjusted p < {alpha})",
        source,
    )
    for row in significant.itertuples(index=False):
        what = f"Across-{by} effect size ({row.effect}) of {labels.outcome(row.outcome)}"
        numbers.effect(
            f"epsilon2_across_{by}_{slug(labels.outcome(row.outcome))}",
            pd.Series(row._asdict()),
            decimals["effect"],
            what,
            source,
        )

    # contrasts: significant primary effects (the omnibus test, or a two-level contrast's
    # pair), then the significant pairs of a contrast of three or more levels
    for name, spec in settings["contrasts"].items():
        source, contrast = sourced(inputs, f"contrast_{name}")
        primary = contrast[contrast["family"] == spec["family"]]
        significant = primary[primary["p_adj"].astype(float) < alpha]
        numbers.other_count(
            f"count_significant_{slug(name)}",
            len(significant),
            f"Scores with a {name} difference (adjusted p < {alpha})",
            source,
        )
        pairs = contrast[
            (contrast["family"] == spec.get("pairwise_family")) & (contrast["comparison"] == PAIR)
        ]
        if len(pairs):
            numbers.other_count(
                f"count_significant_{slug(name)}_pairs",
                int((pairs["p_adj"].astype(float) < alpha).sum()),
                f"Pairs of {name} levels and scores that differ (adjusted p < {alpha})",
                source,
            )
        for row in significant.itertuples(index=False):
            what = f"{row.contrast}: {row.effect} of {labels.outcome(row.outcome)}"
            if row.comparison == PAIR:
                what += " (positive: higher in the first)"
            numbers.effect(
                f"{EFFECT_KEYS.get(str(row.effect), slug(row.effect))}_{slug(name)}_"
                f"{slug(labels.outcome(row.outcome))}",
                pd.Series(row._asdict()),
                decimals["effect"],
                what,
                source,
            )
        for row in pairs[pairs["p_adj"].astype(float) < alpha].itertuples(index=False):
            numbers.effect(
                f"r_{slug(name)}_{slug(row.group_1)}_vs_{slug(row.group_2)}_"
                f"{slug(labels.outcome(row.outcome))}",
                pd.Series(row._asdict()),
                decimals["effect"],
                f"{row.contrast}: {row.effect} of {labels.outcome(row.outcome)} "
                "(positive: higher in the first)",
                source,
            )

    # the staff factor
    source, staff = sourced(inputs, "staff")
    spec = settings["staff"]
    models = staff[
        (staff["analysis"] == "standardised_ols")
        & staff["family"].isin([spec["family"], spec["covariate_family"]])
    ]
    for outcome in spec["outcomes"]:
        for term in [*spec["predictors"], *spec.get("covariates", [])]:
            row = one_row(models, outcome=outcome, term=term)
            if row is None:
                continue
            name = (
                labels.outcome(outcome)
                if outcome in labels.catalogue.index
                else bracketed(str(row["outcome_label"]))
            )
            what = f"Standardised coefficient of {row['term_label']} on {name}"
            numbers.effect(
                f"beta_{slug(name)}_{slug(row['term_label'])}",
                row,
                decimals["effect"],
                what,
                source,
            )
            numbers.p(
                f"beta_{slug(name)}_{slug(row['term_label'])}_p",
                row["p"],
                f"p (unadjusted) of: {what}",
                source,
            )
    if len(models):
        numbers.count(
            "n_staff_model",
            int(models["n"].max()),
            "Respondents in the staff-factor models",
            source,
        )

    # strategies used (pooled share of respondents)
    source, strategies = sourced(inputs, "strategies")
    used = outcome_rows(labels, settings["strategies"])
    for outcome, row in pooled_rows(strategies, used, analysis="strategy_use"):
        numbers.percent(
            f"pct_used_{slug(labels.score(outcome))}",
            row["estimate"],
            f"% of respondents using: {labels.score(outcome)}",
            source,
        )

    # organisational vs citizen barriers
    source, sides = sourced(inputs, "barrier_sides")
    row = one_row(sides, by=POOLED, group=POOLED)
    if row is not None:
        numbers.effect(
            "r_barrier_sides",
            row,
            decimals["effect"],
            f"{row['contrast']}: matched-pairs rank-biserial r of the barriers met",
            source,
        )

    # joint display
    source, correlation = sourced(inputs, "joint_correlation")
    for row in correlation.itertuples(index=False):
        where = labels.level(str(row.by), row.group) if row.by != POOLED else "All cases"
        what = f"Spearman's rho of the survey and focus-group rankings of the barriers, {where}"
        numbers.effect(
            f"rho_joint_{slug(where)}",
            pd.Series(row._asdict()),
            decimals["effect"],
            what,
            source,
        )
    return dict(sorted(numbers.entries.items()))

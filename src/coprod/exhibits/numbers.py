"""The numbers the paper's text cites, in one JSON file and as LaTeX macros.

:func:`cited_numbers` is the job (rule ``cited_numbers``) that collects them from the
stages' result records; :func:`write_numbers` its writer (``numbers.json`` and
``numbers.tex``). Counts of people (keys ``n_...``) under config
``disclosure.min_cell`` are cited as ``<min_cell``, as the tables mask them.

Each number has a readable key, its value, the text the manuscript prints, a description,
the sentence it supports, the table cell (or result file row) that shows it and the result
file it comes from (:mod:`coprod.exhibits.cited`; ``docs/numbers.md`` for a reader), so a
reader can trace any number in the paper to the exhibit and the rule that computed it.

The LaTeX file defines one macro per number with ``\\newcommand`` (through
``\\csname``, so keys may contain digits and underscores) and a command to use
them::

    \\input{numbers.tex}
    ... of the \\coprodnumber{n_included} responses included ...

Example
-------
>>> entry = {"text": "736"}
>>> print(to_latex({"n_included": entry}).splitlines()[-1])
\\expandafter\\newcommand\\csname coprod@n_included\\endcsname{736}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.exhibits.cited import TABLES, CitedNumbers, records_cell, sourced, table_cell
from coprod.exhibits.cited_tests import barrier_numbers, contrast_numbers, model_numbers
from coprod.exhibits.formatting import decimals_of, is_missing
from coprod.exhibits.labels import Labels, slug, step_label
from coprod.exhibits.protection import suppress_small_cells
from coprod.exhibits.tables.common import (
    as_text,
    one_row,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import POOLED

LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "<": r"\textless{}"}


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
        json.dumps(dict(sorted(numbers.items())), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    Path(outputs["tex"]).write_text(to_latex(numbers) + "\n", encoding="utf-8")


def cited_numbers(study: Study, inputs: Inputs, settings: Settings) -> dict[str, dict[str, Any]]:
    """Every number the paper's text cites, keyed by slugs of the study's labels.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``flow``, ``segments``, ``reliability``, ``intercoder``, ``describe``
        (barriers met), ``across_cases``, ``strategies``, ``staff``, ``barrier_sides``,
        ``joint_correlation`` and one ``contrast_<name>`` per contrast of the config.
    settings : mapping
        ``significance`` (adjusted p under it: an effect is cited), ``contrasts``
        (name -> its ``family`` and ``pairwise_family``), ``contrast_tables`` (config
        ``exhibits.contrast_tables``), ``across_family`` and ``across_pairwise_family``,
        ``barriers`` and ``strategies`` (config ``compare.scores``), ``staff`` (config
        ``compare.staff``), ``by`` (config ``exhibits.by``), ``high_rating``,
        ``step_labels``, ``exclusions``, ``decimals``, ``min_cell`` (counts of people, keys
        ``n_...``, under it are cited as ``<min_cell``).

    Returns
    -------
    dict
        Key -> entry (value, text, description, sentence, cell, source; see
        :class:`coprod.exhibits.cited.CitedNumbers`).

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
    numbers = CitedNumbers(settings["min_cell"], decimals_of(settings)["percent"])
    _flow(numbers, labels, inputs, settings)
    _reliability(numbers, labels, inputs, settings)
    barrier_numbers(numbers, labels, inputs, settings)
    contrast_numbers(numbers, labels, inputs, settings)
    model_numbers(numbers, labels, inputs, settings)
    return dict(sorted(numbers.entries.items()))


def _flow(numbers: CitedNumbers, labels: Labels, inputs: Inputs, settings: Settings) -> None:
    """Responses received, excluded and included (total and per sample), exclusions by
    step; focus groups, turns and participants."""
    source, flow = sourced(inputs, "flow")
    pooled = flow[as_text(flow["case"]) == POOLED]
    steps = list(pooled.sort_values("step_number")["step"].astype(str).unique())
    all_cases = labels.level("case", POOLED)
    for sample in dict.fromkeys(as_text(pooled["sample"])):
        part = pooled[as_text(pooled["sample"]) == sample]
        name = labels.level("sample", sample)
        suffix = "" if sample == POOLED else f"_{slug(name)}"
        where = "" if sample == POOLED else f" in {name.lower()}"
        received = one_row(part, step=steps[0])["remaining"]
        included = one_row(part, step=steps[-1])["remaining"]
        # received = included + excluded: with one of the two small, both are masked (as in
        # figure 7), or the other and the total would give it away.
        split = pd.DataFrame({"included": [included], "excluded": [received - included]})
        hidden = suppress_small_cells(
            split, ["included", "excluded"], settings["min_cell"], secondary="rows"
        ).suppressed.iloc[0]

        def cell(step: str, column: str, sample: str = sample) -> dict[str, Any]:
            if sample != POOLED:
                return records_cell(
                    source, {"case": POOLED, "sample": sample, "step": step}, column
                )
            return table_cell(TABLES["flow"], [step_label(step, settings)], all_cases)

        numbers.count(
            f"n_received{suffix}",
            received,
            f"Survey responses received{where}",
            source,
            sentence=f"{{text}} survey [responses were|response was] received{where}.",
            cell=cell(steps[0], "remaining"),
        )
        numbers.count(
            f"n_included{suffix}",
            included,
            f"Responses included{where}",
            source,
            sentence=f"{{text}} [responses were|response was] included in the analysis{where}.",
            cell=cell("included" if sample == POOLED else steps[-1], "remaining"),
            reveals=bool(hidden["included"]),
        )
        numbers.count(
            f"n_excluded{suffix}",
            received - included,
            f"Responses excluded{where}",
            source,
            sentence=f"{{text}} [responses were|response was] excluded{where}.",
            cell=records_cell(
                source,
                {"case": POOLED, "sample": sample},
                f"remaining at step '{steps[0]}' minus remaining at step '{steps[-1]}'",
            ),
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
        label = step_label(step, settings)
        numbers.count(
            f"n_excluded_{slug(step)}",
            row["excluded"],
            f"Responses excluded at the step: {label.lower()}",
            source,
            sentence=f"{{text}} [responses were|response was] excluded at the step '{label}'.",
            cell=table_cell(TABLES["flow"], [label], all_cases),
            reveals=bool(step_hidden.iloc[position]),
        )
        if not is_missing(row["flagged_kept"]):
            numbers.count(
                f"n_flagged_kept_{slug(step)}",
                row["flagged_kept"],
                f"Responses flagged at the step '{label.lower()}' but kept",
                source,
                sentence=(
                    f"{{text}} [responses were|response was] flagged at the step '{label}' "
                    "but kept."
                ),
                cell=table_cell(TABLES["flow"], [step_label("flagged_kept", settings)], all_cases),
            )

    source, segments = sourced(inputs, "segments")
    numbers.other_count(
        "count_focus_groups",
        segments["focus_group"].nunique(),
        "Focus groups held",
        source,
        sentence="{text} focus [groups were|group was] held.",
        cell=records_cell(source, {}, "distinct values of focus_group"),
    )
    numbers.other_count(
        "count_turns",
        len(segments),
        "Speaker turns coded",
        source,
        sentence="{text} speaker [turns were|turn was] coded.",
        cell=records_cell(source, {}, "rows"),
    )
    speakers = as_text(segments["focus_group"]) + "/" + as_text(segments["speaker"])
    numbers.count(
        "n_focus_group_participants",
        speakers.nunique(),
        "Focus-group participants (distinct speakers)",
        source,
        sentence="{text} [people|person] took part in the focus groups.",
        cell=records_cell(source, {}, "distinct pairs of focus_group and speaker"),
    )


def _reliability(numbers: CitedNumbers, labels: Labels, inputs: Inputs, settings: Settings) -> None:
    """Cronbach's alpha of every scale; Krippendorff's alpha of the doubtful codes."""
    digits = decimals_of(settings)["reliability"]
    source, reliability = sourced(inputs, "reliability")
    scales = reliability[as_text(reliability["level"]) == "pooled"]
    everyone = labels.level(str(settings["by"]), POOLED)
    column = "α [95% CI]"

    def scale_name(scale: str, label: str) -> str:
        return labels.outcome(scale) if scale in labels.catalogue.index else label

    for row in scales.itertuples(index=False):
        name = scale_name(row.scale, row.label)
        stem = f"alpha_{slug(name)}"
        cell = table_cell(TABLES["reliability"], [name, everyone], column)
        what = f"Cronbach's alpha, all respondents: {name}"
        numbers.value(stem, row.alpha, digits, what, source, sentence="", cell=cell)
        numbers.ci(
            f"{stem}_ci",
            row.ci_low,
            row.ci_high,
            digits,
            f"Bootstrap 95% CI of Cronbach's alpha: {name}",
            source,
            sentence="",
            cell=cell,
        )
        estimate, interval = (numbers.entries[k]["text"] for k in (stem, f"{stem}_ci"))
        for key in (stem, f"{stem}_ci"):
            numbers.entries[key]["sentence"] = (
                f"Cronbach's alpha of the {name} scale, all respondents, was {estimate} {interval}."
            )
    flagged = scales[scales["flag_below_threshold"].astype(bool)]
    everything = records_cell(source, {"level": "pooled"}, "rows")
    numbers.other_count(
        "count_scales",
        len(scales),
        "Multi-item scales",
        source,
        sentence="{text} multi-item [scales were|scale was] analysed.",
        cell=everything,
    )
    numbers.other_count(
        "count_scales_below_threshold",
        len(flagged),
        "Scales with pooled alpha under the threshold",
        source,
        sentence="{text} [scales|scale] had a Cronbach's alpha under the threshold.",
        cell=records_cell(source, {"level": "pooled", "flag_below_threshold": True}, "rows"),
    )
    if len(scales):
        lowest = scales.loc[scales["alpha"].astype(float).idxmin()]
        name = scale_name(lowest["scale"], lowest["label"])
        numbers.value(
            "alpha_lowest",
            lowest["alpha"],
            digits,
            f"Lowest pooled Cronbach's alpha ({name})",
            source,
            sentence=f"The lowest Cronbach's alpha, {{text}}, was that of the {name} scale.",
            cell=table_cell(TABLES["reliability"], [name, everyone], column),
        )

    source, intercoder = sourced(inputs, "intercoder")
    codes = labels.study.focus_group_codes.index
    column = "Krippendorff's α [95% CI]"
    for flag in ("unreliable", "tentative"):
        chosen = intercoder[(intercoder["flag"] == flag) & intercoder["code"].isin(codes)]
        numbers.other_count(
            f"count_codes_{flag}",
            len(chosen),
            f"Focus-group codes whose agreement is {flag}",
            source,
            sentence=f"The coders' agreement was {flag} on {{text}} focus-group [codes|code].",
            cell=records_cell(source, {"flag": flag}, "rows"),
        )
        for row in chosen.itertuples(index=False):
            code = labels.code(row.code)
            stem = f"kalpha_{slug(code)}"
            cell = table_cell(TABLES["intercoder"], [code], column)
            what = f"Krippendorff's alpha of the code {code} ({flag})"
            numbers.value(
                stem, row.krippendorff_alpha, digits, what, source, sentence="", cell=cell
            )
            numbers.ci(
                f"{stem}_ci",
                row.alpha_ci_low,
                row.alpha_ci_high,
                digits,
                f"Bootstrap 95% CI of: {what}",
                source,
                sentence="",
                cell=cell,
            )
            estimate, interval = (numbers.entries[k]["text"] for k in (stem, f"{stem}_ci"))
            sentence = (
                f"Krippendorff's alpha of the code {code} was {estimate} {interval} ({flag})."
            )
            for key in (stem, f"{stem}_ci"):
                numbers.entries[key]["sentence"] = sentence
    overall = intercoder[~intercoder["code"].isin(codes)]
    if len(overall) == 1:
        row = overall.iloc[0]
        numbers.value(
            "kalpha_all_codes",
            row["krippendorff_alpha"],
            digits,
            "Krippendorff's alpha over all codes",
            source,
            sentence="Over all codes, Krippendorff's alpha was {text}.",
            cell=records_cell(source, {"code": row["code"]}, "krippendorff_alpha"),
        )
    numbers.other_count(
        "count_codes",
        len(codes),
        "Focus-group codes",
        source,
        sentence="The focus groups were coded with {text} [codes|code].",
        cell=records_cell(source, {}, "rows of a code of the focus-group codebook"),
    )

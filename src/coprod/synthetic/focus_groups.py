"""Drawing the focus groups: turns that contain codes, and two coders who apply them.

One focus group per case, sample and service class. A turn truly contains a code
with probability ``logit(base_rate[kind]) + barrier_link * cell mean`` (for a
barrier code, the latent mean of its survey construct in the group's cell);
planted co-occurrences lift a second code where the first is present. Each coder
applies a code with the code's sensitivity where it is present and its false
positive rate where not. The expected agreement follows from the planted
presence and accuracies (independent errors) and goes to ``truth.json``.

Example
-------
>>> import numpy as np
>>> from coprod.synthetic.respondents import Respondents
>>> rng = np.random.default_rng(1)
>>> segments, codings, truth = draw_focus_groups(Respondents(study, model, rng), rng)
>>> segments["focus_group"].nunique(), sorted(codings["coder"].unique())
(16, ['coder_1', 'coder_2'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from coprod.synthetic.model import case_attribute_shift, shift
from coprod.synthetic.respondents import Respondents


def draw_focus_groups(
    gen: Respondents, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Segments (with text), codings, and the planted truth per code."""
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
                class_shift = shift(effects.get("service_class"), cell["service_class"], constructs)
                case_shift = case_attribute_shift(
                    effects.get("case_attribute"), cell, study, constructs
                )
                log_odds = []
                for code in code_ids:
                    kind = codes.loc[code, "kind"]
                    base = logit(spec["base_rate"].get(kind, 0.05))
                    construct = codes.loc[code, "survey_construct"]
                    if kind == "barrier" and construct in constructs:
                        j = constructs.index(construct)
                        cell_mean = (
                            latent["barrier_mean"].get(construct, 0.0)
                            + class_shift[0, j]
                            + case_shift[0, j]
                        )
                        base += spec["barrier_link"] * cell_mean
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

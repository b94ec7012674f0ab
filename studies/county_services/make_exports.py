"""Make the county services study's raw exports and write down what was planted.

A standalone script, kept beside the study it made with its model (``exports_model.py``)
and settings (``make_exports.yaml``): numpy, pandas, pyreadstat and PyYAML only; it uses
nothing of the repository's library, and the workflow never runs it. It reads the study's
codebook and registries, draws the respondents and focus groups from the model in
``make_exports.yaml`` and writes what a survey tool and two coders would deliver:

- ``survey_sample1.csv``: a Qualtrics export (three header rows, choice labels, UTF-8
  with BOM, CRLF; a choice not ticked is blank);
- ``survey_sample2.sav``: an SPSS export (numeric codes, value labels, 98 and 99 declared
  user-missing; a choice not ticked is 2, not reached is system-missing);
- ``survey_sample3.csv``: a plain CSV (one header row of item ids, codes);
- ``focus_group_segments.csv`` and ``focus_group_codings.csv``: one row per speaker turn,
  and one per code a coder applied to a turn;
- ``truth.json`` (beside this script): the settings' planted effects, the data-quality
  problems planted per sample, and the population values the pipeline's estimates are
  judged against, from a large draw of the same model (``population_size``).

The model (latent variables in SDs): each respondent's six barriers are correlated normal
variables with case, service-class and stakeholder-group effects; every item loads on its
barrier and is cut into the 7 points at ``cuts``. How far each barrier was overcome is a
latent level linear in training (yes/no), latent staff skills, motivation and leadership
support, plus a respondent effect and noise; skills rise a little with training, and
motivation is independent of everything (so its planted null is a null of the observed
regression too). Staff items load on their latent level. The pipeline regresses observed
7-point means, not latent levels, so the planted latent effects are translated into the
coefficients the pipeline estimates by fitting its model (OLS, outcome and continuous
predictors z-scored, training 0/1, case, group and service-class fixed effects) to the
population draw.

Usage: ``python make_exports.py [--settings make_exports.yaml] [--out DIR] [--truth FILE]
[--codebook FILE]`` (paths in the settings are relative to the settings file).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml
from exports_model import (
    BARRIER_BLOCK,
    Instrument,
    design,
    draw,
    no_longstrings,
    population,
)

HERE = Path(__file__).resolve().parent
# A .sav header stamps its creation date and time at this byte; fixed for identical bytes.
SAV_DATE_OFFSET = 92


# ---- one sample -------------------------------------------------------------------------------
def truncate(frame: pd.DataFrame, rows: np.ndarray, shares: np.ndarray, ins: Instrument) -> None:
    """Blank every item after the first ``share`` of the questionnaire (in place)."""
    items = list(ins.items.index)
    for row, share in zip(rows, shares, strict=True):
        keep = int(share * len(items))
        for item in items[keep:]:
            frame.iat[row, frame.columns.get_loc(item)] = "" if ins.kind(item) == "text" else np.nan


def sample(
    rng: np.random.Generator,
    ins: Instrument,
    settings: dict,
    entry: dict,
    case_effects: np.ndarray,
    tokens: list[str],
) -> tuple[pd.DataFrame, dict]:
    """Every response of one sample, with its metadata; and what was planted in it."""
    problems = settings["quality_problems"]
    dur = settings["duration"]
    median = dur["median"]
    n_cases = len(ins.registries["cases"])
    per_case = np.repeat(np.arange(n_cases), settings["respondents_per_case"])
    case, group, service = design(rng, ins, settings, per_case)
    clean = no_longstrings(draw(rng, ins, settings, case, group, service, case_effects), ins)
    clean["_kind"] = "clean"
    kinds = [k for k in problems if k != "duplicate" for _ in range(problems[k])]
    pcase, pgroup, pservice = design(rng, ins, settings, rng.integers(0, n_cases, len(kinds)))
    extra = no_longstrings(draw(rng, ins, settings, pcase, pgroup, pservice, case_effects), ins)
    extra["_kind"] = kinds
    originals = rng.choice(len(clean), problems["duplicate"], replace=False)
    dup = no_longstrings(
        draw(
            rng, ins, settings, case[originals], group[originals], service[originals], case_effects
        ),
        ins,
    )
    dup["_kind"] = "duplicate"
    frame = pd.concat([clean, extra, dup], ignore_index=True)
    n = len(frame)
    n_clean = len(clean)

    start = pd.Timestamp(entry["fieldwork_start"]) + pd.to_timedelta(
        rng.integers(0, entry["weeks"] * 7 * 86400, n), unit="s"
    )
    duration = median * np.exp(dur["sigma"] * rng.standard_normal(n))
    duration = np.clip(duration, dur["min_share"] * median, dur["max_share"] * median)
    kind = frame["_kind"].to_numpy()
    status = np.where(np.isin(kind, ["preview", "test"]), kind, "real").astype(object)
    token = np.array(tokens[:n], dtype=object)
    del tokens[:n]
    token[np.isin(kind, ["preview", "test"])] = ""
    finished = np.ones(n, dtype=bool)
    progress = np.full(n, 100)
    blocks = ins.items["block"].eq(BARRIER_BLOCK)
    barrier_items = list(ins.items.index[blocks])
    check = ins.role("attention_check")

    def fast(which: str, bounds: list[float]) -> None:
        rows = kind == which
        duration[rows] = rng.uniform(*bounds, rows.sum()) * median

    fast("speeder", dur["speeder"])
    fast("straightliner_fast", dur["straightliner_fast"])
    for row in np.flatnonzero(np.isin(kind, ["straightliner_fast", "straightliner_kept"])):
        values = frame.loc[row, barrier_items]
        level = float(np.clip(np.round(values[values < 90].mean()), 1, 7))
        frame.loc[row, barrier_items] = level
    wrong = [c for c in ins.codes(check) if c < 90 and c != ins.items.loc[check, "expected_code"]]
    failing = np.flatnonzero(kind == "attention_fail")
    frame.loc[failing, check] = rng.choice(wrong, failing.size).astype(float)
    partial = np.flatnonzero(kind == "incomplete")
    shares = rng.uniform(0.2, 0.65, partial.size)
    # duplicates: half answer again later (the first, finished one is kept), half had
    # started earlier and left it unfinished
    dup_rows = np.flatnonzero(kind == "duplicate")
    later = np.arange(dup_rows.size) % 2 == 0
    token[dup_rows] = token[originals]
    offset = pd.to_timedelta(rng.integers(2 * 86400, 9 * 86400, dup_rows.size), unit="s")
    start_values = start.to_numpy().copy()
    start_values[dup_rows] = np.where(
        later, (start[originals] + offset).to_numpy(), (start[originals] - offset).to_numpy()
    )
    start = pd.DatetimeIndex(start_values)
    early = dup_rows[~later]
    partial = np.concatenate([partial, early])
    shares = np.concatenate([shares, rng.uniform(0.2, 0.6, early.size)])
    truncate(frame, partial, shares, ins)
    finished[partial] = False
    progress[partial] = np.round(100 * shares).astype(int)
    duration[partial] = duration[partial] * shares
    duration = np.round(duration).astype(int)
    frame["_status"] = status
    frame["_token"] = token
    frame["_start"] = start.floor("s")
    frame["_end"] = frame["_start"] + pd.to_timedelta(duration, unit="s")
    frame["_duration"] = duration
    frame["_finished"] = finished
    frame["_progress"] = progress
    frame = frame.sort_values("_start", kind="stable").reset_index(drop=True)
    ids = set()
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    response_ids = []
    for _ in range(n):
        rid = "R_" + "".join(rng.choice(alphabet, 15))
        while rid in ids:
            rid = "R_" + "".join(rng.choice(alphabet, 15))
        ids.add(rid)
        response_ids.append(rid)
    frame["_response_id"] = response_ids
    planted = {k: int(v) for k, v in problems.items()}
    planted["clean"] = int(n_clean)
    planted["received"] = int(n)
    planted["included"] = int(n_clean + problems["straightliner_kept"])
    return frame, planted


# ---- the exports ------------------------------------------------------------------------------
def spss_name(column: str) -> str:
    """The variable name an SPSS export gives a column (as Qualtrics does)."""
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in column)


def as_code(value: float) -> str:
    return "" if pd.isna(value) else str(int(value))


def item_cells(frame: pd.DataFrame, ins: Instrument, item: str, labels: bool) -> pd.Series:
    """An item column as a CSV export writes it: labels or codes; a choice not ticked blank."""
    values = frame[item]
    kind = ins.kind(item)
    if kind == "text":
        return values.fillna("")
    if kind == "multi_select":
        yes, _ = ins.yes_no(item)
        shown = ins.items.loc[item, "choice_text"] if labels else str(yes)
        return pd.Series(np.where(values.eq(yes), shown, ""), index=frame.index)
    if labels:
        return values.map(ins.codes(item)).fillna("")
    return values.map(as_code)


def metadata(frame: pd.DataFrame, ins: Instrument, labels: bool) -> dict[str, pd.Series]:
    status = {kind: (e["label"] if labels else str(e["code"])) for kind, e in ins.status.items()}
    return {
        "start": frame["_start"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "end": frame["_end"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "status": frame["_status"].map(status),
        "progress": frame["_progress"].astype(str),
        "duration": frame["_duration"].astype(str),
        "finished": frame["_finished"].map(
            {True: "True", False: "False"} if labels else {True: "1", False: "0"}
        ),
        "response_id": frame["_response_id"],
        "respondent": frame["_token"],
    }


def write_qualtrics_csv(frame: pd.DataFrame, ins: Instrument, path: Path) -> None:
    """Three header rows (ids, question text, ImportId JSON), choice labels, BOM, CRLF."""
    meta = metadata(frame, ins, labels=True)
    blocks = {b["id"]: b.get("instruction") for b in ins.doc["blocks"]}
    columns, texts, imports, cells = [], [], [], {}
    for role, values in meta.items():
        columns.append(ins.meta[role]["column"])
        texts.append(ins.meta[role]["text"])
        imports.append(json.dumps({"ImportId": role}))
        cells[ins.meta[role]["column"]] = values
    for item, row in ins.items.iterrows():
        export = row["export_id"]
        columns.append(export)
        text = row["text"]
        if "_" in export and pd.isna(row.get("role")) and blocks.get(row["block"]):
            text = f"{blocks[row['block']]} - {text}"
        texts.append(text)
        imports.append(json.dumps({"ImportId": "QID" + export[1:]}))
        cells[export] = item_cells(frame, ins, item, labels=True)
    body = pd.DataFrame(cells)[columns]
    table = pd.concat([pd.DataFrame([texts, imports], columns=columns), body], ignore_index=True)
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def write_plain_csv(frame: pd.DataFrame, ins: Instrument, path: Path) -> None:
    """One header row (metadata columns, item ids), numeric codes, UTF-8, LF."""
    meta = metadata(frame, ins, labels=False)
    cells = {ins.meta[role]["column"]: values for role, values in meta.items()}
    for item in ins.items.index:
        cells[item] = item_cells(frame, ins, item, labels=False)
    pd.DataFrame(cells).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_spss_sav(frame: pd.DataFrame, ins: Instrument, path: Path, created: pd.Timestamp) -> None:
    """Numeric codes with value labels, 98/99 user-missing; a choice seen but not ticked is
    its no code, one not reached system-missing."""
    name = {role: spss_name(ins.meta[role]["column"]) for role in ins.meta}
    out = pd.DataFrame(
        {
            name["response_id"]: frame["_response_id"],
            name["respondent"]: frame["_token"],
            name["start"]: frame["_start"],
            name["end"]: frame["_end"],
            name["status"]: frame["_status"].map(
                {k: float(e["code"]) for k, e in ins.status.items()}
            ),
            name["progress"]: frame["_progress"].astype(float),
            name["duration"]: frame["_duration"].astype(float),
            name["finished"]: frame["_finished"].astype(float),
        }
    )
    labels = [
        ins.meta[r]["text"]
        for r in (
            "response_id",
            "respondent",
            "start",
            "end",
            "status",
            "progress",
            "duration",
            "finished",
        )
    ]
    value_labels: dict[str, dict[float, str]] = {
        name["status"]: {float(e["code"]): e["label"] for e in ins.status.values()},
        name["finished"]: {1.0: "True", 0.0: "False"},
    }
    missing_ranges: dict[str, list[float]] = {}
    measure: dict[str, str] = {}
    for item, row in ins.items.iterrows():
        labels.append(row["text"])
        kind = ins.kind(item)
        if kind == "text":
            out[item] = frame[item].fillna("").astype(str)
            measure[item] = "nominal"
            continue
        out[item] = frame[item].astype(float)
        value_labels[item] = {float(c): label for c, label in ins.codes(item).items()}
        spec = ins.sets[row["response_set"]]
        if spec.get("missing"):
            missing_ranges[item] = [float(e["code"]) for e in spec["missing"]]
        measure[item] = "ordinal" if kind == "ordinal" else "nominal"
    pyreadstat.write_sav(
        out,
        str(path),
        file_label=ins.doc["study"],
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing_ranges,
        variable_measure=measure,
    )
    stamp = created.strftime("%d %b %y").encode("ascii") + created.strftime("%H:%M:%S").encode()
    with open(path, "r+b") as handle:
        handle.seek(SAV_DATE_OFFSET)
        handle.write(stamp)


# ---- focus groups -----------------------------------------------------------------------------
def krippendorff_binary(a: np.ndarray, b: np.ndarray) -> float:
    """Krippendorff's alpha (nominal) of two coders' presence/absence over every unit."""
    values = np.concatenate([a, b])
    n, ones = values.size, values.sum()
    disagreements = (a != b).sum()
    return float(1 - (n - 1) * disagreements / (ones * (n - ones)))


def focus_groups(
    rng: np.random.Generator,
    ins: Instrument,
    settings: dict,
    codes: list[dict],
    case_effects: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Segments (one per speaker turn) and the two coders' codings; the planted agreement."""
    fg = settings["focus_groups"]
    cases = ins.registries["cases"]
    groups = ins.registries["stakeholder_groups"]["group_id"].to_numpy()
    mix = np.array([settings["group_mix"][g] for g in groups])
    classes = list(dict.fromkeys(ins.registries["services"]["service_class"]))
    barriers = ins.constructs("barrier")
    mean = settings["latent"]["barriers"]["mean"]
    ids = [c["id"] for c in codes]
    segments, truth_codes = [], []
    number = 0
    for s, entry in enumerate(settings["samples"]):
        for c, case_id in enumerate(cases["case_id"]):
            number += 1
            group_id = f"FG{number:02d}"
            klass = classes[(c + s) % len(classes)]
            n_speakers = int(rng.integers(fg["speakers"][0], fg["speakers"][1] + 1))
            speaker_groups = rng.choice(groups, n_speakers, p=mix)
            weights = np.array(
                [
                    np.exp(
                        mean[code["survey_construct"]]
                        + case_effects[c, barriers.index(code["survey_construct"])]
                    )
                    if code["kind"] == "barrier"
                    else 0.8
                    for code in codes
                ]
            )
            for turn in range(1, int(rng.integers(fg["turns"][0], fg["turns"][1] + 1)) + 1):
                speaker = int(rng.integers(n_speakers))
                k = int(rng.choice(len(fg["codes_per_turn"]), p=fg["codes_per_turn"]))
                chosen = list(rng.choice(ids, k, replace=False, p=weights / weights.sum()))
                chosen.sort(key=ids.index)
                text = " ".join(fg["speech"][code] for code in chosen) or str(
                    rng.choice(fg["filler"])
                )
                segments.append(
                    {
                        "segment_id": f"{group_id}-T{turn:03d}",
                        "focus_group": group_id,
                        "case": case_id,
                        "sample": entry["sample"],
                        "service_class": klass,
                        "turn": turn,
                        "speaker": f"P{speaker + 1}",
                        "speaker_group": speaker_groups[speaker],
                        "text": text,
                    }
                )
                truth_codes.append(chosen)
    segments_frame = pd.DataFrame(segments)
    present = np.array([[code in chosen for code in ids] for chosen in truth_codes])
    codings, applied = [], {}
    for coder in fg["coders"]:
        sens = np.full(len(ids), fg["sensitivity"])
        false_positive = np.full(len(ids), fg["false_positive"])
        unreliable = ids.index(fg["unreliable"]["code"])
        sens[unreliable] = fg["unreliable"]["sensitivity"]
        false_positive[unreliable] = fg["unreliable"]["false_positive"]
        u = rng.random(present.shape)
        applied[coder] = np.where(present, u < sens, u < false_positive)
        for row, col in zip(*np.nonzero(applied[coder]), strict=True):
            codings.append((row, col, coder))
    codings.sort()
    codings_frame = pd.DataFrame(
        [(segments_frame.at[row, "segment_id"], coder, ids[col]) for row, col, coder in codings],
        columns=["segment_id", "coder", "code"],
    )
    first, second = (applied[coder] for coder in fg["coders"])
    truth = {
        "focus_groups": int(number),
        "segments": int(len(segments_frame)),
        "codings": int(len(codings_frame)),
        "unreliable_code": fg["unreliable"]["code"],
        "krippendorff_alpha_realised": {
            code: round(krippendorff_binary(first[:, j], second[:, j]), 4)
            for j, code in enumerate(ids)
        },
    }
    return segments_frame, codings_frame, truth


# ---- main -------------------------------------------------------------------------------------
def make(
    settings_path: Path,
    out: Path | None = None,
    truth_path: Path | None = None,
    codebook_path: Path | None = None,
) -> list[Path]:
    """Write the exports and the truth; return the paths written."""
    base = settings_path.resolve().parent
    settings = yaml.safe_load(settings_path.read_text(encoding="utf-8"))
    out = out or base / settings["out"]
    truth_path = truth_path or base / settings["truth"]
    codebook = yaml.safe_load((codebook_path or base / settings["codebook"]).read_text("utf-8"))
    registries = {name: pd.read_csv(base / path) for name, path in settings["registries"].items()}
    ins = Instrument(codebook, registries)
    config = yaml.safe_load((base / "config" / "config.yaml").read_text(encoding="utf-8"))
    fg_codes = yaml.safe_load(
        (base / config["resources"]["focus_group_codebook"]).read_text(encoding="utf-8")
    )["codes"]
    streams = np.random.SeedSequence(settings["seed"]).spawn(len(settings["samples"]) + 3)
    rng_case, rng_fg, rng_pop = (np.random.default_rng(s) for s in streams[:3])
    case_effects = settings["latent"]["barriers"]["case_sd"] * rng_case.standard_normal(
        (len(registries["cases"]), len(ins.constructs("barrier")))
    )
    tokens = [f"K{n:05d}" for n in rng_case.permutation(np.arange(10000, 99999))[:5000]]
    out.mkdir(parents=True, exist_ok=True)
    written, planted = [], {}
    for entry, stream in zip(settings["samples"], streams[3:], strict=True):
        frame, planted[str(entry["sample"])] = sample(
            np.random.default_rng(stream), ins, settings, entry, case_effects, tokens
        )
        path = out / entry["file"]
        if entry["form"] == "qualtrics_csv":
            write_qualtrics_csv(frame, ins, path)
        elif entry["form"] == "plain_csv":
            write_plain_csv(frame, ins, path)
        elif entry["form"] == "spss_sav":
            created = pd.Timestamp(entry["fieldwork_start"]) + pd.Timedelta(weeks=entry["weeks"])
            write_spss_sav(frame, ins, path, created)
        else:
            raise ValueError(f"sample {entry['sample']}: unknown form {entry['form']!r}")
        written.append(path)
    segments, codings, fg_truth = focus_groups(rng_fg, ins, settings, fg_codes, case_effects)
    segments.to_csv(out / "focus_group_segments.csv", index=False, lineterminator="\n")
    codings.to_csv(out / "focus_group_codings.csv", index=False, lineterminator="\n")
    written += [out / "focus_group_segments.csv", out / "focus_group_codings.csv"]
    total = {key: sum(p[key] for p in planted.values()) for key in next(iter(planted.values()))}
    truth = {
        "seed": settings["seed"],
        "quality_problems": {"per_sample": planted, "total": total},
        "latent": settings["latent"],
        "case_effects": {
            case: dict(zip(ins.constructs("barrier"), np.round(row, 4).tolist(), strict=True))
            for case, row in zip(registries["cases"]["case_id"], case_effects, strict=True)
        },
        "population": population(rng_pop, ins, settings, config, case_effects),
        "focus_groups": fg_truth,
    }
    truth_path.write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written.append(truth_path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", type=Path, default=HERE / "make_exports.yaml")
    parser.add_argument("--out", type=Path, help="folder of the exports (default: the settings')")
    parser.add_argument("--truth", type=Path, help="truth file (default: the settings')")
    parser.add_argument("--codebook", type=Path, help="codebook (default: the settings')")
    args = parser.parse_args()
    for path in make(args.settings, args.out, args.truth, args.codebook):
        print(path)


if __name__ == "__main__":
    main()

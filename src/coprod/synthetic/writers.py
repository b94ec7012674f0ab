"""Writing the synthetic study as the survey tool and the coders would deliver it.

Sample by sample as the model's ``samples`` say: a Qualtrics-style CSV (three
header rows, choice labels, UTF-8 with BOM) or an SPSS ``.sav`` (value labels,
user-defined missing values, a fixed creation date so that a seed gives the same
bytes); the focus-group segments and codings as CSV, and the same focus groups as the
coders' QDA software would export them (one REFI-QDA project per coder,
``focus_groups_<coder>.qdpx``, and the mapping file ``focus_group_qda_mapping.yaml``
that reads them back: :mod:`coprod.qda`); and ``truth.json``.

Example
-------
>>> import tempfile
>>> from pathlib import Path
>>> from coprod.synthetic.study import generate
>>> small = {**model, "population_size": 800}
>>> with tempfile.TemporaryDirectory() as out:
...     [path.name for path in write_study(generate(study, small), study, small, Path(out))]
['survey_sample1.csv', 'survey_sample2.sav', 'focus_group_segments.csv',
 'focus_group_codings.csv', 'focus_groups_coder_1.qdpx', 'focus_groups_coder_2.qdpx',
 'focus_group_qda_mapping.yaml', 'truth.json']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import yaml

from coprod.qda.export import code_paths, coder_projects, compose_transcripts
from coprod.raw.formats import spss_name
from coprod.resources import Codebook, Study
from coprod.synthetic.study import SyntheticStudy

# SPSS .sav headers carry the creation date and time; fixed for byte-identical files.
SAV_DATE_OFFSET = (
    92  # rec_type(4) prod_name(60) layout(4) nominal(4) compr(4) weight(4) n(4) bias(8)
)


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
            # selected: the choice text; not selected: blank where the codebook says a
            # blank means that (as Qualtrics writes it), else the not-selected label
            yes, no = response_set.yes_no_codes()
            unselected = "" if response_set.blank == "not_selected" else response_set.values[no]
            out[row["export_id"]] = np.select(
                [responses[item].eq(yes).fillna(False), responses[item].eq(no).fillna(False)],
                [row["choice_text"], unselected],
                "",
            )
        else:
            labels = _labels(codebook, item)
            out[row["export_id"]] = responses[item].map(labels).fillna("")
    header = pd.DataFrame([texts, imports], columns=columns)
    table = pd.concat([header, out[columns]], ignore_index=True)
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _metadata_entries(codebook: Codebook) -> list[dict[str, str]]:
    with open(codebook.path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["metadata"]


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


QDA_MAPPING = "focus_group_qda_mapping.yaml"


def write_qda_projects(
    segments: pd.DataFrame, codings: pd.DataFrame, study: Study, out: Path
) -> list[Path]:
    """The focus groups as each coder's QDA project and the mapping file that reads them.

    A coder's selection of a code is the code's topic where the turn names it (so that
    selections of different codes overlap within a turn, as a coder's would), else the
    whole turn; the import's overlap rule gives back the turn.
    """
    transcripts, turn_of = compose_transcripts(segments)
    by_source = {t.source: t for t in transcripts}
    topic = study.focus_group_codes["label"].str.lower()
    spans = {}
    for segment, code in zip(codings["segment_id"], codings["code"], strict=True):
        source, number = turn_of[segment]
        turn = by_source[source].turns[number - 1]
        found = by_source[source].text.find(topic[code], turn.start, turn.end)
        if found >= 0:
            spans[(segment, code)] = (found, found + len(topic[code]))
    written = []
    for coder, data in coder_projects(
        transcripts, turn_of, codings, study.focus_group_codes, spans
    ).items():
        target = out / f"focus_groups_{coder}.qdpx"
        target.write_bytes(data)
        written.append(target)
    participants = {
        str(fg): dict(zip(rows["speaker"], rows["speaker_group"], strict=True))
        for fg, rows in segments.groupby("focus_group", sort=False)
    }
    mapping = {
        "coders": {str(coder): str(coder) for coder in codings["coder"].unique()},
        "codes": {path: code for code, path in code_paths(study.focus_group_codes).items()},
        "participants": {fg: dict(sorted(p.items())) for fg, p in participants.items()},
    }
    with open(out / QDA_MAPPING, "w", encoding="utf-8") as handle:
        handle.write(
            "# QDA users -> coder ids, QDA codes (path in the codebook) -> focus-group codes,\n"
            "# and each focus group's speakers -> stakeholder groups (docs/qda.md).\n"
        )
        yaml.safe_dump(mapping, handle, sort_keys=False, allow_unicode=True)
    return [*written, out / QDA_MAPPING]


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
    written += write_qda_projects(synthetic.segments, synthetic.codings, study, out)
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

"""The raw-input stage's jobs (see :mod:`coprod.jobs`): the instrument as read, the
personal-data screen, and the survey and focus-group exports ingested.

Every job checks everything before it returns: a failure leaves no output.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import pandas as pd

from coprod.jobs import Inputs, Settings
from coprod.qda.jobs import ingest
from coprod.raw.focus_groups import read_focus_groups
from coprod.raw.screen import check_anonymity
from coprod.raw.survey import read_survey_export, stack_samples
from coprod.resources import Study

__all__ = ["anonymity_screen", "focus_groups", "instrument", "survey", "sample_output"]


def sample_output(sample: Any) -> str:
    """The output name of one sample's ingested export (``sample_1``)."""
    return f"sample_{sample}"


def instrument(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The instrument as the pipeline reads it (loading the study validated it)."""
    return {"instrument": study.codebook.instrument_table()}


def anonymity_screen(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """Screen every text column of the raw files; raise on any hit of personal data."""
    exports = [
        {"path": path, "form": form}
        for path, form in zip(inputs["exports"], settings["forms"], strict=True)
    ]
    files = (inputs.get("segments"), inputs.get("codings"))
    limits = {"kinds": settings["kinds"], "max_listed": settings["max_listed"]}
    screen = check_anonymity(
        exports,
        *files,
        study.codebook,
        projects=inputs.get("projects", ()),
        deny_list=inputs["deny_list"],
        **limits,
    )
    return {"screen": screen}


def survey(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """Every survey export read into the survey frame: per sample, and stacked."""
    warnings.simplefilter("always")  # repeated rows dropped: say so in the log
    frames = {
        path: read_survey_export(path, form, study, sample)
        for path, form, sample in zip(
            inputs["exports"], settings["forms"], settings["samples"], strict=True
        )
    }
    stacked = stack_samples(frames, study.codebook)
    for frame in frames.values():
        frame.attrs = {}
    samples = {
        sample_output(sample): frame
        for sample, frame in zip(settings["samples"], frames.values(), strict=True)
    }
    print(f"{len(stacked)} responses from {len(frames)} exports", file=sys.stderr)
    return {"survey": stacked, **samples}


def focus_groups(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The focus-group segments (without their text) and codings, checked: from the two
    CSV files, or from REFI-QDA projects (:func:`coprod.qda.jobs.ingest`)."""
    if settings.get("form") == "qdpx":
        return ingest(study, inputs, settings)
    segments, codings = read_focus_groups(
        inputs["segments"], inputs["codings"], study, settings["samples"]
    )
    return {"segments": segments, "codings": codings}

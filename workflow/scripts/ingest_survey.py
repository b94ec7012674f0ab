"""Read every survey export into the survey frame; write it per sample and stacked."""

import warnings

from coprod.pipeline import logged
from coprod.raw.survey import read_survey_export, stack_samples
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    warnings.simplefilter("always")  # repeated rows dropped: say so in the log
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    frames = {}
    for path, form, sample in zip(
        snakemake.input.exports, snakemake.params.forms, snakemake.params.samples, strict=True
    ):
        frames[path] = read_survey_export(path, form, study, sample)
    survey = stack_samples(frames, study.codebook)
    # Everything is checked before anything is written: a failure leaves no output.
    for frame, target in zip(frames.values(), snakemake.output.samples, strict=True):
        frame.attrs = {}
        frame.to_parquet(target, index=False)
    survey.to_parquet(snakemake.output.survey, index=False)

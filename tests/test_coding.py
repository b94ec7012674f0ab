"""Yes/no answers are read through the codebook's declarations (``yes:``, ``blank:``),
never an assumed 1 = yes: the same study coded 1/0 and 1 = yes, 2 = no gives the same
scores, the same staff-training effect and, run end to end, the same results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.analyses.catalogue import add_mean_scores, score_catalogue
from coprod.analyses.staff import staff_models
from coprod.clean import ExclusionSettings, apply_exclusions
from coprod.raw.survey import read_survey_export
from coprod.resources import ResponseSet, Study, load_study
from coprod.scoring import score_responses
from coprod.stats.models import ols_standardised
from coprod.synthetic.study import generate
from tests.conftest import REPO, copy_study, output, reduced_study, resource_paths, run
from tests.fixtures.coding import recode_codebook, recode_study
from tests.test_clean import ingest_frame

NO_CODE = 2  # the recoded study: 1 = yes, 2 = no

# What a run writes that holds the exports' own codes (ingest and clean keep them, see
# coprod.scoring), or the codebook's codes (the instrument table). Nothing else may differ.
RAW_CODE_FILES = {
    "results/ingest/survey.parquet",
    "results/ingest/survey_sample1.parquet",
    "results/ingest/survey_sample2.parquet",
    "results/clean/survey_clean.parquet",
    "results/resources/instrument.csv",
    "results/provenance/inputs.csv",  # the checksums of the recoded raw files and codebook
    "results/REPLICATION.md",  # the same checksums, and this run's times
    "results/report/paper.html",  # the report's page that shows REPLICATION.md
}


@pytest.fixture(scope="module")
def recoded_study(tmp_path_factory) -> Study:
    """The study with every yes/no response set coded 1 = yes, 2 = no."""
    folder = copy_study(tmp_path_factory.mktemp("recoded"))
    recode_codebook(folder / "resources" / "codebook.yaml", NO_CODE)
    return load_study(resource_paths(folder))


def _clean(study: Study, model: dict) -> pd.DataFrame:
    responses = generate(study, {**model, "population_size": 1000}).responses
    return apply_exclusions(
        ingest_frame(responses, study), study, ExclusionSettings.from_config({})
    ).clean


@pytest.fixture(scope="module")
def both_clean(study, recoded_study, model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clean responses of the bundled study, drawn with each coding."""
    return _clean(study, model), _clean(recoded_study, model)


def test_response_set_translates_declared_codes():
    coded = ResponseSet(
        "yn", "binary", {1: "Yes", 2: "No"}, {8: ("Don't know", "dont_know")}, yes=1
    )
    assert coded.no == 2
    assert coded.score_values() == {1: 1.0, 2: 0.0}
    assert coded.score_values(reverse=True) == {1: 0.0, 2: 1.0}
    assert coded.codes_of(np.array([1.0, 0.0, np.nan])).tolist()[:2] == [1.0, 2.0]
    upside_down = ResponseSet("yn", "binary", {0: "No", 1: "Yes"}, yes=0)  # 0 = "yes"
    assert upside_down.score_values() == {0: 1.0, 1: 0.0}
    with pytest.raises(ValueError, match="yes/no answers must be 1, 0 or NaN; got 2.0"):
        coded.codes_of(np.array([2.0]))


def test_generator_writes_the_declared_codes(both_clean, study):
    ones, twos = both_clean
    yes_no = [item for item in ones.columns if _is_yes_no(study, item)]
    assert yes_no  # risks experienced, strategies used, training received
    for item in yes_no:
        assert set(ones[item].dropna()) <= {0, 1, 8}, item
        assert set(twos[item].dropna()) <= {1, 2, 8}, item
        assert ones[item].replace(0, NO_CODE).equals(twos[item]), item
    others = [c for c in ones.columns if c not in yes_no]
    pd.testing.assert_frame_equal(ones[others], twos[others])


def _is_yes_no(study: Study, item: str) -> bool:
    """Whether a column of a survey frame is a yes/no item."""
    items = study.codebook.items
    return (
        item in items.index
        and study.codebook.response_sets[items.loc[item, "response_set"]].is_yes_no
    )


def test_scores_do_not_depend_on_the_coding(both_clean, study, recoded_study):
    ones, twos = both_clean
    first = score_responses(ones, study, min_share_answered=0.67)
    second = score_responses(twos, recoded_study, min_share_answered=0.67)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.items, second.items)
    training = first.scores["training_received"]
    assert set(training.dropna()) == {0.0, 1.0}
    assert training.sum() == (ones["TR_received"] == 1).sum()


def _training_effect(scores: pd.DataFrame, study: Study, staff: dict, derived: dict) -> float:
    data, catalogue = add_mean_scores(scores, score_catalogue(study.codebook), derived)
    table = staff_models(
        data,
        catalogue,
        outcomes=["barrier_overcome_mean"],
        predictors=staff["predictors"],
        covariates=staff["covariates"],
        fixed_effects=staff["fixed_effects"],
        family="s",
        covariate_family="c",
        partial_family="p",
    )
    ols = table[table["analysis"] == "standardised_ols"].set_index("term")
    return float(ols.loc["training_received", "estimate"])


def test_staff_training_effect_keeps_its_sign_under_1_2_coding(
    both_clean, study, recoded_study, config, truth
):
    staff, derived = config["compare"]["staff"], config["compare"]["derived"]
    ones, twos = both_clean
    effect = {
        coding: _training_effect(
            score_responses(clean, resources, min_share_answered=0.67).scores,
            resources,
            staff,
            derived,
        )
        for coding, clean, resources in (("1/0", ones, study), ("1/2", twos, recoded_study))
    }
    planted = truth["population"]["staff_model"]["betas"]["barrier_overcome_mean"]
    assert planted["training_received"] == pytest.approx(0.4021)
    assert effect["1/2"] == effect["1/0"]
    assert effect["1/0"] == pytest.approx(planted["training_received"], abs=0.1)
    # What the issue warned of: the raw codes 1/2 as the predictor flip the effect's sign.
    scores = score_responses(twos, recoded_study, min_share_answered=0.67).scores
    raw = scores.assign(training_received=twos["TR_received"].where(lambda c: c != 8))
    data, _ = add_mean_scores(raw, score_catalogue(recoded_study.codebook), derived)
    model = ols_standardised(
        data,
        "barrier_overcome_mean",
        [*staff["predictors"], *staff["covariates"]],
        fixed_effects=staff["fixed_effects"],
    )
    naive = float(model.set_index("term").loc["training_received", "estimate"])
    assert naive == pytest.approx(-effect["1/0"])


def test_multi_select_blank_declared_missing_stays_missing(study_copy):
    path = study_copy / "resources" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    blank: not_selected\n"
    assert old in text
    path.write_text(text.replace(old, "    blank: missing\n"), encoding="utf-8")
    declared = load_study(resource_paths(study_copy))
    export = study_copy / "resources" / "raw" / "survey_sample1.csv"
    missing = read_survey_export(export, "qualtrics_csv", declared, sample=1)
    bundled = read_survey_export(export, "qualtrics_csv", load_study(resource_paths()), 1)
    item = "S1_used"
    assert bundled[item].value_counts(dropna=False).to_dict() == {1: 222, 0: 184, pd.NA: 20}
    assert missing[item].value_counts(dropna=False).to_dict() == {1: 222, pd.NA: 204}


@pytest.mark.workflow
def test_study_coded_1_2_gives_the_results_of_the_study_coded_1_0(study_run, tmp_path):
    recoded = reduced_study(tmp_path / "recoded")
    changed = recode_study(recoded, NO_CODE)
    assert {path: len(columns) for path, columns in changed.items()} == {
        "resources/raw/survey_sample1.csv": 21,
        "resources/raw/survey_sample2.sav": 21,
    }
    result = run(recoded)
    assert result.returncode == 0, output(result)
    written = sorted(
        path.relative_to(study_run).as_posix()
        for path in (study_run / "results").rglob("*")
        if path.is_file() and "logs" not in path.relative_to(study_run).parts
    )
    assert (
        sorted(
            path.relative_to(recoded).as_posix()
            for path in (recoded / "results").rglob("*")
            if path.is_file() and "logs" not in path.relative_to(recoded).parts
        )
        == written
    )
    differ = {
        name for name in written if (study_run / name).read_bytes() != (recoded / name).read_bytes()
    }
    assert differ == RAW_CODE_FILES
    compared = [name for name in written if name not in RAW_CODE_FILES]
    for part in ("results/exhibits/tables/", "results/compare/", "results/scoring/"):
        assert any(name.startswith(part) for name in compared), part
    assert "results/exhibits/numbers.json" in compared
    assert any(name.startswith("results/figure_data/") for name in compared)
    # the recoded exports really hold 1 = yes, 2 = no
    survey = pd.read_parquet(recoded / "results" / "ingest" / "survey.parquet")
    assert set(survey["TR_received"].dropna()) == {1, 2}
    assert set(survey["S1_used"].dropna()) == {1, 2}


def test_recoded_exports_read_back_with_the_declared_codes(study, tmp_path):
    folder = copy_study(tmp_path / "study")
    recode_study(folder, NO_CODE)
    recoded = load_study(resource_paths(folder))
    exports = (("survey_sample1.csv", "qualtrics_csv", 1), ("survey_sample2.sav", "spss_sav", 2))
    for name, form, sample in exports:
        before = read_survey_export(REPO / "resources" / "raw" / name, form, study, sample)
        after = read_survey_export(folder / "resources" / "raw" / name, form, recoded, sample)
        yes_no = [item for item in before.columns if _is_yes_no(study, item)]
        assert len(yes_no) == 21
        pd.testing.assert_frame_equal(before[yes_no].replace(0, NO_CODE), after[yes_no])
        others = [c for c in before.columns if c not in yes_no]
        pd.testing.assert_frame_equal(before[others], after[others])

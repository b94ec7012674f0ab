"""Small-cell disclosure control (coprod.exhibits.protection): primary, secondary, zeros."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod.exhibits.protection import (
    Protector,
    SmallCellError,
    check_no_small_counts,
    find_small_counts,
    protect_groups,
    protect_pairs,
    suppress_small_cells,
)
from tests.conftest import REPO

NA = pd.NA


def states(result, column) -> list[str]:
    return result.mask[column].astype(str).tolist()


def test_configured_minimum_cell_size_is_five():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert config["disclosure"]["min_cell"] == 5


# --------------------------------------------------------------------------- primary


def test_primary_suppression_masks_counts_under_the_minimum_only():
    table = pd.DataFrame({"n": [0, 1, 4, 5, 20]})
    result = suppress_small_cells(table, ["n"], min_cell=5, secondary="none")
    assert result.table["n"].tolist() == [0, NA, NA, 5, 20]
    assert states(result, "n") == ["visible", "primary", "primary", "visible", "visible"]
    assert result.table["n"].dtype == "Int64"
    assert result.n_primary == 2 and result.n_secondary == 0


def test_derived_columns_are_masked_with_their_count():
    table = pd.DataFrame(
        {
            "n": [3, 12, 30],
            "mean": [2.5, 3.1, 3.4],
            "pct": [33.3, 50.0, 60.0],
            "label": ["a", "b", "c"],
        }
    )
    result = suppress_small_cells(table, ["n"], derived={"n": ["mean", "pct"]})
    # One count column: no row total to protect; the column total is, so 12 goes too.
    assert result.table["n"].tolist() == [NA, NA, 30]
    assert result.table["mean"].tolist() == [NA, NA, 3.4]
    assert result.table["pct"].tolist() == [NA, NA, 60.0]
    assert states(result, "mean") == ["primary", "secondary", "visible"]
    assert result.table["label"].tolist() == ["a", "b", "c"]
    assert list(result.mask.columns) == ["n", "mean", "pct"]


def test_derived_text_and_integer_columns_are_masked_too():
    table = pd.DataFrame({"n": [2, 40], "cell": ["2 (40%)", "40 (60%)"], "k": [1, 7]})
    result = suppress_small_cells(table, ["n"], derived={"n": ["cell", "k"]}, secondary="none")
    assert result.table["cell"].isna().tolist() == [True, False]
    assert result.table["k"].tolist() == [NA, 7]


# --------------------------------------------------------------------------- secondary


def test_secondary_in_a_row():
    table = pd.DataFrame({"a": [3], "b": [10], "c": [20]})
    result = suppress_small_cells(table, ["a", "b", "c"], secondary="rows")
    assert result.mask.loc[0].tolist() == ["primary", "secondary", "visible"]
    assert result.table.loc[0].tolist() == [NA, NA, 20]


def test_secondary_in_a_column():
    table = pd.DataFrame({"n": [3, 10, 20]})
    result = suppress_small_cells(table, ["n"], secondary="columns")
    assert states(result, "n") == ["primary", "secondary", "visible"]


def test_secondary_rows_and_columns_complete_a_rectangle():
    table = pd.DataFrame({"a": [3, 10, 12], "b": [20, 11, 9]}, index=["x", "y", "z"])
    result = suppress_small_cells(table, ["a", "b"])
    # x.a is small; x.b protects row x; y.a protects column a; y.b closes row y and
    # column b at once, so row z stays visible.
    assert result.mask.loc["x"].tolist() == ["primary", "secondary"]
    assert result.mask.loc["y"].tolist() == ["secondary", "secondary"]
    assert result.mask.loc["z"].tolist() == ["visible", "visible"]
    assert result.n_secondary == 3


def test_secondary_iterates_until_stable():
    # Two small cells in different rows and columns of a 4x4 table.
    table = pd.DataFrame(
        [[2, 30, 40, 50], [60, 70, 80, 90], [15, 16, 3, 18], [25, 26, 27, 28]],
        columns=list("abcd"),
    )
    result = suppress_small_cells(table, list("abcd"))
    masked = result.suppressed.to_numpy()
    assert masked.sum(axis=1).tolist().count(1) == 0
    assert masked.sum(axis=0).tolist().count(1) == 0
    assert result.n_primary == 2
    # Applying the rule once more changes nothing.
    again = suppress_small_cells(result.table, list("abcd"))
    pd.testing.assert_frame_equal(again.table, result.table)


def test_secondary_prefers_the_smallest_positive_cell_over_zeros():
    table = pd.DataFrame({"a": [3], "b": [0], "c": [9], "d": [7]})
    result = suppress_small_cells(table, list("abcd"), secondary="rows")
    assert result.mask.loc[0].tolist() == ["primary", "visible", "visible", "secondary"]


def test_secondary_masks_a_zero_when_nothing_else_is_left():
    table = pd.DataFrame({"a": [3], "b": [0], "c": [0]})
    result = suppress_small_cells(table, list("abc"), secondary="rows")
    assert result.mask.loc[0].tolist() == ["primary", "secondary", "visible"]


def test_single_cell_lines_need_no_partner():
    result = suppress_small_cells(pd.DataFrame({"n": [3]}), ["n"])
    assert states(result, "n") == ["primary"]


def test_by_groups_are_protected_separately():
    table = pd.DataFrame(
        {
            "barrier": ["b1"] * 3 + ["b2"] * 3,
            "case": ["x", "y", "z"] * 2,
            "n": [3, 10, 12, 20, 30, 40],
        }
    )
    result = suppress_small_cells(table, ["n"], by=["barrier"])
    assert states(result, "n") == ["primary", "secondary"] + ["visible"] * 4
    pooled = suppress_small_cells(table, ["n"])
    assert states(pooled, "n") == states(result, "n")  # same here: 10 is the smallest
    table.loc[3, "n"] = 8  # now the smallest positive overall is in the other group
    assert states(suppress_small_cells(table, ["n"]), "n")[3] == "secondary"
    assert states(suppress_small_cells(table, ["n"], by=["barrier"]), "n")[3] == "visible"


def test_secondary_none_does_only_primary():
    table = pd.DataFrame({"a": [3, 10], "b": [10, 10]})
    result = suppress_small_cells(table, ["a", "b"], secondary="none")
    assert result.n_secondary == 0 and result.n_primary == 1


# --------------------------------------------------------------------------- zeros, NA, idempotence


def test_zero_cells_are_not_suppressed_or_reported():
    table = pd.DataFrame({"a": [0, 0, 10], "b": [0, 12, 0]})
    result = suppress_small_cells(table, ["a", "b"])
    assert not result.suppressed.to_numpy().any()
    assert find_small_counts(table, ["a", "b"], 5).empty


def test_missing_input_counts_are_taken_as_suppressed():
    table = pd.DataFrame({"a": pd.array([NA, 10, 11], dtype="Int64"), "b": [9, 8, 20]})
    result = suppress_small_cells(table, ["a", "b"])
    assert result.mask.loc[0, "a"] == "primary"
    masked = result.suppressed.to_numpy()
    assert 1 not in masked.sum(axis=0) and 1 not in masked.sum(axis=1)


def test_idempotent():
    rng = np.random.default_rng(7)
    table = pd.DataFrame(rng.integers(0, 12, size=(6, 5)), columns=list("abcde"))
    table["mean"] = rng.random(6)
    once = suppress_small_cells(table, list("abcde"), derived={"a": ["mean"]})
    twice = suppress_small_cells(once.table, list("abcde"), derived={"a": ["mean"]})
    pd.testing.assert_frame_equal(twice.table, once.table)
    assert twice.suppressed.equals(once.suppressed)


def test_input_is_not_modified():
    table = pd.DataFrame({"a": [3, 10], "b": [10, 10]})
    copy = table.copy()
    suppress_small_cells(table, ["a", "b"])
    pd.testing.assert_frame_equal(table, copy)


# --------------------------------------------------------------------------- scan


def test_find_small_counts_reports_every_small_cell():
    table = pd.DataFrame(
        {"a": pd.array([0, 3, NA, 10], dtype="Int64"), "b": [4, 5, 6, 1], "mean": [1.0] * 4},
        index=["w", "x", "y", "z"],
    )
    found = find_small_counts(table, ["a", "b"], 5)
    assert found.to_dict("records") == [
        {"row": "w", "column": "b", "count": 4},
        {"row": "x", "column": "a", "count": 3},
        {"row": "z", "column": "b", "count": 1},
    ]
    assert find_small_counts(table, ["a", "b"], 1).empty
    with pytest.raises(SmallCellError, match=r"flow.csv: 3 count\(s\) under .* 5"):
        check_no_small_counts(table, ["a", "b"], 5, name="flow.csv")
    suppressed = suppress_small_cells(table, ["a", "b"])
    check_no_small_counts(suppressed.table, ["a", "b"], 5, name="flow.csv")


@pytest.mark.parametrize(
    ("table", "columns", "message"),
    [
        (pd.DataFrame({"n": [-1]}), ["n"], "whole numbers >= 0"),
        (pd.DataFrame({"n": [1.5]}), ["n"], "whole numbers >= 0"),
        (pd.DataFrame({"n": ["a"]}), ["n"], "must hold numbers"),
        (pd.DataFrame({"n": [1]}), ["m"], "not columns of the table"),
        (pd.DataFrame({"n": [1]}), ["n", "n"], "twice"),
    ],
)
def test_bad_input(table, columns, message):
    with pytest.raises(ValueError, match=message):
        suppress_small_cells(table, columns)


def test_bad_settings():
    table = pd.DataFrame({"n": [1], "m": [2.0]})
    with pytest.raises(ValueError, match="min_cell"):
        suppress_small_cells(table, ["n"], min_cell=0)
    with pytest.raises(ValueError, match="secondary"):
        suppress_small_cells(table, ["n"], secondary="diagonal")
    with pytest.raises(ValueError, match="not count columns"):
        suppress_small_cells(table, ["n"], derived={"m": ["n"]})
    with pytest.raises(ValueError, match="both counts and derived"):
        suppress_small_cells(table.assign(k=1), ["n", "k"], derived={"n": ["k"]})


# --------------------------------------------------------------------------- property


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    cells = st.one_of(st.just(0), st.integers(1, 6), st.integers(5, 60))
    values = draw(
        st.lists(
            st.lists(cells, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
    return pd.DataFrame(values, columns=[f"c{j}" for j in range(n_cols)])


@settings(max_examples=200, deadline=None)
@given(table=count_tables(), min_cell=st.integers(1, 6))
def test_property_no_line_has_exactly_one_masked_cell(table, min_cell):
    columns = list(table.columns)
    result = suppress_small_cells(table, columns, min_cell=min_cell)
    masked = result.suppressed[columns].to_numpy()
    values = table.to_numpy()
    # Every small count is masked, and only those are primary.
    small = (values > 0) & (values < min_cell)
    assert (masked[small]).all()
    assert ((result.mask[columns] == "primary").to_numpy() == small).all()
    # A visible cell keeps its value; no visible count is small.
    shown = result.table[columns].to_numpy(dtype=float, na_value=np.nan)
    assert (shown[~masked] == values[~masked]).all()
    assert find_small_counts(result.table, columns, min_cell).empty
    # With a visible total, no row or column may hold exactly one masked cell.
    if len(columns) > 1:
        assert not (masked.sum(axis=1) == 1).any()
    if len(table) > 1:
        assert not (masked.sum(axis=0) == 1).any()
    # Idempotent.
    again = suppress_small_cells(result.table, columns, min_cell=min_cell)
    pd.testing.assert_frame_equal(again.table, result.table)


def test_the_test_of_a_pair_with_a_masked_level_is_masked_too():
    # One block: four levels' counts and a visible total; then the six pairs' tests.
    levels = ["A", "B", "C", "D"]
    counts = {"A": 3, "B": 20, "C": 25, "D": 30}
    first = {f"{g}: n": n for g, n in counts.items()} | {"All: n": 78}
    pairs = [(x, y) for i, x in enumerate(levels) for y in levels[i + 1 :]]
    rows = [first] + [{"Statistic": 10.0 + k, "Effect": 0.1, "p": 0.5} for k in range(6)]
    protector = Protector(pd.DataFrame(rows), 5)
    protect_groups(protector, [0], levels, "All", n=lambda g: f"{g}: n", n_derived=lambda g: [])
    assert protector.masked.loc[0, ["A: n", "B: n"]].tolist() == [True, True]  # 3, and 20

    masked = protect_pairs(
        protector,
        [(row, 0, pair) for row, pair in enumerate(pairs, start=1)],
        lambda g: [f"{g}: n"],
        ["Statistic", "Effect", "p"],
    )

    assert masked
    shown = [pair for row, pair in enumerate(pairs, start=1) if not protector.masked.loc[row, "p"]]
    assert shown == [("C", "D")]  # U and r of A vs C give 3 back: 2U / (1 + r) = 3 x 25
    hidden = protector.table.loc[1:5, ["Statistic", "Effect", "p"]]
    assert hidden.isna().all().all()
    assert protector.table.loc[6, "Statistic"] == 15.0
    assert not protect_pairs(protector, [(6, 0, ("C", "D"))], lambda g: [f"{g}: n"], ["p"])

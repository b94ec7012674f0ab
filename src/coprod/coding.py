"""Focus-group coding: who applied which code to which turn, and the consensus codes.

The coding of a focus group arrives as one row per code applied (segment, coder,
code). Every segment is coded by every coder, so a code a coder did not apply
to a segment is absent (0), not missing.

Example
-------
>>> import pandas as pd
>>> segments = pd.DataFrame({"segment_id": ["T1", "T2", "T3"]})
>>> codings = pd.DataFrame({"segment_id": ["T1", "T1", "T2"],
...                         "coder": ["a", "b", "a"], "code": ["trust"] * 3})
>>> presence = presence_matrix(segments, codings, codes=["trust"], coders=["a", "b"])
>>> presence["trust"].to_numpy().tolist()
[[1, 1], [1, 0], [0, 0]]
>>> consensus_codes(presence)["trust"].tolist()
[1, 0, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from coprod.errors import StudyInputError

CONSENSUS_RULES = ("all_coders", "any_coder")


def presence_matrix(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str],
) -> pd.DataFrame:
    """0/1 presence of every code for every segment and coder.

    Returns a frame indexed by ``segment_id`` (in ``segments`` order) with columns
    ``(code, coder)`` for every code and coder, including codes nobody applied.
    """
    applied = codings.assign(present=1).pivot_table(
        index="segment_id", columns=["code", "coder"], values="present", aggfunc="max"
    )
    columns = pd.MultiIndex.from_product([list(codes), list(coders)], names=["code", "coder"])
    presence = applied.reindex(index=segments["segment_id"], columns=columns).fillna(0)
    return presence.astype("int64")


def consensus_codes(
    presence: pd.DataFrame,
    *,
    rule: str = "all_coders",
    adjudication: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The codes the later analysis counts, one 0/1 column per code.

    Parameters
    ----------
    presence : DataFrame
        From :func:`presence_matrix`.
    rule : {"all_coders", "any_coder"}
        A code counts where every coder applied it (the study's rule), or where any did.
    adjudication : DataFrame, optional
        Decisions on disagreements: columns ``segment_id``, ``code``, ``present`` (0/1).
        Where a decision exists it replaces the rule's result for that segment and code.
    """
    if rule not in CONSENSUS_RULES:
        raise ValueError(
            f"consensus rule must be one of {', '.join(CONSENSUS_RULES)}; got {rule!r}"
        )
    grouped = presence.T.groupby(level="code", sort=False)
    agreed = grouped.min() if rule == "all_coders" else grouped.max()
    consensus = agreed.T.astype("int64")
    if adjudication is not None and len(adjudication):
        for row in adjudication.itertuples(index=False):
            consensus.loc[row.segment_id, row.code] = int(row.present)
    return consensus


def read_adjudication(path: str, segments: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Read and check an adjudication file (segment_id, code, present)."""
    table = pd.read_csv(path, dtype={"segment_id": str, "code": str})
    missing = {"segment_id", "code", "present"} - set(table.columns)
    if missing:
        raise StudyInputError(
            path,
            f"missing column(s) {', '.join(sorted(missing))}; an adjudication file has "
            "segment_id, code and present (1 = the code applies, 0 = it does not).",
        )
    known_segments = set(segments["segment_id"])
    for index, row in enumerate(table.itertuples(index=False)):
        checks = {
            "segment_id": (
                row.segment_id in known_segments,
                f"segment '{row.segment_id}' is not a segment of the focus groups.",
            ),
            "code": (row.code in codes, f"code '{row.code}' is not in the focus-group codebook."),
            "present": (row.present in (0, 1), f"found {row.present!r}; present must be 1 or 0."),
        }
        for column, (ok, problem) in checks.items():
            if not ok:
                raise StudyInputError(path, problem, row=index + 2, column=column)
    return table

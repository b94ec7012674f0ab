"""Load the published reference statistics that the tests compare the project with.

The file ``published_statistics.json`` is kept in the repository, in
``tests/data/reference/`` with a README that names the sources of its values. Set the
environment variable ``COPROD_REFERENCE`` to the file, or to the folder holding it, to
use another copy. A missing file raises FileNotFoundError: tests that need it fail, they
are never skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILE_NAME = "published_statistics.json"
ENV_VAR = "COPROD_REFERENCE"


def reference_path() -> Path:
    """Where the reference file is expected."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        return path / FILE_NAME if path.is_dir() else path
    return Path(__file__).resolve().parent / "data" / "reference" / FILE_NAME


def vendored(*parts: str) -> Path:
    """A file of reference outputs kept beside the published values (``tests/data/reference/
    <parts>``), e.g. R's output on the bundled study; each folder's README names its source,
    the R version and the script that made it."""
    path = Path(__file__).resolve().parent.joinpath("data", "reference", *parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"reference output not found at {path}: restore it from git (tests compare with "
            "it and cannot run without it)"
        )
    return path


def reference_cases(*statistics: str) -> list[dict[str, Any]]:
    """All reference cases, or only those whose ``statistic`` is one of ``statistics``."""
    path = reference_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"published reference file not found at {path}. Tests compare results with "
            f"published values and cannot run without it: restore tests/data/reference/"
            f"{FILE_NAME} from git, or set {ENV_VAR} to the file or its folder."
        )
    cases = json.loads(path.read_text(encoding="utf-8"))
    return [case for case in cases if not statistics or case["statistic"] in statistics]


def load_reference(name: str) -> dict[str, Any]:
    """The reference case called ``name``: its data, options, expected values and tolerances."""
    cases = {case["name"]: case for case in reference_cases()}
    if name not in cases:
        raise KeyError(f"no reference case {name!r} in {reference_path()}; has {sorted(cases)}")
    return cases[name]


def assert_matches(case: dict[str, Any], computed: dict[str, Any], skipped: Any = ()) -> None:
    """Every expected key of a reference case is computed within its tolerance, or listed
    in ``skipped`` (deliberately not computed, with the reason where the caller keeps it)."""
    import numpy as np

    unaccounted = set(case["expected"]) - set(computed) - set(skipped)
    assert not unaccounted, (
        f"{case['name']}: expected keys neither computed nor listed as not computed: "
        f"{sorted(unaccounted)} (computed {sorted(computed)})"
    )
    for key, value in computed.items():
        np.testing.assert_allclose(
            value,
            case["expected"][key],
            rtol=0,
            atol=case["tolerance"][key],
            err_msg=f"{case['name']}: {key}",
        )

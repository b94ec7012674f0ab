"""The generative model file: reading it, checking its structure, and its shifts.

The model file (``resources/synthetic/model.yaml``; ``synthetic.model`` in the
config) holds the numbers of the model under ``latent``, ``loadings``,
``quality``, ``focus_groups`` and the design keys, and under ``structure`` which
of the codebook's constructs the generator draws in which part of the model: the
staff constructs (a yes/no one, a correlated factor, independent ones), which
parameter of ``latent.staff`` belongs to which, and the score of perceived
success. The outcome equations (``latent.overcome``, ``latent.success``,
``latent.risks.managed``) take as predictors the staff constructs they name, in
the order they name them.

Example
-------
>>> staff = staff_structure(model)
>>> [how["draw"] for how in staff.values()]
['binary', 'factor', 'factor', 'normal']
>>> staff_structure({"latent": {}})
Traceback (most recent call last):
...
coprod.errors.StudyInputError: the synthetic model (...): missing key 'structure'; ...
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from coprod.errors import StudyInputError
from coprod.resources import Study

DRAWS = ("binary", "factor", "normal")
"""How a staff construct is drawn (``structure.staff.<construct>.draw``)."""
_UNNAMED = "the synthetic model (synthetic.model in the config)"
_FIX = (
    "Add it as resources/synthetic/model.yaml does: `structure:` names the constructs the "
    "generator draws and the keys of latent.staff that hold their parameters."
)


def load_model(path: str | Path) -> dict[str, Any]:
    """Read the model file and check its ``structure`` (errors name the file and key)."""
    with open(path, encoding="utf-8") as handle:
        model = yaml.safe_load(handle)
    staff_structure(model, path)
    return model


def _missing(where: str | Path, key: str, named_by: str = "") -> StudyInputError:
    named = f" (named by {named_by})" if named_by else ""
    return StudyInputError(where, f"missing key '{key}'{named};", fix=_FIX)


def staff_structure(
    model: Mapping[str, Any], path: str | Path | None = None
) -> dict[str, dict[str, Any]]:
    """``structure.staff`` of the model, checked: construct -> how it is drawn.

    Each entry has ``draw`` (one of :data:`DRAWS`); a ``binary`` one names its
    ``rate`` and ``received`` score; any may name ``case_attribute`` and
    ``effect_of`` (binary construct -> key); every key named must exist under
    ``latent.staff``. ``path`` names the model file in errors.
    """
    where = path or _UNNAMED
    structure = model.get("structure")
    if not isinstance(structure, Mapping):
        raise _missing(where, "structure")
    for key in ("staff", "success"):
        if key not in structure:
            raise _missing(where, f"structure.{key}")
    staff = structure["staff"]
    parameters = model["latent"]["staff"]
    for construct, how in staff.items():
        key = f"structure.staff.{construct}"
        if how.get("draw") not in DRAWS:
            raise StudyInputError(
                where,
                f"{key}.draw is {how.get('draw')!r}; expected one of {', '.join(DRAWS)}.",
            )
        required = ("rate", "received") if how["draw"] == "binary" else ()
        for name in required:
            if name not in how:
                raise _missing(where, f"{key}.{name}")
        named = [how[name] for name in ("rate", "case_attribute") if name in how]
        named += list((how.get("effect_of") or {}).values())
        if how["draw"] == "factor":
            if "factor_correlation" not in structure:
                raise _missing(where, "structure.factor_correlation")
            named.append(structure["factor_correlation"])
        for name in named:
            if name not in parameters:
                raise _missing(where, f"latent.staff.{name}", named_by=key)
    return dict(staff)


def shift(table: dict[str, dict[str, float]], keys: pd.Series, names: list[str]) -> np.ndarray:
    """Sum of per-key shifts: ``table[key][name]`` for each row's key, as an (n, names) array."""
    out = np.zeros((len(keys), len(names)))
    for key, shifts in (table or {}).items():
        rows = (keys.astype(str) == str(key)).to_numpy()
        for j, name in enumerate(names):
            out[rows, j] += shifts.get(name, 0.0)
    return out


def case_attribute_shift(
    spec: dict[str, dict[str, Any]], design: pd.DataFrame, study: Study, names: list[str] | None
) -> np.ndarray:
    """Shifts by a case attribute (a column of the case registry): (n, names), or (n,)."""
    width = 1 if names is None else len(names)
    out = np.zeros((len(design), width))
    for attribute, by_value in (spec or {}).items():
        values = design["case"].map(study.cases[attribute])
        if names is None:
            out[:, 0] += values.map({k: float(v) for k, v in by_value.items()}).fillna(0.0)
        else:
            out += shift(by_value, values, names)
    return out if names is not None else out[:, 0]

"""The conditions of the validation study: the generative model with its effects scaled,
and the replicates of each, with their seeds and batches.

Each condition is the bundled generative model (:mod:`coprod.synthetic`) with its
effects scaled by an ``effect_scale`` (:func:`scale_effects`): 0 gives the *null*
(every planted shift, slope and log-odds effect under the model's ``latent`` section
is zero, while the baselines named in ``baseline`` - rates, intercepts, correlations,
cut-offs - stay), 1 the model as planted. Which parameters are baselines comes from
config; nothing here names a construct.

Example
-------
>>> null = scale_effects(model, 0.0, baseline=["barrier_correlation"])
>>> null["latent"]["barrier_correlation"], null["latent"]["success"]["staff_skills"]
(0.3, 0.0)
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import yaml

from coprod.resources import Study

__all__ = [
    "batches",
    "condition_model",
    "population_model",
    "read_condition_model",
    "replicate_model",
    "replicate_seed",
    "scale_effects",
]


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def scale_effects(
    model: Mapping[str, Any],
    factor: float,
    *,
    baseline: Sequence[str] = (),
    root: str = "latent",
) -> dict[str, Any]:
    """A copy of the model with every effect under ``root`` multiplied by ``factor``.

    Walks ``model[root]`` and multiplies each numeric leaf by ``factor`` unless its
    path (dotted, relative to ``root``) is, or lies under, one of ``baseline``.
    ``factor`` 0 gives the null model: every shift, slope and log-odds effect of the
    generator is zero, while baselines (rates, intercepts, correlations, cut-offs)
    are kept. The structure is kept, so every effect the model names stays named
    (with value 0) and the population machinery still computes its estimand.

    Parameters
    ----------
    model : mapping
        The generative model (``resources/synthetic/model.yaml``).
    factor : float
        The effect scale (0: null; 1: as planted).
    baseline : sequence of str
        Paths under ``root`` left unscaled, e.g. ``"risks.rate"``.
    root : str
        The model section that holds the effects.

    Returns
    -------
    dict
        A deep copy; ``model`` is not changed.

    Raises
    ------
    ValueError
        ``root`` or a baseline path that the model does not have.

    Examples
    --------
    >>> model = {"latent": {"rate": 0.3, "effects": {"a": {"x": 0.5, "y": -0.2}}}}
    >>> scale_effects(model, 0.0, baseline=["rate"])["latent"]
    {'rate': 0.3, 'effects': {'a': {'x': 0.0, 'y': 0.0}}}
    """
    if root not in model:
        raise ValueError(f"the model has no section {root!r} to scale the effects of")
    out = copy.deepcopy(dict(model))
    keep = set(baseline)
    seen: set[str] = set()

    def walk(node: Any, path: str) -> Any:
        if path in keep:
            seen.add(path)
            return node
        if isinstance(node, Mapping):
            return {
                key: walk(value, f"{path}.{key}" if path else str(key))
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(value, f"{path}.{i}") for i, value in enumerate(node)]
        if _is_number(node):
            return float(node) * float(factor) + 0.0  # + 0.0: no negative zeros
        return node

    out[root] = walk(out[root], "")
    missing = sorted(keep - seen)
    if missing:
        raise ValueError(
            f"baseline path(s) {missing} are not in the model's {root!r} section; "
            "check validation.baseline in the config against the model file"
        )
    return out


def condition_model(
    model: Mapping[str, Any],
    *,
    effect_scale: float,
    respondents_per_case_sample: int | None = None,
    baseline: Sequence[str] = (),
) -> dict[str, Any]:
    """The model of one condition: effects scaled, sample size per case and sample set.

    Parameters
    ----------
    model : mapping
        The bundled generative model.
    effect_scale : float
        See :func:`scale_effects`.
    respondents_per_case_sample : int, optional
        Clean respondents per case and sample; None keeps the model's.
    baseline : sequence of str
        See :func:`scale_effects`.

    Returns
    -------
    dict
        The condition's model.
    """
    out = scale_effects(model, effect_scale, baseline=baseline)
    if respondents_per_case_sample is not None:
        out["respondents_per_case_sample"] = int(respondents_per_case_sample)
    return out


def replicate_model(model: Mapping[str, Any], study: Study) -> dict[str, Any]:
    """The model a replicate is drawn from: a token population and minimal focus groups.

    :func:`coprod.synthetic.study.generate` draws the survey responses first, then the focus
    groups, then a population for ``truth.json``, all from one random stream. The
    responses therefore do not depend on the later two, and a replicate needs neither:
    the population shrinks to the study's own size and every focus group to one
    participant and one turn. The responses equal those of the full model.

    Parameters
    ----------
    model : mapping
        A condition's model (:func:`condition_model`).
    study : Study
        The study's resources (for the number of cases).

    Returns
    -------
    dict
        A copy with small ``population_size`` and ``focus_groups`` sizes.
    """
    out = copy.deepcopy(dict(model))
    cells = len(study.cases) * len(model["samples"])
    out["population_size"] = int(model["respondents_per_case_sample"]) * cells
    focus_groups = dict(out["focus_groups"])
    focus_groups["participants"] = [1, 1]
    focus_groups["turns"] = [1, 1]
    out["focus_groups"] = focus_groups
    return out


def replicate_seed(seed: int, seed_offset: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of a condition: ``seed + seed_offset + replicate``.

    Examples
    --------
    >>> replicate_seed(100, 1000, 7)
    1107
    """
    return int(seed) + int(seed_offset) + int(replicate)


def batches(n_replicates: int, replicates_per_job: int) -> list[range]:
    """Replicate indices grouped into jobs: consecutive ranges of at most the job size.

    Parameters
    ----------
    n_replicates : int
        Replicates of a condition.
    replicates_per_job : int
        Replicates one job runs.

    Returns
    -------
    list of range
        Batch ``b`` holds replicates ``b * replicates_per_job`` onwards.

    Examples
    --------
    >>> [list(b) for b in batches(5, 2)]
    [[0, 1], [2, 3], [4]]
    """
    if n_replicates < 1 or replicates_per_job < 1:
        raise ValueError(
            f"n_replicates and replicates_per_job must be positive, got {n_replicates} "
            f"and {replicates_per_job}"
        )
    return [
        range(start, min(start + replicates_per_job, n_replicates))
        for start in range(0, n_replicates, replicates_per_job)
    ]


def population_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """The model with the study's expected stakeholder-group mix at any size.

    The generator draws the groups of ``group_counts`` in a fixed number per case and
    sample (a few per cell) and the others by ``group_shares``; in a draw of 200,000
    the former all but vanish, so population values that depend on the mix (means,
    shares, differences between groups) would not be those of the study's design.
    Here each such group gets the share its mean count makes of a cell of
    ``respondents_per_case_sample``, the other shares are scaled to the rest, and
    ``group_counts`` is emptied.

    Parameters
    ----------
    model : mapping
        A condition's model.

    Returns
    -------
    dict
        A copy with the new ``group_shares`` and no ``group_counts``.

    Examples
    --------
    >>> model = {"respondents_per_case_sample": 100, "group_shares": {"a": 0.6, "b": 0.4},
    ...          "group_counts": {"c": [8, 12]}}
    >>> population_model(model)["group_shares"]
    {'a': 0.54, 'b': 0.36, 'c': 0.1}
    """
    out = copy.deepcopy(dict(model))
    counts = out.pop("group_counts", None) or {}
    out["group_counts"] = {}
    cell = float(model["respondents_per_case_sample"])
    fixed = {group: (low + high) / 2 / cell for group, (low, high) in counts.items()}
    shares = model["group_shares"]
    rest = (1 - sum(fixed.values())) / sum(shares.values())
    out["group_shares"] = {
        **{group: round(share * rest, 12) for group, share in shares.items()},
        **{group: round(share, 12) for group, share in fixed.items()},
    }
    return out


def read_condition_model(
    path: str | Path, condition: Mapping[str, Any], baseline: Sequence[str]
) -> dict[str, Any]:
    """The model of a condition of config ``validation.conditions``, from the model file.

    Parameters
    ----------
    path : str or Path
        The bundled generative model (config ``synthetic.model``).
    condition : mapping
        The condition's ``effect_scale`` and ``respondents_per_case_sample``.
    baseline : sequence of str
        See :func:`scale_effects`.

    Returns
    -------
    dict
        :func:`condition_model` of the file's model.
    """
    with open(path, encoding="utf-8") as handle:
        bundled = yaml.safe_load(handle)
    return condition_model(
        bundled,
        effect_scale=condition["effect_scale"],
        respondents_per_case_sample=condition["respondents_per_case_sample"],
        baseline=baseline,
    )

"""McDonald's omega as ``psych::omega`` computes it: exploratory factors, a Schmid–Leiman
transformation, omega hierarchical and omega total.

:func:`omega` takes a correlation matrix (or :func:`omega_items` raw item scores, whose
pairwise correlations ``cor(x, use = "pairwise")`` it uses, as ``psych::omega`` does) and
a number of group factors. With one factor it is omega total of a one-factor model
(``psych::omega(nfactors = 1)$omega.tot``); with more, each factor is a group factor and
the general factor comes from the factors' correlations (Schmid & Leiman 1957).

Decisions
---------
- Own code for the factor extraction, written after psych 2.2.9's ``fa`` (``R/fa.R``:
  ``fit.residuals``, ``FAgr.minres``, ``FAout.wls``, ``FAfn``, ``FAgr``, ``FAout``) and
  ``schmid`` (``R/schmid.R``): ``factor_analyzer`` 0.5.1 (PyPI, 2024), the library that has
  minres, fails on this stack's scikit-learn (its ``check_array(force_all_finite=...)`` was
  removed in scikit-learn 1.8) and minimises another function (the whole residual matrix,
  with a numerical gradient); ``statsmodels``' ``Factor`` has no minres. The rotations
  are ``statsmodels.multivariate.factor_rotation`` (a port of ``GPArotation``'s gradient
  projection), with the tolerance GPArotation uses.
- The optimiser is scipy's L-BFGS-B, as R's ``optim(method = "L-BFGS-B")``, with psych's
  bounds (0.005 to max(1, SMC)), starting values (1 - SMC) and analytic gradients, but run
  to a tighter tolerance than R's default (``factr = 1e7``): the estimates are the optimum,
  and R's stop within its tolerance of it (the R cross-check says by how much).
- ``flip``: items whose general-factor loading is negative are reversed before omega is
  computed, as ``psych::omega(flip = TRUE)`` does; the result says which (``flipped``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from coprod.reliability.inputs import as_matrix

FM = ("minres", "ml")
"""Factor extraction methods, psych's ``fm`` names: minimum residual (psych's default)
and maximum likelihood."""

Fm = Literal["minres", "ml"]

# psych's fa rescales the uniquenesses by 0.01 for the optimiser (parscale)
_PARSCALE = 0.01
_LOWER = 0.005  # psych's lower bound of a uniqueness
_ROTATION_TOL = 1e-5  # GPArotation's and stats::varimax's eps


def smc(corr: ArrayLike) -> np.ndarray:
    """Squared multiple correlations, 1 - 1/diag(R⁻¹), clipped to [0, 1] (``psych::smc``).

    >>> smc([[1, 0.5], [0.5, 1]]).round(2).tolist()
    [0.25, 0.25]
    """
    r = np.asarray(corr, dtype=float)
    if np.isnan(r).any():  # an item without variance: no SMC (psych drops such items first)
        return np.full(r.shape[0], np.nan)
    return np.clip(1 - 1 / np.diag(np.linalg.pinv(r)), 0.0, 1.0)


def _top(matrix: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(matrix)
    return values[::-1][:n_factors], vectors[:, ::-1][:, :n_factors]


def _minres_loadings(psi: np.ndarray, r: np.ndarray, n_factors: int) -> np.ndarray:
    values, vectors = _top(r - np.diag(psi), n_factors)  # psych's FAout.wls
    return vectors * np.sqrt(np.maximum(values, 0.0))


def _minres_objective(psi: np.ndarray, r: np.ndarray, n_factors: int) -> float:
    reduced = r.copy()  # psych's fit.residuals(fm = "minres"): the lower triangle only
    np.fill_diagonal(reduced, 1 - psi)
    values, vectors = _top(reduced, n_factors)
    values = np.where(values < np.finfo(float).eps, 100 * np.finfo(float).eps, values)
    loadings = vectors * np.sqrt(values)
    residual = (reduced - loadings @ loadings.T)[np.tril_indices_from(r, -1)]
    return float((residual**2).sum())


def _minres_gradient(psi: np.ndarray, r: np.ndarray, n_factors: int) -> np.ndarray:
    loadings = _minres_loadings(psi, r, n_factors)  # psych's FAgr.minres
    return np.diag(loadings @ loadings.T) + psi - np.diag(r)


def _ml_loadings(psi: np.ndarray, r: np.ndarray, n_factors: int) -> np.ndarray:
    scale = 1 / np.sqrt(psi)  # psych's FAout (from stats::factanal)
    values, vectors = _top(r * np.outer(scale, scale), n_factors)
    return np.sqrt(psi)[:, None] * vectors * np.sqrt(np.maximum(values - 1, 0.0))


def _ml_objective(psi: np.ndarray, r: np.ndarray, n_factors: int) -> float:
    scale = 1 / np.sqrt(psi)  # psych's FAfn
    rest = np.linalg.eigvalsh(r * np.outer(scale, scale))[::-1][n_factors:]
    return float(-(np.sum(np.log(rest) - rest) - n_factors + r.shape[0]))


def _ml_gradient(psi: np.ndarray, r: np.ndarray, n_factors: int) -> np.ndarray:
    loadings = _ml_loadings(psi, r, n_factors)  # psych's FAgr
    return (np.diag(loadings @ loadings.T) + psi - np.diag(r)) / psi**2


_METHODS = {
    "minres": (_minres_objective, _minres_gradient, _minres_loadings),
    "ml": (_ml_objective, _ml_gradient, _ml_loadings),
}


def factor_loadings(corr: ArrayLike, n_factors: int = 1, *, fm: Fm = "minres") -> np.ndarray:
    """Unrotated loadings of an exploratory factor model (``psych::fa(rotate = "none")``).

    Parameters
    ----------
    corr : array-like, items x items
        A correlation matrix.
    n_factors : int
        Number of factors.
    fm : {"minres", "ml"}
        Minimum residual (psych's ``fit.residuals``: the squared off-diagonal residuals)
        or maximum likelihood (``stats::factanal``'s criterion, as psych's ``fm = "ml"``).

    Returns
    -------
    ndarray, items x factors
        Loadings, each factor signed so that its loadings sum to a positive number (as
        ``psych::fa``).

    Examples
    --------
    >>> loadings = np.array([0.8, 0.7, 0.6])
    >>> corr = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    >>> factor_loadings(corr).round(4).ravel().tolist()
    [0.8, 0.7, 0.6]
    """
    if fm not in _METHODS:
        raise ValueError(f"fm must be one of {list(FM)}; got {fm!r}")
    r = np.asarray(corr, dtype=float)
    objective, gradient, loadings_of = _METHODS[fm]
    start_smc = smc(r)
    upper = max(float(start_smc.max()), 1.0)
    result = minimize(
        lambda p: objective(p * _PARSCALE, r, n_factors),
        (np.diag(r) - start_smc) / _PARSCALE,
        jac=lambda p: gradient(p * _PARSCALE, r, n_factors) * _PARSCALE,
        method="L-BFGS-B",
        bounds=[(_LOWER / _PARSCALE, upper / _PARSCALE)] * r.shape[0],
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    loadings = loadings_of(result.x * _PARSCALE, r, n_factors)
    return loadings * np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)


def _varimax(loadings: np.ndarray) -> np.ndarray:
    """``stats::varimax(normalize = TRUE, eps = 1e-5)``, which psych's ``schmid`` applies
    before oblimin. Ported rather than taken from statsmodels (whose varimax is a gradient
    projection with another stopping rule): oblimin starts from this matrix and stops
    within GPArotation's tolerance, so the same start gives R's rotation to rounding."""
    norms = np.sqrt((loadings**2).sum(axis=1))
    x = loadings / norms[:, None]
    rotation = np.eye(x.shape[1])
    criterion = 0.0
    for _ in range(1000):
        z = x @ rotation
        u, singular, vt = np.linalg.svd(x.T @ (z**3 - z * (z**2).sum(axis=0) / x.shape[0]))
        rotation = u @ vt
        previous, criterion = criterion, singular.sum()
        if criterion < previous * (1 + _ROTATION_TOL):
            break
    return x @ rotation * norms[:, None]


def _oblimin(loadings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quartimin-oblimin pattern and factor correlations (``GPArotation::oblimin``)."""
    from statsmodels.multivariate.factor_rotation import rotate_factors

    pattern, rotation = rotate_factors(
        loadings, "oblimin", 0, "oblique", tol=_ROTATION_TOL, max_tries=1001
    )
    return pattern, rotation.T @ rotation


def schmid_leiman(corr: ArrayLike, n_factors: int, *, fm: Fm = "minres") -> dict[str, np.ndarray]:
    """Schmid–Leiman transformation of an oblique factor solution (``psych::schmid``).

    ``n_factors`` factors (extracted with ``fm``, varimax- then oblimin-rotated) are the
    group factors; the general factor is the one factor of their correlations (with 2
    group factors, whose one factor is not identified, both general loadings are
    sqrt(|phi|), psych's ``option = "equal"``). With one factor it is the general factor.

    Returns
    -------
    dict
        ``general`` (items), ``group`` (items x factors), ``h2`` and ``u2``
        (communalities and uniquenesses of the factor model).
    """
    r = np.asarray(corr, dtype=float)
    orthogonal = factor_loadings(r, n_factors, fm=fm)
    h2 = (orthogonal**2).sum(axis=1)
    if n_factors == 1:
        pattern, general_of_factor = orthogonal, np.ones(1)
    else:
        pattern, phi = _oblimin(_varimax(orthogonal))
        if n_factors == 2:
            root = np.sqrt(abs(phi[0, 1]))
            general_of_factor = np.array([root, np.sign(phi[0, 1]) * root])
        else:
            general_of_factor = factor_loadings(phi, 1, fm=fm)[:, 0]
    group_share = np.clip(pattern**2 * (1 - general_of_factor**2), 0.0, None)
    return {
        "general": pattern @ general_of_factor,
        "group": np.sign(pattern) * np.sqrt(group_share),
        "h2": h2,
        "u2": np.diag(r) - h2,
    }


def omega(corr: ArrayLike | pd.DataFrame, n_factors: int = 1, *, fm: Fm = "minres") -> dict:
    """Omega hierarchical and omega total (McDonald 1999; Zinbarg et al. 2005), as
    ``psych::omega(m, nfactors = n_factors, fm = fm)`` gives them.

    Parameters
    ----------
    corr : array-like or DataFrame, items x items
        Correlation matrix (symmetric, unit diagonal) of at least 3 items.
    n_factors : int
        Group factors: 1 for one scale; for a block of scales, one per scale.
    fm : {"minres", "ml"}
        Factor extraction (psych's default is minres).

    Returns
    -------
    dict
        ``omega_total``: (V - sum u²)/V, with V = sum of the correlation matrix (the
        observed total variance) and u² the factor model's uniquenesses (``omega.tot``);
        ``omega_hierarchical``: (sum g)²/V with g the Schmid–Leiman general loadings
        (``omega_h``; NaN for one factor, where psych prints omega total again: one
        factor separates no general from group variance); ``flipped``: positions of the
        items reversed because their general loading is negative (psych's ``flip``).

    Examples
    --------
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> corr = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    >>> round(omega(corr)["omega_total"], 4)
    0.7494
    """
    r = as_matrix(corr, "corr", "items", "items", 3, 3)
    if r.shape[0] != r.shape[1]:
        raise ValueError(f"corr must be a square items x items matrix; got shape {r.shape}")
    if np.isnan(r).any():
        raise ValueError(
            "corr contains NaN: an item without variance, or two items never answered together"
        )
    if not np.allclose(r, r.T, atol=1e-10) or not np.allclose(np.diag(r), 1.0, atol=1e-10):
        raise ValueError("corr must be a correlation matrix: symmetric with ones on the diagonal")
    if not 1 <= n_factors <= r.shape[0] // 2:
        raise ValueError(
            f"n_factors must be between 1 and half the number of items ({r.shape[0] // 2}); "
            f"got {n_factors}"
        )
    solution = schmid_leiman(r, n_factors, fm=fm)
    # A factor's sign is arbitrary: the general factor is oriented to a positive sum first,
    # so that `flipped` names the items against the others (psych, which does not orient
    # it, may flip every item: the same omega, since flipping all items changes no sum).
    general = solution["general"] * (-1.0 if solution["general"].sum() < 0 else 1.0)
    key = np.where(general < 0, -1.0, 1.0)
    flipped = r * np.outer(key, key)
    total = flipped.sum()
    hierarchical = (key * general).sum() ** 2 / total if n_factors > 1 else np.nan
    return {
        "omega_total": float((total - solution["u2"].sum()) / total),
        "omega_hierarchical": float(hierarchical),
        "n_factors": n_factors,
        "flipped": np.flatnonzero(key < 0).tolist(),
    }


def pairwise_correlations(items: ArrayLike | pd.DataFrame) -> np.ndarray:
    """Pearson correlations from pairwise-complete rows (R ``cor(x, use = "pairwise")``).

    >>> pairwise_correlations([[1, 2], [2, 4], [3, 5], [np.nan, 1]]).round(3).tolist()
    [[1.0, 0.982], [0.982, 1.0]]
    """
    x = as_matrix(items, "items", "respondents", "items", 2, 1)
    return pd.DataFrame(x).corr(method="pearson").to_numpy()

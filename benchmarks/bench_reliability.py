"""Time the bootstrap intervals of coprod.reliability on a study-sized workload.

Run: ``.venv/bin/python benchmarks/bench_reliability.py``. Prints seconds; target: a few
seconds in total. Data are simulated; nothing here is a test.
"""

from __future__ import annotations

import time

import numpy as np

from coprod.reliability.krippendorff import krippendorff_alpha_ci
from coprod.reliability.scale import cronbach_alpha

N_BOOT = 2000
N_CODES, N_UNITS, N_CODERS = 30, 500, 2
N_SCALES, N_RESPONDENTS, N_ITEMS = 12, 700, 6


def binary_codes(rng: np.random.Generator) -> np.ndarray:
    """Coders x units presence codes: each coder misreads a unit with probability 0.1."""
    truth = rng.random(N_UNITS) < rng.uniform(0.05, 0.5)
    codes = np.array([np.where(rng.random(N_UNITS) < 0.1, ~truth, truth) for _ in range(N_CODERS)])
    return np.where(rng.random(codes.shape) < 0.02, np.nan, codes)


def likert_items(rng: np.random.Generator) -> np.ndarray:
    """Respondents x items on a 1-5 scale from one common factor, 5% missing answers."""
    latent = rng.normal(size=(N_RESPONDENTS, 1)) + rng.normal(size=(N_RESPONDENTS, N_ITEMS))
    items = np.clip(np.round(3 + latent), 1, 5)
    return np.where(rng.random(items.shape) < 0.05, np.nan, items)


def main() -> None:
    rng = np.random.default_rng(2024)
    codes = [binary_codes(rng) for _ in range(N_CODES)]
    scales = [likert_items(rng) for _ in range(N_SCALES)]

    start = time.perf_counter()
    for data in codes:
        krippendorff_alpha_ci(data, "nominal", n_boot=N_BOOT, seed=1)
    kripp = time.perf_counter() - start

    start = time.perf_counter()
    for items in scales:
        cronbach_alpha(items, n_boot=N_BOOT, seed=1)
    alpha = time.perf_counter() - start

    print(
        f"Krippendorff alpha bootstrap CI, {N_CODES} codes x {N_UNITS} units x {N_CODERS} coders, "
        f"{N_BOOT} resamples: {kripp:.2f} s"
    )
    print(
        f"Cronbach alpha bootstrap CI, {N_SCALES} scales x {N_RESPONDENTS} respondents x "
        f"{N_ITEMS} items, {N_BOOT} resamples: {alpha:.2f} s"
    )
    print(f"total: {kripp + alpha:.2f} s")


if __name__ == "__main__":
    main()

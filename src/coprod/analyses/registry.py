"""The registry of analyses: each job that writes result records under ``results/``.

See :class:`coprod.registry.Job` for what an entry says.
"""

from __future__ import annotations

from coprod.registry import Job

ANALYSES: tuple[Job, ...] = ()

FIGURE_DATA: tuple[Job, ...] = (
    Job(
        name="barrier_heatmap_cells",
        function="coprod.analyses.figure_data:heatmap_cells",
        stage="figure_data",
        inputs=lambda config: {"scores": "results/scoring/scores.parquet"},
        settings=lambda config: {
            "barriers": config["compare"]["scores"]["barriers_met"],
            "split": [
                key
                for key in (
                    config["figures"]["figure2_barrier_heatmap"]["panels"],
                    config["figures"]["figure2_barrier_heatmap"]["rows"],
                )
                if key
            ],
            "within": config["figures"]["figure2_barrier_heatmap"]["within"],
        },
        outputs_of=lambda config: {"cells": "results/figure_data/barrier_heatmap_cells.parquet"},
    ),
)
"""The statistics behind figures that no analysis table holds (:mod:`coprod.analyses.figure_data`):
computed apart from the drawing, so restyling a figure does not recompute them."""

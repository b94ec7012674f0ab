"""Validating the comparisons: seeded studies drawn with known truth, analysed as the study is.

The comparisons stage (:mod:`coprod.analyses`) answers the research questions with
tests, effect sizes and confidence intervals. Whether its tests hold their level and
its intervals their coverage on data of this design is checked by simulation, on the
registered analyses themselves (:mod:`coprod.analyses.registry`): each replicate runs
the workflow's own job functions with the workflow's settings.

- :mod:`~coprod.validation.conditions`: each condition's model (the bundled model with
  its effects scaled; 0 is the null), the replicates' seeds and batches.
- :mod:`~coprod.validation.design`: what is validated (``VALIDATED``), the estimate
  rows, the methods, the settings.
- :mod:`~coprod.validation.replicates`: one replicate: draw, exclusions, scoring, the
  registered analyses, one row per estimate.
- :mod:`~coprod.validation.truth`: population values from one large draw per
  condition, and each estimate beside its own.
- :mod:`~coprod.validation.summary`: bias, RMSE, coverage, type I error and power,
  with Monte Carlo standard errors, and the Markdown report.
- :mod:`~coprod.validation.figures`: the two figures of the summary.

This package imports nothing: import the modules.
"""

"""Reliability of survey scales and agreement between coders.

- :mod:`~coprod.reliability.scale`: Cronbach's alpha and the rest of ``psych::alpha``'s
  statistics, McDonald's omega of a scale and of a block of scales, item-total
  statistics, one scale's record.
- :mod:`~coprod.reliability.factor`: exploratory factors (minres, ML), Schmid–Leiman,
  omega hierarchical and total, as ``psych::omega``.
- :mod:`~coprod.reliability.krippendorff`: Krippendorff's alpha and its bootstrap
  interval (rows are coders, columns are units).
- :mod:`~coprod.reliability.agreement`: Cohen's and Fleiss' kappa, percent agreement,
  prevalence, ICC (rows are units, columns are coders).
- :mod:`~coprod.reliability.chance_corrected`: Gwet's AC1/AC2, Fleiss', Conger's kappa,
  Brennan–Prediger and percent agreement, weighted or not, with Gwet's standard errors and
  intervals, as R irrCAC computes them.
- :mod:`~coprod.reliability.icc_anova`: the mean squares and F tests behind the ICCs.
- :mod:`~coprod.reliability.intercoder`: the agreement record of one presence code.
- :mod:`~coprod.reliability.tables`: the tables the reliability rules write (every
  scale, every code, pooled and per group).
- :mod:`~coprod.reliability.inputs` and :mod:`~coprod.reliability.resampling`: input
  checks, and bootstrap resamples counted per class of identical rows.

Codes must be numbers (map text labels to numeric codes first); NaN marks a unit a coder
did not code. Every bootstrap needs an explicit ``seed``. Importers import from the
modules; this package imports nothing.
"""

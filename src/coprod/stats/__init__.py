"""Statistical tests of the comparisons stage, one module per family (as pingouin).

- :mod:`~coprod.stats.records`: the record every test returns, the frame of several,
  and the one place that reads pingouin's result columns.
- :mod:`~coprod.stats.inputs`: the checks and coercions of a test's data.
- :mod:`~coprod.stats.group_tests`: Kruskal-Wallis, Mann-Whitney (single and
  pairwise), the one-way ANOVA (Welch's and the classic F), Wilcoxon signed-rank; options
  and defaults as R's (alternative, continuity correction, exact p).
- :mod:`~coprod.stats.contingency`: Pearson's chi-squared test (Yates for 2 x 2 as an
  option, on by default as R's) and its cells.
- :mod:`~coprod.stats.effect_sizes`: rank-biserial r, epsilon-squared, eta-squared[H],
  eta-squared, rstatix's wilcox r,
  Cramér's V, Hedges' g, with their intervals; Wilson intervals of proportions.
- :mod:`~coprod.stats.models`: proportional-odds logit and standardised OLS.
- :mod:`~coprod.stats.correlation`: partial correlation.
- :mod:`~coprod.stats.multiplicity`: p values adjusted within families of tests.

Importers import from the modules; this package imports nothing, so that importing
one family does not load the others.
"""

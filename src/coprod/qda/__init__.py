"""Focus groups straight from qualitative-analysis software: REFI-QDA projects (.qdpx).

- :mod:`~coprod.qda.project`: read a ``.qdpx`` (zip with ``project.qde`` and
  ``sources/``), validated against the REFI-QDA schema: users, codebook, text
  sources, coded selections, cases and variables.
- :mod:`~coprod.qda.turns`: from selections to the study's units: speaker turns,
  coders and codes through the mapping file; the focus-group segments and codings
  tables the CSV import makes.
- :mod:`~coprod.qda.export`: write a ``.qdpx`` (the bundled study's projects, the
  adjudicated coding).
- :mod:`~coprod.qda.jobs`: the workflow's jobs.

The user's guide is ``docs/qda.md``.
"""

"""The raw input: the export forms, the personal-data screen, and the typed tables.

Modules, each importing only those above it:

- :mod:`~coprod.raw.personal_data`: what personal data in a text looks like.
- :mod:`~coprod.raw.formats`: reading the export files (Qualtrics-style CSV, SPSS
  ``.sav``, plain CSV, the focus-group CSVs) and naming their columns.
- :mod:`~coprod.raw.values`: checking and parsing their cells.
- :mod:`~coprod.raw.screen`: the anonymity screen of every text column.
- :mod:`~coprod.raw.survey`: the exports to the survey frame.
- :mod:`~coprod.raw.focus_groups`: the focus-group segments and codings.

The focus groups as REFI-QDA projects (``.qdpx``) are read by :mod:`coprod.qda` (same
layer), which the screen and the ingest job call when ``raw.focus_group_form`` is
``qdpx``.
"""

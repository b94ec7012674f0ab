"""The paper's tables: one module per numbered table, each with one job function.

Every function has the job contract of :mod:`coprod.jobs`,
``function(study, inputs, settings) -> list[Exhibit]``: the study's resources (for
every label), the result records of the stages it reads (by name), and its settings
(the config values it shows, always with ``decimals`` and ``min_cell``, config
``exhibits.decimals`` and ``disclosure.min_cell``). It returns one
:class:`~coprod.exhibits.model.Exhibit` per part of the table (6a-6c are one module):
human-readable columns, rows in registry and codebook order, what the disclosure control
(:mod:`coprod.exhibits.protection`) masked, and how the paper prints it.
:mod:`coprod.exhibits.tables.common` holds what several tables share. Nothing here names
an item, scale, case, group, service, code or risk of the study.

Decisions
---------
Disclosure control
    Every table passes its counts of people through
    :class:`~coprod.exhibits.protection.Protector`. A count from 1 to ``min_cell - 1``
    is masked with everything computed from it (mean, SD, %, rank); then, where a
    visible total (the pooled column, the row total, a case's subtotal) would give a
    masked count back by subtraction, one more count is masked (secondary
    suppression). A share (k of n) publishes two counts, k and n - k, so both are
    checked: a group where (nearly) everyone or (nearly) no one gave an answer does
    not reveal the few others.
How masked cells look
    CSV: empty (a masked cell and a missing value look alike there; the sidecar says
    which columns are counts). Markdown and LaTeX: ``<5`` (``<{min_cell}``) for a
    count under the threshold, ``–`` (LaTeX ``--``) for every other masked cell
    (a count masked to protect another, a statistic of a masked count). A blank cell
    is a value that does not exist (e.g. a test that could not be computed).
Counts of people, and the sidecar
    Each table CSV has a sidecar ``<stem>.disclosure.json`` that declares its
    ``count_columns`` (counts of respondents or participants: what the threshold
    protects), ``complements`` (count column -> the total it is part of: total -
    count is a count too) and ``not_counts_of_people`` (columns that count focus
    groups, items, speaker turns or barriers, with the reason they are not
    checked). :mod:`coprod.exhibits.disclosure_check` reads only the sidecar's
    declarations, and fails on a CSV without one. In the numbers file, keys starting
    with ``n_`` are counts of people; ``count_`` keys count other things.
"""

"""The paper's exhibits: the shared exhibit model, disclosure protection and rendering,
one module per table (:mod:`coprod.exhibits.tables`) and per figure
(:mod:`coprod.exhibits.figures`).

Their jobs are listed in :mod:`coprod.exhibits.registry`. This package imports nothing
heavy, so the workflow can read the registry at parse time.
"""

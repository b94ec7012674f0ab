"""The analyses that answer the study's questions, one module per family of analysis.

Their jobs are listed in :mod:`coprod.analyses.registry`. This package imports nothing
heavy, so the workflow can read the registry at parse time.
"""

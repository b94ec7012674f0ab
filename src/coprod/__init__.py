"""coprod: the library behind the co-production study's Snakemake pipeline.

Modules, in the order of the pipeline:

- ``resources``: load and validate the codebook, registries and focus-group codebook.
- ``synthetic``: the seeded generator of a synthetic study with planted truth.
- ``reliability``: scale and intercoder reliability.
- ``stats``: the statistical tests of the comparisons.
"""

__version__ = "0.1.0"

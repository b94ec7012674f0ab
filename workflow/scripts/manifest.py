"""Write the SHA-256 of every exhibit, so a rerun can be checked byte for byte."""

from coprod.pipeline import logged, published
from coprod.provenance import write_manifest

with logged(snakemake), published(snakemake.output) as (path,):
    write_manifest(snakemake.input.exhibits, path)

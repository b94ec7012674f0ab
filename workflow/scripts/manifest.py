"""Write the SHA-256 of every exhibit, so a rerun can be checked byte for byte."""

from coprod.pipeline import logged
from coprod.provenance import write_manifest

with logged(snakemake):
    write_manifest(snakemake.input.exhibits, snakemake.output[0])

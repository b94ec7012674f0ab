"""Run one registered job (coprod.registry): its function, then its kind's writer."""

from coprod.jobs import run

run(snakemake)

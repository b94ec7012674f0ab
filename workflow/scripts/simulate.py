"""Draw the synthetic study from its generative model and write its raw exports."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.synthetic.model import load_model
from coprod.synthetic.study import generate
from coprod.synthetic.writers import write_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    model = load_model(snakemake.input.model)
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    synthetic = generate(study, model, seed=snakemake.params.seed)
    write_study(synthetic, study, model, Path(snakemake.params.outdir))

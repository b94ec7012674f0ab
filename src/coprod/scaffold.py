"""Write a new study folder that runs this workflow as a Snakemake module.

``python -m coprod.scaffold DIR`` (or ``make scaffold DIR=...``) writes the template of
``coprod/study_template/`` into ``DIR``: ``workflow/Snakefile`` declaring this
repository's workflow as a module by its local path, ``workflow/profiles/default`` (which
has Snakemake fork the jobs from its own process, as the workflow's own default profile
does), a commented ``config/config.yaml``,
template resources (a codebook with one example of each kind of entry, the registries
with their header and an example row, the focus-group codebook, a deny list), an empty
``resources/raw/`` with a README on the accepted export forms, and a README saying what
to fill in and which command to run.

Decisions
---------
- The module is named by the absolute path of the workflow's Snakefile, the checkout this
  library comes from (or ``--workflow``): the study then runs that checkout's code
  (``workflow/Snakefile`` puts its ``src/`` first on ``sys.path``).
- The folder must be new or empty: nothing a researcher wrote is overwritten.
- The template's resources pass the resource checks as they are; a run of the unfilled
  template stops before any job, naming the raw exports still missing.

Example
-------
>>> import tempfile
>>> folder = scaffold(Path(tempfile.mkdtemp()) / "my_study")
>>> sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())[:3]
['README.md', 'config/config.yaml', 'resources/cases.csv']
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from coprod.errors import StudyInputError
from coprod.imports import SOURCE

TEMPLATE = SOURCE / "study_template"
"""The study folder's template (package data of the library)."""
WORKFLOW = SOURCE.parents[1] / "workflow" / "Snakefile"
"""This checkout's workflow, which a new study uses by default."""
FILLED_IN = ("workflow/Snakefile", "README.md")
"""Template files that name the workflow (``{snakefile}``, ``{repository}``)."""

__all__ = ["TEMPLATE", "WORKFLOW", "main", "scaffold"]


def scaffold(folder: str | Path, workflow: str | Path = WORKFLOW) -> Path:
    """Write the study template into ``folder`` (new or empty); return its path.

    ``workflow`` is the Snakefile of the workflow the study uses as a module.
    """
    folder = Path(folder).resolve()
    snakefile = Path(workflow).resolve()
    if not snakefile.is_file():
        raise StudyInputError(
            snakefile,
            "the workflow's Snakefile is not there.",
            fix="Give the path of workflow/Snakefile in a clone of the workflow's "
            "repository (--workflow).",
        )
    if folder.exists() and any(folder.iterdir()):
        raise StudyInputError(
            folder,
            "is not empty; a study folder is written only into a new or empty folder.",
            fix="Choose a new folder name.",
        )
    shutil.copytree(
        TEMPLATE, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in FILLED_IN:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        text = text.replace("{snakefile}", snakefile.as_posix())
        text = text.replace("{repository}", snakefile.parents[1].as_posix())
        path.write_text(text, encoding="utf-8")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coprod.scaffold DIR [--workflow PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m coprod.scaffold",
        description="Write a new study folder that runs this workflow as a Snakemake module.",
    )
    parser.add_argument("folder", type=Path, help="the new study's folder (new or empty)")
    parser.add_argument(
        "--workflow",
        type=Path,
        default=WORKFLOW,
        help=f"the workflow's Snakefile (default: {WORKFLOW})",
    )
    args = parser.parse_args(argv)
    try:
        folder = scaffold(args.folder, args.workflow)
    except StudyInputError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Wrote a study folder to {folder}: fill in what its README.md lists, then run "
        f"`snakemake --cores 2` there."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the paper: stage the template with the run's data and compile it with Typst.

:func:`paper` is the job (rule ``paper``, registered in :mod:`coprod.paper`): it reads the
cited numbers, the rendered tables, the figures and the software versions, checks the
template (:mod:`coprod.paper.template`), and compiles ``manuscript/paper.typ`` with the
Typst compiler of the ``typst`` wheel into ``results/paper.pdf``.

Decisions
---------
- Typst through its PyPI package: the compiler and its fonts come in the wheel, so the
  paper builds offline from ``make study`` with no TeX installation.
- Only the fonts inside the wheel are used (``ignore_system_fonts``): the PDF embeds the
  same fonts, and is the same file, on every machine. The template sets no date
  (``set document(date: none)``), so two builds are byte-identical.
- The template is compiled in a staging folder that holds a copy of the manuscript's
  files, the data (``paper-data.json``, :mod:`coprod.paper.content`) and the figures, so
  that the compiler reads nothing else (Typst's ``root`` is that folder).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coprod.errors import StudyInputError
from coprod.exhibits.registry import EXHIBITS
from coprod.jobs import Inputs, Settings
from coprod.paper.content import canary, exhibit_entries, facts
from coprod.paper.template import check_keys, check_no_typed_numbers

DATA_FILE = "paper-data.json"
"""The document the template reads (``json("paper-data.json")`` in its style file)."""
FIGURE_FORM = "png"
"""The figures' form the paper inserts: the PNG (at the config's ``figures.dpi``), whose
text is pixels, so that the paper's text layer holds only the text's numbers (the SVG's
labels are text, which a reader of the PDF's text would take for the paper's)."""


def exhibit_parts() -> dict[str, tuple[str, str, str]]:
    """Every registered table and figure part: stem -> (kind, label, title)."""
    return {
        part.stem: (job.kind, part.label, part.title)
        for job in EXHIBITS
        if job.kind in ("table", "figure")
        for part in job.parts
    }


def exhibit_files(config: Mapping[str, Any]) -> dict[str, str]:
    """The file the paper reads of each exhibit part: a table's Markdown, a figure's PNG."""
    files = {}
    for job in EXHIBITS:
        outputs = job.outputs(config)
        for part in job.parts:
            if job.kind == "table":
                files[part.stem] = outputs[f"{part.stem}_markdown"]
            elif job.kind == "figure":
                files[part.stem] = outputs[FIGURE_FORM]
    return files


def paper_data(
    numbers: Mapping[str, Any], facts_: Mapping[str, str], exhibits: Mapping[str, Any]
) -> dict[str, Any]:
    """The document the template reads: the numbers (key -> entry with ``text``), the
    facts (key -> text) and the exhibits (stem -> entry)."""
    return {"numbers": dict(numbers), "facts": dict(facts_), "exhibits": dict(exhibits)}


def compile_paper(
    manuscript: str | Path,
    data: Mapping[str, Any],
    figures: Mapping[str, str],
    *,
    form: str = "pdf",
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Check the template at ``manuscript`` and compile it with ``data`` and the figure
    files (stem -> path): the PDF's bytes, or (``form="png"``) one PNG per page."""
    import typst

    manuscript = Path(manuscript)
    check_no_typed_numbers(manuscript)
    check_keys(manuscript, data)
    with tempfile.TemporaryDirectory(prefix="coprod-paper-") as folder:
        stage = Path(folder)
        for source in sorted(manuscript.parent.iterdir()):
            if source.suffix in (".typ", ".bib"):
                shutil.copyfile(source, stage / source.name)
        (stage / "figures").mkdir()
        for stem, path in figures.items():
            shutil.copyfile(path, stage / data["exhibits"][stem]["file"])
        (stage / DATA_FILE).write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        try:
            result = typst.compile(
                str(stage / manuscript.name),
                root=str(stage),
                font_paths=[],
                ignore_system_fonts=True,
                format=form,
                ppi=ppi,
            )
        except typst.TypstError as error:
            raise StudyInputError(
                manuscript,
                f"Typst could not compile it: {error}",
                fix="Correct the template (its line is named above).",
            ) from error
    return result


def paper(study: Any, inputs: Inputs, settings: Settings) -> Any:
    """The job: the paper's PDF from the run's numbers, tables, figures and versions.

    ``inputs``: ``numbers`` (numbers.json), ``versions`` (versions.txt), ``manuscript``
    (the template), and each exhibit part's file by its stem; ``settings``: the config
    values the methods section states (:func:`coprod.paper.content.facts`),
    ``canary`` (true: every value perturbed, :func:`coprod.paper.content.canary`) and
    ``pages_ppi`` (given: one PNG per page at that resolution instead of the PDF).
    """
    numbers = json.loads(Path(inputs["numbers"]).read_text(encoding="utf-8"))
    versions = Path(inputs["versions"]).read_text(encoding="utf-8")
    parts = exhibit_parts()
    files = {stem: inputs[stem] for stem in parts}
    data = paper_data(numbers, facts(settings, versions, study), exhibit_entries(parts, files))
    if settings.get("canary"):
        data = canary(data)
    figures = {stem: path for stem, path in files.items() if parts[stem][0] == "figure"}
    if settings.get("pages_ppi"):
        return compile_paper(
            inputs["manuscript"], data, figures, form="png", ppi=settings["pages_ppi"]
        )
    return compile_paper(inputs["manuscript"], data, figures)


def write_pdf(pdf: bytes, outputs: Mapping[str, str], render: Mapping[str, Any]) -> None:
    """The job's writer: the PDF's bytes to the output ``pdf``."""
    Path(outputs["pdf"]).write_bytes(pdf)

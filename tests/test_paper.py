"""The paper (results/paper.pdf) and the replication README (results/REPLICATION.md).

No number typed by hand: the template's text holds no digit outside its allow-list, a
canary build that perturbs every value changes every number of the PDF's text, and a
template that names a missing key stops the build with a message naming it. The PDF is
byte-identical between builds and its text shows the cited numbers of numbers.json.
The paper is built from the session run (``study_run``), as the workflow made it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib import colormaps
from PIL import Image

from coprod.errors import StudyInputError
from coprod.paper import PAPER
from coprod.paper.build import paper
from coprod.paper.page import PAGE_COLOURS, palette_png
from coprod.paper.template import check_no_typed_numbers, names, typed_digits
from coprod.registry import jobs
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS
from tests.conftest import REPO

TEMPLATE = REPO / "manuscript" / "paper.typ"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
STRUCTURE = re.compile(r"(?:Table|Figure|Page)\s*$")
"""What may precede a number that is not a value: an exhibit's label, a page number."""
CITED_YEAR = re.compile(r"(?:et al\.|[^\W\d_][\w’'-]*),\s*$")
"""What precedes a cited work's year: "(Bovaird, 2007)", "(Steen et al., 2018)"."""
HEADING = re.compile(r"(?:^|\n)(\d+(?:\.\d+)?) [A-Z]")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pypdf reads it, up to the references (whose years, volumes and
    pages are the cited works')."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.split("\nReferences\n")[0]


def build(run: Path, manuscript: Path | None = None, **settings) -> bytes:
    """The paper of a finished run (``run``), built as the rule builds it (from another
    ``manuscript`` if given)."""
    config = yaml.safe_load((run / "config" / "config.yaml").read_text(encoding="utf-8"))
    if manuscript is not None:
        config["paper"]["manuscript"] = str(manuscript)

    def at(path):
        return [at(p) for p in path] if isinstance(path, list) else str(run / path)

    inputs = {key: at(path) for key, path in PAPER.inputs(config).items()}
    study = load_study({key: run / config["resources"][key] for key in RESOURCE_KEYS})
    return paper(study, inputs, {**PAPER.settings(config), **settings})


@pytest.fixture(scope="module")
def built(study_run: Path) -> bytes:
    return (study_run / "results" / "paper.pdf").read_bytes()


def test_the_template_types_no_number():
    assert typed_digits(TEMPLATE.read_text(encoding="utf-8")) == []
    check_no_typed_numbers(TEMPLATE)


def test_a_number_typed_into_the_template_stops_the_build(tmp_path):
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("= Methods"))
    lines.insert(where + 1, "We surveyed 736 stakeholders.")
    typed = tmp_path / "paper.typ"
    typed.write_text("\n".join(lines), encoding="utf-8")
    assert typed_digits(typed.read_text(encoding="utf-8")) == [(where + 2, "736")]
    with pytest.raises(StudyInputError) as error:
        check_no_typed_numbers(typed)
    assert str(error.value) == (
        f"{typed}: line {where + 2}: the number '736' is typed into the text; the manuscript "
        'takes every number from the run. Cite it by key: #num("key") for numbers.json, '
        '#fact("key") for a methods fact (docs/paper.md).'
    )


def test_citation_keys_and_named_keys_are_the_allow_list():
    text = '#num("pct_high_B1_met") of #fact("count_cases") @voorberg2015 #see("table05_x")'
    assert typed_digits(text) == []
    assert typed_digits("// 95% of all\nin 2015 (@steen2018)") == [(1, "95"), (2, "2015")]


def test_a_missing_key_stops_the_build_naming_key_file_and_line(tmp_path, study_run):
    shutil.copytree(study_run / "manuscript", tmp_path / "manuscript")
    broken = tmp_path / "manuscript" / "paper.typ"
    lines = broken.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("= Discussion"))
    lines.insert(where + 1, 'Of #num("n_included") respondents, #num("n_includedd") answered.')
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(StudyInputError) as error:
        build(study_run, manuscript=broken)
    assert str(error.value) == (
        f'{broken}: line {where + 2}: num("n_includedd") names a key that '
        "results/exhibits/numbers.json does not hold. Correct the key (docs/paper.md lists "
        "where each comes from), or add the value to the stage that makes it."
    )


@pytest.mark.workflow
def test_the_paper_is_byte_identical_between_builds_and_embeds_its_fonts(study_run, built):
    from pypdf import PdfReader

    assert build(study_run) == built
    assert b"/CreationDate" not in built and b"/ModDate" not in built
    fonts = {
        font.get_object()["/BaseFont"]
        for page in PdfReader(io.BytesIO(built)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for page in PdfReader(io.BytesIO(built)).pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert any("LibertinusSerif" in font for font in fonts), fonts
    assert all(
        {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor) for descriptor in descriptors
    )


@pytest.mark.workflow
def test_the_pdf_shows_every_cited_number_as_numbers_json_writes_it(study_run, built):
    numbers = json.loads((study_run / "results/exhibits/numbers.json").read_text("utf-8"))
    text = " ".join(pdf_text(built).split())
    cited = {name.key for name in names(TEMPLATE.read_text("utf-8")) if name.function == "num"}
    assert len(cited) > 50
    missing = {key: numbers[key]["text"] for key in cited if numbers[key]["text"] not in text}
    assert missing == {}


@pytest.mark.workflow
def test_a_canary_build_changes_every_number_of_the_text(study_run, built):
    canary = build(study_run, canary=True)
    text, perturbed = pdf_text(built), pdf_text(canary)
    tokens = list(NUMBER.finditer(text))
    changed = NUMBER.findall(perturbed)
    assert len(tokens) == len(changed) > 500
    headings = {m.start(1) for m in HEADING.finditer(text)}
    unchanged = [
        (token.group(), text[max(0, token.start() - 30) : token.end() + 10])
        for token, other in zip(tokens, changed, strict=True)
        if token.group() == other and not structural(text, token, headings)
    ]
    assert unchanged == []
    # the allow-list is narrow: no more than the exhibits' labels, headings, pages, years
    kept = [token for token in tokens if structural(text, token, headings)]
    assert len(kept) < len(tokens) / 4


def structural(text: str, token: re.Match, headings: set[int]) -> bool:
    """A number of the text that is not a value: an exhibit's label, a page or section
    number, a cited work's year."""
    before = text[max(0, token.start() - 30) : token.start()]
    year = re.fullmatch(r"(?:19|20)\d\d", token.group()) and CITED_YEAR.search(before)
    return bool(STRUCTURE.search(before) or year or token.start() in headings)


@pytest.mark.workflow
def test_the_replication_readme_lists_every_exhibit_and_cited_number(study_run):
    readme = (study_run / "results" / "REPLICATION.md").read_text(encoding="utf-8")
    config = yaml.safe_load((study_run / "config/config.yaml").read_text(encoding="utf-8"))
    for job in jobs(config):
        assert f"`{job.name}`" in readme, job.name
        for part in job.parts:
            assert f"| {part.label}: {part.title} |" in readme, part.label
    numbers = json.loads((study_run / "results/exhibits/numbers.json").read_text("utf-8"))
    for key in numbers:
        assert f"| `{key}` | {numbers[key]['text']} |" in readme, key
    for section in ("Data availability and provenance", "Computational requirements"):
        assert f"## {section}" in readme
    assert re.search(r"Job time, summed over \d+ rules: \d+\.\d s", readme)
    manifest = (study_run / "results" / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert "  results/paper.pdf\n" in manifest and "REPLICATION" not in manifest


def test_no_paper_without_a_manuscript_in_the_config(config):
    assert PAPER in jobs(config)
    assert PAPER not in jobs({**config, "paper": {"manuscript": None, "bibliography": None}})


def test_the_report_shows_the_papers_pages_in_a_palette_that_keeps_a_figures_colours():
    # A page: mostly the grey edges of antialiased text, and a figure's colour scales in
    # small patches (the case where a median-cut palette drew orange as brown).
    page = np.full((600, 800, 3), 255, dtype=np.uint8)
    for top in range(0, 560, 4):
        page[top : top + 2, 20:780] = (np.arange(760) * 255 // 760)[:, None]
    scales = [colormaps[name](v) for name in ("PuOr", "YlGnBu") for v in (0, 0.15, 0.3, 0.7, 1)]
    lefts = [20 + 60 * k for k in range(len(scales))]
    for left, colour in zip(lefts, scales, strict=True):
        page[565:595, left : left + 25] = np.round(np.array(colour[:3]) * 255)
    png = io.BytesIO()
    Image.fromarray(page).save(png, format="PNG")

    shown = Image.open(io.BytesIO(palette_png(png.getvalue())))

    assert shown.mode == "P" and len(shown.getcolors()) <= PAGE_COLOURS
    pixels = np.asarray(shown.convert("RGB")).astype(int)
    for left in lefts:
        assert np.abs(pixels[580, left + 12] - page[580, left + 12]).max() <= 8
    text = np.abs(pixels[:560] - page[:560].astype(int))
    assert text.mean() < 3  # the text's greys, too

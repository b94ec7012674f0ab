"""The HTML report (``snakemake --report``) in a real browser: every page, every exhibit.

The report of the session run is opened in headless Chromium (Debian's ``chromium``,
driven by Playwright with ``executable_path``; Playwright's own browser download is not
used). The test clicks through the report as a reader does - the workflow, the
statistics, every category and subcategory, and every item's view - and fails on any
console error or uncaught exception, on a page that lists nothing, on a table that is
not shown as an HTML table with its footnotes, on a table page wider than the browser
(a wide table scrolls inside its page), on a figure shown without its number, title and
caption, on a file the browser cannot show (provenance, numbers) that is not
downloaded when clicked, and on a paper page without the replication README and the
paper's pages. Without Chromium it skips, except in CI (``CI`` set), where it
fails.
``REPORT_SCREENSHOTS=<folder>`` saves a screenshot of every view there.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from coprod.errors import StudyInputError
from coprod.exhibits.pages import caption_config, write_figure_pages
from coprod.registry import jobs
from tests.conftest import copy_run, output, run

FIGURE_SPACE = "\u2007"


def chromium_path() -> str:
    """Debian's chromium (or ``CHROMIUM``); a skip outside CI, a failure in CI."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path:
        return path
    message = (
        "Chromium is not installed: the report's browser test needs Debian's chromium "
        "(apt-get install chromium), or its path in CHROMIUM"
    )
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this test may not skip)")
    pytest.skip(message)


def exhibits(kind: str) -> dict[str, str]:
    """Each registered exhibit part of ``kind``: its label in the report, unpadded
    ("Table 6a. Barriers overcome") -> its file stem."""
    return {
        f"{part.label}. {part.title}": part.stem
        for job in jobs()
        if job.kind == kind
        for part in job.parts
    }


@pytest.fixture(scope="module")
def report(study_run: Path, tmp_path_factory) -> Path:
    """``snakemake --report`` on a copy of the session run."""
    work = copy_run(study_run, tmp_path_factory.mktemp("report") / "run")
    result = run(work, "--report", "results/report.html")
    assert result.returncode == 0, output(result)
    return work / "results" / "report.html"


class Reader:
    """A browser page on the report that records every console error and exception."""

    def __init__(self, page, shots: Path | None) -> None:
        self.page = page
        self.problems: list[str] = []
        self.shots = shots
        self.visited: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def seen(self, where: str) -> None:
        """Record a view, fail on what went wrong on the way, screenshot it if asked."""
        self.page.wait_for_timeout(50)
        self.visited.append(where)
        assert not self.problems, f"{where}: {self.problems}"
        if self.shots is not None:
            name = re.sub(r"[^\w.-]+", "_", where.replace(FIGURE_SPACE, ""))
            self.page.screenshot(path=self.shots / f"{len(self.visited):02d}_{name}.png")

    def content_shown(self, where: str) -> None:
        """The content beside the navigation shows something of a visible size."""
        content = self.page.locator("#app div.grow.h-screen > *").first
        content.wait_for()
        size = content.evaluate("e => [e.scrollWidth, e.scrollHeight]")
        assert min(size) > 100, f"{where}: the content is empty ({size} pixels)"

    def home(self) -> None:
        self.page.locator("nav ol li a").first.click()

    def menu(self, label: str) -> None:
        self.page.locator("nav li a", has_text=re.compile(f"^{re.escape(label)}$")).click()

    def items(self, where: str) -> list[str]:
        """The labels of the items the navigation lists (the first cell of each row)."""
        rows = self.page.locator("nav tbody tr")
        labels = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
        assert labels, f"{where}: the page lists nothing"
        return labels


def check_table(frame, label: str, stem: str, tables: Path) -> bool:
    """The table page shows the table with its caption and notes, and does not overflow
    sideways: a table wider than the page scrolls inside it, the caption and the note
    wrap to the page. True if it is that wide."""
    number = _plain(label).split(".")[0]  # "Table 6a"
    caption = frame.locator("p.caption").inner_text()
    assert caption.startswith(f"{number}. ") and len(caption) > len(number) + 5, (label, caption)
    assert frame.locator("thead th").count() >= 2, label
    assert frame.locator("tbody td").count() >= 2, label
    has_note = "*Note.*" in (tables / f"{stem}.md").read_text(encoding="utf-8")
    notes = frame.locator("p.note")
    assert notes.count() == (1 if has_note else 0), label
    if has_note:
        assert notes.inner_text().startswith("Note. "), label
    page, box, texts = frame.locator("html").evaluate(
        """html => {
            const box = html.querySelector("div.wide");
            const shown = e => [e.getBoundingClientRect().right, html.clientWidth];
            return [[html.scrollWidth, html.clientWidth],
                    [box.scrollWidth, box.clientWidth, getComputedStyle(box).overflowX],
                    [...html.querySelectorAll("p.caption, p.note")].map(shown)];
        }"""
    )
    assert page[0] <= page[1], f"{label}: the page overflows sideways ({page})"
    assert box[2] == "auto", (label, box)
    for right, width in texts:  # the caption and the note end within the page
        assert right <= width, (label, right, width)
    return box[0] > box[1]


def check_paper(frame, label: str) -> None:
    """The paper's page: the README rendered (its tables as tables), and every page of
    the paper as an image that decoded."""
    assert frame.locator("h1").first.inner_text() == "The paper and its replication package"
    readme = frame.locator("section#replication")
    assert readme.locator("h1").inner_text() == "Replication package: README", label
    assert readme.locator("table").count() >= 3, label
    pages = frame.locator("section#paper img.page")
    assert pages.count() >= 5, label
    widths = pages.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert min(widths) > 500, widths
    assert "results/paper.pdf" in frame.locator("p").first.inner_text(), label
    page = frame.locator("html").evaluate("html => [html.scrollWidth, html.clientWidth]")
    assert page[0] <= page[1], f"{label}: the page overflows sideways ({page})"


def check_figure(frame, label: str) -> None:
    heading = frame.locator("h1").inner_text()
    assert heading == label, (label, heading)
    number = label.split(".")[0]
    width = frame.locator("img").evaluate("image => image.naturalWidth")
    assert width > 500, (label, width)  # the PNG decoded
    caption = frame.locator("figcaption").inner_text()
    assert caption.startswith(f"{number}."), (label, caption[:80])
    assert len(caption) > 200 and "{{" not in caption, (label, caption[:80])


@pytest.mark.workflow
def test_every_page_and_exhibit_of_the_report_renders_in_chromium(report: Path):
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("REPORT_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    tables = report.parent / "exhibits" / "tables"
    shown: dict[str, list[str]] = {"Tables": [], "Figures": [], "Paper": []}
    downloaded: list[str] = []
    scrolled: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            reader = Reader(page, Path(shots) if shots else None)
            page.goto(report.as_uri())
            page.locator("nav li a", has_text="Workflow").wait_for()
            reader.seen("start")
            for view in ("Workflow", "Statistics"):
                reader.menu(view)
                reader.content_shown(view)
                reader.seen(view)
            categories = page.evaluate(
                "() => Object.fromEntries(Object.entries(categories)"
                ".map(([name, subs]) => [name, Object.keys(subs)]))"
            )
            assert {"Tables", "Figures", "Paper", "Provenance"} <= set(categories), categories
            for category, subcategories in sorted(categories.items()):
                for subcategory in sorted(subcategories):
                    where = f"{category} / {subcategory}"
                    reader.home()
                    reader.menu(category)
                    if len(subcategories) > 1:
                        reader.menu(subcategory)
                    labels = reader.items(where)
                    reader.seen(where)
                    rows = page.locator("nav tbody tr")
                    for index, label in enumerate(labels):
                        view = rows.nth(index).locator("td").last.locator("a").first
                        if category not in shown:
                            # a file the browser cannot show: downloaded, no blank page
                            name = view.get_attribute("download")
                            assert name, (where, label)
                            with page.expect_download() as download:
                                view.click()
                            assert download.value.suggested_filename == name, (where, label)
                            assert len(page.context.pages) == 1, f"{where} / {label}: a new page"
                            reader.content_shown(f"{where} / {label}")
                            downloaded.append(name)
                            continue
                        view.click()
                        reader.content_shown(f"{where} / {label}")
                        frame = page.frame_locator("iframe")
                        if category == "Tables":
                            stem = exhibits("table")[_plain(label)]
                            if check_table(frame, label, stem, tables):
                                scrolled.append(stem)
                        elif category == "Paper":
                            check_paper(frame, label)
                        else:
                            check_figure(frame, label)
                        shown[category].append(_plain(label))
                        reader.seen(f"{where} / {label}")
        finally:
            browser.close()
    assert sorted(shown["Tables"]) == sorted(exhibits("table"))
    assert sorted(shown["Figures"]) == sorted(exhibits("figure"))
    assert {"config.yaml", "versions.txt", "inputs.csv", "numbers.json"} <= set(downloaded)
    assert "table11_stakeholder_groups" in scrolled  # the widest table scrolls in its page
    assert shown["Paper"] == ["Paper and replication"]
    assert len(reader.visited) == 4 + len(shown["Tables"]) + len(shown["Figures"]) + sum(
        len(subs) for subs in categories.values()
    )


def _plain(label: str) -> str:
    return label.replace(FIGURE_SPACE, "")


def test_without_chromium_the_test_skips_but_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on it
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        chromium_path()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this test may not skip"):
        chromium_path()
    monkeypatch.setenv("CHROMIUM", "/opt/chromium/chrome")
    assert chromium_path() == "/opt/chromium/chrome"


def test_every_caption_starts_with_its_exhibits_number():
    """Each caption file of workflow/report/ opens with "**Table N." or "**Figure N.",
    the number the registry gives the exhibit; a figure's with the title it has in the
    registry, the heading of its page in the report and of the figure in the paper."""
    captions = Path(__file__).resolve().parents[1] / "workflow" / "report"
    for kind in ("table", "figure"):
        for label, stem in exhibits(kind).items():
            text = (captions / f"{stem}.rst").read_text(encoding="utf-8")
            number = label.split(".")[0]
            assert text.startswith(f"**{number}."), (stem, text[:40])
            if kind == "figure":  # its page's heading above it: the same title
                assert text.startswith(f"**{label}.**"), (stem, text[:80])


def test_a_figure_page_holds_heading_image_and_rendered_caption(tmp_path):
    png = b"\x89PNG\r\n\x1a\nnot really"
    (tmp_path / "f.png").write_bytes(png)
    (tmp_path / "f.rst").write_text(
        "**Figure 2. Cells.** Masked under {{ snakemake.params.settings.min_cell }};"
        " family {{ snakemake.config.compare.family }}.\n",
        encoding="utf-8",
    )
    write_figure_pages(
        {"f": {"heading": "Figure 2. Cells & n", "settings": {"min_cell": 5}}},
        {"f": str(tmp_path / "f.png"), "f_caption": str(tmp_path / "f.rst")},
        {"f": str(tmp_path / "f.html")},
        {"compare": {"family": "exploratory"}},
    )
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "<h1>Figure 2. Cells &amp; n</h1>" in page
    assert '<img src="data:image/png;base64,iVBORw0KGgpub3QgcmVhbGx5"' in page
    assert "<p><strong>Figure 2. Cells.</strong> Masked under 5; family exploratory.</p>" in page


def test_a_caption_naming_a_config_key_the_config_lacks_is_an_error():
    captions = {"workflow/report/f.rst": "{{ snakemake.config.compare.famly }}"}
    with pytest.raises(StudyInputError) as error:
        caption_config(captions, {"compare": {"family": "x"}})
    assert str(error.value) == (
        "workflow/report/f.rst: the caption names snakemake.config.compare.famly, but the "
        "config has no key 'compare.famly'. Correct the caption, or add the key to the config."
    )

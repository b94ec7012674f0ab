"""The README's first screen, the links of the documentation pages, and the citation
metadata (``CITATION.cff``) against the repository."""

from __future__ import annotations

import datetime
import re
import tomllib

import yaml

from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "reference/README.md"]


def test_the_readme_is_a_first_screen_with_the_two_commands_and_the_check():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 80
    for command in ("make study", "make test", "make verify"):
        assert f"\n{command} " in readme, command
    for place in ("results/report.html", "results/exhibits/tables/", "results/exhibits/figures/"):
        assert f"`{place}`" in readme, place
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)\)", readme))
    pages = {f"docs/{page.name}" for page in (REPO / "docs").glob("*.md")}
    assert pages - linked == set()


def test_every_relative_link_of_the_documentation_leads_to_a_file():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+://", target):
                continue
            path = (page.parent / target).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert broken == []


def test_the_citation_metadata_agree_with_the_repository():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "software"
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert [author["name"] for author in citation["authors"]] == [
        author["name"] for author in project["authors"]
    ]
    assert datetime.date.fromisoformat(citation["date-released"]) <= datetime.date.today()
    title = re.sub(r"\s+", " ", citation["title"]).strip()
    heading = (REPO / "README.md").read_text(encoding="utf-8").splitlines()[0]
    assert heading.startswith(f"# {title.split(':')[0]}:")
    assert "placeholder" not in (REPO / "CITATION.cff").read_text(encoding="utf-8").lower()

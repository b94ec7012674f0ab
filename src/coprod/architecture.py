"""The architecture page's generated parts: exhibit -> rule -> module -> function, and the
import graph's layers, read from the registry and the source.

``docs/architecture.md``, ``README.md`` and ``config/README.md`` hold blocks between the
markers ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``; :func:`update`
rewrites them from the registry and the config's schema (:mod:`coprod.config_docs`), so
that the pages, the registry and the schema never drift apart (a test fails when a page
is out of date). Run ``python -m coprod.architecture`` after adding a job or a config key.

Decisions
---------
- The tables are generated from :func:`coprod.registry.jobs`, the same list the workflow
  makes its rules from, with the bundled study's config for the files that depend on it.
- The layers say which package may import which: a module may import only from its own
  layer or from layers listed before it. :func:`layer_violations` checks it on the source
  (:mod:`coprod.imports`), and a test keeps it at none.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coprod.config_docs import reference
from coprod.imports import SOURCE, imported_modules, module_file
from coprod.jobs import Job
from coprod.registry import jobs

REPO = SOURCE.parents[1]
PAGES = ("README.md", "docs/architecture.md", "config/README.md")
CONFIG_SCHEMA = Path("workflow", "schemas", "config.schema.yaml")
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "coprod",
            "coprod.vocabulary",
            "coprod.errors",
            "coprod.pipeline",
            "coprod.imports",
            "coprod.provenance",
            "coprod.resources",
            "coprod.jobs",
            "coprod.preparation",
        ),
    ),
    ("raw input", ("coprod.raw", "coprod.qda")),
    ("cleaning and scoring", ("coprod.clean", "coprod.exclusions", "coprod.scoring")),
    ("statistics", ("coprod.stats",)),
    ("reliability", ("coprod.reliability", "coprod.coding")),
    ("analyses", ("coprod.analyses",)),
    ("exhibits", ("coprod.exhibits",)),
    ("paper", ("coprod.paper",)),
    ("synthetic study", ("coprod.synthetic",)),
    ("validation", ("coprod.validation",)),
    (
        "workflow",
        (
            "coprod.registry",
            "coprod.config_checks",
            "coprod.config_docs",
            "coprod.architecture",
            "coprod.replication",
            "coprod.numbers_page",
            "coprod.scaffold",
            "coprod.run_workflow",
            "coprod.progress",
        ),
    ),
)
"""The library's layers in DAG order: a module imports only from its own layer or above."""
_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end generated: (?P=name) -->)",
    re.DOTALL,
)


def _code(text: str) -> str:
    return f"`{text}`"


def job_rows(job: Job, config: Mapping[str, Any]) -> list[list[str]]:
    """One row per part of an exhibit (or one for an analysis): what, rule, code, files."""
    module, _, function = job.function.partition(":")
    path = module_file(module)
    where = _code(str(path.relative_to(REPO))) if path else _code(module)
    outputs = job.outputs(config)
    if not job.parts:
        files = ", ".join(_code(Path(p).name) for p in outputs.values())
        return [[_code(job.name), _code(job.name), where, _code(function), files]]
    rows = []
    for part in job.parts:
        mine = [p for p in outputs.values() if Path(p).name.startswith(f"{part.stem}.")]
        suffixes = "/".join(Path(p).name.removeprefix(f"{part.stem}.") for p in mine)
        label = part.label
        rows.append(
            [
                f"{label}: {part.title}",
                _code(job.name),
                where,
                _code(function),
                f"`{part.stem}`.{{{suffixes}}}",
            ]
        )
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown pipe table."""
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def summary(module: str) -> str:
    """The first paragraph of a module's docstring, on one line."""
    path = module_file(module)
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) if path else None
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def members(module: str) -> list[str]:
    """A module, or a package and every module in it, in the order of their files."""
    path = module_file(module)
    if path is None or path.name != "__init__.py":
        return [module]
    inside = sorted(path.parent.rglob("*.py"))
    names = [".".join(p.relative_to(SOURCE.parent).with_suffix("").parts) for p in inside]
    return [name.removesuffix(".__init__") for name in names]


def layers_table(layers: Sequence[tuple[str, Sequence[str]]] = ()) -> str:
    """The layers in order: each package's modules with their docstrings' summaries."""
    rows = [
        [str(index), name, _code(module), summary(module)]
        for index, (name, packages) in enumerate(layers or LAYERS, start=1)
        for package in packages
        for module in (members(package) if package != "coprod" else ["coprod"])
    ]
    return markdown_table(["layer", "stage", "module", "what it holds"], rows)


def rulegraph(root: Path = REPO) -> str:
    """The workflow's rule graph as a Mermaid diagram (``snakemake --rulegraph``)."""
    command = [sys.executable, "-m", "snakemake", "--quiet", "all", "--rulegraph", "mermaid-js"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    lines = result.stdout[result.stdout.index("flowchart") :].rstrip().splitlines()
    # Snakemake lists the edges in no fixed order: sort them, so the page is stable.
    nodes = [line for line in lines if "-->" not in line]
    edges = sorted((line for line in lines if "-->" in line), key=_edge_key)
    graph = "\n".join([*nodes, *edges])
    return f"```mermaid\n{graph}\n```\n"


def _edge_key(line: str) -> tuple[int, ...]:
    return tuple(int(number) for number in re.findall(r"id(\d+)", line))


def blocks(
    config: Mapping[str, Any], root: Path = REPO, schema: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """The generated blocks by name: ``exhibits``, ``analyses``, ``layers``, ``rulegraph``,
    and ``config_keys`` (the config's schema, read from ``root`` unless given)."""
    import yaml

    if schema is None:
        schema = yaml.safe_load((root / CONFIG_SCHEMA).read_text(encoding="utf-8"))
    header = ["what", "rule", "module", "function", "files"]
    registered = jobs(config)
    exhibits = [row for job in registered if job.kind != "records" for row in job_rows(job, config)]
    analyses = [row for job in registered if job.kind == "records" for row in job_rows(job, config)]
    return {
        "exhibits": markdown_table(header, exhibits),
        "analyses": markdown_table(header, analyses),
        "layers": layers_table(),
        "rulegraph": rulegraph(root),
        "config_keys": reference(schema, config),
    }


def render(text: str, generated: Mapping[str, str]) -> str:
    """``text`` with every generated block replaced by its new body."""

    def body(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in generated:
            raise ValueError(f"unknown generated block '{name}'; known: {sorted(generated)}")
        return f"{match[1]}{generated[name]}{match[4]}"

    return _BLOCK.sub(body, text)


def update(root: Path = REPO, *, check: bool = False) -> list[str]:
    """Rewrite the generated blocks of :data:`PAGES`; return the pages that changed.

    With ``check``, write nothing and only report which pages are out of date.
    """
    import yaml

    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    generated = blocks(config, root)
    changed = []
    for page in PAGES:
        path = root / page
        old = path.read_text(encoding="utf-8")
        new = render(old, generated)
        if new != old:
            changed.append(page)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed


def import_graph() -> dict[str, set[str]]:
    """Every library module and the library modules it imports (at any depth of code)."""
    graph = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[module] = imported_modules(path, module) - {module}
    return graph


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (none is
    allowed): the strongly connected components of :func:`import_graph` with more than
    one module, each sorted."""
    graph = import_graph()
    reach = {}
    for start in graph:
        seen, todo = set(), [start]
        while todo:
            for name in graph.get(todo.pop(), ()):
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        reach[start] = seen
    groups = {
        tuple(sorted({m} | {n for n in reach[m] if m in reach[n]}))
        for m in graph
        if any(m in reach[n] for n in reach[m])
    }
    return [list(group) for group in sorted(groups)]


def layer_of(module: str, layers: Sequence[tuple[str, Sequence[str]]]) -> int:
    """The index of the layer that holds ``module`` (a module or any of its parents)."""
    for index, (_, members) in enumerate(layers):
        if module in members or any(module.startswith(f"{m}.") for m in members if "." in m):
            return index
    raise ValueError(f"module '{module}' is in no layer; add it to coprod.architecture.LAYERS")


def layer_violations(layers: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Imports of a module from a later layer than its own, as ``a -> b`` lines."""
    found = []
    for module, imported in import_graph().items():
        own = layer_of(module, layers)
        found += [
            f"{module} -> {name}" for name in sorted(imported) if layer_of(name, layers) > own
        ]
    return found


def main(argv: Sequence[str] = ()) -> int:
    """``python -m coprod.architecture [--check]``: update (or check) the generated blocks."""
    check = "--check" in argv
    changed = update(check=check)
    for page in changed:
        print(f"{page}: {'out of date' if check else 'updated'}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

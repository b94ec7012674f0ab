"""Which library files a job runs: the import graph of a module, within ``coprod``.

A Snakemake rule lists these files as inputs, so that editing any module a job imports,
directly or through others, reruns exactly the jobs that use it (Snakemake does not
follow a script's imports itself).

Decisions
---------
- The graph is read from the source with :mod:`ast`, not by importing: the workflow
  parses in a fraction of a second and imports no pandas.
- Imports inside functions count (the job runs them); so do the packages' ``__init__``
  files on the way to a module, which Python runs too.
- Parsing the library's 125 files took 0.7 s of every Snakemake start (a no-op rerun,
  each cluster job). The workflow keeps what each file imports in a folder
  (:func:`cache_in`, ``.snakemake/coprod-imports/``), one file per module holding the
  SHA-1 of the source it was read from: an edited file is read again and nothing stale
  is used; entries are written whole (a temporary file renamed), so parallel runs may
  share the folder.

Example
-------
>>> from coprod.imports import library_files
>>> [path.name for path in library_files("coprod.resources")]
['__init__.py', 'errors.py', 'resources.py', 'vocabulary.py']
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

PACKAGE = "coprod"
SOURCE = Path(__file__).resolve().parent
_cache_folder: Path | None = None
"""The folder of known imports, where :func:`cache_in` named one."""


def cache_in(folder: str | Path) -> None:
    """Keep what each file imports in ``folder`` (made if missing), for later runs."""
    global _cache_folder  # one setting for the process, made by the workflow
    _cache_folder = Path(folder)


@cache
def module_file(module: str) -> Path | None:
    """The source file of a ``coprod`` module or package, or None if there is none."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = SOURCE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def imported_modules(path: Path, module: str) -> frozenset[str]:
    """The ``coprod`` modules one file imports (``from coprod.x import y`` counts ``x``
    and, where ``y`` is a submodule, ``x.y``)."""
    source = path.read_text(encoding="utf-8")
    if _cache_folder is None:
        found = _imported_names(source, path, module)
    else:
        digest = hashlib.sha1(source.encode()).hexdigest()
        entry = _cache_folder / f"{module or path.name}.json"
        known = json.loads(entry.read_text(encoding="utf-8")) if entry.is_file() else {}
        if known.get("sha1") == digest:
            found = set(known["imports"])
        else:
            found = _imported_names(source, path, module)
            _write_whole(entry, json.dumps({"sha1": digest, "imports": sorted(found)}))
    return frozenset(name for name in found if module_file(name) is not None)


def _write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` by renaming a whole temporary file onto it.

    Not :func:`coprod.pipeline.published`: its partial folder is named after the path,
    and two runs parsing the workflow at once (cluster jobs) write the same entries; a
    temporary file of its own name per writer cannot be removed by the other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def _imported_names(source: str, path: Path, module: str) -> set[str]:
    """Every dotted name in the package a source imports or imports from (relative
    imports resolved)."""
    tree = ast.parse(source, filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.partition(".")[0] == PACKAGE}


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


@cache
def library_modules(module: str) -> frozenset[str]:
    """Every ``coprod`` module that importing ``module`` runs, itself included."""
    if module_file(module) is None:
        raise ValueError(f"no module '{module}' in the {PACKAGE} library ({SOURCE})")
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in _with_parents(todo.pop()):
            path = module_file(name)
            if name in seen or path is None:
                continue
            seen.add(name)
            todo.extend(imported_modules(path, name))
    return frozenset(seen)


def script_modules(path: str | Path) -> set[str]:
    """The ``coprod`` modules a workflow script (or any file outside the package) imports."""
    return imported_modules(Path(path), "")


def clear_caches() -> None:
    """Forget what was read (for a library whose files changed in the same process)."""
    for cached in (module_file, imported_modules, library_modules):
        cached.cache_clear()


def library_files(*modules: str) -> list[Path]:
    """The source files of every module the given modules import, sorted by path."""
    names = set().union(*(library_modules(module) for module in modules))
    return sorted({module_file(name) for name in names if module_file(name)})

"""What a reviewer needs to know about a run: package versions, the config, the input
files read (with their SHA-256), file hashes.

``snakemake --report`` records the rules and software of a run but not the pip
versions of a virtual environment, so the pipeline writes them itself, with the size and
SHA-256 of every input file the run read (``results/provenance/inputs.csv``); and a
``MANIFEST.sha256`` of every exhibit lets anyone check that a run produced the same
bytes as another: ``make verify`` checks a run of the bundled study against the reference
manifest shipped in the repository (``reference/MANIFEST.sha256``; ``make
reference-manifest`` remakes it, see ``reference/README.md``)::

    python -m coprod.provenance check reference/MANIFEST.sha256 --run results/MANIFEST.sha256

Example
-------
>>> lines = package_versions().splitlines()
>>> any(line.startswith("pandas==") for line in lines)
True
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import platform
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml


def package_versions() -> str:
    """Python, platform and every installed distribution as ``name==version``, sorted."""
    packages = sorted(
        {f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()},
        key=str.lower,
    )
    header = [
        f"# Python {platform.python_version()} ({platform.python_implementation()})",
        f"# {platform.system()} {platform.machine()}",
    ]
    return "\n".join(header + packages) + "\n"


def config_text(config: Mapping[str, Any]) -> str:
    """The configuration a run used, as YAML with sorted keys."""
    return yaml.safe_dump(dict(config), sort_keys=True, allow_unicode=True)


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


INPUT_COLUMNS = ("key", "path", "bytes", "sha256")
"""The columns of ``results/provenance/inputs.csv`` (:func:`write_inputs`)."""


def write_inputs(files: Iterable[tuple[str, str | Path]], path: str | Path) -> None:
    """Write one CSV line per input file a run read: the config key that names it, its
    path (as the config gives it), its size in bytes and its SHA-256.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "inputs.csv"
    >>> write_inputs([("configfile", "config/config.yaml")], target)
    >>> target.read_text().splitlines()[0]
    'key,path,bytes,sha256'
    """
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(INPUT_COLUMNS)
        for key, file in files:
            writer.writerow([key, Path(file).as_posix(), Path(file).stat().st_size, sha256(file)])


def write_manifest(paths: Iterable[str | Path], manifest: str | Path) -> None:
    """Write ``sha256sum``-compatible lines (hash, two spaces, path) sorted by path.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "b.txt").write_text("b"), (folder / "a.txt").write_text("a")
    >>> write_manifest([folder / "b.txt", folder / "a.txt"], folder / "MANIFEST.sha256")
    >>> [Path(path).name for path in read_manifest(folder / "MANIFEST.sha256")]
    ['a.txt', 'b.txt']
    """
    lines = [f"{sha256(path)}  {Path(path).as_posix()}" for path in sorted(map(str, paths))]
    Path(manifest).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_manifest(manifest: str | Path) -> dict[str, str]:
    """A manifest's files and their SHA-256, by path (as the manifest writes it)."""
    listed = {}
    for number, line in enumerate(Path(manifest).read_text(encoding="utf-8").splitlines(), 1):
        expected, separator, path = line.partition("  ")
        if not separator or len(expected) != 64:
            raise ValueError(
                f"{manifest}, line {number}: '{line}' is not a manifest line (a SHA-256, two "
                "spaces, a path): remake the manifest (make reference-manifest)."
            )
        listed[path] = expected
    return listed


def check_manifest(
    manifest: str | Path, root: str | Path = ".", run: str | Path | None = None
) -> list[str]:
    """Compare files under ``root`` with a manifest; return one line per difference:
    ``missing: path``, ``differs: path``, and, given the ``run``'s own manifest, ``not in
    the reference: path`` for each file the run vouches for that the manifest lacks."""
    problems = []
    listed = read_manifest(manifest)
    for path, expected in listed.items():
        target = Path(root) / path
        if not target.exists():
            problems.append(f"missing: {path}")
        elif sha256(target) != expected:
            problems.append(f"differs: {path}")
    if run is not None and Path(root, run).is_file():
        problems += [
            f"not in the reference: {path}"
            for path in sorted(read_manifest(Path(root, run)))
            if path not in listed
        ]
    return problems


REFERENCE_MANIFEST = Path("reference", "MANIFEST.sha256")
"""The bundled study's reference manifest, relative to the study's folder (``make verify``)."""
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")
"""Files whose bytes depend on the platform that drew them (``reference/README.md``)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coprod.provenance",
        description="Check a run's exhibits against a MANIFEST.sha256 (make verify).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="compare files with a manifest")
    check.add_argument("manifest", help="a MANIFEST.sha256: the reference, or another run's")
    check.add_argument("--root", default=".", help="folder the manifest's paths start from")
    check.add_argument(
        "--run",
        help="this run's own MANIFEST.sha256 (under --root): its files missing from the "
        "manifest are listed too",
    )
    args = parser.parse_args(argv)
    if not Path(args.manifest).is_file():
        print(
            f"No manifest at {args.manifest}: name one that exists (make verify "
            "MANIFEST=path/to/MANIFEST.sha256); make reference-manifest remakes the bundled "
            "study's reference."
        )
        return 2
    try:
        problems = check_manifest(args.manifest, args.root, args.run)
    except ValueError as error:
        print(error)
        return 2
    total = len(read_manifest(args.manifest))
    missing = [line for line in problems if line.startswith("missing: ")]
    if total and len(missing) == total:
        print(
            f"None of the {total} files of {args.manifest} is under {Path(args.root).resolve()}: "
            "run the study first (make study)."
        )
        return 1
    for problem in problems:
        print(problem)
    identical = total - len(missing) - sum(line.startswith("differs: ") for line in problems)
    print(f"{identical} of {total} files identical to {args.manifest}")
    if any(line.endswith(FIGURE_SUFFIXES) for line in problems if line.startswith("differs")):
        print(
            "Figure files are byte-identical only on the platform the reference was drawn on "
            "(reference/README.md); tables and numbers must match everywhere."
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

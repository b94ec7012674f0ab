"""What a reviewer needs to know about a run: package versions, the config, the input
files read (with their SHA-256), file hashes.

``snakemake --report`` records the rules and software of a run but not the pip
versions of a virtual environment, so the pipeline writes them itself, with the size and
SHA-256 of every input file the run read (``results/provenance/inputs.csv``); and a
``MANIFEST.sha256`` of every exhibit lets anyone check that a rerun produced
the same bytes::

    python -m coprod.provenance check results/MANIFEST.sha256

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
    """Write ``sha256sum``-compatible lines (hash, two spaces, path) sorted by path."""
    lines = sorted(f"{sha256(path)}  {Path(path).as_posix()}" for path in paths)
    Path(manifest).write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_manifest(manifest: str | Path, root: str | Path = ".") -> list[str]:
    """Compare files under ``root`` with a manifest; return one line per difference."""
    problems = []
    for line in Path(manifest).read_text(encoding="utf-8").splitlines():
        expected, path = line.split("  ", 1)
        target = Path(root) / path
        if not target.exists():
            problems.append(f"missing: {path}")
        elif sha256(target) != expected:
            problems.append(f"differs: {path}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coprod.provenance",
        description="Check a rerun's exhibits against a MANIFEST.sha256 of an earlier run.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="compare files with a manifest")
    check.add_argument("manifest", help="a MANIFEST.sha256 written by the pipeline")
    check.add_argument("--root", default=".", help="folder the manifest's paths start from")
    args = parser.parse_args(argv)
    if not Path(args.manifest).is_file():
        print(
            f"No manifest at {args.manifest}: run the study first (make study), or name "
            "another run's manifest (make verify MANIFEST=path/to/MANIFEST.sha256)."
        )
        return 2
    problems = check_manifest(args.manifest, args.root)
    total = len(Path(args.manifest).read_text(encoding="utf-8").splitlines())
    for problem in problems:
        print(problem)
    print(f"{total - len(problems)} of {total} files identical to {args.manifest}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

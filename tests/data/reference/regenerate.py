"""Remake R's reference outputs on the bundled study (``make r-reference``).

Every folder beside this file that holds R's output on the bundled study has two kinds of
script: ``export_*.py`` writes the inputs R reads from a run of the bundled study
(``results/`` of this checkout), and ``*.R`` computes R's output from them (run with
``Rscript`` from its folder). This runs every export, then every R script, folder by
folder in name order, and stops at the first that fails.

Needs a run of the bundled study (``make study``) and R with the packages the scripts
load (Debian: ``apt-get install r-base-core r-cran-psych r-cran-gparotation
r-cran-rstatix r-cran-haven r-cran-mass r-cran-sandwich r-cran-lmtest``). The tests read
the files this writes; they never run R.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def main() -> int:
    if not (REPO / "results" / "scoring").is_dir():
        print("No run of the bundled study in results/: run `make study` first.", file=sys.stderr)
        return 2
    rscript = shutil.which("Rscript")
    if rscript is None:
        print(
            "Rscript not found: install R (Debian: apt-get install r-base-core r-cran-psych "
            "r-cran-gparotation r-cran-rstatix r-cran-haven r-cran-mass r-cran-sandwich "
            "r-cran-lmtest).",
            file=sys.stderr,
        )
        return 2
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    for folder in sorted(path for path in HERE.iterdir() if path.is_dir()):
        for export in sorted(folder.glob("export_*.py")):
            print(f"python {export.relative_to(REPO)}")
            subprocess.run([sys.executable, str(export)], cwd=REPO, env=env, check=True)
        for script in sorted(folder.glob("*.R")):
            print(f"Rscript {script.relative_to(REPO)}")
            subprocess.run([rscript, script.name], cwd=folder, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

# Two commands do everything on a fresh machine with Python 3.11:
#   make study   run the whole study on the bundled data (results/ and the report)
#   make test    run the test suite (lint, schema, library and workflow tests)
# Both create the pinned virtual environment in .venv on first use. Then
#   make verify  checks the run's exhibits against the reference manifest (reference/)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2

.PHONY: study report verify reference-manifest validation national county scaffold test lint simulate synthetic clean r-reference

$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==26.0.1
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Every run goes through coprod.run_workflow: one run at a time in a folder, and a run
# killed in the middle is recovered by the next (README, "After an interrupted run").
RUN := $(BIN)/python -m coprod.run_workflow

study: $(BIN)/.installed
	$(RUN) --cores $(CORES) --report results/report.html --report-after-run

# One HTML file with every exhibit, its caption, the config and package versions.
report: $(BIN)/.installed
	$(BIN)/snakemake --report results/report.html

# Check this run's exhibits, byte for byte, against the reference manifest of the bundled
# study shipped in reference/ (or another run's: make verify MANIFEST=/path/to/MANIFEST.sha256).
MANIFEST ?= reference/MANIFEST.sha256
verify: $(BIN)/.installed
	$(BIN)/python -m coprod.provenance check $(MANIFEST) --run results/MANIFEST.sha256

# Remake the reference manifest from a run of the bundled study (after an intended change
# of an exhibit; commit it with the change): see reference/README.md.
reference-manifest: study
	cp results/MANIFEST.sha256 reference/MANIFEST.sha256

# R's outputs on the bundled study that the tests compare with (tests/data/reference/):
# needs a run of the bundled study and R (see tests/data/reference/README.md).
r-reference: $(BIN)/.installed
	$(BIN)/python tests/data/reference/regenerate.py

# The simulation study of the comparison methods (not part of `make study`).
validation: $(BIN)/.installed
	$(RUN) --cores $(CORES) validation

# The national citizen panel (studies/national_panel): 100,000 respondents in 40 areas,
# drawn by the generator, then the whole pipeline; results in studies/national_panel/results/.
national: $(BIN)/.installed
	$(RUN) --cores $(CORES) --directory studies/national_panel \
		--report results/report.html --report-after-run

# A new study folder that runs this workflow as a Snakemake module (see config/README.md):
#   make scaffold DIR=../my_study
scaffold: $(BIN)/.installed
	@test -n "$(DIR)" || { echo "Name the new study's folder: make scaffold DIR=../my_study"; exit 2; }
	$(BIN)/python -m coprod.scaffold "$(DIR)"

# The county services study (studies/county_services): a second example study of another
# design (six councils, three service classes, 7-point scales, yes/no coded 1/2), run from
# its committed exports; results in studies/county_services/results/.
county: $(BIN)/.installed
	$(RUN) --cores $(CORES) --directory studies/county_services \
		--report results/report.html --report-after-run

test: $(BIN)/.installed lint
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check workflow/Snakefile workflow/rules
	$(BIN)/snakemake --lint

# Regenerate the synthetic study into results/synthetic/ (byte-identical to resources/raw/).
simulate: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES) simulate

# Replace the bundled synthetic study in resources/raw/ (after changing its model).
synthetic: simulate
	cp results/synthetic/* resources/raw/

clean:
	rm -rf results logs .snakemake
	rm -rf studies/national_panel/results studies/national_panel/logs studies/national_panel/.snakemake

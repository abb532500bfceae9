# trilat-lessons: the two commands a new user needs are `make lab` and `make test`.
# Everything runs in .venv, installed from the pinned requirements.lock (hashes checked).
# A stamp file makes repeat runs skip installation until the lock or pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.trilat-installed
PIP    := $(PY) -m pip --disable-pip-version-check
NOTEBOOK ?= notebooks/00_start_here.ipynb
LAB_ARGS ?=
PYTEST_ARGS ?=
# pytest-xdist workers; the machine has 2 cores
WORKERS ?= 2
# axe-core, for the browser tests (npm, pinned in tests/browser/package-lock.json)
AXE := tests/browser/node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help install lab test test-rest lint format unit nbval test-browser browser-deps lock doctor clean bench \
	slides student test-student leakscan lite lite-fetch test-lite lite-lock \
	site test-site site-lock

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "trilat-lessons needs Python >= 3.11; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }

$(STAMP): requirements.lock pyproject.toml $(wildcard trilat_lessons/labextension/*.json trilat_lessons/labextension/static/*) | $(PY)
	@echo "Installing the pinned environment into $(VENV) (first run: about a minute)..."
	@$(PIP) install --quiet --require-hashes --no-deps -r requirements.lock
	@$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the lock + the package (skipped when up to date)

# JupyterLab refuses to start as root unless told to (containers often run as root)
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)  ## open JupyterLab on the start-here lesson (file browser at the course folder)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/$(NOTEBOOK) \
	  --ContentsManager.pre_save_hook=trilat_lessons.labhooks.pre_save $(ROOT_ARGS) $(LAB_ARGS)

doctor: $(STAMP)  ## check that this environment can run the course
	$(VENV)/bin/trilat doctor

lint: $(STAMP)  ## ruff lint and format check, mypy type check (config: pyproject.toml [tool.mypy])
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)  ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

unit: $(STAMP)  ## unit and data tests only
	$(PY) -m pytest -n $(WORKERS) --dist loadfile -m "not browser and not lite and not site" -p no:cacheprovider tests $(PYTEST_ARGS)

nbval: $(STAMP)  ## run the instructor sources offline and check their stored check outputs (nbval)
	scripts/offline $(PY) -m pytest -n $(WORKERS) --dist loadfile --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider exercises/source $(PYTEST_ARGS)

# The lessons keep no outputs, so nbval only runs them; where Chromium is installed the browser
# test runs every lesson too (in JupyterLab, offline) and checks far more, so `make test` then
# leaves the lessons to it and the student edition's test runs its released exercises and check().
# `make test` runs the browser test beside the rest, two jobs at a time: the browser test spends
# most of its time waiting for JupyterLab and Chromium, so on 2 cores the whole suite takes about
# the time of its longer half (the budget is three minutes). Each part's output is printed whole
# when it ends.
CHROMIUM ?= /usr/bin/chromium
TEST_EDITION_TESTS = $(if $(wildcard $(CHROMIUM)),exercises tests,notebooks exercises tests)
test: $(STAMP) $(AXE)  ## everything: lint, unit (+ leak scan), sources, student edition, browser
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-browser test-rest \
	  EDITION_TESTS="$(TEST_EDITION_TESTS)"

test-rest: lint unit nbval test-student

# --- the student edition (docs/instructor_guide.md, "Distribute"): what students get, nothing more --
STUDENT_OUT ?= dist/student
EDITION_TESTS ?= notebooks exercises tests

student: $(STAMP)  ## write the student edition into dist/student (no solutions; leak-scanned)
	$(VENV)/bin/trilat student --out $(STUDENT_OUT)

# A fresh edition in a temporary folder, away from this repository, runs its own `make test`
# (every lesson and released exercise offline, and its check() tests) with this venv's Python and
# the copy's package first on the path, so nothing is installed twice. (Plain `make`, not $(MAKE):
# `make -n test` must print this line, not run it.)
test-student: $(STAMP)  ## build the edition in a temp folder and run its own `make test` there
	@d=$$(mktemp -d) && $(VENV)/bin/trilat student --out $$d/student >/dev/null && \
	  echo "student edition in $$d/student: make test ($(EDITION_TESTS))" && \
	  PYTHONPATH=$$d/student make --no-print-directory -C $$d/student test \
	    PY=$(abspath $(PY)) STAMP= TEST_PATHS="$(EDITION_TESTS)" PYTEST_ARGS="$(PYTEST_ARGS)"; \
	  rc=$$?; rm -rf $$d; exit $$rc

leakscan: $(STAMP)  ## scan dist/student (and _site, when built) for instructor material
	$(VENV)/bin/trilat leakscan $(STUDENT_OUT) $(if $(wildcard _site),--site _site)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the browser test (apt-get install npm)"; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	@touch $(AXE)

browser-deps: $(AXE)  ## install axe-core for the browser test (npm ci, from the pinned lock)

test-browser: $(STAMP) $(AXE)  ## every lesson in JupyterLab, offline, headless Chromium + axe-core
	scripts/offline $(PY) -m pytest -m browser -p no:cacheprovider tests/browser $(PYTEST_ARGS)

slides: $(STAMP)  ## lesson slides from the notebooks (reveal.js, offline) into dist/slides/
	@test -d slides/node_modules/reveal.js || npm ci --prefix slides --ignore-scripts --no-audit --no-fund
	$(PY) scripts/slides.py --execute --out dist/slides

bench: $(STAMP)  ## speed benchmarks (grading vs nbgrader, isolated grading at 40 and 400, check, widgets, start-up); not part of test
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

lock:  ## re-resolve requirements.lock from pyproject.toml (needs network to PyPI)
	$(VENV)/bin/uv pip compile pyproject.toml requirements-tools.in --extra test --universal \
	  --python-version 3.11 --generate-hashes --no-header --annotation-style line -o requirements.lock
	$(PY) scripts/env_from_lock.py

# --- JupyterLite: a zero-install site (docs/jupyterlite.md); its own tool venv and locks ---------
LITE_VENV  := lite/.venv-lite
LITE_PY    := $(LITE_VENV)/bin/python
LITE_STAMP := $(LITE_VENV)/.trilat-installed
LITE_NO_EMIT = $(foreach p,$(shell grep -oE '^[a-z][a-z0-9-]*' lite/pyodide-provided.txt) \
	jupyterlab-widgets widgetsnbextension,--no-emit-package $(p))

$(LITE_STAMP): lite/requirements-lite.lock
	@$(PYTHON) -m venv $(LITE_VENV)
	@$(LITE_PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
	  -r lite/requirements-lite.lock
	@touch $(LITE_STAMP)

lite-fetch: $(LITE_STAMP)  ## download the JupyterLite inputs (PyPI + npm, hash-checked) into lite/_cache
	$(LITE_PY) lite/build.py fetch

lite: student $(LITE_STAMP)  ## build the JupyterLite site into _site/lite/ from the student edition
	$(LITE_PY) lite/build.py all --edition $(STUDENT_OUT) --output _site/lite
	$(VENV)/bin/trilat leakscan --site _site/lite

test-lite: $(STAMP)  ## open the built _site/lite in headless Chromium: lesson 01 charts, exercise check()
	$(PY) -m pytest -m lite -p no:cacheprovider tests/lite $(PYTEST_ARGS)

lite-lock:  ## re-pin lite/requirements-lite.lock and lite/browser.lock (needs PyPI)
	$(VENV)/bin/uv pip compile lite/requirements-lite.in --universal --python-version 3.11 \
	  --generate-hashes --no-header --no-python-downloads -o lite/requirements-lite.lock
	$(VENV)/bin/uv pip compile lite/browser.in -c lite/pyodide-provided.txt \
	  --python-platform wasm32-pyodide2024 --python-version 3.12 --generate-hashes --no-header \
	  --no-python-downloads $(LITE_NO_EMIT) -o lite/browser.lock

# --- the course website (docs/website.md): Sphinx + MyST-NB over the student edition -------------
SITE_VENV  := site/.venv-site
SITE_STAMP := $(SITE_VENV)/.trilat-installed

$(SITE_STAMP): site/requirements-site.lock
	@$(PYTHON) -m venv $(SITE_VENV)
	@$(SITE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
	  --no-deps -r site/requirements-site.lock
	@touch $(SITE_STAMP)

# Only fetching the JupyterLite inputs (when lite/_cache lacks them) uses the network; the build
# itself runs with the network cut. SITE_ARGS=--no-lite leaves out _site/lite/.
SITE_ARGS ?=
site: student $(SITE_STAMP) $(LITE_STAMP)  ## the course website into _site/ (lessons run, offline), with JupyterLite in _site/lite/
	@$(LITE_PY) lite/build.py check >/dev/null 2>&1 || $(LITE_PY) lite/build.py fetch
	scripts/offline $(PY) site/build.py --edition $(STUDENT_OUT) --output _site $(SITE_ARGS)
	$(VENV)/bin/trilat leakscan --site _site

test-site: site $(AXE)  ## serve _site on localhost, open every page offline in Chromium: requests, links, axe-core
	scripts/offline $(PY) -m pytest -m site -p no:cacheprovider tests/site tests/test_edition.py $(PYTEST_ARGS)

site-lock:  ## re-pin site/requirements-site.lock (needs PyPI)
	$(VENV)/bin/uv pip compile site/requirements-site.in --universal --python-version 3.11 \
	  --generate-hashes --no-header --no-python-downloads -o site/requirements-site.lock

clean:  ## remove caches (keeps .venv, and dist/student with its .git)
	rm -rf .pytest_cache .ruff_cache .mypy_cache build *.egg-info dist/*.whl dist/*.tar.gz

# Two commands do all set-up on a fresh machine:
#   make run    the dashboard on the demo data
#   make test   lint, type checks and the whole test suite (browser tests included)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint typecheck bench browser clean

# Versions: ranges in pyproject.toml's extras, exact pins in constraints.txt (see requirements*.txt).
PIP_FILES := pyproject.toml constraints.txt

# `make run`: the dashboard only (no Kaleido, no Playwright).
$(VENV)/.runtime: requirements.txt $(PIP_FILES)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# `make test`: also PNG/PDF export (the `export` extra) and the dev tools (the `dev` extra).
$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

browser:
	@bash scripts/ensure-chromium

# axe-core (pinned in tests/browser/package.json) runs the accessibility checks of the browser tests.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports  # the layer contracts of pyproject's [tool.importlinter]

typecheck: $(VENV)/.dev
	$(PY) -m mypy

test: $(VENV)/.dev browser $(AXE) lint typecheck
	$(PY) -m pytest

# About 15 minutes on a 2-core machine; sizes and run counts are options (`python -m bench.commands --help`).
bench: $(VENV)/.dev browser
	$(PY) -m bench.commands
	$(PY) -m bench.dashboard

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

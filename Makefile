# Every target that runs project code bootstraps first (system packages, .venv, pip install),
# so each one works on a fresh machine. Bootstrap is idempotent and quick when nothing is missing.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help bootstrap bootstrap-test lecture test test-fast lint bench clean

help:
	@echo "Targets:"
	@echo "  make lecture  install what is missing, then render the default lecture into media/"
	@echo "  make test     install what is missing, then lint, type-check and run every test"
	@echo "  make test-fast  the tests that draw nothing (a minute or two), on every core"
	@echo "  make lint     ruff check, ruff format --check and mypy (as the pre-commit hooks)"
	@echo "  make bench    install what is missing, then run every benchmarks/*.py"
	@echo "  make clean    remove rendered media and caches (keeps .venv)"

bootstrap:
	@bash scripts/bootstrap.sh

# the tests also need Chromium and poppler-utils (browser and PDF checks)
bootstrap-test:
	@bash scripts/bootstrap.sh --test

lecture: bootstrap
	$(VENV)/bin/chainrule render

# pytest-xdist runs the suite on every core; worksteal balances the long scene tests across
# the workers (each keeps its own TeX cache for a module's fixtures).
PYTEST := PYTHONHASHSEED=0 $(PY) -m pytest -q -n auto --dist worksteal

test: bootstrap-test lint
	$(PYTEST)

test-fast: bootstrap-test
	$(PYTEST) -m "not render and not slow"

# the same checks as the pre-commit hooks (.pre-commit-config.yaml)
lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: bootstrap
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if (( $${#files[@]} == 0 )); then echo "no benchmarks/*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f" || exit $$?; done

clean:
	find media -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis build dist *.egg-info

# Every target that runs project code bootstraps first (system packages, .venv, pip install),
# so each one works on a fresh machine. Bootstrap is idempotent and quick when nothing is missing.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help bootstrap lecture test bench clean

help:
	@echo "Targets:"
	@echo "  make lecture  install what is missing, then render the default lecture into media/"
	@echo "  make test     install what is missing, then run the test suite"
	@echo "  make bench    install what is missing, then run every benchmarks/*.py"
	@echo "  make clean    remove rendered media and caches (keeps .venv)"

bootstrap:
	@bash scripts/bootstrap.sh

lecture: bootstrap
	$(VENV)/bin/chainrule render

test: bootstrap
	PYTHONHASHSEED=0 $(PY) -m pytest -q

bench: bootstrap
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if (( $${#files[@]} == 0 )); then echo "no benchmarks/*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f" || exit $$?; done

clean:
	find media -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis build dist *.egg-info

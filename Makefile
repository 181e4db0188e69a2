# achlab — set-up and everyday commands. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
VPY         := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
export PYTENSOR_FLAGS ?= base_compiledir=$(CURDIR)/.cache/pytensor
export MPLBACKEND ?= Agg

# A Python >= 3.12 that really runs, 3.12 preferred (what the constraints were resolved with):
# PATH first, then pyenv's installed versions.
# (pyenv shims exist even when no version is selected, so each candidate is executed.)
define find_python
ok() { "$$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }; \
root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
for p in $$(command -v python3.12 2>/dev/null) $$(ls -d "$$root"/versions/3.12*/bin/python 2>/dev/null | sort -rV) \
         $$(command -v python3.13 python3 python 2>/dev/null) $$(ls -d "$$root"/versions/3.1[3-9]*/bin/python 2>/dev/null | sort -rV); do \
  ok "$$p" && { echo "$$p"; exit 0; }; \
done; \
exit 1
endef

.PHONY: help venv run look test test-fast lint lab bench clean which-python

help:
	@echo "make run    - set up .venv if needed, then run every notebook for every scenario into out/"
	@echo "make look   - after make run: render the deck's slides, the pages and the charts into out/look/"
	@echo "make test   - set up .venv if needed, then run the whole test suite"
	@echo "make lab    - open JupyterLab on the notebooks"
	@echo "make bench  - print the speed benchmarks"
	@echo "make lint   - ruff, and check that committed notebooks carry no outputs"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@py=$$( $(find_python) ) || { \
	  echo "achlab needs Python 3.12 or newer and found none (checked PATH and pyenv)."; \
	  echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package, then rerun."; \
	  exit 1; }; \
	if [ ! -x $(VPY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	$(VPY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (achlab)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

which-python:
	@py=$$( $(find_python) ) || { \
	  echo "achlab needs Python 3.12 or newer and found none (checked PATH and pyenv)."; \
	  echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package, then rerun."; \
	  exit 1; }; echo "$$py"

run: $(STAMP)
	$(VENV)/bin/achlab run

look: $(STAMP)
	$(VPY) -m achlab.notebook.look

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow and not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests bench notebooks
	$(VENV)/bin/python -m achlab.notebook.hygiene notebooks

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(VPY) $$b || exit 1; done

clean:
	rm -rf out .cache .pytest_cache

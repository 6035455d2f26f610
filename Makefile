# Two commands on a fresh machine with python3, venv and make:
#   make demo   installs what it needs into .venv and trains the 8-3-8 autoencoder
#   make test   installs what it needs and runs every check: lint, types, tests, docs
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs serve bench clean

# Re-install whenever pyproject.toml or the pinned constraints change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/sparse_autoencoder.py

# The docs are built (strictly, with every tutorial's code run) by
# tests/test_docs.py inside `pytest`, so `test` builds them exactly once.
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check minnet examples benchmarks tests tools
	$(BIN)/ruff format --check minnet examples benchmarks tests tools

typecheck: $(STAMP)
	$(BIN)/mypy minnet

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

# The site alone, into site/ (open site/index.html; it works offline).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# http://127.0.0.1:8000, rebuilt (tutorial code included) on every save.
serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_epoch.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis

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

test: lint typecheck pytest docs

lint: $(STAMP)
	$(BIN)/ruff check minnet examples benchmarks tests
	$(BIN)/ruff format --check minnet examples benchmarks tests

typecheck: $(STAMP)
	$(BIN)/mypy minnet

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

docs: $(STAMP)
	@echo "(the documentation site arrives with issue 3)"

serve: $(STAMP)
	@echo "(the documentation site arrives with issue 3)"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_epoch.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis

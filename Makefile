# Two commands for a new user: `make run` and `make test`. Every target sets up
# the Python environment first when a fresh clone lacks it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD  := data/processed/build.json
RAW    := $(shell find data/raw -type f -name '*.csv' 2>/dev/null)
ETL_PY := $(wildcard etl/*.py)

.PHONY: run etl test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Rebuild the processed data only when a raw table or the ETL has changed.
$(BUILD): $(STAMP) $(RAW) $(ETL_PY)
	$(BIN)/python -m etl

## run: set up, rebuild the data if it is stale, and report what was built
run: $(BUILD)
	@echo "Processed data is up to date in data/processed/ (validation report:" \
	      "data/processed/validation_report.md)."

## etl: rerun the ETL now, whatever the state of the data
etl: $(STAMP)
	$(BIN)/python -m etl

## test: lint and run every test
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: time the full ETL (wall clock and peak memory, several runs)
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_etl.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Two commands for a new user: `make run` and `make test`. Every target sets up
# the Python environment first when a fresh clone lacks it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD  := data/processed/current/build.json
RAW    := $(shell find data/raw -type f \( -name '*.csv' -o -name '*.toml' \) 2>/dev/null)
ETL_PY := $(shell find etl -name '*.py' 2>/dev/null)
PORT   ?= 8050

.PHONY: run etl test lint bench clean lock

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Rebuild the processed data only when a raw table or the ETL has changed (BUILD is the
# current version's build.json: etl/io/versions.py).
$(BUILD): $(STAMP) $(RAW) $(ETL_PY)
	$(BIN)/safeguarding etl

## run: set up, rebuild the data if it is stale, start the dashboard and print its address
## (SAFEGUARDING_AUTHORITY=E10000034 make run: the dashboard for another authority)
run: $(BUILD)
	$(BIN)/safeguarding serve --port $(PORT)

## etl: rerun the ETL now, whatever the state of the data
etl: $(STAMP)
	$(BIN)/safeguarding etl

# Official releases for the tests: ../shared/public beside the checkout when present.
SHARED_PUBLIC := $(abspath ../shared/public)
ifeq ($(origin SAFEGUARDING_EXTERNAL_DIR), undefined)
ifneq ($(wildcard $(SHARED_PUBLIC)/dfe),)
export SAFEGUARDING_EXTERNAL_DIR := $(SHARED_PUBLIC)
endif
endif

## test: lint and run every test (on every core: pytest-xdist, one test file per worker at a
## time, so each file's server and browser are started once)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: time the ETL, the official releases' import, the dashboard's pages, choices
## and image exports in Chromium, every page against a static page drawing its figures
## with the full plotly.js (the ratio, and the JavaScript each loads), the small-area
## maps, and 50 users under gunicorn
bench: $(BUILD)
	$(BIN)/python tests/benchmarks/bench_etl.py
	$(BIN)/python tests/benchmarks/bench_releases.py
	$(BIN)/python tests/benchmarks/bench_dashboard.py
	$(BIN)/python tests/benchmarks/bench_pages.py
	$(BIN)/python tests/benchmarks/bench_pack.py
	$(BIN)/python tests/benchmarks/bench_maps.py
	$(BIN)/python tests/benchmarks/load.py --users 50 --seconds 60

## lock: upgrade every package to its newest release allowed by pyproject.toml in a fresh
## environment, and write the exact versions to constraints.txt (then run make test)
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check --upgrade -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-lock
	@echo "constraints.txt updated: run make clean test, then commit it"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

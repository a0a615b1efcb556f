# Two commands for a new user: `make run` and `make test`. Every target sets up
# the Python environment first when a fresh clone lacks it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8050

.PHONY: run etl etl-full test lint bench clean lock

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## run: set up, bring the data up to date, start the dashboard and print its address
## (SAFEGUARDING_AUTHORITY=E10000034 make run: the dashboard for another authority)
run: etl
	$(BIN)/safeguarding serve --port $(PORT)

## etl: bring the processed data up to date. The ETL itself decides what is stale: it
## compares the fingerprints of every input (raw tables, releases, boundaries, extracts,
## its own code, the authority) with those the current build recorded and rebuilds only
## the stages they change; with nothing changed it says so in well under a second
etl: $(STAMP)
	$(BIN)/safeguarding etl

## etl-full: rebuild every stage, whatever the fingerprints say
etl-full: $(STAMP)
	$(BIN)/safeguarding etl --full

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
bench: etl
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

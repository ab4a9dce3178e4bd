# tierboard — `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs in one venv: the app with its tools (`.[dev]`: run, serve, lint...) and, for the
# whole suite and the type checker, the spark extra too (PySpark is a ~450 MB download, so
# `make run` never waits for it). The larger install also stamps the smaller one.
STAMP := $(VENV)/.installed-stamp
SPARK_STAMP := $(VENV)/.installed-spark-stamp
PORT ?= 8501

.PHONY: run serve test test-postgres test-spark fuzz config lint typecheck format bench bench-full \
	bench-assign bench-history bench-sources bench-sources-quick sample clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(SPARK_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,spark]"
	touch $(SPARK_STAMP) $(STAMP)

## Start the app on the bundled sample (or on $$TIERBOARD_DATA) at http://localhost:$(PORT)
run: $(STAMP)
	$(BIN)/python -m ui.serve --server.port $(PORT)

## Production-style server for a team: headless, on every interface, configured by
## tierboard.toml / TIERBOARD_* variables (README, "Team service"); checks the configuration first
serve: $(STAMP)
	$(BIN)/python -m lib.config
	$(BIN)/python -m ui.serve --server.headless true --server.address 0.0.0.0 --server.port $(PORT)

## Print the configuration in force (passwords hidden); exits 2 when a value cannot be used
config: $(STAMP)
	$(BIN)/python -m lib.config

## The whole suite: unit, property, AppTest, CLI, Spark local (when Java is installed) and (when
## Chromium is installed) browser tests. loadgroup keeps the Spark tests on one worker: one JVM.
test: $(SPARK_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider --durations=15

## The PostgreSQL tests alone (scenario-store contract, sources, concurrency); they fail
## rather than skip here when PostgreSQL is not installed
test-postgres: $(STAMP)
	TIERBOARD_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -p no:cacheprovider tests/integration \
		tests/unit/test_scenarios.py -k "postgres or Postgres or integration"

## The Spark tests alone (Spark local, one JVM); they fail rather than skip here when Java or
## PySpark is missing
test-spark: $(SPARK_STAMP)
	TIERBOARD_REQUIRE_SPARK=1 $(BIN)/python -m pytest -p no:cacheprovider -m spark

## Fuzz the loader with thousands of hostile files (FUZZ_CASES, FUZZ_SEED); prints outcome counts
FUZZ_CASES ?= 3000
fuzz: $(STAMP)
	FUZZ_CASES=$(FUZZ_CASES) $(BIN)/python -m pytest -p no:cacheprovider -q -s \
		tests/unit/test_fuzz_loader.py

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

## mypy: strict on lib/, default on ui/ (configuration in pyproject.toml)
typecheck: $(SPARK_STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks (quick: 100k customers; books of business at 1M accounts x 200 CSMs and on the
## sample); results go to BENCHMARKS.md
bench: $(STAMP)
	$(BIN)/python -m bench --quick
	$(BIN)/python -m bench.assign
	$(BIN)/python -m bench.history

## Tiers over time alone (bench/history.py): 1M customers x 8 quarters, a move with and without
## stability rules
bench-history: $(STAMP)
	$(BIN)/python -m bench.history

## Books of business alone (bench/assign.py): 1M accounts x 200 CSMs, and the sample
bench-assign: $(STAMP)
	$(BIN)/python -m bench.assign

## Invoice lines in PostgreSQL (bench/sources.py): today's COPY vs the aggregation in the engine,
## 50M lines generated in a throwaway server (~13 GB of disk while it runs, removed after)
bench-sources: $(STAMP)
	$(BIN)/python -m bench.sources --lines 50000000

## The same at 1M lines: about a minute
bench-sources-quick: $(STAMP)
	$(BIN)/python -m bench.sources --lines 1000000 --runs 3

## Benchmarks at 1M and 10M customers
bench-full: $(STAMP)
	$(BIN)/python -m bench --full

## Rewrite data/sample/customers.csv and data/sample/history/ from their seeded generators
sample: $(STAMP)
	$(BIN)/python -m lib.sample
	$(BIN)/python -m lib.sample_history

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info

# PrimeSync: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint bench clean-data help

help:
	@echo "make run    start PrimeSync (PostgreSQL, Redis, web, worker, beat) on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   run the whole test suite, browser tests included"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks (long; figures go to docs/BENCHMARKS.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py up

test: $(VENV)/.installed-dev
	$(BIN)/python -m primesync.embedded run -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

bench: $(VENV)/.installed-dev
	@if command -v npm >/dev/null; then cd bench && npm ci --silent --no-audit --no-fund; fi
	$(BIN)/python -m primesync.embedded run -- $(BIN)/python bench/run_all.py

clean-data:
	$(BIN)/python -m primesync.embedded stop || true
	rm -rf .data

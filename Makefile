# Two commands matter: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= reportmine.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup eval train bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

## run: set up, ingest the sample corpus into $(DB), print a summary, serve the web UI and API
run: setup
	$(BIN)/reportmine ingest corpora/samples corpora/figures --db $(DB)
	$(BIN)/reportmine summary --db $(DB)
	@if $(BIN)/reportmine serve --help >/dev/null 2>&1; then \
		echo "serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"; \
		$(BIN)/reportmine serve --db $(DB) --host $(HOST) --port $(PORT); fi

## test: set up with test extras (and headless Chromium for the browser tests), run every test
test: setup
	@bash scripts/ensure_chromium.sh || echo "headless Chromium unavailable: browser tests will be skipped"
	$(BIN)/python -m pytest -q

## eval: score extraction against the development gold (needs ../shared)
eval: setup
	$(BIN)/reportmine eval ../shared/corpora/gold ../shared/corpora/seeds
	$(BIN)/reportmine eval corpora/gold corpora

## train: rebuild the classifiers in models/ from corpora/
train: setup
	$(BIN)/reportmine train

## bench: print speed and memory figures (not a test)
bench: setup
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache $(DB) $(DB)-wal $(DB)-shm

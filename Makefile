# briefdata: `make run` publishes the dataset, `make test` checks everything.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.cache/prefect

.PHONY: install run test lint typecheck check bench report clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need Python 3.11+ as $(PYTHON) (override with PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/briefdata run; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 2 ]

test: $(STAMP)
	$(BIN)/ruff check pipeline flows tests bench
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline flows tests bench
	$(BIN)/ruff format --check pipeline flows tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

report: $(STAMP)
	$(BIN)/briefdata report

clean:
	rm -rf .cache $(VENV)

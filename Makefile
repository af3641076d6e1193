# briefdata: `make run` publishes the dataset, `make test` checks everything.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export PREFECT_LOGGING_LEVEL := WARNING

.PHONY: install run check test lint bench report clean chromium

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

# The report's browser test needs Debian's Chromium; install it when we can (root + apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "WARNING: could not install chromium; the browser test will be skipped"; \
	  else echo "WARNING: chromium missing and not installable here; the browser test will be skipped"; fi; }

# The edit loop: lint and the unit tests (under a minute).
check: $(STAMP)
	$(BIN)/ruff check pipeline flows tests bench
	$(BIN)/ruff format --check pipeline flows tests bench
	$(BIN)/python -m pytest -q tests/unit

# Everything: unit, integration (real Prefect server, Dask cluster, browser) and quality.
test: $(STAMP) chromium
	$(BIN)/ruff check pipeline flows tests bench
	$(BIN)/ruff format --check pipeline flows tests bench
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

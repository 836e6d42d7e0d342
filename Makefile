# Hechtwijzer: `make run` serves the demo, `make test` runs the linters and the test suite.
# Both create (or reuse) the virtual environment in .venv and install with pinned versions.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HW := $(BIN)/hechtwijzer
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute, so commands run from src/hechtwijzer (translations) use the same data directory.
HECHTWIJZER_DATA_DIR ?= $(CURDIR)/var
export HOST PORT HECHTWIJZER_DATA_DIR

.PHONY: run test e2e bench install lint messages translations vendor clean help

help:
	@echo "make run    serve the app with demo data on http://$(HOST):$(PORT)/"
	@echo "make test   linters and the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make e2e    end-to-end and accessibility tests in headless Chromium (artefacts in test-artifacts/)"
	@echo "make bench  load test at scale 1, 10 and 50 (BENCHMARKS.md; BENCH_ARGS=\"--database postgres\")"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Front-end files are vendored from the npm registry at build time (never a CDN at run time),
# pinned by version and checked against a known SHA-256.
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HTMX := src/hechtwijzer/static/vendor/htmx.min.js

$(HTMX): Makefile
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed once to vendor htmx: install Node.js"; exit 1; }
	@mkdir -p build/npm $(dir $(HTMX))
	@cd build/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	@tar -xzf build/npm/htmx.org-$(HTMX_VERSION).tgz -C build/npm package/dist/htmx.min.js
	@echo "$(HTMX_SHA256)  build/npm/package/dist/htmx.min.js" | sha256sum -c --quiet
	@cp build/npm/package/dist/htmx.min.js $(HTMX)

vendor: $(HTMX)

# Translations are compiled with GNU gettext's msgfmt; install it where it is missing.
translations: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	  else echo "GNU gettext (msgfmt) is missing: install the 'gettext' package"; exit 1; fi; }
	@cd src/hechtwijzer && ../../$(HW) compilemessages -v0

run: translations vendor
	$(HW) migrate --noinput -v0
	$(HW) collectstatic --noinput -v0
	@echo
	@$(HW) demo --if-empty
	@echo
	$(HW) serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# The suite runs in one process per core (pytest-xdist; each worker gets its own test
# database); TEST_WORKERS=0 runs it in this process. A direct `pytest FILE` stays one process.
TEST_WORKERS ?= auto

test: lint translations vendor
	$(BIN)/pytest -n $(TEST_WORKERS)

# End-to-end tests (e2e/): the app served by gunicorn on a loopback port, driven by Debian's
# Chromium headless through Playwright, with axe-core on every page. Never `playwright install`:
# the browser comes from apt. Screenshots, printouts and the server log go to test-artifacts/.
E2E_CHROMIUM ?= /usr/bin/chromium
E2E_STAMP := $(VENV)/.e2e-installed
E2E_PACKAGES := playwright==1.65.2 greenlet==3.5.6 axe-playwright-python==0.1.8
export E2E_CHROMIUM

$(E2E_STAMP): $(STAMP) Makefile constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt $(E2E_PACKAGES)
	@touch $(E2E_STAMP)

e2e: translations vendor $(E2E_STAMP)
	@test -x $(E2E_CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing at $(E2E_CHROMIUM): install Debian's 'chromium' package"; exit 1; fi; }
	$(BIN)/pytest e2e -q

# Benchmarks (bench/run.py, BENCHMARKS.md): synthetic data at several scales, the production
# server on a loopback port, wrk as the load generator (Debian's package). Not part of `make
# test`: timings decide nothing there. Results go to bench/results/, then into BENCHMARKS.md.
BENCH_ARGS ?=
bench: translations vendor
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: install Debian's 'wrk' package"; exit 1; fi; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/report.py

# Refresh the Dutch message file after changing user-facing text.
messages: $(STAMP)
	cd src/hechtwijzer && ../../$(HW) makemessages -l nl --no-obsolete --add-location file -i "catalog/*"

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

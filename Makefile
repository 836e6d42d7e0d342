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

.PHONY: run test install lint messages translations clean help

help:
	@echo "make run    serve the app with demo data on http://$(HOST):$(PORT)/"
	@echo "make test   linters and the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Translations are compiled with GNU gettext's msgfmt; install it where it is missing.
translations: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	  else echo "GNU gettext (msgfmt) is missing: install the 'gettext' package"; exit 1; fi; }
	@cd src/hechtwijzer && ../../$(HW) compilemessages -v0

run: translations
	$(HW) migrate --noinput -v0
	$(HW) collectstatic --noinput -v0
	@echo
	@$(HW) demo --if-empty
	@echo
	$(HW) serve

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint translations
	$(BIN)/pytest

# Refresh the Dutch message file after changing user-facing text.
messages: $(STAMP)
	cd src/hechtwijzer && ../../$(HW) makemessages -l nl --no-obsolete --add-location file -i "catalog/*"

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

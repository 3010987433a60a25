# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint translations

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/jisr compile-translations

demo: install
	JISR_DEMO=1 $(BIN)/jisr demo

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .

# Re-extract the strings to translate (needs GNU gettext's xgettext).
translations: install
	cd jisr && JISR_DEMO=1 ../$(BIN)/jisr makemessages -l ar -l fr --no-location --no-obsolete \
		-i "matching/*" -i "territory/source.py" -i "testing/*" -i "*/tests/*"

# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
# The distribution's Python 3.11 where it has one with venv (Debian's python3.11 and
# python3.11-venv): it is built with profile-guided and link-time optimisation, which a
# Python compiled from source with default options (pyenv's) is not, and the pages cost
# a fifth less CPU (benchmarks/README.md, "Load", session 11). Otherwise python3.
PYTHON ?= $(shell /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null \
	&& echo /usr/bin/python3.11 || echo python3)
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

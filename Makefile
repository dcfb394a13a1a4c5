# `make run` and `make test` do all the set-up on a fresh Debian machine.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000

.PHONY: run test test-postgres lint messages clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { scripts/find-python; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[test,postgres]' \
	  || $(BIN)/python -m pip install -q -e '.[test,postgres]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/taizhang migrate --noinput
	$(BIN)/taizhang demo
	$(BIN)/taizhang serve --bind $(BIND)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/taizhang check
	$(BIN)/taizhang makemigrations --check --dry-run

test: $(VENV)/.installed lint
	scripts/install-browser
	$(BIN)/pytest

# The same suite on a throwaway PostgreSQL cluster (needs Debian's postgresql and root).
test-postgres: $(VENV)/.installed
	scripts/install-browser
	scripts/test-postgres

# Regenerate translations: English msgids, simplified Chinese written by hand,
# traditional Chinese converted from it with OpenCC.
messages: $(VENV)/.installed
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var

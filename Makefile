PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The DfE's own SSDA903 validator, in a virtual environment of its own: it needs Python
# 3.11 and pins pandas 1.5.3, apart from casecheck's. Used by tests/test_ssda903_validator.py.
PYTHON_903 ?= $(shell command -v python3.11 || echo /root/.pyenv/versions/3.11.7/bin/python)
VENV_903 := .venv-903
STAMP_903 := $(VENV_903)/.installed
VALIDATOR_903 := csc-validator-be-903==0.1.17

.PHONY: demo test lint bench clean validator-903

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

$(STAMP_903):
	$(PYTHON_903) -m venv $(VENV_903)
	$(VENV_903)/bin/pip install --quiet --upgrade pip
	$(VENV_903)/bin/pip install --quiet '$(VALIDATOR_903)'
	touch $(STAMP_903)

validator-903: $(STAMP_903)

demo: $(STAMP)
	$(BIN)/casecheck demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The commands are timed as users run them: with their bytecode compiled, as an installed
# package has it (pip compiles it on install), also where PYTHONDONTWRITEBYTECODE would
# otherwise have every command compile the product's modules from source again.
bench: $(STAMP)
	$(BIN)/python -m compileall -q cli.py compliance events rules
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(VENV_903) demo build *.egg-info

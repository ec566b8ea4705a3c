# Two commands for authors:  make book  (build the HTML book)  and  make test  (build, then test).
# Everything is installed into .venv from requirements.txt; nothing by hand.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# OUT: the folder that receives _build/ (html, jupyter_execute, .jupyter_cache); helpers may use their own
OUT ?= .
JB_FLAGS := -W -n --keep-going

.PHONY: help venv data book test clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.installed: requirements.txt build-constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==26.3
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements.txt
	touch $@

venv: $(VENV)/.installed  ## install the pinned Python packages into .venv

data: venv  ## validate data/ (stops on the first broken file, naming file, row and field)
	$(PY) -m shifeng.validate

book: data  ## build the HTML book into _build/html (strict: any warning or cell error fails)
	$(PY) -m shifeng.buildcache $(OUT)
	$(VENV)/bin/jupyter-book build . --path-output $(OUT) $(JB_FLAGS)

test: book  ## build the book, then run every test
	$(PY) -m pytest

clean:  ## remove the built book and the execution cache
	rm -rf $(OUT)/_build

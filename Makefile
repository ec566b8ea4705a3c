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
# Reproducible builds: Sphinx takes "Last updated on" from SOURCE_DATE_EPOCH when it is set,
# so two builds of one commit carry that commit's date instead of the day they were built.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
endif

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

# `book` and `pdf` validate data/ first (nothing is built from bad data) and hand the
# build the fingerprint of what they validated, so notebooks do not validate it again.
VALIDATE := $(PY) -m shifeng.validate --fingerprint

book: venv  ## build the HTML book into _build/html (strict: any warning or cell error fails)
	fingerprint=$$($(VALIDATE)); $(PY) -m shifeng.buildcache $(OUT); \
	SHIFENG_DATA_VALIDATED=$$fingerprint $(VENV)/bin/jupyter-book build . --path-output $(OUT) $(JB_FLAGS)

test: book  ## build the book, then run every test
	$(PY) -m pytest

clean:  ## remove the built book and the execution cache
	rm -rf $(OUT)/_build

# The print edition. Run it before `make book`: the HTML links the PDFs it finds in
# _build/pdf (a chapter's handout in its download menu, the book on the landing page).
.PHONY: pdf

pdf: venv  ## build the book as PDF (_build/pdf/book.pdf) and a PDF handout per chapter (_build/pdf/chapters/)
	fingerprint=$$($(VALIDATE)); $(PY) -m shifeng.buildcache $(OUT); \
	SHIFENG_DATA_VALIDATED=$$fingerprint $(VENV)/bin/jupyter-book build . --builder latex --path-output $(OUT) $(JB_FLAGS)
	$(PY) -m shifeng.pdf $(OUT)/_build

# Quality reports (they never change the book in _build/html).
.PHONY: bench linkcheck repro

bench: data  ## time clean / cached / one-chapter / no-execution builds and weigh every page (a report)
	$(PY) scripts/bench.py

linkcheck: venv  ## check the built book's external links (needs network; prints a report, never fails)
	$(MAKE) --no-print-directory book OUT=$(OUT) || echo "linkcheck: the build reported problems; checking the links of what was built"
	$(PY) scripts/linkcheck_external.py $(OUT)/_build/html || true

repro: data  ## two clean builds of this checkout in temporary folders, compared file by file
	$(PY) scripts/compare_builds.py --build

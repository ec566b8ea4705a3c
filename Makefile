# Two commands for authors:  make book  (build the HTML book)  and  make test  (build, then test).
# They install everything themselves: the Debian packages each step needs
# (scripts/install-system-deps.sh) and the pinned Python packages (.venv); nothing by hand.
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

.PHONY: help venv data book site test clean translations

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.installed: requirements.txt build-constraints.txt pyproject.toml
	@# Debian's Python makes no venv without python3-venv: install it first when it is missing
	test -x $(PY) || $(PYTHON_SYSTEM) -c "import ensurepip, venv" 2>/dev/null || bash scripts/install-system-deps.sh venv
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==26.3
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements.txt
	touch $@

venv: $(VENV)/.installed  ## install the pinned Python packages into .venv

data: venv  ## validate data/ (stops on the first broken file, naming file, row and field)
	$(PY) -m shifeng.validate

# Each step first installs the Debian packages it needs (idempotent, quiet when all are there).
SYSTEM_DEPS := bash scripts/install-system-deps.sh

# `book` and `pdf` check that matplotlib can draw Chinese and validate data/ before any
# notebook runs (nothing is built from bad data or in tofu), and hand the build the
# fingerprint of what they validated, so notebooks do not validate it again. A failed
# build forgets its inputs hash, so the next build executes every page again.
VALIDATE := $(PY) -m shifeng.validate --fingerprint
PREPARE := $(PY) -m shifeng.fonts; fingerprint=$$($(VALIDATE)); $(PY) -m shifeng.buildcache $(OUT)
FORGET := { rm -f $(OUT)/_build/.inputs-hash; exit 1; }

# The build and its notebook kernels know they are the book's build (shifeng/runtime.py):
# strict fonts, figures glued and not shown in place, the maps' scripts from the book.
export SHIFENG_BOOK_BUILD := 1

# PDFS: a folder of PDFs for the HTML to link (make site sets it); empty: the HTML links none
PDFS ?=

# The Chinese edition (shifeng/i18n.py, locales/TRANSLATING.md): the same sources and
# code, translated by the catalogs in locales/zh_CN, built in _build/zh by notebook
# kernels that write Chinese (SHIFENG_LANG), then published in _build/html/zh.
# EDITIONS: the editions make book and make pdf build (make book EDITIONS=en: the English alone)
EDITIONS ?= en zh_CN
ZH_ON := $(filter zh_CN,$(EDITIONS))
ZH := $(OUT)/_build/zh
ZH_CONFIG := mkdir -p $(ZH) && $(PY) -m shifeng.i18n config zh_CN > $(ZH)/_config.yml
ZH_PREPARE := SHIFENG_LANG=zh_CN $(PY) -m shifeng.buildcache $(ZH)
ZH_FORGET := { rm -f $(ZH)/_build/.inputs-hash; exit 1; }
# the Chinese build, after the English one in the same recipe line (it reads $$fingerprint):
# $(call ZH_BUILD,extra environment,extra jupyter-book options)
ZH_BUILD = $(if $(ZH_ON),; $(ZH_CONFIG); $(ZH_PREPARE); \
	SHIFENG_LANG=zh_CN SHIFENG_DATA_VALIDATED=$$fingerprint $(1) \
	$(VENV)/bin/jupyter-book build . --config $(ZH)/_config.yml --path-output $(ZH) $(JB_FLAGS) $(2) || $(ZH_FORGET))

book: venv  ## build both editions of the HTML book: _build/html and _build/html/zh (strict: any warning, cell error or stderr fails)
	$(SYSTEM_DEPS) build
	$(PREPARE); \
	SHIFENG_PDFS=$(PDFS) SHIFENG_DATA_VALIDATED=$$fingerprint \
	$(VENV)/bin/jupyter-book build . --path-output $(OUT) $(JB_FLAGS) || $(FORGET)$(call ZH_BUILD,SHIFENG_PDFS=$(if $(PDFS),$(PDFS)/zh),)
	$(if $(ZH_ON),$(PY) -m shifeng.i18n publish $(OUT),rm -rf $(OUT)/_build/html/zh)

translations: venv  ## extract every message of both editions and merge it into locales/zh_CN (see locales/TRANSLATING.md)
	$(PY) -m shifeng.i18n update
	$(PY) -m shifeng.i18n check || true

site: pdf  ## what is published: the PDFs (make pdf), then the HTML book linking them
	$(MAKE) --no-print-directory book OUT=$(OUT) PDFS=$(abspath $(OUT))/_build/pdf

# Under `make test` a missing report is an error, not a warning (for its build steps
# too), and so is a missing PDF in the PDF tests.
test: export SHIFENG_REQUIRE_REPORT := 1
test: export SHIFENG_REQUIRE_PDF := 1
test: export SHIFENG_REQUIRE_TRANSLATIONS := 1
test: site  ## build what is published (make site), then lint and run every test
	$(SYSTEM_DEPS) test
	$(VENV)/bin/ruff check shifeng tests scripts
	$(PY) -m pytest

clean:  ## remove the built book and the execution cache
	rm -rf $(OUT)/_build

# The print edition: _build/pdf. `make site` links it into the HTML.
.PHONY: pdf

pdf: venv  ## build both editions as PDF: _build/pdf/book.pdf and its handouts (chapters/), the Chinese in _build/pdf/zh
	$(SYSTEM_DEPS) pdf
	$(PREPARE); \
	SHIFENG_DATA_VALIDATED=$$fingerprint $(VENV)/bin/jupyter-book build . --builder latex --path-output $(OUT) $(JB_FLAGS) || $(FORGET)$(call ZH_BUILD,,--builder latex)
	$(PY) -m shifeng.pdf $(OUT)/_build
	rm -rf $(OUT)/_build/pdf/zh
	$(if $(ZH_ON),$(PY) -m shifeng.pdf $(ZH)/_build && cp -r $(ZH)/_build/pdf $(OUT)/_build/pdf/zh)

# Quality reports (they never change the book in _build/html).
.PHONY: bench linkcheck repro

bench: data  ## time the builds (English alone, both editions, cached, one chapter, no execution) and load every page against the stock template (a report)
	$(PY) scripts/bench.py

linkcheck: venv  ## check the built book's external links (needs network; prints a report, never fails)
	$(MAKE) --no-print-directory book OUT=$(OUT) || echo "linkcheck: the build reported problems; checking the links of what was built"
	$(PY) scripts/linkcheck_external.py $(OUT)/_build/html || true

repro: data  ## two fresh clones of HEAD, each built by make book as a new user would, compared file by file
	$(PY) scripts/compare_builds.py --build

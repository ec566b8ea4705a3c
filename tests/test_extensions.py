"""The book's Sphinx extensions, each tested on a tiny book with ``sphinx.testing``.

Like sphinx-exercise's own tests: a folder with a ``conf.py`` and a page or two is built
by :class:`sphinx.testing.util.SphinxTestApp`, and the test reads what the builder wrote.
(:mod:`shifeng.ext.cell_outputs` has its own file, ``test_cell_outputs.py``.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from sphinx.errors import ExtensionError
from sphinx_books import NOTEBOOK, build, tiny_book, write_book

from shifeng.ext import downloads, html_fixes, map_assets

# --- evidence: the landing page says whether the quotes were checked ---------------------

EVIDENCE_CONF = """\
extensions = ["myst_parser", "shifeng.ext.evidence"]
myst_enable_extensions = ["substitution", "colon_fence"]
"""


@pytest.mark.parametrize("has_report", [True, False])
def test_evidence_says_whether_the_quotes_were_checked(tmp_path, monkeypatch, has_report):
    sources = tmp_path / "sources"
    sources.mkdir()
    if has_report:
        from shifeng.data import REPORT_FILENAME

        (sources / REPORT_FILENAME).write_text("报道", encoding="utf-8")
    monkeypatch.setenv("SHIFENG_SOURCES", str(sources))
    out, warnings = tiny_book(tmp_path, {"index.md": "# Book\n\n{{ quote_check }}\n"}, EVIDENCE_CONF)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert not warnings
    if has_report:
        assert "every quotation in its data was checked" in html and "admonition" not in html
    else:
        assert 'class="admonition warning"' in html and "<strong>not</strong> checked" in html


# --- mime: a data table is a table in HTML and LaTeX, and never maths -------------------

TABLE_PAGE = NOTEBOOK + """
# Tables

```{code-cell} ipython3
import pandas as pd
from shifeng.tables import Table
Table(pd.DataFrame({"block": ["井墈", "田心"], "works": [4, 6]}), "Works <by> block", {"works": "Works"})
```
"""
MIME_CONF = """\
extensions = ["myst_nb"]
nb_execution_mode = "force"
latex_engine = "xelatex"
"""


def test_a_table_is_html_in_the_web_page_and_no_maths(tmp_path):
    out, warnings = tiny_book(tmp_path, {"index.md": TABLE_PAGE}, MIME_CONF)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="data-table"' in html and "<th" in html and ">Works</th>" in html
    assert "Works &lt;by&gt; block" in html  # escaped caption
    assert "math" not in html.replace("mathjax_ignore", "").lower(), "a table must not make maths (or load MathJax)"
    assert "unknown_mime_type" not in warnings


def test_a_table_is_a_longtable_in_latex_not_maths(tmp_path):
    out, _ = tiny_book(tmp_path, {"index.md": TABLE_PAGE}, MIME_CONF, builder="latex")
    tex = next(out.glob("*.tex")).read_text(encoding="utf-8")
    assert "\\begin{longtable}" in tex and "\\begingroup\\small" in tex
    assert "\\begin{equation" not in tex and "\\[" not in tex.split("\\begin{document}")[1]


# --- html_fixes: each inline script once; citation entries are list items; stable cell ids

FIXES_CONF = """\
extensions = ["myst_nb", "shifeng.ext.html_fixes", "late_script"]
nb_execution_mode = "force"
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
"""
LATE_SCRIPT = """\
def add(app):
    app.add_js_file(None, body="const LATE_SCRIPT = 1;")


def setup(app):
    # like sphinx-thebe: an inline script added once the builder exists
    app.connect("builder-inited", add)
"""
CITATION_PAGE = """\
A claim [CIT2002]_.

.. [CIT2002] A citation.
"""


def test_html_fixes_on_a_tiny_book(tmp_path):
    page = NOTEBOOK + "\n# Page\n\n```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell} ipython3\nx + 1\n```\n"
    out, _ = tiny_book(
        tmp_path,
        {"index.md": page, "late_script.py": LATE_SCRIPT, "cites.rst": "Cites\n=====\n\n" + CITATION_PAGE},
        FIXES_CONF + 'exclude_patterns = ["late_script.py"]\n',
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("const LATE_SCRIPT = 1;") == 1, "an inline script added late is written once"
    cites = (out / "cites.html").read_text(encoding="utf-8")
    assert 'role="doc-biblioentry"' not in cites and 'role="listitem"' in cites
    notebook = nbformat.read(out.parent / "jupyter_execute" / "index.ipynb", as_version=4)
    ids = [cell["id"] for cell in notebook.cells]
    assert ids == [html_fixes.stable_id(i, cell) for i, cell in enumerate(notebook.cells)]


# --- map_assets: Leaflet, jQuery and the boundary from the book itself ------------------


def test_map_assets_are_copied_into_an_html_build_only(tmp_path):
    conf = 'extensions = ["shifeng.ext.map_assets"]\n'
    out, _ = tiny_book(tmp_path / "html", {"index.rst": "Maps\n====\n"}, conf)
    for _, _, _, target in map_assets.ASSETS:
        assert (out / map_assets.OUT_DIR / target).exists(), target
    boundary = (out / map_assets.OUT_DIR / map_assets.BOUNDARY_SCRIPT).read_text(encoding="utf-8")
    assert boundary.startswith(f"window.{map_assets.BOUNDARY_GLOBAL} = ")
    assert not (out / "_static" / "leaflet").exists()
    latex, _ = tiny_book(tmp_path / "latex", {"index.rst": "Maps\n====\n"}, conf, builder="latex")
    assert not (latex / map_assets.OUT_DIR).exists()


def test_a_map_document_that_no_page_shows_is_removed_at_the_end_of_a_build(tmp_path):
    frames = f"{map_assets.OUT_DIR}/{map_assets.FRAMES_DIR}"
    page = f"Maps\n====\n\n.. raw:: html\n\n   <iframe data-src=\"{frames}/shown-1.html\"></iframe>\n"
    conf = 'extensions = ["shifeng.ext.map_assets"]\n'
    out, _ = tiny_book(tmp_path, {"index.rst": page}, conf)
    (out / frames).mkdir(parents=True, exist_ok=True)
    for name in ("shown-1.html", "stale-0.html"):  # as a rebuild that changed a map leaves them
        (out / frames / name).write_text("<html></html>", encoding="utf-8")
    assert map_assets.remove_unshown_frames(out) == [out / frames / "stale-0.html"]
    assert sorted(p.name for p in (out / frames).iterdir()) == ["shown-1.html"]
    (out / frames / "stale-0.html").write_text("<html></html>", encoding="utf-8")
    out, _ = tiny_book(tmp_path, {"index.rst": page + "\nEdited.\n"}, conf)  # the extension does it itself
    assert sorted(p.name for p in (out / frames).iterdir()) == ["shown-1.html"]


# --- downloads and pdf: a tiny book with a table of contents ----------------------------

TOC = """\
format: jb-book
root: index
parts:
  - caption: The case
    numbered: true
    chapters:
      - file: book/01-one
      - file: book/02-two
"""
BOOK_CONF = """\
extensions = ["myst_nb", "sphinx_external_toc", "sphinx_book_theme", "sphinx_jupyterbook_latex", "sphinxcontrib.bibtex",
              "shifeng.ext.downloads", "shifeng.pdf"]
bibtex_bibfiles = ["refs.bib"]
jblatex_captions_to_parts = False
external_toc_path = "_toc.yml"
html_theme = "sphinx_book_theme"
html_theme_options = {{"repository_url": "{url}", "launch_buttons": {{"notebook_interface": "classic"}}}}
nb_execution_mode = "force"
latex_engine = "xelatex"
latex_documents = [("index", "book.tex", "Tiny", "Authors", "manual")]
shifeng_pdf_bibliography_doc = ""
"""
PAGES = {
    "index.md": "# Tiny book\n\nA landing page.\n\n```{tableofcontents}\n```\n",
    "book/01-one.md": NOTEBOOK + "\n(01-one)=\n# One\n\nSee {ref}`02-two` {cite:p}`report`.\n\n```{code-cell} ipython3\n1 + 1\n```\n",
    "refs.bib": "@misc{report, title = {The report}, author = {Reporter, A.}, year = {2018}}\n",
    "book/02-two.md": NOTEBOOK + "\n(02-two)=\n# Two\n\nBack to {ref}`01-one`.\n\n```{code-cell} ipython3\n2 + 2\n```\n",
}


def build_book(tmp_path, builder="html", url="", pdfs: Path | None = None, monkeypatch=None):
    if monkeypatch is not None:
        if pdfs is None:
            monkeypatch.delenv(downloads.PDFS_ENV, raising=False)
        else:
            monkeypatch.setenv(downloads.PDFS_ENV, str(pdfs))
    return tiny_book(tmp_path, PAGES, BOOK_CONF.format(url=url), builder=builder, toc=TOC)


def test_downloads_offer_the_notebook_and_no_pdf_unless_told(tmp_path, monkeypatch):
    stale = tmp_path / "_build" / "pdf"  # a PDF an earlier command left behind is not linked
    stale.mkdir(parents=True)
    (stale / "book.pdf").write_bytes(b"%PDF-1.4 stale")
    out, _ = build_book(tmp_path, monkeypatch=monkeypatch)
    page = (out / "book" / "01-one.html").read_text(encoding="utf-8")
    assert (out / "_sources" / "book" / "01-one.ipynb").is_file() and "01-one.ipynb" in page
    assert "pdf/chapters/" not in page and "Handout" not in page and not (out / downloads.HTML_PDF_DIR).exists()
    assert "mybinder" not in page, "no launch button without a repository URL"


def test_downloads_link_every_pdf_when_told_and_stop_when_one_is_missing(tmp_path, monkeypatch):
    pdfs = tmp_path / "pdfs"
    (pdfs / "chapters").mkdir(parents=True)
    (pdfs / "book.pdf").write_bytes(b"%PDF-1.4 book")
    (pdfs / "chapters" / "01-one.pdf").write_bytes(b"%PDF-1.4 one")
    with pytest.raises(ExtensionError, match="02-two.pdf"):
        build_book(tmp_path / "missing", pdfs=pdfs, monkeypatch=monkeypatch)
    (pdfs / "chapters" / "02-two.pdf").write_bytes(b"%PDF-1.4 two")
    out, _ = build_book(tmp_path / "complete", pdfs=pdfs, url="https://github.com/example/book", monkeypatch=monkeypatch)
    page = (out / "book" / "02-two.html").read_text(encoding="utf-8")
    assert "pdf/chapters/02-two.pdf" in page and (out / "pdf" / "chapters" / "02-two.pdf").read_bytes() == b"%PDF-1.4 two"
    assert "pdf/book.pdf" in (out / "index.html").read_text(encoding="utf-8")
    assert "mybinder.org" in page, "a repository URL turns on the Binder button"


def test_pdf_writes_the_book_and_a_handout_per_chapter(tmp_path, monkeypatch):
    out, _ = build_book(tmp_path, builder="latex", monkeypatch=monkeypatch)
    manifest = json.loads((out / "shifeng-pdf.json").read_text(encoding="utf-8"))
    assert manifest == {"book": "book.tex", "handouts": [{"tex": "01-one.tex", "editions": ["handout"]},
                                                         {"tex": "02-two.tex", "editions": ["handout"]}]}
    book = (out / "book.tex").read_text(encoding="utf-8")
    assert "\\tracinglostchars=3" in book, "a missing character must stop xelatex"
    assert "\\documentclass" in book and "shifengbook" in book
    handout = (out / "01-one.tex").read_text(encoding="utf-8")
    # the handout holds chapter 1 only: its reference to chapter 2 prints as text
    assert "Two" in handout and "(Chapter 2)" in handout and "02-two}" not in handout.split("\\begin{document}")[1]
    assert "\\setcounter{chapter}{0}" in handout
    assert "The report" in handout.split("\\begin{document}")[1], "a handout lists the sources its chapter cites"


# --- translation: a tiny book in two languages ------------------------------------------------

TRANSLATED_PAGE = NOTEBOOK + """
# Counts

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
glue("blocks", 6, display=False)
```

The district drew {glue:}`blocks` blocks.

This paragraph has no translation.

```{exercise} Counting blocks
:label: ex-count

How many blocks?
```

```{solution} ex-count
Six.
```
"""

TRANSLATION_CONF = """
extensions = ["myst_nb", "sphinx_exercise", "shifeng.ext.translation"]
nb_execution_mode = "force"
language = "zh_CN"
locale_dirs = ["locales"]
gettext_compact = False
exclude_patterns = ["_build"]
"""


def _catalog(path, messages: dict[str, str]) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_mo(handle, catalog)


def test_translation_pastes_glue_translates_exercise_titles_and_reports_the_rest(tmp_path, monkeypatch):
    from bs4 import BeautifulSoup

    src = tmp_path / "src"
    _catalog(src / "locales" / "zh_CN" / "LC_MESSAGES" / "index.mo", {
        "Counts": "数目",
        "The district drew {glue:}`blocks` blocks.": "全区划出了{glue:}`blocks`个街区。",
        "Counting blocks": "数街区",
        "How many blocks?": "有几个街区？",
        "Six.": "六个。",
    })
    monkeypatch.delenv("SHIFENG_REQUIRE_TRANSLATIONS", raising=False)

    write_book(src, {"index.md": TRANSLATED_PAGE}, TRANSLATION_CONF)
    out, warnings = build(src, tmp_path / "_build")
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = page.get_text(" ")
    assert "No key" not in warnings, warnings
    assert "全区划出了" in text and "6" in page.select_one("span.output.text_plain, span.pasted-inline").get_text()
    assert "数街区" in text and "Counting blocks" not in text, "the exercise's or its solution's title is in English"
    assert "This paragraph has no translation." in text  # shown in English ...
    # ... and listed at the end of the build (a warning only under SHIFENG_REQUIRE_TRANSLATIONS=1)
    monkeypatch.setenv("SHIFENG_REQUIRE_TRANSLATIONS", "1")
    _, strict = build(src, tmp_path / "_build_strict")
    assert "untranslated: 'This paragraph has no translation.'" in strict, strict


def test_the_gettext_builder_extracts_exercise_titles(tmp_path):
    src = write_book(tmp_path / "src", {"index.md": TRANSLATED_PAGE},
                     TRANSLATION_CONF.replace('language = "zh_CN"', 'language = "en"'))
    out, _ = build(src, tmp_path / "_build", "gettext")
    pot = (out / "index.pot").read_text(encoding="utf-8")
    assert 'msgid "Counting blocks"' in pot
    assert 'msgid "The district drew {glue:}`blocks` blocks."' in pot


# --- light: the page's own rules, in the page; nothing served that no page loads ----------

LIGHT_CONF = f"""\
extensions = ["myst_parser", "shifeng.ext.light"]
html_theme = "sphinx_book_theme"
templates_path = [{str(Path(__file__).resolve().parent.parent / "_templates")!r}]
"""
LIGHT_PAGE = """\
# A tiny book

A paragraph, and a block of code:

```python
x = 1
```
"""


def test_light_puts_each_pages_own_rules_in_the_page(tmp_path):
    out, warnings = tiny_book(tmp_path, {"index.md": LIGHT_PAGE}, LIGHT_CONF)
    assert "Extension error" not in warnings
    page = (out / "index.html").read_text(encoding="utf-8")
    own = page.split('<style data-rules-of="_static/styles/book-bundle.css">', 1)[1].split("</style>", 1)[0]
    assert "--pst-color-primary" in own and ".bd-article" in own  # the theme's, for this page
    assert ".carousel-item" not in own  # Bootstrap's, for components the page lacks
    assert "book-bundle.css" not in page.replace('data-rules-of="_static/styles/book-bundle.css"', "")
    assert 'rel="stylesheet"' not in page.split("</head>", 1)[0]
    assert "fontawesome.js" not in page and (out / "_static/styles/book-bundle.css").is_file()
    assert not list((out / "_static").rglob("*.map")) and not list((out / "_static").rglob("fontawesome.js"))
    # the one script the head ran before the first paint: its settings, in the page
    head = page.split("</head>", 1)[0]
    assert head.count('<script data-inlined-from="_static/documentation_options.js">\nconst DOCUMENTATION_OPTIONS') == 1
    assert not re.findall(r"<script(?![^>]*\bdefer)[^>]*\bsrc=", head), "a script file that holds up the first paint"


def test_light_on_a_rebuild_after_a_stylesheet_changed_puts_its_new_rules_in_every_page(tmp_path):
    """Sphinx looks at sources and templates only: with a stylesheet of ``_static`` edited and
    nothing else, it wrote no page and copied no file, and every page kept the old rules."""
    conf = LIGHT_CONF + 'html_static_path = ["_static"]\nhtml_css_files = ["book.css"]\n'
    other = "# Another page\n\nIt is not edited.\n\n```python\ny = 2\n```\n\n```{toctree}\n```\n"
    src = write_book(tmp_path / "src", {"index.md": LIGHT_PAGE + "\n```{toctree}\nother\n```\n", "other.md": other}, conf)
    (src / "_static").mkdir()
    (src / "_static" / "book.css").write_text("pre { tab-size: 3; }\n", encoding="utf-8")
    out, _ = build(src, tmp_path / "_build")
    assert "tab-size:3" in (out / "index.html").read_text(encoding="utf-8").replace(" ", "")
    (src / "_static" / "book.css").write_text("pre { tab-size: 5; }\n", encoding="utf-8")
    out, warnings = build(src, tmp_path / "_build")
    for name in ("index.html", "other.html"):
        rules = (out / name).read_text(encoding="utf-8").split("<style data-rules-of=", 1)[1].split("</style>")[0]
        assert "tab-size:5" in rules.replace(" ", "") and "tab-size:3" not in rules.replace(" ", ""), (name, warnings)
    assert "tab-size: 5" in (out / "_static" / "book.css").read_text(encoding="utf-8")


def test_light_on_a_rebuild_leaves_a_page_as_it_was_or_puts_its_rules_in_again(tmp_path):
    other = "# Another page\n\nIt is not edited.\n\n```{toctree}\n```\n"
    src = write_book(tmp_path / "src", {"index.md": LIGHT_PAGE + "\n```{toctree}\nother\n```\n", "other.md": other}, LIGHT_CONF)
    out, _ = build(src, tmp_path / "_build")
    first = (out / "index.html").read_text(encoding="utf-8")
    other_first = (out / "other.html").read_text(encoding="utf-8")
    out, warnings = build(src, tmp_path / "_build")  # nothing changed: Sphinx does not write the page again
    again = (out / "index.html").read_text(encoding="utf-8")
    assert again.count("<style data-rules-of=") == 1 and again == first, warnings
    (src / "index.md").write_text(LIGHT_PAGE + "\nOne more paragraph.\n\n```{toctree}\nother\n```\n", encoding="utf-8")
    out, _ = build(src, tmp_path / "_build")  # the page changed: written again, its rules put in again
    edited = (out / "index.html").read_text(encoding="utf-8")
    assert edited.count("<style data-rules-of=") == 1 and "One more paragraph" in edited
    assert edited.count("data-inlined-from=") == 1
    # the page not written again keeps one copy of each, put in anew
    other_again = (out / "other.html").read_text(encoding="utf-8")
    assert other_again.count("<style data-rules-of=") == 1 and other_again.count("data-inlined-from=") == 1
    assert other_again == other_first
    assert edited.split("<style data-rules-of=", 1)[1].split("</style>")[0] == first.split("<style data-rules-of=", 1)[1].split("</style>")[0]

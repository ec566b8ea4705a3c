"""The built HTML book: every page of the table of contents is there, in the
shape the book promises, with its tables computed from the data."""

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from shifeng import data, toc

REPO = data.REPO_ROOT
HTML = Path(os.environ.get("BOOK_HTML") or REPO / "_build" / "html")
pytestmark = pytest.mark.build


def toc_files():
    return toc.docnames()


def case_chapters():
    return [c.docname for c in toc.case_chapters()]


def page(docname):
    path = HTML / f"{docname}.html"
    assert path.exists(), f"{path} was not built: run make book"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_text(soup):
    return soup.find("main").get_text(" ", strip=True)


def test_the_book_was_built():
    assert (HTML / "index.html").exists(), "run make book first"


@pytest.mark.parametrize("docname", toc_files())
def test_every_toc_page_is_built_with_a_title(docname):
    soup = page(docname)
    assert soup.find("h1"), docname
    assert "Shifeng Beautiful Communities" in soup.title.get_text()


def test_landing_page_says_what_for_whom_how_to_read_cite_and_made():
    text = main_text(page("index"))
    for heading in ("Who it is for", "How to read it", "How it was made", "How to cite it"):
        assert heading in text
    assert "石峰区" in text and "Zhuzhou Daily" in text


@pytest.mark.parametrize("docname", case_chapters())
def test_every_chapter_has_the_book_shape(docname):
    soup = page(docname)
    text = main_text(soup)
    for part in ("Learning objectives", "Summary", "Discussion questions", "Exercises"):
        assert part in text, f"{docname}: no '{part}'"
    exercises = soup.select("div.exercise")
    solutions = soup.select("div.solution")
    assert len(exercises) >= 2 and len(solutions) >= len(exercises), docname


def test_no_stub_page_is_left():
    stubs = [d for d in toc_files() if "This chapter is being written" in main_text(page(d))]
    assert stubs == []


def test_no_cell_error_or_stderr_reached_a_page():
    for path in HTML.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in html, path
        assert 'class="output stderr"' not in html, path


def test_the_data_appendix_lists_every_table_and_source_from_the_data():
    soup = page("book/appendix-data")
    text = main_text(soup)
    for name in data.tables():
        assert f"data/{name}.csv" in text
    for source_id in data.load("sources")["source_id"]:
        assert source_id in text
    # the key figures table shows the report's own words
    assert "将全区5个街道、33个社区所辖范围划成6大街区" in text
    assert soup.select("table.data-table")


def _codes() -> set[str]:
    """Every coded value of the data package (:func:`shifeng.checks.codes`)."""
    import json

    from shifeng import checks

    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return {v for r in package["resources"] for f in r["schema"]["fields"] for v in checks.codes(f)}


def test_no_table_cell_of_either_edition_prints_a_coded_value():
    codes = _codes()
    assert "election_completed" in codes  # the check below has something to find
    printed, cells = [], 0
    for path in sorted(HTML.rglob("*.html")):
        if any(part.startswith("_") for part in path.relative_to(HTML).parts[:-1]):
            continue
        for cell in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select("main td, main th"):
            cells += 1
            if cell.get_text(strip=True) in codes:
                printed.append(f"{path.relative_to(HTML)}: {cell.get_text(strip=True)}")
    assert cells > 1000, f"only {cells} table cells in {HTML}: is the book built?"
    assert printed == [], "a table prints the data's code, not its label (data/datapackage.json shifeng:labels)"
    assert "election completed" in main_text(page("book/08-outcomes"))

"""The facts layer: every value a page glues is computed once in shifeng.facts, and the
built page shows exactly that value, in the place the source puts it.

A page's ``{glue:}`name``` roles are read from its MyST source in order; the built HTML
renders each as ``<span class="output text_plain">`` in the same order (prose,
captions, exercises and solutions alike). Each must read as the facts layer's value.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from shifeng import facts, toc
from shifeng.facts import FactError

GLUE_ROLE = re.compile(r"\{glue(?::\w*)?\}`([^`]+)`")


def glued_names(source: str) -> list[str]:
    return GLUE_ROLE.findall(source)


def test_every_fact_has_one_name_and_a_value():
    values = facts.all_facts()
    assert len(values) > 100
    assert all(isinstance(v, int | str) and v != "" for v in values.values())


def test_every_glued_name_is_a_fact():
    values = facts.all_facts()
    for chapter in toc.chapters():
        missing = sorted(set(glued_names(chapter.source.read_text(encoding="utf-8"))) - set(values))
        assert not missing, f"{chapter.docname} glues {missing}, which shifeng/facts.py does not compute"


def test_a_claim_with_two_candidates_is_refused(monkeypatch):
    with pytest.raises(FactError, match="the prose claims one"):
        facts._only(["tianxin", "jingkan"], "the block with the most works built")


def test_chapters_compute_nothing():
    """A chapter's code cells only call the shared package: no pandas, no glue(), no loop over data."""
    for chapter in toc.chapters():
        source = chapter.source.read_text(encoding="utf-8")
        code = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", source, flags=re.S))
        for forbidden in (r"import pandas", r"from myst_nb import glue", r"data\.load\(", r"\.groupby\(",
                          r"^\s*for .+ in ", r"re\.search"):
            found = re.search(forbidden, code, flags=re.M)
            assert not found, f"{chapter.docname}: computes in a cell ({found.group(0)!r}); move it to shifeng/"


GLUING = [c for c in toc.chapters() if glued_names(c.source.read_text(encoding="utf-8"))]


@pytest.mark.build
@pytest.mark.parametrize("chapter", GLUING, ids=lambda c: c.stem)
def test_the_page_shows_every_glued_value_as_computed(chapter, book_html):
    names = glued_names(chapter.source.read_text(encoding="utf-8"))
    page = book_html / f"{chapter.docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    shown = [span.get_text() for span in soup.select("main span.output.text_plain")]
    values = facts.all_facts()
    assert len(shown) == len(names), f"{page.name}: {len(names)} glue roles in the source, {len(shown)} on the page"
    wrong = [(n, values[n], s) for n, s in zip(names, shown) if facts.shown(values[n]) != s]
    assert not wrong, f"{page.name}: (name, computed, shown): {wrong[:5]}"

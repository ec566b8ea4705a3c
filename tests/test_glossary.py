"""The glossary page is generated from data/glossary.csv, and every linked term is in it."""

import csv
import re

import pytest

from shifeng.data import REPO_ROOT, load
from shifeng.glossary import GLOSSARY_PATH, render, sort_key

# {term}`街区` or {term}`the blocks <街区>`
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def term_targets(text: str) -> list[str]:
    """The glossary keys that ``{term}`` roles in ``text`` point to."""
    targets = []
    for body in TERM_ROLE.findall(text):
        explicit = re.fullmatch(r"(?s).*<([^<>]+)>\s*", body)
        targets.append((explicit.group(1) if explicit else body).strip())
    return targets


def book_pages():
    return sorted((REPO_ROOT / "book").glob("*.md")) + [REPO_ROOT / "index.md"]


def test_glossary_page_is_generated_from_the_table():
    assert GLOSSARY_PATH.read_text(encoding="utf-8") == render(), (
        "book/glossary.md is out of date: run `python -m shifeng.glossary`"
    )


@pytest.mark.parametrize("page", book_pages(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_every_linked_term_has_a_row(page):
    hanzi = set(load("glossary")["hanzi"])
    missing = sorted(set(term_targets(page.read_text(encoding="utf-8"))) - hanzi)
    assert not missing, f"{page.relative_to(REPO_ROOT)} links terms missing from data/glossary.csv: {missing}"


def test_every_row_is_on_the_page():
    page = render()
    for hanzi in load("glossary")["hanzi"]:
        assert re.search(rf"^{re.escape(hanzi)}$", page, flags=re.M), f"{hanzi} is not a term of the page"


def test_term_roles_are_parsed():
    text = "A {term}`街区`, the {term}`blocks <街区>` and {term}`社区`."
    assert term_targets(text) == ["街区", "街区", "社区"]


def test_terms_sort_by_pinyin_without_tones():
    assert sort_key("Shífēng Qū") == "shifengqu"
    assert sort_key("zhì'ān") == "zhian"
    assert sort_key("ǎi") < sort_key("bā")


# --- one Chinese term, one English rendering -----------------------------------------

INLINE_GLOSS = re.compile(r"\{term\}`([^`<]+)`\s*\(\*[^*]+\*,\s*([^)]+)\)")
KEY_TERM = re.compile(r"^- \{term\}`([^`<]+)`\s*\(\*[^*]+\*\):\s*(.+)$", re.M)


def _words(text: str) -> list[str]:
    """The words of a rendering, to compare: lower case, no articles, quotes or parentheses, singular."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    words = [w for w in re.split(r"[^a-z–]+", text) if w and w not in ("a", "an", "the")]
    return [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words]


def renderings() -> list[tuple[str, str, str, str]]:
    """(page, term, the English a chapter gives it, the glossary's), for every term a chapter glosses."""
    glossary = {row["hanzi"]: row["english"] for row in csv.DictReader((REPO_ROOT / "data" / "glossary.csv").open(encoding="utf-8"))}
    found = []
    for path in book_pages():
        if path.name == "glossary.md":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_GLOSS, KEY_TERM):
            for match in pattern.finditer(text):
                term, gloss = match.group(1), re.sub(r"\s+", " ", match.group(2))
                if term in glossary and not gloss.startswith("see "):
                    found.append((path.name, term, gloss, glossary[term]))
    return found


def test_every_chapter_renders_a_term_as_the_glossary_does():
    """Where a chapter glosses a term, in its key terms or inline, it opens with the glossary's
    English (names excepted: the glossary's English is the name, the chapter may describe it)."""
    found = renderings()
    assert len(found) > 100
    wrong = []
    for page, term, gloss, english in found:
        if english[:1].isupper():  # a proper name
            continue
        expected, given = _words(english), _words(gloss)
        if given[: len(expected[:3])] != expected[:3]:
            wrong.append(f"{page}: {term} glossed {gloss!r}, the glossary says {english!r}")
    assert not wrong, "\n".join(wrong)

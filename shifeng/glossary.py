"""``python -m shifeng.glossary``: write ``book/glossary.md`` from ``data/glossary.csv``.

The glossary table is the one list of the book's Chinese terms. The page is
derived from it (``tests/test_glossary.py`` checks that the two agree, and that
every ``{term}`` role in the book names a row of the table).

Each term is keyed by its characters, so prose links a term as ``{term}`街区```.
The page holds one Sphinx ``glossary`` directive per initial letter of the
pinyin, terms sorted by pinyin without tones; each entry gives the pinyin, the
English and the definition.
"""

from __future__ import annotations

import sys
import unicodedata
from itertools import groupby

from shifeng.data import REPO_ROOT, load

GLOSSARY_PATH = REPO_ROOT / "book" / "glossary.md"

HEADER = """\
% Generated from data/glossary.csv by `python -m shifeng.glossary`: edit the CSV, not this file.

(glossary)=
# Glossary

Every Chinese term this book uses, in characters, with its pinyin, an English
rendering and a short definition. Terms are in the alphabetical order of their
pinyin, tones aside. A term linked in a chapter, such as {term}`街区`, leads here.
Definitions explain how the book and its sources use a word; they are not
official translations.
"""


def sort_key(pinyin: str) -> str:
    """Pinyin without tone marks, apostrophes or spaces, lower case: ``"Shífēng Qū"`` -> ``"shifengqu"``."""
    bare = "".join(c for c in unicodedata.normalize("NFD", pinyin) if not unicodedata.combining(c))
    return "".join(c for c in bare.lower() if c.isalnum())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def entry(hanzi: str, pinyin: str, english: str, definition: str) -> str:
    """One glossary entry: the term line, then the indented definition."""
    return f"{hanzi}\n  *{_one_line(pinyin)}*: {_one_line(english)}. {_one_line(definition)}\n"


def render() -> str:
    """The MyST source of ``book/glossary.md``."""
    terms = load("glossary")
    rows = sorted(terms.itertuples(index=False), key=lambda r: (sort_key(r.pinyin), r.hanzi))
    parts = [HEADER]
    for letter, group in groupby(rows, key=lambda r: sort_key(r.pinyin)[:1].upper()):
        parts.append(f"\n## {letter}\n\n```{{glossary}}\n")
        parts.append("\n".join(entry(r.hanzi, r.pinyin, r.english, r.definition) for r in group))
        parts.append("```\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    GLOSSARY_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {GLOSSARY_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The book's table of contents (``_toc.yml``), read in one place.

The teacher's guide, the reading times, the handouts and the tests all follow the
order and the parts of ``_toc.yml``; none keeps its own list of chapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
TOC_FILE = REPO_ROOT / "_toc.yml"


@dataclass(frozen=True)
class Chapter:
    """One entry of the table of contents."""

    docname: str  #: ``book/05-four-blocks``
    part: str  #: the caption of its part (``The case``)
    numbered: bool  #: in a numbered part

    @property
    def stem(self) -> str:
        """The file name without folder and suffix (``05-four-blocks``), the chapter's URL name."""
        return self.docname.rsplit("/", 1)[-1]

    @property
    def source(self) -> Path:
        return REPO_ROOT / f"{self.docname}.md"

    def front_matter(self) -> dict:
        """The YAML front matter of the chapter's source (empty when it has none)."""
        text = self.source.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            return {}
        return yaml.safe_load(text[4 : text.index("\n---\n", 4)]) or {}


@cache
def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def root(path: Path = TOC_FILE) -> str:
    """The landing page's docname (``index``)."""
    return _read(path)["root"]


def _entries(entries, part: str, numbered: bool):
    for entry in entries or []:
        if "file" in entry:
            yield Chapter(entry["file"], part, numbered)
        yield from _entries(entry.get("sections"), part, numbered)


def chapters(path: Path = TOC_FILE) -> list[Chapter]:
    """Every page after the landing page, in reading order (sections after their chapter)."""
    toc = _read(path)
    found = []
    for part in toc.get("parts", []):
        found += _entries(part.get("chapters"), part.get("caption", ""), bool(part.get("numbered")))
    found += _entries(toc.get("chapters"), "", bool(toc.get("numbered")))
    return found


def case_chapters(path: Path = TOC_FILE) -> list[Chapter]:
    """The chapters of the case (the numbered part): the ones with objectives and exercises."""
    return [c for c in chapters(path) if c.numbered]


def docnames(path: Path = TOC_FILE) -> list[str]:
    """The landing page and every chapter, in reading order."""
    return [root(path)] + [c.docname for c in chapters(path)]

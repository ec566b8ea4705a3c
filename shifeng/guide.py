"""The teacher's guide's chapter map, read from ``_toc.yml`` and the chapters themselves.

Each chapter's front matter says what it covers and its key question (``teaching:``,
where ``{fact:name}`` stands for a value of :mod:`shifeng.facts`);
its reading time is a fact (:func:`shifeng.facts.reading_times`). The guide keeps no
list of chapters of its own: a chapter added to ``_toc.yml`` appears in the map.
"""

from __future__ import annotations

import re

from shifeng import facts, i18n, toc


class MystMarkdown(str):
    """MyST Markdown for a page (roles such as ``{ref}`` work when the cell renders Markdown as MyST)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def chapter_map() -> MystMarkdown:
    """A table of every chapter with teaching notes: link, reading time, what it covers, its key question."""
    values = facts.all_facts()
    heads = [i18n._("Chapter"), i18n._("Reading time (min)"), i18n._("What it covers"), i18n._("Key question")]
    rows = ["| " + " | ".join(heads) + " |", "|---|---|---|---|"]
    for chapter in toc.chapters():
        teaching = chapter.front_matter().get("teaching")
        if not teaching:
            continue
        minutes = values[f"minutes_{chapter.stem.split('-')[0]}"]
        # {fact:name} in the front matter: a value of the facts layer
        covers_en, question_en = teaching["covers"], teaching["question"]
        covers = re.sub(r"\{fact:(\w+)\}", lambda m: str(values[m.group(1)]), i18n.gettext(covers_en))
        question = i18n.gettext(question_en)
        rows.append(f"| {{ref}}`{chapter.stem}` | {minutes} | {_cell(covers)} | {_cell(question)} |")
    return MystMarkdown("\n".join(rows) + "\n")

"""The book's outline for print: its parts and chapters, from the table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shifeng import i18n


def parts(app) -> list[dict[str, Any]]:
    """The book's parts (the root's toctrees in ``_toc.yml``), in order, each with its
    caption, its kind and its chapters. A numbered part's chapters are chapters 1, 2, ...;
    an unnumbered part after a numbered one starts the appendices (A, B, ...); an
    unnumbered part before any numbered one is front matter (no numbers).

    Each chapter: docname, label ("Chapter 3", "Appendix B" or "") and ``setup``, the
    LaTeX that gives a handout the chapter's number in the book."""
    site_map = getattr(app.env, "external_site_map", None) or app.config.external_site_map
    root = site_map[site_map.root.docname]
    result = []
    number = letter = 0
    seen_numbered = appendix = False
    for tree in root.subtrees:
        if tree.numbered and not appendix:
            kind, seen_numbered = "numbered", True
        elif seen_numbered or appendix:
            kind = "appendix"
        else:
            kind = "front"
        # a translated edition's caption (shifeng.ext.translation), else _toc.yml's
        caption = getattr(app.env, "shifeng_toc_captions", {}).get(tree.caption, tree.caption)
        part = {"caption": caption, "kind": kind, "appendix_start": kind == "appendix" and not appendix,
                "chapters": []}
        appendix = appendix or kind == "appendix"
        for docname in tree.files():
            if kind == "appendix":
                letter += 1
                label = i18n._("Appendix {letter}").format(letter=chr(ord("A") + letter - 1))
                setup = rf"\appendix\setcounter{{chapter}}{{{letter - 1}}}"
            elif kind == "numbered":
                number += 1
                label, setup = i18n._("Chapter {number}").format(number=number), rf"\setcounter{{chapter}}{{{number - 1}}}"
            else:
                label, setup = "", r"\setcounter{secnumdepth}{-1}"
            part["chapters"].append({"docname": docname, "label": label, "setup": setup})
        result.append(part)
    return result


def outline(app) -> list[dict[str, Any]]:
    """Every chapter of the book, in order (see :func:`parts`)."""
    return [chapter for part in parts(app) for chapter in part["chapters"]]


def handout_name(docname: str, docnames: list[str]) -> str:
    """``book/03-working-with-residents`` -> ``03-working-with-residents`` (unique)."""
    base = docname.rsplit("/", 1)[-1]
    clashes = [d for d in docnames if d.rsplit("/", 1)[-1] == base]
    return base if len(clashes) == 1 else docname.replace("/", "-")




#: a chapter with exercises has two handouts, one without a chapter's solutions and a
#: teacher's key with them; any other chapter has one
EDITIONS = ("student", "key")


def editions(app, docname: str) -> tuple[str, ...]:
    """The handout editions of a chapter: :data:`EDITIONS` if it has exercises, else ("handout",)."""
    source = Path(app.srcdir) / f"{docname}.md"
    has_exercises = source.is_file() and "{exercise}" in source.read_text(encoding="utf-8")
    return EDITIONS if has_exercises else ("handout",)

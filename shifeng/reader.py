"""A chapter as a notebook a reader can open in plain JupyterLab and run.

The book's pages are MyST notebooks: their Markdown holds roles (``{glue:}``,
``{term}``, ``{cite:p}``, ``{ref}``) and directives (admonitions, exercises, glued
figures) that only the book's build understands. :func:`reader_notebook` turns the
executed page into a notebook in plain Jupyter Markdown: each glued value becomes the
value the page shows, a term its words, a citation its author and year, a reference the
title it points to, a directive a quotation, a heading or a folded ``<details>``. The
code cells stay as they are and lose their outputs: run them, and they draw the same
tables, charts and maps from the data package beside the notebook (see
:mod:`shifeng.bundle`), outside the build shown inline.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import nbformat

from shifeng import data

GLUE_RECORD = "application/papermill.record/text/plain"
ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]*)?)\}`(?P<body>[^`]*)`")
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z:-]+)\}[ \t]*(?P<argument>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                   re.M | re.S)
TARGET = re.compile(r"^\([A-Za-z0-9_-]+\)=[ \t]*\n", re.M)
OPTION = re.compile(r"^:[a-z-]+:.*\n", re.M)


def glued_values(notebook) -> dict[str, str]:
    """Name -> the text a glued value shows, from the notebook's executed outputs."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get(GLUE_RECORD)
            if name and text is not None:
                values[name] = text
    return values


def source_labels() -> dict[str, str]:
    """Source id -> "First author et al., year" (the book's author-year citations)."""
    labels = {}
    for source in data.load("sources").itertuples():
        authors = [a.strip() for a in (source.author or "").split(";") if a.strip()] if isinstance(source.author, str) else []
        who = authors[0] + (" et al." if len(authors) > 2 else f" and {authors[1]}" if len(authors) == 2 else "") if authors \
            else str(source.publisher).split(";")[0]
        year = source.date[:4] if isinstance(source.date, str) else "n.d."
        labels[source.source_id] = f"{who}, {year}"
    return labels


def _explicit(body: str) -> tuple[str | None, str]:
    """``text <target>`` -> (text, target); ``target`` -> (None, target)."""
    match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", body.strip(), re.S)
    return (match.group(1), match.group(2)) if match else (None, body.strip())


def resolve_roles(text: str, glued: dict[str, str], titles: Callable[[str], str], cites: dict[str, str]) -> str:
    def replace(match):
        role, body = match.group("role"), match.group("body")
        shown, target = _explicit(body)
        if role.startswith("glue"):
            if target not in glued:
                raise KeyError(f"the glued value {target!r} is not in the notebook's outputs")
            return glued[target]
        if role == "term":
            return shown or target
        if role in ("ref", "numref", "doc", "eq"):
            return shown or titles(target)
        if role.startswith("cite"):
            keys = [k.strip() for k in target.split(",")]
            names = "; ".join(cites.get(k, k) for k in keys)
            return names if role == "cite:t" else f"({names})"
        return shown or target  # {sub}, {abbr} and others: their text

    return ROLE.sub(replace, text)


def _directive(name: str, argument: str, body: str) -> str:
    body = OPTION.sub("", body).strip()
    if name in ("tableofcontents", "bibliography"):
        return "*(In the book, the list is generated here.)*" if name == "bibliography" else ""
    if name == "glue:figure":
        return f"*Figure: {body}*" if body else ""
    if name == "exercise":
        return f"**Exercise: {argument.strip()}**\n\n{body}"
    if name == "solution":
        return f"<details><summary>Solution</summary>\n\n{body}\n\n</details>"
    title = argument.strip() or name.capitalize()
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"> **{title}**\n>\n{quoted}"


COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


def plain_markdown(text: str, glued, titles, cites) -> str:
    """MyST Markdown as plain Jupyter Markdown (roles resolved, directives rewritten, authors' comments dropped)."""
    text = COMMENT.sub("", text)
    previous = None
    while previous != text:  # directives may nest (a solution in an admonition): innermost first
        previous = text
        text = FENCE.sub(lambda m: _directive(m.group("name"), m.group("argument"), m.group("body")), text)
    text = TARGET.sub("", text)
    return resolve_roles(text, glued, titles, cites)


def reader_notebook(executed, titles: Callable[[str], str], page_url: str = "", intro: str = ""):
    """The reader's version of an executed page (a new notebook; ``executed`` is left alone)."""
    glued, cites = glued_values(executed), source_labels()
    notebook = copy.deepcopy(executed)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, glued, titles, cites)
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    if intro:  # a fixed id: nbformat would give the new cell a random one, and two builds would differ
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(intro, id="reader-intro"))
    notebook.metadata.pop("mystnb", None)
    return notebook


#: what the first cell of every reader notebook says
INTRO = (
    "*This notebook is a chapter of the open book* Shifeng Beautiful Communities{where}. "
    "*To run it, unzip the book's data package ({zip_name}) and put this notebook in the "
    "unzipped folder, install its pinned packages (`python -m pip install -r requirements.txt`), and run the "
    "cells from the top: they draw the chapter's tables, charts and maps from the data.*"
)

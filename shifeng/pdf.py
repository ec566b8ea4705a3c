"""The printed book and the chapter handouts: a Sphinx extension, and ``python -m shifeng.pdf``.

The extension (listed under ``sphinx: extra_extensions`` in ``_config.yml``) acts on
the LaTeX builder only; the HTML book is untouched. It makes one LaTeX run write

- ``book.tex``: the whole book, with a title page and a colophon, the landing page as
  "About this book", the table-of-contents captions as parts, the numbered part's
  chapters numbered 1, 2, ... and the chapters of later, unnumbered parts as
  appendices A, B, ...; one bibliography, where the bibliography chapter is;
- ``<chapter>.tex`` for every chapter in ``_toc.yml``: a handout that starts with the
  book's title and keeps the chapter's number from the book (so "Figure 3.2" is the
  same figure in both), with the chapter's own references at its end.

It also turns the LaTeX tables of :class:`shifeng.data.Table` (``text/latex``, which
MyST-NB would set as display maths) into raw LaTeX.

``python -m shifeng.pdf BUILD_DIR`` then runs xelatex (latexmk) over every ``.tex`` in
``BUILD_DIR/latex`` in parallel, fails on any character a font lacks, and copies the
results to ``BUILD_DIR/pdf/book.pdf`` and ``BUILD_DIR/pdf/chapters/<chapter>.pdf``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from docutils import nodes

BOOK_TARGET = "book"  # book.tex, book.pdf
BOOK_THEME = "shifengbook"  # LaTeX class files in _templates/latex/
HANDOUT_THEME = "shifenghandout"
CLASS_DIR = "_templates/latex"

# ---------------------------------------------------------------------------------------
# The book's outline, from _toc.yml


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
        part = {"caption": tree.caption, "kind": kind, "appendix_start": kind == "appendix" and not appendix,
                "chapters": []}
        appendix = appendix or kind == "appendix"
        for docname in tree.files():
            if kind == "appendix":
                letter += 1
                label = f"Appendix {chr(ord('A') + letter - 1)}"
                setup = rf"\appendix\setcounter{{chapter}}{{{letter - 1}}}"
            elif kind == "numbered":
                number += 1
                label, setup = f"Chapter {number}", rf"\setcounter{{chapter}}{{{number - 1}}}"
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


# ---------------------------------------------------------------------------------------
# Sphinx events


def _is_latex(app) -> bool:
    return getattr(app.builder, "name", "") == "latex"


def tune_config(app, config) -> None:
    """Drop ucharclasses (loaded by sphinx-jupyterbook-latex, unused, and it fights xeCJK
    over XeTeX's character classes); define the book's facts as LaTeX macros."""
    elements = config.latex_elements
    preamble = elements.get("preamble", "")
    preamble = re.sub(r"\\usepackage\[[^\]]*\]\{ucharclasses\}", "", preamble)
    elements["preamble"] = preamble + "\n" + _book_macros(app, config)


def book_title(config) -> str:
    """The book's title: Jupyter Book's ``title`` (``html_title``), not Sphinx's ``project``."""
    return config.html_title or config.project


def _latex_escape(text: str) -> str:
    from sphinx.util.texescape import escape

    return escape(str(text))


def _book_macros(app, config) -> str:
    """``\\shifengtitle``, ``\\shifengsubtitle``, ``\\shifengversion`` ... from CITATION.cff
    and the config, for the title page, the colophon and the handouts' heading."""
    import yaml

    cff_path = Path(app.srcdir) / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.exists() else {}
    title = book_title(config)
    full_title = cff.get("title", title)
    subtitle = full_title[len(title):].lstrip(":–— ").strip() if full_title.startswith(title) else ""
    url = (config.html_theme_options or {}).get("repository_url", "") or ""
    values = {
        "shifengtitle": title,
        "shifengsubtitle": subtitle[:1].upper() + subtitle[1:],
        "shifengauthor": config.author,
        "shifengversion": cff.get("version", config.release or ""),
        "shifengdate": str(cff.get("date-released", "")),
        "shifenglicense": {"CC-BY-4.0": "CC BY 4.0"}.get(cff.get("license", ""), cff.get("license", "")),
        "shifengcopyright": config.copyright,
    }
    lines = ["% the book's facts, from CITATION.cff and _config.yml (shifeng.pdf)"]
    # \def, not \newcommand: the classes test for an empty value with \ifx ... \empty
    lines += [rf"\def\{name}{{{_latex_escape(value)}}}" for name, value in values.items()]
    # the repository's URL as text (\shifengurl, empty when unset) and as a link
    target = url.replace("\\", "").replace("%", r"\%").replace("#", r"\#")
    lines.append(rf"\def\shifengurl{{{_latex_escape(url)}}}")
    lines.append(rf"\def\shifengurllink{{\href{{{target}}}{{\shifengurl}}}}")
    return "\n".join(lines) + "\n"


MANIFEST = "shifeng-pdf.json"  # in the LaTeX output folder: the .tex files of this build


def write_manifest(app, exception) -> None:
    """Name the book and the handouts this build wrote, for ``python -m shifeng.pdf``
    (a .tex left over from a chapter that has left the book is not compiled)."""
    if exception is not None or not _is_latex(app):
        return
    documents = [entry[1] for entry in app.config.latex_documents]
    manifest = {"book": documents[0], "handouts": documents[1:]}
    (Path(app.outdir) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def copy_classes(app) -> None:
    if not _is_latex(app):
        return
    # A handout holds one chapter: Sphinx would leave its references to other chapters
    # unresolved and print their bare labels ("01-context"). Resolve them as if every
    # chapter were there; DistantReferences then prints them as text.
    app.builder.get_target_uri = lambda docname, typ=None: "%" + docname
    source = Path(app.srcdir) / CLASS_DIR
    for path in [*source.glob("*.cls"), *source.glob("*.sty")]:
        shutil.copy2(path, Path(app.outdir) / path.name)


def set_latex_documents(app, env) -> None:
    """The book plus one handout per chapter, after the sources are read (titles known)."""
    if not _is_latex(app):
        return
    book = list(app.config.latex_documents[0])
    book[1] = f"{BOOK_TARGET}.tex"
    book[2] = book_title(app.config)
    book[4] = BOOK_THEME
    documents = [tuple(book[:5])]
    if app.config.shifeng_pdf_handouts:
        chapters = outline(app)
        docnames = [c["docname"] for c in chapters]
        for chapter in chapters:
            docname = chapter["docname"]
            title = env.titles[docname].astext()
            heading = f"{chapter['label']}: {title}" if chapter["label"] else title
            documents.append(
                (docname, handout_name(docname, docnames) + ".tex", heading, book[3], HANDOUT_THEME)
            )
    app.config.latex_documents = documents


# ---------------------------------------------------------------------------------------
# Nodes


class bib_slot(nodes.General, nodes.Element):
    """Wraps a ``{bibliography}`` directive's output, so the LaTeX build knows where it was."""


class bib_list(nodes.General, nodes.Element):
    """A list of sources in print: ``sphinxthebibliography`` with :class:`bib_entry` items."""


class bib_entry(nodes.General, nodes.Element):
    """One source: ``\\bibitem`` plus a link target for every in-text citation of it."""


class plain_heading(nodes.Element):
    """An unnumbered heading (``\\section*``) in the book's front matter."""


def visit_bib_slot(self, node) -> None:
    pass


def depart_bib_slot(self, node) -> None:
    pass


def visit_bib_list(self, node) -> None:
    self.body.append("\n\\begin{shifengbibliography}{%s}\n" % self.encode(node["widest"]))


def depart_bib_list(self, node) -> None:
    self.body.append("\\end{shifengbibliography}\n")


def visit_bib_entry(self, node) -> None:
    self.body.append("\\bibitem[%s]{%s}" % (self.encode(node["label"]), node["key"]))
    self.body.extend("\\hypertarget{%s}{}" % anchor for anchor in node["anchors"])


def depart_bib_entry(self, node) -> None:
    self.body.append("\n")


def visit_plain_heading(self, node) -> None:
    self.body.append("\n\\%s*{" % node.get("command", "section"))


def depart_plain_heading(self, node) -> None:
    self.body.append("}\n")


def _skip(self, node) -> None:
    raise nodes.SkipNode


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex, format="latex")


# ---------------------------------------------------------------------------------------
# Transforms (LaTeX builder only)

from sphinx.transforms.post_transforms import SphinxPostTransform  # noqa: E402


def _latex_docname(transform) -> str:
    return transform.document.get("docname", "")


class LatexTables(SphinxPostTransform):
    """``text/latex`` outputs that are tables, not maths, go to LaTeX as they are (myst-nb
    would set them as a maths block), in small type, their narrow columns ragged-right.
    ``shifeng.data.Table`` escapes its cells, labels and caption itself."""

    builders = ("latex",)
    default_priority = 400
    TABLE = re.compile(r"^\s*\\begin\{(longtable|tabular|tabularx|table)\}")
    WIDTH = re.compile(r"p\{([0-9.]+)\\linewidth\}")

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.math_block)):
            if "text_latex" in node.get("classes", []) and self.TABLE.match(node.astext()):
                node.replace_self(_raw("\\begingroup\\small\n" + self.tidy(node.astext()) + "\n\\endgroup"))

    def tidy(self, latex: str) -> str:
        # long names (data/owners_committees.csv, news.zhuzhou.fang.com) may break in a
        # narrow column: after an underscore, a slash, or a dot between letters
        head, marker, body = latex.partition("\\endlastfoot")
        if marker:
            body = body.replace("\\_", "\\_\\allowbreak{}").replace("/", "/\\allowbreak{}")
            body = re.sub(r"(?<=[a-z])\.(?=[a-z])", r".\\allowbreak{}", body)
            latex = head + marker + body
        def ragged(match):
            # fractions of the line, minus the space between columns, fill the line exactly
            columns = match.group(2)
            shares = [float(x) for x in self.WIDTH.findall(columns)]
            if shares and "raggedright" not in columns:
                total = sum(shares)
                columns = self.WIDTH.sub(
                    lambda m: r">{\raggedright\arraybackslash}p{\dimexpr %.4f\linewidth-2\tabcolsep\relax}"
                    % (float(m.group(1)) / total),
                    columns,
                )
            return match.group(1) + columns + "}"

        return re.sub(r"(\\begin\{(?:longtable|tabular)\}\{)((?:[^{}]|\{[^{}]*\})*)\}", ragged, latex, count=1)


def _included(document) -> set[str]:
    """The documents a LaTeX document holds: its start document and those it inlines."""
    return {document.get("docname", "")} | {
        n["docname"] for n in document.findall(lambda n: n.tagname == "start_of_file")
    }


class DistantReferences(SphinxPostTransform):
    """References to what a LaTeX document does not hold (in a handout: another chapter)
    become text: "*Reading the source critically* (Chapter 9)", "Exercise 1.3", a glossary
    term as itself. And a numbered reference to an exercise anywhere prints its number
    (sphinx-exercise numbers exercises itself, so LaTeX's ``\\ref`` would print "??")."""

    builders = ("latex",)
    default_priority = 21  # after Sphinx resolved the references (10), before sphinx-exercise (22)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes

        included = _included(self.document)
        labels = {c["docname"]: c["label"] for c in outline(self.app)}
        exercises = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(nodes.reference)):
            uri = node.get("refuri", "")
            if not uri.startswith("%"):
                continue
            docname, _, labelid = uri[1:].partition("#")
            if isinstance(node, addnodes.number_reference):
                if docname not in included:
                    node.replace_self(nodes.Text(node.astext()))
                elif labelid in exercises:
                    from sphinx_exercise.nodes import exercise_latex_number_reference

                    new = exercise_latex_number_reference("", refid=labelid)
                    new += nodes.Text(node.astext())
                    node.replace_self(new)
                continue
            if docname in included:
                continue
            if any("std-term" in c.get("classes", []) for c in node.findall(nodes.Element)):  # a glossary term
                node.replace_self(nodes.inline("", "", *node.children))
                continue
            where = labels.get(docname, "")
            replacement = [nodes.emphasis("", "", *node.children)]
            if where:
                replacement.append(nodes.Text(f" ({where})"))
            node.replace_self(replacement)


class CitationsInCaptions(SphinxPostTransform):
    """A citation in a caption or a heading: its ``\\hyperlink`` must be ``\\protect``-ed
    (LaTeX writes captions to the list of figures; unprotected, xelatex stops)."""

    builders = ("latex",)
    default_priority = 800

    def run(self, **kwargs) -> None:
        from sphinxcontrib.bibtex.nodes import raw_latex

        for node in list(self.document.findall(raw_latex)):
            text = node.rawsource  # raw_latex keeps its LaTeX there, not as a text child
            if not text.startswith("\\hyperlink"):
                continue
            parent = node.parent
            while parent is not None and not isinstance(parent, (nodes.caption, nodes.title)):
                parent = parent.parent
            if parent is not None:
                node.replace_self(raw_latex("\\protect" + text))


class MarkBibliographies(SphinxPostTransform):
    """Before sphinxcontrib-bibtex (priority 5) fills them: wrap each bibliography in a
    :class:`bib_slot` that remembers its document."""

    builders = ("latex",)
    default_priority = 4

    def run(self, **kwargs) -> None:
        from sphinxcontrib.bibtex.nodes import bibliography

        for node in list(self.document.findall(bibliography)):
            slot = bib_slot(docname=node["docname"])
            node.replace_self(slot)
            slot += node


def _is_empty(section: nodes.Element) -> bool:
    """True if a section holds nothing to read (a title, targets, emptied containers)."""
    from sphinx_jupyterbook_latex.nodes import HiddenCellNode

    for child in section.children:
        if isinstance(child, (nodes.title, nodes.target, bib_slot, HiddenCellNode, nodes.comment)):
            continue
        if isinstance(child, nodes.container) and not child.astext().strip():
            continue
        if isinstance(child, nodes.container) and all(
            isinstance(c, (nodes.citation, bib_slot)) for c in child.children
        ):
            continue  # a bibliography's citations (moved away in the book)
        return False
    return True


class BookStructure(SphinxPostTransform):
    """The whole book: front matter, parts, appendices; or a handout: its chapter number."""

    builders = ("latex",)
    default_priority = 705  # after sphinx-jupyterbook-latex arranged the root document (700)

    def run(self, **kwargs) -> None:
        docname = _latex_docname(self)
        chapters = {c["docname"]: c for c in outline(self.app)}
        if docname == self.config.root_doc:
            self.book()
        elif docname in chapters:
            self.handout(chapters[docname])
        self.letter_headings()

    def letter_headings(self) -> None:
        """A glossary's one-letter sections (A, B, ...): unnumbered, out of the contents."""
        for section in list(self.document.findall(nodes.section)):
            if not section.children or not isinstance(section[0], nodes.title):
                continue
            if len(section[0].astext().strip()) != 1 or section.parent is None:
                continue
            depth = 0
            parent = section.parent
            while parent is not None:
                depth += isinstance(parent, nodes.section)
                parent = parent.parent
            heading = plain_heading(command=["chapter", "section", "subsection"][min(depth, 2)])
            heading.extend(section[0].children)
            section.replace_self([heading, *section.children[1:]])

    def handout(self, chapter) -> None:
        # Sphinx prints the first heading of a LaTeX document as its \title, not as a
        # heading: give it an empty one, so the chapter keeps its \chapter heading
        self.document.insert(0, nodes.section("", nodes.title("", "handout"), classes=["shifeng-untitled"]))
        self.document.insert(0, _raw(chapter["setup"]))

    def book(self) -> None:
        from sphinx_jupyterbook_latex.nodes import RootHeader

        root = self.config.root_doc
        # the landing page becomes an unnumbered "About this book" chapter
        top = next(s for s in self.document.findall(nodes.section) if s.get("docname") == root)
        title = _latex_escape(self.config.shifeng_pdf_preface_title)
        after_title = 1 if top.children and isinstance(top[0], nodes.title) else 0
        top.insert(after_title, _raw(
            rf"\chapter*{{{title}}}\addcontentsline{{toc}}{{chapter}}{{{title}}}\markboth{{{title}}}{{{title}}}"
        ))
        # its sub-headings: unnumbered sections; drop those left empty in print
        # (the table of contents and the references, which the book has elsewhere)
        headers = [n for n in top.children if isinstance(n, RootHeader)]
        for header in headers:
            siblings = []
            for sibling in top.children[top.index(header) + 1:]:
                if isinstance(sibling, RootHeader):
                    break
                siblings.append(sibling)
            holder = nodes.section()
            holder.children = siblings  # not re-parented: a throwaway view for _is_empty
            if _is_empty(holder):
                header.parent.remove(header)
            else:
                heading = plain_heading(command="section" if header["level"] <= 2 else "subsection")
                heading.extend(header.children)
                header.replace_self(heading)
        # a \part per toctree of the root (the captions of _toc.yml), in order; front
        # matter unnumbered, \appendix before the first part after the numbered ones
        wrappers = [
            c for c in self.document.findall(nodes.compound)
            if "toctree-wrapper" in c.get("classes", []) and c.get("docname") == root
        ]
        for compound, part in zip(wrappers, parts(self.app)):
            latex = {"front": r"\setcounter{secnumdepth}{-1}", "numbered": r"\setcounter{secnumdepth}{2}"}.get(part["kind"], "")
            if part["appendix_start"]:
                latex += r"\setcounter{secnumdepth}{2}\appendix"
            if part["caption"]:
                latex += rf"\part{{{_latex_escape(part['caption'])}}}"
            compound.parent.insert(compound.parent.index(compound), _raw(latex))


class Bibliographies(SphinxPostTransform):
    """Each source once per LaTeX document, where a reader looks for it.

    Left alone, Sphinx would move every citation to the end of the LaTeX document, once
    per ``{bibliography}`` listing it, and drop the lists' headings. Instead:

    - the lists of the bibliography chapter (``shifeng_pdf_bibliography_doc``) stay
      where they are, in the book and in that chapter's handout;
    - every other list (the landing page's, a chapter's) is left out of the book, which
      has the bibliography chapter; if the book has no such chapter, one "Bibliography"
      at its end lists every source;
    - a handout gets one list of every source its chapter cites or lists, where the
      chapter's last ``{bibliography}`` was, else in a "References" section at its end.

    Every list entry carries a link target for each in-text citation of its source, so
    the citations link to it wherever their HTML target was.
    """

    builders = ("latex",)
    default_priority = 745  # before Sphinx gathers the citations (750)

    def run(self, **kwargs) -> None:
        docname = _latex_docname(self)
        is_book = docname == self.config.root_doc
        wanted = self.config.shifeng_pdf_bibliography_doc
        self.domain = self.env.get_domain("cite")
        self.anchors = defaultdict(list)  # key -> hyperref anchors of its in-text citations
        self.id_to_key = {}
        for bib_key, bibliography in self.domain.bibliographies.items():
            for key, node in bibliography.citation_nodes.items():
                self.id_to_key[node["ids"][0]] = key
        for citation in self.domain.citations:
            self.anchors[citation.key].append(f"cite.{citation.bibliography_key.docname}:{citation.citation_id}")
        self.anchored = set()

        slots = list(self.document.findall(bib_slot))
        kept = [s for s in slots if s["docname"] == wanted]
        for slot in kept:
            self.keep_in_place(slot)
        others = [s for s in slots if s not in kept]
        target = None if (is_book or kept) else (others[-1] if others else None)
        for slot in others:
            if slot is not target:
                self.remove_slot(slot)
        if is_book and kept:
            return
        included = _included(self.document)
        keys = set()
        for citation in self.domain.citations:  # sources listed in this document
            if is_book or citation.bibliography_key.docname in included:
                keys.add(citation.key)
        for ref in self.domain.citation_refs:  # sources cited in this document
            if is_book or ref.docname in included:
                keys.update(target_.key for target_ in ref.targets)
        listing = self.make_list(keys - self.anchored)
        if target is not None:
            target.replace_self(listing or [])
        elif listing is not None:
            title = "Bibliography" if is_book else "References"
            section = nodes.section("", nodes.title("", title), listing, ids=[f"shifeng-{title.lower()}"])
            if is_book:
                self.document.append(section)
            else:
                chapter = next(s for s in self.document.findall(nodes.section) if "shifeng-untitled" not in s["classes"])
                chapter.append(section)

    def keep_in_place(self, slot) -> None:
        """The bibliography chapter's own lists, as they are, citations as bib_entry."""
        for container in list(slot.findall(nodes.container)):
            citations = [c for c in container.children if isinstance(c, nodes.citation)]
            if not citations:
                continue
            listing = bib_list(widest=max((c[0].astext() for c in citations), key=len))
            for citation in citations:
                key = self.id_to_key.get(citation["ids"][0], citation["ids"][0])
                entry = bib_entry(label=citation[0].astext(), key=f"shifeng:{key}", anchors=self.take_anchors(key))
                entry.extend(citation.children[1:])
                listing += entry
            container.replace_self(listing)
        for item in list(slot.findall(nodes.list_item)):  # :list: bullet entries
            key = self.id_to_key.get((item.get("ids") or [""])[0])
            anchors = self.take_anchors(key) if key else []
            if anchors and item.children:
                item[0].insert(0, _raw("".join(rf"\hypertarget{{{a}}}{{}}" for a in anchors)))
        slot.replace_self(slot.children)

    def take_anchors(self, key: str) -> list[str]:
        if key in self.anchored:
            return []
        self.anchored.add(key)
        return list(dict.fromkeys(self.anchors[key]))

    def remove_slot(self, slot) -> None:
        parent = slot.parent
        parent.remove(slot)
        # a section that only held the bibliography ("## References") goes too
        if isinstance(parent, nodes.section) and _is_empty(parent) and parent.parent is not None:
            parent.parent.remove(parent)

    def make_list(self, keys):
        import pybtex.plugin
        from pybtex_docutils import Backend
        from sphinxcontrib.bibtex.transforms import node_text_transform

        entries = self.domain.bibdata.data.entries
        found = [entries[k] for k in keys if k in entries]
        if not found:
            return None
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", self.config.bibtex_default_style)()
        ordered = list(style.sort(found))
        labels = list(style.format_labels(ordered))
        backend = Backend()
        listing = bib_list(widest=max(labels, key=len))
        for label, entry in zip(labels, ordered):
            item = bib_entry(label=label, key=f"shifeng:{entry.key}", anchors=self.take_anchors(entry.key))
            item += backend.paragraph(style.format_entry(label, entry))
            node_text_transform(item)
            listing += item
        return listing


# ---------------------------------------------------------------------------------------


def setup(app):
    app.add_config_value("shifeng_pdf_handouts", True, "env")
    app.add_config_value("shifeng_pdf_bibliography_doc", "book/bibliography", "env")
    app.add_config_value("shifeng_pdf_preface_title", "About this book", "env")
    app.add_node(bib_slot, latex=(visit_bib_slot, depart_bib_slot), html=(_skip, None), text=(_skip, None))
    app.add_node(bib_list, latex=(visit_bib_list, depart_bib_list), html=(_skip, None), text=(_skip, None))
    app.add_node(bib_entry, latex=(visit_bib_entry, depart_bib_entry), html=(_skip, None), text=(_skip, None))
    app.add_node(plain_heading, latex=(visit_plain_heading, depart_plain_heading), html=(_skip, None), text=(_skip, None))
    app.connect("config-inited", tune_config, priority=900)
    app.connect("builder-inited", copy_classes)
    app.connect("env-updated", set_latex_documents)
    app.connect("build-finished", write_manifest)
    app.add_post_transform(LatexTables)
    app.add_post_transform(MarkBibliographies)
    app.add_post_transform(BookStructure)
    app.add_post_transform(Bibliographies)
    app.add_post_transform(CitationsInCaptions)
    app.add_post_transform(DistantReferences)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ---------------------------------------------------------------------------------------
# python -m shifeng.pdf BUILD_DIR: compile and collect

MISSING = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")


def compile_tex(tex: Path) -> tuple[Path, float, str]:
    start = time.monotonic()
    cmd = ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-silent"]
    if not tex.with_suffix(".pdf").exists():
        cmd.append("-g")  # latexmk would repeat the last failure without trying again
    cmd.append(tex.name)
    proc = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True,
                          env={**os.environ, "LATEXOPTS": ""})
    log = tex.with_suffix(".log")
    problems = []
    if proc.returncode != 0 or not tex.with_suffix(".pdf").exists():
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else proc.stdout[-3000:]
        problems.append(f"xelatex failed on {tex.name}:\n{tail}")
    elif log.exists():
        missing = sorted(set(MISSING.findall(log.read_text(errors="replace"))))
        if missing:
            problems.append(f"{tex.name}: characters missing from fonts (they would print as boxes): "
                            + "; ".join(f"{c} in {f}" for c, f in missing[:20]))
    return tex, time.monotonic() - start, "\n".join(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=Path, help="the _build folder holding latex/")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    latex, out = args.build_dir / "latex", args.build_dir / "pdf"
    if not (latex / MANIFEST).exists():
        print(f"no {latex / MANIFEST}: run jupyter-book build --builder latex first", file=sys.stderr)
        return 1
    manifest = json.loads((latex / MANIFEST).read_text(encoding="utf-8"))
    book = latex / manifest["book"]
    # the book first (the longest), the handouts fill the other workers
    texs = [book, *(latex / name for name in manifest["handouts"])]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for tex, seconds, problem in pool.map(compile_tex, texs):
            print(f"  {tex.stem}.pdf  {seconds:5.1f} s" + ("  FAILED" if problem else ""))
            if problem:
                failures.append(problem)
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    chapters = out / "chapters"
    if chapters.exists():
        shutil.rmtree(chapters)  # no handout of a chapter that left the book
    chapters.mkdir(parents=True)
    for tex in texs:
        target = out / "book.pdf" if tex == book else chapters / f"{tex.stem}.pdf"
        shutil.copy2(tex.with_suffix(".pdf"), target)
    print(f"wrote {out / 'book.pdf'} and {len(texs) - 1} handouts in {chapters}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

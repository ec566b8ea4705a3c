"""The nodes the print transforms leave for the LaTeX writer (the HTML writer skips them)."""

from __future__ import annotations

from docutils import nodes


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


def raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex, format="latex")




def register(app) -> None:
    skip = {"html": (_skip, None), "text": (_skip, None)}
    app.add_node(bib_slot, latex=(visit_bib_slot, depart_bib_slot), **skip)
    app.add_node(bib_list, latex=(visit_bib_list, depart_bib_list), **skip)
    app.add_node(bib_entry, latex=(visit_bib_entry, depart_bib_entry), **skip)
    app.add_node(plain_heading, latex=(visit_plain_heading, depart_plain_heading), **skip)


def latex_docname(transform) -> str:
    """The docname a LaTeX document starts from (the book's root, or a handout's chapter)."""
    return transform.document.get("docname", "")


def included(document) -> set[str]:
    """The documents a LaTeX document holds: its start document and those it inlines."""
    return {document.get("docname", "")} | {
        n["docname"] for n in document.findall(lambda n: n.tagname == "start_of_file")
    }

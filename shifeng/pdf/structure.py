"""The book's structure in print: front matter, parts and appendices; a handout's chapter number."""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from shifeng import i18n
from shifeng.pdf.documents import latex_escape as _latex_escape
from shifeng.pdf.nodes import bib_slot, plain_heading
from shifeng.pdf.nodes import latex_docname as _latex_docname
from shifeng.pdf.nodes import raw as _raw
from shifeng.pdf.outline import outline, parts


def is_empty(section: nodes.Element) -> bool:
    """True if a section holds nothing to read (a title, targets, emptied containers)."""
    # HiddenCellNode: what sphinx-jupyterbook-latex leaves of a hidden cell (its own node type)
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
        # RootHeader: sphinx-jupyterbook-latex's node for the root page's headings, which it
        # arranges itself (priority 700); there is no other way to find them
        from sphinx_jupyterbook_latex.nodes import RootHeader

        root = self.config.root_doc
        # the landing page becomes an unnumbered "About this book" chapter
        top = next(s for s in self.document.findall(nodes.section) if s.get("docname") == root)
        title = _latex_escape(i18n._(self.config.shifeng_pdf_preface_title))
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
            holder.children = siblings  # not re-parented: a throwaway view for is_empty
            if is_empty(holder):
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



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

``python -m shifeng.pdf BUILD_DIR`` then runs xelatex (latexmk) over every ``.tex`` in
``BUILD_DIR/latex`` in parallel, fails on any character a font lacks, and copies the
results to ``BUILD_DIR/pdf/book.pdf`` and ``BUILD_DIR/pdf/chapters/<chapter>.pdf``.

The rooms: :mod:`~shifeng.pdf.outline` (the book's parts and chapters, from the table
of contents), :mod:`~shifeng.pdf.documents` (the LaTeX documents: the book, the
handouts, their class files and macros), :mod:`~shifeng.pdf.nodes` (the nodes the
transforms leave for the LaTeX writer), :mod:`~shifeng.pdf.references` (references to
what a handout does not hold), :mod:`~shifeng.pdf.structure` (front matter, parts,
appendices), :mod:`~shifeng.pdf.bibliography` (each source once, where a reader looks)
and :mod:`~shifeng.pdf.compile` (xelatex).
"""


from __future__ import annotations

from shifeng.i18n import N_
from shifeng.pdf import bibliography, documents, editions, nodes, references, structure


def setup(app):
    app.add_config_value("shifeng_pdf_handouts", True, "env")
    app.add_config_value("shifeng_pdf_bibliography_doc", "book/bibliography", "env")
    app.add_config_value("shifeng_pdf_preface_title", N_("About this book"), "env")
    # the title page's subtitle where it is not CITATION.cff's (a translated edition's)
    app.add_config_value("shifeng_pdf_subtitle", "", "env")
    nodes.register(app)
    documents.register(app)
    app.add_post_transform(references.DistantReferences)
    app.add_post_transform(references.CitationsInCaptions)
    app.add_post_transform(bibliography.MarkBibliographies)
    app.add_post_transform(bibliography.Bibliographies)
    app.add_post_transform(structure.BookStructure)
    app.add_post_transform(editions.Solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

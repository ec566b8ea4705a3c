"""Downloads in the HTML book: each chapter's notebook and PDF handout, the book's PDF,
and launch buttons that follow the repository URL. A small Sphinx extension.

- **Notebook.** Every notebook page's download menu offers the executed notebook
  (``.ipynb``, from ``_build/jupyter_execute``), copied to ``_sources/``. The theme only
  does this when a launch button is configured; this does it always.
- **PDFs, by an explicit step.** The HTML links PDFs only when the build is told where
  they are: ``$SHIFENG_PDFS``, which ``make site`` and ``make test`` set to the folder
  ``make pdf`` has just filled. Then every PDF the book promises must be there (the
  build stops naming the one that is missing); they are copied to ``_build/html/pdf/``,
  each chapter's download menu offers its handout and the landing page links the whole
  book. Without ``$SHIFENG_PDFS`` (``make book``) no page links a PDF, whatever an
  earlier command left in ``_build/pdf``. When that changes, every page is rebuilt.
- **Launch buttons.** Binder and Colab buttons come from one setting,
  ``repository: url`` in ``_config.yml``: this extension adds them when it is set, and
  there are none while it is empty. Colab opens only ``.ipynb`` files from GitHub, so
  its button is kept on ``.ipynb`` pages only; MyST Markdown pages open in Binder,
  whose Jupyter reads them through jupytext (in ``requirements.txt``).

Register it in ``_config.yml`` under ``sphinx: extra_extensions`` as ``shifeng.ext.downloads``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError

#: the folder of the HTML output that receives the PDFs (its URLs are stable: pdf/book.pdf)
HTML_PDF_DIR = "pdf"
LAUNCH_DEFAULTS = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}


#: the folder of PDFs the HTML links (set by make site / make test); unset: none
PDFS_ENV = "SHIFENG_PDFS"


def pdf_dir() -> Path | None:
    """The folder ``make pdf`` filled, when the build was told to link it."""
    value = os.environ.get(PDFS_ENV, "").strip()
    return Path(value) if value else None


def _chapters(app) -> dict[str, str]:
    """docname -> handout file name (``book/03-working-with-residents`` -> ``03-working-with-residents.pdf``)."""
    from shifeng.pdf.outline import handout_name, outline

    docnames = [c["docname"] for c in outline(app)]
    return {d: handout_name(d, docnames) + ".pdf" for d in docnames}


def available(app) -> dict[str, str]:
    """docname -> path of its PDF relative to the HTML root; the root document maps to the
    whole book. Empty unless the build links PDFs; then every one must exist."""
    source = pdf_dir()
    if source is None:
        return {}
    promised = {app.config.root_doc: "book.pdf"}
    promised.update({docname: f"chapters/{name}" for docname, name in _chapters(app).items()})
    missing = [name for name in promised.values() if not (source / name).is_file()]
    if missing:
        raise ExtensionError(
            f"${PDFS_ENV} is {source}, but it lacks {', '.join(missing)}: run make pdf first "
            f"(make site and make test do), or build without ${PDFS_ENV} (make book) to link no PDF"
        )
    return {docname: f"{HTML_PDF_DIR}/{name}" for docname, name in promised.items()}


def configure_launch_buttons(app, config) -> None:
    """Binder and Colab when the repository URL is set (the theme shows none otherwise)."""
    options = config.html_theme_options
    if not (options.get("repository_url") or "").strip():
        return
    buttons = dict(options.get("launch_buttons") or {})
    for key, url in LAUNCH_DEFAULTS.items():
        buttons[key] = buttons.get(key) or url
    options["launch_buttons"] = buttons


def _html(app) -> bool:
    return getattr(app.builder, "format", "") == "html"


def _book_size(app) -> str:
    source = pdf_dir()
    book = source / "book.pdf" if source else None
    return f"{book.stat().st_size / 1e6:.1f} MB" if book and book.is_file() else ""


def outdated_when_pdfs_change(app, env, added, changed, removed) -> list[str]:
    """Rebuild every page when the set of PDFs differs from the last HTML build (and the
    landing page when only the book's size does)."""
    if not _html(app):
        return []
    signature = (sorted(available(app).items()), _book_size(app))
    previous = getattr(env, "shifeng_pdf_signature", None)
    env.shifeng_pdf_signature = signature
    if previous is None or previous == signature:
        return []
    if previous[0] == signature[0]:
        return [app.config.root_doc]
    return sorted(env.found_docs - set(added) - set(changed) - set(removed))


def link_book_pdf(app, doctree, docname) -> None:
    """On the landing page, after its first paragraph: a link to the whole book as PDF."""
    if not _html(app) or docname != app.config.root_doc:
        return
    target = available(app).get(docname)
    if not target:
        return
    paragraph = nodes.paragraph(classes=["shifeng-pdf-download"])
    paragraph += nodes.strong(text="In print: ")
    paragraph += nodes.reference("", "the whole book as a PDF", refuri=target, classes=["shifeng-book-pdf"])
    paragraph += nodes.Text(
        f" ({_book_size(app)}). Each chapter's PDF handout, and its notebook, are in the download "
        "menu at the top of the chapter's page."
    )
    first = next(iter(doctree.findall(nodes.paragraph)), None)
    if first is not None and first.parent is not None:
        first.parent.insert(first.parent.index(first) + 1, paragraph)
    else:
        doctree.append(paragraph)


def set_notebook_source(app, pagename, templatename, context, doctree) -> None:
    """Offer the executed notebook of a notebook page (``context["ipynb_source"]``)."""
    if not _html(app) or context.get("ipynb_source"):
        return
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def add_download_buttons(app, pagename, templatename, context, doctree) -> None:
    """The PDF in the page's download menu; Colab only where it can open the page."""
    if not _html(app):
        return
    buttons = context.get("header_buttons") or []
    if context.get("page_source_suffix") != ".ipynb":
        for group in buttons:
            if group.get("type") == "group" and "launch" in group.get("label", ""):
                group["buttons"] = [b for b in group.get("buttons", []) if b.get("text") != "Colab"]
        buttons[:] = [g for g in buttons if g.get("type") != "group" or g.get("buttons")]
    target = available(app).get(pagename)
    if not target:
        return
    is_book = pagename == app.config.root_doc
    entry = {
        "type": "link",
        "url": context["pathto"](target, 1),
        "text": "Book .pdf" if is_book else "Handout .pdf",
        "tooltip": "Download the whole book as a PDF" if is_book else "Download this chapter as a PDF handout",
        "icon": "fas fa-file-pdf",
        "label": "download-book-pdf-button" if is_book else "download-handout-button",
    }
    for group in buttons:
        if group.get("label") == "download-buttons":
            group["buttons"].insert(0, entry)
            break


def copy_pdfs(app, exception) -> None:
    """Copy the PDFs that the pages link into the HTML output (``_build/html/pdf/``)."""
    if exception is not None or not _html(app):
        return
    source, out = pdf_dir(), Path(app.outdir) / HTML_PDF_DIR
    found = available(app)
    if out.exists():
        shutil.rmtree(out)  # no stale handout of a chapter that left the book, no PDF of an earlier build
    for relative in found.values():
        target = Path(app.outdir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / Path(relative).relative_to(HTML_PDF_DIR), target)


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", configure_launch_buttons)
    app.connect("env-get-outdated", outdated_when_pdfs_change)
    app.connect("doctree-resolved", link_book_pdf)
    app.connect("html-page-context", set_notebook_source, priority=500)
    app.connect("html-page-context", add_download_buttons, priority=502)
    app.connect("build-finished", copy_pdfs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

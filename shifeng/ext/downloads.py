r"""Downloads in the HTML book: each chapter's notebook and PDF handout, the book's PDF,
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
- **Data.** Every HTML build writes the data package for readers (:mod:`shifeng.bundle`):
  ``data/<table>.csv`` for each table (each table on a page links its own), the whole
  package as one zip, and ``data/SHA256SUMS``. The role ``{datafile}`\`name\``` links one
  of these files from any page (in print it names the file).
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
from sphinx.util import logging

from shifeng.i18n import N_, _

logger = logging.getLogger(__name__)

#: the folder of the HTML output that receives the PDFs (its URLs are stable: pdf/book.pdf)
HTML_PDF_DIR = "pdf"
LAUNCH_DEFAULTS = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}


#: the folder of PDFs the HTML links (set by make site / make test); unset: none
PDFS_ENV = "SHIFENG_PDFS"


def pdf_dir() -> Path | None:
    """The folder ``make pdf`` filled, when the build was told to link it."""
    value = os.environ.get(PDFS_ENV, "").strip()
    return Path(value) if value else None


#: what each kind of PDF is called in a download menu: (button text, tooltip, theme label)
PDF_KINDS = {
    "book": (N_("Book .pdf"), N_("Download the whole book as a PDF"), "download-book-pdf-button"),
    "student": (N_("Student handout .pdf"), N_("This chapter's exercises with room to answer, without solutions"),
                "download-student-handout-button"),
    "key": (N_("Teacher's key .pdf"), N_("This chapter with every exercise and its solution"), "download-teacher-key-button"),
    "handout": (N_("Handout .pdf"), N_("This chapter as a PDF handout"), "download-handout-button"),
}


def _chapters(app) -> dict[str, str]:
    """docname -> handout name (``book/03-working-with-residents`` -> ``03-working-with-residents``)."""
    from shifeng.pdf.outline import handout_name, outline

    docnames = [c["docname"] for c in outline(app)]
    return {d: handout_name(d, docnames) for d in docnames}


def _handout_files(app, docname: str, name: str) -> dict[str, str]:
    """kind -> file under the PDF folder: a student handout and a teacher's key, or one handout."""
    from shifeng.pdf.outline import editions

    kinds = editions(app, docname)
    return {kind: f"chapters/{name}.pdf" if kind == "handout" else f"chapters/{name}-{kind}.pdf" for kind in kinds}


def available(app) -> dict[str, dict[str, str]]:
    """docname -> {kind: path of the PDF relative to the HTML root}: the root document has the
    whole book ("book"), each chapter its student handout and teacher's key ("student", "key").
    Empty unless the build links PDFs; then every one must exist."""
    source = pdf_dir()
    if source is None:
        return {}
    promised = {app.config.root_doc: {"book": "book.pdf"}}
    for docname, name in _chapters(app).items():
        promised[docname] = _handout_files(app, docname, name)
    missing = [name for files in promised.values() for name in files.values() if not (source / name).is_file()]
    if missing:
        raise ExtensionError(
            f"${PDFS_ENV} is {source}, but it lacks {', '.join(missing)}: run make pdf first "
            f"(make site and make test do), or build without ${PDFS_ENV} (make book) to link no PDF"
        )
    return {d: {kind: f"{HTML_PDF_DIR}/{name}" for kind, name in files.items()} for d, files in promised.items()}


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
    signature = (sorted((d, sorted(f.items())) for d, f in available(app).items()), _book_size(app))
    previous = getattr(env, "shifeng_pdf_signature", None)
    env.shifeng_pdf_signature = signature
    if previous == signature:
        return []
    if previous is None:
        # an environment this extension has not seen in an HTML build: a first build (all
        # is read anyway), or one the LaTeX build pickled, whose pages may link other PDFs
        return sorted(env.found_docs - set(added) - set(changed) - set(removed))
    if previous[0] == signature[0]:
        return [app.config.root_doc]
    return sorted(env.found_docs - set(added) - set(changed) - set(removed))


def link_book_pdf(app, doctree, docname) -> None:
    """On the landing page, after its first paragraph: a link to the whole book as PDF."""
    if not _html(app) or docname != app.config.root_doc:
        return
    target = available(app).get(docname, {}).get("book")
    if not target:
        return
    paragraph = nodes.paragraph(classes=["shifeng-pdf-download"])
    paragraph += nodes.strong(text=_("In print: "))
    paragraph += nodes.reference("", _("the whole book as a PDF"), refuri=target, classes=["shifeng-book-pdf"])
    paragraph += nodes.Text(_(
        " ({size}). Each chapter's two PDF handouts (one for students, without the "
        "solutions, and a teacher's key) and its notebook are in the download menu at the top of the "
        "chapter's page."
    ).format(size=_book_size(app)))
    first = next(iter(doctree.findall(nodes.paragraph)), None)
    if first is not None and first.parent is not None:
        first.parent.insert(first.parent.index(first) + 1, paragraph)
    else:
        doctree.append(paragraph)


def link_handouts(app, doctree, docname) -> None:
    """On the teacher's guide (``shifeng_handouts_page``), under its "Handouts" heading: each
    chapter's two handouts, or a note that this copy was built without them."""
    if not _html(app) or docname != app.config.shifeng_handouts_page:
        return
    section = next((s for s in doctree.findall(nodes.section) if "handouts" in s["ids"]), None)
    if section is None:
        raise ExtensionError(f"{docname} has no section with the id 'handouts' to list the handouts in")
    found = available(app)
    if not found:
        section += nodes.paragraph(text=_(
            "This copy of the book was built without its PDFs (make book): in the published book "
            "(make site) each chapter's two handouts are linked here."))
        return
    up = "../" * docname.count("/")
    listing = nodes.bullet_list(classes=["shifeng-handouts"])
    for chapter in _chapters(app):
        files = found.get(chapter, {})
        if "student" not in files:
            continue  # a chapter with no exercise has one handout, in its own menu
        item = nodes.paragraph()
        item += nodes.strong(text=app.env.titles[chapter].astext())
        item += nodes.Text(_(": "))
        item += nodes.reference("", _("student handout"), refuri=up + files["student"])
        item += nodes.Text(_(" (no solutions) · "))
        item += nodes.reference("", _("teacher's key"), refuri=up + files["key"])
        item += nodes.Text(_(" (with solutions)"))
        listing += nodes.list_item("", item)
    section += listing


def _label_titles(app):
    """A function from a reference's target to the words a reader sees for it."""
    std = app.env.get_domain("std")

    def title(target: str) -> str:
        label = target.lower()
        if label in std.labels:
            return std.labels[label][2] or label
        if target in app.env.titles:  # {doc}`book/05-four-blocks`
            return app.env.titles[target].astext()
        return target

    return title


def set_notebook_source(app, pagename, templatename, context, doctree) -> None:
    """Offer a notebook page as a notebook a reader can run (``context["ipynb_source"]``).

    Not the executed notebook as it is: its Markdown holds the book's roles and directives,
    which plain Jupyter cannot show. :func:`shifeng.reader.reader_notebook` writes them as
    plain Markdown (each glued value as the page shows it); the code cells stay.
    """
    if not _html(app) or context.get("ipynb_source"):
        return
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    import nbformat

    from shifeng import bundle, reader

    url = (app.config.html_theme_options or {}).get("repository_url", "") or ""
    intro = reader.INTRO.format(where=f" ({url})" if url else "", zip_name=bundle.ZIP_NAME)
    try:
        notebook = reader.reader_notebook(nbformat.read(executed, as_version=4), _label_titles(app), intro=intro)
    except KeyError as error:  # a glued value missing: the page's execution failed, and said so
        logger.warning(f"no notebook offered for download: {error}", location=pagename, type="shifeng", subtype="reader")
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook), encoding="utf-8")
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
    files = available(app).get(pagename, {})
    entries = [
        {"type": "link", "url": context["pathto"](target, 1), "text": _(PDF_KINDS[kind][0]),
         "tooltip": _(PDF_KINDS[kind][1]), "icon": "fas fa-file-pdf", "label": PDF_KINDS[kind][2]}
        for kind, target in files.items()
    ]
    for group in buttons:
        if group.get("label") == "download-buttons":
            group["buttons"][:0] = entries
            break


def copy_pdfs(app, exception) -> None:
    """Copy the PDFs that the pages link into the HTML output (``_build/html/pdf/``)."""
    if exception is not None or not _html(app):
        return
    source, out = pdf_dir(), Path(app.outdir) / HTML_PDF_DIR
    found = available(app)
    if out.exists():
        shutil.rmtree(out)  # no stale handout of a chapter that left the book, no PDF of an earlier build
    for relative in (path for files in found.values() for path in files.values()):
        target = Path(app.outdir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / Path(relative).relative_to(HTML_PDF_DIR), target)


def datafile_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{datafile}`the data package <shifeng-beautiful-communities-data.zip>``: a link to a reader's download."""
    import re

    from shifeng import bundle

    match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", text.strip(), re.S)
    title, target = (match.group(1), match.group(2)) if match else (None, text.strip())
    known = {bundle.ZIP_NAME, bundle.CHECKSUMS, "datapackage.json", *bundle.csv_names().values()}
    if target not in known:
        message = inliner.reporter.error(f"{{datafile}}: {target!r} is not a file the book offers ({', '.join(sorted(known))})",
                                         line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env = inliner.document.settings.env
    if env.app.builder.format == "html":
        uri = "../" * env.docname.count("/") + f"{bundle.HTML_DATA_DIR}/{target}"
        node = nodes.reference(rawtext, title or target, refuri=uri, classes=["shifeng-data-file"])
    else:  # in print: the words, and the file's name in the online book
        node = nodes.inline(rawtext, "", nodes.Text(f"{title} " if title else ""),
                            nodes.literal(text=f"{bundle.HTML_DATA_DIR}/{target}"))
    return [node], []


def write_data_files(app, exception) -> None:
    """The data package for readers, into the HTML output (``data/``)."""
    if exception is None and _html(app):
        from shifeng import bundle

        bundle.write(app.outdir)


def setup(app) -> dict[str, Any]:
    app.add_config_value("shifeng_handouts_page", "book/teachers-guide", "env")
    app.add_role("datafile", datafile_role)
    app.connect("doctree-resolved", link_handouts)
    app.connect("build-finished", write_data_files)
    app.connect("config-inited", configure_launch_buttons)
    app.connect("env-get-outdated", outdated_when_pdfs_change)
    app.connect("doctree-resolved", link_book_pdf)
    app.connect("html-page-context", set_notebook_source, priority=500)
    app.connect("html-page-context", add_download_buttons, priority=502)
    app.connect("build-finished", copy_pdfs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

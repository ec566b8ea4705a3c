"""The LaTeX documents of one build: the book and one handout per chapter.

The book is ``book.tex`` with the class ``shifengbook``; each chapter of ``_toc.yml`` is
also ``<chapter>.tex`` with the class ``shifenghandout`` (both in ``_templates/latex``).
The book's facts (title, version, licence...) become LaTeX macros, and a manifest names
the ``.tex`` files this build wrote, for :mod:`shifeng.pdf.compile`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sphinx.builders.latex import LaTeXBuilder
from sphinx.errors import NoUri

from shifeng.pdf.outline import editions, handout_name, outline

BOOK_TARGET = "book"  # book.tex, book.pdf
BOOK_THEME = "shifengbook"  # LaTeX class files in _templates/latex/
HANDOUT_THEME = "shifenghandout"
CLASS_DIR = "_templates/latex"

def _is_latex(app) -> bool:
    return getattr(app.builder, "name", "") == "latex"


def tune_config(app, config) -> None:
    """Drop ucharclasses (loaded by sphinx-jupyterbook-latex, unused, and it fights xeCJK
    over XeTeX's character classes); define the book's facts as LaTeX macros."""
    elements = config.latex_elements
    preamble = elements.get("preamble", "")
    preamble = re.sub(r"\\usepackage\[[^\]]*\]\{ucharclasses\}", "", preamble)
    # \tracinglostchars=3: a character no font has stops xelatex (an error, not a log line)
    elements["preamble"] = "\\tracinglostchars=3\n" + preamble + "\n" + _book_macros(app, config)


def book_title(config) -> str:
    """The book's title: Jupyter Book's ``title`` (``html_title``), not Sphinx's ``project``."""
    return config.html_title or config.project


def latex_escape(text: str) -> str:
    from sphinx.util.texescape import escape

    return escape(str(text))


def _book_macros(app, config) -> str:
    """``\\shifengtitle``, ``\\shifengsubtitle``, ``\\shifengversion`` ... from CITATION.cff
    and the config, for the title page, the colophon and the handouts' heading."""
    import yaml

    from shifeng import i18n

    cff_path = Path(app.srcdir) / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.exists() else {}
    title = book_title(config)
    full_title = cff.get("title", title)
    subtitle = full_title[len(title):].lstrip(":–— ").strip() if full_title.startswith(title) else ""
    # a translated edition's title differs from CITATION.cff's: its config gives the subtitle
    subtitle = config.shifeng_pdf_subtitle or subtitle
    url = (config.html_theme_options or {}).get("repository_url", "") or ""
    values = {
        "shifengtitle": title,
        "shifengsubtitle": i18n.sentence_case(subtitle),
        "shifengauthor": config.author,
        "shifengversion": cff.get("version", config.release or ""),
        "shifengdate": str(cff.get("date-released", "")),
        "shifenglicense": {"CC-BY-4.0": "CC BY 4.0"}.get(cff.get("license", ""), cff.get("license", "")),
        "shifengcopyright": config.copyright,
    }
    # the classes' own words, in the edition's language (locales/zh_CN/LC_MESSAGES/shifeng.po)
    values |= {
        "shifengversionname": i18n._("Version"),
        "shifengstudentname": i18n._("Student handout"),
        "shifengkeyname": i18n._("Teacher's key"),
        "shifenghandoutname": i18n._("Chapter handout"),
        "shifenglicenceline": i18n._("Text and data: Creative Commons Attribution 4.0 International"),
        "shifengcodeline": i18n._("Code: MIT licence. Third-party material keeps its own licence; see the LICENSE file."),
        "shifengonlinename": i18n._("Online edition, data and code:"),
        "shifengtypesetline": i18n._("Typeset with XeLaTeX from the same sources as the online edition (Jupyter Book). "
                                     "Chinese in Noto Serif CJK SC and Noto Sans CJK SC."),
    }
    lines = ["% the book's facts, from CITATION.cff and _config.yml (shifeng.pdf)"]
    # the table of contents' heading in the edition's language (sphinx-jupyterbook-latex writes "Contents")
    contents = latex_escape(i18n._("Contents"))
    lines.append(rf"\addto\captionsenglish{{\renewcommand{{\contentsname}}{{{contents}}}}}")
    # \def, not \newcommand: the classes test for an empty value with \ifx ... \empty
    lines += [rf"\def\{name}{{{latex_escape(value)}}}" for name, value in values.items()]
    # the repository's URL as text (\shifengurl, empty when unset) and as a link
    target = url.replace("\\", "").replace("%", r"\%").replace("#", r"\#")
    lines.append(rf"\def\shifengurl{{{latex_escape(url)}}}")
    lines.append(rf"\def\shifengurllink{{\href{{{target}}}{{\shifengurl}}}}")
    return "\n".join(lines) + "\n"


MANIFEST = "shifeng-pdf.json"  # in the LaTeX output folder: the .tex files of this build


def write_manifest(app, exception) -> None:
    """Name the book and the handouts this build wrote, for ``python -m shifeng.pdf``
    (a .tex left over from a chapter that has left the book is not compiled)."""
    if exception is not None or not _is_latex(app):
        return
    documents = app.config.latex_documents
    manifest = {
        "book": documents[0][1],
        "handouts": [{"tex": entry[1], "editions": list(editions(app, entry[0]))} for entry in documents[1:]],
    }
    (Path(app.outdir) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


class BookLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, resolving references to every chapter of the book.

    A handout holds one chapter: Sphinx's builder raises ``NoUri`` for a reference to
    another chapter, and the reference prints its bare label ("01-context"). Resolved as
    if every chapter were there, :class:`~shifeng.pdf.references.DistantReferences` then
    prints it as text: the chapter's title and number.
    """

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname not in self.env.all_docs:
            raise NoUri(docname, typ)
        return "%" + docname


def copy_classes(app) -> None:
    if not _is_latex(app):
        return
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




def register(app) -> None:
    app.add_builder(BookLaTeXBuilder, override=True)
    app.connect("config-inited", tune_config, priority=900)
    app.connect("builder-inited", copy_classes)
    app.connect("env-updated", set_latex_documents)
    app.connect("build-finished", write_manifest)

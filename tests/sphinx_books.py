"""Tiny books for the extension tests: a MyST notebook header and a ``sphinx.testing`` build."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

#: the front matter of a MyST Markdown notebook page
NOTEBOOK = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

#: every tiny book names its parsers: Sphinx's default ``source_suffix`` is one dict that
#: the extensions of one build change in place, and the next build in the process sees it
SUFFIXES = {
    "myst_nb": {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"},
    "myst_parser": {".rst": "restructuredtext", ".md": "markdown"},
}


def code_cell(code: str, tags: str = "[remove-cell]") -> str:
    return f"\n```{{code-cell}} ipython3\n:tags: {tags}\n{textwrap.dedent(code).strip()}\n```\n"


def write_book(src: Path, pages: dict[str, str], conf: str, toc: str | None = None) -> Path:
    """Write ``conf`` (the body of conf.py, plus its source_suffix) and ``pages`` into ``src``."""
    src.mkdir(parents=True, exist_ok=True)
    parser = "myst_nb" if '"myst_nb"' in conf or "'myst_nb'" in conf else "myst_parser" if "myst_parser" in conf else None
    suffix = SUFFIXES.get(parser, {".rst": "restructuredtext"})
    (src / "conf.py").write_text(textwrap.dedent(conf) + f"source_suffix = {suffix!r}\n", encoding="utf-8")
    for name, text in pages.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    if toc:
        (src / "_toc.yml").write_text(textwrap.dedent(toc), encoding="utf-8")
    return src


def build(src: Path, builddir: Path, builder: str = "html") -> tuple[Path, str]:
    """Build the book in ``src`` into ``builddir``; returns (outdir, what Sphinx logged as warnings)."""
    warnings = io.StringIO()
    app = SphinxTestApp(builder, srcdir=src, builddir=builddir, status=io.StringIO(), warning=warnings)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), warnings.getvalue()


def tiny_book(root: Path, pages: dict[str, str], conf: str, builder: str = "html", toc: str | None = None):
    """Write and build a book under ``root``; returns (outdir, warnings)."""
    return build(write_book(root / "src", pages, conf, toc), root / "_build", builder)

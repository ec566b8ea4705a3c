"""Fix what the toolchain gets wrong in the HTML pages: a tiny Sphinx extension.

Each fix answers a failure of the browser, accessibility or reproducibility checks
(``tests/test_site_*.py``, ``tests/test_reproducible.py``, ``make repro``) that no page
author caused; each is undone by deleting its few lines once the toolchain is fixed.

1. **Each inline script once.** Inline scripts that extensions add after the HTML
   builder has started (sphinx-thebe's ``const THEBE_JS_URL = ...``) are written twice
   by Sphinx 7.4; the second ``const`` declaration is a SyntaxError on every page.
2. **Stable notebook cell ids.** A page's executed notebook, offered for download
   (``_sources/<page>.ipynb``, copied from ``_build/jupyter_execute/``), is made from
   MyST Markdown, which has no cell ids, so nbformat gives every cell a random one and
   two builds of one commit differ. Each cell's id is set from its position and text
   before the notebook is copied.
3. **Citations as list items.** docutils writes a citation list as ``role="list"``
   whose entries have ``role="doc-biblioentry"``, a role DPUB-ARIA 1.1 deprecated and
   assistive technology no longer counts as a list item (axe-core:
   ``aria-required-children``, critical). The entries get ``role="listitem"``.

Register it in ``_config.yml``::

    sphinx:
      extra_extensions:
        - shifeng.ext.html_fixes
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def dedupe_scripts(context: dict[str, Any]) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    kept = []
    for script in scripts:
        if hasattr(script, "attributes"):  # a plain string is left alone
            key = (script.filename or "", tuple(sorted((k, str(v)) for k, v in script.attributes.items())))
            if key in seen:
                continue
            seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def fix_citation_roles(context: dict[str, Any]) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def stable_id(index: int, cell) -> str:
    """A notebook cell's id from its position and its text (8 hex digits, like nbformat's)."""
    return hashlib.sha1(f"{index}\n{cell['cell_type']}\n{cell['source']}".encode()).hexdigest()[:8]


def stable_cell_ids(app, pagename: str) -> None:
    import nbformat

    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not path.is_file():
        return
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for index, cell in enumerate(notebook.cells):
        stable = stable_id(index, cell)
        if cell.get("id") != stable:
            cell["id"] = stable
            changed = True
    if changed:
        path.write_text(nbformat.writes(notebook), encoding="utf-8")


def before_copies(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    if app.builder.format == "html":
        stable_cell_ids(app, pagename)


def on_page(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    if app.builder.format != "html":
        return
    dedupe_scripts(context)
    fix_citation_roles(context)


def setup(app):
    # before the theme and shifeng.ext.downloads copy the executed notebook (priority 500, 501)
    app.connect("html-page-context", before_copies, priority=100)
    # after the other extensions have added their scripts to the page
    app.connect("html-page-context", on_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

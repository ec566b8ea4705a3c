"""Nothing a hidden cell prints is lost: a tiny book built with ``sphinx.testing``.

Its one page is a MyST notebook whose cells are hidden (``remove-cell``); one of them
warns. myst-nb alone would build it without a word (it never renders a removed cell);
with :mod:`shifeng.ext.cell_outputs` the build logs the page, the cell and the text.
"""

from __future__ import annotations

import io
import textwrap

from sphinx.testing.util import SphinxTestApp

NOTEBOOK_HEADER = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page
"""


def cell(code: str, tags: str = "[remove-cell]") -> str:
    return f"\n```{{code-cell}} ipython3\n:tags: {tags}\n{textwrap.dedent(code).strip()}\n```\n"


def build(tmp_path, page: str, extensions: list[str]) -> str:
    """Build a one-page book from ``page`` and return what Sphinx logged as warnings."""
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        f"extensions = {extensions!r}\n"
        "nb_execution_mode = 'force'\n"
        "nb_output_stderr = 'warn'\n"
        "exclude_patterns = ['_build']\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text(NOTEBOOK_HEADER + page, encoding="utf-8")
    warnings = io.StringIO()
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "_build", status=io.StringIO(), warning=warnings)
    try:
        app.build()
    finally:
        app.cleanup()
    return warnings.getvalue()


PLANTED = cell("x = 1") + cell("import warnings\nwarnings.warn('planted in a hidden cell')")


def test_myst_nb_alone_does_not_see_a_hidden_cell_warn(tmp_path):
    # why the extension exists: if this starts failing, myst-nb checks hidden cells itself
    assert "planted" not in build(tmp_path, PLANTED, ["myst_nb"])


def test_a_warning_in_a_removed_cell_names_the_page_the_cell_and_the_text(tmp_path):
    logged = build(tmp_path, PLANTED, ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "index" in logged and "code cell 2 (tags: remove-cell)" in logged
    assert "printed to stderr" in logged and "UserWarning: planted in a hidden cell" in logged


def test_stderr_of_a_visible_cell_and_a_clean_page(tmp_path):
    noisy = build(tmp_path / "a", cell("import sys; print('to stderr', file=sys.stderr)", "[remove-input]"),
                  ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "code cell 1 (tags: remove-input)" in noisy and "to stderr" in noisy
    clean = build(tmp_path / "b", cell("print('to stdout')"), ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "cell" not in clean


def test_a_page_read_again_from_the_cache_keeps_its_outputs_and_its_check(tmp_path):
    """myst-nb writes a cached page's notebook without its outputs; the extension restores them,
    so the second build still sees the warning, and the notebook offered for download is whole."""
    import nbformat

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'shifeng.ext.cell_outputs']\nnb_execution_mode = 'cache'\n"
        "source_suffix = {'.rst': 'restructuredtext', '.md': 'myst-nb'}\n",
        encoding="utf-8",
    )
    page = NOTEBOOK_HEADER + cell("print('shown')", "[remove-input]") + PLANTED
    logs = []
    for text in ("First version.", "Second version: the prose changed, the code did not."):
        (src / "index.md").write_text(page + f"\n{text}\n", encoding="utf-8")
        warnings = io.StringIO()
        app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "_build", status=io.StringIO(), warning=warnings)
        try:
            app.build()
        finally:
            app.cleanup()
        logs.append(warnings.getvalue())
    assert all("planted in a hidden cell" in log for log in logs), logs[1]
    executed = nbformat.read(tmp_path / "_build" / "jupyter_execute" / "index.ipynb", as_version=4)
    assert executed.cells[1].outputs and "shown" in executed.cells[1].outputs[0]["text"]

"""Nothing a hidden cell prints is lost: a tiny book built with ``sphinx.testing``.

Its one page is a MyST notebook whose cells are hidden (``remove-cell``); one of them
warns. myst-nb alone would build it without a word (it never renders a removed cell);
with :mod:`shifeng.ext.cell_outputs` the build logs the page, the cell and the text.
"""

from __future__ import annotations

from sphinx_books import NOTEBOOK, build, code_cell, write_book

NOTEBOOK_HEADER = NOTEBOOK + "\n# A page\n"
CONF = "extensions = {extensions!r}\nnb_execution_mode = '{mode}'\nnb_output_stderr = 'warn'\nexclude_patterns = ['_build']\n"


def cell(code: str, tags: str = "[remove-cell]") -> str:
    return code_cell(code, tags)


def build_page(tmp_path, page: str, extensions: list[str], mode: str = "force") -> str:
    """Build a one-page book from ``page`` and return what Sphinx logged as warnings."""
    src = write_book(tmp_path / "src", {"index.md": NOTEBOOK_HEADER + page}, CONF.format(extensions=extensions, mode=mode))
    return build(src, tmp_path / "_build")[1]


PLANTED = cell("x = 1") + cell("import warnings\nwarnings.warn('planted in a hidden cell')")


def test_myst_nb_alone_does_not_see_a_hidden_cell_warn(tmp_path):
    # why the extension exists: if this starts failing, myst-nb checks hidden cells itself
    assert "planted" not in build_page(tmp_path, PLANTED, ["myst_nb"])


def test_a_warning_in_a_removed_cell_names_the_page_the_cell_and_the_text(tmp_path):
    logged = build_page(tmp_path, PLANTED, ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "index" in logged and "code cell 2 (tags: remove-cell)" in logged
    assert "printed to stderr" in logged and "UserWarning: planted in a hidden cell" in logged


def test_stderr_of_a_visible_cell_and_a_clean_page(tmp_path):
    noisy = build_page(tmp_path / "a", cell("import sys; print('to stderr', file=sys.stderr)", "[remove-input]"),
                  ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "code cell 1 (tags: remove-input)" in noisy and "to stderr" in noisy
    clean = build_page(tmp_path / "b", cell("print('to stdout')"), ["myst_nb", "shifeng.ext.cell_outputs"])
    assert "cell" not in clean


def test_a_page_read_again_from_the_cache_keeps_its_outputs_and_its_check(tmp_path):
    """myst-nb writes a cached page's notebook without its outputs; the extension restores them,
    so the second build still sees the warning, and the notebook offered for download is whole."""
    import nbformat

    conf = CONF.format(extensions=["myst_nb", "shifeng.ext.cell_outputs"], mode="cache")
    page = NOTEBOOK_HEADER + cell("print('shown')", "[remove-input]") + PLANTED
    logs = []
    for text in ("First version.", "Second version: the prose changed, the code did not."):
        src = write_book(tmp_path / "src", {"index.md": page + f"\n{text}\n"}, conf)
        logs.append(build(src, tmp_path / "_build")[1])
    assert all("planted in a hidden cell" in log for log in logs), logs[1]
    executed = nbformat.read(tmp_path / "_build" / "jupyter_execute" / "index.ipynb", as_version=4)
    assert executed.cells[1].outputs and "shown" in executed.cells[1].outputs[0]["text"]

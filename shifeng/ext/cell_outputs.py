"""Fail the build on anything a notebook cell printed to stderr, hidden cells included.

myst-nb checks stderr (``nb_output_stderr``) only while it renders a cell's outputs,
and it drops ``remove-cell`` cells before rendering them: what such a cell prints (a
``findfont`` message, a ``UserWarning``) never reaches the check, and every code cell
of this book is hidden. The executed notebook that myst-nb writes beside the build
(``jupyter_execute/<page>.ipynb``) still holds every output. After Sphinx has read the
pages, this extension reads each page's executed notebook and logs a warning, which
``-W`` turns into a failed build, for every stderr stream and error output, naming the
page, the cell and the text.

Every page is checked in every build, not only the pages read again: a page that
failed and was cached stays failed until it is fixed.

It also mends what myst-nb writes there. When a page is read again and its outputs come
from the execution cache, myst-nb writes the notebook *without* them (it writes the
notebook it read, not the one it merged with the cache), so the notebook a reader
downloads and the outputs checked here would depend on whether the page was executed in
this build. The outputs are taken from the cache again (jupyter-cache's
``merge_match_into_notebook``) and the notebook is written whole.

Register it in ``_config.yml``::

    sphinx:
      extra_extensions:
        - shifeng.ext.cell_outputs
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from myst_nb.sphinx_ext import OUTPUT_FOLDER
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: at most this much of one output goes into the message
SHOWN = 600


def _text(output) -> str:
    if output.get("output_type") == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def problems(notebook) -> list[str]:
    """One line for each stderr or error output of any code cell of ``notebook``."""
    found = []
    code_cells = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        first_line = next((line for line in cell.get("source", "").splitlines() if line.strip()), "")
        where = f"code cell {number}" + (f" (tags: {', '.join(tags)})" if tags else "") + f", which begins {first_line[:60]!r}"
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error" or (kind == "stream" and output.get("name") == "stderr"):
                what = "raised" if kind == "error" else "printed to stderr"
                text = _text(output).strip()
                if len(text) > SHOWN:
                    text = text[:SHOWN] + " [...]"
                found.append(f"{where} {what}: {text}")
    return found


def executed_notebook(app, docname: str) -> Path:
    return Path(app.outdir).parent / OUTPUT_FOLDER / f"{docname}.ipynb"


def _cache(app):
    from jupyter_cache import get_cache

    folder = app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    return get_cache(str(folder)) if Path(folder).is_dir() else None


def with_cached_outputs(app, path: Path):
    """The executed notebook at ``path``, its outputs restored from the cache (and written) if myst-nb left them out."""
    notebook = nbformat.read(path, as_version=4)
    if app.config.nb_execution_mode != "cache" or (cache := _cache(app)) is None:
        return notebook
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:  # not in the cache: it was executed in this build, outputs and all
        return notebook
    if merged != notebook:
        path.write_text(nbformat.writes(merged), encoding="utf-8")
    return merged


def check_all(app, env) -> None:
    for docname in sorted(env.found_docs):
        path = executed_notebook(app, docname)
        if not path.is_file():
            continue
        for problem in problems(with_cached_outputs(app, path)):
            logger.warning(
                f"{problem} (every cell's output is checked, hidden cells too: fix the cause, do not hide it)",
                location=docname,
                type="shifeng",
                subtype="cell_output",
            )


def setup(app):
    app.connect("env-updated", check_all)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Reproducibility: the same commit gives the same book.

A full check is two clean builds compared file by file (``make repro``, which runs
``scripts/compare_builds.py --build``; set ``REPRO_DIRS=A:B`` to
have :func:`test_two_builds_are_identical` compare two existing builds). Under
``make test`` two cheaper checks run, each able to fail:

- tables get the same HTML in two fresh Python processes (pandas names a table's HTML
  ids after a random uuid unless told otherwise);
- the notebooks offered for download have cell ids made from their text, not random ones;
- pages are executed again and every output a reader or the PDF gets (HTML, images,
  LaTeX, printed text) must equal the build's, byte for byte. One page per kind of output
  (table, chart, map) is enough to catch a random id or a timestamp in the code that
  draws it; ``REPRO_ALL=1`` executes every page.

Charts and maps are mostly glued (``{glue:figure}``): myst-nb takes them out of the
executed notebook, so a glued image drawn again must be a file of the build (myst-nb
names it after the SHA-256 of its bytes) and glued HTML must be in the built page.
Execution counts, cell timings and the ``text/plain`` fallback of a rich output (such
as ``<folium.folium.Map at 0x7f...>``) are not shown to readers and are not compared;
nor are glued numbers and words (two full builds compare them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shifeng.ext import map_assets
from shifeng.maps import MAP_FRAME

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent

#: myst-nb's HTML priority: the first of these an output has is what the page shows
HTML_PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/markdown",
    "text/latex",
    "text/plain",
]


def _load_compare_builds():
    spec = importlib.util.spec_from_file_location("compare_builds", REPO / "scripts" / "compare_builds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- tables -----------------------------------------------------------------------------

TABLE_SCRIPT = """
import pandas as pd
from shifeng.tables import Table
frame = pd.DataFrame({"block": ["井墈", "响田桥"], "works": [3, 4]})
print(Table(frame, "Works").html())
print(Table(frame, "Works").html())  # the same table twice on one page
"""


def _render_table(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", TABLE_SCRIPT], capture_output=True, text=True, env=env, check=True)
    return result.stdout


def test_a_table_has_the_same_html_in_every_process():
    first, second = _render_table("1"), _render_table("2")
    assert first == second, "a data table's HTML changes from one run to the next (random ids?)"
    ids = [line for line in first.splitlines() if line.startswith("<table")]
    assert len(ids) == 2 and ids[0] != ids[1], f"two tables on one page share an id: {ids}"


# --- downloadable notebooks ------------------------------------------------------------------


def test_downloadable_notebooks_have_stable_cell_ids(book_html):
    """nbformat gives each cell of a notebook made from Markdown a random id; shifeng.ext.html_fixes
    replaces them with ids made from each cell's position and text, which the notebook a reader
    downloads keeps (after its own first cell, whose id is fixed)."""
    import nbformat

    from shifeng.ext.html_fixes import stable_id

    notebooks = sorted((book_html / "_sources").rglob("*.ipynb"))
    if not notebooks:
        pytest.skip("the build offers no notebook for download")
    executed = executed_dir(book_html)
    random = []
    for path in notebooks:
        offered = nbformat.read(path, as_version=4)
        source = nbformat.read(executed / path.relative_to(book_html / "_sources"), as_version=4)
        expected = ["reader-intro"] + [stable_id(i, cell) for i, cell in enumerate(source.cells)]
        if [cell.get("id") for cell in offered.cells] != expected:
            random.append(f"{path.relative_to(book_html)}: cell ids not made from the page's cells")
    assert not random, "\n".join(random)


# --- outputs of executed pages ------------------------------------------------------------


def executed_dir(book_html: Path) -> Path:
    return book_html.parent / "jupyter_execute"


def shown_outputs(notebook) -> list[tuple[int, str, object]]:
    """(cell index, what, value) for every output a reader or the PDF gets."""
    shown = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                shown.append((index, f"stream {output.get('name')}", output.get("text")))
            elif kind == "error":
                shown.append((index, "error", output.get("ename")))
            elif kind in ("display_data", "execute_result"):
                if "scrapbook" in output.get("metadata", {}):
                    continue  # a glued value: myst-nb moves it into the prose, out of the notebook
                data = dict(output.get("data", {}))
                if len(data) > 1:
                    data.pop("text/plain", None)  # a fallback nobody sees when a richer form exists
                for mime in sorted(data):
                    shown.append((index, mime, data[mime]))
                if output.get("metadata"):
                    shown.append((index, "metadata", output["metadata"]))
    return shown


def page_kinds(page_html: str) -> set[str]:
    """Kinds of computed output a built page shows (its charts and maps are often glued)."""
    kinds = set()
    if "_images/" in page_html:
        kinds.add("figure")
    if "<iframe" in page_html:
        kinds.add("map")
    if 'class="data-table' in page_html:  # a computed table (shifeng.tables.Table), not a Markdown one
        kinds.add("table")
    return kinds


def pages_to_execute(book_html: Path) -> list[Path]:
    """One executed page per kind of output (the one with the fewest code cells), or all."""
    import nbformat

    executed = executed_dir(book_html)
    notebooks = sorted(executed.rglob("*.ipynb"))
    if os.environ.get("REPRO_ALL"):
        return notebooks
    chosen: dict[str, Path] = {}
    by_size = sorted(notebooks, key=lambda p: (sum(c.cell_type == "code" for c in nbformat.read(p, 4).cells), p))
    for path in by_size:
        page = book_html / path.relative_to(executed).with_suffix(".html")
        if not page.exists() or not any(c.cell_type == "code" for c in nbformat.read(path, 4).cells):
            continue
        for kind in page_kinds(page.read_text(encoding="utf-8")):
            chosen.setdefault(kind, path)
    return sorted(set(chosen.values()))


#: a glued output's mime type -> where myst-nb puts it in the HTML
GLUE_PREFIX = "application/papermill.record/"
IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}


def glued_outputs(notebook) -> list[tuple[int, str, object]]:
    """(cell index, mime type, value) of the form the HTML page shows of each glued rich value.

    A map glued with a static PNG beside its HTML (for the PDF) is judged by its HTML.
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "scrapbook" not in output.get("metadata", {}):
                continue
            data = {(m[len(GLUE_PREFIX):] if m.startswith(GLUE_PREFIX) else m): v for m, v in output.get("data", {}).items()}
            if MAP_FRAME in data:  # a map: the page shows its own document, in a frame
                found.append((index, MAP_FRAME, data[MAP_FRAME]))
                continue
            shown = next((m for m in HTML_PRIORITY if m in data), None)
            if shown in IMAGE_SUFFIX or shown == "text/html":
                found.append((index, shown, data[shown]))
    return found


def glue_problems(rel: Path, notebook, book_html: Path) -> list[str]:
    """A glued chart or map executed again must be the very file or markup the build holds.

    myst-nb names an image file after the SHA-256 of its bytes and writes HTML as it is,
    so a chart drawn differently has no file of its name, and a map with a new random id
    is not in the page.
    """
    import base64
    import hashlib

    problems = []
    page = book_html / rel.with_suffix(".html")
    page_html = page.read_text(encoding="utf-8") if page.exists() else ""
    for cell, mime, value in glued_outputs(notebook):
        if mime in IMAGE_SUFFIX:
            raw = value.encode() if mime == "image/svg+xml" else base64.b64decode(value)
            name = hashlib.sha256(raw).hexdigest() + IMAGE_SUFFIX[mime]
            if not (book_html / "_images" / name).exists():
                problems.append(f"{rel}, cell {cell}: a glued {mime} drawn again is not the build's (no _images/{name})")
        elif mime == MAP_FRAME:
            frame = value if isinstance(value, dict) else json.loads(value)
            name = map_assets.frame_name(frame)
            if not (book_html / map_assets.OUT_DIR / map_assets.FRAMES_DIR / name).exists() or name not in page_html:
                problems.append(f"{rel}, cell {cell}: a glued map made again is not the build's (no frame {name})")
        elif value not in page_html:
            problems.append(f"{rel}, cell {cell}: a glued text/html made again is not in {page.name} as built")
    return problems


EXECUTE_SCRIPT = """
import sys, nbformat
from nbclient import NotebookClient
source, cwd, target = sys.argv[1:4]
notebook = nbformat.read(source, as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
nbformat.write(notebook, target)
"""


def _execute(notebook: Path, cwd: Path, target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", EXECUTE_SCRIPT, str(notebook), str(cwd), str(target)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_executing_pages_again_gives_the_same_outputs(book_html, tmp_path):
    import nbformat

    executed = executed_dir(book_html)
    if not executed.is_dir():
        pytest.skip(f"{executed} is missing: these HTML files were not built here")
    pages = pages_to_execute(book_html)
    if not pages:
        pytest.skip("no executed page has outputs")
    jobs = []
    for notebook in pages:
        rel = notebook.relative_to(executed)
        source_dir = REPO / rel.parent  # pages are executed in their own folder, as the build does
        jobs.append((rel, notebook, source_dir, tmp_path / rel.name))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: _execute(job[1], job[2], job[3]), jobs))
    problems = []
    for (rel, notebook, _, again), result in zip(jobs, results):
        if result.returncode != 0:
            problems.append(f"{rel}: could not be executed again:\n{result.stderr[-2000:]}")
            continue
        rerun = nbformat.read(again, 4)
        problems += glue_problems(rel, rerun, book_html)
        before = shown_outputs(nbformat.read(notebook, 4))
        after = shown_outputs(rerun)
        if len(before) != len(after):
            problems.append(f"{rel}: {len(before)} outputs in the build, {len(after)} when executed again")
            continue
        for (cell, what, old), (_, _, new) in zip(before, after):
            if old != new:
                detail = ""
                if isinstance(old, str) and isinstance(new, str):
                    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
                    detail = f": first difference at character {at}: {old[max(0, at - 40):at + 40]!r} vs {new[max(0, at - 40):at + 40]!r}"
                problems.append(f"{rel}, cell {cell}, {what} differs{detail}")
    assert not problems, f"executed again ({', '.join(str(j[0]) for j in jobs)}):\n" + "\n".join(problems)


# --- two full builds (make repro) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("REPRO_DIRS"), reason="set REPRO_DIRS=A:B (two build folders), or run make repro")
def test_two_builds_are_identical():
    compare_builds = _load_compare_builds()
    first, second = (Path(p) for p in os.environ["REPRO_DIRS"].split(os.pathsep))
    report = compare_builds.compare(compare_builds.html_dir(first), compare_builds.html_dir(second))
    assert not report, "\n".join(report)

"""What readers take away from the built book: the data, the notebooks, the handouts.

- the data package zip validates with frictionless as downloaded, and its checksum is
  the one published beside it; every table's CSV link serves the very file of ``data/``;
- no table header is a bare field name;
- a chapter's downloaded notebook has no role Jupyter cannot show, and executes in a
  clean folder beside the unzipped data package, giving the page's glued values;
- a student handout holds no solution; the teacher's key holds every one; the teacher's
  guide links both for every chapter.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from shifeng import bundle, data, facts, reader, toc

pytestmark = pytest.mark.build
REPO = data.REPO_ROOT


def pages(book_html: Path):
    for name in toc.docnames():
        yield name, BeautifulSoup((book_html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


# --- the data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unzipped(book_html, tmp_path_factory) -> Path:
    archive = book_html / bundle.HTML_DATA_DIR / bundle.ZIP_NAME
    assert archive.is_file(), f"no {archive}: the HTML build writes it"
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(target)
    (folder,) = target.iterdir()
    return folder


def test_the_data_zip_validates_as_downloaded(unzipped):
    run = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", "data/datapackage.json"],
                         cwd=unzipped, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    readme = (unzipped / "README.md").read_text(encoding="utf-8")
    for _name, path in bundle.csv_names().items():
        assert (unzipped / "data" / path).read_bytes() == (data.DATA_DIR / path).read_bytes(), path
        assert f"`data/{path}`" in readme, f"the README does not say what {path} holds"
    assert "CC BY 4.0" in readme and "How to cite" in readme
    assert "Creative Commons Attribution 4.0" in (unzipped / "LICENSE").read_text(encoding="utf-8")
    assert not any(line.startswith("-e ") for line in (unzipped / "requirements.txt").read_text().splitlines())


def test_the_published_checksums_are_the_files(book_html):
    folder = book_html / bundle.HTML_DATA_DIR
    sums = dict(reversed(line.split("  ")) for line in (folder / bundle.CHECKSUMS).read_text().splitlines())
    assert bundle.ZIP_NAME in sums
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_every_table_links_its_csv_which_is_the_data_file(book_html):
    linked = 0
    for name, soup in pages(book_html):
        for table in soup.select("table.data-table"):
            for link in table.select("caption a.table-csv"):
                target = (book_html / name).parent / link["href"]
                source = data.DATA_DIR / Path(link["href"]).name
                assert target.resolve().is_file() and target.read_bytes() == source.read_bytes(), (name, link["href"])
                linked += 1
    assert linked > 20


def test_the_landing_page_and_the_appendix_link_the_zip(book_html):
    for name in ("index", "book/appendix-data"):
        html = (book_html / f"{name}.html").read_text(encoding="utf-8")
        assert f"{bundle.HTML_DATA_DIR}/{bundle.ZIP_NAME}" in html, name


def test_no_table_header_is_a_bare_field_name(book_html):
    fields = {f for name in data.tables() for f in data.load(name).columns}
    for name, soup in pages(book_html):
        headers = {th.get_text(strip=True) for th in soup.select("table.data-table thead th")}
        bare = sorted(h for h in headers if h in fields)
        assert not bare, f"{name}: headers that are field names: {bare}"


# --- notebooks -----------------------------------------------------------------------

NOTEBOOK_PAGES = [c for c in toc.chapters() if c.numbered]


def downloaded(book_html: Path, chapter) -> Path:
    return book_html / "_sources" / f"{chapter.docname}.ipynb"


@pytest.mark.parametrize("chapter", NOTEBOOK_PAGES, ids=lambda c: c.stem)
def test_a_downloaded_notebook_holds_nothing_jupyter_cannot_show(book_html, chapter):
    notebook = nbformat.read(downloaded(book_html, chapter), as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert not reader.ROLE.search(text), reader.ROLE.search(text).group(0)
    assert not re.search(r"^(`{3,}|:{3,})\{", text, re.M), "a MyST directive is left"
    assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")


EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[3])
"""


def test_downloaded_notebooks_run_beside_the_data_and_give_the_pages_values(book_html, unzipped, tmp_path):
    """As a reader runs them: in the unzipped folder, outside the book's build, with the zip's package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIFENG_")}
    env["PYTHONPATH"] = str(unzipped)  # the zip's own shifeng, not this checkout's
    check = subprocess.run([sys.executable, "-c", "import shifeng; print(shifeng.__file__)"], cwd=unzipped,
                           capture_output=True, text=True, env=env)
    assert Path(check.stdout.strip()).is_relative_to(unzipped), check.stdout + check.stderr

    def run(chapter):
        source = unzipped / f"{chapter.stem}.ipynb"
        shutil.copy2(downloaded(book_html, chapter), source)
        out = tmp_path / f"{chapter.stem}.ran.ipynb"
        done = subprocess.run([sys.executable, "-c", EXECUTE, str(source), str(unzipped), str(out)],
                              cwd=unzipped, capture_output=True, text=True, env=env, timeout=900)
        return chapter, done, out

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, NOTEBOOK_PAGES))
    values = {name: facts.shown(value) for name, value in facts.all_facts().items()}
    for chapter, done, out in results:
        assert done.returncode == 0, f"{chapter.stem}: {done.stderr[-3000:]}"
        ran = nbformat.read(out, as_version=4)
        glued = reader.glued_values(ran)
        assert glued and all(values[name] == text for name, text in glued.items()), chapter.stem
        stderr = [o for c in ran.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
        assert not stderr, f"{chapter.stem}: {stderr[:1]}"
        # a glued output is shown when its mime types carry no glue prefix (myst_nb.glue(display=True))
        shown = [o for c in ran.cells for o in c.get("outputs", []) if o.get("output_type") == "display_data"
                 and {"image/png", "text/html"} & set(o.get("data", {}))]
        figures = (chapter.source.read_text(encoding="utf-8")).count("{glue:figure}")
        assert len(shown) >= figures, f"{chapter.stem}: {len(shown)} charts or maps shown, {figures} figures on the page"


# --- handouts ------------------------------------------------------------------------


def letters(text: str) -> str:
    """Only letters and digits (Latin and Chinese): what survives PDF text extraction alike."""
    return "".join(re.findall(r"[A-Za-z0-9\u4e00-\u9fff]", text))


def pdf_text(path: Path) -> str:
    return letters(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def solutions_of(chapter) -> list[str]:
    """The first words of each solution, as the page shows them (glued values as values)."""
    source = chapter.source.read_text(encoding="utf-8")
    glued = {name: facts.shown(value) for name, value in facts.all_facts().items()}
    found = []
    for body in re.findall(r"```\{solution\}[^\n]*\n(.*?)\n```", source, re.S):
        first = re.sub(r"^:[a-z-]+:.*$", "", body, flags=re.M).strip().split("\n\n")[0]
        shown = reader.plain_markdown(first, glued, lambda target: target, reader.source_labels())
        found.append(letters(shown)[:40])
    return found


@pytest.mark.pdf
@pytest.mark.parametrize("chapter", NOTEBOOK_PAGES, ids=lambda c: c.stem)
def test_the_student_handout_has_no_solution_and_the_key_has_every_one(chapter, book_html):
    folder = book_html / "pdf" / "chapters"
    student, key = folder / f"{chapter.stem}-student.pdf", folder / f"{chapter.stem}-key.pdf"
    if not student.exists() and not os.environ.get("SHIFENG_REQUIRE_PDF"):
        pytest.skip("the HTML was built without its PDFs (make book); make site links them")
    student_text, key_text = pdf_text(student), pdf_text(key)
    solutions = [s for s in solutions_of(chapter) if s]
    assert solutions
    assert "Solution" not in student_text and not any(s in student_text for s in solutions), chapter.stem
    assert all(s in key_text for s in solutions), [s for s in solutions if s not in key_text]
    assert "Studenthandout" in student_text and "Teacherskey" in key_text  # letters() keeps no apostrophe


@pytest.mark.pdf
def test_the_teachers_guide_links_both_handouts_of_every_chapter(book_html):
    soup = BeautifulSoup((book_html / "book" / "teachers-guide.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in soup.select(".shifeng-handouts a")}
    if not links and not os.environ.get("SHIFENG_REQUIRE_PDF"):
        pytest.skip("the HTML was built without its PDFs (make book)")
    for chapter in [c for c in toc.chapters() if "{exercise}" in c.source.read_text(encoding="utf-8")]:
        for kind in ("student", "key"):
            assert f"../pdf/chapters/{chapter.stem}-{kind}.pdf" in links, (chapter.stem, kind)
            assert (book_html / "pdf" / "chapters" / f"{chapter.stem}-{kind}.pdf").is_file()

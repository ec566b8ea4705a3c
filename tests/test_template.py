"""The chapter template (``book/_template.md``) builds, strictly, into a page of the book's shape.

It is built with the book's own configuration in a copy that holds only the landing
page, the template, the glossary and the bibliography, so an author who copies it starts
from a chapter that already passes the build and the shape test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template_page(tmp_path_factory) -> BeautifulSoup:
    root = tmp_path_factory.mktemp("template-book")
    for name in ("_config.yml", "references.bib", "CITATION.cff"):
        shutil.copy2(REPO / name, root / name)
    for folder in ("_static", "_templates"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "book").mkdir()
    shutil.copy2(REPO / "book" / "_template.md", root / "book" / "template.md")
    shutil.copy2(REPO / "book" / "glossary.md", root / "book" / "glossary.md")
    (root / "book" / "bibliography.md").write_text("# Bibliography\n\n```{bibliography}\n:all:\n```\n", encoding="utf-8")
    (root / "index.md").write_text("# A book\n\n```{tableofcontents}\n```\n", encoding="utf-8")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nparts:\n  - caption: The case\n    numbered: true\n    chapters:\n"
        "      - file: book/template\n  - caption: Reference\n    chapters:\n      - file: book/glossary\n"
        "      - file: book/bibliography\n",
        encoding="utf-8",
    )
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", str(root), "-W", "-n", "--keep-going"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return BeautifulSoup((root / "_build" / "html" / "book" / "template.html").read_text(encoding="utf-8"), "html.parser")


def test_the_template_builds_into_the_book_shape(template_page):
    text = template_page.find("main").get_text(" ", strip=True)
    for part in ("Learning objectives", "Key terms", "Summary", "Discussion questions", "Exercises"):
        assert part in text, part
    assert len(template_page.select("div.exercise")) == 2 and len(template_page.select("div.solution")) == 2
    assert template_page.select("table.data-table") and template_page.select("span.output.text_plain")
    assert template_page.select('a[href*="glossary.html#term-"]'), "the key term links to the glossary"


def test_the_readme_points_to_the_template():
    assert "book/_template.md" in (REPO / "README.md").read_text(encoding="utf-8")

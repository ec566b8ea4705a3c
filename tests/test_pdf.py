"""The print edition: the book's PDF, the chapter handouts, their links in the HTML, and
the publishing workflow.

Tests marked ``pdf`` read ``_build/pdf`` (``$BOOK_PDF``), which ``make pdf`` writes; without
it they are skipped, unless ``$CI`` or ``$SHIFENG_REQUIRE_PDF`` is set, when they fail.
The HTML link tests (``build``) read ``_build/html``; they check that no page links a
PDF that is not there, and, once ``make pdf`` has run before ``make book``, that every
chapter links its handout. They use poppler-utils (pdfinfo, pdffonts, pdftotext,
pdfimages), which ``scripts/install-system-deps.sh`` installs.
"""

from __future__ import annotations

import collections
import csv
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from shifeng import toc
from shifeng.pdf.outline import handout_name

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "_build"
PDF = Path(os.environ.get("BOOK_PDF") or BUILD / "pdf")
HTML = Path(os.environ.get("BOOK_HTML") or BUILD / "html")
LATEX = PDF.parent / "latex"
TITLE = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["title"]
CJK = re.compile(r"[\u3400-\u9fff]")


# --- the book's outline, from _toc.yml and the chapter sources -------------------------


def toc_chapters() -> list[dict]:
    """Every chapter in _toc.yml, in order: docname, handout name, number or letter, source."""
    chapters, number, letter, seen_numbered = [], 0, 0, False
    for chapter in toc.chapters():
        seen_numbered |= chapter.numbered
        if chapter.numbered:
            number += 1
            label = str(number)
        elif seen_numbered:
            letter += 1
            label = chr(ord("A") + letter - 1)
        else:
            label = ""
        chapters.append({"docname": chapter.docname, "label": label})
    names = [c["docname"] for c in chapters]
    for chapter in chapters:
        chapter["name"] = handout_name(chapter["docname"], names)
        chapter["source"] = _source(chapter["docname"])
        chapter["title"] = re.search(r"^# (.+)$", chapter["source"], re.M).group(1).strip()
    return chapters


def _source(docname: str) -> str:
    for suffix in (".md", ".ipynb"):
        path = REPO / f"{docname}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    return ""


FIGURE = re.compile(r"^(?:```|:::)\{(?:glue:figure|figure)\}", re.M)
FIGURE_CELL = re.compile(r"^:\s+figure:", re.M)  # a code cell's `mystnb: figure:` metadata


def figures_in(source: str) -> int:
    """Figures (charts and maps included) a source places: figure directives and figure cells."""
    return len(FIGURE.findall(source)) + len(FIGURE_CELL.findall(source))


CHAPTERS = toc_chapters()


# --- poppler --------------------------------------------------------------------------


def run(*cmd: str) -> str:
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} is missing: run scripts/install-system-deps.sh (poppler-utils)")
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@cache
def text_of(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return run("pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plain(text: str) -> str:
    """For comparing printed text: no spaces, quotes or case (bibliography styles change them)."""
    return re.sub(r"[\s'\"‘’“”]", "", text).lower()


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))


def fonts(pdf: Path) -> list[dict]:
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    found = []
    for line in lines:
        # name type... encoding emb sub uni object ID: the last five columns are fixed
        parts = line.split()
        found.append({"name": parts[0], "emb": parts[-5], "line": line})
    return found


def images(pdf: Path) -> int:
    rows = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    return sum(1 for row in rows if row.split()[2] == "image")


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_dir() -> Path:
    if not (PDF / "book.pdf").exists():
        message = f"no {PDF / 'book.pdf'}: run `make pdf` (before `make book`, which links the PDFs)"
        if os.environ.get("CI") or os.environ.get("SHIFENG_REQUIRE_PDF"):
            pytest.fail(message)
        pytest.skip(message)
    return PDF


@pytest.fixture(scope="module")
def book(pdf_dir) -> Path:
    return pdf_dir / "book.pdf"


# --- the book -------------------------------------------------------------------------


@pytest.mark.pdf
def test_book_has_its_pages_and_title(book):
    pages = page_count(book)
    # title page, colophon, contents, "About this book", then every chapter: 3 pages at least
    assert pages >= 4 + 3 * len(CHAPTERS), f"book.pdf has only {pages} pages"
    info = run("pdfinfo", str(book))
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), info
    assert re.search(rf"^Title:\s+{re.escape(TITLE)}", info, re.M), "the PDF's metadata lack the book's title"
    first = text_of(book, 1, 2)
    assert TITLE in first, "no title page"
    contents = plain(text_of(book, 3, 8))
    assert "contents" in contents
    for chapter in CHAPTERS:  # every chapter in the table of contents, in print
        assert plain(chapter["title"]) in contents, f"{chapter['title']!r} not in the table of contents"


@pytest.mark.pdf
def test_book_numbers_chapters_and_appendices(book):
    """Chapters 1, 2, ... of the numbered part, appendices A, B, ... after it, as in the contents."""
    contents = plain(text_of(book, 3, 8))
    for chapter in CHAPTERS:
        entry = plain(chapter["label"] + chapter["title"])
        assert entry in contents, f"no '{chapter['label']} {chapter['title']}' in the table of contents"


@pytest.mark.pdf
def test_every_font_is_embedded(pdf_dir):
    for pdf in [pdf_dir / "book.pdf", *sorted((pdf_dir / "chapters").glob("*.pdf"))]:
        missing = [f["line"] for f in fonts(pdf) if f["emb"] != "yes"]
        assert not missing, f"{pdf.name}: fonts not embedded:\n" + "\n".join(missing)


@pytest.mark.pdf
def test_chinese_fonts_are_noto_cjk(book):
    names = [f["name"] for f in fonts(book)]
    assert any("NotoSerifCJK" in n for n in names) and any("NotoSansCJK" in n for n in names), names


@pytest.mark.pdf
def test_chinese_text_is_extractable(book):
    text = text_of(book)
    assert "\ufffd" not in text, "pdftotext found characters it cannot map (U+FFFD)"
    assert len(CJK.findall(text)) > 2000, "too little Chinese text in the PDF"
    flat = squeeze(text)
    with (REPO / "data" / "glossary.csv").open(encoding="utf-8") as handle:
        terms = [row["hanzi"] for row in csv.DictReader(handle)]
    missing = [term for term in terms if squeeze(term) not in flat]
    assert not missing, f"glossary terms not found in the PDF's text: {missing[:10]}"


@pytest.mark.pdf
def test_a_chinese_quotation_in_the_english_book_is_set_as_on_the_web(book):
    """No space between a hanzi and a quotation mark or a digit that the source does not
    have: xeCJK adds one unless the preamble's english-only rule says not to."""
    text = text_of(book)
    assert "参与“美丽社区”建设" in text, "xeCJK put spaces inside the report's quotation marks"
    assert "2018年" in text.replace("\n", "")


@pytest.mark.pdf
def test_no_character_is_missing_from_the_fonts(pdf_dir):
    logs = sorted(LATEX.glob("*.log"))
    assert logs, f"no xelatex logs in {LATEX}"
    missing = [f"{log.name}: {line}" for log in logs for line in log.read_text(errors="replace").splitlines()
               if line.startswith("Missing character")]
    assert not missing, "characters printed as empty boxes:\n" + "\n".join(missing[:20])


@pytest.mark.pdf
def test_every_figure_and_map_is_in_the_book(book):
    expected = sum(figures_in(c["source"]) for c in CHAPTERS) + figures_in(_source("index"))
    assert expected > 0
    found = images(book)
    assert found >= expected, f"book.pdf holds {found} images for {expected} figures and maps"


@pytest.mark.pdf
def test_bibliography_lists_every_source(book):
    with (REPO / "data" / "sources.csv").open(encoding="utf-8") as handle:
        sources = list(csv.DictReader(handle))
    text = plain(text_of(book))
    missing = [s["source_id"] for s in sources if plain(s["title"])[:16] not in text]
    assert not missing, f"sources missing from the book: {missing}"


# --- the handouts ---------------------------------------------------------------------


EDITIONS = ("student", "key")


@pytest.mark.pdf
def test_the_book_puts_each_chapters_solutions_at_its_end(book):
    """In the book, a chapter's solutions come after all its exercises, under "Solutions"."""
    text = text_of(book)
    numbered = [c for c in CHAPTERS if c["label"].isdigit() and "{solution}" in c["source"]]
    starts = [re.search(rf"(?<!Solution to )Exercise {c['label']}\.1 \(", text).start() for c in numbered]
    for chapter, start, end in zip(numbered, starts, starts[1:] + [len(text)]):
        span = text[start:end]
        exercises = [m.start() for m in re.finditer(rf"(?<!Solution to )Exercise {chapter['label']}\.\d+ \(", span)]
        solutions = [m.start() for m in re.finditer(rf"Solution to Exercise {chapter['label']}\.\d+", span)]
        assert solutions and min(solutions) > max(exercises), f"chapter {chapter['label']}: a solution before an exercise"
        assert "Solutions" in span[max(exercises):min(solutions)], f"chapter {chapter['label']}: no Solutions heading"


def handouts_of(chapter) -> list[str]:
    """A chapter with exercises has a student handout and a teacher's key; any other, one handout."""
    if "{exercise}" in chapter["source"]:
        return [f"{chapter['name']}-{edition}" for edition in EDITIONS]
    return [chapter["name"]]


@pytest.mark.pdf
def test_two_handouts_per_chapter_with_exercises_and_one_for_the_others(pdf_dir):
    found = sorted(p.stem for p in (pdf_dir / "chapters").glob("*.pdf"))
    assert found == sorted(name for c in CHAPTERS for name in handouts_of(c))


@pytest.mark.pdf
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c["name"] for c in CHAPTERS])
def test_handout_is_self_contained(pdf_dir, chapter):
    pdf = pdf_dir / "chapters" / f"{handouts_of(chapter)[-1]}.pdf"
    assert pdf.exists(), f"no handout {pdf}"
    first = text_of(pdf, 1, 1)
    assert TITLE in first, "the handout does not name the book"
    assert plain(chapter["title"]) in plain(first), "the handout's first page lacks the chapter's title"
    text = text_of(pdf)
    source = chapter["source"]
    if "{cite" in source:
        assert "References" in text or "Bibliography" in text, "the handout lists no references"
    if "{exercise}" in source:
        assert "Exercise" in text, "the handout lacks its exercises"
    if "{solution}" in source:
        assert "Solution" in text, "the handout lacks the solutions"
    if "## Discussion questions" in source:
        assert "Discussion questions" in text
    figures = figures_in(source)
    assert images(pdf) >= figures, f"{figures} figures in the chapter, fewer images in its handout"
    if figures and chapter["label"]:
        # numbered as in the book: "Fig. 3.1" is the same figure in both
        assert f"Fig. {chapter['label']}.1" in text, f"the handout's figures are not numbered {chapter['label']}.n"


# --- the links in the HTML ------------------------------------------------------------


def html_pages() -> list[Path]:
    return sorted(p for p in HTML.rglob("*.html") if not any(part.startswith(("_", ".")) for part in p.relative_to(HTML).parts[:-1]))


HREF = re.compile(r'href="([^"#?]+)"')


@pytest.mark.build
def test_no_page_links_a_missing_pdf_or_notebook():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book in {HTML}: run `make book`")
    broken = []
    for page in html_pages():
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            if "://" in href or not href.endswith((".pdf", ".ipynb")):
                continue
            if not (page.parent / href).resolve().is_file():
                broken.append(f"{page.relative_to(HTML)} -> {href}")
    assert not broken, "links to files that are not in the built book:\n" + "\n".join(broken)


@pytest.mark.build
def test_every_notebook_page_offers_its_notebook():
    for chapter in CHAPTERS:
        page = HTML / f"{chapter['docname']}.html"
        if not page.exists() or "kernelspec:" not in chapter["source"]:
            continue
        assert f"{Path(chapter['docname']).name}.ipynb" in page.read_text(encoding="utf-8"), f"{page.name} offers no .ipynb"


@pytest.mark.pdf
@pytest.mark.build
def test_pages_link_the_pdfs(pdf_dir):
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book in {HTML}: run `make book`")
    stale = "run `make book` after `make pdf`: the HTML was built before the PDFs"
    index = (HTML / "index.html").read_text(encoding="utf-8")
    assert 'href="pdf/book.pdf"' in index, f"the landing page does not link the book's PDF ({stale})"
    for chapter in CHAPTERS:
        page = HTML / f"{chapter['docname']}.html"
        for handout in handouts_of(chapter):
            href = os.path.relpath(HTML / "pdf" / "chapters" / f"{handout}.pdf", page.parent)
            assert f'href="{href}"' in page.read_text(encoding="utf-8"), f"{page.name} does not link {handout}.pdf ({stale})"
            name = f"{handout}.pdf"
            assert (HTML / "pdf" / "chapters" / name).read_bytes() == (pdf_dir / "chapters" / name).read_bytes(), (
                f"the HTML's copy of {name} is stale ({stale})")


# --- publishing -----------------------------------------------------------------------


def test_publish_workflow_runs_ci_then_publishes_what_it_built():
    """One CI definition: the workflow runs .ci/run (the README's commands) and publishes _build/html."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    commands = [step.get("run", "") for step in steps]
    assert any(c.strip() == "bash .ci/run" for c in commands), "the workflow must run .ci/run"
    assert not any(re.search(r"^\s*make\s", c, re.M) for c in commands), "the workflow builds only through .ci/run"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip().startswith("make ")]
    assert ci == ["make book", "make test"] and all(f"{c}" in readme for c in ci), ci
    uploads = [s for s in steps if "upload-pages-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"


# --- the Chinese print edition: _build/pdf/zh ---------------------------------------------------

ZH_PDF = PDF / "zh"


@pytest.fixture(scope="module")
def zh_pdf_dir(pdf_dir) -> Path:
    if not (ZH_PDF / "book.pdf").exists():
        pytest.fail(f"no {ZH_PDF / 'book.pdf'}: `make pdf` builds both editions")
    return ZH_PDF


@pytest.mark.pdf
def test_the_chinese_book_has_its_handouts_and_embeds_its_fonts(zh_pdf_dir, pdf_dir):
    english = sorted(p.name for p in (pdf_dir / "chapters").glob("*.pdf"))
    chinese = sorted(p.name for p in (zh_pdf_dir / "chapters").glob("*.pdf"))
    assert chinese == english, "the Chinese edition's handouts differ from the English ones"
    for pdf in [zh_pdf_dir / "book.pdf", *sorted((zh_pdf_dir / "chapters").glob("*.pdf"))]:
        missing = [f["line"] for f in fonts(pdf) if f["emb"] != "yes"]
        assert not missing, f"zh/{pdf.name}: fonts not embedded:\n" + "\n".join(missing)


@pytest.mark.pdf
def test_the_chinese_book_reads_as_chinese(zh_pdf_dir):
    from shifeng import i18n

    text = text_of(zh_pdf_dir / "book.pdf")
    assert "\ufffd" not in text, "pdftotext found characters it cannot map (U+FFFD)"
    han, latin = len(CJK.findall(text)), len(re.findall(r"[A-Za-z]{3,}", text))
    assert han > 10 * latin, f"the Chinese PDF has {han} hanzi and {latin} Latin words"
    with i18n.language("zh_CN"):
        title = i18n.gettext("Shifeng Beautiful Communities")
    assert squeeze(title) in squeeze(text_of(zh_pdf_dir / "book.pdf", 1, 2)), "no Chinese title page"
    contents = squeeze(text_of(zh_pdf_dir / "book.pdf", 3, 8))
    assert "目录" in contents, "no Chinese table of contents"
    assert "图" in text and "表" in text, "Chinese captions (图, 表) are missing"
    # a chapter's running foot, "第 5 章 四个街区", on several pages: the label apart from the title
    foots = collections.Counter(line for line in text.splitlines() if re.match(r"第 ?\d+ ?章", line))
    assert any(pages > 1 for pages in foots.values()), f"no chapter's running foot found: {list(foots)[:5]}"
    run_together = [line for line, pages in foots.items() if pages > 1 and re.match(r"第 ?\d+ ?章\S", line)]
    assert not run_together, f"running foots with no space after the chapter's label: {run_together}"

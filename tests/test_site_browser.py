"""The built book in a real browser (Debian's Chromium, headless), served over HTTP with
the outside network blocked: every page loads cleanly and offline, search finds Chinese
and English terms, next/previous walk the table of contents, and nothing sticks out
sideways on a phone (a failing page's screenshot goes to tests/_artifacts/phone/;
``BOOK_TEST_SCREENSHOTS=1`` saves every page's).

The pages are whatever the build holds (see ``built_page`` in conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest

from shifeng import toc

pytestmark = [pytest.mark.build, pytest.mark.browser]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts" / "phone"
PHONE = {"width": 375, "height": 812}

#: (term, page that must be among the results): the landing page promises both terms
#: (tests/test_build.py checks they are on it), so they are stable search targets.
SEARCH_TERMS = [("石峰区", "index.html"), ("Zhuzhou", "index.html")]


def toc_order() -> list[str]:
    """Pages in reading order per _toc.yml, as built paths ("book/01-context.html")."""
    return [f"{name}.html" for name in toc.docnames()]


def page_path(url: str, base: str) -> str:
    """``http://127.0.0.1:1234/book/x.html#y`` -> ``book/x.html``."""
    path = urlsplit(url).path[len(urlsplit(base).path) :]
    return path + "index.html" if path.endswith("/") or not path else path


# --- every page: clean and offline -----------------------------------------------------


def test_page_loads_offline_without_errors(built_page, offline_page, offline_log, book_server, visit_page):
    response = visit_page(offline_page, book_server + built_page)
    assert response is not None and response.ok, f"{built_page}: HTTP {response and response.status}"
    problems = offline_log.problems()
    assert not problems, f"{built_page}:\n  " + "\n  ".join(problems)


# --- search ---------------------------------------------------------------------------


def search(page, term: str, book_server: str, visit_page, edition: str = "") -> tuple[str, set[str]]:
    """Search the built book (or its edition in the folder ``edition``) for ``term`` as a
    reader does; returns (the summary, the pages found, relative to the edition's root)."""
    book_server += edition
    visit_page(page, book_server + "index.html")
    # the theme's search button opens a dialog whose form submits to search.html?q=...
    page.locator("button.search-button__button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name='q']")
    field.wait_for(state="visible")
    field.fill(term)
    with page.expect_navigation(url=lambda url: "search.html" in url):
        field.press("Enter")
    assert f"q={quote(term)}" in page.url or f"q={term}" in page.url, page.url
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0 && !s.textContent.includes('Preparing'); }"
    )
    summary = page.locator("#search-results .search-summary").inner_text()
    hrefs = page.locator("#search-results ul.search li a").evaluate_all("links => links.map(a => a.href)")
    return summary, {page_path(href, book_server) for href in hrefs}


@pytest.mark.parametrize(("term", "expected"), SEARCH_TERMS, ids=[t for t, _ in SEARCH_TERMS])
def test_search_finds_the_term(term, expected, offline_page, offline_log, book_server, visit_page):
    summary, found = search(offline_page, term, book_server, visit_page)
    assert expected in found, f"search for {term!r}: {summary!r}; results: {sorted(found)}"
    assert not offline_log.problems(), offline_log.problems()


#: words inside longer runs of Chinese (found only if the index splits Chinese into words),
#: an abbreviation, and an English name
WORDS = ["昊华", "煤气", "党建", "业委会", "Tianxin"]


def pages_using(word: str, book_html) -> set[str]:
    from bs4 import BeautifulSoup

    pages = set()
    for name in toc_order():
        main = BeautifulSoup((book_html / name).read_text(encoding="utf-8"), "html.parser").find("main")
        if main and word.lower() in main.get_text(" ").lower():
            pages.add(name)
    return pages


#: the same words in the Chinese edition, which writes Tianxin as 田心
WORDS_ZH = ["昊华", "煤气", "党建", "业委会", "田心"]
EDITION_WORDS = [("", w) for w in WORDS] + [("zh/", w) for w in WORDS_ZH]


@pytest.mark.parametrize(("edition", "word"), EDITION_WORDS, ids=[f"{e or 'en/'}{w}" for e, w in EDITION_WORDS])
def test_search_finds_every_page_that_uses_a_word(edition, word, offline_page, offline_log, book_server, visit_page,
                                                   book_html):
    expected = pages_using(word, book_html / edition)
    assert expected, f"no page of {edition or 'the English edition'} uses {word!r}: choose another word"
    summary, found = search(offline_page, word, book_server, visit_page, edition)
    assert expected <= found, f"search for {word!r} misses {sorted(expected - found)} ({summary!r})"


# --- next and previous ----------------------------------------------------------------


def test_next_and_previous_walk_the_table_of_contents(offline_page, offline_log, book_server, visit_page, book_html):
    expected = [p for p in toc_order() if (book_html / p).exists()]
    assert expected == toc_order(), f"pages of _toc.yml not built: {sorted(set(toc_order()) - set(expected))}"
    page = offline_page
    visit_page(page, book_server + expected[0])
    assert page.locator("a.left-prev").count() == 0, "the first page has a 'previous' link"

    # follow 'next' from the first page to the last; on each page 'previous' must lead
    # back to the page just left (its link is checked on every page and followed once)
    forward = [expected[0]]
    for _ in range(len(expected) + 1):  # bounded: a loop in the links cannot hang the test
        link = page.locator(".prev-next-area a.right-next")
        if link.count() == 0:
            break
        target = urljoin(page.url, link.get_attribute("href"))
        link.click()
        page.wait_for_url(target, wait_until="domcontentloaded")
        here = page_path(page.url, book_server)
        back = page.locator(".prev-next-area a.left-prev")
        assert back.count() == 1, f"{here}: no 'previous' link"
        assert page_path(urljoin(page.url, back.get_attribute("href")), book_server) == forward[-1], (
            f"{here}: 'previous' does not lead back to {forward[-1]}"
        )
        forward.append(here)
    assert forward == expected, "'next' does not follow _toc.yml"
    assert len(forward) >= 2, "the book has a single page: nothing to navigate"

    back = page.locator(".prev-next-area a.left-prev")
    target = urljoin(page.url, back.get_attribute("href"))
    back.click()
    page.wait_for_url(target, wait_until="domcontentloaded")
    assert page_path(page.url, book_server) == expected[-2], "clicking 'previous' on the last page"
    assert not offline_log.problems(), offline_log.problems()


# --- phone width ----------------------------------------------------------------------

#: The page's horizontal scroll width, and what sticks out past the viewport's right edge
#: (elements and runs of text) without a fixed, hidden, clipping or scrolling ancestor
#: that itself fits: a table that scrolls inside its own box is fine.
OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const scroll = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.classList.length ? '.' + [...el.classList].slice(0, 3).join('.') : '');
  const contained = (start) => {
    for (let a = start; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.display === 'none' || s.visibility === 'hidden' || s.position === 'fixed') return true;
      if (a !== start && ['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
          && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
    if (!contained(el)) offenders.push(`${describe(el)} (right edge at ${Math.round(r.right)} px)`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const past = [...range.getClientRects()].some(r => r.width > 0 && r.right > vw + 1);
    if (past && !contained(node.parentElement)) {
      offenders.push(`text ${JSON.stringify(node.textContent.trim().slice(0, 60))} in ${describe(node.parentElement)}`);
    }
  }
  return {vw, scroll, offenders: offenders.slice(0, 12)};
}
"""


def test_nothing_overflows_sideways_on_a_phone(built_page, offline_pages, book_server, visit_page):
    page = offline_pages(viewport=PHONE, device_scale_factor=1)
    visit_page(page, book_server + built_page, settle_ms=3_000)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    result = page.evaluate(OVERFLOW_JS)
    failed = result["scroll"] > result["vw"] or bool(result["offenders"])
    shot = ARTIFACTS / (built_page.replace("/", "__") + ".png")
    if failed or os.environ.get("BOOK_TEST_SCREENSHOTS"):  # every page with BOOK_TEST_SCREENSHOTS=1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    assert not failed, (
        f"{built_page} at {PHONE['width']} px: page is {result['scroll']} px wide "
        f"(viewport {result['vw']} px); sticking out: {result['offenders']}; screenshot: {shot}"
    )

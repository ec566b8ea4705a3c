"""No broken internal link in the built book.

Every ``href``/``src`` (and ``srcset``, ``data``, ``poster``, form ``action``) of every
built page that points inside the site must name a file that exists, and every
``#anchor`` must be an ``id`` (or ``<a name>``) in the page it points to. URLs inside a
map's ``<iframe srcdoc>`` resolve against the page that holds it, as a browser does, and
every ``url(...)`` of the book's own stylesheets must exist too.

External links (``http:``, ``https:``, ``mailto:``...) are not checked here: the tests
run offline. ``make linkcheck`` checks them and only prints a report.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

#: element -> its attributes that hold a URL
URL_ATTRIBUTES = {
    "a": ["href"],
    "area": ["href"],
    "link": ["href"],
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src", "data-src"],  # a map's frame gets its src from data-src when scrolled near
    "embed": ["src"],
    "object": ["data"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "form": ["action"],
}
#: fragments a browser handles without an element of that id
BUILTIN_FRAGMENTS = {"", "top"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme) or url.startswith("//")


def urls_of(soup: BeautifulSoup):
    """(element name, attribute, URL) for every URL-bearing attribute of ``soup``."""
    for name, attributes in URL_ATTRIBUTES.items():
        for tag in soup.find_all(name):
            for attribute in attributes:
                value = tag.get(attribute)
                if not value:
                    continue
                if attribute == "srcset":
                    for candidate in value.split(","):
                        if candidate.strip():
                            yield name, attribute, candidate.strip().split()[0]
                else:
                    yield name, attribute, value.strip()


@cache
def anchors_of(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def resolve(html_root: Path, page: str, url: str) -> tuple[Path | None, str]:
    """The file a relative URL of ``page`` names (None if it leaves the site) and its fragment."""
    parts = urlsplit(url)
    fragment = unquote(parts.fragment)
    if not parts.path:  # "#anchor" or "?q=": the page itself
        return html_root / page, fragment
    joined = PurePosixPath(page).parent / unquote(parts.path)
    stack: list[str] = []
    for part in joined.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not stack:
                return None, fragment
            stack.pop()
        else:
            stack.append(part)
    target = html_root.joinpath(*stack) if stack else html_root
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, fragment


def broken_links(html_root: Path, page: str, html: str, where: str, check_anchors: bool = True) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for name, attribute, url in urls_of(soup):
        if is_external(url) or url.startswith(("javascript:", "data:")):
            continue
        target, fragment = resolve(html_root, page, url)
        if target is None:
            problems.append(f"{where}: <{name} {attribute}={url!r}> points outside the site")
            continue
        if not target.is_file():
            problems.append(f"{where}: <{name} {attribute}={url!r}>: {target.relative_to(html_root)} does not exist")
            continue
        if (check_anchors and name in ("a", "area") and fragment not in BUILTIN_FRAGMENTS and target.suffix == ".html"
                and fragment not in anchors_of(target)):
                problems.append(f"{where}: <a href={url!r}>: no id {fragment!r} in {target.relative_to(html_root)}")
    # a map is an <iframe srcdoc>: its relative URLs resolve against this page; its own
    # "#" links belong to the map's controls, not to the book
    for frame in soup.find_all("iframe", srcdoc=True):
        problems += broken_links(html_root, page, frame["srcdoc"], f"{where} (map frame)", check_anchors=False)
    return problems


def test_every_internal_link_and_anchor_resolves(built_page, book_html):
    html = (book_html / built_page).read_text(encoding="utf-8")
    problems = broken_links(book_html, built_page, html, built_page)
    assert not problems, "\n".join(problems)


def missing_urls(book_html: Path, where: str, css: str) -> list[str]:
    """The ``url(...)`` of ``css`` (in the file ``where``, relative to the site) that name no file."""
    problems = []
    for _, url in CSS_URL.findall(css):
        if is_external(url) or url.startswith(("data:", "#")):
            continue
        target, _ = resolve(book_html, where, url)
        if target is None or not target.is_file():
            problems.append(f"{where}: url({url}) does not exist")
    return problems


def test_every_stylesheet_url_exists(book_html):
    """Fonts and images named by ``url(...)`` in every stylesheet a page links, and in the
    page's own rules in its ``<style>`` (shifeng.ext.light), which resolve against the page."""
    stylesheets, problems = set(), []
    for path in sorted(book_html.rglob("*.html")):
        page = path.relative_to(book_html).as_posix()
        if any(part.startswith(("_", ".")) for part in page.split("/")[:-1]):  # assets, not pages
            continue
        soup = BeautifulSoup((book_html / page).read_text(encoding="utf-8"), "html.parser")
        docs = [soup] + [BeautifulSoup(f["srcdoc"], "html.parser") for f in soup.find_all("iframe", srcdoc=True)]
        for doc in docs:
            for link in doc.find_all("link", href=True):
                if "stylesheet" in (link.get("rel") or []) and not is_external(link["href"]):
                    target, _ = resolve(book_html, page, link["href"])
                    if target is not None and target.is_file():
                        stylesheets.add(target)
        for style in soup.find_all("style", attrs={"data-rules-of": True}):
            stylesheets.add(page)
            problems += missing_urls(book_html, page, style.get_text())
    assert stylesheets, "no stylesheet found: is the book built?"
    for sheet in sorted(s for s in stylesheets if isinstance(s, Path)):
        problems += missing_urls(book_html, sheet.relative_to(book_html).as_posix(), sheet.read_text(encoding="utf-8", errors="replace"))
    assert not problems, "\n".join(problems)

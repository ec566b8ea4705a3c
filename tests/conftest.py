"""Shared fixtures for the tests that look at the built book (the HTML in ``_build/html``).

- ``book_html``: the built HTML folder, ``$BOOK_HTML`` or ``_build/html`` (fails if not built).
- ``built_page``: a test that takes this argument runs once per HTML page of the built
  book (every ``*.html`` outside the ``_static``/``_sources``/``_maps``... folders), so a
  new chapter is tested without editing any test.
- ``book_server``: the built book served by ``http.server`` on 127.0.0.1 (ephemeral
  port, one per session); its value is the base URL, ending in ``/``. ``serve_folder``
  serves any other folder the same way, for one test.
- the table of contents is read by :mod:`shifeng.toc`, in the tests as in the book.
- ``browser``: Debian's Chromium driven by Playwright (one per session). Playwright's
  sync API allows one instance per thread: a test module that needs a browser should
  use this fixture rather than start its own.
- ``offline_log``, ``offline_page`` and ``offline_pages``: fresh pages (each in its own
  context; ``offline_pages(viewport=...)`` opens more) whose every
  request is routed: 127.0.0.1 and the map tile server (``tile.openstreetmap.org`` and
  its subdomains) are allowed, anything else is aborted and recorded. Tile requests are
  answered with a blank tile by default, so the tests never depend on the network;
  ``BOOK_TEST_TILES=live`` lets them through to the tile server. ``offline_log``
  records blocked requests, console errors, page errors and failed requests.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shifeng import localserver

REPO = Path(__file__).resolve().parent.parent
# the tests judge the book's build: its strict fonts, its glued figures (shifeng/runtime.py);
# a test of what a reader's notebook does starts its kernel without this
os.environ.setdefault("SHIFENG_BOOK_BUILD", "1")
BOOK_HTML = Path(os.environ.get("BOOK_HTML") or REPO / "_build" / "html")

CHROMIUM = os.environ.get("BOOK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: the only host outside 127.0.0.1 a page of the book may contact (with its subdomains)
TILE_HOST = "tile.openstreetmap.org"
#: generous, so a loaded 2-core machine does not make the tests flaky
NAV_TIMEOUT_MS = 30_000
NOT_LOCAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")
DESKTOP = {"width": 1280, "height": 900}


# --- the built pages ---------------------------------------------------------------


def built_pages(html: Path = BOOK_HTML) -> list[str]:
    """Every page of the built book, as a path relative to ``html`` ("book/01-context.html").

    Folders whose name starts with ``_`` or ``.`` hold assets, sources and templates, not pages.
    """
    if not html.is_dir():
        return []
    pages = []
    for path in html.rglob("*.html"):
        rel = path.relative_to(html)
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return sorted(pages)


def pytest_generate_tests(metafunc):
    if "built_page" in metafunc.fixturenames:
        # An unbuilt book still yields one test, which then fails on book_html's message
        # instead of silently collecting nothing.
        pages = built_pages() or ["index.html"]
        metafunc.parametrize("built_page", pages, ids=pages)


@pytest.fixture(scope="session")
def book_html() -> Path:
    if not (BOOK_HTML / "index.html").exists():
        pytest.fail(f"no built book in {BOOK_HTML}: run `make book` (or set BOOK_HTML)")
    return BOOK_HTML


# --- a local HTTP server -------------------------------------------------------------


serve = localserver.serve
_stop = localserver.stop


@pytest.fixture(scope="session")
def book_server(book_html):
    """Base URL (``http://127.0.0.1:<port>/``) of the built book, served over real HTTP."""
    url, server = serve(book_html)
    try:
        yield url
    finally:
        _stop(server)


@pytest.fixture
def serve_folder():
    """Serve any folder for one test: ``serve_folder(path)`` returns its base URL."""
    servers = []

    def start(folder: Path) -> str:
        url, server = serve(folder)
        servers.append(server)
        return url

    yield start
    for server in servers:
        _stop(server)


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright  # pinned in requirements.txt

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh")
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    """Headless Debian Chromium (no Playwright browser download)."""
    instance = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield instance
    finally:
        instance.close()


def is_tile_host(host: str | None) -> bool:
    return bool(host) and (host == TILE_HOST or host.endswith("." + TILE_HOST))


def _png(width: int, height: int, grey: int = 0xEE) -> bytes:
    """A plain grey PNG (a stand-in map tile), built without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([grey]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


BLANK_TILE = _png(256, 256)


@dataclass
class OfflineLog:
    """What a page did on the network and on its console."""

    base: str
    blocked: list[str] = field(default_factory=list)  # requests to hosts other than 127.0.0.1 and tiles
    tiles: list[str] = field(default_factory=list)  # requests to the tile server
    failed: list[str] = field(default_factory=list)  # the book's own files that failed or gave HTTP >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that should not happen on a page of the book, one line each."""
        return (
            [f"request outside the book (blocked): {url}" for url in self.blocked]
            + [f"failed request for the book's own file: {line}" for line in self.failed]
            + [f"console error: {line}" for line in self.console_errors]
            + [f"uncaught page error: {line}" for line in self.page_errors]
        )

    def clear(self) -> None:
        for records in (self.blocked, self.tiles, self.failed, self.console_errors, self.page_errors):
            records.clear()


def open_offline_context(browser, log: OfflineLog, **context_options):
    """A new browser context that lets through only 127.0.0.1 and the tile server."""
    live_tiles = os.environ.get("BOOK_TEST_TILES", "").lower() == "live"
    context = browser.new_context(service_workers="block", **context_options)
    context.set_default_timeout(NAV_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAV_TIMEOUT_MS)

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1":
            route.continue_()
        elif is_tile_host(parts.hostname):
            log.tiles.append(url)
            if live_tiles:
                route.continue_()
            else:
                route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    def own(url: str) -> bool:
        return urlsplit(url).hostname == "127.0.0.1"

    def on_failed(request):
        # ERR_ABORTED: the browser cancelled the request because the page was left while a
        # lazy image or map frame was still loading; a missing file is an HTTP 404 (below)
        if own(request.url) and request.failure != "net::ERR_ABORTED":
            log.failed.append(f"{request.url} ({request.failure})")

    def on_response(response):
        if own(response.url) and response.status >= 400:
            log.failed.append(f"{response.url} (HTTP {response.status})")

    def on_console(message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        # a tile that could not be fetched (live tiles, no network) is not the book's fault
        if is_tile_host(urlsplit(where).hostname):
            return
        log.console_errors.append(f"{message.text} [{where}]")

    def on_page_error(error):
        log.page_errors.append(str(error.error) if hasattr(error, "error") else str(error))

    # every request not for 127.0.0.1 goes through `route` (the book's own are let
    # through inside the browser: the same outcome, without a round trip to Python each)
    context.route(NOT_LOCAL, route)
    context.on("requestfailed", on_failed)
    context.on("response", on_response)
    context.on("console", on_console)
    context.on("weberror", on_page_error)
    return context


@pytest.fixture
def offline_log(book_server) -> OfflineLog:
    return OfflineLog(base=book_server)


@pytest.fixture
def offline_pages(browser, offline_log):
    """Open fresh offline pages: ``offline_pages(viewport={"width": 375, "height": 812})``.

    Each call makes a new context (no shared cache or cookies) logging into ``offline_log``;
    all are closed after the test.
    """
    contexts = []

    def open_page(viewport=DESKTOP, **context_options):
        context = open_offline_context(browser, offline_log, viewport=viewport, **context_options)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def offline_page(offline_pages):
    """A fresh desktop-sized (1280 x 900) page: only 127.0.0.1 and the tile server are reachable."""
    return offline_pages()


def visit(page, url: str, settle_ms: int = 5_000):
    """Open ``url``, wait for its load event, then (at most ``settle_ms``) for a quiet network."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    response = page.goto(url, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=settle_ms)
    except PlaywrightTimeout:  # a page that keeps fetching is judged on what it did so far
        pass
    return response


def load_lazy_frames(page, timeout_ms: int = 20_000) -> list:
    """Bring every map's frame into view so that it loads, as a reader scrolling down would;
    wait for each frame's document to load; return the frames.

    A map's frame gets its ``src`` only when it comes near the viewport
    (:data:`shifeng.ext.map_assets.LOAD_NEAR`), and a script that talks to a frame that has
    not loaded (axe-core, Playwright) waits for ever (dequelabs/axe-core-npm#727).
    """
    frames = []
    for element in page.query_selector_all("iframe"):
        element.scroll_into_view_if_needed(timeout=timeout_ms)
        target = element.get_attribute("data-src")
        if target:
            page.wait_for_function("(frame) => frame.getAttribute('src') === frame.dataset.src", arg=element,
                                   timeout=timeout_ms)
        frame = element.content_frame()
        if frame is not None:
            if target:
                frame.wait_for_url("**/" + target.rsplit("/", 1)[-1], timeout=timeout_ms)
            frame.wait_for_load_state("load", timeout=timeout_ms)
            frames.append(frame)
    page.evaluate("() => window.scrollTo(0, 0)")
    return frames


@pytest.fixture(scope="session")
def load_frames():
    """``load_frames(page)``: scroll every lazy frame (a map) into view and wait until it has loaded."""
    return load_lazy_frames


@pytest.fixture(scope="session")
def visit_page():
    """``visit_page(page, url)``: open a URL and wait (bounded) until it has settled."""
    return visit

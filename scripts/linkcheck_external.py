#!/usr/bin/env python3
"""Check the built book's external links (needs the network): a report, never a failure.

    python scripts/linkcheck_external.py [_build/html] [--timeout 15] [--strict]   (make linkcheck)

Every ``http(s)`` link of every built page (and of the maps' frames) is requested once
(HEAD, then GET if the server refuses HEAD), a few at a time. The report groups them:
broken (HTTP 4xx/5xx), unreachable (no answer: DNS, timeout, refused), redirected
(worth updating) and fine, and names the pages that hold each broken or unreachable
link. Internal links are checked offline by ``tests/test_site_links.py``.

The exit status is 0 whatever the links do, so an unreachable site never blocks a
build or a release; ``--strict`` exits 1 when a link is broken (not when merely
unreachable), for a scheduled job that wants to notice.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import requests
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
USER_AGENT = "shifeng-book-linkcheck/1.0 (+https://jupyterbook.org; checks the links of an open textbook)"
#: hosts that are not links to check: the map tile server (templated URLs) and local ones
SKIP_HOSTS = ("tile.openstreetmap.org", "localhost", "127.0.0.1")


def pages_of(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(html).parts[:-1]))


def external_links(html: Path) -> dict[str, set[str]]:
    """URL (without #fragment) -> pages that link to it."""
    links: dict[str, set[str]] = defaultdict(set)

    def scan(markup: str, page: str):
        soup = BeautifulSoup(markup, "html.parser")
        for tag in soup.find_all(["a", "area"], href=True):
            url = urldefrag(tag["href"].strip())[0]
            parts = urlsplit(url)
            host = parts.hostname or ""
            if parts.scheme in ("http", "https") and "{" not in url and not host.endswith(SKIP_HOSTS):
                links[url].add(page)
        for frame in soup.find_all("iframe", srcdoc=True):
            scan(frame["srcdoc"], page)

    for path in pages_of(html):
        scan(path.read_text(encoding="utf-8"), path.relative_to(html).as_posix())
    return links


def check(url: str, timeout: float) -> tuple[str, str]:
    """(category, detail) with category in ok, redirected, broken, unreachable."""
    headers = {"User-Agent": USER_AGENT}
    try:
        response = requests.head(url, allow_redirects=True, timeout=timeout, headers=headers)
        if response.status_code in (403, 405, 501) or response.status_code >= 500:
            response = requests.get(url, allow_redirects=True, timeout=timeout, headers=headers, stream=True)
            response.close()
    except requests.RequestException as error:
        return "unreachable", type(error).__name__ + ": " + str(error)[:160]
    if response.status_code >= 400:
        return "broken", f"HTTP {response.status_code}"
    if response.history and urldefrag(response.url)[0].rstrip("/") != url.rstrip("/"):
        return "redirected", f"-> {response.url}"
    return "ok", f"HTTP {response.status_code}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--timeout", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a link is broken")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").exists():
        print(f"{args.html}: no built book; run make book first")
        return 0

    links = external_links(args.html)
    print(f"checking {len(links)} external links of {len(pages_of(args.html))} pages in {args.html} ...")
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = dict(zip(links, pool.map(lambda url: check(url, args.timeout), links)))

    by_category: dict[str, list[str]] = defaultdict(list)
    for url, (category, _) in results.items():
        by_category[category].append(url)
    for category in ("broken", "unreachable", "redirected"):
        urls = sorted(by_category.get(category, []))
        if not urls:
            continue
        print(f"\n{category.upper()} ({len(urls)}):")
        for url in urls:
            print(f"  {url}\n      {results[url][1]}")
            if category != "redirected":
                print(f"      on: {', '.join(sorted(links[url]))}")
    counts = ", ".join(f"{len(by_category.get(c, []))} {c}" for c in ("ok", "redirected", "broken", "unreachable"))
    print(f"\nexternal links: {counts}")
    if by_category.get("unreachable") and len(by_category["unreachable"]) == len(links):
        print("(nothing answered: is this machine offline?)")
    return 1 if args.strict and by_category.get("broken") else 0


if __name__ == "__main__":
    sys.exit(main())

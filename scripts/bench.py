#!/usr/bin/env python3
"""How fast the book builds and how heavy its pages are: a report, not a test.

    python scripts/bench.py [--chapter book/05-four-blocks.md] [--keep]   (make bench)

The checkout's files (tracked and untracked, as ``git ls-files`` lists them) are
copied into a temporary folder, so nothing in the checkout is touched, and built there
with the Makefile's own ``make book``:

1. the clean build (no ``_build`` folder, no execution cache);
2. the cached rebuild with nothing changed;
3. the cached rebuild with one chapter changed (a code cell appended; by default to the
   chapter with the most code cells): it reports which pages were executed again, and
   only that chapter should be;
4. the floor: the same clean build with notebook execution off (``execute_notebooks:
   off``; warnings allowed, since glued values are then missing): what Sphinx and the
   theme cost without any kernel.

Then each page of the clean build is opened in Chromium (no network) and weighed: its
HTML plus every file it loads that not every page loads (its images, a map's
scripts...: what a reader who arrives on that page fetches beyond the shared files),
and, once, the shared files that every page loads (the theme's CSS, JavaScript, fonts
and the search index). Sizes are as served (raw) and gzip-compressed, as a web server would send them.
Map tiles come from the tile server and are not counted.

Targets on a 2-core machine: clean build within 60 s, cached rebuild within 5 s,
every chapter page within 200 KB apart from the shared theme assets and map tiles.
The load average is printed too: other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
CHROMIUM = os.environ.get("BOOK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TILE_HOST = "tile.openstreetmap.org"

CLEAN_TARGET_S = 60.0
CACHED_TARGET_S = 5.0
PAGE_TARGET_KB = 200.0


# --- builds ------------------------------------------------------------------------------


def checkout_files() -> list[str]:
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    return sorted(f for f in listed if f and (REPO / f).is_file())


def copy_checkout(target: Path) -> None:
    for rel in checkout_files():
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dst)  # keeps mtimes: the venv is not reinstalled


def make_book(src: Path, out: Path, log: Path, extra: list[str] | None = None) -> tuple[float, int]:
    """``make book`` in ``src`` with the checkout's venv; (seconds, exit status)."""
    command = ["make", "-C", str(src), "-o", str(VENV / ".installed"), f"VENV={VENV}", "book", f"OUT={out}"]
    command += extra or []
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:  # the copy is not a git checkout: take the commit's date here
        stamp = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True)
        if stamp.stdout.strip():
            env["SOURCE_DATE_EPOCH"] = stamp.stdout.strip()
    start = time.monotonic()
    with log.open("w") as handle:
        code = subprocess.call(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    return time.monotonic() - start, code


def executed_records(out: Path) -> dict[int, str]:
    """jupyter-cache records of ``out``: primary key -> notebook URI."""
    from jupyter_cache import get_cache

    cache_dir = out / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        return {}
    return {record.pk: record.uri for record in get_cache(cache_dir).list_cache_records()}


def reread_docs(log: Path) -> str:
    match = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", log.read_text(errors="replace"))
    return f"{match.group(1)} added, {match.group(2)} changed, {match.group(3)} removed" if match else "?"


def chapter_to_change(src: Path, chosen: str | None) -> Path:
    if chosen:
        return src / chosen
    chapters = sorted((src / "book").glob("[0-9]*.md")) or sorted((src / "book").glob("*.md"))
    return max(chapters, key=lambda p: (p.read_text(encoding="utf-8").count("```{code-cell}"), -chapters.index(p)))


def append_code_cell(chapter: Path) -> None:
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\n```{code-cell} ipython3\n:tags: [remove-cell]\n_bench_edit = %d\n```\n" % time.time_ns())


def execution_off(src: Path) -> None:
    import yaml

    config_path = src / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- page weights ------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002
        pass


def pages_of(html: Path) -> list[str]:
    pages = []
    for path in html.rglob("*.html"):
        rel = path.relative_to(html)
        if not any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            pages.append(rel.as_posix())
    return sorted(pages)


def static_references(html_root: Path, page: str) -> set[str]:
    """Local files a page names in its HTML (and its map frames): images below the fold too."""
    from bs4 import BeautifulSoup

    found = set()

    def scan(markup: str):
        soup = BeautifulSoup(markup, "html.parser")
        for tag, attr in (("img", "src"), ("script", "src"), ("iframe", "src"), ("source", "src"), ("video", "poster")):
            for element in soup.find_all(tag, attrs={attr: True}):
                found.add(element[attr])
        for link in soup.find_all("link", href=True):
            if {"stylesheet", "preload", "icon"} & set(link.get("rel") or []):
                found.add(link["href"])
        for frame in soup.find_all("iframe", srcdoc=True):
            scan(frame["srcdoc"])

    scan((html_root / page).read_text(encoding="utf-8"))
    files = set()
    base = Path(page).parent
    for url in found:
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//") or not parts.path:
            continue
        target = (html_root / base / unquote(parts.path)).resolve()
        if target.is_file() and target.is_relative_to(html_root.resolve()):
            files.add(target.relative_to(html_root.resolve()).as_posix())
    return files


def loaded_files(html_root: Path, pages: list[str]) -> tuple[dict[str, set[str]], dict[str, int]]:
    """For each page, the local files Chromium fetched to show it; and tile requests per page."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(html_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    loads: dict[str, set[str]] = {}
    tiles: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for page_path in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                seen: set[str] = set()
                tile_count = [0]

                def route(route, tile_count=tile_count):
                    host = urlsplit(route.request.url).hostname or ""
                    if host == TILE_HOST or host.endswith("." + TILE_HOST):
                        tile_count[0] += 1
                    route.abort()

                def on_response(response, seen=seen):
                    parts = urlsplit(response.url)
                    if parts.hostname == "127.0.0.1" and response.ok:
                        seen.add(unquote(parts.path).lstrip("/") or "index.html")

                context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/])"), route)
                context.on("response", on_response)
                page = context.new_page()
                page.goto(base + page_path, wait_until="load", timeout=60_000)
                try:
                    page.wait_for_load_state("networkidle", timeout=5_000)
                except Exception:
                    pass
                context.close()
                seen.discard(page_path)
                loads[page_path] = {f for f in seen if (html_root / f).is_file()} | (static_references(html_root, page_path) - {page_path})
                tiles[page_path] = tile_count[0]
            browser.close()
    finally:
        server.shutdown()
    return loads, tiles


@functools.cache
def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))


def kb(n: int) -> str:
    return f"{n / 1024:7.1f}"


def weigh(html_root: Path) -> list[str]:
    pages = pages_of(html_root)
    loads, tiles = loaded_files(html_root, pages)
    shared = set.intersection(*loads.values()) if loads else set()
    lines = ["", "Page weights (clean build; KB = 1024 bytes; raw as served / gzip as a web server sends it)",
             f"  {'page':38} {'HTML':>7} {'own files':>10} {'total raw':>10} {'gzip':>7}  target"]
    for page in pages:
        html_raw, html_gz = sizes(html_root / page)
        own = sorted(loads[page] - shared)
        own_raw = sum(sizes(html_root / f)[0] for f in own)
        own_gz = sum(sizes(html_root / f)[1] for f in own)
        total = html_raw + own_raw
        verdict = ""
        if page.startswith("book/"):
            verdict = "ok" if total / 1024 <= PAGE_TARGET_KB else f"OVER {PAGE_TARGET_KB:.0f} KB"
        extra = f"  (+{tiles[page]} map tiles, not counted)" if tiles[page] else ""
        lines.append(f"  {page:38} {kb(html_raw)} {kb(own_raw):>10} {kb(total):>10} {kb(html_gz + own_gz)}  {verdict}{extra}")
        heavy = sorted(own, key=lambda f: -sizes(html_root / f)[0])[:3]
        if heavy and own_raw > 20 * 1024:
            lines.append("      largest own files: " + ", ".join(f"{f} {sizes(html_root / f)[0] / 1024:.0f} KB" for f in heavy))
    shared_raw = sum(sizes(html_root / f)[0] for f in shared)
    shared_gz = sum(sizes(html_root / f)[1] for f in shared)
    lines.append(f"  shared by every page, loaded once: {len(shared)} files, {shared_raw / 1024:.1f} KB raw, "
                 f"{shared_gz / 1024:.1f} KB gzip")
    for f in sorted(shared, key=lambda f: -sizes(html_root / f)[0])[:6]:
        raw, gz = sizes(html_root / f)
        lines.append(f"      {f:60} {kb(raw)} KB {kb(gz)} KB gzip")
    return lines


# --- the report ----------------------------------------------------------------------------------


def verdict(seconds: float, target: float | None, code: int) -> str:
    parts = []
    if target is not None:
        parts.append("ok" if seconds <= target else f"OVER {target:.0f} s")
    if code != 0:
        parts.append(f"build exited {code}: see its log")
    return "  ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", help="the chapter to change for the one-chapter rebuild (path in the repository)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (builds and logs)")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page for the load report (median)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="shifeng-bench-"))
    src, out, floor_src, floor_out = work / "src", work / "out", work / "floor-src", work / "floor-out"
    copy_checkout(src)
    copy_checkout(floor_src)
    rows = []
    load_before = os.getloadavg()

    # the English edition alone first (make book EDITIONS=en), then both, each from an empty cache
    english_out = work / "out-en"
    seconds_en, code = make_book(src, english_out, work / "clean-en.log", ["EDITIONS=en"])
    rows.append(("clean build, English edition alone", seconds_en, None, code, ""))
    shutil.rmtree(english_out, ignore_errors=True)
    seconds, code = make_book(src, out, work / "clean.log")
    rows.append(("clean build (make book: both editions)", seconds, CLEAN_TARGET_S, code,
                 f"{seconds / seconds_en:.2f} x the English edition alone" if seconds_en else ""))
    before = executed_records(out)

    seconds, code = make_book(src, out, work / "cached.log")
    executed = sorted(set(executed_records(out).values()) - set(before.values()))
    note = f"docs re-read: {reread_docs(work / 'cached.log')}; executed: {', '.join(executed) or 'none'}"
    rows.append(("cached rebuild, nothing changed", seconds, CACHED_TARGET_S, code, note))

    chapter = chapter_to_change(src, args.chapter)
    append_code_cell(chapter)
    records = executed_records(out)
    seconds, code = make_book(src, out, work / "chapter.log")
    after = executed_records(out)
    new = sorted(Path(uri).resolve().relative_to(src.resolve()).as_posix() if Path(uri).is_absolute() else uri
                 for pk, uri in after.items() if pk not in records)
    rel = chapter.relative_to(src).as_posix()
    only = "only the changed chapter: ok" if new == [rel] else "EXPECTED ONLY " + rel
    note = f"{rel} changed; docs re-read: {reread_docs(work / 'chapter.log')}; executed: {', '.join(new) or 'none'} ({only})"
    rows.append(("cached rebuild, one chapter changed", seconds, CACHED_TARGET_S, code, note))

    execution_off(floor_src)
    seconds, code = make_book(floor_src, floor_out, work / "floor.log", ["JB_FLAGS=-n --keep-going"])
    rows.append(("floor: clean build, execution off", seconds, None, 0, "no kernel; warnings allowed"))

    load_after = os.getloadavg()
    print(f"Build times ({os.cpu_count()} cores; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after)")
    for label, seconds, target, code, note in rows:
        print(f"  {label:40} {seconds:6.1f} s  {verdict(seconds, target, code)}")
        if note:
            print(f"      {note}")

    html_root = out / "_build" / "html"
    if (html_root / "index.html").exists():
        for line in weigh(html_root):
            print(line)
        # what a phone downloads and waits for, against the stock template built in this run
        print()
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pageload

        pageload.main([str(html_root), "--runs", str(args.runs)])
    else:
        print("no HTML was built: no page weights")

    if args.keep:
        print(f"\nbuilds and logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What a reader's phone downloads and waits for, page by page, against the stock template.

    python scripts/pageload.py [HTML_DIR] [--stock STOCK_HTML_DIR] [--runs N] [--pages PAGE ...]    (make bench runs it)

Each page is opened cold (a new browser context: no cache) in Debian's Chromium, driven by
Playwright, at a phone's size (375 x 667, touch), with the CPU slowed fourfold and the
network throttled to a slow 4G (150 ms round trip, 1.6 Mbit/s down), from a loopback
server that sends text gzip-compressed, as a web server would. Requests to other hosts
(map tiles) are refused and not counted. For every page it prints:

- the bytes transferred (after compression), in all and by kind, and the requests;
- the largest contentful paint (LCP) and the total blocking time (TBT: the long tasks'
  time over 50 ms after the first contentful paint), from the browser's own
  performance observers;

and each as a ratio to the stock Jupyter Book template (``jupyter-book create``, built
with the pinned packages) measured in the same run, its pages and the book's taking
turns, because on a shared 2-core machine absolute times mean little. With ``--runs N`` each page is loaded N times and the median
is printed. Targets (first visit, cold cache): a text chapter at most 200 KiB, the
landing page at most 150 KiB, the four-blocks chapter at most 450 KiB before a map is
touched (its maps load when scrolled near); LCP and TBT at most half the stock template's.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path
from urllib.parse import urlsplit

from shifeng import localserver

CHROMIUM = os.environ.get("BOOK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
#: a slow 4G connection (Lighthouse's mobile default): bytes per second, milliseconds
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4

TARGET_KIB = {"text": 200, "landing": 150, "maps": 450}
#: LCP and TBT at most this fraction of the stock template's (same run)
TARGET_RATIO = 0.5

OBSERVE = """
window.__lcp = 0; window.__fcp = 0; window.__longtasks = [];
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') window.__fcp = e.startTime; })
  .observe({type: 'paint', buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
  .observe({type: 'longtask', buffered: true});
"""
RESULT = """() => ({lcp: window.__lcp, fcp: window.__fcp,
  tbt: window.__longtasks.filter(([s, d]) => s >= window.__fcp).reduce((t, [s, d]) => t + Math.max(0, d - 50), 0)})"""


def pages_of(html: Path) -> list[str]:
    skip = {"genindex.html", "search.html"}
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(html).parts[:-1]) and p.name not in skip)


def kind_of(resource_type: str, url: str) -> str:
    suffix = Path(urlsplit(url).path).suffix
    if resource_type == "Document":
        return "html"
    if resource_type in ("Stylesheet", "Script", "Font", "Image"):
        return {"Stylesheet": "css", "Script": "js", "Font": "font", "Image": "image"}[resource_type]
    return {".js": "js", ".css": "css", ".woff2": "font"}.get(suffix, "other")


def load(browser, url: str) -> dict:
    """One cold load of ``url``: bytes by kind, requests, LCP and TBT (milliseconds)."""
    context = browser.new_context(**PHONE)
    context.route(lambda u: urlsplit(u).hostname != "127.0.0.1", lambda route: route.abort())
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    kinds, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], kind_of(e["type"], e["response"]["url"])))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.add_init_script(OBSERVE)
    page.goto(url, wait_until="load", timeout=180_000)
    try:
        page.wait_for_load_state("networkidle", timeout=30_000)
    except Exception:  # a page that keeps fetching is judged on what it fetched so far
        pass
    page.wait_for_timeout(500)
    timing = page.evaluate(RESULT)
    context.close()
    by_kind: dict[str, int] = {}
    for request, size in sizes.items():
        by_kind[kinds.get(request, "other")] = by_kind.get(kinds.get(request, "other"), 0) + size
    return {"bytes": sum(sizes.values()), "kinds": by_kind, "requests": len(sizes), "lcp": timing["lcp"], "tbt": timing["tbt"]}


def measure(sites: dict[str, Path], runs: int = 1, pages: dict[str, list[str]] | None = None) -> dict[str, dict[str, dict]]:
    """Load every page of every site ``runs`` times; per site, each page's median load.

    The sites' pages take turns (one of the book's, one of the stock's, and so on), so
    that a spell of load on this shared machine falls on both, not on one."""
    from itertools import zip_longest

    from playwright.sync_api import sync_playwright

    servers = {name: localserver.serve(folder, gzip=True) for name, folder in sites.items()}
    names = {name: (pages or {}).get(name) or pages_of(folder) for name, folder in sites.items()}
    turns = [job for group in zip_longest(*([(site, page) for page in names[site]] for site in sites)) for job in group if job]
    loads: dict[tuple[str, str], list[dict]] = {job: [] for job in turns}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                for site, page in turns:
                    loads[(site, page)].append(load(browser, servers[site][0] + page))
            browser.close()
    finally:
        for _, server in servers.values():
            localserver.stop(server)
    results: dict[str, dict[str, dict]] = {site: {} for site in sites}
    for (site, page), runs_of_page in loads.items():
        middle = sorted(runs_of_page, key=lambda r: r["lcp"])[len(runs_of_page) // 2]
        results[site][page] = dict(middle, lcp=statistics.median(r["lcp"] for r in runs_of_page),
                                   tbt=statistics.median(r["tbt"] for r in runs_of_page))
    return results


def kind_of_page(name: str, html: Path) -> str:
    if name == "index.html":
        return "landing"
    return "maps" if "<iframe" in (html / name).read_text(encoding="utf-8") else "text"


def report(book: dict[str, dict], stock: dict[str, dict], html: Path) -> list[str]:
    ref = {m: statistics.mean(r[m] for r in stock.values()) for m in ("bytes", "lcp", "tbt")} if stock else {}
    lines = []
    if stock:
        lines += ["Stock Jupyter Book template (jupyter-book create), the same run:",
                  f"  {'page':34} {'KiB':>7} {'req':>4} {'LCP ms':>8} {'TBT ms':>7}"]
        for name, r in stock.items():
            lines.append(f"  {name:34} {r['bytes'] / 1024:7.0f} {r['requests']:4d} {r['lcp']:8.0f} {r['tbt']:7.0f}")
        lines.append(f"  {'mean (the reference of the ratios)':34} {ref['bytes'] / 1024:7.0f} {'':4} {ref['lcp']:8.0f} {ref['tbt']:7.0f}")
        lines.append("")
    lines += ["The book (first visit, cold cache, phone, slow 4G, CPU / 4; transfer after gzip; x: ratio to the stock mean):",
              f"  {'page':34} {'KiB':>7} {'x':>5} {'req':>4} {'LCP ms':>8} {'x':>5} {'TBT ms':>7} {'x':>5}  "
              f"{'html/css/js/font/image KiB':28} verdict"]
    failures = 0
    for name, r in book.items():
        kind = kind_of_page(name, html)
        limit = TARGET_KIB[kind]
        ratio = {m: (r[m] / ref[m] if ref and ref[m] else float("nan")) for m in ("bytes", "lcp", "tbt")}
        problems = []
        if r["bytes"] / 1024 > limit:
            problems.append(f"over {limit} KiB")
        if ref and ratio["lcp"] > TARGET_RATIO:
            problems.append("LCP over half the stock's")
        if ref and ref["tbt"] > 0 and ratio["tbt"] > TARGET_RATIO:
            problems.append("TBT over half the stock's")
        failures += bool(problems)
        split = "/".join(f"{r['kinds'].get(k, 0) / 1024:.0f}" for k in ("html", "css", "js", "font", "image"))
        lines.append(f"  {name:34} {r['bytes'] / 1024:7.0f} {ratio['bytes']:5.2f} {r['requests']:4d} {r['lcp']:8.0f} "
                     f"{ratio['lcp']:5.2f} {r['tbt']:7.0f} {ratio['tbt']:5.2f}  {split:28} {'; '.join(problems) or 'ok'}")
    lines.append(f"  {len(book) - failures} of {len(book)} pages within the targets "
                 f"(text {TARGET_KIB['text']} KiB, landing {TARGET_KIB['landing']} KiB, maps {TARGET_KIB['maps']} KiB before a "
                 f"map is touched, LCP and TBT at most {TARGET_RATIO:.0%} of the stock's)")
    return lines


def build_stock(folder: Path, jupyter_book: Path) -> Path:
    """The stock template, created and built with the pinned Jupyter Book: its HTML folder."""
    import subprocess

    subprocess.run([str(jupyter_book), "create", str(folder)], check=True, capture_output=True)
    subprocess.run([str(jupyter_book), "build", str(folder)], check=True, capture_output=True)
    return folder / "_build" / "html"


def main(argv: list[str] | None = None) -> int:
    import sys
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "_build" / "html")
    parser.add_argument("--stock", type=Path, help="a built stock template's HTML folder (default: build one now)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="only these pages of the book (paths under HTML_DIR)")
    args = parser.parse_args(argv)
    stock_html = args.stock
    if stock_html is None:
        stock_html = build_stock(Path(tempfile.mkdtemp(prefix="shifeng-stock-")) / "book", Path(sys.executable).parent / "jupyter-book")
    measured = measure({"book": args.html, "stock": stock_html}, args.runs, {"book": args.pages} if args.pages else None)
    print("\n".join(report(measured["book"], measured["stock"], args.html)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

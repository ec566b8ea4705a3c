"""Accessibility of every built page.

- axe-core (the copy shipped inside axe-playwright-python: no download) runs on every
  page, inside its frames too (a folium map is an ``<iframe srcdoc>``), at desktop and
  at phone width (colour contrast at desktop width only: colours do not change with
  the width): no violation of impact "serious" or "critical" is allowed.
- Every image has a text alternative that is not a file name, and every map or other
  frame has a title (read aloud as its name). A purely decorative image may say so with
  ``alt=""`` and ``role="presentation"`` (Leaflet marks its map tiles this way).

Known theme problems are fixed in the book's configuration, not waived here: see
``_config.yml`` (``html_context.default_mode``), ``shifeng/html_fixes.py`` (citation
roles) and ``_static/book.css`` (link contrast in exercises, reflow of long strings).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.build]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")
#: an alt text that is only a file name or path (myst-nb's default for a figure output)
FILE_NAME_ALT = re.compile(r"^\S*\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


#: axe-core's colour-contrast rule takes most of a run's time: one page checks it (at
#: desktop width; colours do not depend on the width), while a second page of the same
#: URL runs every other rule at desktop and then at phone width, in parallel
CONTRAST_ONLY = "{runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations'], frameWaitTime: 10000}"
ALL_BUT_CONTRAST = "{rules: {'color-contrast': {enabled: false}}, resultTypes: ['violations'], frameWaitTime: 10000}"


def start_axe(page, options: str) -> None:
    """Load axe into the page and its frames (a map is a frame) and start a run; do not wait."""
    script = _axe_script()
    for frame in page.frames:  # axe checks a frame only if axe is loaded in it
        try:
            frame.evaluate("() => typeof axe !== 'undefined'") or frame.evaluate(script)
        except Exception:  # a frame that went away (or is not scriptable) is skipped
            pass
    page.evaluate(f"() => {{ window.__axeRun = axe.run(document, {options}).then(r => r.violations); }}")


def axe_violations(page) -> list[dict]:
    """The violations of the run started by :func:`start_axe` (waits for it)."""
    return page.evaluate("() => window.__axeRun")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " > ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.browser
def test_axe_finds_nothing_serious(built_page, offline_pages, book_server, load_frames):
    url = book_server + built_page
    contrast, others = offline_pages(viewport=DESKTOP), offline_pages(viewport=DESKTOP)
    for page in (contrast, others):  # both load at once
        page.goto(url, wait_until="commit")
    for page in (contrast, others):
        page.wait_for_load_state("load")
        load_frames(page)  # axe checks the maps' frames too, and waits for ever on an unloaded one
        page.evaluate("() => document.fonts.ready.then(() => true)")
    start_axe(contrast, CONTRAST_ONLY)
    start_axe(others, ALL_BUT_CONTRAST)
    runs = {"at 1280 px": axe_violations(others)}
    # the same page at a phone's width: tables and maps that scroll, touch targets, reflow
    others.set_viewport_size(PHONE)
    others.wait_for_function(f"() => document.documentElement.clientWidth <= {PHONE['width']}")
    start_axe(others, ALL_BUT_CONTRAST)
    runs[f"at {PHONE['width']} px"] = axe_violations(others)
    runs["colour contrast at 1280 px"] = axe_violations(contrast)
    found = []
    for label, violations in runs.items():
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found.append(f"{label}:\n" + describe(blocking))
    assert not found, f"{built_page}: axe-core found serious or critical problems\n" + "\n".join(found)


def _decorative(tag) -> bool:
    return tag.get("alt") == "" and (
        tag.get("role") in ("presentation", "none") or tag.get("aria-hidden") == "true"
    )


def text_alternative_problems(html: str, where: str) -> list[str]:
    """Images without a real alt text and frames without a title, in ``html`` and its srcdoc frames."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for img in soup.find_all("img"):
        alt = img.get("alt")
        src = img.get("src", "")[:80]
        if alt is None:
            problems.append(f"{where}: <img src={src!r}> has no alt attribute")
        elif not alt.strip() and not _decorative(img):
            problems.append(f"{where}: <img src={src!r}> has an empty alt but is not marked decorative")
        elif FILE_NAME_ALT.match(alt.strip()) or alt.strip() == img.get("src", "").strip():
            problems.append(f"{where}: <img src={src!r}> has a file name as its alt text: {alt!r}")
    for svg in soup.find_all("svg"):
        if svg.get("role") == "img" and not (svg.get("aria-label") or svg.find("title")):
            problems.append(f"{where}: <svg role=img> without aria-label or <title>")
    for frame in soup.find_all(["iframe", "object", "embed"]):
        name = (frame.get("title") or frame.get("aria-label") or "").strip()
        if not name and frame.get("aria-hidden") != "true":
            problems.append(f"{where}: <{frame.name}> (a map or embedded page) has no title or aria-label")
        if frame.name == "iframe" and frame.get("srcdoc"):
            problems += text_alternative_problems(frame["srcdoc"], f"{where} (map frame)")
    return problems


def test_every_image_and_map_has_a_text_alternative(built_page, book_html):
    path = Path(book_html) / built_page
    problems = text_alternative_problems(path.read_text(encoding="utf-8"), built_page)
    assert not problems, "\n".join(problems)

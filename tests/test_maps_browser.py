"""The built maps in a real browser, offline.

Headless Chromium (Debian's, driven by Playwright: the ``browser`` fixture of
conftest.py) loads the built book from a local http.server on 127.0.0.1; every request to
another host is blocked, except the OpenStreetMap tile server (answered with a blank
tile unless ``BOOK_TEST_TILES=live``). In every map of every page that shows one, the
district boundary and the zones must be drawn as SVG paths, the legend and the zone
labels must say "approximate", Leaflet and jQuery must come from the book itself, and a
zone's popup must open. A second test draws a map from hostile data and checks that a
``<script>`` in a name shows as text and runs nothing.

The built HTML is ``_build/html`` (or ``$BOOK_HTML``); ``$MAP_PAGES`` (comma-separated,
e.g. ``book/05-four-blocks.html``) names the pages to check, by default every page with
a map. Screenshots go to ``tests/_artifacts/maps/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shifeng import i18n, maps
from shifeng.ext import map_assets

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "_artifacts" / "maps"

#: paths with a real outline and a box on screen, with their classes
DRAWN_JS = """els => els.map(e => { const b = e.getBoundingClientRect();
    return {cls: e.getAttribute('class') || '', d: (e.getAttribute('d') || '').length, w: b.width, h: b.height}; })
    .filter(p => p.d > 10 && p.w > 1 && p.h > 1)"""

#: open the popup of the first emphasised zone of the map; return the popup's text
OPEN_POPUP_JS = """() => {
  for (const v of Object.values(window)) {
    if (!(v && typeof L !== 'undefined' && v instanceof L.Map)) continue;
    let opened = false;
    v.eachLayer(l => {
      const cls = (l.options && l.options.className) || '';
      if (!opened && l.getPopup && l.getPopup() && /shifeng-(zone|site)/.test(cls) && !/shifeng-faint/.test(cls)) {
        l.openPopup(); opened = true;
      }
    });
    const el = document.querySelector('.leaflet-popup-content');
    return el ? el.textContent : null;
  }
  return null;
}"""


def map_pages(book_html: Path) -> list[str]:
    if os.environ.get("MAP_PAGES"):
        return [p.strip() for p in os.environ["MAP_PAGES"].split(",") if p.strip()]
    return sorted(
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if 'class="shifeng-map"' in p.read_text(encoding="utf-8", errors="replace")
    )


def map_frames(page, load_frames):
    """(map key, frame) for every map of the page, once its boundary is in the DOM."""
    found = []
    load_frames(page)
    for wrapper in page.query_selector_all("div.shifeng-map"):
        frame = wrapper.query_selector("iframe").content_frame()
        frame.wait_for_selector("path.shifeng-boundary", state="attached", timeout=20_000)
        found.append((wrapper.get_attribute("data-map"), frame))
    return found


@pytest.mark.build
def test_the_map_assets_were_copied_into_the_book(book_html):
    for _, _, _, target in map_assets.ASSETS:
        assert (book_html / map_assets.OUT_DIR / target).exists(), f"{target}: shifeng.ext.map_assets did not run"
    assert not list((book_html / "_static").rglob("leaflet*.js")), "map assets must not be in _static"


@pytest.mark.build
def test_every_map_draws_its_boundary_and_zones_offline(book_html, book_server, offline_pages, offline_log, visit_page,
                                                      load_frames):
    pages = map_pages(book_html)
    # the four-blocks chapter must carry its maps: an empty list would pass vacuously
    assert "book/05-four-blocks.html" in pages or os.environ.get("MAP_PAGES"), pages
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    checked = []
    for name in pages:
        # the Chinese edition's maps say it in Chinese: the catalog's word for "approximate"
        code = "zh_CN" if name.startswith(i18n.EDITIONS["zh_CN"].folder + "/") else "en"
        with i18n.language(code):
            approximate = i18n.gettext("approximate")
        page = offline_pages()
        visit_page(page, book_server + name)
        frames = map_frames(page, load_frames)
        assert frames, f"{name}: no map"
        for key, frame in frames:
            where = f"{name} [{key}]"
            assert frame.eval_on_selector_all("path.shifeng-boundary", DRAWN_JS), f"{where}: no boundary drawn"
            zones = frame.eval_on_selector_all("path.shifeng-zone", DRAWN_JS)
            drawn = {c.split("shifeng-zone-")[1].split()[0] for c in (z["cls"] for z in zones)}
            if key == "overview":
                assert drawn == set(maps.block_ids()), f"{where}: zones drawn: {sorted(drawn)}"
            elif key.startswith("block-"):
                assert key.removeprefix("block-") in drawn, f"{where}: its zone is not drawn"
            elif key == "pollution":
                assert frame.eval_on_selector_all("path.shifeng-site", DRAWN_JS), f"{where}: no site drawn"
            assert approximate in frame.inner_text(".shifeng-legend"), f"{where}: the legend does not say {approximate}"
            labels = " ".join(frame.eval_on_selector_all(".shifeng-label", "els => els.map(e => e.textContent)"))
            assert approximate in labels, f"{where}: no label on the map says {approximate}"
            # Leaflet (folium's version) and jQuery loaded, from the book: nothing else was reachable
            assert frame.evaluate("typeof L !== 'undefined' && L.version") == "1.9.3", where
            assert frame.evaluate("typeof jQuery === 'function'"), where
            popup = frame.evaluate(OPEN_POPUP_JS)
            assert popup and approximate in popup, f"{where}: the zone's popup did not open: {popup!r}"
            checked.append(where)
        page.screenshot(path=str(ARTIFACTS / (name.replace("/", "_") + ".png")), full_page=True)
        problems = offline_log.problems()
        assert not problems, f"{name}:\n  " + "\n  ".join(problems)
    assert checked


def test_a_hostile_name_shows_as_text_and_runs_nothing(browser, serve_folder, tmp_path, load_frames):
    md = maps.MapData.load()
    places = md.places.copy()
    hostile = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>`${window.__pwned=3}`"
    places.loc[places["place_id"] == "zone-jingkan", "name_en"] = hostile
    bad = maps.MapData(places, md.blocks, md.works, md.pollution, md.sources, md.boundary)
    figure = maps.MapFigure(maps.overview_spec(bad), asset_base=f"{map_assets.OUT_DIR}/")
    map_assets.copy_assets(tmp_path / map_assets.OUT_DIR)
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>hostile</title></head>"
        f"<body>{figure._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    base = serve_folder(tmp_path)
    context = browser.new_context()
    outside, errors = [], []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "index.html", wait_until="load")
        [(_, frame)] = map_frames(page, load_frames)
        frame.eval_on_selector_all("path.shifeng-zone-jingkan", DRAWN_JS)
        assert frame.evaluate("window.__pwned === undefined") and page.evaluate("window.__pwned === undefined")
        label = frame.inner_text(".shifeng-label-zone-jingkan").replace("\n", "")
        assert "<script>window.__pwned=1</script>" in label
        assert "<img src=x" in frame.inner_text(".shifeng-legend")
        assert errors == []
        assert [u for u in outside if "tile.openstreetmap.org" not in u] == []
    finally:
        context.close()


#: the boxes of a map's scale bar, attribution and legend
CONTROL_BOXES_JS = """() => Object.fromEntries(['scale', 'attribution', 'legend'].map(name => {
  const el = document.querySelector(name === 'legend' ? '.shifeng-legend' : `.leaflet-control-${name}`);
  const b = el.getBoundingClientRect();
  return [name, [b.left, b.top, b.right, b.bottom]];
}))"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.build
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_a_maps_attribution_scale_bar_and_legend_do_not_cover_one_another(offline_pages, book_server, book_html,
                                                                          load_frames, width):
    page = offline_pages(viewport={"width": width, "height": 800})
    page.goto(book_server + "book/05-four-blocks.html", wait_until="load")
    frames = map_frames(page, load_frames)
    assert frames
    for key, frame in frames:
        boxes = frame.evaluate(CONTROL_BOXES_JS)
        for one, other in (("attribution", "scale"), ("attribution", "legend"), ("scale", "legend")):
            assert not _overlap(boxes[one], boxes[other]), f"{key} at {width} px: the {one} covers the {other}: {boxes}"


#: the map's box, its controls' boxes and each zone label's box (the label's text, not its 0x0 anchor)
LABEL_BOXES_JS = """() => {
  const c = document.querySelector('.leaflet-container').getBoundingClientRect();
  return {map: [c.left, c.top, c.right, c.bottom],
          controls: [...document.querySelectorAll('.leaflet-control')].map(e => {
            const b = e.getBoundingClientRect(); return [e.className, [b.left, b.top, b.right, b.bottom]]; }),
          labels: [...document.querySelectorAll('.shifeng-label div')].map(d => {
            const b = d.getBoundingClientRect();
            return [d.parentElement.className.match(/shifeng-label-(\\S+)/)[1], [b.left, b.top, b.right, b.bottom]]; })};
}"""


@pytest.mark.build
@pytest.mark.parametrize("width", [320, 390, 768, 1280])
@pytest.mark.parametrize("chapter", ["book/05-four-blocks.html", "zh/book/05-four-blocks.html"])
def test_a_maps_zone_labels_are_whole_and_clear_of_one_another_and_of_its_controls(
        offline_pages, book_server, book_html, load_frames, chapter, width):
    if chapter.startswith("zh/") and not (book_html / chapter).exists():
        pytest.skip("the Chinese edition is not built here")
    page = offline_pages(viewport={"width": width, "height": 800})
    page.goto(book_server + chapter, wait_until="load")
    frames = map_frames(page, load_frames)
    assert frames
    page.wait_for_timeout(500)  # the labels are placed again in the frame after a map's last resize
    labelled = 0
    for key, frame in frames:
        boxes = frame.evaluate(LABEL_BOXES_JS)
        labels, (left, top, right, bottom) = boxes["labels"], boxes["map"]
        labelled += len(labels)
        for name, (x0, y0, x1, y1) in labels:
            assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, f"{key} at {width} px: {name}'s label runs off the map"
        for i, (one, a) in enumerate(labels):
            for other, b in labels[i + 1:]:
                assert not _overlap(a, b), f"{key} at {width} px: the labels of {one} and {other} cover one another"
            for control, b in boxes["controls"]:
                assert not _overlap(a, b), f"{key} at {width} px: a control ({control}) covers the label of {one}"
    assert labelled >= 5  # the overview's four blocks and the power plant, at least

"""Light pages (shifeng.ext.light, shifeng.pagecss, shifeng.ext.map_assets) in the built book:
a page carries its own rules and links no stylesheet, its own rules draw it exactly as the
whole stylesheet does, in both colour modes, on a phone and a desktop, with a menu open;
a map's frame loads only when the reader scrolls near it, and Bootstrap's script only
when the reader first acts."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from shifeng.ext.light import BUNDLE

pytestmark = pytest.mark.build

#: pages of every kind: landing, text, maps, wide tables, search, and the Chinese edition's
PAGES = ["index.html", "book/01-context.html", "book/05-four-blocks.html", "book/appendix-data.html", "search.html",
         "zh/book/01-context.html"]
#: what a reader sees of an element (and of its ::before and ::after)
PROPERTIES = [
    "display", "visibility", "position", "top", "left", "float", "width", "height", "margin-top", "margin-right",
    "margin-bottom", "margin-left", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "border-top-width", "border-left-width", "border-top-color", "border-top-style", "border-radius", "color",
    "background-color", "background-image", "font-family", "font-size", "font-weight", "font-style", "line-height",
    "text-align", "text-decoration-line", "text-transform", "white-space", "overflow-x", "opacity", "z-index",
    "content", "list-style-type", "box-shadow", "outline-style", "flex-direction", "justify-content", "align-items",
    "gap", "grid-template-columns", "vertical-align", "fill", "stroke", "cursor",
]
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
LOOKS = """(properties) => {
  const looks = [];
  document.querySelectorAll('body *').forEach((element, index) => {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(element, pseudo);
      looks.push([`${index} <${element.tagName.toLowerCase()} class="${element.className}">${pseudo || ''}`,
                  properties.map((name) => `${name}: ${style.getPropertyValue(name)}`).join('; ')]);
    }
  });
  return looks;
}"""
WHOLE_STYLESHEET = """() => new Promise((done, failed) => {
  const own = document.querySelector('style[data-rules-of]');
  const whole = document.createElement('link');
  whole.rel = 'stylesheet';
  whole.href = own.dataset.rulesOf;
  whole.onload = () => done();
  whole.onerror = () => failed(new Error('cannot load ' + whole.href));
  own.replaceWith(whole);
})"""


def built(book_html, page):
    if not (book_html / page).is_file():
        pytest.skip(f"{page} is not built (make book EDITIONS=en builds the English alone)")
    return (book_html / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_a_page_carries_its_own_rules_and_links_no_stylesheet_of_the_theme(book_html, page):
    soup = BeautifulSoup(built(book_html, page), "html.parser")
    own = soup.head.find_all("style", attrs={"data-rules-of": True})
    assert len(own) == 1, "the page's own rules: one <style data-rules-of> in its head"
    assert (book_html / page).parent.joinpath(own[0]["data-rules-of"]).resolve().is_file()
    css = own[0].get_text()
    assert "--pst-color-primary" in css and "html[data-theme=dark]" in css, "the theme's colours, in both modes"
    assert len(css) < (book_html / BUNDLE).stat().st_size / 2
    linked = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert not [href for href in linked if "sphinx-design" not in href], f"render-blocking stylesheets: {linked}"


def looks(page, opened: str | None) -> dict[str, str]:
    if opened:
        page.click(opened)
        page.wait_for_selector(".dropdown-menu.show", state="visible")
        page.wait_for_timeout(200)
    return dict(page.evaluate(LOOKS, PROPERTIES))


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_pages_own_rules_draw_it_as_the_whole_stylesheet_does(offline_pages, book_server, book_html, page_name,
                                                                  width):
    built(book_html, page_name)
    differences = []
    for mode in ("light", "dark"):
        page = offline_pages(viewport={"width": width, "height": 800}, reduced_motion="reduce")
        page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        # on a desktop, with the header's download menu open (Bootstrap writes its state)
        opened = "button.dropdown-toggle" if width > 1000 and page_name != "search.html" else None
        page.goto(book_server + page_name, wait_until="load")
        page.add_style_tag(content=STILL)
        own = looks(page, opened)
        page.goto(book_server + page_name, wait_until="load")
        page.evaluate(WHOLE_STYLESHEET)
        page.add_style_tag(content=STILL)
        whole = looks(page, opened)
        assert own.keys() == whole.keys()
        for element, look in own.items():
            if look != whole[element]:
                mine = dict(item.split(": ", 1) for item in look.split("; "))
                theirs = dict(item.split(": ", 1) for item in whole[element].split("; "))
                changed = {name: (mine[name], theirs[name]) for name in mine if mine[name] != theirs[name]}
                differences.append(f"{mode}: {element[:80]}: {changed} (own rules, whole stylesheet)")
    assert not differences, f"{len(differences)} differences, the first: " + "\n".join(differences[:5])


#: what data-theme is when the page is parsed (before the theme's script starts) and after load,
#: and every value it had before the theme's script set it again
THEME_WATCH = """
window.shifengThemes = {changedFrom: []};
document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  window.shifengThemes.parsed = document.documentElement.dataset.theme;
  new MutationObserver((records) => records.forEach((r) => window.shifengThemes.changedFrom.push(r.oldValue)))
    .observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme'], attributeOldValue: true});
});
"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("stored_mode", [None, "auto", "light", "dark"])
def test_the_theme_is_resolved_before_the_page_is_drawn_so_the_themes_script_restyles_nothing(
        offline_pages, book_server, book_html, scheme, stored_mode):
    """The theme's script sets data-theme once more at start-up. If the value changed there
    (it was "auto" on a first visit), the browser restyled the whole page: up to 170 ms of
    blocking time on a phone."""
    built(book_html, "book/01-context.html")
    page = offline_pages(color_scheme=scheme)
    if stored_mode:
        page.add_init_script(f"localStorage.setItem('mode', '{stored_mode}');")
    page.add_init_script(THEME_WATCH)
    page.goto(book_server + "book/01-context.html", wait_until="load")
    themes = page.evaluate("() => ({...window.shifengThemes, now: document.documentElement.dataset.theme})")
    expected = stored_mode if stored_mode in ("light", "dark") else scheme
    assert themes["parsed"] == expected, f"data-theme when the page is parsed: {themes['parsed']}"
    assert themes["now"] == expected
    assert themes["changedFrom"] and set(themes["changedFrom"]) == {expected}, (
        f"the theme's script set data-theme, changing it from {themes['changedFrom']}")


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ["book/05-four-blocks.html", "zh/book/05-four-blocks.html"])
def test_a_hidden_code_cell_is_out_of_the_layout_until_the_reader_opens_it(offline_pages, book_server, book_html,
                                                                          page_name):
    """_static/book.css takes a closed cell's source out of the layout (the theme measures
    every <pre> at load, and Chromium laid out each closed one for it); opened, it shows."""
    built(book_html, page_name)
    page = offline_pages(viewport={"width": 375, "height": 800})
    page.goto(book_server + page_name, wait_until="load")
    cell = page.locator("details.hide.above-input").first
    source = cell.locator("pre")
    assert page.locator("details.hide.above-input").count() >= 3
    assert source.evaluate("(pre) => pre.getClientRects().length") == 0, "a closed cell's source has no layout box"
    assert cell.locator("summary p.collapsed").is_visible() and not cell.locator("summary p.expanded").is_visible()
    cell.locator("summary").click()
    source.wait_for(state="visible")
    assert "maps.glue_map" in source.inner_text()
    # the page's own rules keep the theme's rules for an open cell ([open], which the browser writes)
    assert cell.locator("summary p.expanded").is_visible() and not cell.locator("summary p.collapsed").is_visible()
    assert source.bounding_box()["height"] > 10


@pytest.mark.browser
def test_a_map_loads_only_when_the_reader_scrolls_near_it(offline_pages, book_server, book_html, load_frames):
    html = built(book_html, "book/05-four-blocks.html")
    assert 'loading="lazy"' not in html.split("shifeng-map", 1)[1][:600], "the map loader, not the browser's, decides"
    page = offline_pages(viewport={"width": 375, "height": 667})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(book_server + "book/05-four-blocks.html", wait_until="load")
    page.wait_for_timeout(1_000)
    frames = page.query_selector_all("div.shifeng-map iframe")
    assert len(frames) == 5
    assert not [url for url in requested if "/_maps/" in url], "a map loaded before the reader came near it"
    assert all(frame.get_attribute("src") is None for frame in frames)
    loaded = load_frames(page)
    assert len(loaded) == 5 and all(frame.get_attribute("src") == frame.get_attribute("data-src") for frame in frames)
    assert [url for url in requested if url.endswith("leaflet.js")], "scrolled near, the maps load Leaflet"


def bootstrap_requests(requested: list[str]) -> list[str]:
    return [url for url in requested if "/bootstrap.js" in url]


@pytest.mark.browser
def test_bootstrap_waits_for_the_readers_first_act_and_its_menu_tooltips_and_button_then_work(
        offline_pages, book_server, book_html):
    built(book_html, "book/01-context.html")
    # short enough for the sidebar to scroll, which the theme does on load to where the reader left it
    page = offline_pages(viewport={"width": 1280, "height": 400})
    page.add_init_script("sessionStorage.setItem('sidebar-scroll-top', '60')")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(book_server + "book/01-context.html", wait_until="load")
    page.wait_for_timeout(1_000)
    assert page.evaluate("document.querySelector('div.bd-sidebar').scrollTop") > 0, "the theme scrolled its sidebar"
    assert not bootstrap_requests(requested), "Bootstrap loaded before the reader did anything"
    assert page.evaluate("typeof window.bootstrap") == "undefined"
    assert page.locator('[data-bs-toggle="tooltip"][title]').count() > 3, "until then the buttons keep their titles"
    # a click that comes before Bootstrap (no pointer or key before it): the menu opens once it is there
    page.evaluate("document.querySelector('button.dropdown-toggle').click()")
    page.wait_for_selector(".dropdown-menu.show", state="visible", timeout=5_000)
    assert len(bootstrap_requests(requested)) == 1
    page.keyboard.press("Escape")
    page.wait_for_selector(".dropdown-menu.show", state="detached", timeout=5_000)
    # Bootstrap's own tooltips, now that it is there
    page.hover(".theme-switch-button")
    page.wait_for_selector(".tooltip.show", timeout=5_000)


@pytest.mark.browser
def test_the_readers_first_scroll_brings_bootstrap_and_its_back_to_top_button_but_a_fragment_does_not(
        offline_pages, book_server, book_html):
    html = built(book_html, "book/01-context.html")
    fragment = re.findall(r'<section id="([^"]+)"', html)[-1]
    page = offline_pages(viewport={"width": 375, "height": 667})
    # opened at a #fragment (as every glossary link opens a page): the browser's scroll is not the reader's
    page.goto(book_server + f"book/01-context.html#{fragment}", wait_until="load")
    page.wait_for_timeout(1_000)
    assert page.evaluate("scrollY") > 0, "the page did not open at its fragment"
    assert page.evaluate("typeof window.bootstrap") == "undefined", "the scroll to a #fragment loaded Bootstrap"
    page = offline_pages(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page.goto(book_server + "book/01-context.html", wait_until="load")
    assert page.evaluate("typeof window.bootstrap") == "undefined"
    page.mouse.wheel(0, 1500)  # a reader's scroll starts with a wheel, a touch or a key
    page.wait_for_function("typeof window.bootstrap === 'object'", timeout=5_000)
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -500)
    page.wait_for_selector("#pst-back-to-top", state="visible", timeout=5_000)


def test_nothing_is_served_that_no_page_loads(book_html):
    static = book_html / "_static"
    assert not list(static.rglob("*.map")), "source maps (shifeng.ext.light deletes them)"
    assert not list(static.rglob("fontawesome.js")), "Font Awesome's script: the icons are drawn by its web font"
    for path in static.rglob("*.js"):
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8", errors="replace"), path.name


#: every icon character (Unicode's private use area) the page draws: in an element's own text
#: or its ::before and ::after, with the font family and weight it is drawn in
DRAWN_ICONS = """() => {
  const drawn = [];
  const isIcon = (char) => { const code = char.codePointAt(0); return code >= 0xE000 && code <= 0xF8FF; };
  for (const element of document.querySelectorAll('body *')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(element, pseudo);
      if (style.display === 'none') continue;
      const text = pseudo ? (style.content.startsWith('"') ? style.content : '')
                          : [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('');
      for (const char of text) {
        if (isIcon(char)) drawn.push([style.fontFamily, style.fontWeight, char.codePointAt(0),
                                      `<${element.tagName.toLowerCase()} class="${element.className}">${pseudo || ''}`]);
      }
    }
  }
  return drawn;
}"""


def icon_faces(book_html) -> dict[tuple[str, str], set[int]]:
    """(font family, weight) -> the characters its web font maps, from the @font-face rules
    of the whole stylesheet (its woff2 file, which every browser the book serves reads)."""
    import tinycss2
    from fontTools.ttLib import TTFont

    bundle = book_html / BUNDLE
    faces = {}
    for rule in tinycss2.parse_stylesheet(bundle.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        declarations = {d.lower_name: tinycss2.serialize(d.value).strip()
                        for d in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True, skip_comments=True) if d.type == "declaration"}
        woff2 = re.search(r"url\(([^)]+\.woff2)\)", declarations.get("src", ""))
        if not woff2:
            continue
        family = declarations["font-family"].strip("\"'").replace("\\ ", " ")
        font = TTFont((bundle.parent / woff2.group(1).strip("\"'")).resolve())
        faces[(family, declarations.get("font-weight", "400"))] = set(font.getBestCmap() or {})
    return faces


def test_every_icon_font_maps_a_character_so_that_a_browser_accepts_it(book_html):
    faces = icon_faces(book_html)
    assert ("Font Awesome 6 Free", "900") in faces, f"no solid Font Awesome face in the stylesheet: {sorted(faces)}"
    # a font with an empty cmap is refused by Chromium's font sanitizer ("OTS parsing error: cmap")
    assert all(faces.values()), [face for face, characters in faces.items() if not characters]


@pytest.mark.browser
def test_every_icon_a_page_draws_is_in_the_font_it_is_drawn_with(built_page, offline_pages, book_server, book_html):
    faces = icon_faces(book_html)
    page = offline_pages()
    page.goto(book_server + built_page, wait_until="load")
    drawn = page.evaluate(DRAWN_ICONS)
    assert drawn, f"{built_page}: no icon drawn at all (the header's are on every page): is the check still right?"
    missing = set()
    for families, weight, code, where in drawn:
        face = next((f for f in (name.strip().strip("\"'") for name in families.split(","))
                     if (f, weight) in faces), None)
        if face is None or code not in faces[(face, weight)]:
            missing.add(f"U+{code:04X} in {families} {weight}, at {where}")
    assert not missing, f"{built_page}: icons drawn with no glyph in their font (a blank or a box):\n" + "\n".join(sorted(missing))

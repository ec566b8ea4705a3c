"""Serve the maps' JavaScript and CSS from the book itself: a tiny Sphinx extension.

folium loads Leaflet, jQuery (its popups call ``$``), Bootstrap and Font Awesome from
CDNs, so offline its maps stay blank. The same files ship in pinned PyPI packages
(XStatic-Leaflet 1.9.3 is folium 0.20's Leaflet). At the end of an HTML build this
extension copies the files the maps use from those packages into ``<outdir>/_maps/``:
not into ``_static/``, whose every CSS and JS file Jupyter Book links into every page.

:mod:`shifeng.maps` points each map at them with relative URLs (:data:`ASSETS`).
Each map is its own document, ``_maps/frames/<map>-<hash>.html``, written when its page
is written (the :class:`map_frame` node) and shown in an ``<iframe data-src>`` that a
few lines of script (:data:`LOAD_NEAR`) point at it when the reader scrolls within
:data:`NEAR` of it: a page weighs nothing of its maps, and runs nothing of Leaflet, until
then, and Leaflet, jQuery and the boundary are fetched once for all maps (from ``../``
of the frames folder). The browser's own ``loading="lazy"`` is not enough: on a slow
connection Chromium loads a lazy frame 2,500 px before it comes into view, which on a
phone is the first map of the four-blocks chapter at once.

Register it in ``_config.yml``::

    sphinx:
      extra_extensions:
        - shifeng.ext.map_assets
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import re
import shutil
from pathlib import Path

from docutils import nodes

from shifeng import data

#: folder of the HTML output that receives the files
OUT_DIR = "_maps"
#: how near the viewport a map's frame starts loading (an IntersectionObserver's rootMargin)
NEAR = "300px 0px"
#: the page's map loader, written once before its first map; each map's frame calls it
LOAD_NEAR = (
    "<script>window.shifengLoadNear = (frame) => {"
    " const load = () => { frame.src = frame.dataset.src; };"
    " if (!('IntersectionObserver' in window)) { load(); return; }"
    " const near = new IntersectionObserver((seen) => {"
    " if (seen.some((entry) => entry.isIntersecting)) { near.disconnect(); load(); } },"
    f" {{rootMargin: '{NEAR}'}});"
    " near.observe(frame); };</script>"
)

#: (the asset's key in folium, the XStatic module, its file or folder, where it goes under _maps/)
ASSETS: list[tuple[str, str, str, str]] = [
    ("leaflet", "xstatic.pkg.leaflet", "leaflet.js", "leaflet/leaflet.js"),
    ("leaflet_css", "xstatic.pkg.leaflet", "leaflet.css", "leaflet/leaflet.css"),
    # leaflet.css draws the layer control's button and default markers from images/
    ("leaflet_images", "xstatic.pkg.leaflet", "images", "leaflet/images"),
    ("jquery", "xstatic.pkg.jquery", "jquery.min.js", "jquery/jquery.min.js"),
]

#: folium's script and stylesheet keys served locally, in folium's order. The rest of
#: folium's defaults (Bootstrap, Font Awesome, Leaflet.awesome-markers, glyphicons) style
#: only folium.Icon markers and Bootstrap widgets, which the book's maps do not use:
#: dropping them saves about 500 KB on every map page. jQuery stays: popups use it.
JS_KEYS = ["leaflet", "jquery"]
CSS_KEYS = ["leaflet_css"]


#: the district boundary, written once per book as a script that every map reads: inline,
#: each map's srcdoc would carry its own escaped copy (about 14 KB a map)
BOUNDARY_KEY = "shifeng_boundary"
BOUNDARY_SCRIPT = "shifeng/boundary.js"
BOUNDARY_GLOBAL = "SHIFENG_BOUNDARY"


def boundary_file() -> Path:
    return data.DATA_DIR / "shifeng-district.wgs84.geojson"


def boundary_script(path: Path | str | None = None) -> str:
    """The boundary GeoJSON as a script defining ``window.SHIFENG_BOUNDARY`` (works on file:// too)."""
    feature = json.loads(Path(path or boundary_file()).read_text(encoding="utf-8"))
    return f"window.{BOUNDARY_GLOBAL} = {json.dumps(feature, ensure_ascii=True, separators=(',', ':'))};\n"


def package_info() -> dict[str, str]:
    """XStatic module -> its version (for provenance notes and tests)."""
    info = {}
    for _, module, _, _ in ASSETS:
        mod = importlib.import_module(module)
        info[module] = mod.VERSION
    return info


def url(key: str, base: str) -> str:
    """The URL of asset ``key`` under ``base`` (e.g. ``../_maps/``)."""
    if key == BOUNDARY_KEY:
        return base + BOUNDARY_SCRIPT
    for name, _, _, target in ASSETS:
        if name == key:
            return base + target
    raise KeyError(key)


def copy_assets(target: Path | str) -> list[Path]:
    """Copy every asset into ``target`` (the ``_maps`` folder); return the files written."""
    target = Path(target)
    written = []
    for _, module, source, dest in ASSETS:
        base = Path(importlib.import_module(module).BASE_DIR)
        src, dst = base / source, target / dest
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
            written += sorted(p for p in dst.rglob("*") if p.is_file())
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            written.append(dst)
    script = target / BOUNDARY_SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(boundary_script(), encoding="utf-8")
    written.append(script)
    return written


#: the folder of ``_maps/`` that holds each map's own document (a frame of a page)
FRAMES_DIR = "frames"


class map_frame(nodes.General, nodes.Element):
    """A map of a page: written as its own document under ``_maps/frames/`` and shown in a lazy frame.

    Attributes: ``key``, ``title`` (the frame's accessible name), ``height`` (pixels) and
    ``document`` (the map's HTML, whose asset URLs are relative to the frames folder).
    """


def frame_name(node) -> str:
    """The document's file name: the map's key and a hash of its content (a changed map is a new file)."""
    digest = hashlib.sha256(node["document"].encode("utf-8")).hexdigest()[:12]
    return f"{node['key']}-{digest}.html"


def visit_map_frame_html(self, node) -> None:
    """Write the map's document beside the book's map assets, and the lazy frame that shows it."""
    folder = Path(self.builder.outdir) / OUT_DIR / FRAMES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = frame_name(node)
    (folder / name).write_text(node["document"], encoding="utf-8")
    up = "../" * self.builder.current_docname.count("/")
    title = html.escape(node["title"], quote=True)
    if not getattr(self, "shifeng_map_loader", False):  # one translator per page
        self.body.append(LOAD_NEAR)
        self.shifeng_map_loader = True
    self.body.append(
        f'<div class="shifeng-map" data-map="{html.escape(node["key"], quote=True)}" '
        f'style="width:100%;height:{int(node["height"])}px;margin:0 0 .5em">'
        f'<iframe data-src="{up}{OUT_DIR}/{FRAMES_DIR}/{name}" title="{title}" '
        'style="width:100%;height:100%;border:1px solid #ccc" allowfullscreen></iframe>'
        "<script>shifengLoadNear(document.currentScript.previousElementSibling)</script></div>"
    )
    raise nodes.SkipNode


def _skip(self, node) -> None:
    raise nodes.SkipNode


def remove_unshown_frames(outdir: Path | str) -> list[Path]:
    """Delete the map documents that no page of ``outdir`` shows, and return them.

    A rebuild that changes a map writes it under a new name (:func:`frame_name`) and
    leaves the old file; a page that was not written again still names its own, so
    only files that no page names go."""
    outdir = Path(outdir)
    folder = outdir / OUT_DIR / FRAMES_DIR
    if not folder.is_dir():
        return []
    named = re.compile(rf"{OUT_DIR}/{FRAMES_DIR}/([^\"'\s/]+\.html)")
    shown = set()
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] != OUT_DIR:
            shown.update(named.findall(page.read_text(encoding="utf-8", errors="replace")))
    unshown = [frame for frame in sorted(folder.glob("*.html")) if frame.name not in shown]
    for frame in unshown:
        frame.unlink()
    return unshown


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(Path(app.outdir) / OUT_DIR)
        remove_unshown_frames(app.outdir)


def setup(app):
    app.add_node(map_frame, html=(visit_map_frame_html, None), latex=(_skip, None), text=(_skip, None))
    app.connect("build-finished", _build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

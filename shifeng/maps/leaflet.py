"""The interactive map: a :class:`~shifeng.maps.spec.MapSpec` drawn with folium (Leaflet).

:func:`render` gives the folium map and its complete HTML document. The document loads
Leaflet, jQuery and the district boundary from the book itself (``../_maps/``, copied
there by :mod:`shifeng.ext.map_assets`), not from a CDN; only the OpenStreetMap tiles
come from the network. The same spec gives the same HTML (no random element names).
"""

from __future__ import annotations

import itertools
import json
import os
from contextlib import contextmanager
from functools import lru_cache

import branca.element
import folium

from shifeng import i18n, runtime
from shifeng.ext import map_assets
from shifeng.maps import look
from shifeng.maps.spec import DATUM_NOTE, QUALITY_WORDS, MapSpec, Shape, _km, esc, short_name, wrap

#: where a map's document (``_maps/frames/<map>.html``) finds the files of :mod:`shifeng.ext.map_assets`
BOOK_ASSETS = "../"


def default_asset_base() -> str | None:
    """The book's own copies in the build; None in a reader's notebook (folium's CDN, see :mod:`shifeng.runtime`)."""
    return os.environ.get("SHIFENG_MAP_ASSETS", BOOK_ASSETS) if runtime.in_book_build() else None

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
.shifeng-label-short .approx{display:none}
.shifeng-legend{background:rgba(255,255,255,.94);padding:6px 9px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
  font:11.5px/1.3 system-ui,"Noto Sans CJK SC",sans-serif;max-width:230px;max-height:75vh;overflow-y:auto}
.shifeng-legend summary{font-weight:600;cursor:pointer}
.shifeng-legend ul{list-style:none;margin:4px 0;padding:0}
.shifeng-legend li{margin:2px 0}
.shifeng-legend .sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
.shifeng-legend .note{color:#444;margin:4px 0 0}
.shifeng-legend details details summary{font-weight:400;color:#333}
/* on a phone the attribution (bottom right) wraps short of the scale bar (bottom left, at most 100 px) */
.leaflet-control-attribution{max-width:calc(100vw - 130px);font-size:11px;line-height:1.35}
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


class _LabelsClear(branca.element.MacroElement):
    """Keeps the zones' labels whole and clear of one another on a narrow map.

    The labels sit where :data:`shifeng.maps.look.LABEL_AT` puts them, chosen on a wide
    map. On a phone the same zones are half as wide while the labels keep their size, so
    they cover one another or run off the edge, and on any map the legend may cover one.
    Each label, in drawing order, takes the first of a few offsets near its place (none at
    all where nothing is in the way) where it is clear of the map's controls and of the
    labels before it, pushed back inside the map if it would run off an edge. If none
    will do, it tries again without its "(approximate)" line, which the zone's dashed
    outline and the legend also say; failing that, it stays where it was. A zone whose
    location is unknown (a placeholder) is placed last and may move further, since where
    its label sits says nothing, but not onto another zone, where it would name that one."""

    _template = branca.element.Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            // offsets as fractions of the label's own width and height, nearest first
            var near = [[0, 0], [0, -0.5], [0, 0.5], [-0.3, 0], [0.3, 0], [-0.3, -0.5], [0.3, -0.5],
                        [-0.3, 0.5], [0.3, 0.5], [0, -1], [0, 1], [-0.6, 0], [0.6, 0]];
            var far = near.slice();  // and up to four heights up or down, for a placeholder's label
            for (var k = 1.5; k <= 4; k += 0.5) {
                [0, -0.3, 0.3, -0.6, 0.6].forEach(function (x) { far.push([x, -k], [x, k]); });
            }
            function overlap(a, b) {  // or nearer than 2 px: rounding must not make them touch
                return a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom + 2 && b.top < a.bottom + 2;
            }
            // a label's zone on the screen: its centre and radius in pixels
            function zoneOf(label, box) {
                var d = label.dataset, centre = map.latLngToContainerPoint([+d.lat, +d.lon]);
                var north = map.latLngToContainerPoint([+d.lat + d.radius / 111320, +d.lon]);
                return {x: box.left + centre.x, y: box.top + centre.y, r: Math.abs(centre.y - north.y)};
            }
            function onAZone(b, zones) {
                var x = (b.left + b.right) / 2, y = (b.top + b.bottom) / 2;
                return zones.some(function (z) { return (x - z.x) * (x - z.x) + (y - z.y) * (y - z.y) < z.r * z.r; });
            }
            // where the label's box is once the map has settled: from its anchor and its size,
            // not from getBoundingClientRect, which is mid-way through a zoom's animation
            function boxOf(label, box) {
                var at = map.latLngToContainerPoint([+label.dataset.atLat, +label.dataset.atLon]);
                var size = label.getBoundingClientRect();  // (moved, never scaled: its size is right)
                var w = size.width, h = size.height, x = box.left + at.x, y = box.top + at.y;
                return {left: x - w / 2, right: x + w / 2, top: y - h / 2, bottom: y + h / 2, width: w, height: h};
            }
            function place(label, box, offsets, placed, others) {
                var r = boxOf(label, box);
                for (var i = 0; i < offsets.length; i++) {
                    var dx = offsets[i][0] * r.width, dy = offsets[i][1] * r.height;
                    // a label that would run off an edge is pushed back inside, 1 px clear of it
                    dx += Math.max(0, box.left + 1 - (r.left + dx)) - Math.max(0, r.right + dx - (box.right - 1));
                    dy += Math.max(0, box.top + 1 - (r.top + dy)) - Math.max(0, r.bottom + dy - (box.bottom - 1));
                    var moved = {left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy};
                    if (!placed.some(function (p) { return overlap(p, moved); }) && !onAZone(moved, others)) {
                        return {dx: dx, dy: dy, box: moved};
                    }
                }
                return null;
            }
            function clear() {
                var box = map.getContainer().getBoundingClientRect();
                // the controls (zoom, layers, legend, scale, attribution) are in the way too
                var placed = Array.prototype.map.call(map.getContainer().querySelectorAll(".leaflet-control"),
                                                      function (c) { return c.getBoundingClientRect(); });
                var labels = Array.prototype.slice.call(map.getContainer().querySelectorAll(".shifeng-label div"));
                labels.sort(function (a, b) { return ("anywhere" in a.dataset) - ("anywhere" in b.dataset); });
                labels.forEach(function (label) {
                    var anywhere = "anywhere" in label.dataset, offsets = anywhere ? far : near;
                    var others = anywhere ? labels.filter(function (l) { return l !== label; })
                        .map(function (l) { return zoneOf(l, box); }) : [];
                    label.style.transform = "";
                    label.classList.remove("shifeng-label-short");
                    var chosen = place(label, box, offsets, placed, others);
                    if (!chosen) {
                        label.classList.add("shifeng-label-short");
                        chosen = place(label, box, offsets, placed, others);
                    }
                    if (!chosen) {
                        label.classList.remove("shifeng-label-short");
                        placed.push(boxOf(label, box));
                        return;
                    }
                    if (chosen.dx || chosen.dy) {
                        label.style.transform = "translate(calc(-50% + " + chosen.dx + "px), calc(-50% + " + chosen.dy + "px))";
                    }
                    placed.push(chosen.box);
                });
            }
            // again after each zoom, resize or layer change, in the next frame, once the map has moved
            var pending = 0;
            function later() { cancelAnimationFrame(pending); pending = requestAnimationFrame(clear); }
            map.whenReady(clear);
            map.on("zoomend resize overlayadd overlayremove", later);
            window.addEventListener("load", later);
            map.getContainer().addEventListener("toggle", later, true);  // the legend folded or unfolded
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "LabelsClear"


def legend_html(spec: MapSpec) -> str:
    rows = [
        f'<li><span class="sw" style="border:{look.BOUNDARY.css_border(look.BOUNDARY_COLOUR)}"></span>'
        + esc(i18n._("石峰区 Shifeng District boundary")) + "</li>"
    ]
    for s in spec.zones():
        if not s.emphasis:
            continue
        line = look.zone_line(s.quality, s.emphasis)
        tag = i18n._(QUALITY_WORDS[s.quality])
        colon = i18n._(": ")
        rows.append(
            f'<li class="legend-zone" data-place="{esc(s.place_id)}"><span class="sw" style="background:{s.colour}40;'
            f'border:{line.css_border(s.colour)}"></span>{esc(i18n.named(s.name_zh, short_name(s.name_en)))}'
            f'{esc(colon)}<i>{esc(tag)}</i></li>'
        )
    if any(not s.emphasis for s in spec.zones()):
        other = i18n._("Other blocks (grey, <i>approximate</i>)") if any(
            s.emphasis and s.kind == "block_zone" for s in spec.zones()) else i18n._("Blocks of 2018 (grey, <i>approximate</i>)")
        rows.append(
            f'<li><span class="sw" style="border:{look.ZONE_FAINT.css_border(look.FAINT_COLOUR)}"></span>'
            f"{other}</li>"
        )
    if spec.points():
        rows.append(
            f'<li><span class="sw" style="border-radius:50%;width:10px;background:{look.POINT_COLOUR}"></span>'
            + esc(i18n._("Landmark (dotted ring: its precision)")) + "</li>"
        )
    more = []
    if spec.not_mapped:
        names = esc(i18n._("; ").join(i18n.named(zh, en) for zh, en in spec.not_mapped))
        head = esc(i18n._("Not mapped (no coordinate):"))
        more.append(f'<p class="note legend-not-mapped"><b>{head}</b> {names}</p>')
    more.append('<p class="note">' + esc(i18n._(
        "No source gives the blocks' coordinates: each zone is drawn around a landmark "
        "that the sources tie the block to. Click a zone for what was built and the basis of its location.")) + "</p>"
    )
    more.append('<p class="note">' + esc(i18n._(DATUM_NOTE)) + "</p>")
    label = (i18n._("Not mapped ({count}) and notes").format(count=len(spec.not_mapped)) if spec.not_mapped
             else i18n._("Notes"))
    return (
        "<details open><summary>" + esc(i18n._("Legend")) + "</summary><ul>" + "".join(rows) + "</ul>"
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
        return i18n.N_("Blocks of 2018 (approximate zones)") if sh.emphasis else i18n.N_("Other blocks (approximate zones)")
    if sh.kind == "pollution_site":
        return i18n.N_("Pollution-control sites (approximate)")
    return i18n.N_("Landmarks")


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
        line = look.zone_line(sh.quality, sh.emphasis)
        folium.Circle(
            location=[sh.lat, sh.lon],
            radius=sh.radius_m,
            color=line.colour or sh.colour,
            weight=line.width_px,
            dash_array=line.leaflet_dash(),
            fill=True,
            fill_color=sh.colour,
            fill_opacity=line.fill_opacity,
            class_name=sh.css_class(),
            popup=popup,
            tooltip=folium.Tooltip(esc(i18n._("{name}: {quality}").format(
                name=i18n.named(sh.name_zh, sh.name_en), quality=i18n._(QUALITY_WORDS[sh.quality])))),
        ).add_to(layer)
        if sh.emphasis:
            lat, lon = sh.label_position()
            lines = sh.label_lines()
            label = esc(lines[0]) + "".join(f"<br>{esc(x)}" for x in wrap(lines[1]).split("\n") if lines[1])
            label += f'<br><span class="approx">{esc(lines[-1])}</span>'
            folium.Marker(
                [lat, lon],
                icon=folium.DivIcon(html=f'<div data-at-lat="{lat}" data-at-lon="{lon}" data-lat="{sh.lat}" data-lon="{sh.lon}" data-radius="{sh.radius_m}"'
                                         + (" data-anywhere" if sh.quality == "placeholder" else "") + f">{label}</div>",
                                    class_name=f"shifeng-label shifeng-label-{sh.place_id}", icon_size=(0, 0)),
                interactive=False,
                keyboard=False,
            ).add_to(layer)
        return
    if sh.show_radius:
        folium.Circle(
            location=[sh.lat, sh.lon],
            radius=sh.radius_m,
            color=look.PRECISION_RING.colour,
            weight=look.PRECISION_RING.width_px,
            dash_array=look.PRECISION_RING.leaflet_dash(),
            fill=False,
            class_name=f"shifeng-precision shifeng-precision-{sh.place_id}",
        ).add_to(layer)
    folium.CircleMarker(
        location=[sh.lat, sh.lon],
        radius=look.POINT_RADIUS_PX,
        color="#ffffff",
        weight=1.5,
        fill=True,
        fill_color=look.POINT_COLOUR,
        fill_opacity=1,
        class_name=sh.css_class(),
        popup=popup,
        tooltip=folium.Tooltip(
            esc(i18n._("{name} (within {distance}, {quality})").format(
                name=i18n.named(sh.name_zh, sh.name_en), distance=_km(sh.radius_m), quality=i18n._(QUALITY_WORDS[sh.quality])))
        ),
    ).add_to(layer)


def render(spec: MapSpec, asset_base: str | None = "default") -> tuple[folium.Map, str]:
    """The interactive map of ``spec`` and its complete HTML document: scripts and styles
    from ``asset_base`` (default: :func:`default_asset_base`; None: folium's CDN, and the
    boundary in the document itself).

    The same spec gives the same HTML: folium's random element names are replaced by
    numbered ones.
    """
    if asset_base == "default":
        asset_base = default_asset_base()
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
        if asset_base is not None:  # the book's copies of folium's scripts and styles (shifeng.ext.map_assets)
            fmap.default_js = [(k, map_assets.url(k, asset_base)) for k in map_assets.JS_KEYS]
            fmap.default_css = [(k, map_assets.url(k, asset_base)) for k in map_assets.CSS_KEYS]
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(fmap)
        fmap.get_root().header.add_child(branca.element.Element(_CSS), name="shifeng_css")

        boundary = folium.FeatureGroup(name=i18n._("District boundary (WGS-84)"))
        boundary_style = {
            "color": look.BOUNDARY.colour, "weight": look.BOUNDARY.width_px, "fill": False, "className": "shifeng-boundary",
        }
        boundary_tip = i18n._("{name} Shifeng District boundary").format(name=spec.boundary["properties"].get("name_zh", ""))
        if asset_base is not None and spec.boundary == _book_boundary():
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

        groups = {name: folium.FeatureGroup(name=i18n._(name)) for name in _LAYER_ORDER}
        for sh in spec.shapes:
            _add_shape(sh, groups[_layer_name(sh)])
        for layer in groups.values():
            if layer._children:
                layer.add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        fmap.add_child(_Legend(legend_html(spec)))
        fmap.add_child(_LabelsClear())
        fmap.fit_bounds([list(spec.bounds[0]), list(spec.bounds[1])])
        document = fmap.get_root().render()
    return fmap, document



"""The book's maps: interactive (folium) in HTML, a static PNG of the same content in print.

Each function returns a :class:`MapFigure`, whose ``_repr_mimebundle_`` carries both
``text/html`` (the folium map in an ``<iframe srcdoc>``) and ``image/png`` (the same
content drawn with matplotlib: boundary, zones, labels in Chinese and English, scale
bar, north arrow, attribution). myst-nb shows the map in the HTML book and the PNG in
the LaTeX/PDF book.

- :func:`overview_map`: the district, the four blocks of 2018, landmarks and the one
  locatable pollution-control site.
- :func:`block_map`: one block (:func:`block_ids`: the blocks started in 2018, from
  ``data/blocks.csv``); :func:`glue_block_maps` glues one map for each.
- :func:`pollution_map`: the pollution-control sites.

Honest about location: everything drawn comes from ``data/places.csv`` (each place's
WGS-84 centre, precision radius, quality and basis) and
``data/shifeng-district.wgs84.geojson``. No block has a published coordinate: each is
drawn as a zone of its precision radius around the landmark the sources tie it to,
labelled *approximate* on the map, in its popup and in the legend; places with no
coordinate are listed as *not mapped* in the legend, never drawn.

The package's rooms: :mod:`~shifeng.maps.spec` (what a map shows, from the data),
:mod:`~shifeng.maps.look` (one style for both renderers), :mod:`~shifeng.maps.leaflet`
(the interactive map) and :mod:`~shifeng.maps.static` (the print map); this module
holds the display object and the functions pages call.

Offline: the maps load Leaflet and jQuery from the book itself (``../_maps/``, copied
there by the Sphinx extension :mod:`shifeng.ext.map_assets`), not from a CDN. Only the OpenStreetMap tiles come from
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
from pathlib import Path

from shifeng import data
from shifeng.maps import leaflet, static  # noqa: F401 (the renderers, for callers and tests)
from shifeng.maps.leaflet import render
from shifeng.maps.spec import (
    DATUM_NOTE,
    MapData,
    MapSpec,
    Shape,
    block_spec,
    esc,
    overview_spec,
    pollution_spec,
)
from shifeng.maps.static import draw_static, to_png

__all__ = [
    "overview_map", "block_map", "pollution_map", "glue_map", "glue_block_maps", "block_ids",
    "MapFigure", "MapData", "MapSpec", "Shape", "DATUM_NOTE",
    "overview_spec", "block_spec", "pollution_spec", "render", "draw_static", "to_png", "esc",
]


#: the mime type of a map in the book's build: its document, title and height as JSON. The
#: myst-nb plugin of :mod:`shifeng.ext.mime` renders it as an ``<iframe data-src>``, loaded when scrolled near, whose
#: document :mod:`shifeng.ext.map_assets` writes under ``_maps/frames/`` (not inlined in the page)
MAP_FRAME = "application/x.shifeng.map+json"


class MapFigure:
    """A map for a page: the interactive map (HTML) and its static picture (print) in one bundle.

    In the book's build the interactive map is :data:`MAP_FRAME`, a frame loaded when the
    reader scrolls near it; in a reader's notebook it is ``text/html``, the map inline.
    """

    def __init__(self, spec: MapSpec, asset_base: str | None = "default"):
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

    def frame(self) -> dict:
        """What the book's frame of this map needs: its document, key, title and height."""
        return {"key": self.spec.key, "title": self.alt, "height": self.spec.height_px, "document": self.document}

    def _repr_mimebundle_(self, include=None, exclude=None):
        from shifeng import runtime

        bundle = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        if runtime.in_book_build():
            bundle[MAP_FRAME] = self.frame()
        else:
            bundle["text/html"] = self._repr_html_()
        return bundle

    def __repr__(self) -> str:
        return f"<MapFigure {self.spec.key}: {self.title}>"


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
                 asset_base: str | None = "default") -> MapFigure:
    """The district with the four blocks of 2018 as approximate zones, landmarks and the locatable pollution site.

    ``alt`` replaces the alt text written from the data (the iframe's title and the
    plain-text output); ``height`` the map's height in pixels.
    """
    return _figure(overview_spec(_data(data_dir)), alt, height, asset_base)


def block_map(block_id: str, alt: str | None = None, height: int | None = None,
              data_dir: Path | str = data.DATA_DIR, asset_base: str | None = "default") -> MapFigure:
    """One block's approximate zone with its anchor, the boundary and the other zones faint."""
    return _figure(block_spec(_data(data_dir), block_id), alt, height, asset_base)


def pollution_map(alt: str | None = None, height: int | None = None, data_dir: Path | str = data.DATA_DIR,
                  asset_base: str | None = "default") -> MapFigure:
    """The pollution-control sites that can be located (approximate), and the list of those that cannot."""
    return _figure(pollution_spec(_data(data_dir)), alt, height, asset_base)


def glue_map(name: str, figure: MapFigure, display: bool | None = None) -> None:
    """Glue a map under ``name`` for ``{glue:figure}`` (numbered, captioned, ``:alt:``); shown
    here too in a reader's notebook (``display`` None: see :mod:`shifeng.runtime`)."""
    from myst_nb import glue

    from shifeng import runtime

    glue(name, figure, display=not runtime.in_book_build() if display is None else display)


def block_ids(data_dir: Path | str = data.DATA_DIR) -> list[str]:
    """The blocks started in 2018, in the report's order (from ``data/blocks.csv``)."""
    blocks = data.load("blocks", data_dir)
    started = blocks[blocks["started_2018"].fillna(False)].sort_values("report_order", kind="stable")
    return list(started["block_id"])


def glue_block_maps(data_dir: Path | str = data.DATA_DIR) -> None:
    """Glue ``map-block-<block_id>`` for every block started in 2018."""
    for block_id in block_ids(data_dir):
        glue_map(f"map-block-{block_id}", block_map(block_id, data_dir=data_dir))

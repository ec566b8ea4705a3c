"""The print map: a :class:`~shifeng.maps.spec.MapSpec` drawn with matplotlib.

Boundary, zones and points in the style of :mod:`shifeng.maps.look`, labels in Chinese
and English, a scale bar, a north arrow, an inset of the whole district, a key of
numbered points, the places not mapped and the attribution; PNG bytes are the same for
the same spec.
"""

from __future__ import annotations

import math

from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle

from shifeng import geo, i18n, style
from shifeng.maps import look
from shifeng.maps.spec import BOUNDARY_ATTRIBUTION, MapSpec, Shape, short_name, wrap


def _project(lat0: float):
    k = math.cos(math.radians(lat0))
    return lambda lat, lon: (lon * k, lat)  # equirectangular, true to scale at lat0


def _nice_length(km: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20):
        if step >= km:
            return step
    return 50



def _draw_boundary(ax, proj, boundary: dict, lw: float = look.BOUNDARY.mpl_width()) -> None:
    geom = boundary["geometry"]
    polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for rings in polygons:
        xy = [proj(lat, lon) for lon, lat in rings[0]]
        ax.add_patch(MplPolygon(xy, closed=True, facecolor="#ffffff", edgecolor=look.BOUNDARY.colour, lw=lw, zorder=1,
                                gid="boundary"))


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
    notes = ["\n".join(wrap(line, chars) for line in note.split("\n")) for note in _footer(spec)]
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
        key = [f"{s.number} {i18n.named(s.name_zh, short_name(s.name_en))}" for s in numbered]
        half = (len(key) + 1) // 2
        notes.append(i18n._("Points:  ") + "   ".join(key[:half]) + ("\n" + "            " + "   ".join(key[half:]) if key[half:] else ""))
    notes.append(
        i18n._("Dashed circle: approximate zone (no source gives the place's coordinates); dotted: location unknown; "
               "dotted ring: a point's precision.")
        + (i18n._(" Grey dashed: the blocks' zones.") if any(not z.emphasis for z in spec.zones()) else "")
    )
    if spec.not_mapped:
        notes.append(i18n._("Not mapped (no coordinate): {names}.").format(
            names=i18n._("; ").join(zh for zh, _ in spec.not_mapped)))
    notes.append(i18n._("{attribution}. Places: data/places.csv (WGS-84). No basemap.").format(
        attribution=i18n._(BOUNDARY_ATTRIBUTION)))
    return notes


def _draw_zone(ax, proj, sh: Shape, halo) -> None:
    ring = [proj(lat, lon) for lat, lon in geo.circle(sh.lat, sh.lon, sh.radius_m)]
    line = look.zone_line(sh.quality, sh.emphasis)
    # a translucent fill under an opaque outline, as on the interactive map
    ax.add_patch(
        MplPolygon(
            ring,
            closed=True,
            facecolor=line.mpl_fill(sh.colour),
            edgecolor=line.colour or sh.colour,
            lw=line.mpl_width(),
            ls=line.mpl_dash(),
            zorder=2,
            gid=f"zone:{sh.place_id}",
        )
    )
    if not sh.emphasis:
        return
    x, y = proj(*sh.label_position())
    zh, en, tag = sh.label_lines()
    ax.text(x, y, "\n".join(line for line in (zh, wrap(en) if en else "", tag) if line), ha="center", va="center", fontsize=9.5, color=style.INK,
            fontweight="bold", path_effects=halo, zorder=6, gid=f"label:{sh.place_id}", linespacing=1.15)


def _draw_point(ax, proj, sh: Shape, halo) -> None:
    x, y = proj(sh.lat, sh.lon)
    if sh.show_radius:
        ring = [proj(lat, lon) for lat, lon in geo.circle(sh.lat, sh.lon, sh.radius_m)]
        ring_line = look.PRECISION_RING
        ax.add_patch(MplPolygon(ring, closed=True, fill=False, edgecolor=ring_line.colour, lw=ring_line.mpl_width(),
                                ls=ring_line.mpl_dash(), zorder=3, gid=f"precision:{sh.place_id}"))
    ax.plot([x], [y], marker="o", ms=look.POINT_RADIUS_PX, mfc=look.POINT_COLOUR, mec="white", mew=1, zorder=5,
            gid=f"point:{sh.place_id}")
    text = str(sh.number) if sh.number else i18n.named(sh.name_zh, short_name(sh.name_en))
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
    inset.text(0.04, 0.96, i18n.named("石峰区", "Shifeng\nDistrict", sep="\n"), transform=inset.transAxes, ha="left", va="top", fontsize=7, color=style.INK)



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



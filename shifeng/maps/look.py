"""How the maps look: one definition that both renderers read.

The interactive map (:mod:`shifeng.maps.leaflet`, in screen pixels) and the print map
(:mod:`shifeng.maps.static`, in points) draw every line from the same :class:`Line`:
its colour, width, dash pattern and fill. A zone whose place is known only roughly is
dashed, one whose place is unknown dotted, a context zone thin and grey; a point's
precision ring is dotted. Colours are Okabe–Ito, and never carry meaning alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.colors import to_rgba

from shifeng import style

#: one colour per block started in 2018, repeated by labels and dash patterns
BLOCK_COLOURS = {
    "jingkan": style.OKABE_ITO["orange"],
    "tianxin": style.OKABE_ITO["blue"],
    "qiaoliangchang": style.OKABE_ITO["green"],
    "xiangtianqiao": style.OKABE_ITO["purple"],
}
OTHER_BLOCK_COLOUR = style.OKABE_ITO["sky_blue"]
POLLUTION_COLOUR = style.OKABE_ITO["vermillion"]
BOUNDARY_COLOUR = style.INK
POINT_COLOUR = "#333333"
FAINT_COLOUR = "#888888"

#: print points per screen pixel (CSS: 96 px to the inch, 72 pt)
PT_PER_PX = 72 / 96


@dataclass(frozen=True)
class Line:
    """A shape's outline and fill. ``colour`` None: the shape's own colour."""

    width_px: float
    dash_px: tuple[float, ...] | None = None
    colour: str | None = None
    fill_opacity: float = 0.0

    def leaflet_dash(self) -> str | None:
        """Leaflet's ``dashArray`` (pixels)."""
        return " ".join(f"{d:g}" for d in self.dash_px) if self.dash_px else None

    def css_border(self, colour: str) -> str:
        """A legend swatch's CSS border in the same style."""
        kind = "solid" if not self.dash_px else "dotted" if self.dash_px[0] <= 2 else "dashed"
        return f"{max(1, round(self.width_px * 2 / 3))}px {kind} {self.colour or colour}"

    def mpl_width(self) -> float:
        """matplotlib's line width (points)."""
        return self.width_px * PT_PER_PX

    def mpl_dash(self):
        """matplotlib's line style: the same dash pattern (matplotlib scales dashes by the width)."""
        if not self.dash_px:
            return "-"
        return (0, tuple(d / self.width_px for d in self.dash_px))

    def mpl_fill(self, colour: str):
        return to_rgba(self.colour or colour, self.fill_opacity) if self.fill_opacity else "none"


ZONE = Line(width_px=3, dash_px=(8, 6), fill_opacity=0.18)  #: approximate: around a cited landmark
ZONE_UNKNOWN = Line(width_px=3, dash_px=(2, 6), fill_opacity=0.08)  #: location unknown: a placeholder
ZONE_FAINT = Line(width_px=1.5, dash_px=(8, 6), colour=FAINT_COLOUR, fill_opacity=0.04)  #: context zones
PRECISION_RING = Line(width_px=1, dash_px=(2, 4), colour=POINT_COLOUR)  #: a point's precision
BOUNDARY = Line(width_px=2.5, colour=BOUNDARY_COLOUR)  #: the district boundary
POINT_RADIUS_PX = 5


def zone_line(quality: str, emphasis: bool) -> Line:
    if not emphasis:
        return ZONE_FAINT
    return ZONE_UNKNOWN if quality == "placeholder" else ZONE


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

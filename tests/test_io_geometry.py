"""Geometry checks on tiny layers: kind, CRS and repair, exact results."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from geo.errors import CRSError, GeometryTypeError, Problem
from geo.io.geometry import repair_geometries, require_geometry, to_display_crs


def test_single_point_multipoints_become_points():
    gdf = gpd.GeoDataFrame(geometry=[MultiPoint([(1, 2)]), Point(3, 4), None], crs="EPSG:4326")
    out = require_geometry(gdf, ("Point",), label="x.kml", layer="centres")
    assert out.geometry.iloc[0].equals(Point(1, 2))
    assert out.geometry.iloc[2] is None  # missing geometries pass
    assert gdf.geometry.iloc[0].geom_type == "MultiPoint"  # the input is not changed


def test_wrong_kinds_name_the_kinds_and_rows():
    line = LineString([(0, 0), (1, 1)])
    gdf = gpd.GeoDataFrame(
        geometry=[Point(0, 0), line, MultiPoint([(0, 0), (1, 1)]), line], crs="EPSG:4326")
    with pytest.raises(GeometryTypeError) as err:
        require_geometry(gdf, ("Point",), label="x.gpkg", layer="centres")
    assert str(err.value).splitlines() == [
        "2 problems found:",
        "  - x.gpkg: centres must be points, but the layer has lines (rows 2, 4) — give a "
        "centres layer of Point geometries",
        "  - x.gpkg: centres must be points, but the layer has multipoints (rows 3) — give a "
        "centres layer of Point geometries"]
    assert err.value.problems[0].text("es") == (
        "x.gpkg: los albergues deben ser puntos, pero la capa tiene líneas (filas 2, 4) — dé "
        "una capa de albergues con geometrías Point (puntos)")


def test_to_display_crs_transforms_utm_to_degrees():
    e, n = 694_025.0, 9_585_523.0
    gdf = gpd.GeoDataFrame(geometry=[Point(e, n)], crs="EPSG:32718")
    out = to_display_crs(gdf, label="x.shp")
    lon, lat = Transformer.from_crs(32718, 4326, always_xy=True).transform(e, n)
    assert out.crs.to_epsg() == 4326
    assert (out.geometry.x[0], out.geometry.y[0]) == pytest.approx((lon, lat), abs=1e-12)
    assert (round(lon, 3), round(lat, 3)) == (-73.253, -3.748)  # Plaza de Armas, Iquitos


def test_to_display_crs_refuses_a_layer_without_crs():
    with pytest.raises(CRSError, match=r"x\.geojson: the layer has no coordinate reference system"):
        to_display_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)]), label="x.geojson")
    with pytest.raises(CRSError) as err:
        to_display_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)]), label="x.geojson")
    assert err.value.text("es").startswith(
        "x.geojson: la capa no tiene sistema de coordenadas de referencia — guárdela de nuevo")


def test_repair_keeps_valid_layers_as_they_are():
    gdf = gpd.GeoDataFrame(geometry=[Point(0, 0).buffer(1)], crs="EPSG:4326")
    notes: list[Problem] = []
    assert repair_geometries(gdf, notes=notes) is gdf and notes == []


def test_repair_makes_polygons_valid_and_keeps_only_their_area():
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # two triangles of area 1
    spike = Polygon([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0), (0, -1), (0, 0)])  # + a line
    square = Polygon([(5, 5), (6, 5), (6, 6), (5, 6)])
    gdf = gpd.GeoDataFrame(geometry=[bowtie, square, spike], crs="EPSG:32718")
    notes: list[Problem] = []
    out = repair_geometries(gdf, notes=notes)
    assert notes == [Problem.keyed("geometries_repaired", n=2, rows="1, 3")]
    assert str(notes[0]) == "2 invalid geometry(ies) repaired with make_valid (rows 1, 3)"
    assert notes[0].text("es") == ("2 geometría(s) no válida(s) reparada(s) con make_valid "
                                   "(filas 1, 3)")
    assert out.geometry.is_valid.all()
    assert out.geometry.geom_type.tolist() == ["MultiPolygon", "Polygon", "Polygon"]
    assert out.geometry.area.tolist() == [2.0, 1.0, 1.0]
    assert out.geometry.iloc[2].equals(shapely.box(0, 0, 1, 1))

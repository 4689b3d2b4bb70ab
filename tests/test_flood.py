"""Flood scenarios: kinds, the read contract, water level with a DEM, vector extents."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from conftest import TINY_CELL_M, TINY_CRS, TINY_ORIGIN_E, TINY_ORIGIN_N
from rasterio.transform import from_origin
from shapely.geometry import box

from geo.errors import InputError, Problem, Term
from geo.flood import flood_from_vector, guess_kind, open_flood
from geo.raster import open_raster


def test_depth_read_contract_nan_for_nodata_and_clip_negative(write_tif):
    arr = np.array([[0.0, 0.5, -9999], [-0.2, 1.5, 2.0], [0, 0, 0]], dtype="float32")
    s = open_flood(write_tif(arr, "d.tif"), name="d", kind="depth")
    depth = s.read_depth()
    expected = np.array([[0.0, 0.5, np.nan], [0.0, 1.5, 2.0], [0, 0, 0]], dtype="float32")
    np.testing.assert_array_equal(depth, expected)
    assert s.has_depth and s.notes == ()


def test_extent_read_contract_inf_for_water(write_tif):
    arr = np.array([[0, 1, 255], [1, 1, 0]], dtype="uint8")
    s = open_flood(write_tif(arr, "mask.tif", nodata=255), name="radar")
    assert s.kind == "extent" and not s.has_depth
    np.testing.assert_array_equal(s.read_depth(), [[0, np.inf, np.nan], [np.inf, np.inf, 0]])
    assert s.notes == (Problem.keyed("flood_kind_guessed", source="mask.tif",
                                     kind=Term("report.kind_extent")),)
    assert str(s.notes[0]) == "mask.tif: kind guessed as 'extent'"
    assert s.notes[0].text("es") == "mask.tif: tipo de inundación deducido: 'extensión'"


def test_water_level_minus_dem_gives_depth(write_tif):
    dem = open_raster(write_tif(np.array([[115.0, 117.0], [118.0, -9999]], "float32"),
                                "dem.tif"))
    wl = write_tif(np.full((2, 2), 117.5, "float32"), "level.tif")
    s = open_flood(wl, name="wl", kind="water_level", dem=dem)
    np.testing.assert_allclose(s.read_depth(), [[2.5, 0.5], [0.0, np.nan]])


def test_water_level_without_dem_is_refused(write_tif):
    wl = write_tif(np.full((2, 2), 117.5, "float32"), "wse.tif")
    with pytest.raises(InputError, match="needs a DEM"):
        open_flood(wl)


def test_water_level_on_another_grid_is_warped_onto_the_dem_and_noted(write_tif):
    dem = open_raster(write_tif(np.full((4, 4), 116.0, "float32"), "dem.tif"))
    coarse = from_origin(TINY_ORIGIN_E, TINY_ORIGIN_N, 2 * TINY_CELL_M, 2 * TINY_CELL_M)
    wl = write_tif(np.full((2, 2), 117.0, "float32"), "wl.tif", transform=coarse)
    s = open_flood(wl, name="wl", kind="water_level", dem=dem)
    assert s.shape == (4, 4)
    assert Problem.keyed("flood_warped_onto_dem", source="wl.tif", dem="dem.tif") in s.notes
    assert "wl.tif: water level warped (bilinear) onto the DEM grid of dem.tif" in map(str, s.notes)
    np.testing.assert_allclose(s.read_depth(), np.ones((4, 4)))


@pytest.mark.parametrize("name, values, kind", [
    ("profundidad.tif", [[0.0, 0.4]], "depth"),
    ("s1_water_mask.tif", [[0.0, 1.0]], "extent"),
    ("anything.tif", [[0.0, 1.0]], "extent"),
    ("anything2.tif", [[116.2, 117.9]], "water_level"),
    ("anything3.tif", [[0.0, 2.5]], "depth"),
])
def test_kind_guessing(write_tif, name, values, kind):
    assert guess_kind(open_raster(write_tif(np.array(values, "float32"), name))) == kind


def test_kind_tag_wins(write_tif):
    path = write_tif(np.array([[0.0, 1.0]], "float32"), "depth_like.tif",
                     tags={"CRECIDA_KIND": "depth", "CRECIDA_NAME": "Tagged"})
    s = open_flood(path)
    assert (s.kind, s.name) == ("depth", "Tagged")


def test_unknown_kind_is_refused(write_tif):
    with pytest.raises(InputError, match="unknown flood kind 'deep'"):
        open_flood(write_tif(np.zeros((2, 2), "float32")), kind="deep")


def test_missing_nodata_is_noted(write_tif):
    s = open_flood(write_tif(np.zeros((2, 2), "float32"), nodata=None), kind="depth")
    assert [str(n) for n in s.notes] == [
        "r.tif: the raster sets no nodata value: every cell is taken as observed"]
    assert s.notes[0].text("es") == ("r.tif: el ráster no define nodata: todas las celdas se "
                                     "toman como observadas")


def test_vector_extent_is_rasterised_on_the_dem_grid(write_tif):
    dem = open_raster(write_tif(np.full((10, 10), 116.0, "float32"), "dem.tif"))
    # Water over columns 2–4 and rows 1–3 (cell centres inside), in EPSG:4326 like EMS data.
    water = box(TINY_ORIGIN_E + 60, TINY_ORIGIN_N - 120, TINY_ORIGIN_E + 150, TINY_ORIGIN_N - 30)
    polys = gpd.GeoDataFrame(geometry=[water], crs=TINY_CRS).to_crs("EPSG:4326")
    s = flood_from_vector(polys, name="EMS", grid=dem, label="observed_event.shp")
    assert s.kind == "extent" and s.crs == dem.crs
    depth = s.read_depth()
    assert depth.shape == (3, 3)  # the DEM window covering the polygon
    assert np.isinf(depth).sum() == 9
    assert str(s.notes[0]) == ("rasterised from observed_event.shp at 30 m cells (cell centre "
                               "in polygon = water)")


def test_vector_extent_without_grid_uses_utm_cells():
    water = gpd.GeoDataFrame(geometry=[box(-73.26, -3.76, -73.25, -3.75)], crs="EPSG:4326")
    s = flood_from_vector(water, name="v")
    assert s.crs.to_epsg() == 32718 and s.raster.res == (10.0, 10.0)
    assert np.isinf(s.read_depth()).mean() > 0.95


def test_vector_extent_beyond_the_grid_is_aligned_on_it_not_cut(write_tif):
    # The DEM covers 3×3 cells; the water reaches 2 cells past its right edge.
    dem = open_raster(write_tif(np.zeros((3, 3), "float32"), "dem.tif"))
    water = box(TINY_ORIGIN_E + 30, TINY_ORIGIN_N - 60, TINY_ORIGIN_E + 150, TINY_ORIGIN_N)
    polys = gpd.GeoDataFrame(geometry=[water], crs=TINY_CRS)
    s = flood_from_vector(polys, name="x", grid=dem)
    assert s.raster.res == dem.res and s.crs == dem.crs
    assert s.bounds == (TINY_ORIGIN_E + 30, TINY_ORIGIN_N - 60, TINY_ORIGIN_E + 150,
                        TINY_ORIGIN_N)
    np.testing.assert_array_equal(s.read_depth(), np.full((2, 4), np.inf))

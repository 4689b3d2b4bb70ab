"""The windowed zonal engine and community exposure on tiny hand-computed rasters.

Grid: 10 m cells (100 m²), upper-left corner (500 000, 9 600 000) in EPSG:32718.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod
from rasterio.transform import from_origin
from shapely.geometry import MultiPolygon, Polygon, box

from geo import settings, zonal
from geo.depth import depth_classes
from geo.errors import OverlapError
from geo.exposure import assess_communities
from geo.flood import open_flood
from geo.raster import open_raster
from geo.zonal import cell_areas_m2, zonal_flood_stats

X0, TOP, CELL = 500_000.0, 9_600_000.0, 10.0
GRID = from_origin(X0, TOP, CELL, CELL)

#: 3×3 depth (m): five flooded cells (≥ 0.1), one nodata, three dry.
DEPTH3 = np.array([[0.0, 0.2, 0.6],
                   [2.0, 0.05, -9999.0],
                   [1.0, 0.0, 0.3]], dtype="float32")


def cells(r0, c0, r1, c1):
    """Box over cells rows r0..r1-1, cols c0..c1-1 of the 10 m grid."""
    return box(X0 + c0 * CELL, TOP - r1 * CELL, X0 + c1 * CELL, TOP - r0 * CELL)


def frame(geoms, crs="EPSG:32718", **cols):
    n = len(geoms)
    data = {"community_id": [f"c{i}" for i in range(n)], "name": [f"n{i}" for i in range(n)],
            "district": ["D"] * n, **cols}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=crs)


@pytest.fixture(autouse=True)
def _fresh_cache():
    zonal.clear_label_cache()
    yield
    zonal.clear_label_cache()


@pytest.fixture
def depth3(write_tif):
    return open_flood(write_tif(DEPTH3, "d3.tif", transform=GRID), name="s1", kind="depth")


def test_whole_3x3_raster_hand_values(depth3):
    out = assess_communities(frame([cells(0, 0, 3, 3)], population=[1000]), depth3)
    row = out.iloc[0]
    assert row["scenario"] == "s1"
    assert row["area_m2"] == pytest.approx(900.0)
    assert row["observed_area_m2"] == pytest.approx(800.0)
    assert row["nodata_area_m2"] == pytest.approx(100.0)
    assert row["flooded_area_m2"] == pytest.approx(500.0)
    assert row["flooded_fraction"] == pytest.approx(0.625)
    assert row["max_depth_m"] == pytest.approx(2.0)
    assert row["mean_depth_m"] == pytest.approx((0.2 + 0.6 + 2.0 + 1.0 + 0.3) / 5)
    assert row["area_m2_0_1_to_0_5"] == pytest.approx(200.0)
    assert row["area_m2_0_5_to_1_5"] == pytest.approx(200.0)
    assert row["area_m2_over_1_5"] == pytest.approx(100.0)
    assert row["pop_exposed"] == pytest.approx(625.0)
    # 1000 × (200/800 × 0.1 + 200/800 × 0.5 + 100/800 × 1.0)
    assert row["displaced_est"] == pytest.approx(275.0)
    assert row["not_covered_area_m2"] == 0.0


def test_threshold_changes_flooded_cells_and_classes(depth3):
    out = assess_communities(frame([cells(0, 0, 3, 3)], population=[800]), depth3,
                             threshold_m=0.5)
    row = out.iloc[0]
    assert row["flooded_area_m2"] == pytest.approx(300.0)   # 0.6, 2.0, 1.0
    # Classes start at the threshold: 0.5–1.5 m (0.6, 1.0) and over 1.5 m (2.0).
    assert [c for c in out.columns if c.startswith("area_m2_")] == [
        "area_m2_0_5_to_1_5", "area_m2_over_1_5"]
    assert row["area_m2_0_5_to_1_5"] == pytest.approx(200.0)
    assert row["area_m2_over_1_5"] == pytest.approx(100.0)
    # 800 × (200/800 × 0.5 + 100/800 × 1.0): the rates of the configured classes.
    assert row["displaced_est"] == pytest.approx(200.0)


def test_threshold_below_the_first_edge_adds_a_class_that_displaces_nobody(depth3):
    out = assess_communities(frame([cells(0, 0, 3, 3)], population=[800]), depth3,
                             threshold_m=0.05)
    row = out.iloc[0]
    assert row["flooded_area_m2"] == pytest.approx(600.0)   # every wet cell, 0.05 m included
    assert row["area_m2_0_05_to_0_1"] == pytest.approx(100.0)
    assert row["area_m2_0_1_to_0_5"] == pytest.approx(200.0)
    assert row["area_m2_0_5_to_1_5"] == pytest.approx(200.0)
    assert row["area_m2_over_1_5"] == pytest.approx(100.0)
    # 800 × (100/800 × 0 + 200/800 × 0.1 + 200/800 × 0.5 + 100/800 × 1.0)
    assert row["displaced_est"] == pytest.approx(220.0)


def test_polygon_half_outside_reports_not_covered(depth3):
    # 24 m × 10 m over row 1, from 12 m left of the raster to 12 m inside: only cell (1, 0)
    # has its centre inside; half of the polygon lies outside the raster.
    poly = box(X0 - 12, TOP - 20, X0 + 12, TOP - 10)
    row = assess_communities(frame([poly]), depth3).iloc[0]
    assert row["area_m2"] == pytest.approx(240.0)
    assert row["not_covered_area_m2"] == pytest.approx(120.0)
    assert row["observed_area_m2"] == pytest.approx(100.0)
    assert row["flooded_area_m2"] == pytest.approx(100.0)            # depth 2.0
    exact = assess_communities(frame([poly]), depth3, exact=True).iloc[0]
    assert exact["observed_area_m2"] == pytest.approx(120.0)         # 100 + 0.2 × 100
    assert exact["flooded_area_m2"] == pytest.approx(100.0)          # (1, 1) is 0.05 m


def test_hole_and_multipolygon(write_tif):
    depth = np.ones((10, 10), dtype="float32")
    depth[3:7, 3:7] = 5.0                       # under the hole: must not count
    depth[8:, 8:] = 0.4
    sc = open_flood(write_tif(depth, "d10.tif", transform=GRID), name="h", kind="depth")
    holed = Polygon(cells(0, 0, 10, 10).exterior.coords, [cells(3, 3, 7, 7).exterior.coords])
    multi = MultiPolygon([cells(0, 0, 2, 2), cells(8, 8, 10, 10)])
    out = assess_communities(frame([holed, multi]), sc)
    h, m = out.iloc[0], out.iloc[1]
    assert h["area_m2"] == pytest.approx(8400.0)
    assert h["flooded_area_m2"] == pytest.approx(8400.0)
    assert h["max_depth_m"] == pytest.approx(1.0)
    assert h["mean_depth_m"] == pytest.approx((80 * 1.0 + 4 * 0.4) / 84)
    assert m["area_m2"] == pytest.approx(800.0)
    assert m["flooded_area_m2"] == pytest.approx(800.0)
    assert m["area_m2_0_1_to_0_5"] == pytest.approx(400.0)
    assert m["area_m2_0_5_to_1_5"] == pytest.approx(400.0)
    assert m["mean_depth_m"] == pytest.approx(0.7)


def test_overlapping_polygons_each_count_their_cells(depth3):
    out = assess_communities(frame([cells(0, 0, 3, 3), cells(0, 0, 2, 1)]), depth3)
    assert out["flooded_area_m2"].tolist() == pytest.approx([500.0, 100.0])
    assert out["observed_area_m2"].tolist() == pytest.approx([800.0, 200.0])


def test_exact_fractions_hand_values(write_tif):
    depth = np.zeros((10, 10), dtype="float32")
    depth[[0, 1, 2], [0, 1, 2]] = 1.0           # the diagonal of the 3×3 corner
    sc = open_flood(write_tif(depth, "diag.tif", transform=GRID), name="e", kind="depth")
    poly = box(X0 + 4, TOP - 26, X0 + 26, TOP - 4)    # covers 0.6 / 1 / 0.6 of rows and cols
    centre = assess_communities(frame([poly]), sc).iloc[0]
    exact = assess_communities(frame([poly]), sc, exact=True).iloc[0]
    assert centre["flooded_area_m2"] == pytest.approx(300.0)
    assert centre["observed_area_m2"] == pytest.approx(900.0)
    assert exact["flooded_area_m2"] == pytest.approx((0.36 + 1.0 + 0.36) * 100)
    assert exact["observed_area_m2"] == pytest.approx(484.0)
    assert exact["max_depth_m"] == pytest.approx(1.0)


def test_exact_matches_exactextract_on_irregular_polygons(write_tif):
    from exactextract import exact_extract

    rng = np.random.default_rng(7)
    depth = np.round(rng.uniform(0, 1, (10, 10)), 2).astype("float32")
    path = write_tif(depth, "rand.tif", transform=GRID)
    sc = open_flood(path, name="r", kind="depth")
    polys = [shapely.Point(X0 + 50, TOP - 50).buffer(33.3),
             Polygon([(X0 + 3.3, TOP - 2.1), (X0 + 71.7, TOP - 15.5), (X0 + 40.2, TOP - 93.1)]),
             shapely.Point(X0 + 95, TOP - 95).buffer(17.0)]     # partly outside
    gdf = frame(polys)
    got = zonal_flood_stats(gdf.geometry.to_numpy(), [sc], exact=True, threshold_m=0.5)[0]

    def flooded(values, coverage):
        v = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
        return float(np.sum(np.asarray(coverage)[v >= 0.5]))

    ref = exact_extract(str(path), gdf, [flooded, "count"], output="pandas")
    # exactextract keeps coverage fractions in float32: agree to 1e-6
    np.testing.assert_allclose(got.flooded_cells, ref["flooded"], rtol=1e-6)
    np.testing.assert_allclose(got.observed_area_m2, ref["count"] * 100.0, rtol=1e-6)


def test_centre_rule_matches_rasterstats(write_tif):
    from rasterstats import zonal_stats

    rng = np.random.default_rng(3)
    depth = np.round(rng.uniform(0, 1, (10, 10)), 2).astype("float32")
    path = write_tif(depth, "rand.tif", transform=GRID)
    sc = open_flood(path, name="r", kind="depth")
    polys = [shapely.Point(X0 + 48.7, TOP - 51.3).buffer(31.1),
             Polygon([(X0 + 3.3, TOP - 2.1), (X0 + 71.7, TOP - 15.5), (X0 + 40.2, TOP - 93.1)])]
    got = zonal_flood_stats(polys, [sc], threshold_m=0.5)[0]
    ref = zonal_stats(polys, str(path), stats=[],
                      add_stats={"f": lambda a: int(np.ma.sum(a >= 0.5))})
    assert got.flooded_cells.tolist() == [r["f"] for r in ref]


def test_geographic_raster_uses_ellipsoidal_row_areas(write_tif):
    d = 0.01
    transform = from_origin(-73.27, -3.73, d, d)
    depth = np.array([[1.0, 0, 0], [0, 0, 0], [0, 0, 1.0]], dtype="float32")
    sc = open_flood(write_tif(depth, "geo.tif", transform=transform, crs="EPSG:4326"),
                    name="g", kind="depth")
    geod = Geod(ellps="WGS84")

    def geod_cell(r, c):
        lons = [-73.27 + c * d, -73.27 + (c + 1) * d, -73.27 + (c + 1) * d, -73.27 + c * d]
        lats = [-3.73 - r * d, -3.73 - r * d, -3.73 - (r + 1) * d, -3.73 - (r + 1) * d]
        return abs(geod.polygon_area_perimeter(lons, lats)[0])

    top = box(-73.27 + 0.002, -3.73 - 0.008, -73.27 + 0.008, -3.73 - 0.002)  # cell (0, 0)
    bottom = box(-73.27 + 0.022, -3.73 - 0.028, -73.27 + 0.028, -3.73 - 0.022)  # cell (2, 2)
    out = assess_communities(frame([top, bottom], crs="EPSG:4326"), sc)
    assert out.iloc[0]["flooded_area_m2"] == pytest.approx(geod_cell(0, 0), rel=1e-9)
    assert out.iloc[1]["flooded_area_m2"] == pytest.approx(geod_cell(2, 2), rel=1e-9)
    assert geod_cell(0, 0) != pytest.approx(geod_cell(2, 2), rel=1e-7)   # rows differ
    assert out.iloc[0]["area_m2"] == pytest.approx(
        abs(geod.geometry_area_perimeter(top)[0]), rel=1e-9)
    areas = cell_areas_m2(sc.raster)
    assert areas.shape == (3,)
    assert areas[1] == pytest.approx(geod_cell(1, 0), rel=1e-9)


def test_extent_raster(write_tif):
    mask = np.array([[1, 0, 0], [1, 1, 255], [0, 0, 0]], dtype="uint8")
    sc = open_flood(write_tif(mask, "ext.tif", transform=GRID, nodata=255), name="x",
                    kind="extent")
    row = assess_communities(frame([cells(0, 0, 3, 3)], population=[800]), sc).iloc[0]
    assert row["flooded_area_m2"] == pytest.approx(300.0)
    assert row["flooded_fraction"] == pytest.approx(300 / 800)
    assert np.isnan(row["max_depth_m"]) and np.isnan(row["mean_depth_m"])
    assert np.isnan(row["area_m2_over_1_5"])
    assert row["pop_exposed"] == pytest.approx(300.0)
    assert row["displaced_est"] == pytest.approx(300.0 * settings.EXTENT_DISPLACEMENT_RATE)


def test_population_raster_same_grid_and_coarser_grid(depth3, write_tif):
    pop = np.arange(1, 10, dtype="float32").reshape(3, 3)   # 1..9 people per cell
    same = open_raster(write_tif(pop, "pop.tif", transform=GRID))
    row = assess_communities(frame([cells(0, 0, 3, 3)]), depth3, population=same).iloc[0]
    # flooded cells: (0,1)=2, (0,2)=3, (1,0)=4, (2,0)=7, (2,2)=9
    assert row["pop_exposed"] == pytest.approx(25.0)
    # classes: 0.2→2 and 0.3→9 (0.1); 0.6→3 and 1.0→7 (0.5); 2.0→4 (1.0)
    assert row["displaced_est"] == pytest.approx(11 * 0.1 + 10 * 0.5 + 4 * 1.0)
    coarse = open_raster(write_tif(np.array([[900.0]], dtype="float32"), "popc.tif",
                                   transform=from_origin(X0, TOP, 30.0, 30.0)))
    row = assess_communities(frame([cells(0, 0, 3, 3)]), depth3, population=coarse).iloc[0]
    assert row["pop_exposed"] == pytest.approx(5 * 900.0 * 100 / 900)


@pytest.mark.parametrize("geom", [
    Polygon(),
    None,
    Polygon([(X0, TOP - 5), (X0 + 10, TOP - 5), (X0 + 20, TOP - 5)]),   # zero area
])
def test_empty_or_zero_area_polygons_give_no_rows(depth3, geom):
    out = assess_communities(frame([geom]), depth3)
    assert len(out) == 0
    assert "flooded_area_m2" in out.columns and out.crs == "EPSG:32718"
    both = assess_communities(frame([geom, cells(0, 0, 3, 3)]), depth3)
    assert both["community_id"].tolist() == ["c1"]


def test_no_overlap_raises_naming_both_extents(depth3):
    far = box(X0 + 10_000, TOP - 10, X0 + 10_010, TOP)
    with pytest.raises(OverlapError) as err:
        assess_communities(frame([far]), depth3)
    text = str(err.value)
    assert "510000" in text and "500030" in text and "EPSG:32718" in text


def test_other_crs_is_reprojected_and_noted(depth3):
    poly = gpd.GeoSeries([cells(0, 0, 3, 3).buffer(-0.01)], crs="EPSG:32718").to_crs(4326)
    out = assess_communities(frame(list(poly), crs="EPSG:4326", population=[1000]), depth3)
    assert out.crs == "EPSG:4326"
    assert out.iloc[0]["flooded_area_m2"] == pytest.approx(500.0)
    assert any("reprojected" in str(n) for n in out.attrs["notes"])


@pytest.fixture(params=["by_window", "by_polygon"])
def labelling(request, monkeypatch):
    """Both ways of listing the polygons' cells: window by window, polygon by polygon."""
    limit = 0 if request.param == "by_polygon" else 10**18
    monkeypatch.setattr(zonal, "_CELLS_PER_POLYGON_FOR_RUNS", limit)
    return request.param


def test_rasterises_once_for_all_scenarios_and_reuses(write_tif, monkeypatch, labelling):
    calls = []
    real = zonal.rasterize
    monkeypatch.setattr(zonal, "rasterize", lambda *a, **k: calls.append(1) or real(*a, **k))
    a = open_flood(write_tif(DEPTH3, "a.tif", transform=GRID), name="a", kind="depth")
    deeper = np.where(DEPTH3 == -9999.0, -9999.0, DEPTH3 * 2).astype("float32")
    b = open_flood(write_tif(deeper, "b.tif", transform=GRID), name="b", kind="depth")
    polys = [cells(0, 0, 3, 2), cells(0, 2, 3, 3)]
    first = zonal_flood_stats(polys, [a, b])
    # once for both scenarios: one window of one layer, or once per polygon
    expected = 1 if labelling == "by_window" else 2
    assert len(calls) == expected
    assert first[0].flooded_area_m2.tolist() == pytest.approx([300.0, 200.0])
    assert first[1].flooded_area_m2.tolist() == pytest.approx([400.0, 200.0])  # 0.05→0.1
    zonal_flood_stats(polys, [b], threshold_m=1.0)
    assert len(calls) == expected


@pytest.mark.parametrize("rows, cols", [(3, 4), (1, 20), (20, 1), (7, 7)])
def test_centre_rule_cells_in_small_windows_match_brute_force(write_tif, monkeypatch,
                                                              labelling, rows, cols):
    # 20×20 grid; overlapping polygons, a hole, a multipolygon, one reaching outside the
    # raster: every polygon's cells must be counted once per polygon, whatever the windows.
    rng = np.random.default_rng(5)
    depth = np.round(rng.uniform(-0.2, 2.0, (20, 20)), 2).astype("float32")
    depth[4, :] = -9999.0
    sc = open_flood(write_tif(depth, "b.tif", transform=GRID), name="b", kind="depth")
    polys = [shapely.Point(X0 + 83, TOP - 97).buffer(61.0),
             shapely.Point(X0 + 121, TOP - 88).buffer(47.0),                  # overlaps
             cells(2, 2, 18, 18).difference(cells(6, 6, 12, 12)),            # hole
             MultiPolygon([cells(0, 15, 3, 19), cells(16, 0, 19, 4)]),
             shapely.Point(X0 - 20, TOP - 150).buffer(55.0)]                  # half outside
    monkeypatch.setattr(settings, "WINDOW_ROWS", rows)
    monkeypatch.setattr(settings, "ZONAL_WINDOW_COLS", cols)
    got = zonal_flood_stats(polys, [sc], threshold_m=0.1)[0]
    rr, cc = np.mgrid[0:20, 0:20]
    x, y = X0 + (cc + 0.5) * CELL, TOP - (rr + 0.5) * CELL
    clean = np.where(depth == -9999.0, np.nan, np.maximum(depth, 0))
    for i, poly in enumerate(polys):
        inside = shapely.contains_xy(poly, x, y)
        wet = inside & (clean >= np.float32(0.1))
        assert got.flooded_cells[i] == wet.sum()
        assert got.nodata_area_m2[i] == 100.0 * (inside & np.isnan(clean)).sum()
        assert got.observed_area_m2[i] == 100.0 * (inside & ~np.isnan(clean)).sum()
        assert got.max_depth_m[i] == (clean[wet].max() if wet.any() else pytest.approx(np.nan,
                                                                                   nan_ok=True))
        assert got.depth_sum_m3[i] == pytest.approx(100.0 * clean[wet].astype(float).sum())
        assert got.class_area_m2[i, 2] == 100.0 * (wet & (clean >= np.float32(1.5))).sum()


def test_windows_smaller_than_raster_give_same_result(write_tif, monkeypatch):
    rng = np.random.default_rng(11)
    depth = rng.uniform(0, 1, (10, 10)).astype("float32")
    sc = open_flood(write_tif(depth, "w.tif", transform=GRID), name="w", kind="depth")
    polys = [shapely.Point(X0 + 50, TOP - 50).buffer(38.0), cells(1, 1, 9, 4)]
    whole = zonal_flood_stats(polys, [sc], exact=True)[0]
    zonal.clear_label_cache()
    monkeypatch.setattr(settings, "WINDOW_ROWS", 3)
    monkeypatch.setattr(settings, "ZONAL_WINDOW_COLS", 4)
    split = zonal_flood_stats(polys, [sc], exact=True)[0]
    np.testing.assert_allclose(split.flooded_area_m2, whole.flooded_area_m2, rtol=1e-12)
    np.testing.assert_allclose(split.max_depth_m, whole.max_depth_m)
    np.testing.assert_allclose(split.class_area_m2, whole.class_area_m2, rtol=1e-12)


def test_depth_class_column_suffixes():
    assert depth_classes(0.1).column_suffixes() == ["0_1_to_0_5", "0_5_to_1_5", "over_1_5"]
    assert depth_classes(1, classes_m=(1, 2), rates=(0.5, 1)).column_suffixes() == [
        "1_to_2", "over_2"]


def test_rasterio_env_reads_cache_in_bytes():
    from geo.raster import gdal_env

    with gdal_env():
        assert rasterio.env.getenv()["GDAL_CACHEMAX"] == settings.GDAL_CACHEMAX_BYTES

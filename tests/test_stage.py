"""River-stage scenarios: the flooding stage of every cell, stage curves, forecasts.

The hand-made grid (10×10 cells of 30 m, EPSG:32718, upper-left at the tiny origin) has a
river channel (column 0, 112.0 m: the seeds), a floodplain rising column by column (115.0,
115.5, 116.0, 116.5 m), a ridge at 118.0 m (column 5) with one low pass at (7, 5) = 117.2 m
that touches the closed depression behind it only *diagonally* (via (6, 6)), the depression
(rows 2–6, columns 6–7, 114.5–116.3 m), a closed pocket (8, 7) = 116.0 m behind 118.0 and
118.5 m ground, and high ground (119.5 m, corner 120.0 m). Flooding stages by hand:

- river 112.0; floodplain its own height (114.3, 114.6 and 116.9 m at row 8);
- the pass 117.2 and, through it, the whole depression 117.2 (4-neighbour water would need
  118.0: this is what 8 neighbours change);
- ridge and the rim of the depression 118.0; the pocket 118.0 (over (7, 7) = 118.0);
- the 118.5 m ground 118.5, the high ground 119.5, the corner 120.0.
"""

from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import TINY_CELL_M, TINY_CRS, TINY_ORIGIN_E, TINY_ORIGIN_N
from rasterio.crs import CRS
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import LineString, Point, box

from geo.errors import InputError, OverlapError, Problem
from geo.exposure import assess, assess_centres, assess_communities
from geo.flood import open_flood
from geo.raster import RasterSource, open_raster
from geo.stage import (
    StageModel,
    flooding_stage,
    forecast_timeline,
    parse_stages,
    readings_from_table,
    stage_name,
)
from geo.stage.seeds import gauge_cell, seeds_from_extent, seeds_from_rivers

GRID = from_origin(TINY_ORIGIN_E, TINY_ORIGIN_N, TINY_CELL_M, TINY_CELL_M)
EIGHT = np.ones((3, 3), dtype=bool)

DEM = np.array([
    # 0      1      2      3      4      5      6      7      8      9
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 119.5, 119.5, 119.5, 119.5],  # 0
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 118.0, 118.0, 118.0, 119.5],  # 1
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 114.5, 115.0, 118.0, 119.5],  # 2
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 115.0, 114.8, 118.0, 119.5],  # 3
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 115.5, 115.2, 118.0, 119.5],  # 4
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 116.0, 115.8, 118.0, 119.5],  # 5
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 116.3, 116.1, 118.0, 119.5],  # 6
    [112.0, 115.0, 115.5, 116.0, 116.5, 117.2, 118.0, 118.0, 118.0, 119.5],  # 7
    [112.0, 114.3, 114.6, 116.9, 116.5, 118.0, 118.5, 116.0, 118.5, 119.5],  # 8
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 118.5, 118.5, 118.5, 120.0],  # 9
])
SEEDS = np.zeros(DEM.shape, dtype=bool)
SEEDS[:, 0] = True
DEPRESSION = np.zeros(DEM.shape, dtype=bool)
DEPRESSION[2:7, 6:8] = True

EXPECTED = np.array([
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 119.5, 119.5, 119.5, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 118.0, 118.0, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 117.2, 117.2, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 117.2, 117.2, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 117.2, 117.2, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 117.2, 117.2, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 117.2, 117.2, 118.0, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 117.2, 118.0, 118.0, 118.0, 119.5],
    [112.0, 114.3, 114.6, 116.9, 116.5, 118.0, 118.5, 118.0, 118.5, 119.5],
    [112.0, 115.0, 115.5, 116.0, 116.5, 118.0, 118.5, 118.5, 118.5, 120.0],
])
STAGES = np.round(np.arange(1140, 1191) / 10.0, 1)     # 114.0, 114.1, …, 119.0


def brute_force_wet(dem: np.ndarray, seeds: np.ndarray, stage: float,
                    structure: np.ndarray = EIGHT) -> np.ndarray:
    """Cells at or below the stage joined to a seed cell at or below it (flood fill)."""
    below = dem <= stage
    labels, _ = ndimage.label(below, structure=structure)
    touching = np.unique(labels[seeds & below])
    return np.isin(labels, touching[touching > 0])


def model(dem=DEM, seeds=SEEDS, **options) -> StageModel:
    return StageModel.from_arrays(dem, seeds, transform=GRID, crs=TINY_CRS, **options)


def cell_point(r: int, c: int) -> Point:
    return Point(TINY_ORIGIN_E + (c + 0.5) * TINY_CELL_M, TINY_ORIGIN_N - (r + 0.5) * TINY_CELL_M)


# ---------------------------------------------------------------------------------------------
# The flooding stage
# ---------------------------------------------------------------------------------------------
def test_flooding_stage_by_hand_on_the_10x10_grid():
    fs = flooding_stage(DEM, SEEDS)
    assert fs.dtype == np.float32
    np.testing.assert_array_equal(fs, EXPECTED.astype(np.float32))


@pytest.mark.parametrize("stage", STAGES)
def test_flooding_stage_equals_a_brute_force_flood_fill_at_every_stage(stage):
    m = model()
    expected = brute_force_wet(DEM, SEEDS, stage)
    np.testing.assert_array_equal(m.reached_at(stage), expected)
    # The float32 grid says the same once read in centimetres.
    cm = np.round(m.flooding_stage_m.astype(np.float64) * 100)
    np.testing.assert_array_equal(cm <= round(stage * 100), expected)


def test_eight_neighbours_fill_the_depression_over_the_diagonal_pass():
    # Four-neighbour water needs 118.0 m to enter the depression; eight-neighbour at 117.2.
    assert not brute_force_wet(DEM, SEEDS, 117.9, np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]])
                               )[DEPRESSION].any()
    assert model().reached_at(117.2)[DEPRESSION].all()
    assert not model().reached_at(117.1)[DEPRESSION].any()


def test_only_connected_cells_are_wet_and_the_depression_is_ponding_risk():
    m = model()
    depth = m.depth_at(117.0)
    ponding = m.ponding_at(117.0)
    # River and floodplain: stage − ground; the ridge and everything behind it dry.
    expected = np.where(DEM[:, :5] <= 117.0, 117.0 - DEM[:, :5], 0.0)
    np.testing.assert_allclose(depth[:, :5], expected, atol=1e-5)
    assert (depth[:, 5:] == 0).all()
    # The depression (114.5–116.3 m) and the pocket (116.0 m) lie below 117.0 m: ponding risk.
    low = DEPRESSION.copy()
    low[8, 7] = True
    np.testing.assert_allclose(ponding[low], 117.0 - DEM[low], atol=1e-5)
    assert (ponding[~low] == 0).all()
    # At the pass's height the river takes the depression: no more ponding there.
    assert (m.ponding_at(117.2)[DEPRESSION] == 0).all()
    np.testing.assert_allclose(m.depth_at(117.2)[DEPRESSION], 117.2 - DEM[DEPRESSION],
                               atol=1e-5)


def test_float32_heights_of_whole_centimetres_are_not_pushed_up_a_centimetre():
    dem = DEM.astype(np.float32)            # 116.3 → 116.30000305…
    np.testing.assert_array_equal(flooding_stage(dem, SEEDS), EXPECTED.astype(np.float32))


def test_datum_offset_lowers_every_flooding_stage_by_the_offset():
    fs = flooding_stage(DEM, SEEDS, datum_offset_m=0.35)
    np.testing.assert_allclose(fs, EXPECTED - 0.35, atol=1e-4)
    m = model(datum_offset_m=0.35)
    assert any("gauge stage +0.35 m" in str(n) for n in m.notes)
    # Water at gauge 116.65 m stands at 117.0 m in the DEM's datum.
    np.testing.assert_array_equal(m.reached_at(116.65), brute_force_wet(DEM, SEEDS, 117.0))


def test_slope_from_the_gauge_raises_the_water_upstream():
    # One row of 1 km cells: river at column 0, ground rising 5 cm per cell from 116.05 m;
    # gauge at the river, water rising 10 cm/km away from it. Relief = ground − 0.1 × km:
    # 115.95, 115.90, … so every cell floods once the first one does, at gauge 115.95 m.
    dem = np.array([[110.0, 116.05, 116.10, 116.15, 116.20, 116.25]])
    seeds = np.array([[True, False, False, False, False, False]])
    grid = from_origin(0.0, 1000.0, 1000.0, 1000.0)
    flat = flooding_stage(dem, seeds, transform=grid, crs=TINY_CRS)
    np.testing.assert_allclose(flat, [[110.0, 116.05, 116.10, 116.15, 116.20, 116.25]],
                               atol=1e-4)
    sloped = flooding_stage(dem, seeds, transform=grid, crs=TINY_CRS, slope_cm_per_km=10,
                            gauge_xy=(500.0, 500.0))
    np.testing.assert_allclose(sloped, [[110.0, 115.95, 115.95, 115.95, 115.95, 115.95]],
                               atol=1e-4)
    m = StageModel.from_arrays(dem, seeds, transform=grid, crs=TINY_CRS, slope_cm_per_km=10,
                               gauge_xy=(500.0, 500.0))
    # At gauge 116.0 m the water stands at 116.5 m 5 km away, over ground at 116.25 m.
    assert m.depth_at(116.0)[0, 5] == pytest.approx(0.25, abs=1e-5)
    # River flowing east past the gauge: the water *falls* downstream.
    east = flooding_stage(dem, seeds, transform=grid, crs=TINY_CRS, slope_cm_per_km=10,
                          gauge_xy=(500.0, 500.0), downstream_azimuth_deg=90)
    np.testing.assert_allclose(east, [[110.0, 116.15, 116.30, 116.45, 116.60, 116.75]],
                               atol=1e-4)


def test_a_slope_needs_a_gauge_and_must_not_be_negative():
    with pytest.raises(InputError, match="gauge's position"):
        flooding_stage(DEM, SEEDS, slope_cm_per_km=2)
    with pytest.raises(InputError, match="slope ≥ 0"):
        flooding_stage(DEM, SEEDS, slope_cm_per_km=-1, gauge_xy=(0, 0))


def test_voids_inside_let_water_through_at_the_lowest_rim_and_report_nan():
    dem = DEM.copy()
    dem[7, 5] = -32768          # the pass is an SRTM void: rim minimum is (6, 6) = 116.3 m
    m = model(dem)
    fs = m.flooding_stage_m
    assert math.isnan(fs[7, 5])
    # Water crosses the void from the floodplain (116.5 m): the depression floods at 116.5.
    np.testing.assert_array_equal(fs[DEPRESSION], np.float32(116.5))
    assert m.dem_check.void_cells == 1 and m.dem_check.srtm_void_cells == 1
    assert m.dem_check.filled_cells == 1 and m.dem_check.blocked_cells == 0
    assert math.isnan(m.depth_at(117.0)[7, 5])
    assert any("SRTM voids" in str(n) for n in m.notes)
    # Not filled, the void blocks: the depression waits for the ridge (118.0 m).
    blocked = model(dem, fill_voids=False)
    np.testing.assert_array_equal(blocked.flooding_stage_m[DEPRESSION], np.float32(118.0))
    assert blocked.dem_check.blocked_cells == 1


def test_voids_touching_the_edge_block_water_and_nodata_is_a_void():
    dem = DEM.copy()
    dem[:, 5] = -9999.0         # a nodata band from edge to edge cuts the grid in two
    m = model(dem, nodata=-9999.0)
    fs = m.flooding_stage_m
    assert np.isnan(fs[:, 5]).all()
    assert np.isinf(fs[:, 6:]).all() and (fs[:, 6:] > 0).all()
    np.testing.assert_array_equal(fs[:, :5], EXPECTED[:, :5].astype(np.float32))
    assert m.dem_check.blocked_cells == 10 and m.dem_check.filled_cells == 0


def test_a_maximum_stage_stops_the_flood_and_refuses_higher_stages():
    m = model(max_stage_m=117.5)
    fs = m.flooding_stage_m
    np.testing.assert_array_equal(fs[EXPECTED <= 117.5], EXPECTED[EXPECTED <= 117.5]
                                  .astype(np.float32))
    assert np.isinf(fs[EXPECTED > 117.5]).all()
    with pytest.raises(InputError, match="above the highest stage"):
        m.depth_at(117.6)
    assert m.depth_at(117.5)[0, 1] == pytest.approx(2.5)


def test_no_seed_and_mismatched_shapes_are_refused(write_tif):
    with pytest.raises(InputError, match="no river cell"):
        model(seeds=np.zeros(DEM.shape, bool))
    with pytest.raises(InputError, match="one shape"):
        model(seeds=np.zeros((3, 3), bool))
    dem = open_raster(write_tif(DEM.astype("float32"), "dem.tif"))
    with pytest.raises(InputError, match="where the river is"):
        StageModel.from_raster(dem)


def test_stage_names_and_ranges():
    assert stage_name(117.8) == "117.8 m"
    assert stage_name(118) == "118.0 m"
    assert stage_name(117.85) == "117.85 m"
    assert parse_stages("117.8") == [117.8]
    assert parse_stages("116:117:0.2") == [116.0, 116.2, 116.4, 116.6, 116.8, 117.0]
    assert parse_stages("116,5") == [116.5]
    for bad in ("abc", "117:116:0.1", "116:119:0", "1:2:3:4"):
        with pytest.raises(InputError):
            parse_stages(bad)


# ---------------------------------------------------------------------------------------------
# Seeds and the DEM file
# ---------------------------------------------------------------------------------------------
def test_from_raster_with_a_river_line_equals_the_array_model(write_tif):
    dem = open_raster(write_tif(DEM.astype("float32"), "dem.tif"))
    river = LineString([cell_point(0, 0), cell_point(9, 0)])
    rivers = gpd.GeoDataFrame({"name": ["Itaya"]}, geometry=[river], crs=TINY_CRS)
    m = StageModel.from_raster(dem, rivers=rivers.to_crs("EPSG:4326"))
    np.testing.assert_array_equal(m.flooding_stage_m, EXPECTED.astype(np.float32))
    assert m.seed_cells == 10


def test_river_polygons_seed_their_cells_and_too_thin_ones_the_cells_they_touch():
    src = RasterSource("", CRS.from_user_input(TINY_CRS), GRID, 10, 10, None, "float64", "grid")
    wide = box(TINY_ORIGIN_E, TINY_ORIGIN_N - 90, TINY_ORIGIN_E + 60, TINY_ORIGIN_N)
    thin = box(TINY_ORIGIN_E + 200, TINY_ORIGIN_N - 50, TINY_ORIGIN_E + 201, TINY_ORIGIN_N - 40)
    rivers = gpd.GeoDataFrame(geometry=[wide, thin], crs=TINY_CRS)
    seeds = seeds_from_rivers(rivers, src)
    expected = np.zeros((10, 10), bool)
    expected[0:3, 0:2] = True
    expected[1, 6] = True
    np.testing.assert_array_equal(seeds, expected)
    with pytest.raises(InputError, match="no lines or polygons"):
        seeds_from_rivers(gpd.GeoDataFrame(geometry=[cell_point(1, 1)], crs=TINY_CRS), src)


def test_gauge_snaps_to_the_lowest_cell_nearby_and_must_be_on_the_dem(write_tif):
    dem = open_raster(write_tif(DEM.astype("float32"), "dem.tif"))
    relief = DEM.astype(np.float32)
    # On the floodplain at (8, 2); the lowest cell within 150 m is the river, 2 cells west.
    p = gpd.GeoSeries([cell_point(8, 2)], crs=TINY_CRS).to_crs("EPSG:4326").iloc[0]
    _, cell = gauge_cell((p.x, p.y), dem, relief)
    assert cell[1] == 0 and relief[cell] == 112.0
    # Within 40 m only (8, 1) and its neighbours count: the lowest is (8, 1) at 114.3 m.
    _, cell = gauge_cell((p.x, p.y), dem, relief, snap_radius_m=40.0)
    assert cell == (8, 1)
    with pytest.raises(OverlapError, match="outside the DEM"):
        gauge_cell((-70.0, -3.7), dem, relief)
    m = StageModel.from_raster(dem, gauge=(p.x, p.y))
    assert m.seed_cells == 1
    # One river cell floods the whole channel column, so the result is the same.
    np.testing.assert_array_equal(m.flooding_stage_m[:, 1:], EXPECTED[:, 1:].astype(np.float32))


def test_observed_extent_seeds_on_the_same_and_on_another_grid(write_tif):
    dem = open_raster(write_tif(DEM.astype("float32"), "dem.tif"))
    mask = np.zeros((10, 10), "uint8")
    mask[:, 0] = 1
    same = open_flood(write_tif(mask, "obs.tif", nodata=255), name="obs", kind="extent")
    notes: list[Problem | str] = []
    np.testing.assert_array_equal(seeds_from_extent(same, dem, notes), SEEDS)
    assert not any("sampled" in str(n) for n in notes)
    fine = np.zeros((20, 20), "uint8")
    fine[:, :2] = 1
    other = open_flood(write_tif(fine, "obs15.tif", nodata=255, transform=from_origin(
        TINY_ORIGIN_E, TINY_ORIGIN_N, 15.0, 15.0)), name="radar", kind="extent")
    np.testing.assert_array_equal(seeds_from_extent(other, dem, notes), SEEDS)
    assert any("sampled at the DEM's cell centres" in str(n) for n in notes)
    m = StageModel.from_raster(dem, observed=other)
    np.testing.assert_array_equal(m.flooding_stage_m, EXPECTED.astype(np.float32))


# ---------------------------------------------------------------------------------------------
# A stage as a flood scenario, and stage curves against the exposure engine
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def centres_frame() -> gpd.GeoDataFrame:
    cells = {"A": (4, 3), "B": (3, 7), "C": (4, 5), "D": (8, 7), "E": (2, 2)}
    return gpd.GeoDataFrame(
        {"centre_id": list(cells), "name": [f"Centre {k}" for k in cells],
         "district": ["Belén", "Iquitos", "Iquitos", "Punchana", "Belén"],
         "persons": [10, 20, 30, 40, 50]},
        geometry=[cell_point(*rc) for rc in cells.values()], crs=TINY_CRS,
    ).to_crs("EPSG:4326")


@pytest.fixture
def communities_frame() -> gpd.GeoDataFrame:
    plain = box(TINY_ORIGIN_E + 30, TINY_ORIGIN_N - 120, TINY_ORIGIN_E + 150, TINY_ORIGIN_N)
    hollow = box(TINY_ORIGIN_E + 180, TINY_ORIGIN_N - 210, TINY_ORIGIN_E + 240,
                 TINY_ORIGIN_N - 60)
    return gpd.GeoDataFrame(
        {"community_id": ["k1", "k2"], "name": ["Llanura", "Hondonada"],
         "district": ["Belén", "Iquitos"], "population": [400, 100]},
        geometry=[plain, hollow], crs=TINY_CRS)


def test_scenario_writes_the_depth_of_a_stage_named_by_its_stage(tmp_path):
    m = model()
    sc = m.scenario(117.8, directory=tmp_path)
    assert sc.name == "117.8 m" and sc.kind == "depth"
    np.testing.assert_array_equal(sc.read_depth(), m.depth_at(117.8))
    assert any("ponding risk" in str(n) for n in sc.notes)
    assert any("gauge stage +0.00 m" in str(n) for n in sc.notes)
    with open_raster(sc.raster.path).open() as ds:
        assert ds.tags()["RIVER_STAGE_M"] == "117.80"
        assert ds.tags()["CRECIDA_NAME"] == "117.8 m"


def test_centre_stages_by_hand(centres_frame):
    c = model().curves(centres_frame, ring_radius_m=60.0).centres
    # A: floodplain 116.0 m → 10 cm deep at 116.1 m. B: depression 114.8 m, reached at the
    # pass (117.2 m), already 2.4 m deep then; the ground is 10 cm under 114.9 m (ponding).
    # C: ridge 118.0 m → 118.1 m. D: pocket 116.0 m, reached at 118.0 m. E: 115.5 → 115.6.
    np.testing.assert_allclose(c["stage_flooded_m"], [116.1, 117.2, 118.1, 118.0, 115.6])
    np.testing.assert_allclose(c["stage_ponding_m"], [116.1, 114.9, 118.1, 116.1, 115.6])
    assert c["depth_known"].all()


@pytest.mark.parametrize("stage", [115.0, 115.6, 116.0, 116.1, 116.5, 117.0, 117.2, 117.9,
                                   118.0, 118.1, 118.6, 119.0])
def test_curves_give_the_exposure_engine_answer_at_every_stage(stage, centres_frame,
                                                               communities_frame, tmp_path):
    m = model()
    curves = m.curves(centres_frame, communities_frame, ring_radius_m=60.0,
                      at_risk_distance_m=45.0)
    sc = m.scenario(stage, directory=tmp_path)
    ref = assess_centres(centres_frame, sc, ring_radius_m=60.0, at_risk_distance_m=45.0)
    got = curves.centres_at(stage)
    assert got["flood_status"].tolist() == ref["flood_status"].tolist()
    for col in ("flooded", "access_cut", "depth_known"):
        assert got[col].tolist() == ref[col].tolist()
    for col in ("depth_m", "dist_to_flood_m", "ring_flooded_share"):
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float),
                                   atol=1e-5)
    refc = assess_communities(communities_frame, sc)
    gotc = curves.communities_at(stage)
    for col in ("area_m2", "observed_area_m2", "nodata_area_m2", "flooded_area_m2",
                "flooded_fraction", "mean_depth_m", "max_depth_m", "area_m2_0_1_to_0_5",
                "area_m2_0_5_to_1_5", "area_m2_over_1_5", "pop_exposed", "displaced_est",
                "not_covered_area_m2"):
        np.testing.assert_allclose(gotc[col].to_numpy(float), refc[col].to_numpy(float),
                                   atol=1e-4, err_msg=col)


def test_community_areas_and_ponding_by_hand(communities_frame):
    curves = model().curves(None, communities_frame)
    # Llanura: columns 1–4, rows 0–3 (16 cells of 900 m²). At 116.0 m columns 1–2 are
    # ≥ 10 cm deep (column 3 is at the water line); at 117.0 m all four columns are.
    a = curves.areas_at(116.0)
    assert a["flooded_area_m2"][0] == 8 * 900.0
    assert curves.areas_at(117.0)["flooded_area_m2"][0] == 16 * 900.0
    # Hondonada: the depression cells of rows 2–6, columns 6–7 (10 cells): dry but all
    # ponding at 117.0 m, river-flooded at 117.2 m.
    b = curves.areas_at(117.0)
    assert b["flooded_area_m2"][1] == 0.0 and b["ponding_area_m2"][1] == 10 * 900.0
    c = curves.areas_at(117.2)
    assert c["flooded_area_m2"][1] == 10 * 900.0 and c["ponding_area_m2"][1] == 0.0
    np.testing.assert_allclose(curves.communities["stage_first_flooded_m"], [115.1, 117.2])


def test_flooded_by_stage_table_per_district(centres_frame, communities_frame):
    curves = model().curves(centres_frame, communities_frame, ring_radius_m=60.0)
    table = curves.flooded_by_stage([116.0, 117.2, 118.1])
    belen = table[table["district"] == "Belén"].set_index("stage_m")
    # Belén holds A (floods at 116.1 m) and E (115.6 m).
    assert belen["centres_flooded"].to_dict() == {116.0: 1, 117.2: 2, 118.1: 2}
    assert belen["persons_in_flooded_centres"].to_dict() == {116.0: 50.0, 117.2: 60.0,
                                                             118.1: 60.0}
    total = table.groupby("stage_m")["centres_flooded"].sum().to_dict()
    assert total == {116.0: 1, 117.2: 3, 118.1: 5}
    assert set(table["district"]) == {"Belén", "Iquitos", "Punchana"}


def test_stage_lookup_is_refused_above_the_model(centres_frame):
    curves = model(max_stage_m=117.0).curves(centres_frame, ring_radius_m=60.0)
    assert np.isinf(curves.centres["stage_flooded_m"].iloc[2])     # C needs 118.1 m
    with pytest.raises(InputError, match="above the highest stage"):
        curves.status_at(117.5)


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------
def test_forecast_timeline_dates_and_days_ahead(centres_frame):
    curves = model().curves(centres_frame, ring_radius_m=60.0)
    readings = pd.DataFrame({"fecha": ["01/03/2012", "2012-03-02", "03/03/2012", "2012-03-04",
                                       "2012-03-05"],
                             "nivel": ["115,9", "116.2", "116.8", "117.3", "117.0"]})
    tl = forecast_timeline(curves, readings, today=dt.date(2012, 3, 2))
    by_id = tl.centres.set_index("centre_id")
    # E floods at 115.6 m: 1 March (one day ago); A at 116.1: 2 March (today);
    # B at 117.2: 4 March (in 2 days); C (118.1) and D (118.0) not in this forecast.
    assert by_id.loc["E", "date_flooded"] == pd.Timestamp("2012-03-01")
    assert by_id.loc["E", "days_to_flooded"] == -1
    assert by_id.loc["A", "days_to_flooded"] == 0
    assert by_id.loc["B", "date_flooded"] == pd.Timestamp("2012-03-04")
    assert by_id.loc["B", "days_to_flooded"] == 2
    assert pd.isna(by_id.loc["C", "date_flooded"]) and pd.isna(by_id.loc["D", "days_to_flooded"])
    assert tl.centres["centre_id"].tolist()[:3] == ["E", "A", "B"]
    assert tl.days["days_ahead"].tolist() == [-1, 0, 1, 2, 3]
    assert tl.days["centres_flooded"].tolist() == [1, 2, 2, 3, 2]
    assert tl.days["newly_flooded"].tolist() == ["Centre E", "Centre A", "", "Centre B", ""]


def test_forecast_table_problems_are_listed_with_their_rows():
    bad = pd.DataFrame({"date": ["2012-03-01", "mañana", "2012-03-01"],
                        "stage": ["117.0", "alto", "117.1"]})
    with pytest.raises(InputError) as err:
        readings_from_table(bad, source="pronostico.csv")
    text = str(err.value)
    assert "row 2" in text and "'mañana' is not a date" in text
    assert "'alto' is not a stage" in text
    assert "2012-03-01 is given 2 times (rows 1, 3)" in text
    with pytest.raises(InputError, match="no stage column"):
        readings_from_table(pd.DataFrame({"fecha": ["2012-03-01"], "x": [1]}))


# ---------------------------------------------------------------------------------------------
# The sample: stage curves against the three bundled depth scenarios
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    from geo.inputs import load_sample

    inputs = load_sample()
    curves = StageModel.from_raster(inputs.dem, rivers=inputs.rivers).curves(
        inputs.centres, inputs.communities)
    return inputs, curves


def test_sample_curves_reproduce_the_bundled_scenarios_flooded_centres(sample):
    inputs, curves = sample
    result = assess(inputs.centres, None, inputs.scenarios)
    for name, stage in zip(inputs.scenarios, (116.0, 117.0, 118.6), strict=True):
        ref = result.centres[result.centres["scenario"] == name]
        status = curves.status_at(stage)["flood_status"]
        flooded = set(ref.loc[ref["flood_status"] == "flooded", "centre_id"])
        assert set(ref["centre_id"][status == "flooded"]) == flooded
        # Not just the flooded ones: every status agrees.
        assert status.tolist() == ref["flood_status"].tolist()
    assert len(curves.status_at(117.0)["flood_status"]) == 77
    assert (curves.status_at(118.6)["flood_status"] == "flooded").sum() == 11


def test_sample_differences_in_cells_are_connectivity_only(sample):
    """The bundled depths join cells *below* the stage by 4 neighbours; the model joins cells
    at or below it by 8. Both rules, flood-filled here from the rivers' cells, give each side
    exactly: the cells that differ are diagonal links and cells exactly at the stage."""
    import rasterio

    inputs, _ = sample
    m = StageModel.from_raster(inputs.dem, rivers=inputs.rivers)
    with rasterio.open(inputs.dem.path) as ds:
        dem = ds.read(1).astype(np.float64)
    seeds = seeds_from_rivers(inputs.rivers, inputs.dem)
    four = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
    diffs = {}
    for name, stage in zip(inputs.scenarios, (116.0, 117.0, 118.6), strict=True):
        bundled = inputs.scenarios[name].read_depth() > 0
        strict_four = dem < stage
        labels, _ = ndimage.label(strict_four, structure=four)
        hit = np.unique(labels[seeds & strict_four])
        np.testing.assert_array_equal(bundled, np.isin(labels, hit[hit > 0]))
        np.testing.assert_array_equal(m.reached_at(stage), brute_force_wet(dem, seeds, stage))
        deep = m.depth_at(stage) >= np.float32(0.1)
        diffs[stage] = int((deep != (inputs.scenarios[name].read_depth() >= np.float32(0.1)))
                           .sum())
    # Cells 10 cm deep or more that differ (all wetter in the model: diagonal links).
    assert diffs == {116.0: 0, 117.0: 41, 118.6: 293}


def test_a_geographic_dem_gives_the_exposure_engine_answer(tmp_path):
    """SRTM tiles come in degrees: cell sizes, ring and distances in metres on the ellipsoid."""
    cell = 1.0 / 3600                                    # one arc-second, about 31 m
    grid = from_origin(-73.26, -3.74, cell, cell)
    m = StageModel.from_arrays(DEM, SEEDS, transform=grid, crs="EPSG:4326")
    np.testing.assert_array_equal(m.flooding_stage_m, EXPECTED.astype(np.float32))
    centre = [Point(-73.26 + (c + 0.5) * cell, -3.74 - (r + 0.5) * cell)
              for r, c in ((4, 3), (3, 7), (4, 5), (2, 2))]
    frame = gpd.GeoDataFrame({"centre_id": list("ABCE")}, geometry=centre, crs="EPSG:4326")
    hollow = box(-73.26 + 6 * cell, -3.74 - 7 * cell, -73.26 + 8 * cell, -3.74 - 2 * cell)
    comm = gpd.GeoDataFrame({"community_id": ["k"], "population": [100]}, geometry=[hollow],
                            crs="EPSG:4326")
    curves = m.curves(frame, comm, ring_radius_m=60.0, at_risk_distance_m=45.0)
    for stage in (115.6, 116.2, 117.2, 118.1):
        sc = m.scenario(stage, directory=tmp_path)
        ref = assess_centres(frame, sc, ring_radius_m=60.0, at_risk_distance_m=45.0)
        got = curves.centres_at(stage)
        assert got["flood_status"].tolist() == ref["flood_status"].tolist()
        np.testing.assert_allclose(got["dist_to_flood_m"], ref["dist_to_flood_m"], atol=1e-6)
        refc = assess_communities(comm, sc)
        np.testing.assert_allclose(curves.communities_at(stage)["flooded_area_m2"],
                                   refc["flooded_area_m2"], rtol=1e-9)

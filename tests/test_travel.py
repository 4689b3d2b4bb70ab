"""Flood-aware travel on tiny hand-built depth rasters (100 m cells, EPSG:32718)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point

from geo import settings
from geo.catchment import assign
from geo.flood import open_flood
from geo.travel import cost_allocation, depth_grid, friction_surface, travel_matrix

X0, Y0, CELL = 700_000.0, 9_580_500.0, 100.0
UTM = "EPSG:32718"
WALK = 60 / 4000  # minutes per metre at 4 km/h
WADE = 60 / 1000  # 1 km/h
BOAT = 60 / 8000  # 8 km/h


@pytest.fixture(autouse=True)
def _speeds(monkeypatch):
    monkeypatch.setattr(settings, "WALK_SPEED_KMH", 4.0)
    monkeypatch.setattr(settings, "WADE_SPEED_KMH", 1.0)
    monkeypatch.setattr(settings, "WADE_MAX_DEPTH_M", 0.5)
    monkeypatch.setattr(settings, "BOAT_SPEED_KMH", 8.0)
    monkeypatch.setattr(settings, "RIVER_CHANNEL_BUFFER_M", 20.0)
    monkeypatch.setattr(settings, "FLOOD_THRESHOLD_M", 0.1)


def _scenario(tmp_path, depth: np.ndarray, name: str = "test"):
    path = tmp_path / f"{name}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=depth.shape[1], height=depth.shape[0],
                       count=1, dtype="float32", crs=UTM,
                       transform=from_origin(X0, Y0, CELL, CELL), nodata=-9999) as ds:
        ds.write(depth.astype("float32"), 1)
    return open_flood(path, name=name, kind="depth")


def _xy(row: int, col: int) -> tuple[float, float]:
    return (X0 + (col + 0.5) * CELL, Y0 - (row + 0.5) * CELL)


def _wall(depth_m: float, rows: slice) -> np.ndarray:
    """5 × 7 dry grid with water in column 3 over ``rows``."""
    d = np.zeros((5, 7), dtype="float32")
    d[rows, 3] = depth_m
    return d


def test_detour_around_a_flooded_block(tmp_path):
    scen = _scenario(tmp_path, _wall(2.0, slice(0, 4)))  # gap at row 4
    surf = friction_surface(scen)
    res = travel_matrix(surf, [_xy(1, 0)], [_xy(1, 6)])
    # straight line is 600 m; the only way is 6 diagonal steps through the gap at (4, 3)
    assert res.metres[0, 0] == pytest.approx(6 * CELL * math.sqrt(2))
    assert res.minutes[0, 0] == pytest.approx(6 * CELL * math.sqrt(2) * WALK)
    assert res.metres[0, 0] > 600.0


def test_shallow_water_is_waded_when_there_is_no_way_round(tmp_path):
    scen = _scenario(tmp_path, _wall(0.3, slice(0, 5)))
    res = travel_matrix(friction_surface(scen), [_xy(1, 0)], [_xy(1, 6)])
    # straight along row 1: four dry-dry steps, two dry-wade steps at the mean friction
    assert res.metres[0, 0] == pytest.approx(600.0)
    assert res.minutes[0, 0] == pytest.approx(4 * CELL * WALK + 2 * CELL * (WALK + WADE) / 2)


def test_deep_wall_without_boats_is_impassable(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "WADE_SPEED_KMH", None)
    scen = _scenario(tmp_path, _wall(0.3, slice(0, 5)))
    res = travel_matrix(friction_surface(scen), [_xy(1, 0)], [_xy(1, 6)])
    assert np.isinf(res.minutes[0, 0]) and np.isinf(res.metres[0, 0])


def test_boat_along_the_river_is_faster(tmp_path):
    depth = np.zeros((3, 11), dtype="float32")
    depth[1, :] = 2.0  # deep river channel along the middle row
    scen = _scenario(tmp_path, depth)
    river = gpd.GeoDataFrame(geometry=[LineString([_xy(1, 0), _xy(1, 10)])], crs=UTM)
    on_foot = travel_matrix(friction_surface(scen), [_xy(0, 0)], [_xy(0, 10)])
    assert on_foot.minutes[0, 0] == pytest.approx(1000 * WALK)  # 15 min along the bank
    by_boat = travel_matrix(friction_surface(scen, rivers=river), [_xy(0, 0)], [_xy(0, 10)])
    diag = CELL * math.sqrt(2)
    assert by_boat.minutes[0, 0] == pytest.approx(2 * diag * (WALK + BOAT) / 2 + 8 * CELL * BOAT)
    assert by_boat.metres[0, 0] == pytest.approx(2 * diag + 800)
    assert by_boat.minutes[0, 0] < on_foot.minutes[0, 0]


def test_points_on_water_start_from_nearest_dry_cell(tmp_path):
    depth = np.zeros((3, 3), dtype="float32")
    depth[0, 0] = depth[0, 1] = depth[1, 0] = 2.0
    scen = _scenario(tmp_path, depth)
    res = travel_matrix(friction_surface(scen), [_xy(0, 0)], [_xy(2, 2)])
    # (0, 0) is water; its nearest dry cell is (1, 1), one diagonal away, then one more
    assert res.metres[0, 0] == pytest.approx(2 * CELL * math.sqrt(2))
    assert res.minutes[0, 0] == pytest.approx(2 * CELL * math.sqrt(2) * WALK)
    assert any("nearest passable" in str(n) for n in res.notes)


def test_allocation_splits_at_the_water(tmp_path):
    scen = _scenario(tmp_path, _wall(2.0, slice(0, 5)))
    alloc, minutes = cost_allocation(friction_surface(scen), [_xy(2, 0), _xy(2, 6)])
    expected = np.full((5, 7), -1)
    expected[:, :3], expected[:, 4:] = 0, 1
    np.testing.assert_array_equal(alloc, expected)
    assert minutes[2, 2] == pytest.approx(200 * WALK) and np.isinf(minutes[0, 3])


def test_coarsening_takes_block_median(tmp_path):
    depth = np.zeros((4, 4), dtype="float32")
    depth[:2, :2] = [[1.0, 2.0], [3.0, np.nan]]
    depth[2:, 2:] = 5.0
    grid = depth_grid(_scenario(tmp_path, np.where(np.isnan(depth), -9999, depth)), max_cells=4)
    assert grid.factor == 2 and grid.cell_size_m == 200.0
    np.testing.assert_array_equal(grid.depth_m, [[2.0, 0.0], [0.0, 5.0]])
    assert "coarsened 2×" in str(grid.notes[0])
    assert "agrandada 2×" in grid.notes[0].text("es")


def test_flood_aware_assignment_exceeds_straight_line(tmp_path):
    scen = _scenario(tmp_path, _wall(2.0, slice(0, 4)))
    demand = gpd.GeoDataFrame({"community_id": ["d"], "displaced_est": [10.0]},
                              geometry=[Point(_xy(1, 0))], crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["C"], "status": ["open"], "persons": [0]},
                               geometry=[Point(_xy(1, 6))], crs=UTM)
    straight = assign(demand, centres, scenario=scen).assignments.iloc[0]
    aware = assign(demand, centres, scenario=scen, mode="flood-aware")
    row = aware.assignments.iloc[0]
    assert straight.distance_m == pytest.approx(600.0)
    assert row.distance_m == pytest.approx(6 * CELL * math.sqrt(2))
    assert row.travel_min == pytest.approx(6 * CELL * math.sqrt(2) * WALK)
    assert row.centre_id == "C"
    # 12.7 min is beyond 700 m walked (10.5 min): too far by travel, not by straight line
    short = assign(demand, centres, scenario=scen, mode="flood-aware", service_distance_m=700)
    assert short.assignments.iloc[0].unserved_reason == "too_far"
    assert not aware.catchments.empty and aware.catchments.iloc[0].centre_id == "C"


def test_cut_off_demand_is_unreachable(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "WADE_SPEED_KMH", None)
    scen = _scenario(tmp_path, _wall(2.0, slice(0, 5)))
    demand = gpd.GeoDataFrame({"community_id": ["d"], "displaced_est": [10.0]},
                              geometry=[Point(_xy(1, 0))], crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["C"], "status": ["open"]},
                               geometry=[Point(_xy(1, 6))], crs=UTM)
    row = assign(demand, centres, scenario=scen, mode="flood-aware").assignments.iloc[0]
    assert row.unserved_reason == "unreachable" and np.isnan(row.distance_m)


@pytest.mark.parametrize("on_floodwater", [True, False])
def test_boats_on_floodwater_linked_to_the_river(tmp_path, monkeypatch, on_floodwater):
    monkeypatch.setattr(settings, "BOAT_ON_FLOODWATER", on_floodwater)
    depth = np.zeros((3, 11), dtype="float32")
    depth[1, :] = 2.0  # floodwater along the middle row; the river line covers its west half
    scen = _scenario(tmp_path, depth)
    river = gpd.GeoDataFrame(geometry=[LineString([_xy(1, 0), _xy(1, 4)])], crs=UTM)
    minutes = travel_matrix(friction_surface(scen, rivers=river), [_xy(0, 0)],
                            [_xy(0, 10)]).minutes[0, 0]
    whole_river = 2 * CELL * math.sqrt(2) * (WALK + BOAT) / 2 + 8 * CELL * BOAT
    if on_floodwater:  # the linked floodwater is navigable end to end
        assert minutes == pytest.approx(whole_river)
    else:  # boat for the west half only, then on foot
        assert whole_river < minutes < 1000 * WALK

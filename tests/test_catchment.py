"""Catchment assignment and capacity against demand, on tiny hand-built frames (EPSG:32718)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo import settings
from geo.catchment import (
    ASSIGNMENT_COLUMNS,
    CAPACITY_COLUMNS,
    CATCHMENT_COLUMNS,
    assign,
    with_flood_status,
)
from geo.errors import CRSError, InputError
from geo.schema import capacity_persons, operational_mask, scenario_rows

X0, Y0 = 700_000.0, 9_580_000.0
UTM = "EPSG:32718"


def _centres(**overrides) -> gpd.GeoDataFrame:
    data = {
        "centre_id": ["A", "B", "C"],
        "name": ["Colegio A", "Iglesia B", "Coliseo C"],
        "status": ["open", "open", "closed"],
        "persons": [40, 0, 0],
        "capacity_persons": pd.array([120, pd.NA, 500], dtype="Int64"),
        "covered_area_m2": [np.nan, 350.0, np.nan],
        "flood_status": ["dry", "at_risk", "dry"],
    }
    data.update(overrides)
    pts = [Point(X0, Y0), Point(X0 + 3000, Y0), Point(X0 + 1500, Y0 + 100)]
    return gpd.GeoDataFrame(data, geometry=pts, crs=UTM)


def _demand(weights=(100.0, 50.0, 30.0)) -> gpd.GeoDataFrame:
    pts = [Point(X0 + 1000, Y0), Point(X0 + 2000, Y0), Point(X0, Y0 + 6000)]
    return gpd.GeoDataFrame({"community_id": ["d1", "d2", "d3"], "name": ["Uno", "Dos", "Tres"],
                             "displaced_est": list(weights)}, geometry=pts, crs=UTM)


def _row(frame, col, key):
    return frame.set_index(col).loc[key]


def test_capacity_from_given_then_covered_area():
    cap, src = capacity_persons(_centres())
    assert cap.tolist()[:2] == [120.0, 100.0]  # 350 m² / 3.5 m² per person
    assert cap.iloc[2] == 500.0
    assert src.tolist() == ["capacity_persons", "covered_area", "capacity_persons"]
    cap, src = capacity_persons(_centres(capacity_persons=pd.array([pd.NA] * 3, dtype="Int64"),
                                         covered_area_m2=[np.nan, 351.0, np.nan]))
    assert np.isnan(cap.iloc[0]) and cap.iloc[1] == 100.0  # floor(100.28)
    assert src.tolist() == ["unknown", "covered_area", "unknown"]


def test_operational_mask_needs_open_and_not_cut_off():
    c = _centres(flood_status=["flooded", "isolated", "dry"])
    assert operational_mask(c).tolist() == [False, False, False]
    c = _centres(flood_status=["at_risk", "dry", "dry"])
    assert operational_mask(c).tolist() == [True, True, False]
    assert operational_mask(c.drop(columns="flood_status")).tolist() == [True, True, False]


def test_nearest_assignment_and_capacity_arithmetic():
    res = assign(_demand(), _centres())
    a = res.assignments
    assert list(a.columns) == [*ASSIGNMENT_COLUMNS, "geometry"]
    assert a.crs.to_epsg() == 4326
    d1, d2, d3 = (_row(a, "demand_id", k) for k in ("d1", "d2", "d3"))
    assert (d1.centre_id, d1.distance_m, d1.assigned_persons) == ("A", 1000.0, 100.0)
    assert d1.travel_min == pytest.approx(1000 * 60 / (settings.WALK_SPEED_KMH * 1000))
    assert (d2.centre_id, d2.distance_m, d2.assigned_persons) == ("B", 1000.0, 50.0)
    assert pd.isna(d3.centre_id) and d3.unserved_persons == 30.0
    assert d3.unserved_reason == "too_far" and d3.nearest_centre_id == "A"
    assert d3.distance_m == pytest.approx(6000.0)
    assert d1.unserved_reason == "" and d1.allocation == "A:100.0"

    cap = res.centres_capacity
    assert list(cap.columns) == [*CAPACITY_COLUMNS, "geometry"]
    A, B, C = (_row(cap, "centre_id", k) for k in "ABC")
    assert (A.capacity_persons, A.persons, A.incoming, A.total_persons) == (120, 40, 100, 140)
    assert (A.spare, bool(A.overcrowded)) == (-20.0, True)
    assert (B.capacity_persons, B.incoming, B.spare, bool(B.overcrowded)) == (100, 50, 50, False)
    assert (bool(C.operational), C.incoming, C.n_demand) == (False, 0.0, 0)
    assert res.unserved_persons == 30.0


def test_respect_capacity_sends_overflow_to_next_centre():
    res = assign(_demand(), _centres(), respect_capacity=True)
    d1 = _row(res.assignments, "demand_id", "d1")
    # A has room for 120 - 40 = 80; the other 20 go to B (2 km away), which has room 100 - 50
    assert d1.allocation == "A:80.0;B:20.0"
    assert (d1.centre_id, d1.assigned_persons, d1.unserved_persons) == ("A", 100.0, 0.0)
    cap = res.centres_capacity
    A, B = _row(cap, "centre_id", "A"), _row(cap, "centre_id", "B")
    assert (A.incoming, A.spare, bool(A.overcrowded)) == (80.0, 0.0, False)
    assert (B.incoming, B.spare) == (70.0, 30.0)


def test_respect_capacity_reports_over_capacity():
    centres = _centres(capacity_persons=pd.array([120, 60, 500], dtype="Int64"))
    res = assign(_demand(), centres, respect_capacity=True)
    d1 = _row(res.assignments, "demand_id", "d1")
    # d2 fills 50 of B's 60 first (equal distance, earlier demand row wins: d1–A then d2–B)
    assert d1.allocation == "A:80.0;B:10.0"
    assert (d1.unserved_persons, d1.unserved_reason) == (10.0, "over_capacity")
    assert res.unserved_persons == 10.0 + 30.0


def test_flooded_centre_is_skipped():
    res = assign(_demand(), _centres(flood_status=["flooded", "dry", "dry"]))
    d1 = _row(res.assignments, "demand_id", "d1")
    assert (d1.centre_id, d1.distance_m) == ("B", 2000.0)
    assert not bool(_row(res.centres_capacity, "centre_id", "A").operational)
    assert list(res.catchments["centre_id"]) == ["B"]


def test_no_operational_centre_reports_all_unserved():
    res = assign(_demand(), _centres(status=["closed", "closed", "proposed"]))
    a = res.assignments
    assert a["unserved_reason"].tolist() == ["no_centre"] * 3
    assert a["unserved_persons"].sum() == 180.0 and a["assigned_persons"].sum() == 0.0
    assert a["distance_m"].isna().all()
    assert res.catchments.empty and list(res.catchments.columns) == [
        *CATCHMENT_COLUMNS[:2], "mode", "area_m2", "geometry"]
    assert "no operational centre in this scenario: all demand is unserved" in map(str, res.notes)
    assert ("ningún albergue operativo en este escenario: toda la demanda queda sin lugar"
            in [n.text("es") for n in res.notes])


def test_voronoi_catchments_split_the_study_area():
    area = gpd.GeoDataFrame(geometry=[box(X0 - 1000, Y0 - 1000, X0 + 4000, Y0 + 1000)], crs=UTM)
    res = assign(_demand(), _centres(), study_area=area)
    zones = res.catchments.to_crs(UTM).set_index("centre_id")
    assert set(zones.index) == {"A", "B"}
    # bisector of A (x0) and B (x0 + 3000) is x0 + 1500: 2500 m × 2000 m each
    assert zones.loc["A", "area_m2"] == pytest.approx(5_000_000.0)
    assert zones.loc["B", "area_m2"] == pytest.approx(5_000_000.0)
    assert zones.loc["A"].geometry.bounds[2] == pytest.approx(X0 + 1500, abs=1e-3)
    assert res.catchments.crs.to_epsg() == 4326


def test_service_distance_and_polygon_demand():
    poly = gpd.GeoDataFrame({"community_id": ["p"], "displaced_est": [10.0]},
                            geometry=[box(X0 + 900, Y0 - 100, X0 + 1100, Y0 + 100)], crs=UTM)
    res = assign(poly, _centres(), service_distance_m=900)
    p = res.assignments.iloc[0]
    assert p.unserved_reason == "too_far" and p.distance_m == pytest.approx(1000.0)
    res = assign(poly, _centres(), service_distance_m=1000)
    assert res.assignments.iloc[0].centre_id == "A"


def test_crs_mismatch_is_reprojected():
    res_utm = assign(_demand(), _centres())
    res_mixed = assign(_demand().to_crs("EPSG:4326"), _centres())
    assert res_mixed.assignments["centre_id"].tolist() == res_utm.assignments["centre_id"].tolist()
    np.testing.assert_allclose(res_mixed.assignments["distance_m"],
                               res_utm.assignments["distance_m"], rtol=1e-6)


def test_empty_demand_gives_empty_frames():
    res = assign(_demand().iloc[0:0], _centres())
    assert res.assignments.empty and list(res.assignments.columns) == [
        *ASSIGNMENT_COLUMNS, "geometry"]
    assert res.centres_capacity["incoming"].tolist() == [0.0, 0.0, 0.0]
    assert set(res.layers()) == {"assignments", "catchments", "centres_capacity"}


@pytest.mark.parametrize(("weights", "message"), [
    ((-1.0, 2.0, 3.0), "negative"),
    (("x", 2.0, 3.0), "not a number"),
])
def test_bad_weights_are_input_errors(weights, message):
    demand = _demand()
    demand["displaced_est"] = pd.Series(weights, dtype=object)
    with pytest.raises(InputError, match=message):
        assign(demand, _centres())


def test_missing_weight_column_and_crs():
    with pytest.raises(InputError, match="no weight column 'people'"):
        assign(_demand(), _centres(), weight_col="people")
    with pytest.raises(CRSError):
        assign(_demand().set_crs(None, allow_override=True), _centres())
    with pytest.raises(InputError, match="need a flood scenario"):
        assign(_demand(), _centres(), mode="flood-aware")


def test_layers_have_plain_dtypes(tmp_path):
    res = assign(_demand(), _centres(), respect_capacity=True)
    for name, frame in res.layers().items():
        for col, dtype in frame.dtypes.items():
            if col == "geometry":
                continue
            assert dtype.kind in "biufO", (name, col, dtype)
        frame.to_file(tmp_path / "out.gpkg", layer=name, driver="GPKG")


def test_with_flood_status_keeps_the_canonical_status():
    exposure = pd.DataFrame({
        "centre_id": ["A", "B", "A", "B"],
        "scenario": ["low", "low", "high", "high"],
        "flood_status": ["dry", "dry", "flooded", "isolated"],  # the engine's flood status
    })
    out = with_flood_status(_centres(), exposure, scenario="high")
    assert out["status"].tolist() == ["open", "open", "closed"]
    assert out["flood_status"].tolist() == ["flooded", "isolated", "unknown"]
    assert scenario_rows(exposure, "low")["flood_status"].tolist() == ["dry", "dry"]
    with pytest.raises(InputError, match="choose one of: low, high"):
        scenario_rows(exposure, "medium")

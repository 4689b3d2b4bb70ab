"""Centre exposure, several scenarios together, and the sample end to end.

Grid: 10×10 cells of 10 m, upper-left corner (500 000, 9 600 000) in EPSG:32718.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geo import zonal
from geo.errors import OverlapError
from geo.exposure import ExposureResult, assess, assess_centres
from geo.flood import open_flood

X0, TOP, CELL = 500_000.0, 9_600_000.0, 10.0
GRID = from_origin(X0, TOP, CELL, CELL)


def at(r, c, dx=5.0, dy=5.0):
    """A point inside cell (r, c), by default its centre."""
    return Point(X0 + c * CELL + dx, TOP - r * CELL - dy)


def centres(points, crs="EPSG:32718"):
    n = len(points)
    return gpd.GeoDataFrame(
        {"centre_id": [f"a{i}" for i in range(n)], "district": ["D1", "D2"] * (n // 2)
         + ["D1"] * (n % 2), "persons": [10 * (i + 1) for i in range(n)],
         "families": [2 * (i + 1) for i in range(n)]},
        geometry=list(points), crs=crs)


@pytest.fixture(autouse=True)
def _fresh_cache():
    zonal.clear_label_cache()
    yield


@pytest.fixture
def left_wet(write_tif):
    """Columns 0–2 at 0.5 m, the rest dry; cell (9, 9) nodata."""
    depth = np.zeros((10, 10), dtype="float32")
    depth[:, :3] = 0.5
    depth[9, 9] = -9999.0
    return open_flood(write_tif(depth, "left.tif", transform=GRID), name="left", kind="depth")


def test_centre_statuses_hand_values(left_wet):
    pts = [at(5, 1), at(5, 5), at(9, 9), Point(X0 - 500, TOP - 50), at(5, 8)]
    out = assess_centres(centres(pts), left_wet)
    assert out["flood_status"].tolist() == ["flooded", "at_risk", "unknown", "unknown", "at_risk"]
    assert out["depth_m"].iloc[0] == pytest.approx(0.5)
    assert out["depth_m"].iloc[1] == 0.0
    assert math.isnan(out["depth_m"].iloc[2]) and math.isnan(out["depth_m"].iloc[3])
    assert out["depth_known"].tolist() == [True, True, False, False, True]
    assert out["flooded"].tolist() == [True, False, False, False, False]
    # nearest flooded cell centre: column 2 at x0 + 25
    assert out["dist_to_flood_m"].iloc[0] == 0.0
    assert out["dist_to_flood_m"].iloc[1] == pytest.approx(30.0)
    assert out["dist_to_flood_m"].iloc[4] == pytest.approx(60.0)
    assert out["scenario"].tolist() == ["left"] * 5
    assert out.crs == "EPSG:32718"
    assert out.geometry.iloc[0].equals(pts[0])


def test_at_risk_distance_and_threshold(left_wet):
    pts = [at(5, 5), at(5, 8), at(5, 1)]
    out = assess_centres(centres(pts), left_wet, at_risk_distance_m=45.0, threshold_m=0.1)
    assert out["flood_status"].tolist() == ["at_risk", "dry", "flooded"]
    dry = assess_centres(centres(pts), left_wet, threshold_m=0.6)
    assert dry["flooded"].tolist() == [False, False, False]
    assert dry["dist_to_flood_m"].isna().all()          # nothing flooded within the search
    assert dry["flood_status"].tolist() == ["dry", "dry", "dry"]


def test_distance_to_far_water_and_search_radius(write_tif):
    depth = np.zeros((3, 120), dtype="float32")
    depth[:, 110] = 1.0
    sc = open_flood(write_tif(depth, "long.tif", transform=GRID), name="l", kind="depth")
    pts = [at(1, 5), at(1, 60), at(1, 100)]
    out = assess_centres(centres(pts), sc)
    # cell centres 1050 m (beyond the 1000 m search), 500 m and 100 m away
    assert math.isnan(out["dist_to_flood_m"].iloc[0])
    assert out["dist_to_flood_m"].iloc[1:].tolist() == pytest.approx([500.0, 100.0])
    assert out["flood_status"].tolist() == ["dry", "dry", "at_risk"]
    wide = assess_centres(centres(pts), sc, search_radius_m=2000.0)
    assert wide["dist_to_flood_m"].iloc[0] == pytest.approx(1050.0)


def test_access_ring(write_tif):
    depth = np.zeros((10, 10), dtype="float32")
    depth[:, :5] = 1.0                                   # west half under water
    sc = open_flood(write_tif(depth, "west.tif", transform=GRID), name="w", kind="depth")
    # ring of 20 m around the centre of cell (5, 5): 16 samples every 22.5°; the 7 between
    # 112.5° and 247.5° fall west of x0 + 50
    out = assess_centres(centres([at(5, 5)]), sc, ring_radius_m=20.0)
    assert out["ring_flooded_share"].iloc[0] == pytest.approx(7 / 16)
    assert not out["access_cut"].iloc[0]
    assert out["flood_status"].iloc[0] == "at_risk"            # 10 m from column 4's centre
    cut = assess_centres(centres([at(5, 5)]), sc, ring_radius_m=20.0, access_share=0.4)
    assert cut["access_cut"].iloc[0]
    assert cut["flood_status"].iloc[0] == "isolated"


def test_ring_outside_raster_is_nan_not_cut(left_wet):
    out = assess_centres(centres([at(5, 5)]), left_wet, ring_radius_m=500.0)
    assert math.isnan(out["ring_flooded_share"].iloc[0])
    assert not out["access_cut"].iloc[0]


def test_centres_in_other_crs_are_reprojected(left_wet):
    pts = gpd.GeoSeries([at(5, 1), at(5, 5)], crs="EPSG:32718").to_crs("EPSG:4326")
    out = assess_centres(centres(list(pts), crs="EPSG:4326"), left_wet)
    assert out["flood_status"].tolist() == ["flooded", "at_risk"]
    assert out.crs == "EPSG:4326"
    assert any("centres reprojected from EPSG:" in str(n) for n in out.attrs["notes"])
    assert any(n.text("es").startswith("albergues reproyectados de EPSG:")
               for n in out.attrs["notes"])


def test_centres_not_overlapping_raise(left_wet):
    with pytest.raises(OverlapError):
        assess_centres(centres([Point(X0 + 1e5, TOP)]), left_wet)


def test_extent_raster_centres(write_tif):
    mask = np.zeros((10, 10), dtype="uint8")
    mask[:, :3] = 1
    sc = open_flood(write_tif(mask, "m.tif", transform=GRID, nodata=255), name="m",
                    kind="extent")
    out = assess_centres(centres([at(5, 1), at(5, 5)]), sc)
    assert out["flooded"].tolist() == [True, False]
    assert out["depth_known"].tolist() == [True, True]
    assert math.isnan(out["depth_m"].iloc[0])          # water of unknown depth
    assert out["flood_status"].tolist() == ["flooded", "at_risk"]


def test_empty_centres_give_empty_frame(left_wet):
    out = assess_centres(centres([]), left_wet)
    assert len(out) == 0 and "flood_status" in out.columns


def test_assess_two_scenarios(write_tif):
    low = np.zeros((10, 10), dtype="float32")
    low[:, :3] = 0.3
    high = np.zeros((10, 10), dtype="float32")
    high[:, :6] = 2.0
    scen = {
        "low": open_flood(write_tif(low, "low.tif", transform=GRID), name="x", kind="depth"),
        "high": open_flood(write_tif(high, "high.tif", transform=GRID), name="y", kind="depth"),
    }
    comm = gpd.GeoDataFrame(
        {"community_id": ["c1", "c2"], "name": ["uno", "dos"], "district": ["D1", "D2"],
         "population": [100, 50]},
        geometry=[box(X0, TOP - 100, X0 + 50, TOP), box(X0 + 50, TOP - 100, X0 + 100, TOP)],
        crs="EPSG:32718")
    seen = []
    res = assess(centres([at(5, 1), at(5, 8)]), comm, scen,
                 progress=lambda d, t, m: seen.append((d, t)))
    assert isinstance(res, ExposureResult)
    assert res.centres.crs == "EPSG:4326" and res.communities.crs == "EPSG:4326"
    assert res.communities["scenario"].tolist() == ["low", "low", "high", "high"]
    assert res.communities["flooded_area_m2"].tolist() == pytest.approx(
        [3000.0, 0.0, 5000.0, 1000.0])
    assert res.communities["pop_exposed"].tolist() == pytest.approx([60.0, 0.0, 100.0, 10.0])
    # low: 60 exposed at 0.1; high: everything > 1.5 m → rate 1
    assert res.communities["displaced_est"].tolist() == pytest.approx([6.0, 0.0, 100.0, 10.0])
    # the second centre is 60 m (low) and 30 m (high) from the nearest flooded cell centre
    assert res.centres["flood_status"].tolist() == ["flooded", "at_risk", "flooded", "at_risk"]
    assert res.centres["dist_to_flood_m"].tolist() == pytest.approx([0.0, 60.0, 0.0, 30.0])
    summary = res.summary.set_index(["scenario", "metric"])["value"]
    assert summary[("low", "centres_flooded")] == 1
    assert summary[("high", "displaced_est")] == pytest.approx(110.0)
    assert summary[("high", "persons_in_flooded_centres")] == 10
    assert summary[("high", "families_in_flooded_centres")] == 2
    assert summary[("high", "need_water_l_per_day")] == pytest.approx(110 * 15.0)
    d = res.districts.set_index(["scenario", "district"])
    assert d.loc[("high", "D2"), "displaced_est"] == pytest.approx(10.0)
    assert d.loc[("high", "D2"), "centres_at_risk"] == 1
    needs = res.needs
    overall = needs[(needs["level"] == "overall") & (needs["scenario"] == "low")]
    kits = overall.set_index("item").loc["hygiene_kits"]
    assert kits["quantity"] == math.ceil(6.0 / 4.7)
    assert set(needs["level"]) == {"community", "district", "overall"}
    assert seen and seen[-1][0] == seen[-1][1]
    for frame in (res.centres, res.communities, res.summary, res.districts, res.needs):
        geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
        assert not [c for c in frame.columns if c != geom and frame[c].dtype == object]


def test_assess_with_nothing(write_tif, left_wet):
    res = assess(None, None, [left_wet])
    assert len(res.centres) == 0 and len(res.communities) == 0
    assert "flood_status" in res.centres.columns
    assert "displaced_est" in res.communities.columns


def test_sample_exposure_never_decreases_as_the_river_rises():
    from geo.inputs import load_sample

    inp = load_sample()
    res = assess(inp.centres, inp.communities, inp.scenarios, population=inp.population)
    stages = list(inp.scenarios)
    assert len(stages) >= 2
    cen = res.centres.pivot(index="centre_id", columns="scenario", values="flooded")[stages]
    assert (cen.astype(int).diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert cen.iloc[:, -1].sum() > 0
    for col in ("flooded_area_m2", "pop_exposed", "displaced_est"):
        table = res.communities.pivot(index="community_id", columns="scenario",
                                      values=col)[stages].fillna(0.0)
        steps = table.diff(axis=1).iloc[:, 1:]
        assert (steps >= -1e-6).all().all(), col
    totals = res.summary[res.summary["metric"] == "flooded_area_m2"]["value"].tolist()
    assert totals == sorted(totals) and totals[-1] > totals[0]


# --- the vectorised summaries against the per-community loops they replaced ----------------
def _ref_district(frame):
    import pandas as pd

    from geo.schema import NO_DISTRICT

    if "district" in frame.columns:
        return frame["district"].astype("str").fillna(NO_DISTRICT)
    return pd.Series(NO_DISTRICT, index=frame.index, dtype="str")


def _ref_needs_table(frame, keys):
    import pandas as pd

    from geo.needs import needs_for_persons

    persons = pd.to_numeric(frame["displaced_est"], errors="coerce").fillna(0.0)
    grouped = frame[keys].assign(_p=persons.to_numpy()).groupby(
        keys, sort=False, dropna=False)["_p"].sum()
    parts = []
    for key, total in grouped.items():          # one frame per community: the old way
        key = key if isinstance(key, tuple) else (key,)
        part = needs_for_persons(total)
        for name, value in zip(keys, key, strict=True):
            part.insert(len(part.columns) - 8, name, value)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _ref_tables(cen, comm, order):
    """District totals, needs and summary computed community by community, district by
    district and scenario by scenario, with boolean masks (the former implementation)."""
    import pandas as pd

    from geo.schema import FLOOD_STATUSES

    rows = []
    cd, md = _ref_district(cen), _ref_district(comm)
    persons = pd.to_numeric(cen["persons"], errors="coerce").fillna(0)
    families = pd.to_numeric(cen["families"], errors="coerce").fillna(0)
    population = pd.to_numeric(comm["population"], errors="coerce")
    for name in order:
        cs, ms = cen["scenario"] == name, comm["scenario"] == name
        for district in sorted(set(cd[cs]) | set(md[ms])):
            c, m = cs & (cd == district), ms & (md == district)
            row = {"scenario": name, "district": district, "centres": int(c.sum())}
            for s in FLOOD_STATUSES:
                row[f"centres_{s}"] = int((c & (cen["flood_status"] == s)).sum())
            row["persons_in_flooded_centres"] = float(persons[c & cen["flooded"]].sum())
            row["communities"] = int(m.sum())
            row["population"] = float(population[m].sum())
            for k in ("flooded_area_m2", "pop_exposed", "displaced_est"):
                row[k] = float(comm.loc[m, k].sum())
            rows.append(row)
    districts = pd.DataFrame(rows)
    frame = pd.DataFrame(comm.drop(columns=comm.geometry.name))
    frame["_district"] = _ref_district(frame)
    frame["_id"] = frame["community_id"].astype("str")
    frame["_name"] = frame["name"].astype("str")
    per = _ref_needs_table(frame, ["scenario", "_id", "_name"])
    needs = [per.rename(columns={"_id": "area_id", "_name": "area_name"})
             .assign(level="community")]
    per = _ref_needs_table(frame, ["scenario", "_district"])
    needs.append(per.rename(columns={"_district": "area_id"})
                 .assign(level="district", area_name=lambda f: f["area_id"]))
    needs.append(_ref_needs_table(frame, ["scenario"]).assign(level="overall", area_id="all",
                                                               area_name="all"))
    needs = pd.concat(needs, ignore_index=True)
    rows = []
    for name in order:
        c, m = cen["scenario"] == name, comm["scenario"] == name
        rows.append((name, "centres", float(c.sum())))
        for s in FLOOD_STATUSES:
            rows.append((name, f"centres_{s}", float((c & (cen["flood_status"] == s)).sum())))
        rows.append((name, "persons_in_flooded_centres",
                     float(persons[c & cen["flooded"]].sum())))
        rows.append((name, "families_in_flooded_centres",
                     float(families[c & cen["flooded"]].sum())))
        rows.append((name, "communities", float(m.sum())))
        rows.append((name, "communities_flooded",
                     float((m & (comm["flooded_area_m2"] > 0)).sum())))
        for k in ("area_m2", "flooded_area_m2", "not_covered_area_m2", "pop_exposed",
                  "displaced_est"):
            rows.append((name, k, float(comm.loc[m, k].sum())))
        overall = needs[(needs["scenario"] == name) & (needs["level"] == "overall")]
        for item, qty in zip(overall["item"], overall["quantity"], strict=True):
            rows.append((name, f"need_{item}", float(qty)))
    summary = pd.DataFrame(rows, columns=["scenario", "metric", "value"])
    return districts, needs, summary


def _random_communities(scenario, n=500, seed=500):
    rng = np.random.default_rng(seed)
    left, bottom, right, top = scenario.bounds
    x, y = rng.uniform(left, right, n), rng.uniform(bottom, top, n)
    geoms = [Point(a, b).buffer(r) for a, b, r in zip(x, y, rng.uniform(60, 1500, n),
                                                         strict=True)]
    frame = gpd.GeoDataFrame({
        "community_id": [f"c{i}" for i in range(n)],
        "name": [f"Comunidad {i % 430}" for i in range(n)],          # names repeat
        "district": rng.choice(["Belén", "Iquitos", "Punchana", "San Juan Bautista"], n),
        "population": rng.integers(0, 3000, n).astype(float)},
        geometry=geoms, crs=scenario.crs).to_crs("EPSG:4326")
    frame.loc[[3, 77], "population"] = np.nan
    frame.loc[[5], "district"] = None
    return frame


@pytest.mark.parametrize("communities", ["sample", "random_500"])
def test_vectorised_tables_equal_the_per_community_loops(communities):
    import pandas as pd

    from geo.inputs import load_sample

    inp = load_sample()
    comm = (inp.communities if communities == "sample"
            else _random_communities(next(iter(inp.scenarios.values()))))
    res = assess(inp.centres, comm, inp.scenarios)
    order = list(inp.scenarios)
    districts, needs, summary = _ref_tables(res.centres, res.communities, order)
    assert len(res.communities) == len(comm) * len(order)
    # Counts and every per-community figure are equal exactly; sums over many communities
    # come from one grouped (compensated) sum instead of a pairwise sum per mask, so they may
    # differ in the last digits: 1e-13 relative, far below any figure shown.
    counts = ["centres", *[c for c in districts.columns if c.startswith("centres_")],
              "communities"]
    pd.testing.assert_frame_equal(res.districts[["scenario", "district", *counts]],
                                  districts[["scenario", "district", *counts]],
                                  check_exact=True, check_dtype=False)
    assert res.districts.dtypes["centres"] == "int64"
    pd.testing.assert_frame_equal(res.districts, districts, check_exact=False, rtol=1e-13,
                                  check_dtype=False)
    level = res.needs["level"]
    assert level.tolist() == needs["level"].tolist()
    cols = needs.columns.drop("level").tolist()
    per = (level == "community").to_numpy()
    pd.testing.assert_frame_equal(res.needs.loc[per, cols], needs.loc[per, cols],
                                  check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(res.needs[cols], needs[cols], check_exact=False, rtol=1e-13,
                                  check_dtype=False)
    assert res.needs["families"].tolist() == needs["families"].tolist()
    pd.testing.assert_frame_equal(res.summary[["scenario", "metric"]],
                                  summary[["scenario", "metric"]], check_exact=True)
    whole = ~res.summary["metric"].isin(["area_m2", "flooded_area_m2", "not_covered_area_m2",
                                         "pop_exposed", "displaced_est"]
                                        ) & ~res.summary["metric"].str.startswith("need_")
    assert res.summary.loc[whole, "value"].tolist() == summary.loc[whole, "value"].tolist()
    np.testing.assert_allclose(res.summary["value"], summary["value"], rtol=1e-13, atol=0)

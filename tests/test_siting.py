"""Siting: suitability, drawn-area evaluation and k-site optimisation checked by brute force."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pulp
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, box

from geo import settings
from geo.errors import InputError, SolverError
from geo.flood import open_flood
from geo.raster import open_raster
from geo.siting import (
    COVERAGE_COLUMNS,
    NEW_SITE_COLUMNS,
    SiteOptimiser,
    SitingResult,
    candidate_sites,
    evaluate_area,
    plan_sites,
    suitability,
)

X0, Y0 = 700_000.0, 9_580_000.0
UTM = "EPSG:32718"


# --- optimisation, brute force ----------------------------------------------------------------
def _instance(seed: int, n_demand: int = 14, n_cand: int = 10, n_existing: int = 2):
    rng = np.random.default_rng(seed)
    pts = lambda n: [Point(X0 + x, Y0 + y) for x, y in rng.uniform(0, 10_000, (n, 2))]  # noqa: E731
    demand = gpd.GeoDataFrame({"demand_id": [f"d{i}" for i in range(n_demand)],
                               "weight": rng.permutation(np.arange(1, n_demand + 1) * 7.0)},
                              geometry=pts(n_demand), crs=UTM)
    cands = gpd.GeoDataFrame({"candidate_id": [f"c{i}" for i in range(n_cand)]},
                             geometry=pts(n_cand), crs=UTM)
    existing = gpd.GeoDataFrame({"centre_id": [f"e{i}" for i in range(n_existing)]},
                                geometry=pts(n_existing), crs=UTM)
    return demand, cands, existing


def _optimise(cands, demand, existing=None, *, k, service_distance_m=None, objective="coverage",
              crs=None, solver=None) -> SitingResult:
    """Layers of a solved optimiser built from frames."""
    opt = SiteOptimiser.from_geodataframe(demand, cands, k=k, existing_centres=existing,
                                          service_distance_m=service_distance_m,
                                          objective=objective, crs=crs)
    return opt.solve(solver=solver).result


def _brute(demand, cands, existing, k, service_distance_m, objective):
    """Best objective over every k-subset of candidates, existing centres always open."""
    xy = lambda g: np.column_stack([g.geometry.x, g.geometry.y])  # noqa: E731
    fac = np.vstack([xy(existing), xy(cands)]) if existing is not None else xy(cands)
    n_e = 0 if existing is None else len(existing)
    d = np.hypot(*(xy(demand)[:, None, :] - fac[None, :, :]).transpose(2, 0, 1))
    w = demand["weight"].to_numpy()
    vals = []
    for combo in itertools.combinations(range(n_e, len(fac)), k):
        cols = [*range(n_e), *combo]
        if objective == "coverage":
            vals.append(w[(d[:, cols] <= service_distance_m).any(axis=1)].sum())
        else:
            vals.append((w * d[:, cols].min(axis=1)).sum())
    return max(vals) if objective == "coverage" else min(vals)


@pytest.mark.parametrize("objective", ["coverage", "median"])
@pytest.mark.parametrize(("seed", "k", "with_existing"), [(1, 1, True), (2, 3, True),
                                                          (3, 2, False), (4, 4, False)])
def test_optimum_matches_brute_force(objective, seed, k, with_existing):
    demand, cands, existing = _instance(seed)
    existing = existing if with_existing else None
    res = _optimise(cands, demand, existing, k=k, service_distance_m=2500, objective=objective)
    assert res.status == "optimal" and len(res.new_sites) == k
    assert res.objective_value == pytest.approx(
        _brute(demand, cands, existing, k, 2500, objective), rel=1e-9)
    assert res.new_sites["candidate_id"].is_unique
    assert list(res.new_sites.columns)[:len(NEW_SITE_COLUMNS)] == list(NEW_SITE_COLUMNS)
    assert list(res.coverage.columns) == [*COVERAGE_COLUMNS, "geometry"]
    assert res.new_sites.crs.to_epsg() == 4326 and res.coverage.crs.to_epsg() == 4326


def test_added_coverage_adds_up_and_existing_stay_fixed():
    demand, cands, existing = _instance(2)
    res = _optimise(cands, demand, existing, k=3, service_distance_m=2500)
    cov = res.coverage
    by_existing = cov["covered_by_kind"].eq("existing")
    assert res.covered_by_existing_weight == pytest.approx(cov.loc[by_existing, "weight"].sum())
    assert res.new_sites["covered_weight"].sum() == pytest.approx(
        res.covered_weight - res.covered_by_existing_weight)
    assert set(cov.loc[by_existing, "covered_by"]) <= {"e0", "e1"}
    assert cov.loc[cov["covered"], "distance_m"].le(2500).all()
    # ranked by what each site adds
    assert res.new_sites["covered_weight"].is_monotonic_decreasing
    assert res.new_sites["site_id"].tolist() == ["N1", "N2", "N3"]


def test_existing_centre_is_kept_and_not_duplicated():
    # one heavy cluster next to an existing centre, a light one far away: with the centre fixed
    # the single new site must go to the light cluster
    demand = gpd.GeoDataFrame({"weight": [100.0, 5.0]},
                              geometry=[Point(X0, Y0), Point(X0 + 20_000, Y0)], crs=UTM)
    cands = gpd.GeoDataFrame({"candidate_id": ["near_heavy", "near_light"]},
                             geometry=[Point(X0 + 100, Y0), Point(X0 + 20_100, Y0)], crs=UTM)
    existing = gpd.GeoDataFrame({"centre_id": ["E"]}, geometry=[Point(X0 - 100, Y0)], crs=UTM)
    for objective in ("coverage", "median"):
        res = _optimise(cands, demand, existing, k=1, service_distance_m=1000, objective=objective)
        assert res.new_sites["candidate_id"].tolist() == ["near_light"]
        assert res.coverage["covered_by"].tolist() == ["E", "N1"]
    res = _optimise(cands, demand, None, k=1, service_distance_m=1000)
    assert res.new_sites["candidate_id"].tolist() == ["near_heavy"]
    assert res.new_sites.iloc[0]["covered_weight"] == 100.0
    assert "gives a place to 100 persons" in res.new_sites.iloc[0]["reason"]


@pytest.mark.parametrize("k", [0, 4, 11])
def test_k_outside_candidates_is_an_input_error(k):
    demand, cands, _ = _instance(5, n_cand=3)
    with pytest.raises(InputError, match=f"cannot choose {k} new site"):
        _optimise(cands, demand, k=k)


def test_crs_mismatch_is_reprojected():
    demand, cands, existing = _instance(6)
    base = _optimise(cands, demand, existing, k=2, service_distance_m=2500)
    mixed = _optimise(cands.to_crs("EPSG:4326"), demand, existing.to_crs("EPSG:3857"),
                           k=2, service_distance_m=2500)
    assert mixed.objective_value == pytest.approx(base.objective_value)
    assert sorted(mixed.new_sites["candidate_id"]) == sorted(base.new_sites["candidate_id"])
    assert any("reprojected" in str(n) for n in mixed.notes)


class _NoAnswer(pulp.LpSolver):
    """A solver that gives up without a solution."""

    def available(self):
        return True

    def actualSolve(self, lp, **kwargs):
        lp.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        return lp.status


class _StoppedAtLimit(pulp.PULP_CBC_CMD):
    """CBC that reports its (good) answer as found at the time limit."""

    def actualSolve(self, lp, **kwargs):
        status = super().actualSolve(lp, **kwargs)
        lp.sol_status = pulp.LpSolutionIntegerFeasible
        return status


@pytest.mark.parametrize("objective", ["coverage", "median"])
def test_solver_failure_gives_best_feasible(objective):
    demand, cands, existing = _instance(7)
    build = lambda: SiteOptimiser.from_geodataframe(  # noqa: E731
        demand, cands, k=2, existing_centres=existing, service_distance_m=2500,
        objective=objective)
    greedy = build().solve(solver=_NoAnswer())
    assert greedy.status == "greedy" and greedy.solver_status == "Not Solved"
    assert any("greedy" in str(n) for n in greedy.notes)
    assert len(greedy.result.new_sites) == 2 and greedy.result.status == "greedy"
    assert greedy.existing[greedy.open].sum() == 2  # both existing centres stay open
    stopped = build().solve(solver=_StoppedAtLimit(msg=False))
    assert stopped.status == "time_limit" and stopped.result.status == "time_limit"
    assert stopped.objective_value == pytest.approx(
        _brute(demand, cands, existing, 2, 2500, objective))


@pytest.mark.parametrize(("solver", "status", "message"), [
    (_NoAnswer(), "greedy", "greedy"),
    (_StoppedAtLimit(msg=False), "time_limit", "time limit"),
])
def test_plan_sites_raises_with_the_best_feasible_answer(solver, status, message):
    demand, cands, existing = _instance(7)
    demand = demand.rename(columns={"weight": "displaced_est"})
    centres = existing.assign(status="open", flood_status="dry")
    with pytest.raises(SolverError, match=message) as info:
        plan_sites(demand, centres, k=2, candidates=cands, basis="all",
                   service_distance_m=2500, solver=solver)
    best = info.value.best
    assert isinstance(best, SitingResult) and best.status == status
    assert len(best.new_sites) == 2 and best.new_sites["depth_m_worst"].isna().all()


def test_zero_demand_and_geographic_crs():
    demand, cands, _ = _instance(8)
    demand["weight"] = 0.0
    res = _optimise(cands, demand, k=2)
    assert len(res.new_sites) == 2 and res.covered_weight == 0.0
    with pytest.raises(InputError, match="projected CRS"):
        _optimise(cands, demand, k=2, crs="EPSG:4326")


# --- the numeric core on a hand-made cost matrix ----------------------------------------------
# 4 demand rows (10, 20, 30, 40 persons) × 4 facilities; column 0 is an existing centre.
COST_M = np.array([
    [100.0, 900.0, 2000.0, 3000.0],
    [3000.0, 400.0, 2500.0, 1100.0],
    [3000.0, 2500.0, 300.0, 2000.0],
    [3000.0, 800.0, 2600.0, 500.0],
])
WEIGHTS = np.array([10.0, 20.0, 30.0, 40.0])
EXISTING = np.array([True, False, False, False])


# Within 1000 m, with column 0 open: adding 1 covers rows 0, 1, 3 (70 persons), 2 covers rows 0
# and 2 (40), 3 covers rows 0 and 3 (50); adding the pair 1 + 2 covers everyone (100).
# Persons × metres to the nearest open column: adding 1 costs 1000 + 8000 + 75000 + 32000 =
# 116000, 2 costs 164000, 3 costs 1000 + 22000 + 60000 + 20000 = 103000; the pair 1 + 2 costs
# 1000 + 8000 + 9000 + 32000 = 50000 (1 + 3: 89000, 2 + 3: 52000).
@pytest.mark.parametrize(("objective", "k", "chosen", "value"), [
    ("coverage", 1, [1], 70.0),
    ("median", 1, [3], 103000.0),
    ("coverage", 2, [1, 2], 100.0),
    ("median", 2, [1, 2], 50000.0),
])
def test_cost_matrix_known_optimum(objective, k, chosen, value):
    opt = SiteOptimiser.from_cost_matrix(COST_M, WEIGHTS, service_distance_m=1000.0, k=k,
                                         objective=objective, existing=EXISTING)
    assert opt.status is None and opt.chosen is None
    assert opt.solve(time_limit_s=10) is opt
    assert opt.status == "optimal" and opt.solver_status == "Optimal"
    assert opt.chosen.tolist() == chosen  # ranked: column 1 adds 60 persons, column 2 adds 30
    assert opt.open.tolist() == [0, *chosen]
    assert opt.objective_value == pytest.approx(value)
    assert opt.covered_by_existing_weight == 10.0
    assert opt.result is None


def test_cost_matrix_coverage_and_assignment():
    opt = SiteOptimiser.from_cost_matrix(COST_M, WEIGHTS, service_distance_m=1000.0, k=1,
                                         existing=EXISTING).solve()
    assert opt.covered.tolist() == [True, True, False, True]
    assert opt.covered_by.tolist() == [0, 1, -1, 1]
    assert opt.assignment.tolist() == [0, 1, 1, 1]
    np.testing.assert_array_equal(opt.distance_m, [100.0, 400.0, 2500.0, 800.0])
    assert (opt.total_weight, opt.covered_weight) == (100.0, 70.0)
    with pytest.raises(SolverError, match="from_geodataframe"):
        opt.layers()


def test_cost_matrix_without_existing_and_out_of_reach_pairs():
    cost = COST_M.copy()
    cost[2, :2] = np.inf  # row 2 cannot reach columns 0 and 1 at all
    opt = SiteOptimiser.from_cost_matrix(cost, WEIGHTS, service_distance_m=1000.0, k=2).solve()
    # no column is fixed: 1 + 2 still covers everyone
    assert opt.chosen.tolist() == [1, 2] and opt.objective_value == 100.0
    with pytest.raises(InputError, match="finite cost"):
        SiteOptimiser.from_cost_matrix(cost, WEIGHTS, k=1, objective="median")


def test_cost_matrix_problems_reported_together():
    with pytest.raises(InputError) as info:
        SiteOptimiser.from_cost_matrix(COST_M, WEIGHTS[:3], service_distance_m=0.0, k=4,
                                       objective="centre", existing=EXISTING)
    text = str(info.value)
    assert text.startswith("4 problems found")
    for part in ("3 weight(s) for 4 demand row(s)", "above 0 m", "unknown objective 'centre'",
                 "cannot choose 4 new site(s) from 3 candidate(s)"):
        assert part in text
    with pytest.raises(InputError, match="0 or more"):
        SiteOptimiser.from_cost_matrix(-COST_M, WEIGHTS, k=1)


# --- suitability and candidates on a tiny raster ----------------------------------------------
def _tif(path, arr, *, cell=10.0, nodata=-9999):
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0],
                       count=1, dtype="float32", crs=UTM,
                       transform=from_origin(X0, Y0, cell, cell), nodata=nodata) as ds:
        ds.write(arr.astype("float32"), 1)
    return path


@pytest.fixture
def worst(tmp_path):
    depth = np.zeros((10, 10), dtype="float32")
    depth[:, :3] = 1.0  # water in the three western columns
    return open_flood(_tif(tmp_path / "worst.tif", depth), name="118.6 m", kind="depth")


def test_suitability_water_buffer(worst):
    suit = suitability(worst, water_buffer_m=20.0)
    expected = np.zeros((10, 10), bool)
    expected[:, 4:] = True  # column 3 is 10 m from water, column 4 is 20 m
    np.testing.assert_array_equal(suit.mask, expected)
    assert suit.polygons["area_m2"].sum() == pytest.approx(60 * 100.0)
    assert suit.polygons["capacity_site_persons"].sum() == 133  # 6000 m² / 45 m²


def test_suitability_stage_margin_with_dem(worst, tmp_path):
    ground = np.full((10, 10), 102.0, dtype="float32")
    ground[:, :3] = 100.0  # water surface 101.0 there
    ground[:, 3] = 101.3   # dry now, under water with the stage 0.5 m higher
    ground[:, 4] = 101.6   # stays dry
    dem = open_raster(_tif(tmp_path / "dem.tif", ground))
    suit = suitability(worst, dem=dem, margin_m=0.5)
    expected = np.zeros((10, 10), bool)
    expected[:, 4:] = True
    np.testing.assert_array_equal(suit.mask, expected)
    assert any("0.5 m higher" in str(n) for n in suit.notes)


def test_suitability_excludes_rivers_and_far_cells(worst, monkeypatch):
    monkeypatch.setattr(settings, "RIVER_CHANNEL_BUFFER_M", 20.0)
    river = gpd.GeoDataFrame(geometry=[LineString([(X0 + 95, Y0), (X0 + 95, Y0 - 100)])],
                             crs=UTM)
    demand = gpd.GeoDataFrame({"weight": [5.0, 0.0]},
                              geometry=[Point(X0 + 55, Y0 - 55), Point(X0 + 5, Y0 - 95)],
                              crs=UTM)
    suit = suitability(worst, water_buffer_m=0.0, rivers=river, demand=demand,
                       service_distance_m=25.0)
    # channel x 75–115 m touches columns 7–9; within 25 m of (55, -55) among columns 3–6:
    expected = np.zeros((10, 10), bool)
    expected[4:7, 3] = True
    expected[3:8, 4:7] = True
    np.testing.assert_array_equal(suit.mask, expected)


def test_candidates_thinned_and_on_suitable_cells(worst):
    suit = suitability(worst, water_buffer_m=20.0)
    cands = candidate_sites(suit, max_count=5)
    assert 1 <= len(cands) <= 5 and cands.crs.to_epsg() == 4326
    xy = cands.to_crs(UTM)
    cols = ((xy.geometry.x - X0) // 10).astype(int)
    rows = ((Y0 - xy.geometry.y) // 10).astype(int)
    assert suit.mask[rows, cols].all()
    assert cands["zone_area_m2"].eq(6000.0).all()


# --- evaluating a drawn area ------------------------------------------------------------------
def test_evaluate_area(worst):
    poly = box(X0 + 20, Y0 - 40, X0 + 60, Y0)  # 40 m × 40 m: columns 2–5, one of them wet
    demand = gpd.GeoDataFrame({"displaced_est": [30.0, 70.0]},
                              geometry=[Point(X0 + 100, Y0 - 20), Point(X0 + 5000, Y0)],
                              crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["A", "B"], "name": ["a", "b"]},
                               geometry=[Point(X0 + 160, Y0 - 20), Point(X0 + 70, Y0 - 20)],
                               crs=UTM)
    out = evaluate_area(gpd.GeoSeries([poly], crs=UTM), scenarios={"118.6 m": worst},
                        demand=demand, centres=centres, service_distance_m=1000)
    assert out["area_m2"] == pytest.approx(1600.0)
    assert out["capacity_site_persons"] == 35  # floor(1600 / 45)
    assert out["covered_area_needed_m2"] == pytest.approx(35 * 3.5)
    assert out["capacity_if_all_covered_persons"] == 457  # floor(1600 / 3.5)
    (scen,) = out["scenarios"]
    assert (scen["status"], scen["flooded_share"], scen["max_depth_m"]) == (
        "partly_flooded", 0.25, 1.0)
    assert (out["displaced_within_m"], out["n_demand_within"]) == (30.0, 1)
    assert [c["centre_id"] for c in out["nearest_centres"]] == ["B", "A"]
    assert out["nearest_centres"][0]["distance_m"] == pytest.approx(10.0)


def test_evaluate_area_lonlat_polygon_without_layers(worst):
    poly = gpd.GeoSeries([box(X0 + 50, Y0 - 50, X0 + 80, Y0 - 20)], crs=UTM).to_crs(4326)
    out = evaluate_area(poly.iloc[0], scenarios={"w": worst})
    assert out["area_m2"] == pytest.approx(900.0, rel=1e-6)
    assert out["capacity_site_persons"] == 20
    assert out["scenarios"][0]["status"] == "dry"
    assert out["nearest_centres"] == [] and out["displaced_within_m"] == 0.0


def test_evaluate_area_rejects_lines():
    with pytest.raises(InputError, match="polygon"):
        evaluate_area(LineString([(0, 0), (1, 1)]))


# --- the whole chain ---------------------------------------------------------------------------
def test_plan_sites_on_tiny_scenario(worst, monkeypatch):
    monkeypatch.setattr(settings, "SITING_WATER_BUFFER_M", 30.0)
    demand = gpd.GeoDataFrame({"community_id": ["w"], "displaced_est": [40.0]},
                              geometry=[Point(X0 + 15, Y0 - 50)], crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["A"], "status": ["open"], "persons": [0],
                                "capacity_persons": [10], "flood_status": ["dry"]},
                               geometry=[Point(X0 + 95, Y0 - 50)], crs=UTM)
    res, suit = plan_sites(demand, centres, k=1, scenario_worst=worst, service_distance_m=200,
                           time_limit_s=10)
    assert suit is not None and not suit.mask[:, :5].any() and suit.mask[:, 5:].all()
    # A takes 10 of 40; the new site must cover the other 30
    assert res.total_weight == 30.0 and res.new_sites.iloc[0]["covered_weight"] == 30.0
    assert res.new_sites.iloc[0]["depth_m_worst"] == 0.0
    assert set(res.layers()) == {"new_sites", "coverage"}
    assert list(res.new_sites.columns)[-2:] == ["depth_m_worst", "geometry"]
    with pytest.raises(InputError, match="no candidate sites"):
        plan_sites(demand, centres, k=1)
    centres["capacity_persons"] = [100]
    with pytest.raises(InputError, match="take everyone within reach"):
        plan_sites(demand, centres, k=1, scenario_worst=worst, service_distance_m=200)


# --- capacities: a site takes at most what its area holds; the rest spills over ------------------
# 3 demand rows (50, 30, 20 persons) × 3 candidate columns, service distance 1000 m.
CAP_COST_M = np.array([
    [100.0, 500.0, 2000.0],
    [300.0, 2000.0, 200.0],
    [2000.0, 400.0, 600.0],
])
CAP_WEIGHTS = np.array([50.0, 30.0, 20.0])
CAPACITY = np.array([40.0, 100.0, 100.0])


def test_capacity_changes_the_single_best_site():
    # Without capacities column 0 reaches rows 0 and 1 (80 persons) and wins; it takes only 40,
    # while column 1 takes rows 0 and 2 whole (70).
    free = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, service_distance_m=1000.0,
                                          k=1).solve()
    assert free.chosen.tolist() == [0] and free.covered_weight == 80.0
    capped = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, service_distance_m=1000.0,
                                            k=1, capacity=CAPACITY).solve()
    assert capped.capacitated and capped.status == "optimal"
    assert capped.chosen.tolist() == [1]
    assert capped.covered_weight == pytest.approx(70.0)
    np.testing.assert_allclose(capped.served, [50.0, 0.0, 20.0], atol=1e-6)


def test_capacity_spills_over_to_the_next_site_nearest_first():
    # k = 2: {0, 1} and {1, 2} both place all 100 persons. Person-metres: {0, 1} must send row 1
    # (30, reachable only from column 0) to column 0, whose other 10 places go to row 0 (100 m
    # instead of 500 m): 30×300 + 10×100 + 40×500 + 20×400 = 38000; {1, 2}: 50×500 + 30×200 +
    # 20×400 = 39000. So {0, 1}; column 1 takes 60, column 0 takes 40 (ranked 1 then 0).
    opt = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, service_distance_m=1000.0,
                                         k=2, capacity=CAPACITY).solve()
    assert opt.chosen.tolist() == [1, 0] and opt.open.tolist() == [1, 0]
    np.testing.assert_allclose(opt.allocation, [[40.0, 10.0], [0.0, 30.0], [20.0, 0.0]],
                               atol=1e-6)
    assert opt.covered_weight == pytest.approx(100.0)
    assert opt.covered_by.tolist() == [1, 0, 1]


def test_sites_in_one_zone_share_its_capacity():
    # Columns 1 and 2 share a zone that holds 50. {0, 1}: column 1 takes at most 50 → 90 placed,
    # row 1 must use column 0, person-metres 30×300 + 10×100 + 30×500 + 20×400 = 33000.
    # {0, 2}: column 0 takes 40 of row 0, column 2 rows 1 and 2 (50) → 90 placed,
    # 40×100 + 30×200 + 20×600 = 22000. {1, 2}: 50. So {0, 2}.
    opt = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, service_distance_m=1000.0,
                                         k=2, capacity=CAPACITY, zone=np.array([-1, 0, 0]),
                                         zone_capacity=np.array([50.0])).solve()
    assert sorted(opt.chosen.tolist()) == [0, 2]
    assert opt.covered_weight == pytest.approx(90.0)
    np.testing.assert_allclose(opt.served, [40.0, 30.0, 20.0], atol=1e-6)


def test_capacitated_median_places_everyone_it_can_before_shortening_trips():
    # All costs finite. Uncapacitated, column 0 is nearest for most (50×100 + 30×300 + 20×2000 =
    # 54000). With 40 places it would leave 60 persons without one, so column 1 (room for 100):
    # 50×500 + 30×2000 + 20×400 = 93000 person-metres.
    free = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, k=1,
                                          objective="median").solve()
    assert free.chosen.tolist() == [0] and free.objective_value == 54000.0
    capped = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, k=1, objective="median",
                                            capacity=CAPACITY).solve()
    assert capped.chosen.tolist() == [1]
    assert capped.objective_value == pytest.approx(93000.0)
    assert capped.covered_weight == pytest.approx(100.0)


def test_capacitated_greedy_fallback_fills_the_roomiest_site_first():
    opt = SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, service_distance_m=1000.0,
                                         k=1, capacity=CAPACITY).solve(solver=_NoAnswer())
    assert opt.status == "greedy" and opt.chosen.tolist() == [1]  # 70 within reach and room
    assert opt.covered_weight == pytest.approx(70.0)


def test_capacity_problems_are_reported():
    with pytest.raises(InputError) as info:
        SiteOptimiser.from_cost_matrix(CAP_COST_M, CAP_WEIGHTS, k=1, capacity=[1.0, -1.0, 2.0],
                                       zone=[0, 1, 0], zone_capacity=[5.0])
    assert "capacities must be 0 persons or more" in str(info.value)
    assert "zones given wrongly" in str(info.value)


def test_plan_sites_caps_each_site_by_its_area_and_names_the_nearest_operational_centre(
    worst, monkeypatch
):
    monkeypatch.setattr(settings, "SITING_WATER_BUFFER_M", 30.0)
    demand = gpd.GeoDataFrame({"community_id": ["w"], "name": ["Wet"], "displaced_est": [40.0]},
                              geometry=[Point(X0 + 15, Y0 - 50)], crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["A", "B"], "name": ["Alpha", "Beta"],
                                "status": ["open", "open"], "persons": [0, 0],
                                "capacity_persons": [10, 0], "flood_status": ["dry", "flooded"]},
                               geometry=[Point(X0 + 95, Y0 - 50), Point(X0 + 60, Y0 - 50)],
                               crs=UTM)
    # 900 m² at 45 m² per person: 20 places for the 30 persons A cannot take
    res, _suit = plan_sites(demand, centres, k=1, scenario_worst=worst, service_distance_m=200,
                            site_area_m2=900.0, time_limit_s=10)
    site = res.new_sites.iloc[0]
    assert res.capacitated and res.total_weight == 30.0
    assert (site["capacity_persons"], site["covered_weight"], site["site_area_m2"]) == (
        20.0, pytest.approx(20.0), 900.0)
    assert site["site_area_needed_m2"] == pytest.approx(20 * 45.0)
    assert res.unserved_weight == pytest.approx(10.0)
    assert res.coverage["unserved_persons"].sum() == pytest.approx(10.0)
    # B is nearer but flooded: the nearest operational centre is A
    xy = gpd.GeoSeries([site.geometry], crs=4326).to_crs(UTM).iloc[0]
    assert site["nearest_existing_id"] == "A" and site["nearest_existing_name"] == "Alpha"
    assert site["nearest_existing_m"] == pytest.approx(xy.distance(Point(X0 + 95, Y0 - 50)))
    assert "full (20 persons)" in site["reason"] and "Alpha" in site["reason"]
    assert site["served_communities"] == "Wet"

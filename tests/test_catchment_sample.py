"""End to end on the bundled synthetic sample: catchments and siting at the 118.6 m stage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo import exposure, inputs
from geo.catchment import assign, with_flood_status
from geo.schema import scenario_rows
from geo.siting import plan_sites


@pytest.fixture(scope="module")
def worst():
    inp = inputs.load_sample()
    scen = inp.scenario()  # the most severe: 118.6 m, the 2012 record
    assert "118.6" in scen.name
    ex = exposure.assess(inp.centres, inp.communities, {scen.name: scen})
    centres = with_flood_status(inp.centres, ex.centres, scenario=scen.name)
    demand = scenario_rows(ex.communities, scen.name)
    return inp, scen, centres, demand


def test_overcrowded_centres_and_unserved_displaced(worst):
    _, scen, centres, demand = worst
    res = assign(demand, centres, scenario=scen)
    a, cap = res.assignments, res.centres_capacity
    displaced = demand["displaced_est"].sum()
    assert displaced > 0
    assert a["assigned_persons"].sum() + a["unserved_persons"].sum() == pytest.approx(displaced)
    assert cap["incoming"].sum() == pytest.approx(a["assigned_persons"].sum())
    # flooded or isolated centres take no one
    cut = cap["flood_status"].isin(["flooded", "isolated"])
    assert cut.any() and not cap.loc[cut, "operational"].any()
    assert cap.loc[cut, "incoming"].eq(0).all()
    over = cap[cap["overcrowded"]]
    assert len(over) > 0
    assert (over["total_persons"] > over["capacity_persons"]).all()
    assert a["unserved_persons"].sum() > 0


def test_capacity_respected_leaves_no_centre_over_by_incoming(worst):
    _, scen, centres, demand = worst
    res = assign(demand, centres, scenario=scen, respect_capacity=True)
    cap = res.centres_capacity
    known = cap["capacity_persons"].notna()
    room = np.maximum(cap["capacity_persons"] - cap["persons"], 0)
    assert (cap.loc[known, "incoming"] <= room[known] + 1e-9).all()
    assert res.assignments["unserved_reason"].isin(["over_capacity", "too_far"]).any()


def test_flood_aware_routes_are_never_shorter_than_straight(worst):
    inp, scen, centres, demand = worst
    straight = assign(demand, centres, scenario=scen).assignments
    aware = assign(demand, centres, scenario=scen, mode="flood-aware",
                   rivers=inp.rivers).assignments
    ok = aware["distance_m"].notna()
    assert ok.any()
    # a route is at least as long as the straight line to the nearest centre, give or take
    # the snap of both ends to cell centres (half a cell diagonal each)
    slack = math.sqrt(2) * abs(scen.transform.a)
    assert (aware.loc[ok, "distance_m"] + slack >= straight.loc[ok, "distance_m"]).all()


def test_three_new_dry_sites_with_added_coverage(worst):
    inp, scen, centres, demand = worst
    res, suit = plan_sites(demand, centres, k=3, scenario_worst=scen, rivers=inp.rivers,
                           dem=inp.dem, time_limit_s=60)
    sites = res.new_sites
    assert res.status == "optimal" and len(sites) == 3
    assert sites["depth_m_worst"].eq(0).all()  # dry in the worst scenario
    assert (sites["covered_weight"] > 0).all()
    assert sites["rank"].tolist() == [1, 2, 3]
    assert sites["covered_weight"].sum() == pytest.approx(res.covered_weight)
    assert res.covered_weight <= res.total_weight
    assert suit is not None and suit.mask.any()

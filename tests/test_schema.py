"""The vocabularies and rules of geo.schema: statuses, the operational rule, scenario choice."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.errors import InputError
from geo.schema import (
    FLOOD_STATUSES,
    capacity_from_area,
    default_scenario,
    flood_status,
    one_scenario,
    operating_status,
    operational_mask,
    scenario_rows,
)


def test_flood_status_reads_flood_status_or_status_and_never_the_operating_status():
    assert flood_status(pd.DataFrame({"status": ["open", "closed"]})) is None
    frame = pd.DataFrame({"status": ["flooded", "unknown", "dry"]})
    assert flood_status(frame).tolist() == ["flooded", "unknown", "dry"]
    frame = pd.DataFrame({"status": ["open", "open"], "flood_status": ["at_risk", "oops"]})
    assert flood_status(frame).tolist() == ["at_risk", "unknown"]
    assert operating_status(frame).tolist() == ["open", "open"]
    frame = pd.DataFrame({"flood_status": [None, "isolated"]})
    assert flood_status(frame).tolist() == ["unknown", "isolated"]


def test_flood_statuses_are_listed_worst_first():
    assert FLOOD_STATUSES == ("flooded", "isolated", "at_risk", "dry", "unknown")


def test_operating_status_is_open_unless_the_column_holds_operating_statuses():
    assert operating_status(pd.DataFrame({"x": [1, 2]})).tolist() == ["open", "open"]
    frame = pd.DataFrame({"status": ["Closed", None, "proposed"]})
    assert operating_status(frame).tolist() == ["closed", "open", "proposed"]
    # A layer whose `status` holds flood statuses says nothing about operation.
    assert operating_status(pd.DataFrame({"status": ["flooded"]})).tolist() == ["open"]


@pytest.mark.parametrize(("status", "flood", "expected"), [
    ("open", "dry", True), ("open", "at_risk", True), ("open", "unknown", True),
    ("open", "flooded", False), ("open", "isolated", False),
    ("closed", "dry", False), ("proposed", "dry", False),
])
def test_operational_means_open_and_neither_flooded_nor_isolated(status, flood, expected):
    frame = pd.DataFrame({"status": [status], "flood_status": [flood]})
    assert operational_mask(frame).tolist() == [expected]


def test_capacity_from_area_is_sphere_3_5_m2_per_person_rounded_down():
    assert capacity_from_area(35.0) == 10
    assert capacity_from_area(34.9) == 9
    assert capacity_from_area(pd.Series([7.0, 3.4])).tolist() == [2, 0]


def test_scenario_choice_defaults_to_the_last_and_names_the_choices():
    frame = pd.DataFrame({"scenario": ["a", "b", "a", "b"], "v": [1, 2, 3, 4]})
    assert default_scenario(["a", "b"]) == "b"
    assert default_scenario([]) is None
    assert one_scenario(frame, None)["v"].tolist() == [2, 4]
    assert one_scenario(frame, "a")["v"].tolist() == [1, 3]
    assert one_scenario(frame, "zzz").empty
    assert scenario_rows(frame, "a")["v"].tolist() == [1, 3]
    with pytest.raises(InputError, match="choose one of: a, b"):
        scenario_rows(frame, "zzz")

"""Needs of the displaced: profile × persons, families rounded up."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import settings
from geo.errors import InputError
from geo.needs import NEEDS_COLUMNS, needs_for_persons, needs_table

PROFILE = {
    "water_l": {"per_person": 15.0, "unit": "l/day", "source": "Sphere"},
    "latrines": {"per_person": 1 / 20, "unit": "latrines", "source": "Sphere"},
    "kits": {"per_family": 2.0, "unit": "kits", "source": "IOM"},
}


def test_quantities_hand_values():
    out = needs_for_persons(47, profile=PROFILE, persons_per_family=5).set_index("item")
    assert out.loc["water_l", "quantity"] == pytest.approx(705.0)
    assert out.loc["latrines", "quantity"] == pytest.approx(2.35)
    assert out.loc["kits", "families"] == 10            # ceil(47 / 5)
    assert out.loc["kits", "quantity"] == 20.0
    assert out.loc["kits", "source"] == "IOM"
    assert list(needs_for_persons(1.0, profile=PROFILE).columns) == list(NEEDS_COLUMNS)


def test_default_profile_and_family_size_from_settings(monkeypatch):
    monkeypatch.setattr(settings, "PERSONS_PER_FAMILY", 4.0)
    out = needs_for_persons(9).set_index("item")
    assert out.loc["hygiene_kits", "quantity"] == 3.0   # ceil(9 / 4)
    assert out.loc["water_l_per_day", "quantity"] == pytest.approx(135.0)
    assert set(out.index) == set(settings.NEEDS_PROFILE)
    assert out["source"].str.len().gt(0).all()


@pytest.mark.parametrize("persons", [0, -3, float("nan")])
def test_no_persons_no_needs(persons):
    out = needs_for_persons(persons, profile=PROFILE)
    assert (out["quantity"] == 0).all()


@pytest.mark.parametrize("bad", [
    {"x": {"unit": "kits"}},
    {"x": {"per_person": 1, "per_family": 1}},
    {"x": {"per_person": "many"}},
    {"x": {"per_person": -1}},
])
def test_bad_profile_is_refused(bad):
    with pytest.raises(InputError):
        needs_for_persons(10, profile=bad)


def test_table_sums_persons_per_group_before_rounding():
    frame = pd.DataFrame({"district": ["A", "A", "B"], "displaced_est": [2.0, 2.5, 0.0]})
    out = needs_table(frame, persons_column="displaced_est", keys=["district"],
                      profile=PROFILE, persons_per_family=5)
    kits = out[out["item"] == "kits"].set_index("district")
    assert kits.loc["A", "quantity"] == 2.0             # ceil(4.5 / 5) = 1 family × 2
    assert kits.loc["B", "quantity"] == 0.0
    total = needs_table(frame, persons_column="displaced_est", keys=[], profile=PROFILE)
    assert total.set_index("item").loc["water_l", "quantity"] == pytest.approx(67.5)


def test_empty_table_keeps_columns():
    frame = pd.DataFrame({"district": pd.Series(dtype="str"),
                          "displaced_est": pd.Series(dtype="float64")})
    out = needs_table(frame, persons_column="displaced_est", keys=["district"], profile=PROFILE)
    assert len(out) == 0
    assert list(out.columns) == ["district", *NEEDS_COLUMNS]

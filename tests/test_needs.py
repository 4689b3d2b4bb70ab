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


def _reference_needs(frame, keys, profile, ppf):
    """The per-group loop the vectorised table replaced: one group, one item at a time, with
    persons summed exactly (``math.fsum``) in plain Python."""
    import math

    groups: dict[tuple, list[float]] = {}
    for values, persons in zip(frame[keys].itertuples(index=False, name=None),
                               frame["displaced_est"], strict=True):
        groups.setdefault(values, []).append(0.0 if pd.isna(persons) else float(persons))
    rows = []
    for values, persons in groups.items():
        total = math.fsum(persons)
        p = total if math.isfinite(total) and total > 0 else 0.0
        families = math.ceil(p / ppf - 1e-9) if p > 0 else 0
        for item, spec in profile.items():
            basis = "per_person" if "per_person" in spec else "per_family"
            rate = float(spec[basis])
            rows.append((*values, p, families, item, spec.get("unit", ""), basis, rate,
                         rate * (p if basis == "per_person" else families),
                         spec.get("source", "")))
    return pd.DataFrame(rows, columns=[*keys, *NEEDS_COLUMNS])


def test_vectorised_table_equals_the_loop_on_a_random_500_community_set():
    import math

    import numpy as np

    rng = np.random.default_rng(500)
    n = 500
    frame = pd.DataFrame({
        "scenario": rng.choice(["low", "high"], n),
        "district": rng.choice(["Belén", "Iquitos", "Punchana"], n),
        "community_id": [f"c{i}" for i in range(n)],
        "displaced_est": rng.gamma(1.5, 300.0, n),
    })
    frame.loc[rng.choice(n, 20, replace=False), "displaced_est"] = np.nan
    frame.loc[rng.choice(n, 5, replace=False), "displaced_est"] = -4.0
    for keys in (["scenario", "community_id"], ["scenario", "district"], ["scenario"]):
        got = needs_table(frame, persons_column="displaced_est", keys=keys, profile=PROFILE,
                          persons_per_family=4.7)
        want = _reference_needs(frame, keys, PROFILE, 4.7)
        assert len(got) == len(want) == frame.groupby(keys).ngroups * len(PROFILE)
        for col in [*keys, "item", "unit", "basis", "source"]:
            assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), col
        assert got["families"].dtype == "int64"
        if keys[-1] == "community_id":   # one community per group: every figure exact
            for col in ("displaced_persons", "families", "rate", "quantity"):
                assert got[col].tolist() == want[col].tolist(), col
            continue
        # sums of many: pandas' compensated sum against the exact one, to the last digits;
        # the quantities follow exactly from the total reported
        np.testing.assert_allclose(got["displaced_persons"], want["displaced_persons"],
                                   rtol=1e-14, atol=0)
        p = got["displaced_persons"].to_numpy()
        fam = np.array([math.ceil(v / 4.7 - 1e-9) if v > 0 else 0 for v in p])
        assert got["families"].tolist() == fam.tolist()
        basis = got["basis"].to_numpy()
        expected = got["rate"].to_numpy() * np.where(basis == "per_person", p, fam)
        assert got["quantity"].tolist() == expected.tolist()

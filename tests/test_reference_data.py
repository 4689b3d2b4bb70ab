"""Checks against real public layers of Loreto that nobody on the team drew.

They are read from ``../shared/reference/`` beside the checkout (never copied into the project)
and the tests skip when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geo.exposure import assess
from geo.inputs import load_inputs
from geo.io import read_districts

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference is absent")


def test_inei_districts_load_with_their_ubigeo_and_names():
    districts = read_districts(REFERENCE / "loreto_districts.geojson")
    assert len(districts) == 51
    assert districts.crs.to_epsg() == 4326
    iquitos = districts.set_index("district_id").loc["160101"]
    assert iquitos["name"] == "IQUITOS"
    assert districts["district_id"].str.fullmatch(r"16\d{4}").all()
    assert districts.geometry.is_valid.all()


def test_geonames_places_as_community_points_through_the_exposure_engine():
    inputs = load_inputs(communities=REFERENCE / "loreto_places_geonames.geojson",
                         districts=REFERENCE / "loreto_districts.geojson", with_sample=True)
    communities = inputs.communities
    assert len(communities) == 75 and communities["derived_boundary"].all()
    # Voronoi cells are clipped to the real district outlines.
    outline = inputs.districts.union_all().buffer(1e-6)
    assert communities.geometry.within(outline).all()
    # Iquitos' cell (small: places are dense around the city) lies inside the synthetic raster
    # and partly under its 2012-record flood; large rural cells reaching the raster's edge are
    # partly covered; far places such as Nauta are reported as not covered rather than as dry.
    worst = inputs.scenario()
    result = assess(inputs.centres, communities, {worst.name: worst})
    rows = result.communities.set_index("name")
    iquitos = rows.loc["Iquitos"]
    assert 0 < iquitos["flooded_area_m2"] < iquitos["area_m2"]
    assert iquitos["not_covered_area_m2"] == 0
    aucayo = rows.loc["Aucayo"]
    assert aucayo["flooded_area_m2"] > 0 and 0 < aucayo["not_covered_area_m2"] < aucayo["area_m2"]
    nauta = rows.loc["Nauta"]
    assert nauta["flooded_area_m2"] == 0 and np.isclose(nauta["not_covered_area_m2"],
                                                        nauta["area_m2"])

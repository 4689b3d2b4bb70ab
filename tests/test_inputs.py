"""A planning session's inputs: the sample, mixing user layers in, and what gets reported."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo.errors import CrecidaWarning, InputError
from geo.inputs import load_inputs, load_sample, validation_report


@pytest.fixture(scope="module")
def sample():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the sample loads without a single warning
        return load_sample()


def test_sample_is_complete_and_synthetic(sample):
    assert sample.is_sample
    assert (len(sample.centres), int(sample.centres["families"].sum())) == (77, 1100)
    assert list(sample.scenarios) == [
        "116.0 m – high water", "117.0 m – red alert", "118.6 m – 2012 record"]
    assert all(s.kind == "depth" for s in sample.scenarios.values())
    assert sample.dem is not None and sample.population is None
    assert set(sample.districts["district_id"]) == {"160101", "160108", "160112", "160113"}
    assert sample.warnings == []
    assert sample.scenario().name == "118.6 m – 2012 record"


def test_unknown_scenario_lists_the_names(sample):
    with pytest.raises(InputError, match=r"choose one of: 116\.0 m – high water, 117\.0 m"):
        sample.scenario("2013")


def test_vector_flood_extent_is_rasterised_on_the_dem_grid(sample, tmp_path):
    # A Copernicus-EMS-like "observed event" polygon over Belén, in EPSG:4326.
    event = gpd.GeoDataFrame({"event_type": ["5-Flood"], "obj_type": ["observed event"]},
                             geometry=[box(-73.26, -3.79, -73.23, -3.76)], crs="EPSG:4326")
    path = tmp_path / "EMSR_observedEventA.gpkg"
    event.to_file(path)
    inputs = load_inputs(floods=[("EMS 14 Mar", path)], with_sample=True)
    scenario = inputs.scenarios["EMS 14 Mar"]
    assert scenario.kind == "extent"
    assert scenario.crs == sample.dem.crs and scenario.raster.res == (30.0, 30.0)
    assert np.isinf(scenario.read_depth()).mean() > 0.9  # the window around the polygon
    assert any("rasterised from EMSR_observedEventA.gpkg at 30 m" in w
               for w in inputs.warnings)
    assert inputs.sources["flood:EMS 14 Mar"] == str(path)
    # asked for: sample layers mixed in, and the sample banner on every output
    assert inputs.is_sample and not inputs.only_sample and "centres" in inputs.sample_layers


def test_community_points_in_a_csv_are_derived_and_clipped_to_districts(sample, tmp_path):
    csv = tmp_path / "comunidades.csv"
    csv.write_text("comunidad,poblacion,hogares,latitud,longitud,distrito\n"
                   "Padre Cocha,1500,310,-3.700,-73.282,\n"
                   "Santo Tomás,2100,450,-3.805,-73.326,San Juan Bautista\n"
                   "Manacamiri,900,190,-3.712,-73.265,\n", encoding="utf-8")
    inputs = load_inputs(communities=csv, with_sample=True)
    c = inputs.communities
    assert c["derived_boundary"].all()
    assert c.geometry.within(sample.districts.union_all().buffer(1e-9)).all()
    # filled from where each community's point lies (Manacamiri's point is in Punchana),
    # not from a point somewhere in its derived cell
    assert c["district"].tolist() == ["Punchana", "San Juan Bautista", "Punchana"]
    assert any("district of 2 feature(s) filled in" in w for w in inputs.warnings)
    report = validation_report(inputs)
    assert "River communities: 3" in report and "3 with derived boundaries" in report
    assert "*** WITH SYNTHETIC SAMPLE DATA (centres, districts" in report


def test_two_scenarios_with_one_name_are_refused(sample):
    path = sample.sources["flood:116.0 m – high water"]
    with pytest.raises(InputError, match="two flood scenarios are named 'x'"):
        load_inputs(floods=[("x", path), ("x", path)])


def test_report_lists_warnings_of_user_files(tmp_path):
    csv = tmp_path / "sites.csv"
    csv.write_text("id,name,lat,lon,personas\nA,uno,-73.25,-3.75,10\nA,dos,-73.26,-3.76,5\n",
                   encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CrecidaWarning)  # load_inputs collects, never re-emits
        inputs = load_inputs(centres=csv, with_sample=True)
    report = validation_report(inputs)
    assert "latitude and longitude columns are swapped" in report
    assert "duplicate id(s) made unique: A→A-2" in report
    assert "Collective centres: 2" in report

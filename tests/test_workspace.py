"""A planning workspace saved to one GeoPackage and reopened gives the same results.

The round trip runs the sample end to end: results are computed from the inputs before saving
and again, independently, from the reopened file (a fresh run, nothing cached), and compared.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.analysis import Parameters, PlanningRun
from geo.errors import FormatError, InputError
from geo.inputs import SAMPLE_DIR, load_inputs, load_sample, sample_manifest
from geo.workspace import (
    FORMAT_VERSION,
    SitingOptions,
    load_workspace_inputs,
    read_workspace,
    workspace_of,
    write_workspace,
)

AREA = box(-73.262, -3.742, -73.252, -3.734)
AREA_2 = box(-73.30, -3.80, -73.29, -3.79)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The sample with user-chosen parameters, two drawn areas and two proposed sites, saved."""
    folder = tmp_path_factory.mktemp("ws")
    params = Parameters(threshold_m=0.2, ring_radius_m=300.0, service_distance_m=4000.0,
                        catchment_mode="straight", respect_capacity=True)
    run = PlanningRun(load_sample(), params)
    scenario = list(run.inputs.scenarios)[1]
    sites = run.optimise(2, scenario=scenario, objective="coverage", site_area_m2=40_000.0)
    workspace = workspace_of(run, scenario=scenario,
                             siting=SitingOptions(k=2, objective="coverage",
                                                  site_area_m2=40_000.0),
                             areas=[AREA, AREA_2], sites=sites,
                             site_status={"N2": "closed"}, notes="Reunión COE 14/03: ver N1",
                             lang="es")
    path = write_workspace(folder / "trabajo.gpkg", workspace)
    return run, scenario, sites, path, folder


def test_reopening_gives_the_same_results_and_drawn_areas(saved):
    run, scenario, _sites, path, folder = saved
    ws = read_workspace(path)
    assert ws.scenario == scenario and ws.lang == "es"
    assert ws.parameters == run.parameters
    assert ws.siting == SitingOptions(k=2, objective="coverage", site_area_m2=40_000.0)
    assert ws.notes == "Reunión COE 14/03: ver N1"
    assert [a.equals(b) for a, b in zip(ws.areas, (AREA, AREA_2), strict=True)] == [True, True]
    # a fresh session: inputs loaded from the file, every result computed again
    reopened = PlanningRun(load_workspace_inputs(ws, folder / "inputs"), ws.parameters)
    assert reopened.inputs.is_sample  # the bundled sample's own files, so still labelled
    assert list(reopened.inputs.scenarios) == list(run.inputs.scenarios)
    pd.testing.assert_frame_equal(reopened.exposure.summary, run.exposure.summary)
    pd.testing.assert_frame_equal(reopened.centres(scenario).drop(columns="geometry"),
                                  run.centres(scenario).drop(columns="geometry"))
    before, after = run.catchment(scenario), reopened.catchment(scenario)
    assert after.unserved_persons == before.unserved_persons
    pd.testing.assert_frame_equal(after.centres_capacity.drop(columns="geometry"),
                                  before.centres_capacity.drop(columns="geometry"))
    for area in (AREA, AREA_2):
        a = run.evaluate(area, scenario=scenario)
        b = reopened.evaluate(area, scenario=scenario)
        pd.testing.assert_frame_equal(b.layer.drop(columns="geometry"),
                                      a.layer.drop(columns="geometry"))
        pd.testing.assert_frame_equal(b.scenarios, a.scenarios)


def test_proposed_sites_come_back_as_they_were_with_their_status(saved):
    _run, _scenario, sites, path, _folder = saved
    ws = read_workspace(path)
    assert ws.site_status == {"N1": "proposed", "N2": "closed"}
    back = ws.sites
    for name in ("objective", "status", "objective_value", "total_weight", "covered_weight",
                 "covered_by_existing_weight", "capacitated"):
        assert getattr(back, name) == getattr(sites, name), name
    assert [str(n) for n in back.notes] == [str(n) for n in sites.notes]
    assert [n.text("es") for n in back.notes if hasattr(n, "text")] == [
        n.text("es") for n in sites.notes if hasattr(n, "text")]
    pd.testing.assert_frame_equal(back.new_sites.drop(columns="geometry"),
                                  sites.new_sites.drop(columns="geometry"), check_dtype=False)
    assert np.allclose(back.new_sites.geometry.x, sites.new_sites.geometry.x, atol=1e-9)
    pd.testing.assert_frame_equal(back.coverage.drop(columns="geometry"),
                                  sites.coverage.drop(columns="geometry"), check_dtype=False)


def test_the_file_is_a_geopackage_qgis_reads_with_its_inputs_byte_for_byte(saved):
    run, _scenario, _sites, path, _folder = saved
    import pyogrio

    layers = dict(pyogrio.list_layers(path))
    assert {"drawn_areas", "new_sites", "coverage", "crecida_workspace", "crecida_inputs",
            "crecida_notes"} <= set(layers)
    with closing(sqlite3.connect(path)) as db:
        kinds = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
        stored = {layer: bytes(data) for layer, data in db.execute(
            "SELECT layer, data FROM crecida_inputs")}
        meta = dict(db.execute("SELECT key, value FROM crecida_workspace"))
    assert kinds["crecida_inputs"] == "attributes" and kinds["drawn_areas"] == "features"
    assert json.loads(meta["format_version"]) == FORMAT_VERSION
    assert set(stored) == set(run.inputs.sources)
    for layer, source in run.inputs.sources.items():
        assert stored[layer] == Path(source).read_bytes(), layer


def test_user_files_round_trip_with_their_names_and_flood_kinds(tmp_path):
    manifest = sample_manifest()
    mine = tmp_path / "mis_albergues.csv"
    mine.write_bytes((SAMPLE_DIR / manifest["centres"]).read_bytes())
    scen = manifest["scenarios"][0]
    flood = tmp_path / "radar.tif"
    flood.write_bytes((SAMPLE_DIR / scen["file"]).read_bytes())
    inputs = load_inputs(centres=mine, floods=[("radar 12 mar", flood)],
                         flood_kinds={"radar 12 mar": "depth"},
                         labels={"centres": "Albergues COE.csv"})
    run = PlanningRun(inputs)
    path = write_workspace(tmp_path / "w.gpkg", workspace_of(
        run, labels={"centres": "Albergues COE.csv"}))
    ws = read_workspace(path)
    by_layer = {f.layer: f for f in ws.inputs}
    assert by_layer["centres"].name == "Albergues COE.csv" and not by_layer["centres"].sample
    assert by_layer["flood:radar 12 mar"].kind == "depth"
    back = load_workspace_inputs(ws, tmp_path / "again")
    assert list(back.scenarios) == ["radar 12 mar"] and not back.is_sample
    pd.testing.assert_frame_equal(PlanningRun(back).exposure.summary, run.exposure.summary)


def _rewrite_meta(path, key, value):
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE crecida_workspace SET value = ? WHERE key = ?",
                   (json.dumps(value), key))


@pytest.fixture
def small(tmp_path, saved):
    run = saved[0]
    return write_workspace(tmp_path / "small.gpkg", workspace_of(run, areas=[AREA]))


def test_a_newer_format_is_refused_naming_both_versions(small):
    _rewrite_meta(small, "format_version", FORMAT_VERSION + 1)
    with pytest.raises(FormatError) as info:
        read_workspace(small)
    text = info.value.text("es")
    assert f"formato {FORMAT_VERSION + 1}" in text and "actualice Crecida" in text
    assert "newer Crecida" in str(info.value)


def test_a_retired_format_is_refused_with_what_to_do(small):
    _rewrite_meta(small, "format_version", 0)
    with pytest.raises(FormatError, match="no longer reads"):
        read_workspace(small)


def test_damaged_input_bytes_are_refused(small):
    with closing(sqlite3.connect(small)) as db, db:
        db.execute("UPDATE crecida_inputs SET data = ? WHERE layer = 'centres'", (b"x",))
    with pytest.raises(FormatError, match="layer centres is damaged"):
        read_workspace(small)


def test_other_files_are_refused_with_a_clear_message(tmp_path, small):
    text = tmp_path / "notas.gpkg"
    text.write_text("no soy un GeoPackage", encoding="utf-8")
    with pytest.raises(FormatError, match="not a readable GeoPackage"):
        read_workspace(text)
    other = tmp_path / "capas.gpkg"
    import geopandas as gpd

    gpd.GeoDataFrame({"a": [1]}, geometry=[AREA], crs=4326).to_file(other, engine="pyogrio")
    with pytest.raises(FormatError) as info:
        read_workspace(other)
    assert "no es un trabajo de Crecida" in info.value.text("es")
    with pytest.raises(FormatError, match="does not exist"):
        read_workspace(tmp_path / "missing.gpkg")
    with pytest.raises(InputError, match="GeoPackage"):
        write_workspace(tmp_path / "w.zip", read_workspace(small))


# --- the command line: --workspace FILE ------------------------------------------------------
def test_the_command_line_reopens_a_workspace_with_its_parameters_scenario_and_sites(
    saved, tmp_path
):
    import pyogrio

    from geo.cli import main

    run, scenario, sites, path, _folder = saved
    out = tmp_path / "c.gpkg"
    assert main(["catchment", "--workspace", str(path), "--out", str(out)]) == 0
    capacity = pyogrio.read_dataframe(out, layer="centres_capacity")
    expected = run.catchment(scenario).centres_capacity  # threshold 0.2 m, 4 km, its scenario
    assert capacity["incoming"].tolist() == pytest.approx(expected["incoming"].tolist())
    export = tmp_path / "e.gpkg"
    assert main(["export", "--workspace", str(path), "--out", str(export)]) == 0
    layers = dict(pyogrio.list_layers(export))
    assert {"new_sites", "coverage", "evaluated_areas"} <= set(layers)
    assert len(pyogrio.read_dataframe(export, layer="evaluated_areas")) == 2
    assert pyogrio.read_dataframe(export, layer="new_sites")["site_id"].tolist() == (
        sites.new_sites["site_id"].tolist())


def test_the_command_line_refuses_a_workspace_with_layer_options(saved, capsys):
    from geo.cli import main

    path = saved[3]
    assert main(["validate", "--workspace", str(path), "--centres", "x.csv"]) == 2
    assert "--centres" in capsys.readouterr().err


def test_sample_files_stay_labelled_synthetic_when_the_bundled_sample_has_changed(
        saved, monkeypatch, tmp_path):
    run, _scenario, _sites, path, _folder = saved
    ws = read_workspace(path)
    # a later Crecida whose bundled sample holds other bytes (or no such files)
    monkeypatch.setattr("geo.workspace.SAMPLE_DIR", tmp_path / "another_sample")
    reopened = load_workspace_inputs(ws, tmp_path / "inputs")
    assert not any(str(SAMPLE_DIR) in v for v in reopened.sources.values())  # the copies
    assert reopened.is_sample and reopened.sample_scenarios
    assert sorted(reopened.sample_layers) == sorted(run.inputs.sources)
    # a user's own file in a workspace is never labelled sample
    name = next(iter(reopened.scenarios))
    own = load_inputs(centres=reopened.sources["centres"],
                      floods=[(name, reopened.sources[f"flood:{name}"])])
    assert not own.is_sample and own.sample_layers == []

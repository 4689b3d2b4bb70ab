"""A planning session's inputs: the sample, mixing user layers in, and what gets reported."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo.errors import CrecidaWarning, InputError
from geo.flood import FloodSpec
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


def test_user_layers_alone_no_sample_and_what_was_skipped(tmp_path, sample):
    flood = tmp_path / "inundacion_2012.tif"
    flood.write_bytes(Path(sample.sources["flood:118.6 m – 2012 record"]).read_bytes())
    inputs = load_inputs(floods=[("2012", flood)])
    assert not inputs.is_sample and inputs.sample_layers == []
    assert len(inputs.centres) == 0 and len(inputs.communities) == 0
    assert inputs.dem is None and inputs.districts is None
    keys = [d.key for d in inputs.decisions["inputs"]]
    assert "decision_not_given_centres" in keys and "decision_not_given_dem" in keys
    report = validation_report(inputs)
    assert "Collective centres: not given (their results are skipped)" in report
    assert "SYNTHETIC" not in report


def test_a_missing_flood_is_named_never_taken_from_the_sample(tmp_path, sample):
    with pytest.raises(InputError, match=r"no flood scenario given.*--with-sample"):
        load_inputs(centres=sample.sources["centres"])


def test_water_level_without_a_dem_is_refused_not_combined_with_the_sample_dem(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "nivel.tif"
    with rasterio.open(path, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32",
                       crs="EPSG:32718", transform=from_origin(694_000, 9_585_600, 30, 30),
                       nodata=-9999) as ds:
        ds.write(np.full((2, 2), 117.5, "float32"), 1)
    with pytest.raises(InputError, match="a water-level raster needs a DEM"):
        load_inputs(floods=[FloodSpec(path, name="nivel", kind="water_level")])


def test_cli_layer_and_per_scenario_options(tmp_path, capsys, sample):
    from geo.cli import main, split_layer

    assert split_layer("a.gpkg:albergues") == (Path("a.gpkg"), "albergues")
    existing = tmp_path / "x:y.csv"
    existing.write_text("a", encoding="utf-8")
    assert split_layer(str(existing)) == (existing, None)
    path = tmp_path / "capas.gpkg"
    for name in ("puntos_control", "capa_b"):
        gpd.GeoDataFrame({"n": [1]}, geometry=[box(-73.26, -3.76, -73.25, -3.75).centroid],
                         crs="EPSG:4326").to_file(path, layer=name)
    flood = sample.sources["flood:116.0 m – high water"]
    code = main(["validate", "--centres", f"{path}:capa_b", "--flood", f"alto={flood}",
                 "--nodata-means", "alto=dry"])
    out = capsys.readouterr().out
    assert code == 0
    assert "layer 'capa_b' read, as chosen" in out
    assert "nodata = dry, as given" in out
    code = main(["exposure", "--centres", str(path), "--flood", f"alto={flood}",
                 "--out", str(tmp_path / "e.gpkg")])
    err = capsys.readouterr().err
    assert code == 2 and "puntos_control (Point, 1), capa_b (Point, 1)" in err
    assert "--centres FILE:LAYER" in err


def test_layers_and_sheets_to_choose_from(tmp_path):
    import openpyxl

    from geo.io import list_layers, list_sheets

    path = tmp_path / "capas.gpkg"
    for name in ("a", "b"):
        gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326").to_file(path, layer=name)
    assert [(x.name, x.geometry_type, x.features) for x in list_layers(path)] == [
        ("a", "Polygon", 1), ("b", "Polygon", 1)]
    book = openpyxl.Workbook()
    book.active.title = "Read Me"
    book.create_sheet("Sitios")
    book.save(tmp_path / "l.xlsx")
    assert list_sheets(tmp_path / "l.xlsx") == ["Read Me", "Sitios"]


def test_decisions_go_into_provenance_in_both_languages(tmp_path, sample):
    from geo.provenance import build_provenance

    flood = tmp_path / "ID1_S04_W074_RP100_depth.tif"
    flood.write_bytes(Path(sample.sources["flood:118.6 m – 2012 record"]).read_bytes())
    inputs = load_inputs(floods=[("RP100", flood)])
    prov = build_provenance(inputs.sources, decisions=inputs.decisions)
    record = prov.to_dict()["decisions"]["flood:RP100"]
    assert [d["key"] for d in record] == ["decision_kind_tag", "decision_nodata_jrc"]
    assert "nodata (-9999) = dry" in record[1]["en"] and "= seco" in record[1]["es"]
    assert ("decision:flood:RP100", record[1]["en"]) in prov.to_rows()
    assert "How the inputs were read (decisions):" in prov.to_text()


def test_a_sample_scenario_is_found_by_its_name_in_either_language(sample):
    assert sample.scenario("118,6 m – récord de 2012").name == "118.6 m – 2012 record"
    assert sample.scenario("116.0 m – high water").name == "116.0 m – high water"
    with pytest.raises(InputError) as err:
        sample.scenario("récord")
    assert err.value.text("es").startswith("no hay un escenario llamado 'récord' — elija uno "
                                           "de: 116.0 m – high water")


def test_the_report_reads_in_spanish(sample):
    report = validation_report(sample, lang="es")
    assert report.splitlines()[:2] == ["Crecida — validación de los datos", "=" * 33]
    assert "Albergues: 77  (fuente: centres.csv)" in report
    assert "  familias: 1100   personas: " in report  # four digits: no separator (RAE)
    assert "  - 118,6 m – récord de 2012: profundidad, 834×834 celdas de 30×30 (m)" in report
    assert "inundación:118,6 m – récord de 2012 (flood_depth_118_6m.tif):" in report
    assert report.endswith("Avisos: ninguno")


def test_the_report_lists_each_note_once_in_the_language_asked(tmp_path):
    csv = tmp_path / "lista.csv"
    csv.write_text("codigo,nombre,latitud,longitud,personas\nA1,Uno,-3.75,-73.25,10\n"
                   "A1,Dos,-3.76,-73.26,20\n", encoding="utf-8")
    inputs = load_inputs(centres=csv, with_sample=True)
    keys = [n.key for n in inputs.warning_items]
    assert keys == ["ids_made_unique", "kind_column_absent", "groups_estimated",
                    "status_column_absent", "district_filled"]
    report = validation_report(inputs, lang="es")
    assert "Avisos (5):" in report
    assert report.count("  ! lista.csv: códigos repetidos hechos únicos: A1→A1-2") == 1

"""The Streamlit page driven headless with ``streamlit.testing.v1.AppTest`` on the sample.

Each view runs without an exception, the widgets change what is shown (scenario, threshold,
language), and tables read as a planner reads them: words for codes, whole persons, numbers
written the Spanish way, empty cells where a value does not apply. Figures are computed here
straight from the engines, not through the app. The map itself is checked in a real browser
(``test_browser.py``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.analysis import PlanningRun
from geo.catchment import assign
from geo.exposure import assess
from geo.format import format_number
from geo.i18n import t
from geo.inputs import load_sample, sample_manifest
from geo.schema import FLOOD_STATUSES, operational_mask, scenario_rows

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT_S = 180


def _number(text: str, lang: str = "es") -> float:
    """A figure as the app writes it (es: ``49 732``, ``0,7``; en: ``49,732``, ``0.7``)."""
    if lang == "es":
        return float(text.replace("\u00a0", "").replace(",", "."))
    return float(text.replace(",", ""))


def _metric(at: AppTest, label: str, lang: str = "es") -> float:
    for metric in at.metric:
        if metric.label == label:
            return _number(str(metric.value), lang)
    raise AssertionError(f"no metric labelled {label!r}: {[m.label for m in at.metric]}")


def _shown(element) -> pd.DataFrame:
    """The text a table shows (its display values), header by header."""
    arrow = element.proto.arrow_data
    assert arrow.HasField("styler"), "tables are shown through geo.tables (a Styler)"
    return dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)


def _table(at: AppTest, header: str) -> pd.DataFrame:
    """The shown text of the first table with a column ``header``."""
    for element in at.dataframe:
        shown = _shown(element)
        if header in shown.columns:
            return shown
    raise AssertionError(f"no table with a column {header!r}")


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def scenario_names() -> list[str]:
    return [s["name"] for s in sample_manifest()["scenarios"]]


@pytest.fixture(scope="module")
def expected():
    """The sample's figures computed here straight from the engines (not through the app)."""
    inputs = load_sample()
    result = assess(inputs.centres, inputs.communities, inputs.scenarios,
                    population=inputs.population)
    worst = list(inputs.scenarios)[-1]
    centres = scenario_rows(result.centres, worst)
    communities = scenario_rows(result.communities, worst)
    unserved = {respect: assign(communities, centres, demand_id_col="community_id",
                                scenario=inputs.scenarios[worst],
                                respect_capacity=respect).unserved_persons
                for respect in (True, False)}
    return {"statuses": centres["flood_status"].value_counts().to_dict(),
            "operational": int(operational_mask(centres).sum()),
            "displaced": float(communities["displaced_est"].sum()),
            "exposed": float(communities["pop_exposed"].sum()),
            "families": float(centres.loc[centres["flooded"], "families"].sum()),
            "unserved": unserved, "centres": centres.reset_index(drop=True)}


@pytest.fixture
def app() -> AppTest:
    return _ok(AppTest.from_file(APP, default_timeout=TIMEOUT_S).run())


def test_starts_on_the_sample_with_the_worst_scenario_and_a_synthetic_data_warning(
    app, scenario_names, expected
):
    assert app.title[0].value == t("app_title", "es")
    assert app.selectbox(key="scenario").value == scenario_names[-1]
    assert any(w.value == t("sample_banner", "es") for w in app.warning)
    for status in ("flooded", "isolated", "at_risk", "dry"):
        assert _metric(app, t(f"m_centres_{status}", "es")) == expected["statuses"].get(status, 0)
    assert _metric(app, t("m_displaced", "es")) == round(expected["displaced"])
    assert _metric(app, t("m_families_flooded", "es")) == expected["families"]
    # written the Spanish way: 49 732 (no-break space), never 49,732
    shown = next(m.value for m in app.metric if m.label == t("m_pop_exposed", "es"))
    assert shown == format_number(expected["exposed"], "es") and "," not in shown
    # centres, communities, the scenario comparison and the needs
    assert len(app.dataframe) == 4


def test_the_scenarios_are_named_in_the_users_language(app, scenario_names):
    labels = {s["name"]: s["labels"] for s in sample_manifest()["scenarios"]}
    box = app.selectbox(key="scenario")
    assert box.format_func(scenario_names[-1]) == labels[scenario_names[-1]]["es"]
    compare = _table(app, t("col_metric", "es"))
    assert list(compare.columns)[1:] == [labels[n]["es"] for n in scenario_names]
    assert "récord" in list(compare.columns)[-1]


def test_switching_scenario_changes_the_flooded_count(app, scenario_names):
    worst = _metric(app, t("m_centres_flooded", "es"))
    worst_displaced = _metric(app, t("m_displaced", "es"))
    _ok(app.selectbox(key="scenario").set_value(scenario_names[0]).run())
    assert _metric(app, t("m_centres_flooded", "es")) < worst
    assert _metric(app, t("m_displaced", "es")) < worst_displaced


def test_raising_the_threshold_above_every_depth_floods_no_centre(app):
    assert _metric(app, t("m_centres_flooded", "es")) > 0
    _ok(app.number_input(key="threshold").set_value(10.0).run())
    assert _metric(app, t("m_centres_flooded", "es")) == 0


def test_centres_table_reads_as_a_planner_reads_it(app, expected):
    centres = expected["centres"]
    shown = _table(app, t("col_flood_status", "es"))
    assert len(shown) == len(centres)
    status = t("col_flood_status", "es")
    flooded = shown[status] == t("status_flooded", "es")
    assert flooded.sum() == expected["statuses"]["flooded"]
    # depth only where the centre is flooded, distance to the water only where it is not
    assert (shown.loc[flooded, t("col_depth_m", "es")] != "").all()
    assert (shown.loc[~flooded, t("col_depth_m", "es")] == "").all()
    assert (shown.loc[flooded, t("col_dist_to_flood_m", "es")] == "").all()
    row = shown[shown[t("col_centre_id", "es")] == centres.loc[0, "centre_id"]].iloc[0]
    assert row[t("col_persons", "es")] == format_number(centres.loc[0, "persons"], "es")
    if centres.loc[0, "flood_status"] == "flooded":
        assert row[t("col_depth_m", "es")] == format_number(centres.loc[0, "depth_m"], "es",
                                                              decimals=2)
    text = " ".join(shown.astype(str).to_numpy().ravel())
    for raw in ("None", "nan", "flooded", "at_risk", "open", "school"):
        assert f" {raw} " not in f" {text} ", raw


def test_needs_units_and_sources_are_in_spanish(app):
    needs = _table(app, t("col_need", "es"))
    assert t("need_unit.latrines", "es") in set(needs[t("col_unit", "es")])
    assert all(source.startswith(("Esfera", "Lectura", "Un kit"))
               for source in needs[t("col_source", "es")])
    assert "," not in " ".join(needs[t("col_quantity", "es")])


def test_english_translates_labels_and_tables(app, expected):
    _ok(app.radio(key="lang").set_value("en").run())
    assert app.title[0].value == t("app_title", "en")
    labels = [m.label for m in app.metric]
    assert t("m_centres_flooded", "en") in labels
    assert t("m_centres_flooded", "es") not in labels
    shown = _table(app, t("col_flood_status", "en"))
    statuses = set(shown[t("col_flood_status", "en")])
    assert statuses == {t(f"status_{s}", "en") for s in FLOOD_STATUSES
                        if expected["statuses"].get(s)}
    exposed = next(m.value for m in app.metric if m.label == t("m_pop_exposed", "en"))
    assert exposed == format_number(expected["exposed"], "en") and "," in exposed


def test_catchment_view_shows_capacity_and_unserved(app, expected):
    _ok(app.radio(key="view_es").set_value("catchment").run())
    labels = [m.label for m in app.metric]
    assert labels == [t("m_operational", "es"), t("m_overcrowded", "es"), t("m_unserved", "es")]
    assert _metric(app, t("m_operational", "es")) == expected["operational"]
    capacity = _table(app, t("col_spare_capacity", "es"))
    assert len(capacity) == 77
    # a centre that takes no one has no incoming displaced, no spare capacity, no crowding
    flooded = capacity[t("col_flood_status", "es")] == t("status_flooded", "es")
    assert flooded.any()
    for header in ("col_incoming", "col_spare_capacity", "col_overcrowded"):
        assert (capacity.loc[flooded, t(header, "es")] == "").all(), header
    assignments = _table(app, t("col_unserved_reason", "es"))
    reasons = set(assignments[t("col_unserved_reason", "es")]) - {""}
    assert reasons and reasons <= {t(f"reason_{r}", "es") for r in
                                   ("too_far", "unreachable", "over_capacity", "no_centre")}
    assert "None" not in set(assignments[t("col_assigned_centre", "es")])
    respect = settings.RESPECT_CAPACITY
    assert app.checkbox(key="respect_capacity").value is respect
    assert _metric(app, t("m_unserved", "es")) == round(expected["unserved"][respect])
    _ok(app.checkbox(key="respect_capacity").set_value(not respect).run())
    assert _metric(app, t("m_unserved", "es")) == round(expected["unserved"][not respect])


SQUARE = [[-73.262, -3.742], [-73.252, -3.742], [-73.252, -3.734], [-73.262, -3.734],
          [-73.262, -3.742]]


def _draw(app: AppTest, ring=SQUARE) -> None:
    """What streamlit-folium hands back after the planner draws a shape (GeoJSON, lon/lat)."""
    app.session_state["map_sites"] = {"last_active_drawing": {
        "type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}}


def test_new_centres_view_evaluates_a_drawn_area(app):
    _ok(app.radio(key="view_es").set_value("sites").run())
    assert any(i.value == t("draw_none", "es") for i in app.info)
    _draw(app)
    _ok(app.run())
    area = _metric(app, t("e_area_m2", "es"))
    assert 900_000 < area < 1_000_000  # about 1.1 km × 0.9 km at Iquitos' latitude
    assert _metric(app, t("e_capacity_site", "es")) == pytest.approx(area // 45, abs=1)
    assert len(app.session_state["drawn_areas"]) == 1
    _ok(app.run())  # the same drawing handed back again is not a second area
    assert len(app.session_state["drawn_areas"]) == 1


@pytest.fixture(scope="module")
def two_sites():
    """Two sites proposed for the worst scenario, computed from the engines."""
    return PlanningRun(load_sample()).optimise(2, objective="coverage",
                                               site_area_m2=settings.NEW_SITE_AREA_M2)


def test_the_optimiser_shows_capacities_and_survives_a_change_of_objective(
    app, two_sites, scenario_names
):
    _ok(app.radio(key="view_es").set_value("sites").run())
    _ok(app.number_input(key="k_sites").set_value(2).run())
    _ok(app.button(key="optimise").click().run())
    sites = _table(app, t("col_served_persons", "es"))
    assert len(sites) == 2
    expected = two_sites.new_sites
    assert list(sites[t("col_capacity_persons", "es")]) == [
        format_number(v, "es") for v in expected["capacity_persons"]]
    assert list(sites[t("col_served_persons", "es")]) == [
        format_number(v, "es") for v in expected["covered_weight"]]
    assert list(sites[t("col_nearest_existing", "es")]) == list(
        expected["nearest_existing_name"])
    assert all(r.startswith("da lugar a") for r in sites[t("col_reason", "es")])
    assert _metric(app, t("m_still_unplaced", "es")) == round(two_sites.unserved_weight)
    # another objective: the result stays, marked as computed with the former options
    _ok(app.selectbox(key="objective").set_value("median").run())
    assert len(_table(app, t("col_served_persons", "es"))) == 2
    assert any(t("objective_coverage", "es") in w.value for w in app.warning)
    # another scenario: the sites no longer fit and are removed, with a note
    _ok(app.selectbox(key="scenario").set_value(scenario_names[0]).run())
    assert any(i.value == t("plan_dropped", "es") for i in app.info)
    assert not any(t("col_served_persons", "es") in _shown(d).columns for d in app.dataframe)


def _export(app: AppTest, choice: str) -> list[tuple[str, bytes]]:
    _ok(app.radio(key="view_es").set_value("export").run())
    _ok(app.radio(key="export_choice").set_value(choice).run())
    return app.session_state["export_file"][1]


def test_export_for_spanish_excel_splits_on_semicolons_with_decimal_commas(app):
    (name, data), = _export(app, "excel")
    assert name.endswith(".csv.zip")
    chosen = app.multiselect(key="export_layers").value
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert set(zf.namelist()) == {f"{n}.csv" for n in chosen} | {"README.txt"}
        raw = zf.read("centres_exposure.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, first = rows[0], rows[1]
    assert {"centre_id", "name", "lat", "lon"} <= set(header)
    assert not first[0].startswith("#")  # no HXL row unless asked for
    lat = first[header.index("lat")]
    assert "," in lat and "." not in lat and -4 < float(lat.replace(",", ".")) < -3
    _ok(app.checkbox(key="export_hxl").set_value(True).run())
    (_name, data), = app.session_state["export_file"][1]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rows = list(csv.reader(io.StringIO(zf.read("centres_exposure.csv").decode("utf-8-sig")),
                               delimiter=";"))
    assert rows[1][rows[0].index("lat")] == "#geo+lat"


def test_export_view_prepares_a_geojson_download(app):
    (name, data), = _export(app, "geojson")
    # Every chosen layer, one GeoJSON file each, zipped (a .geojson holds one layer).
    assert name.endswith(".geojson.zip")
    chosen = app.multiselect(key="export_layers").value
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert set(zf.namelist()) == {f"{n}.geojson" for n in chosen} | {"README.txt"}
        assert b'"FeatureCollection"' in zf.read("centres_exposure.geojson")


def test_export_view_prepares_the_html_map(app):
    (name, data), = _export(app, "html")
    assert name.endswith(".html") and b"crecida-provenance" in data


def test_export_view_offers_the_geopackage_and_its_depth_raster(app):
    files = _export(app, "gpkg")
    names = [name for name, _ in files]
    assert len(names) == 2
    assert names[0].endswith(".gpkg") and names[1].endswith("_flood_depth.tif")
    assert files[0][1][:16] == b"SQLite format 3\x00"
    assert "record" in names[0] and "é" not in names[0]  # the scenario, without accents


def test_a_river_stage_replaces_the_scenario_and_its_figures_follow_the_stage(app):
    """With a stage, the figures are those of the bundled depth scenario at that stage (the
    sample's scenarios are water connected to the rivers, as the stage model computes)."""
    inputs = load_sample()
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    by_name = result.centres[result.centres["flood_status"] == "flooded"] \
        .groupby("scenario").size()
    _ok(app.toggle(key="stage_mode").set_value(True).run())
    assert app.selectbox(key="scenario").disabled
    for stage, name in ((117.0, "117.0"), (118.6, "118.6")):
        _ok(app.number_input(key="stage_m_box").set_value(stage).run())
        assert app.slider(key="stage_m_slider").value == pytest.approx(stage)
        expected = int(next(v for k, v in by_name.items() if k.startswith(name)))
        assert _metric(app, t("m_centres_flooded", "es")) == expected
    assert any(s.value == t("stage_centres_flooded_by_stage", "es") for s in app.subheader)


def _season_view(at: AppTest) -> AppTest:
    at.radio(key="view_es").set_value("season")
    return at.run()


def test_the_season_view_shows_the_samples_made_up_dates_in_readable_tables(app):
    at = _ok(_season_view(app))
    assert _metric(at, t("season_metric_days", "es")) == 3
    assert t("season_none", "es") in [c.value for c in at.caption]
    table = _table(at, t("col_days_flooded", "es"))
    assert list(table.columns)[:2] == [t("col_community_id", "es"), t("col_name", "es")]
    centres = _table(at, t("col_persons", "es"))
    assert len(centres) == len(load_sample().centres)


def test_the_season_view_never_dresses_a_users_scenarios_as_sample_dates(tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    raster = Path(APP).parent / "sample_data" / "flood_depth_117_0m.tif"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.file_uploader(key="upload_floods").set_value(
        ("mi_crecida.tif", raster.read_bytes(), "image/tiff")).run()
    at = _ok(_season_view(at))
    assert [i.value for i in at.info] == [t("season_own_data", "es")]
    assert not at.metric or t("season_metric_days", "es") not in [m.label for m in at.metric]
    # A dated upload makes a season; one without a date in its name is named and left out.
    at.file_uploader(key="upload_season").set_value([
        ("gfm_2012-04-15.tif", raster.read_bytes(), "image/tiff"),
        ("gfm_2012-04-16.tif", raster.read_bytes(), "image/tiff"),
        ("sin_fecha.tif", raster.read_bytes(), "image/tiff")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value.replace("\\", "") for e in at.error] == [
        t("season_no_date", "es", name="sin_fecha.tif")]
    assert _metric(at, t("season_metric_days", "es")) == 2
    # the kind was guessed from the first file: said, in words, where it can be changed
    assert t("season_kind_guessed", "es", kind="profundidad") in [c.value for c in at.caption]
    at.selectbox(key="season_kind").set_value("extent").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("season_kind_guessed", "es", kind="profundidad") not in [c.value for c in at.caption]
    assert _metric(at, t("season_metric_days", "es")) == 2


def test_a_workspace_of_sample_files_opens_with_the_synthetic_banner_even_if_the_sample_changed(
        tmp_path, monkeypatch):
    import tempfile

    from geo.workspace import workspace_of, write_workspace

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    run = PlanningRun(load_sample())
    saved = write_workspace(tmp_path / "trabajo.gpkg", workspace_of(run, lang="es"))
    # a later Crecida whose bundled sample no longer holds these files: the copies are read
    monkeypatch.setattr("geo.workspace.SAMPLE_DIR", tmp_path / "another_sample")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.file_uploader(key="workspace_open").set_value(
        ("trabajo.gpkg", saved.read_bytes(), "application/geopackage+sqlite3")).run()
    _ok(at)
    assert [s.value.replace("\\", "") for s in at.success if "trabajo" in s.value] == [
        t("ws_opened", "es", name="trabajo.gpkg")]
    assert t("sample_banner", "es") in [w.value for w in at.warning]

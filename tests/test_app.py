"""The Streamlit page driven headless with ``streamlit.testing.v1.AppTest`` on the sample.

Each view runs without an exception, and the widgets change what is shown (scenario, threshold,
language). The map itself is checked in a real browser (``test_browser.py``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.catchment import assign
from geo.exposure import assess
from geo.i18n import t
from geo.inputs import load_sample, sample_manifest
from geo.schema import FLOOD_STATUSES, operational_mask, scenario_rows

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT_S = 180


def _metric(at: AppTest, label: str) -> float:
    for metric in at.metric:
        if metric.label == label:
            return float(str(metric.value).replace(",", ""))
    raise AssertionError(f"no metric labelled {label!r}: {[m.label for m in at.metric]}")


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
            "families": float(centres.loc[centres["flooded"], "families"].sum()),
            "unserved": unserved}


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
    # centres, communities, the scenario comparison and the needs
    assert len(app.dataframe) == 4


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


def test_english_translates_labels_and_tables(app, expected):
    _ok(app.radio(key="lang").set_value("en").run())
    assert app.title[0].value == t("app_title", "en")
    labels = [m.label for m in app.metric]
    assert t("m_centres_flooded", "en") in labels
    assert t("m_centres_flooded", "es") not in labels
    headers = list(app.dataframe[0].value.columns)
    assert t("col_flood_status", "en") in headers
    statuses = set(app.dataframe[0].value[t("col_flood_status", "en")])
    assert statuses == {t(f"status_{s}", "en") for s in FLOOD_STATUSES
                        if expected["statuses"].get(s)}


def test_catchment_view_shows_capacity_and_unserved(app, expected):
    _ok(app.radio(key="view_es").set_value("catchment").run())
    labels = [m.label for m in app.metric]
    assert labels == [t("m_operational", "es"), t("m_overcrowded", "es"), t("m_unserved", "es")]
    assert _metric(app, t("m_operational", "es")) == expected["operational"]
    capacity = app.dataframe[0].value
    assert len(capacity) == 77
    respect = settings.RESPECT_CAPACITY
    assert app.checkbox(key="respect_capacity").value is respect
    assert _metric(app, t("m_unserved", "es")) == round(expected["unserved"][respect])
    _ok(app.checkbox(key="respect_capacity").set_value(not respect).run())
    assert _metric(app, t("m_unserved", "es")) == round(expected["unserved"][not respect])


def test_new_centres_view_evaluates_a_drawn_area_and_proposes_sites(app):
    _ok(app.radio(key="view_es").set_value("sites").run())
    assert any(i.value == t("draw_none", "es") for i in app.info)
    # What streamlit-folium hands back after the planner draws a rectangle (GeoJSON, lon/lat).
    square = [[-73.262, -3.742], [-73.252, -3.742], [-73.252, -3.734], [-73.262, -3.734],
              [-73.262, -3.742]]
    app.session_state["map_sites"] = {"last_active_drawing": {
        "type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [square]}}}
    _ok(app.run())
    area = _metric(app, t("e_area_m2", "es"))
    assert 900_000 < area < 1_000_000  # about 1.1 km × 0.9 km at Iquitos' latitude
    assert _metric(app, t("e_capacity_site", "es")) == pytest.approx(area // 45, abs=1)

    _ok(app.number_input(key="k_sites").set_value(2).run())
    _ok(app.button(key="optimise").click().run())
    sites = app.dataframe[0].value
    assert len(sites) == 2


def test_export_view_prepares_a_geojson_download(app):
    _ok(app.radio(key="view_es").set_value("export").run())
    _ok(app.selectbox(key="export_format").set_value(".geojson").run())
    _ok(app.button(key="export_prepare").click().run())
    # Every chosen layer, one GeoJSON file each, zipped (a .geojson holds one layer).
    (name, data), = app.session_state["export_file"][1]
    assert name.endswith(".geojson.zip")
    chosen = app.multiselect(key="export_layers").value
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert set(zf.namelist()) == {f"{n}.geojson" for n in chosen} | {"README.txt"}
        assert b'"FeatureCollection"' in zf.read("centres_exposure.geojson")


def test_export_view_prepares_the_html_map(app):
    _ok(app.radio(key="view_es").set_value("export").run())
    _ok(app.selectbox(key="export_format").set_value(".html").run())
    _ok(app.button(key="export_prepare").click().run())
    (name, data), = app.session_state["export_file"][1]
    assert name.endswith(".html") and b"crecida-provenance" in data


def test_export_view_offers_the_geopackage_and_its_depth_raster(app):
    _ok(app.radio(key="view_es").set_value("export").run())
    _ok(app.selectbox(key="export_format").set_value(".gpkg").run())
    _ok(app.button(key="export_prepare").click().run())
    names = sorted(name for name, _ in app.session_state["export_file"][1])
    assert len(names) == 2
    assert names[0].endswith(".gpkg") and names[1].endswith("_flood_depth.tif")
    assert app.session_state["export_file"][1][0][1][:16] == b"SQLite format 3\x00"

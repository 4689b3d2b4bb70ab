"""River stages through the one workflow: ``--stage`` scenarios, the ``stage`` command and its
forecast timeline, checked against the exposure engine on the bundled depth scenarios."""

from __future__ import annotations

import pyogrio
import pytest

from geo.cli import main
from geo.exposure import assess
from geo.inputs import load_sample

DATA_CENTRES = "tests/data/centres_es.csv"


@pytest.fixture(scope="module")
def bundled():
    """Centres flooded in the sample's own depth rasters, by the exposure engine."""
    inputs = load_sample()
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    flooded = result.centres[result.centres["flood_status"] == "flooded"]
    return {name[:5]: set(group["centre_id"]) for name, group in flooded.groupby("scenario")}


def test_a_stage_is_a_scenario_named_by_its_height(tmp_path, bundled):
    out = tmp_path / "e.gpkg"
    assert main(["exposure", "--stage", "117.0", "--stage", "118.6", "--out", str(out)]) == 0
    centres = pyogrio.read_dataframe(out, layer="centres_exposure")
    assert sorted(centres["scenario"].unique()) == ["117.0 m", "118.6 m"]
    for stage in ("117.0", "118.6"):
        got = set(centres.loc[(centres["scenario"] == f"{stage} m")
                              & (centres["flood_status"] == "flooded"), "centre_id"])
        assert got == bundled[stage]


def test_the_stage_command_tables_and_the_forecast_timeline(tmp_path, bundled, capsys):
    forecast = tmp_path / "pronostico.csv"
    forecast.write_text("fecha,nivel\n2026-12-02,116.0\n2026-12-03,117.0\n2026-12-05,118.6\n",
                        encoding="utf-8")
    out = tmp_path / "s.gpkg"
    assert main(["stage", "--stages", "116:118.6:1.3", "--forecast", str(forecast),
                 "--today", "2026-12-02", "--out", str(out)]) == 0
    table = pyogrio.read_dataframe(out, layer="flooded_by_stage")
    by_stage = table.groupby("stage_m")["centres_flooded"].sum()
    assert by_stage.to_dict() == {116.0: len(bundled.get("116.0", ())),
                                  117.3: by_stage[117.3], 118.6: len(bundled["118.6"])}
    days = pyogrio.read_dataframe(out, layer="forecast_days")
    assert days["days_ahead"].tolist() == [0, 1, 3]
    timeline = pyogrio.read_dataframe(out, layer="forecast_centres")
    flooded_by_day3 = set(timeline.loc[timeline["days_to_flooded"] <= 3, "centre_id"])
    assert flooded_by_day3 == bundled["118.6"]
    printed = capsys.readouterr().out
    assert "Forecast from 2026-12-02" in printed


def test_stages_without_a_dem_of_ones_own_are_refused_clearly(capsys):
    assert main(["exposure", "--stage", "117", "--centres", DATA_CENTRES,
                 "--out", "/nonexistent/x.gpkg"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "DEM" in err

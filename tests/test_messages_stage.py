"""Every message of the river-stage package (geo.stage) in Spanish and English: the problems a
planner's input can cause and the notes of what was assumed, triggered here on a tiny grid, and
shown in the user's language by the command line and the app."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import TINY_CELL_M, TINY_CRS, TINY_ORIGIN_E, TINY_ORIGIN_N
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point
from wording import foreign_words

from geo.errors import InputError, Problem, localise
from geo.flood import open_flood
from geo.i18n import STRINGS, t
from geo.raster import RasterSource, open_raster
from geo.stage import StageModel, forecast_timeline, parse_stages, readings_from_table
from geo.stage.fill import DemCheck
from geo.stage.seeds import gauge_cell, seeds_from_extent, seeds_from_rivers

GRID = from_origin(TINY_ORIGIN_E, TINY_ORIGIN_N, TINY_CELL_M, TINY_CELL_M)
#: A river (column 0, 100 m) and ground rising 1 m a column; one SRTM void inside the grid.
DEM = np.array([[100.0, 101.0, 102.0, 103.0, 104.0, 105.0]] * 6)
DEM[2, 3] = -32768
SEEDS = np.zeros(DEM.shape, dtype=bool)
SEEDS[:, 0] = True

def cell_point(r: int, c: int) -> Point:
    return Point(TINY_ORIGIN_E + (c + 0.5) * TINY_CELL_M, TINY_ORIGIN_N - (r + 0.5) * TINY_CELL_M)


def model(dem=DEM, seeds=SEEDS, **options) -> StageModel:
    return StageModel.from_arrays(dem, seeds, transform=GRID, crs=TINY_CRS, **options)


def raised(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.problems


@pytest.fixture
def dem_file(write_tif) -> RasterSource:
    return open_raster(write_tif(DEM.astype("float32"), "mde.tif"))


@pytest.fixture
def grid() -> RasterSource:
    return RasterSource("", CRS.from_user_input(TINY_CRS), GRID, 6, 6, None, "float64", "grid")


@pytest.fixture
def centres() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"centre_id": ["A"], "name": ["Colegio"], "district": ["Belén"]},
                            geometry=[cell_point(1, 2)], crs=TINY_CRS)


@pytest.fixture
def messages(dem_file, grid, centres, write_tif, tmp_path) -> dict[str, Problem]:
    """One problem or note for every message key of geo.stage, each triggered by its input."""
    got: list[Problem] = []
    # Stages as typed (geo.stage.names)
    for text in ("alto", "1:2:3:4", "117:116:0.1", "0:2000:1"):
        got += raised(parse_stages, text)
    top = model(max_stage_m=103.0)
    got += raised(top.depth_at, "alto")
    got += raised(top.depth_at, 104.5)
    got += top.notes
    # Seeds (geo.stage.seeds)
    river = LineString([cell_point(0, 0), cell_point(5, 0)])
    got += raised(seeds_from_rivers, gpd.GeoDataFrame(geometry=[river]), grid)
    got += raised(seeds_from_rivers, gpd.GeoDataFrame(geometry=[cell_point(1, 1)],
                                                      crs=TINY_CRS), grid)
    far = LineString([(TINY_ORIGIN_E + 9000, TINY_ORIGIN_N), (TINY_ORIGIN_E + 9900,
                                                              TINY_ORIGIN_N)])
    got += raised(seeds_from_rivers, gpd.GeoDataFrame(geometry=[far], crs=TINY_CRS), grid)
    notes: list[Problem | str] = []
    seeds_from_rivers(gpd.GeoDataFrame(geometry=[river], crs=TINY_CRS), grid, notes)
    relief = np.where(DEM == -32768, np.nan, DEM).astype(np.float32)
    got += raised(gauge_cell, ("a", "b"), dem_file, relief)
    got += raised(gauge_cell, (-70.0, -3.7), dem_file, relief)
    lonlat = gpd.GeoSeries([cell_point(3, 1)], crs=TINY_CRS).to_crs("EPSG:4326").iloc[0]
    got += raised(gauge_cell, (lonlat.x, lonlat.y), dem_file, np.full(DEM.shape, np.nan))
    gauge_cell((lonlat.x, lonlat.y), dem_file, relief, notes=notes)
    mask = np.zeros((6, 6), "uint8")
    mask[:, 0] = 1
    level = open_flood(write_tif(mask, "nivel.tif", nodata=255), name="nivel", kind="extent")
    got += raised(seeds_from_extent, dataclasses.replace(level, kind="water_level"), dem_file)
    dry = open_flood(write_tif(np.zeros((6, 6), "uint8"), "seco.tif", nodata=255),
                     name="seco", kind="extent")
    got += raised(seeds_from_extent, dry, dem_file)
    fine = open_flood(write_tif(np.repeat(np.repeat(mask, 2, 0), 2, 1), "radar.tif",
                                nodata=255, transform=from_origin(
                                    TINY_ORIGIN_E, TINY_ORIGIN_N, 15.0, 15.0)),
                      name="radar", kind="extent")
    seeds_from_extent(fine, dem_file, notes)
    got += notes
    # The DEM and the water surface (geo.stage.fill)
    got += raised(model, slope_cm_per_km=-1, gauge_xy=(0.0, 0.0))
    got += raised(model, slope_cm_per_km=float("nan"), gauge_xy=(0.0, 0.0))
    got += raised(model, datum_offset_m=float("inf"))
    got += raised(model, slope_cm_per_km=2)
    nodata = DEM.copy()
    nodata[2, 3] = -9999.0
    got += model(nodata, nodata=-9999.0).notes
    deep = np.full((2, 2), 800.0)
    deep[0, 0] = 100.0
    got += model(deep, np.eye(2, dtype=bool)).notes
    got += DemCheck(4, 4, 0, 0, 4, 0, float("nan"), float("nan")).notes()
    # The model (geo.stage.model)
    got += raised(model, seeds=np.zeros((3, 3), bool))
    got += raised(StageModel.from_raster, dem_file)
    got += raised(model, seeds=np.zeros(DEM.shape, bool))
    flat = StageModel.from_arrays(DEM, SEEDS, transform=GRID)
    got += raised(flat.scenario, 101.0)
    got += raised(flat.curves)
    got += flat.notes
    sloped = model(slope_cm_per_km=2, gauge_xy=(TINY_ORIGIN_E, TINY_ORIGIN_N - 90.0),
                   downstream_azimuth_deg=90)
    got += sloped.notes
    got += model(slope_cm_per_km=2, gauge_xy=(TINY_ORIGIN_E, TINY_ORIGIN_N)).notes
    got += StageModel.from_arrays(DEM, SEEDS, transform=GRID, crs="EPSG:32718+5773").notes
    got += model().scenario(101.5, directory=tmp_path / "out").notes
    # Curves and forecasts (geo.stage.curves, geo.stage.forecast)
    curves = model().curves(centres.to_crs("EPSG:4326"))
    got += curves.notes
    got += raised(model().curves, gpd.GeoDataFrame(geometry=list(centres.geometry)))
    got += raised(readings_from_table, pd.DataFrame({"x": [1]}), source="pronostico.csv")
    got += raised(readings_from_table, pd.DataFrame({"fecha": [], "nivel": []}))
    got += raised(readings_from_table, pd.DataFrame({
        "fecha": ["2012-03-01", "mañana", "01/03/2012"], "nivel": ["101,5", "alto", "102"]}),
        source="pronostico.csv")
    got += forecast_timeline(curves, pd.DataFrame({"fecha": ["2012-03-01", "2012-03-02"],
                                                   "nivel": [101.0, 102.5]}),
                             today=pd.Timestamp("2012-03-01").date()).notes
    out: dict[str, Problem] = {}
    for p in got:
        assert isinstance(p, Problem) and p.key, p
        out.setdefault(p.key, p)
    return out


def stage_keys() -> set[str]:
    return {k.split(".", 1)[1] for k in STRINGS
            if k.startswith("msg.stage_") and k != "msg.stage_needs_dem"}


def test_every_stage_message_is_triggered_and_reads_in_its_language(messages):
    assert set(messages) == stage_keys()
    for key, p in messages.items():
        for lang in ("es", "en"):
            text = p.text(lang)
            assert "{" not in text, (key, text)
            assert foreign_words([text], lang) == [], (key, lang, text)
        assert str(p) == p.text("en")
        assert p.text("es") != p.text("en"), key


def test_the_spanish_words_of_some_problems_and_notes(messages):
    m = messages
    assert m["stage_not_a_stage"].text("es") == (
        "--stages: 'alto' no es un nivel del río — dé un nivel en metros (117.8) o un rango "
        "INICIO:FIN:PASO (116:119:0.2)")
    assert m["stage_range_too_long"].text("es").startswith(
        "--stages: el rango '0:2000:1' contiene 2001 niveles — use un paso mayor (como máximo "
        "1000 niveles)")
    assert m["stage_range_too_long"].text("en").startswith(
        "--stages: range '0:2000:1' holds 2,001 stages")
    assert m["stage_above_top"].text("es") == (
        "el nivel 104,5\u00a0m está por encima del nivel más alto para el que se construyó el "
        "modelo de niveles (103\u00a0m) — vuelva a construir el modelo de niveles con un nivel "
        "máximo más alto")
    assert m["stage_note_datum"].text("es").startswith(
        "datum vertical: altura del agua en el datum del MDE = nivel en la regla +0,00 m (el "
        "MDE no lo indica; las alturas de SRTM están sobre el geoide EGM96)")
    assert m["stage_note_dem_voids_srtm"].text("es").startswith(
        "1 celdas del MDE no tienen altura (1 huecos SRTM −32768)")
    assert m["stage_note_scenario"].text("es") == (
        "profundidad con el nivel 101,50\u00a0m en la regla, a partir del MDE DEM: solo agua del "
        "río; 0 celdas de terreno bajo que el río no alcanza quedan secas (riesgo de "
        "encharcamiento)")
    assert m["stage_forecast_bad_date"].text("es") == (
        "pronostico.csv, fila 2, columna 'fecha': 'mañana' no es una fecha — escriba las "
        "fechas como 2012-04-15 o 15/04/2012")
    assert m["stage_forecast_date_twice"].text("es") == (
        "pronostico.csv, columna 'fecha': 2012-03-01 aparece 2 veces (filas 1, 3) — deje un "
        "solo nivel por día")
    assert m["stage_note_gauge_seed"].text("es").endswith(
        "en la celda más baja del MDE a menos de 150\u00a0m: fila 0, columna 0, 100,00\u00a0m")
    assert m["stage_slope_negative"].text("es") == (
        "la pendiente de la superficie del agua (-1 cm/km) es negativa — dé una pendiente ≥ 0 "
        "(cm por km, p. ej. 2)")


def test_the_english_words_stay_those_of_before(messages):
    """The English texts keep their meaning (and the words the stage tests look for)."""
    m = messages
    assert m["stage_note_datum"].text("en").startswith(
        "vertical datum: water height in the DEM's datum = gauge stage +0.00 m")
    assert m["stage_note_extent_sampled"].text("en") == (
        "observed extent 'radar' sampled at the DEM's cell centres (nearest cell)")
    assert m["stage_forecast_date_twice"].text("en").endswith(
        "2012-03-01 is given 2 times (rows 1, 3) — keep one stage per day")
    assert m["stage_note_river_seeds"].text("en") == (
        "river seeds: 6 DEM cells touched by the rivers layer (1 lines, 0 polygons)")


def test_the_vertical_datum_a_dem_states_is_named(messages):
    text = messages["stage_note_datum_stated"].text("es")
    assert "(el MDE indica EGM96 height)" in text


def test_model_curves_and_forecast_notes_are_keyed(centres):
    m = model(datum_offset_m=0.35)
    curves = m.curves(centres)
    timeline = forecast_timeline(curves, pd.DataFrame({"fecha": ["2012-03-01"],
                                                       "nivel": [101.0]}),
                                 today=pd.Timestamp("2012-03-01").date())
    for notes in (m.notes, curves.notes, timeline.notes):
        assert notes and all(isinstance(n, Problem) and n.key for n in notes)
    assert localise(timeline.notes[0], "es") == (
        "1 días de pronóstico, del 2012-03-01 al 2012-03-01, contados desde el 2012-03-01")
    assert any("nivel en la regla +0,35 m" in localise(n, "es") for n in m.notes)


# ---------------------------------------------------------------------------------------------
# The command line and the app show them in the user's language
# ---------------------------------------------------------------------------------------------
def _printed(capsys, tmp_path: Path) -> list[str]:
    printed = capsys.readouterr()
    return [line.replace(str(tmp_path), "") for line in
            printed.out.splitlines() + printed.err.splitlines()]


def _unquoted(text: str) -> str:
    return re.sub(r"'[^']*'", "", text)


def test_the_stage_command_prints_its_notes_and_problems_in_spanish(tmp_path, capsys):
    from geo.cli import main

    forecast = tmp_path / "pronostico.csv"
    forecast.write_text("fecha,nivel\n2026-12-02,116.0\n2026-12-03,117.0\n",
                        encoding="utf-8")
    out = tmp_path / "s.gpkg"
    assert main(["--lang", "es", "stage", "--stages", "116:117:1", "--forecast",
                 str(forecast), "--today", "2026-12-02", "--out", str(out)]) == 0
    lines = _printed(capsys, tmp_path)
    notes = [line for line in lines if line.startswith(f"  {t('cli.note', 'es')}: ")]
    assert any("modelo de niveles: el agua del río llega a una celda" in n for n in notes)
    assert any("datum vertical: altura del agua en el datum del MDE" in n for n in notes)
    assert any("el agua parte de los ríos:" in n for n in notes)
    assert any("2 días de pronóstico, del 2026-12-02 al 2026-12-03" in n for n in notes)
    assert foreign_words([_unquoted(n) for n in notes], "es") == []

    forecast.write_text("fecha,nivel\n2026-12-02,116.0\nmañana,alto\n", encoding="utf-8")
    assert main(["--lang", "es", "stage", "--stages", "116", "--forecast", str(forecast),
                 "--out", str(out)]) != 0
    err = "\n".join(_printed(capsys, tmp_path))
    assert "pronostico.csv, fila 2, columna 'fecha': 'mañana' no es una fecha" in err
    assert "pronostico.csv, fila 2, columna 'nivel': 'alto' no es un nivel en metros" in err

    assert main(["--lang", "es", "stage", "--stages", "117:116:1", "--out", str(out)]) != 0
    err = "\n".join(_printed(capsys, tmp_path))
    assert "--stages: el rango '117:116:1' está vacío" in err
    assert "Traceback" not in err


def test_the_stage_panel_lists_the_models_notes_in_spanish():
    from streamlit.testing.v1 import AppTest

    from geo.analysis import PlanningRun
    from geo.inputs import load_sample

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                            default_timeout=180).run()
    app.toggle(key="stage_mode").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    box_ = next(e for e in app.expander if e.label == t("stage_model_notes", "es"))
    shown = [m.value.replace("\\", "") for m in box_.markdown]  # Markdown escapes removed
    notes = PlanningRun(load_sample()).stage_curves().notes
    assert shown and len(shown) == len(notes)
    assert any(s.startswith("- modelo de niveles: el agua del río") for s in shown)
    assert foreign_words(shown, "es") == []

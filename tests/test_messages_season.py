"""The season's messages (geo.season), the Dask scheduler's (geo.distributed), the workspace
reader's (geo.workspace) and a drawn area's (geo.analysis) read in Spanish and in English:
each is triggered here with tiny inputs, and the command line and the Temporada view show
them in the language asked for."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import TINY_CELL_M, TINY_CRS, TINY_ORIGIN_E, TINY_ORIGIN_N
from shapely.geometry import Point, Polygon, box
from wording import foreign_words

from geo.cli import main
from geo.distributed import SCHEDULER_ENV, executor
from geo.errors import FormatError, InputError, Problem
from geo.flood import open_flood
from geo.season import SeasonExtent, open_season, parse_date, season, season_sources

DAY = dt.date(2012, 3, 1)


def _problems(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.problems


def _in_both_languages(problems: list[Problem], *, allow: tuple[str, ...] = ()) -> None:
    """No English in the Spanish text, no Spanish in the English one, and the English text
    is what ``str()`` (the logs) gives."""
    for p in problems:
        assert p.key is not None, p
        assert foreign_words([p.text("es")], "es", allow=allow) == [], p.text("es")
        assert foreign_words([p.text("en")], "en", allow=allow) == [], p.text("en")
        assert str(p) == p.text("en")


def _by_key(problems: list[Problem]) -> dict[str, Problem]:
    return {p.key: p for p in problems}


@pytest.fixture
def depth_tif(write_tif):
    """A dated 4 × 4 depth extent: the left half 0.5 m deep, the right half dry."""
    depth = np.zeros((4, 4), dtype="float32")
    depth[:, :2] = 0.5
    return write_tif(depth, name=f"gfm_{DAY.isoformat()}.tif")


@pytest.fixture
def layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """One community over the whole extent and one centre on a wet cell."""
    x0, y1 = TINY_ORIGIN_E, TINY_ORIGIN_N
    community = box(x0, y1 - 4 * TINY_CELL_M, x0 + 4 * TINY_CELL_M, y1)
    communities = gpd.GeoDataFrame({"community_id": ["K1"], "district": ["Belén"],
                                    "population": [120]}, geometry=[community], crs=TINY_CRS)
    centres = gpd.GeoDataFrame({"centre_id": ["A1"]},
                               geometry=[Point(x0 + 15.0, y1 - 15.0)], crs=TINY_CRS)
    return communities, centres


# --- finding the extents (season_sources, parse_date) ----------------------------------------
def test_every_problem_with_the_seasons_files_reads_in_both_languages(tmp_path, depth_tif):
    (tmp_path / "vacia").mkdir()
    (tmp_path / "notas.txt").write_text("", encoding="utf-8")
    (tmp_path / "lista.csv").write_text(
        f"fecha,ruta\n2012-03-01,{depth_tif.name}\nmañana,b.tif\nsolo\n2012-03-01,otra.tif\n",
        encoding="utf-8")
    problems = _problems(season_sources, [
        str(tmp_path / "vacia"), str(tmp_path / "notas.txt"), str(tmp_path / "nada_*.tif"),
        str(tmp_path / "lista.csv"), f"2012-03-05={tmp_path / 'falta.tif'}"])
    keyed = _by_key(problems)
    assert set(keyed) == {"season_folder_no_raster", "season_no_date_in_name",
                          "season_pattern_no_match", "season_not_a_date",
                          "season_csv_row_short", "season_duplicate_date",
                          "season_file_missing"}
    # rows of the CSV are data rows (its header not counted), named the language's way
    assert keyed["season_not_a_date"].text("es") == (
        "lista.csv, fila 2: 'mañana' no es una fecha — escriba las fechas como AAAA-MM-DD, "
        "p. ej. 2012-03-15")
    assert keyed["season_not_a_date"].text("en") == (
        "lista.csv, row 2: 'mañana' is not a date — write dates as YYYY-MM-DD, e.g. 2012-03-15")
    assert keyed["season_csv_row_short"].text("es") == (
        "lista.csv, fila 3: se esperaba fecha,ruta — escriba en cada fila la fecha y la ruta "
        "del ráster, separadas por una coma")
    assert keyed["season_duplicate_date"].text("es") == (
        f"lista.csv, fila 4: dos extensiones para el 2012-03-01 — deje una por fecha (la otra "
        f"es {depth_tif}); junte antes las pasadas de un mismo día")
    assert keyed["season_no_date_in_name"].text("es").endswith(
        ": no hay una fecha en el nombre del archivo notas.txt — ponga la fecha en el nombre "
        "de cada archivo (…_2012-03-15.tif) o dé FECHA=RUTA")
    assert keyed["season_folder_no_raster"].text("es").endswith(
        "vacia: la carpeta no tiene ningún ráster")
    # the old English words are kept
    assert "two extents for 2012-03-01" in str(keyed["season_duplicate_date"])
    assert str(keyed["season_file_missing"]).endswith("falta.tif does not exist")
    _in_both_languages(problems)


def test_no_season_at_all_and_a_bad_date(tmp_path):
    (none,) = _problems(season_sources, [])
    assert none.text("es") == (
        "una temporada necesita al menos una extensión con fecha — --flood "
        "2012-03-15=extension.tif (se puede repetir), una carpeta, un patrón como gfm/*.tif o "
        "un CSV con filas fecha,ruta")
    (date,) = _problems(parse_date, "2012-13-40", source="--flood")
    assert date.text("es").startswith("--flood: '2012-13-40' no es una fecha")
    (empty,) = _problems(open_season, [])
    assert empty.text("es") == "una temporada necesita al menos una extensión con fecha"
    _in_both_languages([none, date, empty])


# --- the season itself -----------------------------------------------------------------------
def test_every_refusal_of_the_season_reads_in_both_languages(depth_tif, layers):
    communities, centres = layers
    extent = SeasonExtent(DAY, open_flood(depth_tif, name="d", kind="depth"))
    run = {"scheduler": "synchronous"}
    (share,) = _problems(season, [extent], communities, centres, wet_share=1.5, **run)
    assert share.text("es") == (
        "la parte del área observada que debe estar inundada tiene que estar en (0, 1]; se dio "
        "1,5 — p. ej. 0,5: la mitad del área observada")
    assert str(share) == "the wet share must be in (0, 1], got 1.5 — e.g. 0.5: half of the " \
                         "observed area"
    (none,) = _problems(season, [], communities, centres, **run)
    assert none.key == "season_no_extent"
    (twice,) = _problems(season, [extent, extent], communities, centres, **run)
    assert twice.text("es") == ("dos extensiones en una misma fecha: 2012-03-01 — deje una "
                                "extensión por fecha")
    assert str(twice).startswith("two extents for 2012-03-01")
    no_crs = _problems(season, [extent], communities.set_crs(None, allow_override=True),
                       centres.set_crs(None, allow_override=True), **run)
    assert [p.text("es") for p in no_crs] == [
        "la capa de comunidades necesita un sistema de coordenadas (CRS) — asígnele uno, p. ej. "
        "gdf.set_crs('EPSG:4326')",
        "la capa de albergues necesita un sistema de coordenadas (CRS) — asígnele uno, p. ej. "
        "gdf.set_crs('EPSG:4326')"]
    assert str(no_crs[1]).startswith("the centres need a CRS")
    (table,) = _problems(season, [extent], pd.DataFrame({"x": [1]}), centres, **run)
    assert table.text("es") == "los datos de comunidades deben ser una capa con geometrías"
    _in_both_languages([share, none, twice, *no_crs, table])


def test_the_seasons_notes_read_in_both_languages_with_numbers_written_their_way(
    depth_tif, write_tif, layers
):
    communities, centres = layers
    other = write_tif(np.zeros((4, 4), dtype="float32"), name="gfm_2012-03-02.tif",
                      crs="EPSG:32719")
    extents, kind_notes = open_season([(DAY, depth_tif), (DAY + dt.timedelta(days=1), other)])
    result = season(extents, communities, centres, threshold_m=0.25, wet_share=0.5,
                    scheduler="synchronous")
    notes = [*kind_notes, *result.notes]
    assert [n.key for n in notes] == ["season_note_kind_guessed", "season_note_crs",
                                      "season_note_tasks"]
    assert notes[-1].text("es") == (
        "2 extensiones en 2 grilla(s), 2 tareas; un día cuenta como inundado cuando ≥ 0,5 del "
        "área observada está inundada (profundidad ≥ 0,25 m); los días sin observación se "
        "cuentan aparte")
    assert "≥ 0.5 of the observed area" in notes[-1].text("en")
    _in_both_languages(notes)


# --- where the tasks run (geo.distributed) ---------------------------------------------------
def test_the_schedulers_problems_read_in_both_languages(monkeypatch):
    with pytest.raises(InputError) as info, executor(workers=0):
        pass
    (workers,) = info.value.problems
    assert workers.text("es") == "--workers debe ser al menos 1, no 0"

    with pytest.raises(InputError) as info, executor(scheduler="sin-puerto"):
        pass
    (address,) = info.value.problems
    assert address.text("es") == (
        f"no se puede conectar con el planificador de Dask en sin-puerto — revise la dirección "
        f"(--scheduler o {SCHEDULER_ENV}), o no dé ninguna para trabajar en esta máquina")
    # Dask's own reason: in the English text (and the logs) only
    assert str(address).startswith("cannot reach the Dask scheduler at sin-puerto (")
    assert "missing port" in str(address) and "port" not in address.text("es")

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(InputError) as info, executor(workers=2):
        pass
    (missing,) = info.value.problems
    assert missing.text("es").startswith(
        "el planificador distribuido de Dask no está instalado: no se puede iniciar ni "
        "contactar ningún clúster — instale las dependencias fijadas")
    _in_both_languages([workers, address, missing])


# --- reading a saved workspace (geo.workspace) -----------------------------------------------
def test_a_file_that_is_not_a_workspace_reads_in_both_languages_with_sqlites_reason(tmp_path):
    from geo.workspace import read_workspace

    text = tmp_path / "notas.gpkg"
    text.write_text("no soy un GeoPackage", encoding="utf-8")
    damaged = tmp_path / "roto.gpkg"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    plain = tmp_path / "base.gpkg"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t (a INTEGER)")
    db.close()
    problems = []
    for path in (text, damaged, plain):
        with pytest.raises(FormatError) as info:
            read_workspace(path)
        problems += info.value.problems
    assert {p.key for p in problems} == {"workspace_not_gpkg"}
    assert problems[0].text("es") == (
        "notas.gpkg: no es un trabajo de Crecida: el archivo no es un GeoPackage legible — abra "
        "el archivo .gpkg guardado con «Guardar trabajo»")
    assert [p.detail is not None for p in problems] == [False, True, False]
    assert "(file is not a database)" in str(problems[1])
    assert problems[1].text("es") == problems[0].text("es").replace("notas.gpkg", "roto.gpkg")
    _in_both_languages(problems)


def test_a_saved_note_keeps_its_library_reason(tmp_path):
    from geo.siting import SitingResult
    from geo.workspace import Workspace, read_workspace, write_workspace

    note = Problem.keyed("dask_unreachable", address="tcp://10.0.0.9:8786", env=SCHEDULER_ENV,
                         detail="Timed out trying to connect")
    point = Point(-73.25, -3.75)
    sites = SitingResult(
        gpd.GeoDataFrame({"site_id": ["N1"]}, geometry=[point], crs="EPSG:4326"),
        gpd.GeoDataFrame({"demand_id": ["K1"]}, geometry=[point], crs="EPSG:4326"),
        "coverage", "optimal", 1.0, 1.0, 1.0, 0.0, (note,))
    path = write_workspace(tmp_path / "w.gpkg", Workspace(inputs=(), sites=sites))
    (read,) = read_workspace(path).sites.notes
    assert read == note
    assert "Timed out" in read.text("en") and "Timed out" not in read.text("es")


# --- a drawn or given area (geo.analysis) ----------------------------------------------------
def test_an_unusable_area_reads_in_both_languages():
    from geo.analysis import PlanningRun
    from geo.inputs import load_sample

    run = PlanningRun(load_sample())
    (empty,) = _problems(run.evaluate, gpd.GeoSeries([None], crs="EPSG:4326"))
    assert empty.text("es") == "el área no es una geometría — dibuje o dé un polígono"
    with np.errstate(invalid="ignore"):  # shapely warns of the very coordinate tested
        nan = Polygon([(-73.25, -3.75), (-73.24, float("inf")), (-73.24, -3.74)])
    (infinite,) = _problems(run.evaluate, nan)
    assert infinite.text("es") == (
        "el área tiene coordenadas que no son números finitos (vacías o infinitas) — dibuje el "
        "área de nuevo, o corrija su archivo")
    _in_both_languages([empty, infinite])


# --- what the planner sees: the command line and the Temporada view --------------------------
@pytest.fixture
def cli_files(tmp_path, depth_tif, layers) -> list[str]:
    communities, centres = layers
    communities.to_file(tmp_path / "comunidades.gpkg")
    centres.to_file(tmp_path / "albergues.gpkg")
    return ["--communities", str(tmp_path / "comunidades.gpkg"),
            "--centres", str(tmp_path / "albergues.gpkg"), "--flood", str(depth_tif)]


def test_the_command_line_shows_the_seasons_problems_in_spanish(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRECIDA_LOG_DIR", str(tmp_path / "log"))
    (tmp_path / "lista.csv").write_text("fecha,ruta\nmañana,b.tif\n", encoding="utf-8")
    code = main(["--lang", "es", "season", "--flood", str(tmp_path / "lista.csv"),
                 "--scheduler", "synchronous", "--out", str(tmp_path / "t.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert ("crecida: error: lista.csv, fila 1: 'mañana' no es una fecha — escriba las fechas "
            "como AAAA-MM-DD, p. ej. 2012-03-15") in err
    assert foreign_words([err], "es") == []


def test_the_command_line_shows_daskss_problem_in_spanish_and_logs_its_reason(
    tmp_path, capsys, monkeypatch, cli_files
):
    monkeypatch.setenv("CRECIDA_LOG_DIR", str(tmp_path / "log"))
    code = main(["--lang", "es", "season", *cli_files, "--scheduler", "sin-puerto",
                 "--out", str(tmp_path / "t.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert "crecida: error: no se puede conectar con el planificador de Dask en sin-puerto" in err
    assert "missing port" not in err and foreign_words([err], "es") == []
    assert "missing port" in (tmp_path / "log" / "crecida.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_command_line_shows_the_seasons_notes_and_chart_in_the_language_asked(
    tmp_path, capsys, monkeypatch, cli_files, lang
):
    import geo.season

    drawn: list[str] = []
    figure = geo.season.season_figure
    monkeypatch.setattr(geo.season, "season_figure",
                        lambda timeline, **kw: drawn.append(kw.get("lang")) or figure(
                            timeline, **kw))
    code = main(["--lang", lang, "season", *cli_files, "--scheduler", "synchronous",
                 "--out", str(tmp_path / "t.gpkg")])
    out = capsys.readouterr().out
    assert code == 0 and drawn == [lang]
    if lang == "es":
        assert ("  nota: tipo de todas las extensiones deducido como 'profundidad' a partir de "
                "gfm_2012-03-01.tif; elíjalo con --flood-kind") in out
        assert "  nota: 1 extensiones en 1 grilla(s), 1 tareas; un día cuenta como inundado " \
               "cuando ≥ 0,5 del área observada" in out
    else:
        assert "  note: 1 extents on 1 grid(s), 1 tasks; a day counts as flooded when ≥ 0.5" in out
    notes = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(notes) == 2 and foreign_words(notes, lang) == []


def test_the_temporada_view_lists_the_seasons_notes_in_spanish():
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                            default_timeout=180).run()
    app = app.radio(key="view_es").set_value("season").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    (notes,) = [e for e in app.expander if e.label == t("season_notes", "es")]
    shown = [m.value.replace("\\", "") for m in notes.markdown]  # markdown escapes removed
    assert shown == [
        "- 3 extensiones en 1 grilla(s), 3 tareas; un día cuenta como inundado cuando ≥ 0,5 "
        "del área observada está inundada (profundidad ≥ 0,1 m); los días sin observación se "
        "cuentan aparte"]
    assert foreign_words(shown, "es") == []

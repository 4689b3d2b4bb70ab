"""Every word a planner sees is in the language they chose: no raw codes, no English in the
Spanish interface and no Spanish in the English one.

Four walks: every view of the app in both languages (AppTest: titles, captions, alerts,
metrics, widget labels and options, table headers and every table cell as shown, download
buttons, progress text, chart titles), the maps each view draws (tooltips, popups, legend,
layer names, the draw tool's texts, zoom and full-screen titles), every problem and note of the
bad input files, and the analysis' own messages. The lists below are the words that must not
appear; each is matched as a whole word.

Every problem and every note of the readers (``geo/io``, the rasters, the flood scenarios and
the session's checks) is keyed: its Spanish text is checked here, each note as the one warning
that carries it.
"""

from __future__ import annotations

import html
import re
import warnings
import zipfile
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, box
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from wording import foreign_words

from geo import settings
from geo.analysis import PlanningRun
from geo.errors import CrecidaError, CrecidaWarning, InputError, Problem, localise
from geo.format import format_number
from geo.i18n import STRINGS, t
from geo.inputs import load_inputs, load_sample
from geo.io import read_centres, read_communities
from geo.raster import open_raster
from geo.siting import site_reason
from geo.tables import scenario_label

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")

def _plain(markup: str) -> str:
    """Visible text of an HTML snippet."""
    return html.unescape(re.sub(r"<[^>]+>", " ", str(markup)))


def test_the_lists_catch_what_the_issueforeign_words():
    assert foreign_words(["Aforo: 40 (over_capacity)"], "es") == [
        ("over_capacity", "Aforo: 40 (over_capacity)")]
    assert [w for w, _ in foreign_words(["117.0 m – red alert", "Finish", "None"], "es")] == [
        "red alert", "Finish", "None"]
    assert foreign_words(["118,6 m – récord de 2012"], "es") == []
    assert [w for w, _ in foreign_words(["118,6 m – récord de 2012"], "en")] == ["récord"]
    assert foreign_words(["Nanay", "Open work", "Disponible"], "en") == []


# --------------------------------------------------------------------------- the app
def _shown(element) -> list[str]:
    arrow = element.proto.arrow_data
    frame = (dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
             if arrow.HasField("styler") else element.value)
    return [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]


def _texts(at: AppTest) -> list[str]:
    """Every text the page shows (both the main area and the sidebar)."""
    out: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error",
                 "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for metric in at.metric:
        out += [metric.label, str(metric.value)]
    for kind in ("button", "checkbox", "number_input", "text_area", "selectbox", "radio",
                 "multiselect"):
        for widget in getattr(at, kind):
            out.append(widget.label)
            out += [str(h) for h in (getattr(widget, "help", None),
                                     getattr(widget.proto, "placeholder", None)) if h]
            out += [str(o) for o in getattr(widget, "options", [])]
    out += [e.label for e in at.expander]
    for element in at.dataframe:
        out += _shown(element)
    for element in at.get("download_button"):
        out.append(element.proto.label)
    for element in at.get("progress"):
        out.append(element.proto.text)
    for element in at.get("arrow_vega_lite_chart"):
        out += re.findall(r'"title":\s*"([^"]*)"', element.proto.spec)
    return [t_ for t_ in out if t_ and t_.strip()]


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_view_speaks_one_language(lang):
    at = _run(AppTest.from_file(APP, default_timeout=240))
    at.radio(key="lang").set_value(lang)
    _run(at)
    seen: dict[str, list[str]] = {}
    for view in ("exposure", "catchment", "sites", "season", "export"):
        at.radio(key=f"view_{lang}").set_value(view)
        _run(at)
        if view == "sites":
            at.session_state["map_sites"] = {"last_active_drawing": {
                "type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                "coordinates": [[[-73.262, -3.742], [-73.252, -3.742], [-73.252, -3.734],
                                 [-73.262, -3.734], [-73.262, -3.742]]]}}}
            _run(at)
            at.button(key="optimise").click()
            _run(at)
            at.selectbox(key="objective").set_value("median")  # a stale result, with a note
            _run(at)
        seen[view] = _texts(at)
        assert not at.error, [e.value for e in at.error]
    assert len(seen["sites"]) > 50 and len(seen["export"]) > 20 and len(seen["season"]) > 40
    # the season's tables read as words: no column of the data model shows
    assert not {"days_flooded", "peak_flooded_share", "first_flooded"} & set(
        " ".join(seen["season"]).split())
    hits = {view: foreign_words(texts, lang) for view, texts in seen.items()}
    assert hits == {view: [] for view in seen}


def test_the_notes_on_an_upload_are_listed_once_each_in_the_users_language(tmp_path,
                                                                          monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"  # the app keeps uploads in the temp folder: this test's own
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    data = (b"codigo,nombre,latitud,longitud,personas\n"
            b"A1,Uno,-3.75,-73.25,10\nA1,Dos,-3.76,-73.26,20\n")
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.file_uploader(key="upload_centres").set_value(("lista.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    for lang in ("es", "en"):
        at.radio(key="lang").set_value(lang)
        _run(at)
        boxes = [e for e in at.expander if e.label == t("warnings_header", lang)]
        assert len(boxes) == 1
        shown = [m.value.replace("\\", "") for m in boxes[0].markdown]
        expected = {"es": "lista.csv: códigos repetidos hechos únicos: A1→A1-2",
                    "en": "lista.csv: duplicate id(s) made unique: A1→A1-2"}[lang]
        assert shown.count(f"- {expected}") == 1, shown
        assert len(shown) == len(set(shown)) >= 3  # ids, kinds, statuses: each once
        # the file's own column ('personas') is named as the file names it
        assert foreign_words(shown, lang, allow=("personas",)) == []


# --------------------------------------------------------------------------- the maps
def _map_texts(element) -> list[str]:
    """What a map shows people: tooltips, popups, legend, layer names, controls' texts."""
    from layers.legend import Legend
    from layers.map import DrawLocale, MapControls

    out: list[str] = []
    stack = [element]
    while stack:
        el = stack.pop()
        stack.extend(getattr(el, "_children", {}).values())
        if getattr(el, "control", False) and getattr(el, "layer_name", None):
            out.append(_plain(el.layer_name))
        if isinstance(el, folium.GeoJson):
            for feature in el.data.get("features", []):
                for key in ("tip", "popup"):
                    if key in feature.get("properties", {}):
                        out.append(_plain(feature["properties"][key]))
        if isinstance(el, folium.Tooltip):
            out.append(_plain(el.text))
        if isinstance(el, folium.Html):
            out.append(_plain(el.data))
        if isinstance(el, Legend):
            out += [_plain(el.content), el.hide, el.show]
        if isinstance(el, MapControls):
            out += [el.zoom_in, el.zoom_out]
        if isinstance(el, DrawLocale):
            flat = [el.texts]
            while flat:
                node = flat.pop()
                for value in node.values():
                    (flat.append(value) if isinstance(value, dict)
                     else out.append(_plain(value)))
        if isinstance(el, folium.plugins.Fullscreen):
            out += [el.options["title"], el.options["title_cancel"]]
    return [o for o in out if o.strip()]


@pytest.fixture(scope="module")
def sample_run():
    run = PlanningRun(load_sample())
    _ = run.exposure
    return run


def _sample_season(run):
    """The sample's three scenarios as three dates (as the Temporada view shows them)."""
    import datetime as dt

    from geo.season import SeasonExtent

    start = dt.date(2012, 3, 1)
    return run.season([SeasonExtent(start + dt.timedelta(days=k), sc)
                       for k, sc in enumerate(run.inputs.scenarios.values())],
                      scheduler="synchronous")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_map_speaks_one_language(sample_run, lang):
    from layers.catchment import assignment_layers, catchment_legend
    from layers.flood import flood_overlay
    from layers.map import build_map
    from layers.season import season_day_layer, season_days_layer, season_legend
    from layers.sites import drawn_areas_layer, sites_layer, sites_legend, suitability_layer

    run = sample_run
    name = run.scenario_name()
    inputs = run.inputs
    overlay = flood_overlay(inputs.scenarios[name])
    label = scenario_label(name, lang)
    exposure = build_map(lang=lang, centres=run.centres(name), communities=run.communities(name),
                         flood=overlay, flood_name=label, districts=inputs.districts,
                         rivers=inputs.rivers)
    catchment = build_map(lang=lang, centres=run.centres(name), flood=overlay, flood_name=label,
                          districts=inputs.districts, rivers=inputs.rivers,
                          extra_layers=assignment_layers(run.catchment(name), run.centres(name),
                                                         lang=lang),
                          extra_legend=[catchment_legend(lang=lang)],
                          place_names=run.communities(name))
    plan = run.optimise(2, scenario=name)
    sites = build_map(lang=lang, centres=run.centres(name), flood=overlay, flood_name=label,
                      districts=inputs.districts, rivers=inputs.rivers, draw=True,
                      extra_layers=[suitability_layer(run.suitability(name).polygons, lang=lang)],
                      extra_legend=[sites_legend(lang=lang)],
                      top_layers=[sites_layer(plan.new_sites, lang=lang),
                                  drawn_areas_layer([box(-73.26, -3.74, -73.25, -3.73)],
                                                    lang=lang)])
    season = _sample_season(run)
    season_maps = [build_map(lang=lang, districts=inputs.districts, rivers=inputs.rivers,
                             extra_layers=[layer], extra_legend=[season_legend(lang=lang, day=d)])
                   for layer, d in ((season_days_layer(season, lang=lang), False),
                                    (season_day_layer(season, season.dates[1], lang=lang), True))]
    texts = {view: _map_texts(fmap) for view, fmap in
             (("exposure", exposure), ("catchment", catchment), ("sites", sites),
              ("season_days", season_maps[0]), ("season_day", season_maps[1]))}
    assert all(len(v) > 40 for k, v in texts.items() if not k.startswith("season"))
    assert all(len(v) > 10 for k, v in texts.items() if k.startswith("season"))
    assert {view: foreign_words(v, lang) for view, v in texts.items()} == {v: [] for v in texts}
    html_page = exposure.get_root().render()
    assert "imperial: false" in html_page and f'"localization": "{lang}"' in html_page
    # the Spanish draw tool says Terminar, never Finish
    draw_words = " ".join(_map_texts(sites))
    assert (t("drawlocal.draw.toolbar.finish.text", lang) in draw_words)


def test_numbers_are_written_the_spanish_way_in_popups_and_reasons(sample_run):
    from layers.communities import community_tooltip_html

    communities = sample_run.communities()
    big = communities.loc[communities["population"].idxmax()]
    tip = _plain(community_tooltip_html(big, lang="es"))
    assert format_number(big["population"], "es") in tip
    assert big["population"] < 10_000 or "\u00a0" in format_number(big["population"], "es")
    site = {"covered_weight": 31980.1425, "assigned_weight": 31980.1425,
            "covered_weight_total": 31980.1425, "capacity_persons": 31981.0,
            "nearest_existing_name": "Coliseo", "nearest_existing_m": 2450.0,
            "served_communities": "Belén; Punchana"}
    reason = site_reason(site, objective="coverage", service_distance_m=5000.0, lang="es")
    assert reason == ("da lugar a 31\u00a0980 personas sin albergue a menos de 5 km (Belén, "
                      "Punchana); albergue operativo más cercano: Coliseo, a 2,5 km")


# --------------------------------------------------------------------------- messages
def _write_tif(path: Path, *, crs: str | None, origin=(694000, 9585600)) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32",
                       crs=crs, transform=from_origin(*origin, 30, 30)) as ds:
        ds.write(np.zeros((1, 2, 2), dtype="float32"))
    return path


def _csv(tmp_path: Path, text: str, name: str = "albergues.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _zip(tmp_path: Path, name: str, members: dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


#: The bad input files of ``test_io_bad_inputs.py``, rebuilt here with the user's own (Spanish)
#: column names: (case, how to read it).
BAD_INPUTS = {
    "empty": lambda p: read_centres(_csv(p, "", "vacio.csv")),
    "header_only": lambda p: read_centres(_csv(p, "nombre,latitud,longitud\n")),
    "no_coordinates": lambda p: read_centres(_csv(p, "nombre,familias\nA,3\n")),
    "bad_coordinates": lambda p: read_centres(_csv(
        p, "nombre,latitud,longitud\nA,-3.7,abc\nB,,-73.2\nC,95,-73.2\n")),
    "projected": lambda p: read_centres(_csv(p, "nombre,x,y\nA,694025,9585523\n")),
    "unknown_status": lambda p: read_centres(_csv(
        p, "nombre,latitud,longitud,estado\nA,-3.75,-73.25,quizás\n")),
    "negative_counts": lambda p: read_centres(_csv(
        p, "nombre,latitud,longitud,familias\nA,-3.75,-73.25,-2\n")),
    "lines_as_communities": lambda p: read_communities(_gpkg(p)),
    "corrupt": lambda p: read_centres(_csv(p, "\x00\x01garbage", "albergues.xlsx")),
    "zip_without_shp": lambda p: read_centres(_zip(p, "capa.zip", {"leeme.txt": b"x"})),
    "raster_without_crs": lambda p: open_raster(_write_tif(p / "sin_crs.tif", crs=None)),
    "not_found": lambda p: read_centres(p / "no_existe.csv"),
    "layers_do_not_overlap": lambda p: load_inputs(
        centres=_csv(p, "nombre,latitud,longitud\nA,-3.75,-73.25\n"),
        floods=[("lejos", _write_tif(p / "lejos.tif", crs="EPSG:32718",
                                     origin=(300000, 8000000)))]),
}


def _gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "comunidades.gpkg"
    gpd.GeoDataFrame({"nombre": ["A"]}, geometry=[LineString([(-73.25, -3.75),
                                                              (-73.24, -3.74)])],
                     crs=4326).to_file(path, engine="pyogrio")
    return path


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_every_problem_of_a_bad_input_file_is_in_spanish(tmp_path, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrecidaWarning)
        with pytest.raises(CrecidaError) as info:
            BAD_INPUTS[case](tmp_path)
    problems = getattr(info.value, "problems", None) or [Problem(str(info.value))]
    texts = [localise(p, "es") for p in problems]
    assert texts and foreign_words(texts, "es") == []


WARNING_INPUTS = {
    "swapped": "nombre,latitud,longitud\nA,-73.25,-3.75\nB,-73.30,-3.80\n",
    "duplicate_ids": "codigo,nombre,latitud,longitud\nA1,x,-3.75,-73.25\nA1,y,-3.76,-73.25\n",
    "far_away": "nombre,latitud,longitud\nA,-3.75,-73.25\nB,-12.05,-77.04\n",
    "persons_missing": "nombre,latitud,longitud,familias\nA,-3.75,-73.25,3\n",
}


@pytest.mark.parametrize("case", list(WARNING_INPUTS))
def test_every_note_about_a_file_is_in_spanish(tmp_path, case):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CrecidaWarning)
        gdf = read_centres(_csv(tmp_path, WARNING_INPUTS[case]))
    notes = [w.message.args[0] for w in caught if issubclass(w.category, CrecidaWarning)]
    # one warning per note, carrying the keyed note itself
    assert notes == gdf.attrs["notes"] and len(notes) > 1
    assert all(isinstance(n, Problem) and n.key and n.source == "albergues.csv" for n in notes)
    texts = [localise(n, "es") for n in notes]
    assert foreign_words(texts, "es") == []


@pytest.mark.parametrize("argv", [
    ["validate"],
    ["exposure", "--out", "{tmp}/e.gpkg"],
    ["catchment", "--out", "{tmp}/c.gpkg"],
    ["siting", "--count", "2", "--out", "{tmp}/s.gpkg"],
    ["evaluate", "--bbox=-73.262,-3.742,-73.252,-3.734", "--out", "{tmp}/a.gpkg"],
    ["export", "--out", "{tmp}/x.kml"],
], ids=lambda argv: argv[0])
def test_every_command_line_result_is_in_spanish(tmp_path, capsys, argv):
    """What the commands print with ``--lang es`` (results, notes, warnings): the names of the
    layers written keep the names QGIS lists them by (``coverage``); paths are left out."""
    from geo.cli import main

    assert main(["--lang", "es", *(a.format(tmp=tmp_path) for a in argv)]) == 0
    printed = capsys.readouterr()
    lines = [line.replace(str(tmp_path), "") for line in
             printed.out.splitlines() + printed.err.splitlines()]
    assert lines
    assert foreign_words([_unquoted(line) for line in lines], "es", allow=("coverage",)) == []


def test_the_stage_table_is_headed_in_the_users_language():
    from geo.cli import _Speaker

    for lang in ("es", "en"):
        headers = [_Speaker(lang).word(f"cli.stage.col_{c}")
                   for c in ("stage", "flooded", "isolated", "exposed")]
        assert foreign_words(headers, lang) == []
    assert "  ".join(t(f"cli.stage.col_{c}", "en") for c in (
        "stage", "flooded", "isolated", "exposed")) == (
        "stage (m)  centres flooded  centres isolated  people exposed")


def test_the_analysis_messages_are_written_in_both_languages():
    """Every keyed message and fix of the analysis (siting, catchment, travel, areas,
    scenarios, workspace) reads as Spanish in Spanish and English in English."""
    prefixes = ("siting_", "layer_no_crs", "no_weight", "weight_", "no_centre_id", "centres_not",
                "unknown_distance", "flood_aware", "travel_", "no_scenario", "no_rows", "bbox_",
                "sites_count", "demand_and", "unknown_layers", "area_", "workspace_")
    keys = [k for k in STRINGS if k.startswith(("msg.", "fix."))
            and k.split(".", 1)[1].startswith(prefixes)]
    assert len(keys) > 80
    for lang in ("es", "en"):
        # A value typed on the command line or in Python ('flood-aware', 'centre_id') is quoted
        # as it must be typed: not a leak, so quoted tokens are left out of the check.
        texts = [_unquoted(t(k, lang, **_dummy_values(k))) for k in keys]
        # In English these are plain words of a command-line user's message (and an example
        # column name), not codes leaking into a page.
        allow = ("flood-aware", "unreachable", "NaN", "personas") if lang == "en" else ()
        assert foreign_words(texts, lang, allow=allow) == [], lang


def _unquoted(text: str) -> str:
    return re.sub(r"'[^']*'", "", text)


def _dummy_values(key: str) -> dict[str, str]:
    """A value for each placeholder of ``key`` (numbers: they are neither language)."""
    import string

    return {f: "7" for _, f, _, _ in string.Formatter().parse(STRINGS[key]["es"]) if f}


def test_an_analysis_error_reads_in_spanish():
    from geo.siting import SiteOptimiser

    with pytest.raises(InputError) as info:
        SiteOptimiser.from_cost_matrix(np.ones((2, 2)), np.ones(3), k=5, objective="centre")
    text = info.value.text("es")
    assert text.startswith("3 problemas encontrados:")
    assert "objetivo desconocido 'centre'" in text
    assert foreign_words([_unquoted(text)], "es") == []


def test_sample_scenarios_are_named_in_both_languages():
    from geo.inputs import sample_manifest

    for scenario in sample_manifest()["scenarios"]:
        es, en = (scenario_label(scenario["name"], lang) for lang in ("es", "en"))
        assert es != en and foreign_words([es], "es") == [] and foreign_words([en], "en") == []
        assert en == scenario["name"]
    assert scenario_label("radar 12 mar", "es") == "radar 12 mar"  # a user's own name stays


def test_every_need_has_its_unit_and_source_in_both_languages():
    for item in settings.NEEDS_PROFILE:
        for part in ("need_unit", "need_source"):
            assert f"{part}.{item}" in STRINGS, (part, item)
    assert foreign_words([t(f"need_source.{i}", "es") for i in settings.NEEDS_PROFILE], "es") == []

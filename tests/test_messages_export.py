"""The problems of exports, depth classes, needs and the sites' allocation, in Spanish and
English: each one triggered with a tiny input, read in both languages, and shown in the user's
language by the command line."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import pytest
from shapely.geometry import Point
from wording import foreign_words

from geo import export as ex
from geo.cli import _sites, _Speaker, main
from geo.depth import depth_classes
from geo.errors import CRSError, InputError, OutputError, Problem, SolverError
from geo.export.briefing import briefing_from_layers
from geo.export.failures import IncompleteFileError, output_errors
from geo.export.frames import pick_layer, prepare_layers
from geo.export.raster import label_depth_classes
from geo.needs import needs_for_persons
from geo.provenance import build_provenance
from geo.siting import SiteOptimiser, plan_sites

UTM = "EPSG:32718"
X0, Y0 = 700_000.0, 9_580_000.0


# --- Tiny inputs ------------------------------------------------------------------------------
@pytest.fixture
def prov(tmp_path):
    source = tmp_path / "centres.csv"
    source.write_bytes(b"abc")
    return build_provenance({"centres": source}, parameters={"threshold_m": 0.1},
                            scenario="118.6 m", is_sample=True, producer="OIM Perú")


@pytest.fixture
def centres(tiny_centres) -> gpd.GeoDataFrame:
    return tiny_centres.assign(scenario="118.6 m", flood_status="flooded")


def _problems(call) -> list[Problem]:
    """The problems of the Crecida error that ``call()`` raises."""
    with pytest.raises((InputError, OutputError, SolverError)) as info:
        call()
    return info.value.problems


def _extent(codes, low, high) -> gpd.GeoDataFrame:
    """A flood extent layer with depth classes and their bounds as given."""
    return gpd.GeoDataFrame({"depth_class": codes, "depth_min_m": low, "depth_max_m": high},
                            geometry=[Point(-73.25, -3.75)] * len(codes), crs=4326)


class _NoAnswer(pulp.LpSolver):
    """A solver that gives up without a solution."""

    def available(self):
        return True

    def actualSolve(self, lp, **kwargs):
        lp.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        return lp.status


class _StoppedAtLimit(pulp.PULP_CBC_CMD):
    """CBC that reports its answer as found at the time limit."""

    def actualSolve(self, lp, **kwargs):
        status = super().actualSolve(lp, **kwargs)
        lp.sol_status = pulp.LpSolutionIntegerFeasible
        return status


def _siting(solver):
    """plan_sites on 3 demand points, 3 candidates and 1 open centre, with ``solver``."""
    def pts(xs):
        return [Point(X0 + x, Y0) for x in xs]
    demand = gpd.GeoDataFrame({"demand_id": ["d1", "d2", "d3"],
                               "displaced_est": [40.0, 25.0, 10.0]},
                              geometry=pts([0, 3000, 6000]), crs=UTM)
    cands = gpd.GeoDataFrame({"candidate_id": ["c1", "c2", "c3"]},
                             geometry=pts([100, 3100, 6100]), crs=UTM)
    centres = gpd.GeoDataFrame({"centre_id": ["e1"], "status": ["open"],
                                "flood_status": ["dry"]}, geometry=pts([9000]), crs=UTM)
    return lambda: plan_sites(demand, centres, k=2, candidates=cands, basis="all",
                              service_distance_m=500, solver=solver)


# --- Every message, by the call that makes it ---------------------------------------------------
def _cases(tmp_path, prov, centres, monkeypatch):
    """(key, call) for every keyed message: ``call()`` raises the error that carries it."""
    big = gpd.GeoDataFrame({"value": np.full(23, 1e16)},
                           geometry=[Point(-73.25, -3.75)] * 23, crs=4326)
    at_half = briefing_from_layers({"centres_exposure": centres}, provenance=prov, lang="en",
                                   threshold_m=0.5)
    classes = depth_classes(0.1)

    def incomplete():
        with output_errors(Path("salida") / "c.tif"):
            raise IncompleteFileError("c.tif")

    def allocation():
        import geo.siting.optimise as optimise

        with monkeypatch.context() as patch:
            patch.setattr(optimise, "linprog", lambda *a, **k: SimpleNamespace(
                status=2, message="The problem is infeasible."))
            SiteOptimiser.from_cost_matrix(np.array([[100.0, 500.0], [300.0, 200.0]]),
                                           np.array([50.0, 30.0]), service_distance_m=1000.0,
                                           k=1, capacity=np.array([40.0, 100.0])).solve()

    layers = {"centres_exposure": centres}
    return [
        ("export_tif_needs_flood",
         lambda: ex.export(layers, tmp_path / "a.tif", provenance=prov)),
        ("export_html_no_writer",
         lambda: ex.export(layers, tmp_path / "a.html", provenance=prov)),
        ("export_briefing_threshold",
         lambda: ex.export(layers, tmp_path / "a.pdf", provenance=prov, briefing=at_half)),
        ("export_not_a_frame",
         lambda: prepare_layers({"tabla": pd.DataFrame()}, scenario=None, need_layers=True)),
        ("layer_no_crs",
         lambda: prepare_layers({"centres_exposure": centres.set_crs(None, allow_override=True)},
                                scenario=None, need_layers=True)),
        ("export_no_layers", lambda: prepare_layers({}, scenario=None, need_layers=True)),
        ("export_scenario_unknown",
         lambda: prepare_layers(layers, scenario="117 m", need_layers=True)),
        ("export_layer_unknown", lambda: pick_layer(layers, "carreteras")),
        ("export_depth_codes_unknown",
         lambda: label_depth_classes(_extent([9], [np.nan], [np.nan]), classes, lang="es",
                                     name="flood_extent")),
        ("export_depth_span_differs",
         lambda: label_depth_classes(_extent([1, 2, 3], [0.5, 1.5, np.nan],
                                             [1.5, np.nan, np.nan]),
                                     classes, lang="es", name="flood_extent")),
        ("output_write_failed", incomplete),  # its reason: msg.export_file_incomplete
        ("export_more_too_large",
         lambda: ex.export({"grande": big}, tmp_path / "a.shp.zip", provenance=prov)),
        ("depth_code_unknown", lambda: classes.label(9)),
        ("depth_threshold", lambda: depth_classes(-0.5)),
        ("depth_threshold_not_a_number", lambda: depth_classes(float("nan"))),
        ("depth_edges_not_numbers", lambda: depth_classes(classes_m=(0.1, float("nan")),
                                                          rates=(0.1, 0.5))),
        ("depth_edges_not_increasing", lambda: depth_classes(classes_m=(0.5, 0.1, 1.5))),
        ("depth_rates_count", lambda: depth_classes(classes_m=(0.1, 0.5))),
        ("depth_rates_range", lambda: depth_classes(rates=(0.1, 0.5, 1.2))),
        ("needs_rate_basis", lambda: needs_for_persons(10, profile={"x": {"unit": "kits"}})),
        ("needs_rate_not_a_number",
         lambda: needs_for_persons(10, profile={"x": {"per_person": "many"}})),
        ("needs_rate_negative", lambda: needs_for_persons(10, profile={"x": {"per_person": -1}})),
        ("needs_family_size", lambda: needs_for_persons(10, persons_per_family=0)),
        ("needs_family_size_not_a_number",
         lambda: needs_for_persons(10, persons_per_family=math.nan)),
        ("siting_allocation_failed", allocation),
        ("siting_time_limit", _siting(_StoppedAtLimit(msg=False))),
        ("siting_greedy", _siting(_NoAnswer())),
    ]


def test_every_message_is_keyed_and_reads_in_one_language(tmp_path, prov, centres, monkeypatch):
    seen = set()
    for key, call in _cases(tmp_path, prov, centres, monkeypatch):
        problems = _problems(call)
        keys = [p.key for p in problems]
        assert key in keys, (key, [str(p) for p in problems])
        assert None not in keys, [str(p) for p in problems]
        for problem in problems:
            seen.add(problem.key)
            # a layer's or an item's name in the data is a name (e.g. the file "c.tif")
            assert foreign_words([problem.text("es")], "es") == [], problem.text("es")
            assert foreign_words([problem.text("en")], "en") == [], problem.text("en")
            assert problem.text("es") != problem.text("en")
    assert {"export_depth_other_threshold", "shapefile_number_too_large"} <= seen


def test_a_layer_of_another_threshold_reads_in_spanish():
    frame = _extent([1, 2, 3], [0.5, 1.5, np.nan], [1.5, np.nan, np.nan])
    with pytest.raises(InputError) as info:
        label_depth_classes(frame, depth_classes(0.1), lang="es", name="flood_extent")
    assert info.value.text("es").splitlines() == [
        "4 problemas encontrados:",
        "  - flood_extent: la clase de profundidad 1 abarca 0,5–1,5 m aquí, pero 0,1–0,5 m con "
        "el umbral de inundación de 0,1 m",
        "  - flood_extent: la clase de profundidad 2 abarca 1,5 m o más aquí, pero 0,5–1,5 m con "
        "el umbral de inundación de 0,1 m",
        "  - flood_extent: la clase de profundidad 3 abarca sin límites (agua de profundidad "
        "desconocida) aquí, pero 1,5 m o más con el umbral de inundación de 0,1 m",
        "  - flood_extent: las clases de profundidad de la capa no son las del umbral de "
        "inundación de 0,1 m de la exportación — prepare las capas y la exportación con el "
        "mismo umbral de inundación (threshold_m)",
    ]
    # the English words of before, kept for logs and English users
    assert "depth class 1 spans 0.5–1.5 m here but 0.1–0.5 m at the 0.1 m flood threshold" \
        in str(info.value)
    assert "1.5 m and over here" in str(info.value)


def test_depth_class_problems_write_numbers_the_spanish_way():
    with pytest.raises(InputError) as info:
        depth_classes(-0.5, classes_m=(0.5, 0.1), rates=(0.1, 0.5, 1.0))
    assert info.value.text("es").splitlines() == [
        "3 problemas encontrados:",
        "  - el umbral de inundación (-0,5 m) debe ser una profundidad mayor que 0 m — p. ej. "
        "0,1 (metros)",
        "  - las clases de profundidad 0,5; 0,1 deben ser límites crecientes (m) — p. ej. "
        "0,1; 0,5; 1,5",
        "  - 3 tasas de desplazamiento para 2 clases de profundidad — dé una tasa por clase",
    ]
    assert "depth classes 0.5, 0.1 must be increasing edges (m)" in str(info.value)


def test_needs_problems_read_in_spanish():
    with pytest.raises(InputError) as info:
        needs_for_persons(10, profile={"agua": {"per_person": -1.5}})
    assert info.value.text("es") == (
        "en el perfil de necesidades, la tasa del artículo 'agua' (-1,5) debe ser 0 o más")
    with pytest.raises(InputError) as info:
        needs_for_persons(10, persons_per_family=0)
    assert info.value.text("es") == (
        "el número de personas por familia debe ser mayor que 0, no 0")


def test_a_file_found_incomplete_is_said_in_spanish():
    with pytest.raises(OutputError) as info, output_errors(Path("salida") / "c.tif"):
        raise IncompleteFileError("c.tif")
    assert info.value.text("es").startswith(
        f"no se pudo escribir {Path('salida') / 'c.tif'}: el archivo escrito quedó incompleto")
    assert "the file written is incomplete" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)


def test_a_solver_error_reads_in_the_users_language(monkeypatch):
    with pytest.raises(SolverError) as info:
        _siting(_StoppedAtLimit(msg=False))()
    assert info.value.best is not None
    text = info.value.text("es")
    assert text.startswith("CBC se detuvo al límite de ")
    assert foreign_words([text], "es") == []
    assert "time limit" in str(info.value)  # str() stays English, for logs
    # a plain string (a programming error's words) is kept as it is
    assert SolverError("no layers: call solve() first").text("es") == (
        "no layers: call solve() first")


# --- Shown in the user's language: the command line -------------------------------------------
def test_the_command_line_shows_an_export_problem_in_spanish(tmp_path, capsys):
    code = main(["export", "--lang", "es", "--layer", "carreteras",
                 "--out", str(tmp_path / "a.geojson")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no hay ninguna capa 'carreteras' para exportar — elija una de: " in err
    assert "there is no layer" not in err


def test_the_command_line_warns_of_a_best_feasible_answer_in_spanish(capsys):
    best = object()
    problem = Problem.keyed("siting_allocation_failed", detail="HiGHS gave up")

    def optimise(*args, **kwargs):
        raise SolverError(problem, best=best)

    run = SimpleNamespace(optimise=optimise)
    args = SimpleNamespace(count=2, objective="coverage", site_area_m2=None)
    assert _sites(run, args, _Speaker("es"), "118.6 m") is best
    err = capsys.readouterr().err
    assert ("falló la asignación de personas a los sitios — vuelva a intentarlo; si vuelve a "
            "fallar, envíe los datos de entrada a quien le da soporte de Crecida — se usa la "
            "mejor respuesta factible") in err
    assert "HiGHS" not in err


def test_the_command_line_shows_a_solver_error_in_spanish(monkeypatch, tmp_path, capsys):
    from geo.analysis import PlanningRun

    def optimise(self, *args, **kwargs):
        raise SolverError(Problem.keyed("siting_allocation_failed", detail="HiGHS gave up"))

    monkeypatch.setattr(PlanningRun, "optimise", optimise)
    code = main(["siting", "--lang", "es", "--count", "1", "--out", str(tmp_path / "s.gpkg")])
    assert code == 2
    err = capsys.readouterr().err
    assert "falló la asignación de personas a los sitios" in err
    assert "allocation" not in err


def test_layer_without_crs_names_the_layer_in_both_languages(centres):
    with pytest.raises(CRSError) as info:
        prepare_layers({"centres_exposure": centres.set_crs(None, allow_override=True)},
                       scenario=None, need_layers=True)
    assert info.value.text("es") == ("centres_exposure: la capa no tiene sistema de coordenadas "
                                     "(CRS) — asígnele uno, p. ej. EPSG:4326")


# --- Shown in the user's language: the app -----------------------------------------------------
def test_the_app_shows_a_solver_error_in_spanish(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo.analysis import PlanningRun

    def optimise(self, *args, **kwargs):
        raise SolverError(Problem.keyed("siting_allocation_failed", detail="HiGHS gave up"))

    monkeypatch.setattr(PlanningRun, "optimise", optimise)
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                            default_timeout=180).run()
    app.radio(key="view_es").set_value("sites").run()
    app.button(key="optimise").click().run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [e.value for e in app.error]
    assert any(v.startswith("falló la asignación de personas a los sitios — vuelva a "
                            "intentarlo") for v in shown), shown
    assert not any("allocation" in v or "HiGHS" in v for v in shown), shown


def test_the_app_export_view_shows_an_export_problem_in_spanish(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo.analysis import PlanningRun

    def export(self, out, **kwargs):  # the exporter's own refusal, as export() raises it
        return pick_layer({"centres_exposure": None}, "carreteras")

    monkeypatch.setattr(PlanningRun, "export", export)
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                            default_timeout=180).run()
    app.radio(key="view_es").set_value("export").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [e.value for e in app.error]
    assert "no hay ninguna capa 'carreteras' para exportar — elija una de: centres_exposure" \
        in shown, shown

"""The edges a planner touches — the command line and the app — under hostile options, failing
disks and unexpected errors: a clean message in the user's language, never a traceback, never
work started on options that would give a wrong answer (issue 13).

Every test runs with Python's temporary folder and Crecida's log folder redirected to folders
of its own; nothing may be left in the temporary one.
"""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo.inputs
import geo.io
from geo import crashlog
from geo.analysis import PlanningRun
from geo.cli import default_language, main, printable
from geo.errors import localise
from geo.i18n import t

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _nothing_left_in_temp(clean_temp):
    """Every test here leaves Python's temp folder empty (conftest's ``clean_temp``)."""
    return clean_temp


@pytest.fixture
def no_work(monkeypatch):
    """Loading the inputs fails the test: the command must stop before any work."""
    def refuse(*args, **kwargs):
        raise AssertionError("the inputs were loaded: work started")

    monkeypatch.setattr(geo.inputs, "load_inputs", refuse)


def _stderr_lines(capsys) -> list[str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return captured.err.splitlines()


# --- Options refused before any work --------------------------------------------------------------
@pytest.mark.parametrize(("options", "source", "words"), [
    (["--threshold", "nan"], "--threshold", "must be a finite number, not nan"),
    (["--threshold", "inf"], "--threshold", "must be a finite number, not inf"),
    (["--threshold", "0"], "--threshold", "0 is outside the accepted range"),
    (["--threshold", "-0.2"], "--threshold", "-0.2 is outside the accepted range"),
    (["--threshold", "1e300"], "--threshold", "1e+300 is outside the accepted range"),
    (["--access-radius", "NaN"], "--access-radius", "must be a finite number, not nan"),
    (["--access-radius", "-1"], "--access-radius", "-1 is outside the accepted range"),
    (["--service-distance=-inf"], "--service-distance", "must be a finite number, not -inf"),
    (["--max-distance", "nan"], "--service-distance", "must be a finite number, not nan"),
    (["--radius", "1e20"], "--service-distance", "1e+20 is outside the accepted range"),
    (["--count", "0"], "--count", "0 is outside the accepted range"),
    (["--count", "100000"], "--count", "100000 is outside the accepted range"),
    (["--bbox=nan,-3.8,-73.2,-3.7"], "--bbox west", "must be a finite number, not nan"),
    (["--bbox=-73.2,-3.8,-73.3,-3.7"], None, "west -73.2 must be less than east -73.3"),
])
def test_bad_options_are_refused_before_any_work(tmp_path, capsys, no_work, options, source,
                                                 words):
    out = tmp_path / "x.gpkg"
    code = main(["--lang", "en", "export", *options, "--out", str(out)])
    assert code == 2
    lines = _stderr_lines(capsys)
    assert lines[0].startswith("crecida: error: ")
    assert any(words in line and (source is None or f"{source}: " in line) for line in lines)
    assert not out.exists()


@pytest.mark.parametrize("text", ["abc", "1,5"])
def test_options_that_are_not_numbers_are_usage_errors(capsys, text):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "es", "exposure", "--threshold", text, "--out", "x.gpkg"])
    assert exit_.value.code == 2
    assert f"'{text}' no es un número" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["exposure", "catchment", "siting"])
def test_geopackage_commands_refuse_another_extension_before_any_work(tmp_path, capsys,
                                                                     no_work, command):
    extra = ["--count", "2"] if command == "siting" else []
    code = main(["--lang", "en", command, *extra, "--out", str(tmp_path / "r.csv")])
    assert code == 2
    assert any("'r.csv' does not end in .gpkg — give --out NAME.gpkg" in line
               for line in _stderr_lines(capsys))


@pytest.mark.parametrize("case", ["folder", "parent_is_a_file"])
def test_unusable_out_is_refused_before_any_work(tmp_path, capsys, no_work, case):
    if case == "folder":
        out = tmp_path / "salida.kml"
        out.mkdir()
        expected = f"{out} is a folder, not a file"
    else:
        (tmp_path / "afile").write_text("x")
        out = tmp_path / "afile" / "salida.kml"
        expected = f"cannot write to the folder {out.parent}"
    assert main(["--lang", "en", "export", "--out", str(out)]) == 2
    assert any(expected in line for line in _stderr_lines(capsys))


# --- One --lang for messages, warnings and maps ---------------------------------------------------
@pytest.mark.parametrize(("argv", "expected"), [
    (["--lang", "es", "export", "--threshold", "nan"], "debe ser un número finito, no nan"),
    (["export", "--lang", "es", "--threshold", "nan"], "debe ser un número finito, no nan"),
    (["--lang=en", "export", "--threshold", "nan"], "must be a finite number, not nan"),
])
def test_lang_before_or_after_the_command(tmp_path, capsys, no_work, argv, expected):
    assert main([*argv, "--out", str(tmp_path / "x.kml")]) == 2
    assert any(expected in line for line in _stderr_lines(capsys))


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "es_PE.UTF-8"}, "es"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "es_ES.UTF-8"}, "es"),
    ({}, "en"),
])
def test_default_language_follows_the_locale(env, lang):
    assert default_language(env) == lang


def test_the_export_language_is_the_same_lang(tmp_path, capsys):
    out = tmp_path / "m.kml"
    assert main(["--lang", "es", "export", "--out", str(out)]) == 0
    assert t("export.kml_title", "es") in out.read_text(encoding="utf-8")
    assert _stderr_lines(capsys) == []


# --- Warnings printed by every command, in the user's language ------------------------------------
@pytest.fixture
def duplicate_ids(tmp_path) -> Path:
    path = tmp_path / "sitios.csv"
    path.write_text("codigo,nombre,latitud,longitud,personas\n"
                    "A1,Uno,-3.75,-73.25,10\nA1,Dos,-3.76,-73.26,20\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("command", "extra", "out_name"), [
    ("exposure", [], "e.gpkg"),
    ("catchment", [], "c.gpkg"),
    ("export", [], "x.csv.zip"),
])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_input_notes_are_printed_by_every_command(tmp_path, capsys, duplicate_ids, command,
                                                  extra, out_name, lang):
    inputs = geo.inputs.load_inputs(centres=duplicate_ids, with_sample=True)
    notes = inputs.warning_items
    assert notes
    code = main(["--lang", lang, command, "--centres", str(duplicate_ids), "--with-sample",
                 *extra, "--out", str(tmp_path / out_name)])
    assert code == 0
    prefix = f"crecida: {t('cli.warning', lang)}: "
    warned = [line for line in _stderr_lines(capsys) if line.startswith(prefix)]
    banner = t("report.mixed_sample", lang, layers=", ".join(inputs.sample_layers))
    assert warned == [prefix + banner] + [prefix + localise(note, lang) for note in notes]


def test_the_shapefile_cut_is_printed_by_the_export_command(tmp_path, capsys):
    sites = tmp_path / "sitios.csv"
    sites.write_text("codigo,nombre,latitud,longitud,personas\n"
                     f"A1,{'Ñ' * 200},-3.75,-73.25,10\n", encoding="utf-8")
    out = tmp_path / "x.shp.zip"
    assert main(["--lang", "es", "export", "--centres", str(sites), "--with-sample",
                 "--layer", "centres_exposure", "--out", str(out)]) == 0
    lines = _stderr_lines(capsys)
    assert ("crecida: aviso: centres_exposure, columna 'name': 1 texto(s) pasan de los 254 "
            "bytes que guarda un shapefile: se cortan ahí (terminan en …) y van completos en "
            "long_text.csv") in lines


def test_control_characters_from_a_file_are_shown_not_obeyed(tmp_path, capsys):
    sites = tmp_path / "sitios.csv"
    sites.write_text("nombre,latitud,longitud,personas\nA,-3.75,-73.25,\x1b[2J\u202e5\n",
                     encoding="utf-8")
    assert main(["--lang", "en", "validate", "--centres", str(sites)]) == 2
    err = "\n".join(_stderr_lines(capsys))
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\x1b[2J\\u202e5" in err
    assert printable("a\tb\nc\x07") == "a\tb\nc\\x07"


# --- Unexpected errors: one line naming the log, the traceback in the log -------------------------
def test_an_unexpected_error_is_logged_and_shown_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(PlanningRun, "exposure", property(lambda self: 1 / 0))
    code = main(["--lang", "es", "exposure", "--out", str(tmp_path / "e.gpkg")])
    assert code == 1
    log = tmp_path / "log" / "crecida.log"
    assert _stderr_lines(capsys) == [
        f"crecida: error: error inesperado (ZeroDivisionError: division by zero); los detalles "
        f"quedaron en {log} — envíe ese archivo a quien le da soporte de Crecida; mientras "
        "tanto revise los datos de entrada"]
    text = log.read_text(encoding="utf-8")
    assert "cli exposure" in text and "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: division by zero" in text
    assert not (tmp_path / "e.gpkg").exists()


def test_the_python_api_raises_only_crecida_errors(tmp_path, capsys, monkeypatch):
    import geo.exposure
    from geo.errors import CrecidaError, UnexpectedError

    def broken(*args, **kwargs):
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(geo.exposure, "assess", broken)
    run = PlanningRun(geo.inputs.load_sample())
    with pytest.raises(UnexpectedError) as err:
        run.centres()
    log = tmp_path / "log" / "crecida.log"
    assert isinstance(err.value, CrecidaError) and isinstance(err.value, RuntimeError)
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    assert err.value.text("en") == (
        f"unexpected error (ZeroDivisionError: deep inside); the details are in {log} — send "
        "that file to whoever supports Crecida for you; meanwhile check the input files")
    assert "PlanningRun.exposure" in log.read_text()
    # The command line shows the same one line and exits 1.
    assert main(["--lang", "en", "exposure", "--out", str(tmp_path / "e.gpkg")]) == 1
    assert _stderr_lines(capsys) == [f"crecida: error: {err.value.text('en')}"]


def test_interrupting_a_command_exits_130_without_a_traceback(tmp_path, capsys, monkeypatch):
    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(PlanningRun, "exposure", property(interrupted))
    assert main(["--lang", "en", "exposure", "--out", str(tmp_path / "e.gpkg")]) == 130
    assert _stderr_lines(capsys) == ["crecida: error: interrupted"]


def test_the_log_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CRECIDA_LOG_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert crashlog.log_path() == tmp_path / "state" / "crecida" / "crecida.log"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert crashlog.log_path() == tmp_path / "home" / ".local" / "state" / "crecida" / \
        "crecida.log"
    assert ROOT not in crashlog.log_path().parents


def test_the_log_is_rotated_and_an_unwritable_log_is_survived(tmp_path, monkeypatch):
    monkeypatch.setattr(crashlog, "MAX_LOG_BYTES", 100)
    first = crashlog.log_text("x" * 200, context="test")
    second = crashlog.log_text("second entry", context="test")
    assert first == second == tmp_path / "log" / "crecida.log"
    assert "second entry" in second.read_text() and "x" * 200 not in second.read_text()
    assert "x" * 200 in (tmp_path / "log" / "crecida.log.1").read_text()
    (tmp_path / "blocked").write_text("a file where the folder should be")
    monkeypatch.setenv("CRECIDA_LOG_DIR", str(tmp_path / "blocked"))
    problem = crashlog.unexpected_problem(ValueError("boom"), context="test")
    assert dict(problem.params)["log"] == "(the log file could not be written)"


# --- A full disk, through the real command (a file-size limit in a child process) -----------------
def _limited(limit_bytes: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return preexec


@pytest.mark.parametrize(("name", "limit"), [("b.gpkg", 30_000), ("b.tif", 20_000),
                                             ("b.kml", 20_000), ("b.csv", 8_000)])
def test_a_full_disk_is_a_clean_refusal_that_leaves_nothing(tmp_path, name, limit):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / name
    proc = subprocess.run([sys.executable, "-m", "geo", "--lang", "en", "export", "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=_limited(limit), check=False)
    written = out.name + (".zip" if name.endswith(".csv") else "")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    # libtiff may print its own line first ("_tiffWriteProc: File too large."); ours is last.
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"crecida: error: could not write {out_dir / written}: ")
    assert last.endswith("an earlier file of that name is left as it was")
    assert list(out_dir.iterdir()) == []


# --- The app: crashing uploads and views ----------------------------------------------------------
def _plain(markdown: str) -> str:
    """Text of an app message, its Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _metric_labels(at: AppTest) -> list[str]:
    return [m.label for m in at.metric]


def test_an_upload_that_breaks_the_loader_is_named_and_the_sample_stays(tmp_path, monkeypatch):
    real = geo.io.read_centres

    def read_centres(path, *args, **kwargs):
        if Path(path).name == "boom.csv":
            raise ZeroDivisionError("a reader bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(geo.io, "read_centres", read_centres)
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.file_uploader(key="upload_centres").set_value(
        ("boom.csv", b"nombre,latitud,longitud\nA,-3.75,-73.25\n", "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [_plain(e.value) for e in at.error]
    log = tmp_path / "log" / "crecida.log"
    assert len(errors) == 1
    assert errors[0].startswith(t("upload_failed", "es", name="boom.csv"))
    assert (f"boom.csv: no se pudo leer este archivo (error inesperado: ZeroDivisionError: a "
            f"reader bug); los detalles quedaron en {log}") in errors[0]
    assert t("m_centres_flooded", "es") in _metric_labels(at)  # the sample is on screen
    assert t("sample_banner", "es") in [w.value for w in at.warning]
    assert "ZeroDivisionError: a reader bug" in log.read_text()
    # The app keeps uploads in <temp>/crecida_uploads/<sha256>/ by design (its cache of them).
    uploads = tmp_path / "system_temp" / "crecida_uploads"
    assert [p.name for p in uploads.rglob("*") if p.is_file()] == ["boom.csv"]
    for path in sorted(uploads.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    uploads.rmdir()


def test_a_view_that_fails_shows_a_message_and_keeps_the_page(tmp_path, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("catchment bug")

    monkeypatch.setattr(PlanningRun, "catchment", broken)
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.radio(key="view_es").set_value("catchment").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [_plain(e.value) for e in at.error]
    log = tmp_path / "log" / "crecida.log"
    assert errors == [t("app.unexpected", "es", error="RuntimeError: catchment bug",
                        log=str(log))]
    assert at.selectbox(key="scenario").value  # the sidebar is still there
    assert "catchment bug" in (tmp_path / "log" / "crecida.log").read_text()


@pytest.mark.parametrize(("label", "mode"), [("En línea recta", "straight"),
                                             ("Straight line", "straight"),
                                             (t("mode_flood_aware", "es"), "flood-aware")])
def test_a_radio_label_handed_back_by_the_browser_is_mapped_to_its_option(label, mode):
    # After a language switch Streamlit's frontend can return the radio's label, not its
    # option; checked parameters would refuse it, so the app maps it back.
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["catchment_mode"] = label
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["catchment_mode"] == mode

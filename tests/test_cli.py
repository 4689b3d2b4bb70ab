"""``python -m geo``: exit codes and messages as a user sees them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main, parse_flood_arg

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_validate_on_the_sample_reports_the_headline_counts():
    proc = _run("validate")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Collective centres: 77" in out
    assert "families: 1,100" in out
    assert "Flood scenarios: 3" in out
    assert "SYNTHETIC" in out
    assert "Traceback" not in proc.stderr


def test_bad_input_exits_2_with_the_message_and_no_traceback(tmp_path):
    bad = tmp_path / "sitios.csv"
    bad.write_text("nombre,latitud,longitud\nA,-3.7,abc\n", encoding="utf-8")
    proc = _run("validate", "--centres", str(bad), "--with-sample")
    assert proc.returncode == 2
    assert "sitios.csv, row 1, column 'longitud': 'abc' is not a number" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_in_process_main_returns_2_for_a_missing_file(tmp_path, capsys):
    code = main(["validate", "--centres", str(tmp_path / "none.csv")])
    assert code == 2
    assert "none.csv: file not found" in capsys.readouterr().err


def test_validate_reports_warnings_of_user_files():
    code = main(["validate", "--centres", str(DATA / "centres_es.csv"), "--with-sample"])
    assert code == 0


@pytest.mark.parametrize("text, expected", [
    ("radar=flood.tif", ("radar", Path("flood.tif"))),
    ("flood.tif", (None, Path("flood.tif"))),
    ("data/x=1.tif", (None, Path("data/x=1.tif"))),
    ("2012 record=/data/flood.tif", ("2012 record", Path("/data/flood.tif"))),
])
def test_flood_argument(text, expected):
    assert parse_flood_arg(text) == expected


def test_exposure_writes_the_three_layers(tmp_path, capsys):
    import pyogrio

    out = tmp_path / "exp.gpkg"
    assert main(["exposure", "--out", str(out)]) == 0
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"centres_exposure", "communities_exposure", "summary"}
    centres = pyogrio.read_dataframe(out, layer="centres_exposure")
    assert len(centres) == 77 * 3  # one row per centre per scenario
    assert {"scenario", "depth_m", "flooded", "dist_to_flood_m", "access_cut"} <= set(centres)
    # The flood status sits beside the operating status, which is kept as loaded.
    assert set(centres["status"]) == {"open"}
    assert set(centres["flood_status"]) <= {"flooded", "isolated", "at_risk", "dry", "unknown"}
    worst = centres[centres["scenario"] == "118.6 m – 2012 record"]
    assert (worst["flood_status"] == "flooded").sum() == 11
    communities = pyogrio.read_dataframe(out, layer="communities_exposure")
    assert len(communities) == 45 * 3
    assert "centres_exposure (231 rows)" in capsys.readouterr().out


def test_catchment_writes_assignments_catchments_and_capacity(tmp_path, capsys):
    import pyogrio

    out = tmp_path / "c.gpkg"
    assert main(["catchment", "--max-distance", "3000", "--out", str(out)]) == 0
    assert {name for name, _ in pyogrio.list_layers(out)} == {
        "assignments", "catchments", "centres_capacity"}
    assert "displaced without a place" in capsys.readouterr().out


def test_siting_proposes_k_sites_with_their_coverage(tmp_path, capsys):
    import pyogrio

    out = tmp_path / "s.gpkg"
    assert main(["siting", "--count", "2", "--radius", "3000", "--out", str(out)]) == 0
    sites = pyogrio.read_dataframe(out, layer="new_sites")
    assert len(sites) == 2 and (sites["covered_weight"] > 0).all()
    assert "2 new site(s) proposed" in capsys.readouterr().out


def test_siting_count_larger_than_candidates_is_a_clear_error(tmp_path, capsys):
    cands = tmp_path / "cands.csv"
    cands.write_text("name,lat,lon\nA,-3.75,-73.27\nB,-3.77,-73.28\n", encoding="utf-8")
    code = main(["siting", "--count", "3", "--candidates", str(cands),
                 "--out", str(tmp_path / "s.gpkg")])
    assert code == 2
    assert "3" in capsys.readouterr().err


def test_export_by_extension(tmp_path):
    out = tmp_path / "albergues.kml"
    assert main(["export", "--lang", "en", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_each_note_about_a_file_read_by_a_command_is_printed_once_in_its_language(tmp_path,
                                                                                  capsys):
    import geopandas as gpd
    from shapely.geometry import Polygon

    bowtie = Polygon([(-73.262, -3.742), (-73.252, -3.734), (-73.252, -3.742),
                      (-73.262, -3.734)])
    area = tmp_path / "zona.gpkg"
    gpd.GeoDataFrame(geometry=[bowtie], crs=4326).to_file(area)
    for lang, note in (("es", "crecida: aviso: zona.gpkg: 1 geometría(s) no válida(s) "
                              "reparada(s) con make_valid (filas 1)"),
                       ("en", "crecida: warning: zona.gpkg: 1 invalid geometry(ies) repaired "
                              "with make_valid (rows 1)")):
        assert main(["--lang", lang, "evaluate", "--area", str(area)]) == 0
        err = capsys.readouterr().err.splitlines()
        assert err.count(note) == 1, err


def test_a_library_reason_is_left_out_of_the_spanish_error_and_kept_in_the_log(tmp_path,
                                                                                capsys,
                                                                                monkeypatch):
    monkeypatch.setenv("CRECIDA_LOG_DIR", str(tmp_path / "log"))
    bad = tmp_path / "roto.tif"
    bad.write_bytes(b"II*\x00 not a raster")
    code = main(["--lang", "es", "validate", "--centres", str(DATA / "centres_es.csv"),
                 "--flood", f"x={bad}"])
    assert code == 2
    err = capsys.readouterr().err
    assert "roto.tif: no se puede leer como ráster — dé un GeoTIFF/COG" in err
    assert "not recognized" not in err and "TIFF" not in err.split("GeoTIFF/COG")[0]
    log = (tmp_path / "log" / "crecida.log").read_text(encoding="utf-8")
    assert "roto.tif: cannot be read as a raster (" in log and "cli validate" in log

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
    proc = _run("validate", "--centres", str(bad))
    assert proc.returncode == 2
    assert "sitios.csv, row 1, column 'lon': 'abc' is not a number" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_in_process_main_returns_2_for_a_missing_file(tmp_path, capsys):
    code = main(["validate", "--centres", str(tmp_path / "none.csv")])
    assert code == 2
    assert "none.csv: file not found" in capsys.readouterr().err


def test_validate_reports_warnings_of_user_files():
    code = main(["validate", "--centres", str(DATA / "centres_es.csv")])
    assert code == 0


@pytest.mark.parametrize("text, expected", [
    ("radar=flood.tif", ("radar", Path("flood.tif"))),
    ("flood.tif", (None, Path("flood.tif"))),
    ("data/x=1.tif", (None, Path("data/x=1.tif"))),
    ("2012 record=/data/flood.tif", ("2012 record", Path("/data/flood.tif"))),
])
def test_flood_argument(text, expected):
    assert parse_flood_arg(text) == expected

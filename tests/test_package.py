"""Crecida installs as a package: ``pip wheel .`` builds, and a fresh venv gets a working
``crecida`` command that runs on the bundled sample without the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, check=False,
                          **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                 "-w", str(out)])
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = out.glob("crecida-*.whl")
    return path


def test_the_wheel_holds_the_code_the_sample_and_the_console_script(wheel):
    import geo

    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name.startswith(f"crecida-{geo.__version__}-")
    assert {"geo/cli.py", "geo/__main__.py", "layers/map.py"} <= set(names)
    assert "sample_data/manifest.json" in names
    assert any(n.startswith("sample_data/flood_depth_") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "crecida = geo.cli:main" in zipfile.ZipFile(wheel).read(meta).decode()
    requires = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    runtime = [line for line in requires.splitlines() if line.startswith("Requires-Dist:")
               and "extra ==" not in line]
    assert not [r for r in runtime if any(t in r for t in ("pytest", "playwright", "ruff"))]
    # the season and multi-scenario exposure run on dask.distributed (issue 15)
    assert [r for r in runtime if "dask[distributed]" in r]


def test_a_fresh_venv_installs_it_and_crecida_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    py = venv / "bin" / "python"
    done = _run([str(py), "-m", "pip", "install", "-q", str(wheel),
                 "-c", str(ROOT / "requirements.txt")])
    assert done.returncode == 0, done.stderr[-3000:]
    away = tmp_path / "elsewhere"
    away.mkdir()
    crecida = venv / "bin" / "crecida"
    help_text = _run([str(crecida), "--help"], cwd=away)
    assert help_text.returncode == 0, help_text.stderr
    assert "validate" in help_text.stdout and "exposure" in help_text.stdout
    where = _run([str(py), "-c", "import geo; print(geo.__file__)"], cwd=away)
    assert str(venv) in where.stdout
    report = _run([str(crecida), "validate"], cwd=away)
    assert report.returncode == 0, report.stderr
    assert "77" in report.stdout

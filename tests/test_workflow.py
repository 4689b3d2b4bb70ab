"""One workflow behind both front ends: the app's exports equal the command line's.

The app is driven headless (``AppTest``) through its Export view; the command line runs in
process. Both ask :class:`geo.analysis.PlanningRun` for the layers, so the same scenario and
parameters must give the same layers with the same values, and the briefing PDF made in the app
must show the flood with its legend, as the command line's does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.analysis import PlanningRun
from geo.cli import main
from geo.depth import depth_classes
from geo.i18n import t
from geo.inputs import load_sample
from geo.palette import hex_to_rgb

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PDFTOPPM, PDFTOTEXT = shutil.which("pdftoppm"), shutil.which("pdftotext")


def _app_export(fmt: str, tmp_path: Path) -> list[Path]:
    """Every file the app's Export view prepares in ``fmt``, written under ``tmp_path``."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.radio(key="view_es").set_value("export").run()
    # The Export view names formats by use and prepares the file as soon as one is chosen.
    choice = {".gpkg": "gpkg", ".pdf": "pdf", ".png": "png", ".kmz": "kmz"}[fmt]
    at.radio(key="export_choice").set_value(choice).run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    folder = tmp_path / "app"
    folder.mkdir(exist_ok=True)
    paths = []
    for name, data in at.session_state["export_file"][1]:
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _data_layers(path: Path) -> dict[str, pd.DataFrame]:
    """The GeoPackage's analysis layers (not its provenance, which names the producer)."""
    names = [str(n) for n, _ in pyogrio.list_layers(path)]
    out = {}
    for name in names:
        if name == "provenance":
            continue
        frame = pyogrio.read_dataframe(path, layer=name)
        # When each file was written is the one thing allowed to differ.
        table = pd.DataFrame(frame.drop(columns=["geometry", "update_time"], errors="ignore"))
        if "geometry" in frame:
            table["geometry"] = frame.geometry.to_wkb().to_numpy()
        out[name] = table
    return out


def test_the_app_and_the_command_line_export_the_same_layers_and_values(tmp_path):
    (app_gpkg, app_tif) = sorted(_app_export(".gpkg", tmp_path))
    cli_gpkg = tmp_path / "cli" / "crecida.gpkg"
    assert main(["--lang", "es", "export", "--out", str(cli_gpkg)]) == 0
    app_layers, cli_layers = _data_layers(app_gpkg), _data_layers(cli_gpkg)
    assert list(app_layers) == list(cli_layers)
    assert {"centres_exposure", "communities_exposure", "flood_extent", "assignments",
            "catchments", "centres_capacity", "districts", "rivers"} <= set(cli_layers)
    for name, frame in cli_layers.items():
        pd.testing.assert_frame_equal(app_layers[name], frame, obj=name)
    cli_tif = cli_gpkg.with_name("crecida_flood_depth.tif")
    assert app_tif.name.endswith("_flood_depth.tif")
    import rasterio

    with rasterio.open(app_tif) as a, rasterio.open(cli_tif) as b:
        assert np.array_equal(a.read(1), b.read(1))


def _blend(colour: str, under: str, alpha: float) -> np.ndarray:
    return alpha * np.array(hex_to_rgb(colour)) + (1 - alpha) * np.array(hex_to_rgb(under))


@pytest.mark.skipif(PDFTOPPM is None or PDFTOTEXT is None, reason="needs poppler-utils")
def test_the_briefing_pdf_made_in_the_app_shows_the_flood_and_its_legend(tmp_path):
    (pdf,) = _app_export(".pdf", tmp_path)
    subprocess.run([PDFTOPPM, "-r", "80", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    pixels = np.asarray(Image.open(tmp_path / "page.png").convert("RGB"), dtype=float)
    run = PlanningRun(load_sample())
    present = sorted(int(c) for c in run.flood_extent()["depth_class"].unique())
    classes = depth_classes(settings.FLOOD_THRESHOLD_M)
    assert present, "the sample's worst scenario has flood"
    for code in present:
        # Flood polygons are drawn at 75 % over the district fill or the map background.
        targets = [_blend(classes.colour(code), under, 0.75) for under in ("#efece6", "#f7f7f4")]
        near = np.zeros(pixels.shape[:2], dtype=bool)
        for target in targets:
            near |= np.abs(pixels - target).max(axis=2) <= 10
        assert near.sum() > 30, f"depth class {code} ({classes.label(code, 'es')}) not drawn"
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    assert t("export.flood_extent", "es") in text
    for code in present:
        assert classes.label(code, "es") in text


def test_evaluate_on_the_command_line_reports_and_writes_the_area(tmp_path, capsys):
    import geopandas as gpd
    from shapely.geometry import box

    out = tmp_path / "terreno.gpkg"
    assert main(["evaluate", "--bbox=-73.262,-3.742,-73.252,-3.734", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    layer = pyogrio.read_dataframe(out, layer="evaluated_areas")
    expected_m2 = float(gpd.GeoSeries([box(-73.262, -3.742, -73.252, -3.734)], crs=4326)
                        .to_crs(32718).area.iloc[0])
    assert layer["area_m2"].iloc[0] == pytest.approx(expected_m2, rel=1e-9)
    assert layer["capacity_site_persons"].iloc[0] == int(expected_m2 // 45)
    assert f"  Area (m²): {expected_m2:,.0f}\n" in printed
    run = PlanningRun(load_sample())
    report = run.evaluate(box(-73.262, -3.742, -73.252, -3.734))
    assert layer["displaced_within_m"].iloc[0] == pytest.approx(
        report.figure("displaced_within_m"))


def test_export_with_sites_and_an_area_carries_them_and_says_so(tmp_path):
    out = tmp_path / "plan.gpkg"
    assert main(["export", "--count", "2", "--bbox=-73.262,-3.742,-73.252,-3.734",
                 "--out", str(out)]) == 0
    names = {str(n) for n, _ in pyogrio.list_layers(out)}
    assert {"new_sites", "coverage", "evaluated_areas"} <= names
    assert len(pyogrio.read_dataframe(out, layer="new_sites")) == 2
    prov = pyogrio.read_dataframe(out, layer="provenance")
    text = " ".join(prov.astype(str).to_numpy().ravel())
    assert "new_sites" in text and "evaluated_areas" in text

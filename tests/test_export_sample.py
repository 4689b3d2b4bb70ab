"""The synthetic sample end to end: exposure, then every layer exported and read back."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pyogrio
import pytest

from geo import export as ex
from geo import inputs as gi
from geo.provenance import build_provenance
from geo.schema import flood_status

pytestmark = pytest.mark.skipif(
    not (gi.SAMPLE_DIR / "manifest.json").exists(),
    reason="sample_data/ is not built (python sample_data/build_sample.py)",
)


@pytest.fixture(scope="module")
def sample():
    from geo.analysis import PlanningRun

    inp = gi.load_sample()
    scenario = inp.scenario()  # the most severe: 118.6 m
    layers = PlanningRun(inp).layers(scenario.name, include=[
        "centres_exposure", "communities_exposure", "flood_extent", "districts", "rivers"])
    prov = build_provenance(inp.sources, scenario=scenario.name, is_sample=inp.is_sample)
    return inp, scenario, layers, prov


def test_sample_gpkg_kmz_and_zip(tmp_path, sample):
    inp, scenario, layers, prov = sample
    assert prov.is_sample and len(prov.inputs) == len(inp.sources)
    gpkg = ex.export(layers, tmp_path / "sample.gpkg", provenance=prov, flood=scenario)
    listed = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert listed == {*layers, "provenance", "layer_styles"}
    assert len(pyogrio.read_dataframe(gpkg, layer="centres_exposure")) == len(inp.centres)
    assert (tmp_path / "sample_flood_depth.tif").exists()
    kmz = ex.export(layers, tmp_path / "sample.kmz", provenance=prov)
    with zipfile.ZipFile(kmz) as zf:
        assert zf.read("doc.kml").count(b"<Placemark>") == sum(len(f) for f in layers.values())
    shp = ex.export(layers, tmp_path / "sample.shp.zip", provenance=prov)
    with zipfile.ZipFile(shp) as zf:
        assert "SYNTHETIC SAMPLE DATA" in zf.read("README.txt").decode("utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext not installed (Debian: apt-get install poppler-utils)")
def test_sample_briefing_pdf_says_it_is_synthetic(tmp_path, sample):
    _, scenario, layers, prov = sample
    pdf = ex.export(layers, tmp_path / "sample.pdf", provenance=prov, scenario=scenario.name)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "DATOS DE MUESTRA SINTÉTICOS" in text
    flooded = int((flood_status(layers["centres_exposure"]) == "flooded").sum())
    assert f"Albergues: Inundado ({flooded})" in text

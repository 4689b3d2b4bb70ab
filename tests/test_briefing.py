"""The briefing map: summary figures, and the PNG and PDF rendered and read back."""

from __future__ import annotations

import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import LineString, Point, box

from geo import export as ex
from geo.errors import InputError
from geo.export import briefing as br
from geo.provenance import build_provenance

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    PDFTOTEXT is None or PDFTOPPM is None,
    reason="pdftotext/pdftoppm not installed (Debian: apt-get install poppler-utils)",
)

# Iquitos, EPSG:32718 metres.
E0, N0 = 690_000.0, 9_590_000.0


def _utm(geoms) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=32718).to_crs(4326)


@pytest.fixture
def centres() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "centre_id": ["a", "b", "c", "d", "e"],
        "name": ["Colegio Ñ", "Iglesia \"Belén\"", "Coliseo <b>&amp;</b>", "Local $x$", "Carpa"],
        "families": [10, 20, 30, 40, 50],
        "persons": [47, 94, 141, 188, 235],
        "capacity_persons": pd.array([100, pd.NA, 200, 400, pd.NA], dtype="Int64"),
        "covered_area_m2": [np.nan, np.nan, np.nan, 700.0, 350.0],
        "status": ["open", "open", "open", "open", "closed"],
        "scenario": "118.6 m",
        "flood_status": ["flooded", "flooded", "isolated", "at_risk", "dry"],
    }, geometry=_utm([Point(E0 + 500 * i, N0 - 400 * i) for i in range(5)]), crs=4326)


@pytest.fixture
def communities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "community_id": ["k1", "k2"],
        "name": ["Santa María de Ñauta", "Belén"],
        "scenario": "118.6 m",
        "pop_exposed": [800.0, 200.5],
        "displaced_est": [400.0, 100.0],
    }, geometry=_utm([box(E0, N0 - 1000, E0 + 900, N0), box(E0 + 1000, N0 - 2000,
                                                               E0 + 2000, N0 - 1000)]),
        crs=4326)


@pytest.fixture
def layers(centres, communities) -> dict[str, gpd.GeoDataFrame]:
    return {
        "centres_exposure": centres,
        "communities_exposure": communities,
        "flood_extent": gpd.GeoDataFrame({
            "scenario": "118.6 m", "depth_class": [1, 3], "depth_label": ["0.1–0.5 m", "> 1.5 m"],
        }, geometry=_utm([box(E0 + 1200, N0 - 1800, E0 + 1800, N0 - 200),
                          box(E0 + 1800, N0 - 1800, E0 + 2500, N0 - 200)]), crs=4326),
        "districts": gpd.GeoDataFrame({"district_id": ["160112"], "name": ["Belén"]},
                                      geometry=_utm([box(E0 - 500, N0 - 2500, E0 + 3000,
                                                         N0 + 500)]), crs=4326),
        "rivers": gpd.GeoDataFrame({"name": ["Itaya"]},
                                   geometry=_utm([LineString([(E0 + 2600, N0 - 2500),
                                                              (E0 + 2600, N0 + 500)])]),
                                   crs=4326),
    }


@pytest.fixture
def prov():
    return build_provenance({}, scenario="118.6 m", is_sample=True, producer="OIM Perú")


# --- Summary ------------------------------------------------------------------------------------
def test_summary_figures(layers):
    summary = br.summarise(layers)
    assert summary == br.BriefingSummary(
        centres_flooded=2, centres_isolated=1, centres_at_risk=1, families_in_flooded=30,
        people_exposed=1000.5, displaced_est=500.0,
        # Only centre d is open, dry of water and not isolated: 400 − 188 = 212 free places.
        capacity_shortfall=500.0 - 212.0,
    )


def test_shortfall_uses_covered_area_when_capacity_is_missing(layers):
    centres = layers["centres_exposure"].copy()
    centres.loc[3, "capacity_persons"] = pd.NA  # 700 m² / 3.5 m² per person = 200 places
    summary = br.summarise({**layers, "centres_exposure": centres})
    assert summary.capacity_shortfall == 500.0 - (200 - 188)


def test_shortfall_from_assignments_when_present(layers):
    assignments = gpd.GeoDataFrame({"unserved_persons": [10.0, 5.5]},
                                   geometry=[None, None], crs=4326)
    assert br.summarise({**layers, "assignments": assignments}).capacity_shortfall == 15.5


def test_summary_picks_the_scenario(layers, centres):
    dry = centres.assign(scenario="116.0 m", flood_status="dry")
    both = {**layers, "centres_exposure": pd.concat([dry, centres], ignore_index=True)}
    assert br.summarise(both, scenario="116.0 m").centres_flooded == 0
    assert br.summarise(both).centres_flooded == 2  # the last scenario by default


def test_summary_of_nothing_is_all_unknown():
    assert br.summarise({}) == br.BriefingSummary()


def test_summary_accepts_status_as_flood_status(layers, centres):
    renamed = centres.drop(columns="status").rename(columns={"flood_status": "status"})
    summary = br.summarise({**layers, "centres_exposure": renamed})
    assert (summary.centres_flooded, summary.centres_isolated) == (2, 1)


# --- Figure ---------------------------------------------------------------------------------------
def _all_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


@pytest.mark.parametrize(("lang", "words"), [
    ("es", ["Albergues e inundación", "Escenario: 118.6 m", "Leyenda", "Albergues: Inundado (2)",
            "Zona inundada: más de 1,5 m", "Déficit de capacidad", "Sistema de coordenadas",
            "EPSG:32718", "aún no validado en campo", "DATOS DE MUESTRA SINTÉTICOS",
            "Ubicación", "Resumen", "OIM Perú"]),
    ("en", ["Collective centres and flooding", "Scenario: 118.6 m", "Legend",
            "Collective centres: Flooded (2)", "Flooded area: 0.1–0.5 m", "Capacity shortfall",
            "Coordinate system", "not yet validated in the field",
            "SYNTHETIC SAMPLE DATA", "Produced by: OIM Perú", "People exposed"]),
])
def test_figure_has_every_element(layers, prov, lang, words):
    data = br.briefing_from_layers(layers, provenance=prov, lang=lang)
    text = _all_text(br.briefing_figure(layers, data=data, provenance=prov))
    for word in words:
        assert word in text, word
    assert "N" in text.split("\n")  # north arrow


@pytest.mark.parametrize(("width_m", "labels"), [
    (10_000, ["0", "1", "2 km"]), (2_400, ["0", "100", "200 m"]), (900, ["0", "50", "100 m"]),
])
def test_scale_bar_is_a_round_fifth_of_the_map(width_m, labels):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.set_xlim(0, width_m)
    ax.set_ylim(0, width_m)
    br._scale_bar(ax)
    assert [t.get_text() for t in ax.texts] == labels
    bars = [p for p in ax.patches if p.get_facecolor()[:3] in ((0, 0, 0), (1, 1, 1))][-2:]
    assert sum(b.get_width() for b in bars) == pytest.approx(
        float(labels[-1].split()[0]) * (1000 if "km" in labels[-1] else 1))


def test_no_sample_warning_for_real_data(layers):
    real = build_provenance({}, is_sample=False)
    data = br.briefing_from_layers(layers, provenance=real, lang="en")
    assert "SYNTHETIC" not in _all_text(br.briefing_figure(layers, data=data))


def test_png_is_at_least_150_dpi_and_drawn(tmp_path, layers, prov):
    out = ex.export(layers, tmp_path / "map.png", provenance=prov, dpi=100)
    with Image.open(out) as img:
        assert img.info["dpi"][0] == pytest.approx(150, abs=0.05)
        assert img.size == (int(11.69 * 150), int(8.27 * 150))
        pixels = np.asarray(img.convert("RGB")).reshape(-1, 3)
        assert "Crecida" in img.info["Software"]
    # The flooded centres' red (#d7191c) is on the page.
    assert (np.abs(pixels.astype(int) - (215, 25, 28)).sum(axis=1) < 10).sum() > 20


@needs_poppler
@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_text_and_metadata(tmp_path, layers, prov, lang):
    out = ex.export(layers, tmp_path / "map.pdf", provenance=prov, lang=lang)
    text = subprocess.run([PDFTOTEXT, "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    title = {"es": "Albergues e inundación", "en": "Collective centres and flooding"}[lang]
    legend = {"es": "Leyenda", "en": "Legend"}[lang]
    flooded = {"es": "Inundado (2)", "en": "Flooded (2)"}[lang]
    for word in (title, legend, flooded, "118.6 m", "EPSG:32718"):
        assert word in text, word
    info = subprocess.run([shutil.which("pdfinfo") or "pdfinfo", str(out)], capture_output=True,
                          text=True, check=True).stdout
    assert title in info and f"Crecida {prov.version}" in info
    png = tmp_path / "page"
    subprocess.run([PDFTOPPM, "-r", "40", "-png", "-singlefile", str(out), str(png)],
                   check=True)
    with Image.open(f"{png}.png") as img:
        pixels = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
    assert (np.abs(pixels - (215, 25, 28)).sum(axis=1) < 30).sum() > 3  # the map is drawn


def test_dollar_signs_are_shown_literally(layers):
    real = build_provenance({}, producer="Org $5$")
    data = br.briefing_from_layers(layers, provenance=real, lang="en")
    fig = br.briefing_figure(layers, data=data)
    fig.canvas.draw()  # would raise on bad mathtext
    assert r"Org \$5\$" in _all_text(fig)


def test_legend_names_the_classes_at_the_briefing_threshold(layers, prov):
    data = br.briefing_from_layers(layers, provenance=prov, lang="en", threshold_m=0.7)
    text = _all_text(br.briefing_figure(layers, data=data, provenance=prov)).split("\n")
    # Codes 1 and 3 at 0.7 m: 0.7–1.5 m and water of unknown depth (only two classes).
    assert "Flooded area: 0.7–1.5 m" in text
    assert "Flooded area: Water (depth unknown)" in text
    assert not any("0.1–0.5" in line or "over 1.5" in line for line in text)


def test_briefing_of_another_threshold_is_refused(tmp_path, layers, prov):
    data = br.briefing_from_layers(layers, provenance=prov, lang="en", threshold_m=0.7)
    with pytest.raises(InputError, match=r"briefing's flood threshold \(0\.7 m\)"):
        ex.export(layers, tmp_path / "map.png", provenance=prov, briefing=data)
    assert not (tmp_path / "map.png").exists()

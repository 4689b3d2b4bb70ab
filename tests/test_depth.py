"""Depth classes (geo.depth), and every output naming the same classes at every threshold.

The map legend (layers), the classified GeoTIFF (codes, ``CRECIDA_CLASSES`` and colour table),
the QGIS style in the GeoPackage's ``layer_styles``, the KML styles and the briefing legend are
compared with classes written out by hand for thresholds 0.1, 0.3, 0.5, 0.7 and 2.0 m.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from xml.etree import ElementTree as ET

import numpy as np
import pyogrio
import pytest
import rasterio

from geo import settings
from geo.depth import NODATA, class_index, depth_classes
from geo.errors import InputError
from geo.export import export, flood_extent_polygons
from geo.export.briefing import briefing_figure, briefing_from_layers
from geo.flood import open_flood
from geo.i18n import t
from geo.provenance import build_provenance
from layers.flood import flood_overlay
from layers.legend import Legend
from layers.map import build_map

LIGHT, MEDIUM, DARK = "#9ecae1", "#4292c6", "#08306b"

#: Depth (m) of each column of the 10×10 test raster; cell (9, 0) is nodata.
COLUMN_DEPTH_M = (0.0, 0.05, 0.2, 0.4, 0.6, 1.0, 1.6, 2.0, 3.0, 0.0)

#: threshold → (code of each column, Spanish labels, English labels, colours), by hand.
CASES = {
    0.1: ((0, 0, 1, 1, 2, 2, 3, 3, 3, 0),
          ["0,1–0,5 m", "0,5–1,5 m", "más de 1,5 m"],
          ["0.1–0.5 m", "0.5–1.5 m", "over 1.5 m"], [LIGHT, MEDIUM, DARK]),
    0.3: ((0, 0, 0, 1, 2, 2, 3, 3, 3, 0),
          ["0,3–0,5 m", "0,5–1,5 m", "más de 1,5 m"],
          ["0.3–0.5 m", "0.5–1.5 m", "over 1.5 m"], [LIGHT, MEDIUM, DARK]),
    0.5: ((0, 0, 0, 0, 1, 1, 2, 2, 2, 0),
          ["0,5–1,5 m", "más de 1,5 m"], ["0.5–1.5 m", "over 1.5 m"], [MEDIUM, DARK]),
    0.7: ((0, 0, 0, 0, 0, 1, 2, 2, 2, 0),
          ["0,7–1,5 m", "más de 1,5 m"], ["0.7–1.5 m", "over 1.5 m"], [MEDIUM, DARK]),
    2.0: ((0, 0, 0, 0, 0, 0, 0, 1, 1, 0), ["más de 2 m"], ["over 2 m"], [DARK]),
}


# --- geo.depth ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("threshold", "edges", "rates", "configured"), [
    (0.1, (0.1, 0.5, 1.5), (0.1, 0.5, 1.0), (0, 1, 2)),
    (0.05, (0.05, 0.1, 0.5, 1.5), (0.0, 0.1, 0.5, 1.0), (-1, 0, 1, 2)),
    (0.3, (0.3, 0.5, 1.5), (0.1, 0.5, 1.0), (0, 1, 2)),
    (0.5, (0.5, 1.5), (0.5, 1.0), (1, 2)),
    (0.7, (0.7, 1.5), (0.5, 1.0), (1, 2)),
    (2.0, (2.0,), (1.0,), (2,)),
])
def test_classes_start_at_the_threshold_with_the_rate_of_their_configured_class(
        threshold, edges, rates, configured):
    classes = depth_classes(threshold)
    assert classes.edges_m == edges
    assert classes.rates == rates
    assert classes.configured == configured
    assert classes.codes == tuple(range(1, len(edges) + 1))
    assert classes.unknown == len(edges) + 1


def test_default_classes_are_the_settings():
    classes = depth_classes()
    assert classes.threshold_m == settings.FLOOD_THRESHOLD_M
    assert classes.edges_m == settings.DEPTH_CLASSES_M
    assert classes.rates == settings.DISPLACEMENT_RATE_BY_CLASS


def test_classify_codes_and_float32_edges():
    depth = np.array([np.nan, 0.0, 0.69999, 0.7, 1.4999, 1.5, 7.0, np.inf, -np.inf],
                     dtype="float32")
    assert depth_classes(0.7).classify(depth).tolist() == [NODATA, 0, 0, 1, 1, 2, 2, 3, 0]
    # A raster's float32 0.7 is at the 0.7 m edge (float32(0.7) < 0.7 in float64).
    assert depth_classes(0.7).classify(np.float32([0.7]).astype("float64")).tolist() == [1]


def test_class_index_counts_edges_at_or_below():
    depth = np.array([0.0, 0.1, 0.3, 0.5, 9.0, np.nan], dtype="float32")
    assert class_index(depth, (0.1, 0.5)).tolist() == [0, 1, 1, 2, 2, 0]


def test_bounds_labels_and_colours():
    classes = depth_classes(0.05)
    assert [classes.bounds(c) for c in classes.codes] == [(0.05, 0.1), (0.1, 0.5), (0.5, 1.5),
                                                           (1.5, None)]
    assert classes.labels("en") == {0: "under 0.05 m", 1: "0.05–0.1 m", 2: "0.1–0.5 m",
                                    3: "0.5–1.5 m", 4: "over 1.5 m",
                                    5: "Water (depth unknown)"}
    assert classes.colours() == {1: "#deebf7", 2: LIGHT, 3: MEDIUM, 4: DARK, 5: "#3f8fd2"}
    with pytest.raises(InputError, match="depth class code 6"):
        classes.label(6)
    with pytest.raises(InputError, match="depth class code 0"):
        classes.bounds(0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"threshold_m": 0}, "above 0 m"),
    ({"threshold_m": float("nan")}, "above 0 m"),
    ({"classes_m": (0.5, 0.1)}, "increasing"),
    ({"classes_m": (0.1, 0.5)}, "3 displacement rates for 2 depth classes"),
    ({"rates": (0.1, 0.5, 1.2)}, "between 0 and 1"),
])
def test_bad_classes_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        depth_classes(**kwargs)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InputError) as info:
        depth_classes(-1, classes_m=(1, 0), rates=(2,))
    assert len(info.value.problems) == 3


# --- Every output names the same classes ----------------------------------------------------------
@pytest.fixture
def columns_flood(write_tif):
    depth = np.tile(np.asarray(COLUMN_DEPTH_M, dtype="float32"), (10, 1))
    depth[9, 0] = -9999.0
    return open_flood(write_tif(depth, "columns.tif"), name="columnas", kind="depth")


def _expected_codes(threshold: float) -> np.ndarray:
    codes = np.tile(np.asarray(CASES[threshold][0], dtype="uint8"), (10, 1))
    codes[9, 0] = NODATA
    return codes


def _map_legend(fmap, lang: str) -> list[tuple[str, str]]:
    """(colour, label) rows of the legend's flood section."""
    legend = next(c for c in fmap._children.values() if isinstance(c, Legend))
    title = f"<b>{t('legend_flood', lang)}</b>"
    section = legend.content.split(title, 1)[1].split('<div class="crecida-legend-section">')[0]
    return re.findall(r'background:(#[0-9a-f]{6});[^"]*"></span>([^<]*)</div>', section)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("threshold", sorted(CASES))
def test_every_output_names_the_same_classes(tmp_path, columns_flood, threshold, lang):
    _, labels_es, labels_en, colours = CASES[threshold]
    labels = labels_es if lang == "es" else labels_en
    n = len(labels)
    expected_codes = _expected_codes(threshold)
    prov = build_provenance({}, scenario="columnas")

    # The web map: overlay codes and the legend's rows.
    overlay = flood_overlay(columns_flood, threshold_m=threshold)
    np.testing.assert_array_equal(overlay.codes, expected_codes)
    fmap = build_map(lang=lang, flood=overlay, flood_name="columnas", tiles=False)
    assert _map_legend(fmap, lang) == list(zip(colours, labels, strict=True))

    # The classified GeoTIFF: codes, class table and colour table.
    tif = export({}, tmp_path / "clases.tif", provenance=prov, flood=columns_flood,
                 threshold_m=threshold, lang=lang)
    with rasterio.open(tif) as ds:
        np.testing.assert_array_equal(ds.read(1), expected_codes)
        table = json.loads(ds.tags()["CRECIDA_CLASSES"])
        colormap = ds.colormap(1)
    assert [table[str(c)] for c in range(1, n + 1)] == labels
    assert table[str(n + 1)] == t("legend_water_unknown", lang)
    below = f"{threshold:g}".replace(".", "," if lang == "es" else ".")  # 0,1 m / 0.1 m
    assert table["0"] == t("legend_depth_below", lang, high=below)
    assert [colormap[c][:3] for c in range(1, n + 1)] == [
        tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in colours]
    assert colormap[0][:3] == (255, 255, 255)

    # The GeoPackage: the flood_extent layer and its QGIS style.
    layers = {"flood_extent": flood_extent_polygons(columns_flood, threshold_m=threshold,
                                                     lang=lang)}
    gpkg = export(layers, tmp_path / "capas.gpkg", provenance=prov, threshold_m=threshold,
                  lang=lang)
    extent = pyogrio.read_dataframe(gpkg, layer="flood_extent")
    assert list(extent["depth_class"]) == list(range(1, n + 1))
    assert list(extent["depth_label"]) == labels
    assert np.all(np.diff(extent["depth_min_m"]) > 0)
    cells = [int((expected_codes == c).sum()) for c in range(1, n + 1)]
    np.testing.assert_allclose(extent["area_m2"], [900.0 * k for k in cells])
    with sqlite3.connect(gpkg) as db:
        (style,) = db.execute("SELECT styleQML FROM layer_styles "
                              "WHERE f_table_name = 'flood_extent'").fetchone()
    renderer = ET.fromstring(style.split("\n", 1)[1]).find("renderer-v2")
    categories = [(c.get("value"), c.get("label")) for c in renderer.iter("category")]
    assert categories == [(str(c), label) for c, label in enumerate(labels, start=1)] + [
        (str(n + 1), t("legend_water_unknown", lang))]
    fills = [next(o.get("value") for o in s.iter("Option") if o.get("name") == "color")
             for s in renderer.iter("symbol")][:n]
    assert fills == [",".join(str(int(h[i:i + 2], 16)) for i in (1, 3, 5)) + ",170"
                     for h in colours]

    # KML styles of the flood extent.
    kml = export(layers, tmp_path / "capas.kmz", provenance=prov, threshold_m=threshold,
                 lang=lang)
    with zipfile.ZipFile(kml) as zf:
        root = ET.fromstring(zf.read("doc.kml"))
    k = "{http://www.opengis.net/kml/2.2}"
    polys = {s.get("id"): s.find(f"{k}PolyStyle/{k}color").text
             for s in root.iter(f"{k}Style") if s.get("id").startswith("flood_extent_")}
    assert [polys[f"flood_extent_{i}"] for i in range(n)] == [
        f"aa{h[5:7]}{h[3:5]}{h[1:3]}" for h in colours]

    # The briefing map's legend.
    data = briefing_from_layers(layers, provenance=prov, lang=lang, threshold_m=threshold)
    fig = briefing_figure(layers, data=data)
    handles = fig.axes[-2].get_legend().legend_handles
    prefix = f"{t('export.flood_extent', lang)}: "
    flood_rows = [h for h in handles if h.get_label().startswith(prefix)]
    assert [h.get_label().removeprefix(prefix) for h in flood_rows] == labels
    assert [tuple(round(v * 255) for v in h.get_facecolor()[:3]) for h in flood_rows] == [
        tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in colours]

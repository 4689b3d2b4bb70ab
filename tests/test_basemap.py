"""Offline basemaps a user brings: GeoTIFF, MBTiles and PMTiles made in the test, read locally
(``geo.basemap``) and drawn under the flood (``layers.basemap``, ``layers.map``).

Expected tile numbers come from the slippy-map formula written out here and, for PMTiles ids,
from the reference ``pmtiles`` package (3.8.1), not from Crecida's own functions.
"""

from __future__ import annotations

import io
import math
import sqlite3
import struct

import numpy as np
import pytest
import rasterio
from PIL import Image
from pyproj import Transformer
from rasterio.transform import from_origin

from geo.basemap import (
    BasemapImage,
    parse_pmtiles_directory,
    read_basemap,
    zxy_to_tile_id,
)
from geo.errors import CRSError, FormatError, InputError, OverlapError
from layers.assets import inline_assets
from layers.basemap import BACKGROUND_PANE, basemap_layer
from layers.map import FLOOD_PANE, build_map

ZOOM = 12
#: The four z12 tiles over lon −73.30…−73.20, lat −3.80…−3.70 (Iquitos), by the slippy-map
#: formula: x = floor((lon + 180) / 360 · 2^z), y = floor((1 − asinh(tan φ) / π) / 2 · 2^z).
TILES = [(1214, 2090), (1215, 2090), (1214, 2091), (1215, 2091)]
#: Their PMTiles ids, from the reference implementation (pmtiles 3.8.1, zxy_to_tileid).
PMTILES_IDS = {(1214, 2090): 13639405, (1215, 2090): 13639406, (1215, 2091): 13639407,
               (1214, 2091): 13639408}
BOX = (-73.30, -3.80, -73.20, -3.70)


def _tile_xy(lon: float, lat: float, zoom: int = ZOOM) -> tuple[int, int]:
    n = 2 ** zoom
    x = math.floor((lon + 180.0) / 360.0 * n)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _colour(x: int, y: int) -> tuple[int, int, int]:
    return (x * 7 % 256, y * 11 % 256, 100)


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _pixel_at(image: BasemapImage, lon: float, lat: float) -> tuple[int, ...]:
    """The picture's pixel at a lon/lat (the picture is linear in Web Mercator)."""
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (south, west), (north, east) = image.bounds
    left, bottom = to_merc.transform(west, south)
    right, top = to_merc.transform(east, north)
    x, y = to_merc.transform(lon, lat)
    height, width = image.rgba.shape[:2]
    col = int((x - left) / (right - left) * width)
    row = int((top - y) / (top - bottom) * height)
    return tuple(int(v) for v in image.rgba[row, col])


@pytest.fixture
def mbtiles(tmp_path):
    path = tmp_path / "iquitos.mbtiles"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
                " tile_data BLOB)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "test"), ("format", "png"), ("bounds", ",".join(map(str, BOX))),
        ("minzoom", str(ZOOM)), ("maxzoom", str(ZOOM)), ("attribution", "Test tiles")])
    for x, y in TILES:  # MBTiles rows count from the south (TMS)
        con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    (ZOOM, x, 2 ** ZOOM - 1 - y, _png(_colour(x, y))))
    con.commit()
    con.close()
    return path


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


@pytest.fixture
def pmtiles(tmp_path):
    """A PMTiles v3 archive written from the spec: no compression, one root directory."""
    ordered = sorted(TILES, key=lambda t: PMTILES_IDS[t])
    blobs = [_png(_colour(x, y)) for x, y in ordered]
    ids = [PMTILES_IDS[t] for t in ordered]
    directory = _varint(len(ids))
    directory += b"".join(_varint(i - p) for i, p in zip(ids, [0, *ids[:-1]], strict=True))
    directory += b"".join(_varint(1) for _ in ids)  # run lengths
    directory += b"".join(_varint(len(b)) for b in blobs)
    directory += _varint(1) + b"".join(_varint(0) for _ in ids[1:])  # offset+1, then "next"
    metadata = b'{"attribution": "PM test"}'
    root_offset = 127
    meta_offset = root_offset + len(directory)
    data_offset = meta_offset + len(metadata)
    data = b"".join(blobs)
    header = b"PMTiles" + bytes([3]) + struct.pack(
        "<8Q3Q4B2B4iBii", root_offset, len(directory), meta_offset, len(metadata),
        data_offset, 0, data_offset, len(data), len(ids), len(ids), len(ids),
        1, 1, 1, 2, ZOOM, ZOOM,
        int(BOX[0] * 1e7), int(BOX[1] * 1e7), int(BOX[2] * 1e7), int(BOX[3] * 1e7),
        ZOOM, int(-73.25e7), int(-3.75e7))
    assert len(header) == 127
    path = tmp_path / "iquitos.pmtiles"
    path.write_bytes(header + directory + metadata + data)
    return path


@pytest.fixture
def geotiff(tmp_path):
    """A 3-band RGB GeoTIFF in UTM 18S: left half red, right half blue, one corner nodata."""
    rgb = np.zeros((3, 40, 40), dtype="uint8")
    rgb[0, :, :20] = 200
    rgb[2, :, 20:] = 180
    path = tmp_path / "mosaic.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=40, count=3, dtype="uint8",
                       crs="EPSG:32718", transform=from_origin(690_000, 9_590_000, 100, 100),
                       nodata=0) as ds:
        ds.write(rgb)
    return path


# --------------------------------------------------------------------------- readers
def test_tile_ids_follow_the_pmtiles_hilbert_order():
    assert {t: zxy_to_tile_id(ZOOM, *t) for t in TILES} == PMTILES_IDS
    assert _tile_xy(-73.25, -3.75) in TILES


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_tile_packages_are_pasted_into_one_picture(kind, mbtiles, pmtiles):
    image = read_basemap(mbtiles if kind == "mbtiles" else pmtiles)
    assert image.kind == kind and image.zoom == ZOOM
    assert image.attribution == ("Test tiles" if kind == "mbtiles" else "PM test")
    (south, west), (north, east) = image.bounds
    assert west == pytest.approx(BOX[0], abs=1e-3) and east == pytest.approx(BOX[2], abs=1e-3)
    assert south == pytest.approx(BOX[1], abs=1e-3) and north == pytest.approx(BOX[3], abs=1e-3)
    for lon, lat in [(-73.29, -3.71), (-73.21, -3.71), (-73.29, -3.79), (-73.21, -3.79)]:
        assert _pixel_at(image, lon, lat) == (*_colour(*_tile_xy(lon, lat)), 255)


def test_a_small_size_limit_picks_a_shallower_zoom_or_the_shallowest(mbtiles):
    image = read_basemap(mbtiles, max_size_px=64)
    assert image.zoom == ZOOM  # the only zoom in the package
    assert max(image.rgba.shape[:2]) <= 2 * 256


def test_geotiff_is_warped_to_web_mercator_with_nodata_transparent(geotiff):
    image = read_basemap(geotiff)
    to_lonlat = Transformer.from_crs("EPSG:32718", "EPSG:4326", always_xy=True)
    red = to_lonlat.transform(690_500, 9_588_000)   # column 5 of 40: red
    blue = to_lonlat.transform(693_500, 9_588_000)  # column 35 of 40: blue
    assert _pixel_at(image, *red) == (200, 0, 0, 255)
    assert _pixel_at(image, *blue) == (0, 0, 180, 255)
    assert image.rgba[..., 3].min() == 0  # the warped corners have no data
    assert max(image.rgba.shape[:2]) <= 2048


def test_basemap_is_cut_to_the_area_asked(geotiff):
    to_lonlat = Transformer.from_crs("EPSG:32718", "EPSG:4326", always_xy=True)
    west, south = to_lonlat.transform(690_300, 9_587_000)  # well inside the red half
    east, north = to_lonlat.transform(691_500, 9_589_000)
    image = read_basemap(geotiff, bounds_lonlat=(west, south, east, north))
    (s, w), (n, e) = image.bounds
    assert (w, s, e, n) == pytest.approx((west, south, east, north))
    assert (image.rgba == (200, 0, 0, 255)).all()


def test_wrong_basemaps_are_refused_with_what_and_how(tmp_path, geotiff, mbtiles):
    with pytest.raises(FormatError, match="GeoTIFF, MBTiles or PMTiles"):
        read_basemap(tmp_path / "map.jpg")
    with pytest.raises(OverlapError, match="does not overlap"):
        read_basemap(geotiff, bounds_lonlat=(10.0, 10.0, 11.0, 11.0))
    no_crs = tmp_path / "plain.tif"
    with rasterio.open(no_crs, "w", driver="GTiff", width=2, height=2, count=1,
                       dtype="uint8", transform=from_origin(0, 2, 1, 1)) as ds:
        ds.write(np.ones((1, 2, 2), dtype="uint8"))
    with pytest.raises(CRSError, match="no coordinate system"):
        read_basemap(no_crs)
    con = sqlite3.connect(mbtiles)
    con.execute("UPDATE metadata SET value='pbf' WHERE name='format'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="'pbf' tiles"):
        read_basemap(mbtiles)
    (tmp_path / "bad.pmtiles").write_bytes(b"not a pmtiles file" * 10)
    with pytest.raises(FormatError, match="not a PMTiles archive"):
        read_basemap(tmp_path / "bad.pmtiles")


def test_pmtiles_directory_offsets_follow_the_previous_tile():
    raw = (_varint(3) + _varint(5) + _varint(1) + _varint(1)   # ids 5, 6, 7
           + _varint(1) + _varint(1) + _varint(2)              # run lengths
           + _varint(10) + _varint(20) + _varint(30)           # lengths
           + _varint(1) + _varint(0) + _varint(101))           # offsets: 0, next (10), 100
    assert parse_pmtiles_directory(raw) == [(5, 0, 10, 1), (6, 10, 20, 1), (7, 100, 30, 2)]


# --------------------------------------------------------------------------- on the map
def test_basemap_is_a_base_layer_in_a_pane_under_the_flood(geotiff):
    layer = basemap_layer(read_basemap(geotiff), lang="es")
    assert layer.overlay is False and layer.options["pane"] == BACKGROUND_PANE
    html = build_map(lang="es", basemaps=[read_basemap(geotiff)]).get_root().render()
    assert f'"{BACKGROUND_PANE}"' in html and "crecida-basemap" in html
    assert "Mapa de fondo: mosaic.tif" in html


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["geotiff", "mbtiles"])
def test_basemap_is_drawn_under_the_flood_in_a_browser(kind, geotiff, mbtiles, write_tif,
                                                      tiny_depth, tiny_centres, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    import browser_app

    from geo.flood import open_flood
    from layers.flood import flood_overlay

    flood = flood_overlay(open_flood(write_tif(tiny_depth, "depth.tif"), name="x",
                                     kind="depth"))
    image = read_basemap(geotiff if kind == "geotiff" else mbtiles)
    page_html = inline_assets(build_map(lang="es", centres=tiny_centres, flood=flood,
                                        basemaps=[image]).get_root().render())
    out = tmp_path / "map.html"
    out.write_text(page_html, encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = browser_app.launch(pw)
        try:
            context = browser.new_context()
            attempted = browser_app.cut_network(context)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(out.as_uri())
            page.wait_for_selector("img.crecida-basemap", state="attached", timeout=15_000)
            page.wait_for_selector("img.crecida-flood", state="attached", timeout=15_000)
            drawn = page.evaluate("""() => {
                const base = document.querySelector("img.crecida-basemap");
                const flood = document.querySelector("img.crecida-flood");
                const z = el => Number(getComputedStyle(el.closest(".leaflet-pane")).zIndex);
                return {loaded: base.complete && base.naturalWidth > 0,
                        basePane: z(base), floodPane: z(flood),
                        basePaneName: base.parentElement.className}; }""")
        finally:
            browser.close()
    assert drawn["loaded"]
    assert drawn["basePane"] < drawn["floodPane"]
    assert BACKGROUND_PANE in drawn["basePaneName"] and FLOOD_PANE not in drawn["basePaneName"]
    assert attempted == [] and errors == []


@pytest.mark.parametrize("damage", ["cut_short", "not_gzip", "tile_not_gzip"])
def test_a_damaged_pmtiles_archive_is_refused_with_a_message(pmtiles, damage):
    raw = bytearray(pmtiles.read_bytes())
    if damage == "cut_short":  # the copy stopped inside the root directory
        raw = raw[:130]
    elif damage == "not_gzip":  # the header says gzip, the directory is not
        raw[97] = 2
    else:  # the tiles are said to be gzip, they are plain PNG
        raw[98] = 2
    pmtiles.write_bytes(bytes(raw))
    with pytest.raises(FormatError) as caught:
        read_basemap(pmtiles, bounds_lonlat=BOX)
    problem = caught.value.problems[0]
    assert problem.key == "basemap_pmtiles_damaged" and problem.source == "iquitos.pmtiles"
    assert problem.text("es") == ("iquitos.pmtiles: el archivo PMTiles está dañado o "
                                  "incompleto: su contenido no es lo que dice su encabezado — "
                                  "cópielo o expórtelo de nuevo, completo")

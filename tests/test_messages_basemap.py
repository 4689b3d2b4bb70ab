"""Every message of the offline basemap reader (geo.basemap), of the vectors-miss-the-raster
check (geo.zonal.check_overlap) and of the map libraries (layers.assets) in Spanish and in
English: each is triggered with a tiny input made here, read in both languages and checked for
words of the other one; a few are compared word for word; the command lines say them in the
language asked.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.transform import from_origin
from shapely.geometry import box
from wording import foreign_words

from geo import cli
from geo.basemap import read_basemap
from geo.errors import CrecidaError, CRSError, FormatError, InputError, OverlapError
from geo.raster import open_raster
from geo.zonal import check_overlap
from layers import assets
from layers.assets import APP_STATIC_URL, AssetError, check_installed, inline_assets, install

#: lon/lat box of the tile packages made here (Iquitos).
BOX = (-73.30, -3.80, -73.20, -3.70)
ZOOM = 12
#: The z12 tile over the middle of BOX (slippy-map formula, worked out by hand).
TILE = (1214, 2090)


# --------------------------------------------------------------------------- tiny inputs
def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _mbtiles(path: Path, *, fmt: str = "png", tiles: list[tuple[int, int, int, bytes]] = (),
             bounds: tuple[float, ...] = BOX) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
                " tile_data BLOB)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)",
                    [("format", fmt), ("bounds", ",".join(map(str, bounds)))])
    for z, x, y, data in tiles:  # rows count from the south (TMS)
        con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2 ** z - 1 - y, data))
    con.commit()
    con.close()
    return path


def _pmtiles(path: Path, *, version: int = 3, internal: int = 1, tile_type: int = 2) -> Path:
    """A PMTiles header (spec v3, little-endian) over BOX with a 4-byte root directory."""
    root = b"\x00\x00\x00\x00"
    header = b"PMTiles" + bytes([version]) + struct.pack(
        "<8Q3Q4B2B4iBii", 127, len(root), 0, 0, 0, 0, 127 + len(root), 0, 0, 0, 0,
        1, internal, 1, tile_type, ZOOM, ZOOM,
        *(int(v * 1e7) for v in BOX), ZOOM, int(-73.25e7), int(-3.75e7))
    path.write_bytes(header + root)
    return path


def _geotiff(path: Path, *, crs: str | None = "EPSG:4326") -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8",
                       crs=crs, transform=from_origin(-73.30, -3.70, 0.025, 0.025)) as ds:
        ds.write(np.full((1, 4, 4), 7, dtype="uint8"))
    return path


def _vendor(tmp_path: Path) -> Path:
    """A static/vendor folder with one package: a style sheet and a script."""
    vendor = tmp_path / "vendor"
    (vendor / "lib@1.0").mkdir(parents=True)
    (vendor / "lib@1.0" / "a.js").write_text("var a = 1;")
    (vendor / "lib@1.0" / "net.css").write_text(".x{background:url(https://example.org/x.png)}")
    (vendor / "lib@1.0" / "gone.css").write_text(".y{background:url(img/gone.png)}")
    return vendor


def _raises(call, kind=CrecidaError) -> CrecidaError:
    with pytest.raises(kind) as info:
        call()
    return info.value


# --------------------------------------------------------------------------- every message
def _basemap_cases(tmp_path: Path) -> dict[str, CrecidaError]:
    (tmp_path / "roto.tif").write_bytes(b"II*\x00" + b"\x00" * 20)
    (tmp_path / "roto.mbtiles").write_bytes(b"esto no es una base de datos SQLite " * 4)
    (tmp_path / "roto.pmtiles").write_bytes(b"esto no es un archivo PMTiles " * 8)
    return {
        "basemap_wrong_type": _raises(lambda: read_basemap(tmp_path / "mapa.jpg"),
                                      FormatError),
        "basemap_no_overlap": _raises(lambda: read_basemap(
            _mbtiles(tmp_path / "lejos.mbtiles", tiles=[(ZOOM, *TILE, _png())]),
            bounds_lonlat=(10.0, 10.0, 11.0, 11.0)), OverlapError),
        "basemap_no_crs": _raises(lambda: read_basemap(
            _geotiff(tmp_path / "sin_crs.tif", crs=None)), CRSError),
        "basemap_geotiff_unreadable": _raises(lambda: read_basemap(tmp_path / "roto.tif"),
                                              FormatError),
        "basemap_tile_undecodable": _raises(lambda: read_basemap(_mbtiles(
            tmp_path / "mala.mbtiles", tiles=[(ZOOM, *TILE, b"no es una imagen")])),
            FormatError),
        "basemap_no_tiles_here": _raises(lambda: read_basemap(_mbtiles(
            tmp_path / "otra_zona.mbtiles", tiles=[(ZOOM, 0, 0, _png())]), bounds_lonlat=BOX),
            InputError),
        "basemap_mbtiles_unopenable": _raises(lambda: read_basemap(
            tmp_path / "no_existe.mbtiles"), InputError),
        "basemap_not_mbtiles": _raises(lambda: read_basemap(tmp_path / "roto.mbtiles"),
                                       FormatError),
        "basemap_mbtiles_not_pictures": _raises(lambda: read_basemap(_mbtiles(
            tmp_path / "vector.mbtiles", fmt="pbf", tiles=[(ZOOM, *TILE, b"x")])), InputError),
        "basemap_mbtiles_empty": _raises(lambda: read_basemap(
            _mbtiles(tmp_path / "vacio.mbtiles")), InputError),
        "basemap_not_pmtiles": _raises(lambda: read_basemap(tmp_path / "roto.pmtiles"),
                                       FormatError),
        "basemap_pmtiles_version": _raises(lambda: read_basemap(
            _pmtiles(tmp_path / "v2.pmtiles", version=2)), InputError),
        "basemap_pmtiles_compression": _raises(lambda: read_basemap(
            _pmtiles(tmp_path / "brotli.pmtiles", internal=3)), InputError),
        "basemap_pmtiles_unopenable": _raises(lambda: read_basemap(
            tmp_path / "no_existe.pmtiles"), FormatError),
        "basemap_pmtiles_not_pictures": _raises(lambda: read_basemap(
            _pmtiles(tmp_path / "vector.pmtiles", tile_type=1)), InputError),
    }


def _zonal_cases(tmp_path: Path) -> dict[str, CrecidaError]:
    path = tmp_path / "profundidad.tif"
    with rasterio.open(path, "w", driver="GTiff", width=3, height=3, count=1, dtype="float32",
                       crs="EPSG:32718", transform=from_origin(500_000, 9_600_000, 10, 10)) as ds:
        ds.write(np.ones((1, 3, 3), dtype="float32"))
    raster = open_raster(path)
    return {"zonal_no_overlap": _raises(lambda: check_overlap(
        (510_000, 9_599_990, 510_010, 9_600_000), raster, what="communities"), OverlapError)}


def _assets_cases(tmp_path: Path) -> dict[str, CrecidaError]:
    vendor = _vendor(tmp_path)
    modules = tmp_path / "node_modules"
    (modules / "leaflet").mkdir(parents=True)
    (modules / "leaflet" / "package.json").write_text(json.dumps({"version": "1.0.0"}))
    empty = tmp_path / "sin_modulos"
    empty.mkdir()

    def page(tag: str):
        return lambda: inline_assets(tag, vendor_dir=vendor)

    return {
        "assets_not_served": _raises(page('<script src="https://example.org/x.js"></script>'),
                                     AssetError),
        "assets_not_installed": _raises(lambda: check_installed(tmp_path / "vacio"),
                                        AssetError),
        "assets_package_missing": _raises(lambda: install(node_modules=empty,
                                                          vendor_dir=tmp_path / "out"),
                                          AssetError),
        "assets_wrong_version": _raises(lambda: install(node_modules=modules,
                                                        vendor_dir=tmp_path / "out"),
                                        AssetError),
        "assets_outside_vendor": _raises(page(
            f'<script src="{APP_STATIC_URL}../fuera.js"></script>'), AssetError),
        "assets_file_not_installed": _raises(page(
            f'<script src="{APP_STATIC_URL}lib@1.0/gone.js"></script>'), AssetError),
        "assets_css_from_network": _raises(page(
            f'<link rel="stylesheet" href="{APP_STATIC_URL}lib@1.0/net.css"/>'), AssetError),
        "assets_css_file_missing": _raises(page(
            f'<link rel="stylesheet" href="{APP_STATIC_URL}lib@1.0/gone.css"/>'), AssetError),
        "assets_image_not_served": _raises(page(
            '<img src="https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/'
            'bootstrap.min.css">'), AssetError),
    }


@pytest.fixture
def errors(tmp_path) -> dict[str, CrecidaError]:
    return {**_basemap_cases(tmp_path), **_zonal_cases(tmp_path), **_assets_cases(tmp_path)}


def test_every_message_is_keyed_and_reads_in_both_languages(errors):
    assert len(errors) == 15 + 1 + 9
    for key, error in errors.items():
        (problem,) = error.problems
        assert problem.key == key
        es, en = error.text("es"), error.text("en")
        assert es != en
        assert foreign_words([es], "es") == [], key
        assert foreign_words([en], "en") == [], key


def test_some_messages_word_for_word_in_spanish(errors, tmp_path):
    assert errors["basemap_wrong_type"].text("es") == (
        "mapa.jpg: un mapa de fondo debe ser un archivo GeoTIFF, MBTiles o PMTiles, no '.jpg' "
        "— exporte el fondo como .tif, .mbtiles o .pmtiles")
    assert errors["basemap_no_overlap"].text("es") == (
        "lejos.mbtiles: el mapa de fondo cubre lon -73,300…-73,200, lat -3,800…-3,700, que no "
        "se superpone al área del mapa lon 10,000…11,000, lat 10,000…11,000 — elija un mapa "
        "de fondo del área de estudio (revise su sistema de coordenadas)")
    assert errors["basemap_pmtiles_version"].text("es") == (
        "v2.pmtiles: la versión 2 de PMTiles no es compatible — conviértalo a la versión 3 "
        "(pmtiles convert)")
    assert errors["zonal_no_overlap"].text("es") == (
        "la capa de comunidades (extensión (510000, 9.59999e+06, 510010, 9.6e+06)) no se "
        "superpone al ráster profundidad.tif (extensión (500000, 9.59997e+06, 500030, "
        "9.6e+06)); ambas extensiones en el sistema de coordenadas del ráster, EPSG:32718 — "
        "compruebe que ambas capas cubran la misma zona y tengan el sistema de coordenadas "
        "correcto")
    assert errors["assets_not_installed"].text("es") == (
        f"{len(assets.served_files())} archivo(s) de las bibliotecas del mapa no están "
        f"instalados en {tmp_path / 'vacio'} (el primero: {assets.served_files()[0]}) — "
        "ejecute `make run` o `make assets` una vez (necesita npm)")


def test_the_english_words_stay_those_the_tests_and_logs_know(errors):
    assert str(errors["basemap_no_overlap"]) == (
        "lejos.mbtiles: the basemap covers lon -73.300…-73.200, lat -3.800…-3.700, which does "
        "not overlap the map's area lon 10.000…11.000, lat 10.000…11.000 — choose a basemap "
        "of the study area (check its coordinate system)")
    assert str(errors["assets_not_served"]) == (
        "the map asks for https://example.org/x.js, which Crecida does not serve itself — add "
        "the npm package to package.json and the address to layers.assets.CDN_FILES")


def test_a_librarys_reason_is_english_only(errors):
    for key in ("basemap_geotiff_unreadable", "basemap_mbtiles_unopenable",
                "basemap_not_mbtiles", "basemap_pmtiles_unopenable"):
        (problem,) = errors[key].problems
        assert problem.detail and problem.detail in errors[key].text("en")
        assert problem.detail not in errors[key].text("es")
    assert errors["basemap_geotiff_unreadable"].text("es") == (
        "roto.tif: no se puede leer el GeoTIFF del mapa de fondo — compruebe que el archivo "
        "sea un GeoTIFF completo")


# --------------------------------------------------------------------------- front ends
def test_the_command_line_says_the_zonal_problem_in_spanish(tmp_path, capsys):
    far = tmp_path / "lejos.gpkg"
    gpd.GeoDataFrame({"nombre": ["Lejos"], "poblacion": [100]},
                     geometry=[box(-70.0, -10.0, -69.99, -9.99)], crs=4326).to_file(far)
    code = cli.main(["--lang", "es", "exposure", "--with-sample", "--communities", str(far),
                     "--out", str(tmp_path / "out.gpkg")])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert "crecida: error: la capa de comunidades (extensión (" in err
    assert "compruebe que ambas capas cubran la misma zona" in err
    assert "does not overlap" not in err


def test_the_assets_command_speaks_the_language_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "vacio")
    assert assets.main(["--lang", "es", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no están instalados en" in err
    assert foreign_words([err], "es") == []
    assert assets.main(["--lang", "en", "check"]) == 2
    assert "are not installed in" in capsys.readouterr().err
    assert assets.main(["--lang", "es", "otra"]) == 2
    assert capsys.readouterr().err.startswith("uso: python -m layers.assets")


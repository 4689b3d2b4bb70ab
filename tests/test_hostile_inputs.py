"""Hostile and broken inputs, input side: a clear refusal naming the cell, never a wrong
number, a traceback, or a file left behind."""

from __future__ import annotations

import tempfile
import zipfile

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
from shapely.geometry import Point, box

from geo import settings
from geo.errors import CrecidaWarning, FormatError, InputError
from geo.flood import flood_from_vector
from geo.io import read_centres, read_communities, read_flood_vector


def _csv(tmp_path, text: str, name: str = "sitios.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("cell, why", [
    ("inf", "is not a finite number"),
    ("-inf", "is not a finite number"),
    ("1e20", "is an absurd number here"),
    ("1e300", "is an absurd number here"),
])
def test_non_finite_and_absurd_numbers_are_refused_with_row_and_column(tmp_path, cell, why):
    path = _csv(tmp_path, f"nombre,lat,lon,personas,capacidad\nA,-3.75,-73.25,10,50\n"
                          f"B,-3.76,-73.26,{cell},{cell}\n")
    with pytest.raises(InputError) as err:
        read_centres(path)
    located = {(p.row, p.column) for p in err.value.problems}
    assert located == {(2, "personas"), (2, "capacidad")}
    assert why in str(err.value)


def test_infinite_population_of_a_community_is_refused(tmp_path):
    path = _csv(tmp_path, "comunidad,poblacion,lat,lon\nA,inf,-3.75,-73.25\n")
    with pytest.raises(InputError, match=r"row 1, column 'poblacion': 'inf' is not a finite"):
        read_communities(path)


def test_a_community_without_population_is_refused_not_dropped(tmp_path):
    frame = gpd.GeoDataFrame({"nombre": ["A", "B"], "poblacion": [120.0, np.nan]},
                             geometry=[box(-73.30, -3.80, -73.29, -3.79),
                                       box(-73.28, -3.80, -73.27, -3.79)], crs="EPSG:4326")
    path = tmp_path / "comunidades.gpkg"
    frame.to_file(path)
    with pytest.raises(InputError, match=r"row 2: both poblacion and households are missing"):
        read_communities(path)


@pytest.mark.parametrize("reader, geometry", [
    (read_centres, Point(-73.25, -3.75)),
    (read_communities, box(-73.30, -3.80, -73.29, -3.79)),
])
def test_features_without_geometry_are_refused_with_their_rows(tmp_path, reader, geometry):
    frame = gpd.GeoDataFrame({"nombre": ["A", "B", "C"], "poblacion": [10, 20, 30]},
                             geometry=[geometry, None, geometry], crs="EPSG:4326")
    path = tmp_path / "capa.gpkg"
    frame.to_file(path)
    with pytest.raises(InputError, match=r"features without a geometry \(rows 2\)"):
        reader(path)


def test_a_community_polygon_with_no_area_is_refused_not_dropped(tmp_path):
    line_like = box(-73.30, -3.80, -73.30, -3.79)  # zero width: repair leaves nothing
    frame = gpd.GeoDataFrame({"nombre": ["A", "B"], "poblacion": [10, 20]},
                             geometry=[box(-73.28, -3.80, -73.27, -3.79), line_like],
                             crs="EPSG:4326")
    path = tmp_path / "comunidades.gpkg"
    frame.to_file(path)
    with pytest.raises(InputError, match=r"polygons with no area once repaired \(rows 2\)"):
        read_communities(path)


def test_workbook_with_its_data_on_the_second_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Hoja1"  # empty, as Excel leaves it
    data = book.create_sheet("albergues")
    data.append(["nombre", "latitud", "longitud", "familias"])
    data.append(["I.E. 601", -3.7612, -73.2461, 24])
    path = tmp_path / "libro.xlsx"
    book.save(path)
    with pytest.warns(CrecidaWarning):
        gdf = read_centres(path)
    assert gdf["families"].tolist() == [24]
    assert "sheet 'albergues' read (other sheets: Hoja1)" in str(gdf.attrs["decisions"][0])


def test_hxl_tag_contradicting_its_header_is_said(tmp_path):
    path = _csv(tmp_path, "Distrito,lat,lon\n#adm2+name,#geo+lat,#geo+lon\nMaynas,-3.75,-73.25\n")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(path)
    notes = [w.message.args[0] for w in record]
    assert [n.key for n in notes] == ["hxl_contradicts_header", "ids_generated",
                                      "kind_column_absent", "counts_absent_zero",
                                      "status_column_absent"]
    assert ("the HXL tag #adm2+name says 'province' but the header says 'district'"
            in str(notes[0]))
    assert gdf["province"].tolist() == ["Maynas"] and gdf["district"].tolist() == [""]


# --------------------------------------------------------------------------- archives


def test_a_zip_whose_member_fails_its_crc_is_refused_cleanly(tmp_path):
    path = tmp_path / "capa.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("albergues.csv", "nombre,lat,lon\n" + "A,-3.75,-73.25\n" * 50)
    data = bytearray(path.read_bytes())
    at = data.index(b"A,-3.75")
    data[at] = ord("B")  # the header's CRC no longer matches the member
    path.write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"capa\.zip: the zip is damaged \(Bad CRC-32"):
        read_centres(path)


def test_a_kmz_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomba.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", b"<kml>" + b" " * (8 * 2**20) + b"</kml>")
    assert path.stat().st_size < 100_000
    with pytest.raises(FormatError, match=r"'doc\.kml' unpacks to \d+ times its packed size"):
        read_centres(path)


def test_a_kmz_over_the_kml_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_KML_BYTES", 2**20)
    placemark = ("<Placemark><name>x</name><Point><coordinates>-73.25,-3.75</coordinates>"
                 "</Point></Placemark>")
    kml = f"<kml><Document>{placemark * 20_000}</Document></kml>"
    path = tmp_path / "grande.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml)
    with pytest.raises(FormatError, match=r"unpacks to \d+ MiB, over the 1 MiB limit"):
        read_centres(path)


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_ZIP_MEMBERS", 3)
    path = tmp_path / "muchos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(4):
            zf.writestr(f"f{i}.txt", "x")
    with pytest.raises(FormatError, match="the zip holds 4 files, over the limit of 3"):
        read_centres(path)


def test_reading_packages_and_kmz_leaves_no_temporary_file(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    kml = ("<kml><Document><Placemark><name>A</name><Point><coordinates>-73.25,-3.75"
           "</coordinates></Point></Placemark></Document></kml>")
    kmz = tmp_path / "a.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.writestr("doc.kml", kml)
    with pytest.warns(CrecidaWarning):
        read_centres(kmz)
    water = gpd.GeoDataFrame({"notation": ["Flooded area"]},
                             geometry=[box(-73.26, -3.76, -73.25, -3.75)], crs="EPSG:4326")
    folder = tmp_path / "parts"
    folder.mkdir()
    water.to_file(folder / "EMSR1_AOI01_DEL_PRODUCT_observedEventA_v1.shp")
    package = tmp_path / "ems.zip"
    with zipfile.ZipFile(package, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    scenario = flood_from_vector(read_flood_vector(package), name="ems")
    assert np.isinf(scenario.read_depth()).any()
    assert scenario.raster.path.startswith("/vsimem/")  # held in memory, not on disk
    assert list(scratch.iterdir()) == []

"""Tables as text cells: encodings, separators, HXL rows; file kinds by name; zips unpacked."""

from __future__ import annotations

import tempfile
import zipfile

import pytest

from geo.errors import FormatError
from geo.io.archives import extracted_zip, safe_extract_zip
from geo.io.formats import is_table_path, is_vector_path
from geo.io.tables import read_table


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators_are_sniffed_and_cells_kept_as_text(tmp_path, sep):
    path = tmp_path / "t.txt"
    path.write_text(sep.join(["Nombre", "Latitud", "Familias"]) + "\n"
                    + sep.join([" Belén ", '"-3,76"', "007"]) + "\n", encoding="utf-8")
    frame, hxl = read_table(path, label="t.txt")
    assert not hxl
    assert list(frame.columns) == ["Nombre", "Latitud", "Familias"]
    assert frame.iloc[0].tolist() == ["Belén", "-3,76", "007"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes("Ñame,Año\nBelén,2012\n".encode(encoding))
    frame, _ = read_table(path, label="t.csv")
    assert list(frame.columns) == ["Ñame", "Año"] and frame.iloc[0].tolist() == ["Belén", "2012"]


def test_hxl_row_is_dropped_and_its_tags_normalised(tmp_path):
    path = tmp_path / "dtm.csv"
    path.write_text("Site,Lat,Lon,Notes\n#loc +Name,#geo+lat,#geo+lon,\nA,-3.7,-73.2,x\n",
                    encoding="utf-8")
    frame, hxl = read_table(path, label="dtm.csv")
    assert hxl and len(frame) == 1 and frame.iloc[0].tolist() == ["A", "-3.7", "-73.2", "x"]
    assert frame.attrs["hxl"] == {"Site": "#loc+name", "Lat": "#geo+lat", "Lon": "#geo+lon",
                                  "Notes": ""}


def test_a_first_row_with_one_hash_among_many_cells_is_data(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,d\n#1,x,y,z\n", encoding="utf-8")
    frame, hxl = read_table(path, label="t.csv")
    assert not hxl and frame.iloc[0].tolist() == ["#1", "x", "y", "z"]


def test_only_hxl_tags_and_no_data(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Lat,Lon\n#geo+lat,#geo+lon\n", encoding="utf-8")
    with pytest.raises(FormatError, match="headers and HXL tags but no data rows"):
        read_table(path, label="t.csv")


@pytest.mark.parametrize("name, table, vector", [
    ("a.CSV", True, False), ("a.xlsx", True, False), ("a.tsv", True, False),
    ("a.gpkg", False, True), ("a.shp.zip", False, True), ("a.KMZ", False, True),
    ("a.tif", False, False), ("a.docx", False, False),
])
def test_file_kinds_by_name(name, table, vector):
    assert (is_table_path(name), is_vector_path(name)) == (table, vector)


def test_extracted_zip_is_removed_after_use(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("dir/a.txt", "hola")
    with extracted_zip(path) as folder:
        assert (folder / "dir" / "a.txt").read_text(encoding="utf-8") == "hola"
    assert not folder.exists()


def test_zip_exactly_at_the_limit_unpacks(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.bin", b"\0" * 600)
        zf.writestr("b.bin", b"\0" * 400)
    assert safe_extract_zip(path, tmp_path / "out", max_bytes=1000) == tmp_path / "out"
    assert (tmp_path / "out" / "b.bin").stat().st_size == 400
    with pytest.raises(FormatError, match="over the 0 MiB limit"):
        safe_extract_zip(path, tmp_path / "out2", max_bytes=999)


def test_not_a_zip(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(b"nope")
    with pytest.raises(FormatError, match=r"a\.zip: not a readable zip file"):
        safe_extract_zip(path, tmp_path / "out")


def test_reading_a_zipped_shapefile_leaves_no_temporary_folder(tmp_path, monkeypatch):
    from pathlib import Path

    from geo.errors import CrecidaWarning
    from geo.io import read_centres

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.warns(CrecidaWarning):
        assert len(read_centres(Path(__file__).parent / "data" / "centres_shp.zip")) == 5
    assert list(scratch.iterdir()) == []

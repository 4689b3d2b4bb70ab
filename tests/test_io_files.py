"""File utilities: atomic replacement of outputs, file hashes, the GeoPackage writer."""

from __future__ import annotations

import hashlib
import os

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geo.errors import InputError
from geo.io import write_layers
from geo.io.files import atomic_path, sha256_file

# --------------------------------------------------------------------------- sha256_file


def test_sha256_of_a_known_file(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    # FIPS 180-2, appendix B.1: SHA-256("abc").
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_sha256_reads_in_chunks(tmp_path):
    data = bytes(range(256)) * 3  # 768 bytes: 109 full chunks of 7 and one of 5
    path = tmp_path / "bin"
    path.write_bytes(data)
    assert sha256_file(path, chunk_bytes=7) == hashlib.sha256(data).hexdigest()


def test_sha256_of_a_missing_file_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        sha256_file(tmp_path / "missing.csv")


def test_provenance_hashes_with_the_same_function():
    from geo import provenance

    assert provenance.sha256_file is sha256_file


# --------------------------------------------------------------------------- atomic_path


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_atomic_path_replaces_the_file_on_success(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".out.") and tmp.name.endswith(".tmp.csv")
        assert not tmp.exists()  # the writer creates it
        tmp.write_text("new", encoding="utf-8")
        assert out.read_text(encoding="utf-8") == "old"  # not replaced before the end
    assert out.read_text(encoding="utf-8") == "new"
    assert _entries(tmp_path) == ["out.csv"]


def test_atomic_path_keeps_the_old_file_and_removes_the_temporary_on_failure(tmp_path):
    out = tmp_path / "out.gpkg"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="driver failed"), atomic_path(out) as tmp:
        tmp.write_bytes(b"half written")
        (tmp.parent / f"{tmp.name}-journal").write_bytes(b"sqlite side file")
        raise RuntimeError("driver failed")
    assert out.read_bytes() == b"old"
    assert _entries(tmp_path) == ["out.gpkg"]


def test_atomic_path_on_failure_without_an_old_file_leaves_nothing(tmp_path):
    with pytest.raises(ValueError), atomic_path(tmp_path / "new.kml") as tmp:
        tmp.write_text("<kml", encoding="utf-8")
        raise ValueError("bad layer")
    assert _entries(tmp_path) == []


def test_atomic_path_when_the_writer_never_creates_the_file(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "out.tif"):
        pass  # os.replace of a path that was never written
    assert _entries(tmp_path) == []


def test_atomic_path_keeps_both_suffixes_of_a_zip_and_creates_folders(tmp_path):
    out = tmp_path / "a" / "b" / "capas.shp.zip"
    with atomic_path(out) as tmp:
        assert tmp.name.endswith(".tmp.shp.zip") and tmp.parent == out.parent
        tmp.write_bytes(b"PK")
    assert out.read_bytes() == b"PK"


def test_atomic_path_only_removes_its_own_side_files(tmp_path):
    # "[x]" read as a glob pattern would match "x": the clean-up must take the name literally.
    out = tmp_path / "[x].gpkg"
    with atomic_path(out) as tmp:
        tmp.write_bytes(b"new")
        neighbour = tmp_path / (tmp.name.replace("[x]", "x") + "-journal")
        neighbour.write_bytes(b"someone else's")
    assert _entries(tmp_path) == sorted(["[x].gpkg", neighbour.name])


# --------------------------------------------------------------------------- write_layers


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["A", "B"]}, geometry=[Point(-73.25, -3.75), Point(-73.26, -3.76)],
        crs="EPSG:4326",
    )


def test_write_layers_writes_spatial_layers_and_tables(tmp_path):
    out = write_layers(tmp_path / "sub" / "r.gpkg",
                       {"centres": _points(), "summary": pd.DataFrame({"n": [2]})})
    assert out == tmp_path / "sub" / "r.gpkg"
    assert [tuple(r) for r in pyogrio.list_layers(out)] == [("centres", "Point"),
                                                            ("summary", None)]
    back = gpd.read_file(out, layer="centres")
    assert back["name"].tolist() == ["A", "B"] and back.crs.to_epsg() == 4326
    assert pyogrio.read_dataframe(out, layer="summary")["n"].tolist() == [2]
    assert _entries(tmp_path / "sub") == ["r.gpkg"]


def test_write_layers_failure_keeps_the_previous_file(tmp_path):
    out = write_layers(tmp_path / "r.gpkg", {"old": _points()})
    before = out.read_bytes()
    with pytest.raises(ValueError):  # the second layer cannot become a table
        write_layers(out, {"new": _points(), "broken": 5})  # type: ignore[dict-item]
    assert out.read_bytes() == before
    assert _entries(tmp_path) == ["r.gpkg"]


def test_write_layers_refuses_other_names(tmp_path):
    with pytest.raises(InputError, match=r"'r\.shp' is not a GeoPackage name"):
        write_layers(tmp_path / "r.shp", {"x": _points()})
    assert not os.listdir(tmp_path)

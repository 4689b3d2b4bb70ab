"""Bad input gives one clear error (or a warning and a documented fix), never a traceback."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, Polygon

from geo.errors import (
    CrecidaWarning,
    CRSError,
    FormatError,
    GeometryTypeError,
    InputError,
    OverlapError,
    Problem,
)
from geo.io import read_centres, read_communities, safe_extract_zip
from geo.raster import open_raster

DATA = Path(__file__).parent / "data"


def _csv(tmp_path: Path, text: str, name: str = "sites.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _notes(record) -> list[Problem]:
    """The note each warning carries (one warning per note, the keyed problem itself)."""
    notes = [w.message.args[0] for w in record]
    assert all(isinstance(n, Problem) and n.key for n in notes), notes
    return notes


#: The notes every centres table without ids, kinds, counts and statuses gets.
_DEFAULTS = ["kind_column_absent", "counts_absent_zero", "status_column_absent"]


def test_empty_file(tmp_path):
    with pytest.raises(FormatError, match=r"empty\.csv: the file is empty"):
        read_centres(_csv(tmp_path, "", "empty.csv"))


def test_header_without_rows(tmp_path):
    with pytest.raises(FormatError, match="header but no data rows"):
        read_centres(_csv(tmp_path, "name,lat,lon\n"))


def test_no_coordinate_columns_names_the_columns_found(tmp_path):
    with pytest.raises(InputError) as err:
        read_centres(_csv(tmp_path, "nombre,familias\nA,3\n"))
    text = str(err.value)
    assert "no latitude and no longitude column (columns found: nombre, familias)" in text
    assert "latitud/longitud" in text


def test_every_bad_coordinate_is_listed_with_row_and_column(tmp_path):
    path = _csv(tmp_path, "name,lat,lon\nA,-3.7,abc\nB,,-73.2\nC,95,-73.2\nD,-3.7,-73.2\n")
    with pytest.raises(InputError) as err:
        read_centres(path)
    problems = [(p.row, p.column) for p in err.value.problems]
    assert problems == [(1, "lon"), (2, "lat"), (3, "lat")]
    assert "'abc' is not a number" in str(err.value)
    assert "value missing" in str(err.value)
    assert "latitude 95.0 is outside −90…90" in str(err.value)
    assert str(err.value).startswith("3 problems found:")


def test_projected_coordinates_in_a_table_are_refused(tmp_path):
    path = _csv(tmp_path, "name,x,y\nA,694025,9585523\n")
    with pytest.raises(InputError, match="look like metres in a projected system"):
        read_centres(path)


def test_swapped_latitude_and_longitude_are_fixed_with_a_warning(tmp_path):
    # Columns labelled the wrong way round: "lat" holds longitudes.
    path = _csv(tmp_path, "name,lat,lon\nA,-73.25,-3.75\nB,-73.30,-3.80\n")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(path)
    notes = _notes(record)
    assert [n.key for n in notes] == ["coordinates_swapped", "ids_generated", *_DEFAULTS]
    assert str(notes[0]).startswith("sites.csv: latitude and longitude columns are swapped")
    assert gdf.geometry.x.tolist() == [-73.25, -73.30]
    assert gdf.geometry.y.tolist() == [-3.75, -3.80]
    assert not gdf["outside_study_area"].any()


def test_one_swapped_row_is_fixed_and_named(tmp_path):
    path = _csv(tmp_path, "name,lat,lon\nA,-3.75,-73.25\nB,-73.30,-3.80\n")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(path)
    notes = _notes(record)
    assert [n.key for n in notes] == ["coordinates_swapped_rows", "ids_generated", *_DEFAULTS]
    assert "swapped in rows 2:" in str(notes[0])
    assert gdf.geometry.x.tolist() == [-73.25, -73.30]


def test_far_away_points_are_kept_and_flagged(tmp_path):
    path = _csv(tmp_path, "name,lat,lon\nIquitos,-3.75,-73.25\nLima,-12.05,-77.04\n")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(path)
    notes = _notes(record)
    assert [n.key for n in notes] == ["points_outside_study_area", "ids_generated", *_DEFAULTS]
    assert "1 point(s) far outside the study area (rows 2)" in str(notes[0])
    assert len(gdf) == 2
    assert gdf["outside_study_area"].tolist() == [False, True]


def test_duplicate_ids_are_made_unique(tmp_path):
    path = _csv(tmp_path, "id,name,lat,lon\nA1,x,-3.75,-73.25\nA1,y,-3.76,-73.25\n"
                          "A1,z,-3.77,-73.25\nA1-2,w,-3.78,-73.25\n")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(path)
    notes = _notes(record)
    assert [n.key for n in notes] == ["ids_made_unique", *_DEFAULTS]
    assert str(notes[0]) == "sites.csv: duplicate id(s) made unique: A1→A1-3, A1→A1-4"
    assert notes[0].text("es") == "sites.csv: códigos repetidos hechos únicos: A1→A1-3, A1→A1-4"
    assert gdf["centre_id"].tolist() == ["A1", "A1-3", "A1-4", "A1-2"]


def test_unknown_status_is_an_error_but_unknown_kind_becomes_other(tmp_path):
    path = _csv(tmp_path, "name,lat,lon,estado,tipo\nA,-3.75,-73.25,quizás,mercado\n")
    with pytest.raises(InputError) as err:
        read_centres(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "estado")]  # as in the file
    assert "unknown status 'quizás'" in str(err.value)
    assert err.value.problems[0].text("es") == (
        "sites.csv, fila 1, columna 'estado': estado desconocido 'quizás' — use uno de: "
        "abierto, cerrado, propuesto")
    ok = _csv(tmp_path, "name,lat,lon,tipo\nA,-3.75,-73.25,mercado\n", "ok.csv")
    with pytest.warns(CrecidaWarning) as record:
        assert read_centres(ok)["kind"].tolist() == ["other"]
    notes = _notes(record)
    assert [n.key for n in notes] == ["ids_generated", "kind_values_unknown",
                                      "counts_absent_zero", "status_column_absent"]
    assert "unknown kind value(s) mercado taken as 'other'" in str(notes[1])
    assert "tipo(s) desconocido(s) mercado: se toman como 'otro'" in notes[1].text("es")


def test_negative_and_fractional_counts(tmp_path):
    path = _csv(tmp_path, "name,lat,lon,families,persons\nA,-3.75,-73.25,-2,10\n"
                          "B,-3.75,-73.25,2,4.5\n")
    with pytest.raises(InputError) as err:
        read_centres(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "families"), (2, "persons")]


def test_invalid_polygons_are_repaired_with_a_warning(tmp_path):
    bowtie = Polygon([(-73.30, -3.80), (-73.20, -3.70), (-73.20, -3.80), (-73.30, -3.70)])
    square = Polygon([(-73.3, -3.9), (-73.2, -3.9), (-73.2, -3.8), (-73.3, -3.8)])
    gdf = gpd.GeoDataFrame({"nombre": ["Lazo", "Cuadro"], "poblacion": [100, 50]},
                           geometry=[bowtie, square], crs="EPSG:4326")
    path = tmp_path / "comunidades.gpkg"
    gdf.to_file(path)
    with pytest.warns(CrecidaWarning) as record:
        out = read_communities(path)
    assert [n.key for n in _notes(record)] == ["geometries_repaired", "ids_generated",
                                               "groups_estimated"]
    assert str(record[0].message) == ("comunidades.gpkg: 1 invalid geometry(ies) repaired with "
                                      "make_valid (rows 1)")
    assert out.geometry.is_valid.all()
    assert out.geometry.iloc[0].geom_type == "MultiPolygon"
    # A bow-tie of two triangles: half the bounding square survives, nothing is lost.
    assert out.geometry.iloc[0].area == pytest.approx(0.005)
    assert out["households"].tolist() == [22, 11]  # ceil(100 / 4.7), ceil(50 / 4.7)


def test_community_points_get_derived_voronoi_boundaries(tmp_path):
    pts = gpd.GeoDataFrame({"name": ["A", "B", "C"], "population": [10, 20, 30],
                            "households": [2, 4, 6]},
                           geometry=[Point(-73.30, -3.75), Point(-73.25, -3.75),
                                     Point(-73.20, -3.75)], crs="EPSG:4326")
    path = tmp_path / "pts.geojson"
    pts.to_file(path, driver="GeoJSON")
    with pytest.warns(CrecidaWarning) as record:
        out = read_communities(path)
    notes = _notes(record)
    assert [n.key for n in notes] == ["ids_generated", "boundaries_derived"]
    assert "boundaries derived from 3 points" in str(notes[1])
    assert out["derived_boundary"].tolist() == [True, True, True]
    assert (out.geometry.geom_type == "Polygon").all()
    assert out.geometry.contains(pts.geometry).all()
    assert not out.geometry.iloc[0].overlaps(out.geometry.iloc[1])


def test_wrong_geometry_kind_is_an_error(tmp_path):
    lines = gpd.GeoDataFrame({"name": ["x"]}, geometry=[LineString([(-73.3, -3.7), (-73.2, -3.8)])],
                             crs="EPSG:4326")
    path = tmp_path / "lines.geojson"
    lines.to_file(path, driver="GeoJSON")
    with pytest.raises(GeometryTypeError, match="centres must be points, but the layer has lines"):
        read_centres(path)
    with pytest.raises(GeometryTypeError) as err:
        read_communities(path)
    assert err.value.text("es") == (
        "lines.geojson: las comunidades deben ser polígonos, multipolígonos o puntos, pero la "
        "capa tiene líneas (filas 1) — dé una capa de comunidades con geometrías Polygon, "
        "MultiPolygon o Point")


@pytest.mark.parametrize("name, content", [
    ("sites.docx", b"PK\x03\x04 not really"),
    ("sites.gpkg", b"this is not a geopackage at all"),
    ("sites.xlsx", b"not a zip"),
])
def test_corrupt_or_unsupported_files_name_the_accepted_formats(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormatError) as err:
        read_centres(path)
    assert "GeoPackage" in str(err.value) and "KML" in str(err.value)


def test_zipped_shapefile_without_prj_asks_for_it():
    with pytest.raises(CRSError, match=r"lacks its \.prj part.*add albergues\.prj"):
        read_centres(DATA / "centres_noprj_shp.zip")


def test_zipped_shapefile_without_dbf_names_the_missing_part():
    with pytest.raises(FormatError, match=r"lacks its \.dbf part"):
        read_centres(DATA / "centres_nodbf_shp.zip")


def test_zip_without_shp(tmp_path):
    path = tmp_path / "nothing.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hola")
    with pytest.raises(FormatError, match=r"no \.shp file \(found: readme\.txt\)"):
        read_centres(path)


def test_zip_members_cannot_escape_the_folder(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escaped.txt", "x")
    with pytest.raises(FormatError, match="would unpack outside its folder"):
        safe_extract_zip(path, tmp_path / "out")
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_zip_bomb_limit(tmp_path):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 2_000_000)
    with pytest.raises(FormatError, match="over the 1 MiB limit"):
        safe_extract_zip(path, tmp_path / "out", max_bytes=2**20)


def _tiny_raster(path: Path, *, crs: str | None, origin=(690000, 9590000)) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=3, height=3, count=1, dtype="float32",
                       crs=crs, transform=from_origin(*origin, 30, 30), nodata=-9999) as ds:
        ds.write(np.ones((3, 3), dtype="float32"), 1)
    return path


def test_raster_without_crs_is_an_error(tmp_path):
    path = _tiny_raster(tmp_path / "nocrs.tif", crs=None)
    with pytest.raises(CRSError, match=r"nocrs\.tif: the raster has no coordinate reference"):
        open_raster(path)


def test_raster_and_vectors_that_do_not_overlap_name_both_extents(tmp_path):
    from geo.inputs import load_inputs

    far = _tiny_raster(tmp_path / "far.tif", crs="EPSG:32718", origin=(300000, 8000000))
    with pytest.raises(OverlapError) as err:
        load_inputs(centres=DATA / "centres_hxl.csv", floods=[("far", far)])
    text = str(err.value)
    assert "the flood raster [300000, 7999910, 300090, 8000000]" in text
    assert "centres_hxl.csv [" in text and "do not overlap" in text
    assert "el ráster de inundación [300000, 7999910, 300090, 8000000]" in err.value.text("es")


def test_not_found(tmp_path):
    with pytest.raises(FormatError, match="file not found"):
        read_centres(tmp_path / "missing.csv")
    with pytest.raises(FormatError) as err:
        open_raster(tmp_path / "falta.tif")
    assert err.value.text("es") == "falta.tif: no se encontró el archivo"


def test_problems_are_gathered_across_layers(tmp_path):
    from geo.inputs import load_inputs

    bad_centres = _csv(tmp_path, "name,lat,lon\nA,x,-73.2\n")
    bad_flood = tmp_path / "flood.tif"
    bad_flood.write_bytes(b"nope")
    with pytest.raises(InputError) as err:
        load_inputs(centres=bad_centres, floods=[("f", bad_flood)])
    sources = {p.source for p in err.value.problems}
    assert sources == {"sites.csv", "flood.tif"}


def test_a_copy_of_the_shapefile_zip_under_another_name_still_loads(tmp_path):
    target = tmp_path / "mis albergues.shp.zip"
    shutil.copy(DATA / "centres_shp.zip", target)
    with pytest.warns(CrecidaWarning):
        assert len(read_centres(target)) == 5

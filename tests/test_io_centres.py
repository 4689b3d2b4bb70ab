"""Collective centres load from every format to one canonical frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import schema
from geo.errors import CrecidaWarning
from geo.io import read_centres

DATA = Path(__file__).parent / "data"
FORMATS = [
    "centres_es.csv",  # Spanish headers, ';' separator, decimal commas
    "centres_hxl.csv",  # English headers plus an HXL tag row
    "centres.xlsx",  # Spanish headers, "N° de familias" without persons-per-family issues
    "centres_shp.zip",  # zipped shapefile in UTM 18S with 10-character Spanish field names
    "centres.gpkg",  # GeoPackage, canonical English names
    "centres.kml",  # KML with extended data
]


def _load(name: str):
    with pytest.warns(CrecidaWarning, match="capacity of 1 centre"):
        return read_centres(DATA / name)


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    """The five centres, written out by hand."""
    return pd.DataFrame({
        "centre_id": ["T-01", "T-02", "T-03", "T-04", "T-05"],
        "name": [
            'I.E. N° 60054 "Señor de los Milagros"', "Parroquia San Martín de Porres",
            "Local Comunal Santo Tomás", "Coliseo Cardozo", "Módulos temporales Ñapo & <Hijos>",
        ],
        "kind": ["school", "church", "community_hall", "coliseum", "tent_camp"],
        "district": ["Belén", "Punchana", "San Juan Bautista", "Iquitos", "Iquitos"],
        "families": [24, 15, 8, 40, 0],
        "persons": [113, 71, 37, 190, 0],
        "covered_area_m2": [420.0, np.nan, 140.0, 1200.0, 300.0],
        # T-03 has no capacity: floor(140 / 3.5) = 40
        "capacity_persons": pd.array([120, 60, 40, 342, 85], dtype="Int64"),
        "status": ["open", "open", "open", "closed", "proposed"],
        "outside_study_area": [False] * 5,
    })


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_loads_to_the_same_canonical_frame(name, expected):
    gdf = _load(name)
    assert list(gdf.columns) == [*schema.CENTRE_COLUMNS, "outside_study_area", "geometry"]
    assert gdf.crs.to_epsg() == 4326
    got = pd.DataFrame(gdf.drop(columns="geometry"))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["families"].dtype == np.int64 and got["persons"].dtype == np.int64
    lon = [-73.2461, -73.2447, -73.3262, -73.2588, -73.2900]
    lat = [-3.7612, -3.7311, -3.8040, -3.7532, -3.7700]
    # The shapefile went through UTM 18S and back: within a micro-degree.
    np.testing.assert_allclose(gdf.geometry.x, lon, atol=1e-6)
    np.testing.assert_allclose(gdf.geometry.y, lat, atol=1e-6)


def test_capacity_is_derived_from_covered_area_only_where_missing():
    gdf = _load("centres_hxl.csv")
    assert gdf.attrs["warnings"] == [
        "centres_hxl.csv: capacity of 1 centre(s) computed as covered area / 3.5 m² per "
        "person (Sphere)"
    ]
    assert gdf.loc[2, "capacity_persons"] == 40  # floor(140 / 3.5)
    assert gdf.loc[0, "capacity_persons"] == 120  # given, kept although 420 / 3.5 = 120


def test_missing_persons_are_estimated_from_families_and_reported(tmp_path):
    csv = tmp_path / "sites.csv"
    csv.write_text("nombre,latitud,longitud,familias\nA,-3.75,-73.25,10\nB,-3.76,-73.26,3\n",
                   encoding="utf-8")
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(csv)
    messages = " | ".join(str(w.message) for w in record)
    assert "persons of 2 row(s) estimated as familias × 4.7" in messages  # the file's header
    assert gdf["persons"].tolist() == [47, 14]  # round(10 × 4.7), round(3 × 4.7) = round(14.1)
    assert gdf["centre_id"].tolist() == ["ALB-001", "ALB-002"]
    assert gdf["status"].tolist() == ["open", "open"]


def test_cp1252_csv_with_spanish_accents(tmp_path):
    csv = tmp_path / "excel.csv"
    csv.write_bytes("Nombre;Latitud;Longitud;Personas;Familias\n"
                    "Parroquia Belén;-3,76;-73,24;10;2\n".encode("cp1252"))
    with pytest.warns(CrecidaWarning) as record:
        gdf = read_centres(csv)
    notes = [w.message.args[0] for w in record]
    assert [n.key for n in notes] == ["ids_generated", "kind_column_absent",
                                      "status_column_absent"]
    assert str(notes[-1]) == "excel.csv: no 'status' column: every row taken as 'open'"
    assert gdf.loc[0, "name"] == "Parroquia Belén"
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == (-73.24, -3.76)

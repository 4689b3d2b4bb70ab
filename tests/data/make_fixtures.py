"""Write the binary centre fixtures (XLSX, zipped Shapefile, GeoPackage, KML) used by tests.

The same five centres as ``centres_es.csv`` and ``centres_hxl.csv`` (hand-written), each in
the way such files come in practice: an XLSX with Spanish headers, a shapefile in UTM 18S
(EPSG:32718) with 10-character field names, a GeoPackage in EPSG:4326 with English names,
a KML with the attributes as extended data. Run from the repository root:
``python tests/data/make_fixtures.py``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

HERE = Path(__file__).resolve().parent


def centres_table() -> pd.DataFrame:
    hxl = pd.read_csv(HERE / "centres_hxl.csv", skiprows=[1], dtype=str, keep_default_na=False)
    return hxl


def main() -> None:
    t = centres_table()
    es = pd.DataFrame({
        "Código": t["Site code"], "Nombre": t["Site name"], "Tipo": t["Type"],
        "Distrito": t["District"], "N° de familias": t["Households"].astype(int),
        "Personas": t["Individuals"].astype(int),
        "Área cubierta m2": pd.to_numeric(t["Covered area (m2)"]),
        "Capacidad": pd.to_numeric(t["Capacity"]), "Estado": t["Status"],
        "Latitud": t["Latitude"].astype(float), "Longitud": t["Longitude"].astype(float),
    })
    es.to_excel(HERE / "centres.xlsx", index=False, engine="openpyxl")

    geom = gpd.points_from_xy(t["Longitude"].astype(float), t["Latitude"].astype(float))
    base = gpd.GeoDataFrame({
        "centre_id": t["Site code"], "name": t["Site name"], "kind": t["Type"],
        "district": t["District"], "families": t["Households"].astype(int),
        "persons": t["Individuals"].astype(int),
        "covered_area_m2": pd.to_numeric(t["Covered area (m2)"]),
        "capacity_persons": pd.to_numeric(t["Capacity"]), "status": t["Status"],
    }, geometry=geom, crs="EPSG:4326")
    base.to_file(HERE / "centres.gpkg", layer="albergues", driver="GPKG")

    shp = base.rename(columns={"centre_id": "codigo", "name": "nombre", "kind": "tipo",
                               "district": "distrito", "families": "familias",
                               "persons": "personas", "covered_area_m2": "area_m2",
                               "capacity_persons": "capacidad", "status": "estado"})
    shp_dir = HERE / "_shp"
    shp_dir.mkdir(exist_ok=True)
    shp.to_crs("EPSG:32718").to_file(shp_dir / "albergues.shp", encoding="UTF-8")
    with zipfile.ZipFile(HERE / "centres_shp.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(shp_dir.iterdir()):
            zf.write(part, part.name)
    with zipfile.ZipFile(HERE / "centres_noprj_shp.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(shp_dir.iterdir()):
            if part.suffix != ".prj":
                zf.write(part, part.name)
    with zipfile.ZipFile(HERE / "centres_nodbf_shp.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(shp_dir.iterdir()):
            if part.suffix != ".dbf":
                zf.write(part, part.name)
    for part in shp_dir.iterdir():
        part.unlink()
    shp_dir.rmdir()

    kml = base.rename(columns={"name": "Name"})
    kml_path = HERE / "centres.kml"
    kml_path.unlink(missing_ok=True)
    pyogrio.write_dataframe(kml, kml_path, driver="KML", layer="albergues")


if __name__ == "__main__":
    main()

"""Site lists and boundaries as Peruvian and humanitarian sources publish them.

Replicas built from their documented structures:

- IOM DTM site list (HDX): CSV with Spanish headers and an HXL row (``#adm1+name`` region,
  ``#adm2+name`` province, ``#adm3+name`` district, ``#affected+idps+hh``/``+ind``), Spanish
  thousands (``1.200``); and the XLSX with a "Read Me" sheet first, a title row, a merged group
  row, the headers, the HXL row, and Excel's formatted empty rows at the end;
- INEI districts (``IDDIST``, ``NOMBDIST``, ``NOMBPROV``) in WGS84 and in PSAD56 / UTM 18S
  (EPSG:24878); INEI 2017 centros poblados (``ubigeo``, ``codccpp``, ``cen_pob``, ``pob``,
  ``viv``) as community points;
- a Google My Maps KML (one folder per layer, attributes in ``ExtendedData`` with accents) and
  a Google Earth KMZ with nested folders;
- a GeoPackage of centres whose first layer holds survey control points.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.errors import CrecidaWarning, InputError
from geo.io import list_layers, read_centres, read_communities, read_districts

LOREANO = [("Belén", "BEL-01", -3.7612, -73.2461, "120", "1.200"),
           ("Punchana", "PUN-07", -3.7311, -73.2447, "15", "71"),
           ("Iquitos", "IQT-03", -3.7532, -73.2588, "40", "190")]


def _read(path, **kwargs):
    with pytest.warns(CrecidaWarning):
        return read_centres(path, **kwargs)


# --------------------------------------------------------------------------- IOM DTM


def test_dtm_hxl_csv_districts_are_adm3_and_idps_counts_are_read(tmp_path):
    header = ("Región,Provincia,Distrito,Nombre del sitio,Código del sitio,Latitud,Longitud,"
              "Hogares desplazados,Personas desplazadas")
    tags = ("#adm1+name,#adm2+name,#adm3+name,#loc+name,#loc+code,#geo+lat,#geo+lon,"
            "#affected+idps+hh,#affected+idps+ind")
    rows = [f"Loreto,Maynas,{d},I.E. {d},{code},{lat},{lon},{hh},\"{ind}\""
            for d, code, lat, lon, hh, ind in LOREANO]
    path = tmp_path / "dtm_loreto.csv"
    path.write_text("\n".join([header, tags, *rows]) + "\n", encoding="utf-8")
    gdf = _read(path)
    assert gdf["district"].tolist() == ["Belén", "Punchana", "Iquitos"]  # adm3, not Maynas
    assert gdf["province"].tolist() == ["Maynas"] * 3
    assert gdf["centre_id"].tolist() == ["BEL-01", "PUN-07", "IQT-03"]
    assert gdf["families"].tolist() == [120, 15, 40]  # #affected+idps+hh
    assert gdf["persons"].tolist() == [1200, 71, 190]  # "1.200" is twelve hundred
    assert any(d.key == "decision_thousands" and d.column == "Personas desplazadas"
               for d in gdf.attrs["decisions"])


def _hdx_workbook(path: Path, *, formulas: bool = False) -> Path:
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "Read Me"
    readme["A1"] = "DTM Perú — Matriz de Seguimiento de Desplazamiento"
    readme["A3"] = "Fuente: OIM. Licencia CC BY-IGO."
    sites = book.create_sheet("Sitios")
    sites["A1"] = "DTM Perú – Ronda 1 – Loreto, marzo 2012"
    sites.merge_cells("A2:C2")
    sites["A2"] = "Ubicación"
    sites.merge_cells("F2:G2")
    sites["F2"] = "Población desplazada"
    sites.append(["Distrito", "Nombre del sitio", "Código del sitio", "Latitud", "Longitud",
                  "Hogares", "Personas"])
    sites.append(["#adm3+name", "#loc+name", "#loc+code", "#geo+lat", "#geo+lon",
                  "#affected+idps+hh", "#affected+idps+ind"])
    for i, (d, code, lat, lon, hh, ind) in enumerate(LOREANO):
        persons = f"=F{5 + i}*5" if formulas and i == 1 else int(ind.replace(".", ""))
        sites.append([d, f"Sitio {code}", code, lat, lon, int(hh), persons])
    for row in range(8, 40):  # formatted but empty rows, as Excel leaves them
        sites.cell(row=row, column=1).number_format = "0.00"
        sites.cell(row=row, column=2).value = None
    book.save(path)
    return path


def test_hdx_xlsx_read_me_sheet_title_row_and_empty_rows(tmp_path):
    gdf = _read(_hdx_workbook(tmp_path / "dtm_r1_loreto.xlsx"))
    assert len(gdf) == 3
    assert gdf["persons"].tolist() == [1200, 71, 190]
    assert gdf["families"].tolist() == [120, 15, 40]
    assert gdf["district"].tolist() == ["Belén", "Punchana", "Iquitos"]
    text = " | ".join(str(d) for d in gdf.attrs["decisions"])
    assert "sheet 'Sitios' read (other sheets: Read Me)" in text
    assert "headers found on row 3" in text and "Ronda 1" in text


def test_hdx_xlsx_sheet_can_be_named_and_a_wrong_one_lists_the_sheets(tmp_path):
    path = _hdx_workbook(tmp_path / "dtm.xlsx")
    assert len(_read(path, layer="sitios")) == 3  # case and accents ignored
    with pytest.raises(InputError, match=r"no sheet 'Hoja1' \(sheets: Read Me, Sitios\)"):
        read_centres(path, layer="Hoja1")


def test_workbook_formulas_without_saved_values_are_refused_with_their_cells(tmp_path):
    path = _hdx_workbook(tmp_path / "dtm_script.xlsx", formulas=True)
    with pytest.raises(InputError, match=r"formula cells without a saved value on sheet "
                                         r"'Sitios': G6"):
        read_centres(path)


def test_xls_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "viejo.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InputError, match=r"old format \(\.xls\).*save it as \.xlsx"):
        read_centres(path)


# --------------------------------------------------------------------------- INEI


def _districts_wgs84() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "IDDIST": ["160112", "160108"], "NOMBDIST": ["BELEN", "PUNCHANA"],
        "NOMBPROV": ["MAYNAS", "MAYNAS"]},
        geometry=[box(-73.27, -3.80, -73.23, -3.76), box(-73.27, -3.74, -73.22, -3.69)],
        crs="EPSG:4326")


def test_inei_districts_in_wgs84(tmp_path):
    path = tmp_path / "distritos.geojson"
    _districts_wgs84().to_file(path, driver="GeoJSON")
    gdf = read_districts(path)
    assert gdf["district_id"].tolist() == ["160112", "160108"]
    assert gdf["name"].tolist() == ["BELEN", "PUNCHANA"]
    assert gdf.attrs["decisions"] == []  # nothing to decide


def test_inei_districts_in_psad56_are_transformed_and_the_operation_named(tmp_path):
    wgs = _districts_wgs84()
    to_psad = Transformer.from_crs(4326, 24878, always_xy=True)
    psad = wgs.copy()
    psad["geometry"] = [
        type(g)([to_psad.transform(x, y) for x, y in g.exterior.coords]) for g in wgs.geometry]
    psad = psad.set_crs("EPSG:24878", allow_override=True)
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(psad, folder / "DISTRITOS_PSAD56.shp")
    path = tmp_path / "distritos_psad56.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    gdf = read_districts(path)
    got, want = gdf.geometry.iloc[0], wgs.geometry.iloc[0]
    assert got.hausdorff_distance(want) < 1e-7  # back where they were drawn (< 1 cm)
    want = np.array(want.exterior.coords)
    # relabelling instead of transforming would have moved them by hundreds of metres
    relabelled = np.array(psad.set_crs("EPSG:32718", allow_override=True)
                          .to_crs(4326).geometry.iloc[0].exterior.coords)
    shift_m = np.hypot(*(relabelled - want).T * 111_320).max()
    assert shift_m > 200
    text = str(gdf.attrs["decisions"][0])
    assert "PSAD56 / UTM zone 18S (EPSG:24878)" in text and "PSAD56 to WGS 84" in text


def test_inei_centros_poblados_as_community_points(tmp_path):
    # Two close villages and one alone in the forest 40 km away.
    ccpp = gpd.GeoDataFrame({
        "ubigeo": ["160108", "160108", "160110"],
        "codccpp": ["1601080001", "1601080023", "1601100005"],
        "cen_pob": ["PADRE COCHA", "SANTA CLARA", "SAN JOSÉ DE LUPUNA"],
        "pob": [1532, 714, 96], "viv": [310, 158, 22]},
        geometry=[Point(-73.282, -3.700), Point(-73.300, -3.690), Point(-73.62, -3.60)],
        crs="EPSG:4326")
    path = tmp_path / "ccpp_loreto.gpkg"
    ccpp.to_file(path, layer="centros_poblados")
    loreto = box(-77.9, -8.8, -69.9, 0.1)  # a region-wide district layer to clip to
    with pytest.warns(CrecidaWarning, match=r"boundaries derived from 3 points .* 5000 m"):
        gdf = read_communities(path, clip_to=loreto)
    assert gdf["community_id"].tolist() == ccpp["codccpp"].tolist()
    assert gdf["name"].tolist() == ccpp["cen_pob"].tolist()
    assert gdf["population"].tolist() == [1532, 714, 96]
    assert gdf["households"].tolist() == [310, 158, 22]
    assert gdf["derived_boundary"].all()
    # The lone village's cell reaches 5 km at most: a disc of 78.5 km², not the region.
    area_km2 = gdf.to_crs("EPSG:32718").geometry.area.to_numpy() / 1e6
    assert 0.995 * math.pi * 5**2 < area_km2[2] <= math.pi * 5**2


# --------------------------------------------------------------------------- Google


MY_MAPS = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Albergues Iquitos 2012</name>
<Folder><name>Colegios</name>
 <Placemark><name>I.E. 601</name><ExtendedData>
  <Data name="Número de familias"><value>12</value></Data>
  <Data name="Capacidad"><value>60</value></Data></ExtendedData>
  <Point><coordinates>-73.2461,-3.7612,0</coordinates></Point></Placemark>
 <Placemark><name>I.E. 602</name><ExtendedData>
  <Data name="Número de familias"><value>3</value></Data></ExtendedData>
  <Point><coordinates>-73.2447,-3.7311,0</coordinates></Point></Placemark>
</Folder>
<Folder><name>Iglesias</name>
 <Placemark><name>Parroquia Belén</name><ExtendedData>
  <Data name="Número de familias"><value>7</value></Data></ExtendedData>
  <Point><coordinates>-73.2588,-3.7532,0</coordinates></Point></Placemark>
 <Placemark><name>Capilla Santa Rosa</name><ExtendedData>
  <Data name="Número de familias"><value>5</value></Data></ExtendedData>
  <Point><coordinates>-73.2900,-3.7700,0</coordinates></Point></Placemark>
</Folder>
<Folder><name>Zona inundada (dibujo)</name>
 <Placemark><name>Belén bajo</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
 -73.25,-3.77,0 -73.24,-3.77,0 -73.24,-3.76,0 -73.25,-3.76,0 -73.25,-3.77,0
 </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder></Document></kml>
"""


def test_my_maps_kml_every_folder_with_accented_fields(tmp_path):
    path = tmp_path / "albergues_mymaps.kml"
    path.write_text(MY_MAPS, encoding="utf-8")
    gdf = _read(path)
    assert gdf["name"].tolist() == ["I.E. 601", "I.E. 602", "Parroquia Belén",
                                    "Capilla Santa Rosa"]
    assert gdf["families"].tolist() == [12, 3, 7, 5]  # "Número de familias", accents kept
    assert gdf["folder"].tolist() == ["Colegios", "Colegios", "Iglesias", "Iglesias"]
    text = str(gdf.attrs["decisions"][0])
    assert "2 KML folders read together: Colegios (2), Iglesias (2)" in text
    assert "Zona inundada (dibujo) (1)" in text  # the drawing is named, not read as a site


def test_google_earth_kmz_with_nested_folders(tmp_path):
    nested = MY_MAPS.replace("<Folder><name>Iglesias</name>",
                             "<Folder><name>Iglesias</name><Folder><name>Belén</name>", 1)
    nested = nested.replace("</Placemark>\n</Folder>\n<Folder><name>Zona",
                            "</Placemark>\n</Folder></Folder>\n<Folder><name>Zona", 1)
    path = tmp_path / "albergues.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", nested)
        zf.writestr("files/icono.png", b"\x89PNG fake")
    gdf = _read(path)
    assert sorted(gdf["name"]) == sorted(["I.E. 601", "I.E. 602", "Parroquia Belén",
                                          "Capilla Santa Rosa"])
    assert gdf["families"].sum() == 27


# --------------------------------------------------------------------------- GeoPackage


def test_geopackage_with_control_points_first_reads_the_centres_layer(tmp_path):
    path = tmp_path / "albergues.gpkg"
    control = gpd.GeoDataFrame({"punto": ["PC1", "PC2", "PC3"]},
                               geometry=[Point(-73.25, -3.75), Point(-73.26, -3.76),
                                         Point(-73.24, -3.74)], crs="EPSG:4326")
    control.to_file(path, layer="puntos_control")
    sites = gpd.GeoDataFrame({"nombre": [f"Albergue {i}" for i in range(77)],
                              "familias": [14] * 77},
                             geometry=[Point(-73.25 + i * 1e-4, -3.75) for i in range(77)],
                             crs="EPSG:4326")
    sites.to_file(path, layer="albergues_2012")
    assert [layer.name for layer in list_layers(path)] == ["puntos_control", "albergues_2012"]
    gdf = _read(path)
    assert len(gdf) == 77 and gdf["families"].sum() == 77 * 14
    assert "layer 'albergues_2012' read because of its name" in str(gdf.attrs["decisions"][0])


def test_two_point_layers_and_nothing_to_tell_them_apart(tmp_path):
    path = tmp_path / "capas.gpkg"
    for name in ("capa_a", "capa_b"):
        gpd.GeoDataFrame({"n": [1]}, geometry=[Point(-73.25, -3.75)],
                         crs="EPSG:4326").to_file(path, layer=name)
    with pytest.raises(InputError) as err:
        read_centres(path)
    assert "capa_a (Point, 1), capa_b (Point, 1)" in str(err.value)
    assert "--centres FILE:LAYER" in str(err.value)
    with pytest.warns(CrecidaWarning):
        assert len(read_centres(path, layer="capa_b")) == 1

"""Vector flood products as Copernicus EMS and UNOSAT deliver them.

Replicas built from the products' documented structures:

- Copernicus EMS rapid mapping, delineation product of one AOI, EPSG:4326, Latin-1 DBFs:
  ``EMSR999_AOI01_DEL_PRODUCT_<layer>_v1`` layers ``areaOfInterestA``, ``observedEventA``
  (fields ``event_type``, ``obj_desc``, ``det_method``, ``notation``, ``dmg_src_id``, ``area``;
  "Flooded area" and "Flood trace"), ``notAnalysedA`` (clouds), ``hydrographyA`` and
  ``imageFootprintA`` — as a zip of shapefiles, as one GeoPackage (AOI layer first), and with
  the older ``…_observed_event_a``/``…_area_of_interest_a`` names;
- UNOSAT flood extent zip ``FL20120315PER_SHP.zip`` with ``…_FloodExtent_…``
  (``Water_Clas`` 1 = flood water, 2 = possible flood water), ``…_WaterExtent_…``
  (0 = pre-flood water) and ``…_AnalysisExtent_…`` shapefiles.

The geometry is drawn on whole cells of a 30 m grid in UTM 18S (a DEM there sets the grid), so
every expected figure is a count of cells × 900 m², written out here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin
from shapely.geometry import box

from geo.errors import InputError
from geo.exposure import assess
from geo.flood import FloodSpec
from geo.inputs import load_inputs, validation_report
from geo.io.products import read_flood_vector

E0, N0, CELL = 694_000.0, 9_585_600.0, 30.0
GRID = from_origin(E0, N0, CELL, CELL)
UTM = "EPSG:32718"


def cells(rows: range, cols: range):
    """Whole cells rows × cols of the 30 m grid, as a UTM polygon."""
    return box(E0 + cols.start * CELL, N0 - rows.stop * CELL,
               E0 + cols.stop * CELL, N0 - rows.start * CELL)


def lonlat(geom):
    return gpd.GeoSeries([geom], crs=UTM).to_crs("EPSG:4326").iloc[0]


def centre(row: int, col: int) -> tuple[float, float]:
    pt = lonlat(shapely.Point(E0 + (col + 0.5) * CELL, N0 - (row + 0.5) * CELL))
    return pt.x, pt.y


# The package: AOI cols 0–19 × rows 0–9; clouds (not analysed) over cols 16–19; flooded area
# cols 2–7 × rows 2–5 (24 cells); flood trace cols 10–13 × rows 2–5 (16 cells); a river
# polygon (hydrography) and the image footprint, far larger than the AOI.
AOI = cells(range(0, 10), range(0, 20))
CLOUDS = cells(range(0, 10), range(16, 20))
FLOODED = cells(range(2, 6), range(2, 8))
TRACE = cells(range(2, 6), range(10, 14))
RIVER = cells(range(8, 10), range(0, 20))
FOOTPRINT = cells(range(-50, 60), range(-50, 70))


def _event_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "event_type": ["5-Flood", "5-Flood"],
        "obj_desc": ["Riverine flood", "Riverine flood"],
        "det_method": ["Semi-automatic extraction", "Photo-interpretation"],
        "notation": ["Flooded area", "Flood trace"],
        "dmg_src_id": [1, 1],
        "area": [2.16, 1.44],
    }, geometry=[lonlat(FLOODED), lonlat(TRACE)], crs="EPSG:4326")


def _ems_layers(prefix: str, names: dict[str, str]) -> dict[str, gpd.GeoDataFrame]:
    def one(geom, **attrs):
        return gpd.GeoDataFrame({k: [v] for k, v in attrs.items()}, geometry=[lonlat(geom)],
                                crs="EPSG:4326")
    return {
        f"{prefix}{names['aoi']}": one(AOI, name="Iquitos - Belén", emsr_id="EMSR999"),
        f"{prefix}{names['event']}": _event_frame(),
        f"{prefix}{names['clouds']}": one(CLOUDS, obj_desc="Cloud"),
        f"{prefix}{names['hydro']}": one(RIVER, obj_type="BH140-River", name="Río Itaya"),
        f"{prefix}{names['footprint']}": one(FOOTPRINT, sensor="Sentinel-1"),
    }


NEW = {"aoi": "areaOfInterestA_v1", "event": "observedEventA_v1",
       "clouds": "notAnalysedA_v1", "hydro": "hydrographyA_v1",
       "footprint": "imageFootprintA_v1"}
LEGACY = {"aoi": "area_of_interest_a", "event": "observed_event_a",
          "clouds": "not_analysed_a", "hydro": "hydrography_a",
          "footprint": "image_footprint_a"}


def _shapefile_zip(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    folder = path.parent / (path.stem + "_parts")
    folder.mkdir()
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, folder / f"{name}.shp", encoding="latin1")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(folder.iterdir()):
            zf.write(part, f"EMSR999_AOI01/{part.name}")
    return path


def _geopackage(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    for name, frame in layers.items():  # the AOI first, as in the packages
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    return path


@pytest.fixture
def dem(tmp_path) -> Path:
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="GTiff", width=30, height=20, count=1,
                       dtype="float32", crs=UTM, transform=GRID, nodata=-9999) as ds:
        ds.write(np.full((20, 30), 110.0, "float32"), 1)
    return path


@pytest.fixture
def communities(tmp_path) -> Path:
    """West: cols 0–9; East: cols 10–19 (a third under clouds... 4 of 10 columns); Outside:
    cols 20–24, beyond the AOI; all rows 0–9."""
    frame = gpd.GeoDataFrame({
        "community_id": ["W", "E", "O"], "name": ["Oeste", "Este", "Fuera"],
        "population": [1000, 800, 300]},
        geometry=[lonlat(cells(range(0, 10), range(0, 10))),
                  lonlat(cells(range(0, 10), range(10, 20))),
                  lonlat(cells(range(0, 10), range(20, 25)))], crs="EPSG:4326")
    path = tmp_path / "comunidades.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def centres(tmp_path) -> Path:
    rows = {"inundado": centre(3, 4), "huella": centre(3, 11), "nube": centre(5, 17),
            "fuera": centre(5, 22)}
    path = tmp_path / "albergues.csv"
    path.write_text("codigo,latitud,longitud,familias\n" + "\n".join(
        f"{k},{lat!r},{lon!r},5" for k, (lon, lat) in rows.items()) + "\n", encoding="utf-8")
    return path


def _package(kind: str, tmp_path: Path) -> Path:
    if kind == "zip":
        return _shapefile_zip(tmp_path / "EMSR999_AOI01_DEL_PRODUCT_v1.zip",
                              _ems_layers("EMSR999_AOI01_DEL_PRODUCT_", NEW))
    if kind == "gpkg":
        return _geopackage(tmp_path / "EMSR999_AOI01_DEL_PRODUCT_v1.gpkg",
                           _ems_layers("EMSR999_AOI01_DEL_PRODUCT_", NEW))
    return _shapefile_zip(tmp_path / "EMSR999_01IQUITOS_DEL_v1.zip",
                          _ems_layers("EMSR999_01IQUITOS_DEL_v1_", LEGACY))


@pytest.mark.parametrize("kind", ["zip", "gpkg", "legacy"])
def test_ems_package_flood_trace_and_observed_area(tmp_path, dem, communities, centres, kind):
    path = _package(kind, tmp_path)
    inputs = load_inputs(floods=[FloodSpec(path, name="EMS 15 Mar")], dem=dem,
                         communities=communities, centres=centres)
    report = validation_report(inputs)
    assert "by the product's convention (Copernicus EMS observed event)" in report
    assert "class 'trace': 1 polygon(s)" in report and "NOT counted as flood" in report
    assert "observed area:" in report and "not observed" in report
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    rows = result.communities.set_index("community_id")
    # West: 24 flooded cells of 100 observed
    assert rows.loc["W", "flooded_area_m2"] == pytest.approx(24 * 900)
    assert rows.loc["W", "observed_area_m2"] == pytest.approx(100 * 900)
    assert rows.loc["W", "flooded_fraction"] == pytest.approx(0.24)
    # East: the flood trace is not flood; the 40 cells under clouds were not observed
    assert rows.loc["E", "flooded_area_m2"] == 0
    assert rows.loc["E", "observed_area_m2"] == pytest.approx(60 * 900)
    assert rows.loc["E", "observed_share"] == pytest.approx(0.6, rel=1e-6)
    # Outside the AOI nothing was observed: no figure, not "dry"
    assert rows.loc["O", "observed_area_m2"] == 0 and rows.loc["O", "observed_share"] == 0
    assert np.isnan(rows.loc["O", "flooded_fraction"])
    status = dict(zip(result.centres["centre_id"], result.centres["flood_status"], strict=True))
    assert status["inundado"] == "flooded"
    assert status["huella"] != "flooded"          # trace: the water has gone
    assert status["nube"] == status["fuera"] == "unknown"


def test_ems_flood_trace_can_be_counted_on_request(tmp_path, dem, communities):
    path = _package("zip", tmp_path)
    inputs = load_inputs(floods=[FloodSpec(path, name="x", classes=("flood", "trace"))],
                         dem=dem, communities=communities)
    rows = assess(None, inputs.communities, inputs.scenarios).communities.set_index(
        "community_id")
    assert rows.loc["E", "flooded_area_m2"] == pytest.approx(16 * 900)


def test_ems_independent_cell_count(tmp_path, dem, communities):
    # The same figure computed with rasterio alone, from the package as written.
    path = _package("gpkg", tmp_path)
    event = pyogrio.read_dataframe(path, layer="EMSR999_AOI01_DEL_PRODUCT_observedEventA_v1")
    flooded = event[event["notation"] == "Flooded area"].to_crs(UTM)
    west = gpd.read_file(communities).to_crs(UTM).iloc[0].geometry
    water = rasterize([(g, 1) for g in flooded.geometry], out_shape=(20, 30), transform=GRID)
    inside = rasterize([(west, 1)], out_shape=(20, 30), transform=GRID)
    expected = float((water & inside).sum()) * CELL * CELL
    inputs = load_inputs(floods=[("x", path)], dem=dem, communities=communities)
    got = assess(None, inputs.communities, inputs.scenarios).communities.iloc[0]
    assert got["flooded_area_m2"] == pytest.approx(expected) == 24 * 900


def test_ems_geopackage_aoi_first_is_never_read_as_the_flood(tmp_path):
    path = _package("gpkg", tmp_path)
    assert pyogrio.list_layers(path)[0][0].endswith("areaOfInterestA_v1")
    vector = read_flood_vector(path)
    assert vector.product == "Copernicus EMS"
    assert sorted(vector.polygons["flood_class"]) == ["flood", "trace"]
    assert vector.observed.area == pytest.approx(lonlat(AOI).difference(lonlat(CLOUDS)).area)


# --------------------------------------------------------------------------- UNOSAT


def _unosat_zip(tmp_path: Path, *, gdb: bool = False) -> Path:
    fields = {"Sensor_ID": "Sentinel-1", "Sensor_Dat": "2012-03-15", "Confidence": "Medium",
              "Field_Vali": "Not yet field validated", "Water_Stat": "Flood water",
              "Notes": "", "EventCode": "FL20120315PER"}

    def frame(polys, classes):
        gdf = gpd.GeoDataFrame({"OBJECTID": range(1, len(polys) + 1), "Water_Clas": classes,
                                **{k: [v] * len(polys) for k, v in fields.items()}},
                               geometry=[lonlat(p) for p in polys], crs="EPSG:4326")
        gdf["Area_m2"] = [p.area for p in polys]
        gdf["Area_ha"] = gdf["Area_m2"] / 1e4
        return gdf

    layers = {
        "FL20120315PER_FloodExtent_20120315": frame([FLOODED, TRACE], [1, 2]),
        "FL20120315PER_WaterExtent_20120315": frame([RIVER], [0]),
        "FL20120315PER_AnalysisExtent_20120315": frame([cells(range(0, 10), range(0, 16))],
                                                       [1]).drop(columns="Water_Clas"),
    }
    if not gdb:
        return _shapefile_zip(tmp_path / "FL20120315PER_SHP.zip", layers)
    folder = tmp_path / "FL20120315PER.gdb"
    for name, frame in layers.items():  # 32-bit integers, as ArcGIS writes them
        ints = {c: "int32" for c in frame.columns if str(frame[c].dtype) == "int64"}
        pyogrio.write_dataframe(frame.astype(ints), folder, layer=name, driver="OpenFileGDB")
    path = tmp_path / "FL20120315PER_GDB.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(folder.iterdir()):
            zf.write(part, f"{folder.name}/{part.name}")
    return path


@pytest.mark.parametrize("gdb", [False, True], ids=["shapefiles", "file-geodatabase"])
def test_unosat_zip_flood_water_only_possible_water_unknown(tmp_path, dem, communities, centres,
                                                           gdb):
    path = _unosat_zip(tmp_path, gdb=gdb)
    inputs = load_inputs(floods=[("UNOSAT 15 Mar", path)], dem=dem, communities=communities,
                         centres=centres)
    report = validation_report(inputs)
    assert "UNOSAT flood extent" in report
    assert "class 'possible': 1 polygon(s)" in report
    rows = assess(inputs.centres, inputs.communities,
                  inputs.scenarios).communities.set_index("community_id")
    assert rows.loc["W", "flooded_area_m2"] == pytest.approx(24 * 900)
    assert rows.loc["W", "observed_area_m2"] == pytest.approx(100 * 900)  # river is pre-flood
    # East: 16 cells of possible water unknown, 40 outside the analysis extent
    assert rows.loc["E", "flooded_area_m2"] == 0
    assert rows.loc["E", "observed_area_m2"] == pytest.approx(44 * 900)


def test_unosat_classes_named_wrongly_are_refused(tmp_path):
    with pytest.raises(InputError, match="unknown class: wet"):
        read_flood_vector(_unosat_zip(tmp_path), include=("flood", "wet"))


def test_two_observed_events_are_refused_with_the_list(tmp_path):
    layers = _ems_layers("EMSR999_AOI01_DEL_PRODUCT_", NEW)
    layers["EMSR999_AOI02_DEL_PRODUCT_observedEventA_v1"] = _event_frame()
    path = _geopackage(tmp_path / "two.gpkg", layers)
    with pytest.raises(InputError) as err:
        read_flood_vector(path)
    text = str(err.value)
    assert "AOI01_DEL_PRODUCT_observedEventA_v1" in text and "AOI02" in text
    assert "--flood NAME=FILE:LAYER" in text
    chosen = read_flood_vector(path, layer="EMSR999_AOI02_DEL_PRODUCT_observedEventA_v1")
    assert len(chosen.polygons) == 2

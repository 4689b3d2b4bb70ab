"""Flood rasters as their products write them: the right numbers, or a clear refusal.

Replicas built here from the products' documented structures (no binary committed):

- JRC / GloFAS flood hazard tile: EPSG:4326, 3 arc-second cells, float32 depth in metres, dry
  cells are nodata (-9999), named ``ID…_RP100_depth.tif``;
- Sentinel-1 mask exported with Earth Engine ``selfMask()`` / SNAP: uint8 1 = water, nodata 0;
- Copernicus GFM: Equi7Grid South America (EPSG:27707), 20 m, uint8 0/1, nodata 255, with its
  ``ENSEMBLE_EXCLAYER`` exclusion mask next to the ``ENSEMBLE_FLOOD`` file;
- an int16 depth raster in centimetres; an RGB picture; a water level over an SRTM DEM with
  voids (int16, nodata -32768); a GeoTIFF cut short by a failed download.

Every expected figure is computed in the test from the replica itself (cell counts, cell areas
on the ellipsoid with pyproj), not taken from Crecida.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from pyproj import Geod, Transformer
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geo.errors import FormatError, InputError
from geo.exposure import assess
from geo.flood import FloodSpec, open_flood
from geo.inputs import load_inputs, validation_report
from geo.raster import open_raster

GEOD = Geod(ellps="WGS84")
ARC3 = 1 / 1200  # 3 arc-seconds in degrees


def _tif(path: Path, array: np.ndarray, *, crs: str, transform, nodata) -> Path:
    array = np.asarray(array)
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0],
                       count=1, dtype=array.dtype, crs=crs, transform=transform,
                       nodata=nodata) as ds:
        ds.write(array, 1)
    return path


def _cells(transform, rows: range, cols: range, crs: str):
    """The polygon covering whole cells rows × cols of a grid, in ``crs`` and EPSG:4326."""
    left, top = transform * (cols.start, rows.start)
    right, bottom = transform * (cols.stop, rows.stop)
    square = box(left, bottom, right, top)
    return gpd.GeoSeries([square], crs=crs).to_crs("EPSG:4326").iloc[0]


def _communities(tmp_path: Path, polygons: dict[str, object], population: int = 1000) -> Path:
    frame = gpd.GeoDataFrame({"community_id": list(polygons), "name": list(polygons),
                              "population": [population] * len(polygons)},
                             geometry=list(polygons.values()), crs="EPSG:4326")
    path = tmp_path / "comunidades.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def _centres(tmp_path: Path, points: dict[str, tuple[float, float]]) -> Path:
    path = tmp_path / "albergues.csv"
    rows = [f"{k},{k},{lat!r},{lon!r},10" for k, (lon, lat) in points.items()]
    path.write_text("codigo,nombre,latitud,longitud,familias\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def _row_cell_area_m2(transform, row: int) -> float:
    """Area of one cell of a lon/lat grid on the WGS84 ellipsoid (row-dependent)."""
    corners = [transform * (0, row), transform * (1, row), transform * (1, row + 1),
               transform * (0, row + 1)]
    lons, lats = zip(*corners, strict=True)
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def _centre_of(transform, row: int, col: int, crs: str) -> tuple[float, float]:
    x, y = transform * (col + 0.5, row + 0.5)
    if crs == "EPSG:4326":
        return x, y
    return Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)


# --------------------------------------------------------------------------- JRC / GloFAS


@pytest.fixture
def jrc(tmp_path):
    """A 12×12 JRC-style tile: depths in rows 2–5 × cols 3–8, everything else nodata (dry)."""
    transform = from_origin(-73.27, -3.74, ARC3, ARC3)
    depth = np.full((12, 12), -9999.0, dtype="float32")
    depth[2:6, 3:9] = 1.2
    depth[2, 3:9] = 0.05  # shallower than the 0.1 m threshold: wet, but not flooded
    depth[5, 3:9] = 2.5
    path = _tif(tmp_path / "ID55_S10_W080_RP100_depth.tif", depth, crs="EPSG:4326",
                transform=transform, nodata=-9999.0)
    return path, transform, depth


def test_jrc_hazard_tile_nodata_is_dry_and_areas_are_ellipsoidal(tmp_path, jrc):
    path, transform, _ = jrc
    village = _cells(transform, range(0, 10), range(0, 10), "EPSG:4326")
    inputs = load_inputs(floods=[FloodSpec(path, name="RP100")],
                         communities=_communities(tmp_path, {"k": village}),
                         centres=_centres(tmp_path, {
                             "wet": _centre_of(transform, 4, 5, "EPSG:4326"),
                             "dry": _centre_of(transform, 8, 1, "EPSG:4326")}))
    scenario = inputs.scenarios["RP100"]
    assert scenario.kind == "depth" and scenario.nodata_means == "dry"
    assert "JRC/GloFAS hazard maps leave dry cells empty" in validation_report(inputs)
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    row = result.communities.iloc[0]
    areas = np.array([_row_cell_area_m2(transform, r) for r in range(12)])
    observed = 10 * areas[:10].sum()
    flooded = 6 * areas[3:6].sum()  # rows 3–5 are ≥ 0.1 m; row 2 (0.05 m) is not
    assert row["observed_area_m2"] == pytest.approx(observed, rel=1e-9)
    assert row["flooded_area_m2"] == pytest.approx(flooded, rel=1e-9)
    assert row["flooded_fraction"] == pytest.approx(flooded / observed, rel=1e-9)
    assert row["observed_share"] == pytest.approx(1.0, rel=1e-6)
    status = dict(zip(result.centres["centre_id"], result.centres["flood_status"], strict=True))
    assert status["wet"] == "flooded"
    assert status["dry"] in ("dry", "at_risk")  # on a nodata cell: dry, never "unknown"


def test_jrc_tile_read_as_unobserved_when_asked_shows_the_old_error(tmp_path, jrc):
    path, transform, _ = jrc
    village = _cells(transform, range(0, 10), range(0, 10), "EPSG:4326")
    inputs = load_inputs(floods=[FloodSpec(path, name="RP100", nodata_means="unobserved")],
                         communities=_communities(tmp_path, {"k": village}))
    row = assess(None, inputs.communities, inputs.scenarios).communities.iloc[0]
    areas = np.array([_row_cell_area_m2(transform, r) for r in range(12)])
    wet = 6 * areas[2:6].sum()
    assert row["observed_area_m2"] == pytest.approx(wet, rel=1e-9)  # only the wet cells
    assert row["observed_share"] < 0.25  # and the result says how little was "observed"
    assert "nodata = not observed, as given" in validation_report(inputs)


# --------------------------------------------------------------------------- Sentinel-1


@pytest.mark.parametrize("nodata, dtype, why", [
    (0, "uint8", "selfMask() or SNAP"),            # Earth Engine selfMask / SNAP export
    (-9999.0, "float32", "nothing but water cells"),  # water 1, everything else nodata
])
def test_sentinel1_self_masked_extent_nodata_is_dry(tmp_path, write_tif, nodata, dtype, why):
    transform = from_origin(694_000, 9_585_600, 10, 10)
    mask = np.full((10, 10), nodata, dtype=dtype)
    mask[0:3, :] = 1  # 30 water cells
    path = _tif(tmp_path / "s1_water.tif", mask, crs="EPSG:32718", transform=transform,
                nodata=nodata)
    village = _cells(transform, range(0, 10), range(0, 10), "EPSG:32718")
    inputs = load_inputs(floods=[("S1", path)], communities=_communities(tmp_path, {"k": village}))
    assert inputs.scenarios["S1"].kind == "extent"
    assert why in validation_report(inputs)
    row = assess(None, inputs.communities, inputs.scenarios).communities.iloc[0]
    assert row["flooded_area_m2"] == pytest.approx(30 * 100.0)
    assert row["observed_area_m2"] == pytest.approx(100 * 100.0)
    assert row["flooded_fraction"] == pytest.approx(0.3)  # not 100 %


# --------------------------------------------------------------------------- GFM


def _gfm_grid():
    x, y = Transformer.from_crs(4326, 27707, always_xy=True).transform(-73.2529, -3.7481)
    return from_origin(20 * np.floor(x / 20), 20 * np.ceil(y / 20), 20, 20)


@pytest.fixture
def gfm(tmp_path):
    """GFM flood and exclusion tiles (10×10 of 20 m): flood in rows 0–1, urban exclusion in
    rows 4–6, outside the radar pass (255) in row 9."""
    transform = _gfm_grid()
    stem = "20120315T102030_VV_SA020M_E051N081T3.tif"
    flood = np.zeros((10, 10), dtype="uint8")
    flood[0:2, :] = 1
    flood[9, :] = 255
    excl = np.zeros((10, 10), dtype="uint8")
    excl[4:7, :] = 1
    excl[9, :] = 255
    folder = tmp_path / "gfm"
    folder.mkdir()
    path = _tif(folder / f"ENSEMBLE_FLOOD_{stem}", flood, crs="EPSG:27707",
                transform=transform, nodata=255)
    _tif(folder / f"ENSEMBLE_EXCLAYER_{stem}", excl, crs="EPSG:27707", transform=transform,
         nodata=255)
    return path, transform


def test_gfm_exclusion_mask_makes_urban_areas_unknown(tmp_path, gfm):
    path, transform = gfm
    village = _cells(transform, range(0, 10), range(0, 10), "EPSG:27707")
    inputs = load_inputs(floods=[("GFM 15 Mar", path)],
                         communities=_communities(tmp_path, {"k": village}),
                         centres=_centres(tmp_path, {
                             "urban": _centre_of(transform, 5, 5, "EPSG:27707"),
                             "wet": _centre_of(transform, 0, 5, "EPSG:27707")}))
    scenario = inputs.scenarios["GFM 15 Mar"]
    assert scenario.kind == "extent" and scenario.crs.to_epsg() == 27707
    report = validation_report(inputs)
    assert "GFM exclusion mask ENSEMBLE_EXCLAYER_" in report
    assert "outside the radar pass (GFM)" in report
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    row = result.communities.iloc[0]
    # 100 cells of 400 m² (planar in EPSG:27707): 30 excluded, 10 outside the pass
    assert row["observed_area_m2"] == pytest.approx(60 * 400.0)
    assert row["flooded_area_m2"] == pytest.approx(20 * 400.0)
    assert row["observed_share"] == pytest.approx(0.6)
    status = dict(zip(result.centres["centre_id"], result.centres["flood_status"], strict=True))
    assert status["urban"] == "unknown" and status["wet"] == "flooded"


def test_gfm_without_its_exclusion_mask_warns(tmp_path, gfm):
    path, _ = gfm
    alone = tmp_path / path.name
    alone.write_bytes(path.read_bytes())
    scenario = open_flood(alone, name="g")
    assert [d.key for d in scenario.decisions if "exclusion" in (d.key or "")] == [
        "decision_exclusion_missing"]
    assert "WARNING: no GFM exclusion mask" in str(scenario.decisions[-1])


# --------------------------------------------------------------------------- units, kinds


def test_int16_depth_in_centimetres_is_read_as_metres(tmp_path):
    transform = from_origin(694_000, 9_585_600, 30, 30)
    cm = np.zeros((4, 4), dtype="int16")
    cm[0, :] = 250
    cm[1, :] = 40
    path = _tif(tmp_path / "tirante.tif", cm, crs="EPSG:32718", transform=transform,
                nodata=-1)
    scenario = open_flood(path, name="cm")
    assert scenario.kind == "depth"
    np.testing.assert_allclose(scenario.read_depth()[:2], [[2.5] * 4, [0.4] * 4], rtol=1e-6)
    assert "depth in centimetres" in " ".join(str(d) for d in scenario.decisions)
    with pytest.raises(InputError, match="depths up to 250 m are implausible"):
        open_flood(path, name="m", depth_unit="m")


def test_float_depths_beyond_plausible_are_refused(tmp_path):
    transform = from_origin(694_000, 9_585_600, 30, 30)
    depth = np.array([[0.0, 1.5], [9999.0, 0.2]], dtype="float32")  # a fill value, undeclared
    path = _tif(tmp_path / "d.tif", depth, crs="EPSG:32718", transform=transform, nodata=None)
    with pytest.raises(InputError, match=r"depths up to 9999 m are implausible.*--depth-unit"):
        open_flood(path, name="d", kind="depth")


def test_a_picture_is_not_a_flood_raster(tmp_path):
    path = tmp_path / "mapa.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=3, dtype="uint8",
                       crs="EPSG:32718", transform=from_origin(694_000, 9_585_600, 30, 30),
                       photometric="RGB") as ds:
        ds.write(np.full((3, 4, 4), 200, dtype="uint8"))
    with pytest.raises(FormatError, match="3 colour bands: it is a picture"):
        open_flood(path, name="x")


def test_values_decide_the_kind_before_the_file_name(tmp_path):
    transform = from_origin(694_000, 9_585_600, 30, 30)
    depth = np.array([[0.0, 0.4], [1.3, 2.2]], dtype="float32")
    scenario = open_flood(_tif(tmp_path / "depth_masked.tif", depth, crs="EPSG:32718",
                               transform=transform, nodata=-9999.0))
    assert scenario.kind == "depth"  # "masked" in the name does not make it a 0/1 extent
    assert scenario.decisions[0].key == "decision_kind_values"


def test_srtm_voids_under_the_water_level_are_water(tmp_path):
    transform = from_origin(694_000, 9_585_600, 30, 30)
    ground = np.array([[115, -32768], [119, 116]], dtype="int16")  # one void (a lake)
    dem = open_raster(_tif(tmp_path / "S04W074.tif", ground, crs="EPSG:32718",
                           transform=transform, nodata=-32768))
    level = _tif(tmp_path / "nivel.tif", np.full((2, 2), 117.5, "float32"), crs="EPSG:32718",
                 transform=transform, nodata=-9999.0)
    scenario = open_flood(level, name="wl", kind="water_level", dem=dem)
    np.testing.assert_array_equal(scenario.read_depth(), [[2.5, np.inf], [0.0, 1.5]])
    assert "voids of the DEM S04W074.tif" in " ".join(str(d) for d in scenario.decisions)


def test_a_cut_short_geotiff_says_so(tmp_path):
    transform = from_origin(694_000, 9_585_600, 30, 30)
    rng = np.random.default_rng(0)
    full = tmp_path / "full.tif"
    with rasterio.open(full, "w", driver="GTiff", width=256, height=256, count=1,
                       dtype="float32", crs="EPSG:32718", transform=transform, nodata=-9999,
                       tiled=True, blockxsize=64, blockysize=64, compress="deflate") as ds:
        ds.write(rng.random((256, 256), dtype="float32"), 1)
    data = full.read_bytes()
    cut = tmp_path / "descarga.tif"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(FormatError, match=r"descarga\.tif: the file is cut short") as err:
        open_raster(cut)
    assert "Read failed" not in str(err.value)


def test_the_centres_far_outside_are_never_on_a_raster(tmp_path, jrc):
    # A point 10 km away is outside the tile: unknown, not dry.
    path, transform, _ = jrc
    far = Point(-73.17, -3.74)
    inputs = load_inputs(floods=[("RP100", path)],
                         centres=_centres(tmp_path, {"far": (far.x, far.y),
                                                     "in": _centre_of(transform, 4, 4,
                                                                      "EPSG:4326")}))
    result = assess(inputs.centres, None, inputs.scenarios)
    status = dict(zip(result.centres["centre_id"], result.centres["flood_status"], strict=True))
    assert status == {"far": "unknown", "in": "flooded"}


def test_an_observed_area_given_for_a_raster_leaves_the_rest_unobserved(tmp_path):
    # A Sentinel-1 mask over 10×10 cells of 10 m; the scene footprint covers columns 0–5 only.
    transform = from_origin(694_000, 9_585_600, 10, 10)
    mask = np.zeros((10, 10), dtype="uint8")
    mask[0:5, :] = 1
    path = _tif(tmp_path / "s1.tif", mask, crs="EPSG:32718", transform=transform, nodata=255)
    footprint = gpd.GeoDataFrame(geometry=[_cells(transform, range(0, 10), range(0, 6),
                                                  "EPSG:32718")], crs="EPSG:4326")
    footprint.to_file(tmp_path / "huella.geojson", driver="GeoJSON")
    village = _cells(transform, range(0, 10), range(0, 10), "EPSG:32718")
    inputs = load_inputs(floods=[FloodSpec(path, name="S1",
                                           observed=tmp_path / "huella.geojson")],
                         communities=_communities(tmp_path, {"k": village}))
    assert "observed area given: 60 % of the raster" in validation_report(inputs)
    row = assess(None, inputs.communities, inputs.scenarios).communities.iloc[0]
    assert row["observed_area_m2"] == pytest.approx(60 * 100.0)
    assert row["flooded_area_m2"] == pytest.approx(30 * 100.0)
    assert row["observed_share"] == pytest.approx(0.6)

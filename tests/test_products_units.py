"""Metres in every CRS: a flood raster in degrees (JRC, GloFAS, Earth Engine exports) must not
turn distances and areas into degrees; messages name the unit of the grid."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from pyproj import Geod
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geo.catchment import assign
from geo.flood import flood_from_vector, open_flood
from geo.raster import open_raster
from geo.siting import evaluate_area

GEOD = Geod(ellps="WGS84")
ARC1 = 1 / 3600


@pytest.fixture
def dry_in_degrees(tmp_path):
    """A dry depth raster in EPSG:4326, 1 arc-second cells, 0.1° × 0.1° around Iquitos."""
    path = tmp_path / "seco_4326.tif"
    with rasterio.open(path, "w", driver="GTiff", width=360, height=360, count=1,
                       dtype="float32", crs="EPSG:4326",
                       transform=from_origin(-73.30, -3.70, ARC1, ARC1), nodata=-9999) as ds:
        ds.write(np.zeros((360, 360), "float32"), 1)
    return open_flood(path, name="seco", kind="depth")


def test_catchment_distances_and_zone_areas_are_metres(dry_in_degrees):
    centres = gpd.GeoDataFrame({"centre_id": ["A", "B"], "status": ["open", "open"],
                                "flood_status": ["dry", "dry"]},
                               geometry=[Point(-73.28, -3.75), Point(-73.22, -3.75)],
                               crs="EPSG:4326")
    demand = gpd.GeoDataFrame({"community_id": ["k"], "displaced_est": [100.0]},
                              geometry=[Point(-73.27, -3.75)], crs="EPSG:4326")
    result = assign(demand, centres, scenario=dry_in_degrees, service_distance_m=5000)
    row = result.assignments.iloc[0]
    _, _, metres = GEOD.inv(-73.27, -3.75, -73.28, -3.75)  # 1.11 km on the ellipsoid
    assert row["centre_id"] == "A"
    assert row["distance_m"] == pytest.approx(metres, rel=2e-3)  # UTM vs geodesic
    whole = abs(GEOD.geometry_area_perimeter(box(-73.30, -3.80, -73.20, -3.70))[0])
    assert result.catchments["area_m2"].sum() == pytest.approx(whole, rel=2e-3)
    assert any("in metres in EPSG:32718" in str(n) for n in result.notes)


def test_evaluated_area_is_ellipsoidal_in_degrees(dry_in_degrees):
    area = box(-73.26, -3.76, -73.25, -3.75)
    report = evaluate_area(area, scenarios={"seco": dry_in_degrees})
    assert report["area_m2"] == pytest.approx(abs(GEOD.geometry_area_perimeter(area)[0]),
                                              rel=1e-9)


def test_vector_extent_on_a_grid_in_degrees_names_degrees(tmp_path):
    path = tmp_path / "dem_4326.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=40, count=1,
                       dtype="float32", crs="EPSG:4326",
                       transform=from_origin(-73.27, -3.74, ARC1, ARC1), nodata=-9999) as ds:
        ds.write(np.full((40, 40), 110.0, "float32"), 1)
    water = gpd.GeoDataFrame(geometry=[box(-73.265, -3.745, -73.262, -3.742)], crs="EPSG:4326")
    scenario = flood_from_vector(water, name="v", grid=open_raster(path))
    note = str(scenario.notes[0])
    assert "0.000277778° (≈ 31 m) cells" in note
    assert " m cells" not in note.replace("31 m) cells", "")

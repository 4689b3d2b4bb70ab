"""The bundled synthetic Iquitos sample (sample_data/), checked file by file as committed.

These tests read the files directly with rasterio, geopandas and pandas (not through the
project's loaders), so they pin down the data itself: the figures it is calibrated to, the
raster format, the geography, and that the generator reproduces it exactly.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from pyproj import Transformer
from rasterio.transform import rowcol

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
MANIFEST = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
STAGES_M = (116.0, 117.0, 118.6)
DEPTH_FILES = tuple(f"flood_depth_{s:.1f}m.tif".replace(".", "_", 1) for s in STAGES_M)
RASTERS = ("dem_30m.tif", *DEPTH_FILES)
UBIGEO = {"Iquitos": "160101", "Punchana": "160108", "Belén": "160112",
          "San Juan Bautista": "160113"}
CENTRE_HEADER = ["centre_id", "name", "kind", "district", "families", "persons",
                 "covered_area_m2", "capacity_persons", "status", "lat", "lon"]
PLAZA_UTM = (694_025.0, 9_585_523.0)


def _read(name: str) -> np.ndarray:
    with rasterio.open(SAMPLE / name) as ds:
        return ds.read(1)


@pytest.fixture(scope="module")
def grid():
    with rasterio.open(SAMPLE / "dem_30m.tif") as ds:
        return ds.transform, ds.shape, ds.bounds


@pytest.fixture(scope="module")
def centres() -> gpd.GeoDataFrame:
    table = pd.read_csv(SAMPLE / "centres.csv", encoding="utf-8", dtype={"centre_id": str})
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]),
                            crs="EPSG:4326")


@pytest.fixture(scope="module")
def centre_depths(centres, grid) -> dict[float, np.ndarray]:
    """Depth (m) at each centre in each scenario."""
    transform, _, _ = grid
    pts = centres.to_crs("EPSG:32718")
    rows, cols = rowcol(transform, pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    return {s: _read(f)[np.asarray(rows), np.asarray(cols)]
            for s, f in zip(STAGES_M, DEPTH_FILES, strict=True)}


@pytest.fixture(scope="module")
def communities() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "communities.gpkg", layer="communities")


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "districts.geojson")


# --- Manifest and files ---------------------------------------------------------------------


def test_manifest_names_every_file_and_says_synthetic():
    assert MANIFEST["synthetic"] is True
    assert "synthetic" in MANIFEST["title"].lower()
    for key in ("centres", "communities", "districts", "rivers", "dem"):
        assert (SAMPLE / MANIFEST[key]).is_file(), key
    assert MANIFEST["population"] is None
    assert [s["river_stage_m"] for s in MANIFEST["scenarios"]] == list(STAGES_M)
    assert [s["file"] for s in MANIFEST["scenarios"]] == list(DEPTH_FILES)
    assert {s["kind"] for s in MANIFEST["scenarios"]} == {"depth"}
    assert len({s["name"] for s in MANIFEST["scenarios"]}) == 3


def test_sample_stays_small():
    total = sum(p.stat().st_size for p in SAMPLE.iterdir()
                if p.is_file() and p.suffix in {".tif", ".csv", ".gpkg", ".geojson", ".json"})
    assert total < 10 * 2**20


def test_readme_says_synthetic_and_not_operational():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in text
    assert "not for operational use" in text
    assert "python sample_data/build_sample.py" in text


# --- Collective centres ---------------------------------------------------------------------


def test_centres_header_is_canonical_and_utf8():
    raw = (SAMPLE / "centres.csv").read_bytes()
    text = raw.decode("utf-8")
    assert text.splitlines()[0].split(",") == CENTRE_HEADER
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "ñ" in text and "é" in text


def test_centres_match_the_2012_figures(centres):
    assert len(centres) == 77
    assert centres["families"].sum() == 1100
    assert centres["centre_id"].is_unique
    assert all(re.fullmatch(r"ALB-\d{3}", i) for i in centres["centre_id"])
    assert (centres["families"] > 0).all()
    ratio = centres["persons"] / centres["families"]
    assert ratio.between(4.5, 5.0).all()
    assert 5000 <= centres["persons"].sum() <= 5400


def test_centres_attributes_are_valid(centres):
    assert set(centres["kind"]) <= {"school", "church", "community_hall", "coliseum",
                                    "tent_camp", "other"}
    assert {"school", "church", "community_hall", "coliseum"} <= set(centres["kind"])
    assert (centres["status"] == "open").all()
    assert set(centres["district"]) == set(UBIGEO)
    expected = np.floor(centres["covered_area_m2"] / 3.5).astype(int)
    assert (centres["capacity_persons"] == expected).all()
    over = (centres["persons"] > centres["capacity_persons"]).sum()
    assert 5 <= over <= 30
    schools = centres.loc[centres["kind"] == "school", "name"]
    assert schools.str.match(r"I\.E\.(P\.S\.M\.)? N° \d+ ").all()
    assert centres["name"].is_unique


def test_every_centre_lies_in_its_district(centres, districts):
    joined = gpd.sjoin(centres, districts, predicate="within", how="left")
    assert len(joined) == len(centres)
    assert (joined["district"] == joined["name_right"]).all()


def test_centres_exposure_makes_the_planning_question_real(centre_depths):
    flooded = {s: int((d >= 0.1).sum()) for s, d in centre_depths.items()}
    assert flooded[116.0] == 0
    assert 0 < flooded[117.0] < flooded[118.6]
    assert 8 <= flooded[118.6] <= 15


def test_some_dry_centres_are_within_200_m_of_the_2012_water(centres, grid):
    transform, _, _ = grid
    depth = _read(DEPTH_FILES[-1])
    pts = centres.to_crs("EPSG:32718")
    rows, cols = rowcol(transform, pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    rows, cols = np.asarray(rows), np.asarray(cols)
    dry = depth[rows, cols] < 0.1
    wet_r, wet_c = np.nonzero(depth >= 0.1)
    near = 0
    for r, c in zip(rows[dry], cols[dry], strict=True):
        box = (abs(wet_r - r) <= 7) & (abs(wet_c - c) <= 7)
        if box.any() and np.hypot(wet_r[box] - r, wet_c[box] - c).min() * 30.0 <= 200.0:
            near += 1
    assert 3 <= near <= 15


# --- Rasters --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RASTERS)
def test_raster_format(name, grid):
    with rasterio.open(SAMPLE / name) as ds:
        assert ds.crs.to_epsg() == 32718
        assert ds.res == (30.0, 30.0)
        assert ds.count == 1 and ds.dtypes[0] == "float32"
        assert ds.nodata == -9999.0
        assert ds.block_shapes == [(256, 256)]
        assert ds.compression.name == "deflate"
        assert ds.tags(ns="IMAGE_STRUCTURE")["PREDICTOR"] == "3"
        assert ds.overviews(1) == [2, 4, 8, 16]
        assert ds.tags()["SYNTHETIC"] == "yes"
        assert (ds.transform, ds.shape, ds.bounds) == grid
        width_km = (ds.bounds.right - ds.bounds.left) / 1000
        assert 24.0 <= width_km <= 26.0


@pytest.mark.parametrize(("stage", "name"), list(zip(STAGES_M, DEPTH_FILES, strict=True)))
def test_depth_tags_name_the_scenario(stage, name):
    with rasterio.open(SAMPLE / name) as ds:
        tags = ds.tags()
    assert tags["CRECIDA_KIND"] == "depth"
    assert float(tags["RIVER_STAGE_M"]) == stage
    scenario = next(s for s in MANIFEST["scenarios"] if s["file"] == name)
    assert tags["CRECIDA_NAME"] == scenario["name"]
    assert tags["CRECIDA_NAME"].startswith(f"{stage:.1f} m")


def test_depth_is_stage_minus_dem_on_connected_water():
    dem = _read("dem_30m.tif")
    previous = np.zeros(dem.shape, dtype=bool)
    areas = []
    for stage, name in zip(STAGES_M, DEPTH_FILES, strict=True):
        depth = _read(name)
        assert (depth != -9999.0).all() and np.isfinite(depth).all()
        wet = depth > 0
        np.testing.assert_allclose(depth[wet], (np.float32(stage) - dem)[wet], atol=1e-5)
        assert (depth[~wet] == 0).all()
        assert (dem[wet] < stage).all()
        assert (previous <= wet).all()          # water at a lower stage stays at a higher one
        previous = wet
        areas.append(int(wet.sum()))
    assert areas[0] < areas[1] < areas[2]


def test_geography_is_plausible():
    dem = _read("dem_30m.tif")
    with rasterio.open(SAMPLE / "dem_30m.tif") as ds:
        row, col = ds.index(*PLAZA_UTM)
        rows_e, cols_e = ds.index(PLAZA_UTM[0] + 1500, PLAZA_UTM[1])
    assert 119.0 <= dem[row, col] <= 124.5                 # the city core on its terrace
    assert dem[rows_e, cols_e] < 114.8                     # the Amazon east of the Plaza
    depth = _read(DEPTH_FILES[-1])
    assert depth[row - 2:row + 3, col - 2:col + 3].max() == 0   # the Plaza stays dry in 2012
    assert dem.min() < 110 and dem.max() > 125


def test_rivers_run_in_the_dem_channels(grid):
    rivers = gpd.read_file(SAMPLE / "rivers.geojson")
    assert rivers.crs.to_epsg() == 4326
    assert sorted(rivers["name"]) == ["Amazonas", "Itaya", "Nanay"]
    assert (rivers.geom_type == "LineString").all()
    transform, shape, _ = grid
    dem = _read("dem_30m.tif")
    for line in rivers.to_crs("EPSG:32718").geometry:
        pts = [line.interpolate(d) for d in np.arange(0, line.length, 100.0)]
        rows, cols = rowcol(transform, [p.x for p in pts], [p.y for p in pts])
        rows, cols = np.asarray(rows), np.asarray(cols)
        inside = (rows >= 0) & (rows < shape[0]) & (cols >= 0) & (cols < shape[1])
        assert inside.sum() > 50
        assert (dem[rows[inside], cols[inside]] < 114.8).all()


# --- Communities and districts --------------------------------------------------------------


def test_communities_layer(communities):
    assert communities.crs.to_epsg() == 32718
    assert len(communities) >= 40
    assert list(communities.columns) == ["community_id", "name", "district", "population",
                                         "households", "geometry"]
    assert communities["community_id"].is_unique
    assert communities["community_id"].str.fullmatch(r"COM-\d{3}").all()
    assert communities.is_valid.all()
    assert set(communities.geom_type) == {"Polygon"}
    assert (communities.area > 10_000).all()
    for name in ("Padre Cocha", "Santa Clara", "Santo Tomás", "Quistococha", "Zungarococha",
                 "Manacamiri", "Varillal", "Santa María de Ojeal"):
        assert name in set(communities["name"])


def test_communities_do_not_overlap(communities):
    pairs = gpd.sjoin(communities, communities, predicate="intersects")
    assert (pairs.index == pairs["index_right"]).all()


def test_community_population_is_calibrated(communities):
    by_district = communities.groupby("district")["population"].sum()
    assert by_district["Punchana"] == 40_000
    assert by_district["Belén"] == 13_000
    assert 50_000 <= communities["population"].sum() <= 60_000
    size = communities["population"] / communities["households"]
    assert size.between(4.0, 5.5).all()


def test_communities_lie_in_their_districts(communities, districts):
    centroids = communities.set_geometry(communities.centroid)
    joined = gpd.sjoin(centroids, districts.to_crs("EPSG:32718"), predicate="within")
    assert len(joined) == len(communities)
    assert (joined["district"] == joined["name_right"]).all()


def test_districts_tile_the_study_area(districts, grid):
    _, _, bounds = grid
    assert districts.crs.to_epsg() == 4326
    assert dict(zip(districts["name"], districts["district_id"], strict=True)) == UBIGEO
    assert districts["district_id"].map(type).eq(str).all()
    assert districts.is_valid.all()
    metric = districts.to_crs("EPSG:32718")
    for a, b in itertools.combinations(metric.geometry, 2):
        assert a.intersection(b).area < 1.0
    square_m2 = (bounds.right - bounds.left) * (bounds.top - bounds.bottom)
    assert math.isclose(metric.union_all().area, square_m2, rel_tol=1e-4)
    assert math.isclose(metric.area.sum(), square_m2, rel_tol=1e-4)


def test_plaza_is_in_iquitos_district(districts):
    lon, lat = Transformer.from_crs("EPSG:32718", "EPSG:4326", always_xy=True).transform(
        *PLAZA_UTM)
    plaza = gpd.GeoSeries.from_xy([lon], [lat], crs="EPSG:4326")
    assert districts.loc[districts.contains(plaza.iloc[0]), "name"].tolist() == ["Iquitos"]


# --- Determinism ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    run = subprocess.run([sys.executable, str(SAMPLE / "build_sample.py"), "--out", str(out)],
                         capture_output=True, text=True, encoding="utf-8", timeout=120,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert "centres 77, families 1100" in run.stdout
    return out


def test_generator_reproduces_the_committed_files(rebuilt):
    assert (rebuilt / "centres.csv").read_bytes() == (SAMPLE / "centres.csv").read_bytes()
    assert json.loads((rebuilt / "manifest.json").read_text(encoding="utf-8")) == MANIFEST
    for name in RASTERS:
        with rasterio.open(rebuilt / name) as new, rasterio.open(SAMPLE / name) as old:
            assert np.array_equal(new.read(1), old.read(1)), name
            assert new.tags() == old.tags()
    for name, layer in (("communities.gpkg", "communities"), ("districts.geojson", None),
                        ("rivers.geojson", None)):
        new = gpd.read_file(rebuilt / name, layer=layer)
        old = gpd.read_file(SAMPLE / name, layer=layer)
        pd.testing.assert_frame_equal(new.drop(columns="geometry"),
                                      old.drop(columns="geometry"))
        assert new.geometry.geom_equals_exact(old.geometry, tolerance=1e-9).all(), name

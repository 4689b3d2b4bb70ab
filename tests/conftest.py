"""Shared fixtures: tiny rasters and frames built in the test, with hand-checkable values.

Everything here is generic (no module under test is imported) so any test file can use it.
The tiny grid sits in Iquitos (EPSG:32718, UTM 18S) so reprojections behave as on real data.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Point, box

#: Upper-left corner of the tiny grid (EPSG:32718 metres), near the Plaza de Armas.
TINY_ORIGIN_E: float = 694_000.0
TINY_ORIGIN_N: float = 9_585_600.0
TINY_CELL_M: float = 30.0
TINY_CRS: str = "EPSG:32718"

#: A name that would run a script if it were ever inserted into a page unescaped.
XSS_NAME: str = "<img src=x onerror=alert(1)>"


@pytest.fixture
def write_tif(tmp_path: Path) -> Callable[..., Path]:
    """Factory writing a single-band GeoTIFF to ``tmp_path`` and returning its path.

    ``write_tif(array, name="r.tif", nodata=-9999, crs=TINY_CRS, transform=None, tags=None)``;
    the default transform puts the upper-left corner at the tiny origin with 30 m cells.
    """

    def _write(
        array: np.ndarray,
        name: str = "r.tif",
        *,
        nodata: float | None = -9999.0,
        crs: str | None = TINY_CRS,
        transform=None,
        tags: dict[str, str] | None = None,
        overviews: tuple[int, ...] = (),
    ) -> Path:
        array = np.asarray(array)
        path = tmp_path / name
        transform = transform or from_origin(TINY_ORIGIN_E, TINY_ORIGIN_N, TINY_CELL_M,
                                             TINY_CELL_M)
        with rasterio.open(
            path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
            dtype=array.dtype, crs=crs, transform=transform, nodata=nodata,
        ) as ds:
            ds.write(array, 1)
            if tags:
                ds.update_tags(**tags)
            if overviews:
                ds.build_overviews(list(overviews), rasterio.enums.Resampling.nearest)
        return path

    return _write


@pytest.fixture
def tiny_depth() -> np.ndarray:
    """10×10 depth (m): dry left half, a shallow band, a deep corner, one nodata cell.

    Columns 0–4 dry (0.0); columns 5–6 at 0.3 m; columns 7–9 at 1.0 m except rows 0–1,
    which are 2.0 m; cell (9, 0) is nodata (-9999).
    """
    depth = np.zeros((10, 10), dtype="float32")
    depth[:, 5:7] = 0.3
    depth[:, 7:] = 1.0
    depth[:2, 7:] = 2.0
    depth[9, 0] = -9999.0
    return depth


def tiny_cell_centre_lonlat(row: int, col: int) -> tuple[float, float]:
    """Longitude and latitude of the centre of cell (row, col) of the tiny grid."""
    x = TINY_ORIGIN_E + (col + 0.5) * TINY_CELL_M
    y = TINY_ORIGIN_N - (row + 0.5) * TINY_CELL_M
    point = gpd.GeoSeries([Point(x, y)], crs=TINY_CRS).to_crs("EPSG:4326").iloc[0]
    return point.x, point.y


@pytest.fixture
def tiny_centres() -> gpd.GeoDataFrame:
    """Four centres in the canonical schema (EPSG:4326), one with a script-like name.

    c1 sits on a dry cell, c2 on the 0.3 m band, c3 on the 1.0 m band, c4 on the 2.0 m rows.
    """
    cells = [(5, 1), (5, 5), (5, 8), (0, 9)]
    points = [Point(*tiny_cell_centre_lonlat(r, c)) for r, c in cells]
    return gpd.GeoDataFrame(
        {
            "centre_id": ["c1", "c2", "c3", "c4"],
            "name": ["I.E. N° 601 Dry", XSS_NAME, "Parroquia `${x}` Belén", "Coliseo \"Río\""],
            "kind": ["school", "church", "church", "coliseum"],
            "district": ["Iquitos", "Belén", "Belén", "Punchana"],
            "families": [10, 20, 30, 40],
            "persons": [47, 94, 141, 188],
            "covered_area_m2": [350.0, np.nan, 700.0, 1400.0],
            "capacity_persons": pd.array([100, pd.NA, 200, 400], dtype="Int64"),
            "status": ["open", "open", "closed", "open"],
            "outside_study_area": [False, False, False, False],
        },
        geometry=points,
        crs="EPSG:4326",
    )


@pytest.fixture
def tiny_communities() -> gpd.GeoDataFrame:
    """Two community squares (EPSG:4326): 'Dry side' over columns 0–4 and 'Wet side' over 5–9."""
    left = box(TINY_ORIGIN_E, TINY_ORIGIN_N - 300, TINY_ORIGIN_E + 150, TINY_ORIGIN_N)
    right = box(TINY_ORIGIN_E + 150, TINY_ORIGIN_N - 300, TINY_ORIGIN_E + 300, TINY_ORIGIN_N)
    frame = gpd.GeoDataFrame(
        {
            "community_id": ["k1", "k2"],
            "name": ["Dry side", "Wet <b>side</b>"],
            "district": ["Iquitos", "Belén"],
            "population": [500, 800],
            "households": [100, 170],
            "derived_boundary": [False, False],
        },
        geometry=[left, right],
        crs=TINY_CRS,
    )
    return frame.to_crs("EPSG:4326")


@pytest.fixture
def clean_temp(tmp_path, monkeypatch):
    """Python's temp folder (and the log folder) redirected; nothing may be left in the first."""
    scratch = tmp_path / "system_temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("CRECIDA_LOG_DIR", str(tmp_path / "log"))
    yield scratch
    assert sorted(p.name for p in scratch.rglob("*")) == []

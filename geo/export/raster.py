"""The flood as exported: a classified-depth Cloud-Optimised GeoTIFF and depth-class polygons.

Both classify with :mod:`geo.depth` at the export's flood threshold, so the GeoTIFF's class
table, the polygons' ``depth_label`` and every legend and style name the same classes.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.shutil
from rasterio.enums import Resampling
from rasterio.features import shapes
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window
from shapely.geometry import shape

from geo import settings
from geo.depth import NODATA, DepthClasses, depth_classes
from geo.errors import InputError, Problem
from geo.flood import FloodScenario
from geo.i18n import DEFAULT_LANGUAGE
from geo.io.files import atomic_path
from geo.palette import hex_to_rgb
from geo.provenance import Provenance
from geo.raster import gdal_env

__all__ = [
    "DEPTH_NODATA",
    "FLOOD_EXTENT_MAX_CELLS",
    "flood_extent_polygons",
    "label_depth_classes",
    "write_classified_depth",
]

#: Value of cells without data in the classified depth raster (:data:`geo.depth.NODATA`).
DEPTH_NODATA: int = NODATA

#: Most cells read along either side of the raster for :func:`flood_extent_polygons`.
FLOOD_EXTENT_MAX_CELLS: int = 2048


def write_classified_depth(
    flood: FloodScenario,
    out: str | Path,
    *,
    provenance: Provenance,
    threshold_m: float | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """Write the scenario's classified depth (:mod:`geo.depth` codes) as a Cloud-Optimised GeoTIFF.

    Same grid and CRS as the scenario's raster (never resampled), uint8 with a colour table
    (the classes' colours, dry white; TIFF palettes hold no alpha, so no data is marked by the
    nodata value :data:`DEPTH_NODATA`), DEFLATE,
    overviews; read and written window by window. Tags: ``CRECIDA_CLASSES`` (code → label in
    ``lang``, JSON), ``CRECIDA_THRESHOLD_M``, ``CRECIDA_SCENARIO``, ``CRECIDA_PROVENANCE``.

    Returns
    -------
    Path
        ``out``, complete on disk (written atomically).
    """
    out = Path(out)
    classes = depth_classes(threshold_m)
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmpdir:
        plain = Path(tmpdir) / "classified.tif"
        profile = {
            "driver": "GTiff", "width": flood.shape[1], "height": flood.shape[0], "count": 1,
            "dtype": "uint8", "crs": flood.crs, "transform": flood.transform,
            "nodata": DEPTH_NODATA, "tiled": True, "blockxsize": 512, "blockysize": 512,
            "compress": "deflate",
        }
        with gdal_env(), rasterio.open(flood.raster.path) as src, \
                _open_dem(flood) as dem, rasterio.open(plain, "w", **profile) as dst:
            for window in _row_windows(flood.shape):
                depth = flood.read_depth_from(src, window, dem)
                dst.write(classes.classify(depth), 1, window=window)
            dst.write_colormap(1, {
                **{code: (*hex_to_rgb(colour), 255)
                   for code, colour in classes.colours().items()},
                0: (255, 255, 255, 0), DEPTH_NODATA: (0, 0, 0, 0),
            })
            dst.update_tags(
                CRECIDA_CLASSES=json.dumps(classes.labels(lang), ensure_ascii=False),
                CRECIDA_THRESHOLD_M=f"{classes.threshold_m:g}",
                CRECIDA_SCENARIO=flood.name,
                CRECIDA_PROVENANCE=provenance.to_json(),
            )
        with atomic_path(out) as tmp:
            rasterio.shutil.copy(plain, tmp, driver="COG", compress="deflate",
                                 overview_resampling="nearest", blocksize=512)
    return out


def flood_extent_polygons(
    scenario: FloodScenario,
    *,
    threshold_m: float | None = None,
    simplify_m: float | None = None,
    max_cells: int = FLOOD_EXTENT_MAX_CELLS,
    lang: str = DEFAULT_LANGUAGE,
) -> gpd.GeoDataFrame:
    """Flooded area of a scenario as one (multi)polygon per depth class, in EPSG:4326.

    The raster is read at most ``max_cells`` cells a side (nearest-neighbour decimation, which
    uses overviews when the file has them), classified with :mod:`geo.depth`, polygonised
    (``rasterio.features.shapes``), dissolved per class and simplified in the raster's CRS.

    Parameters
    ----------
    scenario
        The flood scenario.
    threshold_m
        Depth from which a cell is flooded (default ``settings.FLOOD_THRESHOLD_M``).
    simplify_m
        Simplification tolerance in the raster's CRS units (metres for a projected raster);
        default: one cell of the grid read.
    max_cells
        Largest number of cells read along either side.
    lang
        Language of ``depth_label``.

    Returns
    -------
    GeoDataFrame
        Columns ``scenario``, ``depth_class`` (int: 1…n, n+1 water of unknown depth),
        ``depth_label`` (str), ``depth_min_m`` and ``depth_max_m`` (the class's bounds in
        metres; NaN for unknown depth and above the last class), ``area_m2`` (on the raster's
        grid, projected rasters only, else NaN), geometry; EPSG:4326; no row when nothing is
        flooded.
    """
    classes = depth_classes(threshold_m)
    height, width = scenario.shape
    factor = max(1.0, max(height, width) / max_cells)
    out_h, out_w = max(1, round(height / factor)), max(1, round(width / factor))
    transform = scenario.transform * scenario.transform.scale(width / out_w, height / out_h)
    with gdal_env(), rasterio.open(scenario.raster.path) as src, _open_dem(scenario) as dem:
        vrt_args = {"crs": scenario.crs, "transform": transform, "width": out_w,
                    "height": out_h, "resampling": Resampling.nearest}
        with _decimated(src, vrt_args) as small, _decimated(dem, vrt_args) as small_dem:
            depth = scenario.read_depth_from(small, None, small_dem)
    codes = classes.classify(depth)
    wet = (codes > 0) & (codes != DEPTH_NODATA)
    columns = ["scenario", "depth_class", "depth_label", "depth_min_m", "depth_max_m",
               "area_m2"]
    records: dict[int, list] = {}
    for geom, value in shapes(codes, mask=wet, connectivity=4, transform=transform):
        records.setdefault(int(value), []).append(shape(geom))
    if not records:
        empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=scenario.crs)
        return empty.astype({"scenario": "str", "depth_class": "int64", "depth_label": "str",
                             "depth_min_m": "float64", "depth_max_m": "float64",
                             "area_m2": "float64"}).to_crs(settings.DISPLAY_CRS)
    tolerance = abs(transform.a) if simplify_m is None else simplify_m
    parts = gpd.GeoSeries([gpd.GeoSeries(g).union_all() for g in records.values()],
                          crs=scenario.crs)
    projected = bool(scenario.crs.is_projected)
    bounds = [_bounds(classes, code) for code in records]
    frame = gpd.GeoDataFrame({
        "scenario": scenario.name,
        "depth_class": list(records),
        "depth_label": [classes.label(c, lang) for c in records],
        "depth_min_m": [low for low, _ in bounds],
        "depth_max_m": [high for _, high in bounds],
        "area_m2": parts.area.to_numpy() if projected else np.nan,
    }, geometry=parts.simplify(tolerance, preserve_topology=True) if tolerance else parts,
        crs=scenario.crs)
    frame = frame.sort_values("depth_class", ignore_index=True)
    return frame.to_crs(settings.DISPLAY_CRS)


def label_depth_classes(frame: gpd.GeoDataFrame, classes: DepthClasses, *, lang: str,
                        name: str) -> gpd.GeoDataFrame:
    """A layer with a ``depth_class`` column, checked against ``classes`` and labelled in ``lang``.

    Codes must be depth classes (1…n) or unknown depth (n+1); where the layer states its
    classes' bounds (``depth_min_m``, ``depth_max_m``, as :func:`flood_extent_polygons`
    writes), they must be those of ``classes``, so a layer classified at another threshold is
    refused rather than mislabelled. ``depth_label`` is rewritten in ``lang``.

    Raises
    ------
    InputError
        Codes or bounds that are not those of ``classes`` (every problem listed).
    """
    codes = pd.to_numeric(frame["depth_class"], errors="coerce")
    allowed = (*classes.codes, classes.unknown)
    problems = []
    bad = sorted({str(c) for c in frame.loc[~codes.isin(allowed), "depth_class"]})
    if bad:
        problems.append(Problem(
            f"depth classes {', '.join(bad)} are not classes at the "
            f"{classes.threshold_m:g} m threshold ({', '.join(map(str, allowed))})",
            source=name))
    if not bad and {"depth_min_m", "depth_max_m"} <= set(frame.columns):
        want = np.array([_bounds(classes, int(c)) for c in codes], dtype=float).reshape(-1, 2)
        got = frame[["depth_min_m", "depth_max_m"]].to_numpy(dtype=float)
        differ = ~np.all(np.isclose(got, want, rtol=0, atol=1e-9, equal_nan=True), axis=1)
        first = {int(codes.iloc[i]): i for i in np.flatnonzero(differ)[::-1]}
        for i in (first[code] for code in sorted(first)):
            problems.append(Problem(
                f"depth class {int(codes.iloc[i])} spans {_span(got[i])} here but "
                f"{_span(want[i])} at the {classes.threshold_m:g} m flood threshold",
                source=name))
    if problems:
        problems[-1] = Problem(problems[-1].message, source=name,
                               fix="build the layers and the export with the same flood "
                                   "threshold (threshold_m)")
        raise InputError(problems)
    out = frame.copy()
    out["depth_label"] = [classes.label(int(c), lang) for c in codes]
    return out


def _bounds(classes: DepthClasses, code: int) -> tuple[float, float]:
    if code == classes.unknown:
        return np.nan, np.nan
    low, high = classes.bounds(code)
    return low, np.nan if high is None else high


def _span(bounds: np.ndarray) -> str:
    low, high = bounds
    return f"{low:g}–{high:g} m" if np.isfinite(high) else f"{low:g} m and over"


# --- Reading helpers --------------------------------------------------------------------------
def _row_windows(shape_hw: tuple[int, int]) -> Iterator[Window]:
    height, width = shape_hw
    step = max(1, settings.WINDOW_ROWS)
    for row in range(0, height, step):
        yield Window(0, row, width, min(step, height - row))


@contextlib.contextmanager
def _open_dem(flood: FloodScenario):
    if flood.dem is None:
        yield None
    else:
        with rasterio.open(flood.dem.path) as ds:
            yield ds


@contextlib.contextmanager
def _decimated(ds, vrt_args: dict):
    """``ds`` itself at full size, else a nearest-neighbour warped view on the coarser grid."""
    if ds is None:
        yield None
        return
    if ds.width == vrt_args["width"] and ds.height == vrt_args["height"]:
        yield ds
        return
    with WarpedVRT(ds, nodata=ds.nodata, **vrt_args) as vrt:
        yield vrt

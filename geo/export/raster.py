"""The flood as exported: a classified-depth Cloud-Optimised GeoTIFF and depth-class polygons.

Both classify with :mod:`geo.depth` at the export's flood threshold, so the GeoTIFF's class
table, the polygons' ``depth_label`` and every legend and style name the same classes.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.enums import Resampling
from rasterio.features import shapes
from rasterio.windows import Window
from shapely.geometry import shape

from geo import settings
from geo.depth import NODATA, DepthClasses, depth_classes
from geo.errors import InputError, Num, Problem, Term
from geo.export.failures import IncompleteFileError, output_errors
from geo.export.texts import label
from geo.flood import FloodScenario
from geo.i18n import DEFAULT_LANGUAGE, t
from geo.io.files import atomic_path
from geo.palette import hex_to_rgb
from geo.provenance import Provenance
from geo.raster import gdal_env

__all__ = [
    "CLASSIFY_WINDOW",
    "DEPTH_NODATA",
    "FLOOD_EXTENT_MAX_CELLS",
    "check_tiff_complete",
    "decimated_depth",
    "flood_extent_polygons",
    "label_depth_classes",
    "write_classified_depth",
    "write_classified_depth_to",
]

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``, called as long work advances."""

#: Value of cells without data in the classified depth raster (:data:`geo.depth.NODATA`).
DEPTH_NODATA: int = NODATA

#: Most cells read along either side of the raster for :func:`flood_extent_polygons`.
FLOOD_EXTENT_MAX_CELLS: int = 2048

#: Largest window (rows, columns) classified at once by :func:`write_classified_depth`:
#: 2 M cells, about 40 MB of working arrays whatever the raster's size. Rows are also capped
#: by ``settings.WINDOW_ROWS``; columns are whole output blocks.
CLASSIFY_WINDOW: tuple[int, int] = (1024, 2048)

_BLOCK: int = 512  # output tile size (cells)


def write_classified_depth(
    flood: FloodScenario,
    out: str | Path,
    *,
    provenance: Provenance,
    threshold_m: float | None = None,
    lang: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> Path:
    """Write the scenario's classified depth (:mod:`geo.depth` codes) as a Cloud-Optimised GeoTIFF.

    Same grid and CRS as the scenario's raster (never resampled), uint8 with a colour table
    (the classes' colours, dry white; TIFF palettes hold no alpha, so no data is marked by the
    nodata value :data:`DEPTH_NODATA`), DEFLATE, overviews. Tags: ``CRECIDA_CLASSES`` (code →
    label in ``lang``, JSON), ``CRECIDA_THRESHOLD_M``, ``CRECIDA_SCENARIO``,
    ``CRECIDA_PROVENANCE``.

    Streams: the raster is read and written in windows of at most
    :data:`CLASSIFY_WINDOW` cells, so memory does not grow with its size; windows whose source
    blocks are all absent from a sparse GeoTIFF (nodata everywhere) are skipped and stay absent
    in the output. ``progress(done, total, message)`` is called after each window.

    Returns
    -------
    Path
        ``out``, complete on disk (written atomically; checked for truncation).

    Raises
    ------
    OutputError
        The file could not be written completely (full disk, read-only folder).
    """
    out = Path(out)
    with output_errors(out), atomic_path(out) as tmp:
        write_classified_depth_to(flood, tmp, provenance=provenance, threshold_m=threshold_m,
                                  lang=lang, progress=progress)
    return out


def write_classified_depth_to(
    flood: FloodScenario,
    path: Path,
    *,
    provenance: Provenance,
    threshold_m: float | None = None,
    lang: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> Path:
    """As :func:`write_classified_depth`, writing ``path`` directly (callers make it atomic)."""
    path = Path(path)
    classes = depth_classes(threshold_m)
    height, width = flood.shape
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".crecida-") as tmpdir:
        plain = Path(tmpdir) / "classified.tif"
        profile = {
            "driver": "GTiff", "width": width, "height": height, "count": 1,
            "dtype": "uint8", "crs": flood.crs, "transform": flood.transform,
            "nodata": DEPTH_NODATA, "tiled": True, "blockxsize": _BLOCK, "blockysize": _BLOCK,
            "compress": "deflate", "sparse_ok": True, "bigtiff": "IF_SAFER",
        }
        windows = list(_classify_windows(flood.shape))
        total = len(windows) + 1
        message = label("progress.classify", lang)
        with gdal_env(), rasterio.open(flood.raster.path) as src, \
                _open_dem(flood) as dem, rasterio.open(plain, "w", **profile) as dst:
            absent = _absent_blocks(src) if flood.dem is None and src.nodata is not None \
                else None
            for done, window in enumerate(windows, start=1):
                if absent is None or not absent(window):
                    codes = classes.classify(flood.read_depth_from(src, window, dem))
                    if not bool((codes == DEPTH_NODATA).all()):
                        dst.write(codes, 1, window=window)
                if progress is not None:
                    progress(done, total, message)
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
        check_tiff_complete(plain, label=path.name)
        if progress is not None:
            progress(total - 1, total, label("progress.overviews", lang))
        with gdal_env():
            rasterio.shutil.copy(plain, path, driver="COG", compress="deflate",
                                 overview_resampling="nearest", blocksize=_BLOCK,
                                 sparse_ok="TRUE", bigtiff="IF_SAFER")
        check_tiff_complete(path, label=path.name)
        if progress is not None:
            progress(total, total, label("progress.overviews", lang))
    return path


def check_tiff_complete(path: Path, *, label: str) -> None:
    """Raise :class:`~geo.export.failures.IncompleteFileError` (an ``OSError``) when a
    GeoTIFF's blocks (any level) lie past the end of the file.

    GDAL reports a failed write while flushing a GeoTIFF (a full disk, a size limit) only in
    its log, and leaves a truncated file that opens; this catches it from the file itself.
    """
    size = path.stat().st_size
    with rasterio.open(path) as ds:
        levels = [None, *range(len(ds.overviews(1)))]
    for level in levels:
        with rasterio.open(path, overview_level=level) if level is not None \
                else rasterio.open(path) as ds:
            rows = math.ceil(ds.height / ds.block_shapes[0][0])
            cols = math.ceil(ds.width / ds.block_shapes[0][1])
            for by in range(rows):
                for bx in range(cols):
                    offset = ds.get_tag_item(f"BLOCK_OFFSET_{bx}_{by}", "TIFF", bidx=1)
                    if offset is None:
                        continue
                    length = ds.get_tag_item(f"BLOCK_SIZE_{bx}_{by}", "TIFF", bidx=1)
                    if int(offset) + int(length or 0) > size:
                        raise IncompleteFileError(label)


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
    uses overviews when the file has them; without them GDAL reads block by block through its
    bounded cache, so memory stays flat), classified with :mod:`geo.depth`, polygonised
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
    depth, transform = decimated_depth(scenario, max_cells=max_cells)
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


def decimated_depth(scenario: FloodScenario, *, max_cells: int
                    ) -> tuple[np.ndarray, Affine]:
    """The scenario's depth read at most ``max_cells`` cells a side, and that grid's transform.

    Nearest-neighbour decimation on the scenario's own grid and CRS (never reprojected): GDAL
    reads from the file's overviews when it has them, else block by block through its bounded
    cache, so memory is the small array whatever the raster's size. Values follow
    :meth:`geo.flood.FloodScenario.read_depth` (m; NaN no data; +inf water of unknown depth).
    """
    height, width = scenario.shape
    factor = max(1.0, max(height, width) / max_cells)
    out_h, out_w = max(1, round(height / factor)), max(1, round(width / factor))
    transform = scenario.transform * scenario.transform.scale(width / out_w, height / out_h)
    with gdal_env(), rasterio.open(scenario.raster.path) as src, _open_dem(scenario) as dem:
        small = _DecimatedBand(src, (out_h, out_w))
        small_dem = _DecimatedBand(dem, (out_h, out_w)) if dem is not None else None
        depth = scenario.read_depth_from(small, None, small_dem)
    return depth, transform


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
        Codes or bounds that are not those of ``classes``: every one listed, then one
        problem that says the layer was classified at another threshold, with the fix.
    """
    codes = pd.to_numeric(frame["depth_class"], errors="coerce")
    allowed = (*classes.codes, classes.unknown)
    problems = []
    bad = sorted({str(c) for c in frame.loc[~codes.isin(allowed), "depth_class"]})
    if bad:
        problems.append(Problem.keyed("export_depth_codes_unknown", source=name,
                                      codes=", ".join(bad),
                                      threshold=Num(classes.threshold_m),
                                      allowed=", ".join(map(str, allowed))))
    if not bad and {"depth_min_m", "depth_max_m"} <= set(frame.columns):
        want = np.array([_bounds(classes, int(c)) for c in codes], dtype=float).reshape(-1, 2)
        got = frame[["depth_min_m", "depth_max_m"]].to_numpy(dtype=float)
        differ = ~np.all(np.isclose(got, want, rtol=0, atol=1e-9, equal_nan=True), axis=1)
        first = {int(codes.iloc[i]): i for i in np.flatnonzero(differ)[::-1]}
        for i in (first[code] for code in sorted(first)):
            problems.append(Problem.keyed("export_depth_span_differs", source=name,
                                          code=int(codes.iloc[i]), here=_span(got[i]),
                                          want=_span(want[i]),
                                          threshold=Num(classes.threshold_m)))
    if problems:
        problems.append(Problem.keyed("export_depth_other_threshold", source=name,
                                      threshold=Num(classes.threshold_m)))
        raise InputError(problems)
    out = frame.copy()
    out["depth_label"] = [classes.label(int(c), lang) for c in codes]
    return out


def _bounds(classes: DepthClasses, code: int) -> tuple[float, float]:
    if code == classes.unknown:
        return np.nan, np.nan
    low, high = classes.bounds(code)
    return low, np.nan if high is None else high


@dataclass(frozen=True)
class _Span(Term):
    """A depth class's bounds given as a problem's parameter: "0.5–1.5 m" or "1.5 m and
    over", the numbers written the problem's language's way."""

    low: float = math.nan
    high: float = math.nan

    def text(self, lang: str = "en") -> str:
        bounds = {"low": Num(self.low).text(lang)}
        if math.isfinite(self.high):
            bounds["high"] = Num(self.high).text(lang)
        return t(self.key, lang, **bounds)


def _span(bounds: np.ndarray) -> Term:
    """The bounds (low, high; NaN high: open above; NaN low: unknown depth) as a parameter."""
    low, high = (float(b) for b in bounds)
    if not np.isfinite(low):
        return Term("msg.export_depth_span_unknown")
    key = "msg.export_depth_span" if np.isfinite(high) else "msg.export_depth_span_open"
    return _Span(key, low, high)


# --- Reading helpers --------------------------------------------------------------------------
def _classify_windows(shape_hw: tuple[int, int]) -> Iterator[Window]:
    """Windows of whole output blocks, at most ``CLASSIFY_WINDOW`` cells each, row-major."""
    height, width = shape_hw
    rows = max(1, min(settings.WINDOW_ROWS, CLASSIFY_WINDOW[0]))
    cols = max(_BLOCK, CLASSIFY_WINDOW[1] // _BLOCK * _BLOCK)
    for row in range(0, height, rows):
        for col in range(0, width, cols):
            yield Window(col, row, min(cols, width - col), min(rows, height - row))


def _absent_blocks(src) -> Callable[[Window], bool] | None:
    """For a GeoTIFF: a test of whether every source block under a window is absent (a sparse
    file's holes, which read as nodata); ``None`` for other formats (every window is read)."""
    if src.driver != "GTiff":
        return None
    block_h, block_w = src.block_shapes[0]

    def absent(window: Window) -> bool:
        rows = range(int(window.row_off) // block_h,
                     math.ceil((window.row_off + window.height) / block_h))
        cols = range(int(window.col_off) // block_w,
                     math.ceil((window.col_off + window.width) / block_w))
        return all(src.get_tag_item(f"BLOCK_OFFSET_{bx}_{by}", "TIFF", bidx=1) is None
                   for by in rows for bx in cols)

    return absent


@contextlib.contextmanager
def _open_dem(flood: FloodScenario):
    if flood.dem is None:
        yield None
    else:
        with rasterio.open(flood.dem.path) as ds:
            yield ds


class _DecimatedBand:
    """Band 1 of a dataset read once at ``shape`` by nearest neighbour, answering ``read`` as
    the dataset would (for :meth:`geo.flood.FloodScenario.read_depth_from`).

    GDAL reads the decimated band from the file's overviews when it has them, else block by
    block through its (bounded) cache: memory is the small array, whatever the raster's size.
    """

    def __init__(self, ds, shape: tuple[int, int]):
        if (ds.height, ds.width) == tuple(shape):
            self._values = ds.read(1)
        else:
            self._values = ds.read(1, out_shape=shape, resampling=Resampling.nearest)

    def read(self, band: int = 1, window: Window | None = None, out_dtype=None) -> np.ndarray:
        if window is not None:
            raise ValueError("a decimated band is read whole")
        return self._values.astype(out_dtype or self._values.dtype, copy=True)

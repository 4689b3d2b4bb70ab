"""Windowed zonal statistics of flood rasters over polygons.

The engine behind :mod:`geo.exposure`. It never loads a raster whole: the grid is walked in
windows of ``settings.WINDOW_ROWS`` × ``settings.ZONAL_WINDOW_COLS`` cells inside
:func:`geo.raster.gdal_env`, and every statistic is a per-polygon accumulator
(``np.bincount`` with ``minlength``), so memory depends on the window and the number of
polygons, not on the raster's size.

Cell semantics
--------------
Default: a cell belongs to a polygon when the cell's centre is inside it — GDAL's default
rasterisation, as ``rasterstats`` uses. With ``exact=True`` each cell is weighted by the share
of its area inside the polygon, as ``exactextract`` does: the centre-in weights are corrected
on the cells the polygon's boundary crosses (found with an all-touched rasterisation of the
boundary, grown by one cell), whose coverage is the area of the polygon ∩ cell computed with
GEOS.

Cells are listed once per window and reused for every scenario on the grid (one pass over
the windows reads all the scenarios), in one of two ways. Where polygons are few for the
grid's size (``_CELLS_PER_POLYGON_FOR_RUNS``), each polygon is rasterised once (GDAL, on its
own pixel box of the grid) and its cells kept as row runs; a window's cells (flat index,
polygon) are listed from the runs of the polygons that cross it, without scanning the window,
and runs are dropped once the windows have passed a polygon's last row. Otherwise, and always
with ``exact=True`` (which needs each window's centre-in grid), the polygons are rasterised
window by window, overlapping ones split into layers of non-overlapping ones, one label grid
per layer. The label windows of a small grid are also kept in a cache keyed on the grid and
the geometries, so a later call on the same grid (another threshold, another scenario) does
not rasterise again.

Three threads overlap: one lists the windows' cells, one decodes the next block (with GDAL's
own decoding threads, ``settings.READ_THREADS``), one accumulates the current block; blocks
are read one scenario at a time, so memory does not grow with the number of scenarios.

Areas
-----
Projected raster: every cell has the area ``|a·e − b·d|`` of its affine (m²). Geographic
raster: cell areas are computed on the raster CRS's ellipsoid row by row (the geodesic area of
the cell's four corners, :meth:`pyproj.Geod.polygon_area_perimeter`).

Population
----------
A population raster on another grid is *sampled* at the flood cells' centres (no resampling of
either raster): each flood cell gets the count of the population cell under its centre × the
flood cell's area ÷ the population cell's area (a density sample, which keeps totals when the
population grid is coarser). On the same grid this is exactly the population cell's value.
Nodata population cells count as 0.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.features import rasterize
from rasterio.windows import Window

from geo import settings
from geo.depth import class_index, depth_classes
from geo.errors import OverlapError, Problem, Term
from geo.flood import FloodScenario
from geo.raster import RasterSource, gdal_env, read_band, read_failed

__all__ = [
    "ZonalStats",
    "cell_areas_m2",
    "check_overlap",
    "clear_label_cache",
    "geometry_areas_m2",
    "grid_key",
    "raster_windows",
    "zonal_flood_stats",
]

_LABEL_CACHE: OrderedDict[tuple, _Zones] = OrderedDict()
_LABEL_CACHE_ENTRIES = 4
#: Raster cells per polygon from which polygons are rasterised one by one (as row runs)
#: rather than window by window. Measured on 2 cores: a rasterize call costs about 0.4 ms,
#: listing a window's cells from its own rasterisation about 4.6 ns per window cell; 2,000
#: polygons on 144 Mpx (72,000 cells each) were faster window by window, on 900 Mpx
#: (450,000 each) polygon by polygon (2.2 s instead of 2.8–4.1 s of CPU).
_CELLS_PER_POLYGON_FOR_RUNS = 100_000


@dataclass
class ZonalStats:
    """Per-polygon accumulators for one scenario (arrays of length ``n`` polygons).

    All areas in m²; ``*_cells`` are (weighted) cell counts. In the default mode the weights
    are 1 for cells whose centre is inside the polygon; with ``exact=True`` they are the
    covered share of each cell.

    Attributes
    ----------
    scenario
        Scenario name.
    observed_area_m2
        Area of the polygon's cells that have data.
    nodata_area_m2
        Area of the polygon's cells inside the raster that have no data.
    flooded_cells, flooded_area_m2
        Cells (and their area) with ``depth >= threshold``.
    depth_area_m2, depth_sum_m3
        Flooded area of known depth and Σ depth × area over it (mean depth = ratio).
    max_depth_m
        Largest known flooded depth (NaN when none).
    class_area_m2
        ``(n, k)`` flooded area per depth class.
    unknown_depth_area_m2
        Flooded area of unknown depth (0/1 extent rasters).
    pop_total, pop_flooded, pop_class
        Population in the polygon's cells, in its flooded cells, and per depth class
        (``(n, k)``); zeros without a population raster.
    """

    scenario: str
    observed_area_m2: np.ndarray
    nodata_area_m2: np.ndarray
    flooded_cells: np.ndarray
    flooded_area_m2: np.ndarray
    depth_area_m2: np.ndarray
    depth_sum_m3: np.ndarray
    max_depth_m: np.ndarray
    class_area_m2: np.ndarray
    unknown_depth_area_m2: np.ndarray
    pop_total: np.ndarray
    pop_flooded: np.ndarray
    pop_class: np.ndarray

    @classmethod
    def zeros(cls, scenario: str, n: int, k: int) -> ZonalStats:
        z = functools.partial(np.zeros, dtype=np.float64)
        return cls(scenario, z(n), z(n), z(n), z(n), z(n), z(n), np.full(n, -np.inf),
                   z((n, k)), z(n), z(n), z(n), z((n, k)))

    def finish(self) -> ZonalStats:
        self.max_depth_m[np.isneginf(self.max_depth_m)] = np.nan
        return self


# ---------------------------------------------------------------------------------------------
# Grid helpers
# ---------------------------------------------------------------------------------------------
def grid_key(raster: RasterSource) -> tuple:
    return (raster.crs.to_wkt(), tuple(raster.transform)[:6], raster.width, raster.height)


@functools.lru_cache(maxsize=16)
def _row_areas(crs_wkt: str, transform: tuple, height: int) -> np.ndarray | float:
    crs = CRS.from_wkt(crs_wkt)
    t = Affine(*transform)
    if not crs.is_geographic:
        return abs(t.a * t.e - t.b * t.d)
    from pyproj import CRS as PCRS

    geod = PCRS.from_wkt(crs_wkt).get_geod()
    out = np.empty(height, dtype=np.float64)
    for r in range(height):
        corners = [t * (0, r), t * (1, r), t * (1, r + 1), t * (0, r + 1)]
        lons, lats = zip(*corners, strict=True)
        area, _ = geod.polygon_area_perimeter(lons, lats)
        out[r] = abs(area)
    return out


def cell_areas_m2(raster: RasterSource) -> np.ndarray | float:
    """Area of the raster's cells in m².

    Returns
    -------
    float or numpy.ndarray
        One number for a projected raster (all cells alike); for a geographic raster an array
        of one area per row, computed on the CRS's ellipsoid.
    """
    return _row_areas(raster.crs.to_wkt(), tuple(raster.transform)[:6], raster.height)


def geometry_areas_m2(geoms: np.ndarray, crs: CRS) -> np.ndarray:
    """Areas of geometries in m²: planar in a projected CRS, on the ellipsoid if geographic."""
    geoms = np.asarray(geoms, dtype=object)
    if not crs.is_geographic:
        return shapely.area(geoms).astype(np.float64)
    from pyproj import CRS as PCRS

    geod = PCRS.from_user_input(crs.to_wkt()).get_geod()
    return np.array([
        abs(geod.geometry_area_perimeter(g)[0]) if g is not None and not g.is_empty else 0.0
        for g in geoms
    ], dtype=np.float64)


def check_overlap(bounds: Sequence[float], raster: RasterSource, *, what: str) -> None:
    """Raise :class:`OverlapError` when ``bounds`` (in the raster's CRS) miss the raster.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) of the vectors, already in ``raster.crs``.
    raster
        The raster.
    what
        Name of the vector layer, for the message (``centres`` and ``communities`` are shown
        as the word in the problem's language).
    """
    left, bottom, right, top = raster.bounds
    minx, miny, maxx, maxy = bounds
    if not (maxx <= left or minx >= right or maxy <= bottom or miny >= top):
        return
    # Coordinates in the raster's CRS are written in no language (no thousands separator,
    # a decimal point), as the other extents of the problems are.
    fmt = lambda b: "(" + ", ".join(f"{v:.6g}" for v in b) + ")"  # noqa: E731
    layer = Term(f"word.{what}") if what in ("centres", "communities") else what
    raise OverlapError(Problem.keyed(
        "zonal_no_overlap", what=layer, bounds=fmt(bounds), raster=raster.label,
        raster_bounds=fmt(raster.bounds), crs=str(raster.crs)))


def raster_windows(height: int, width: int) -> list[Window]:
    rows, cols = int(settings.WINDOW_ROWS), int(settings.ZONAL_WINDOW_COLS)
    return [Window(c0, r0, min(cols, width - c0), min(rows, height - r0))
            for r0 in range(0, height, rows) for c0 in range(0, width, cols)]


# ---------------------------------------------------------------------------------------------
# Polygons prepared for one grid (layers, label windows, boundary corrections)
# ---------------------------------------------------------------------------------------------
@dataclass
class _WindowLabels:
    window: Window
    sub: Window                  # bounding rectangle of the labelled cells (window coords)
    flat: np.ndarray             # flat indices into ``sub`` of labelled cells (repeats if
                                 # polygons overlap)
    label: np.ndarray            # polygon index of each entry
    cells: np.ndarray            # number of entries per polygon (length n)
    corr_flat: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    corr_label: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    corr_delta: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))
    corr_frac: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.flat, self.label, self.cells, self.corr_flat,
                                      self.corr_label, self.corr_delta, self.corr_frac))


class _Zones:
    """Polygons (in the raster's CRS) prepared for one grid."""

    def __init__(self, geoms: np.ndarray, raster: RasterSource):
        self.geoms = geoms
        self.n = len(geoms)
        self.raster = raster
        self.tree = shapely.STRtree(geoms)
        self.mappings = [shapely.geometry.mapping(g) for g in geoms]
        inv = ~raster.transform
        b = shapely.bounds(geoms)
        xs = b[:, [0, 0, 2, 2]]
        ys = b[:, [1, 3, 1, 3]]
        cols, rows = inv * (xs, ys)
        #: pixel bounding boxes (col0, row0, col1, row1), widened by one cell
        self.pixel_boxes = np.stack([
            np.floor(cols.min(1)) - 1, np.floor(rows.min(1)) - 1,
            np.ceil(cols.max(1)) + 1, np.ceil(rows.max(1)) + 1,
        ], axis=1).astype(np.int64)
        self.layer = _layers(geoms, self.tree)
        self.n_layers = int(self.layer.max()) + 1 if self.n else 0
        self.exact_done = False
        self.windows: list[_WindowLabels] | None = None

    def iter_windows(self, *, exact: bool, keep: bool):
        """Yield the label windows, rasterising them (once) if not kept from a former call."""
        if self.windows is not None and (self.exact_done or not exact):
            yield from self.windows
            return
        kept: list[_WindowLabels] = []
        size = 0
        # Rasterising polygon by polygon pays where polygons are few for the grid's size;
        # otherwise one rasterisation per window (all its polygons at once) is cheaper.
        by_polygon = (not exact and self.raster.width * self.raster.height
                      >= _CELLS_PER_POLYGON_FOR_RUNS * self.n)
        labelled = (self._centre_windows() if by_polygon
                    else (self._label_window(w, exact=exact)
                          for w in raster_windows(self.raster.height, self.raster.width)))
        for wl in labelled:
            if wl is None:
                continue
            if keep:
                size += wl.nbytes
                if size > settings.LABEL_CACHE_BYTES:
                    keep = False
                    kept = []
                else:
                    kept.append(wl)
            yield wl
        if keep:
            self.windows = kept
            self.exact_done = exact

    def _polygon_runs(self, i: int) -> tuple[np.ndarray, ...] | None:
        """Cells of polygon ``i`` (centre-in rule) as row runs: row, first col, end col.

        The polygon is rasterised alone on its own pixel box of the grid (GDAL, as for the
        whole grid), and its cells kept as runs in row-major order.
        """
        c0, r0, c1, r1 = self.pixel_boxes[i].tolist()
        c0, r0 = max(c0, 0), max(r0, 0)
        c1, r1 = min(c1, self.raster.width), min(r1, self.raster.height)
        if c0 >= c1 or r0 >= r1:
            return None
        # one column more on the right, zeroed after burning (the polygon may reach past
        # the raster's edge), closes every row's last run
        grid = np.zeros((r1 - r0, c1 - c0 + 1), dtype=np.uint8)
        rasterize([(self.mappings[i], 1)], out=grid, fill=0,
                  transform=self.raster.transform * Affine.translation(c0, r0))
        grid[:, -1] = 0
        edge = np.flatnonzero(np.diff(grid.ravel(), prepend=np.uint8(0)))
        if edge.size == 0:
            return None
        row, col = np.divmod(edge, c1 - c0 + 1)   # starts and ends alternate
        return row[0::2] + r0, col[0::2] + c0, col[1::2] + c0, np.full(edge.size // 2, i)

    def _centre_windows(self):
        """Label windows for the centre-in rule, one band of windows after another.

        Polygons are rasterised once each, when the first band they reach comes, and their
        runs kept until the band below their last row: memory follows the polygons that
        cross a band, never the whole grid.
        """
        height, width = self.raster.height, self.raster.width
        rows, cols = int(settings.WINDOW_ROWS), int(settings.ZONAL_WINDOW_COLS)
        order = np.argsort(self.pixel_boxes[:, 1], kind="stable").tolist()
        top = self.pixel_boxes[order, 1].tolist()
        nxt = 0
        pending: list[tuple[np.ndarray, ...]] = []
        for r0 in range(0, height, rows):
            r1 = min(height, r0 + rows)
            while nxt < len(order) and top[nxt] < r1:
                runs = self._polygon_runs(order[nxt])
                nxt += 1
                if runs is not None:
                    pending.append(runs)
            if not pending:
                continue
            row, start, end, label = (np.concatenate(a) for a in zip(*pending, strict=True))
            # row-major order: windows' cells are then gathered in one sweep of the block
            sort = np.lexsort((start, row))
            row, start, end, label = row[sort], start[sort], end[sort], label[sort]
            for c0 in range(0, width, cols):
                wl = _runs_window(Window(c0, r0, min(cols, width - c0), r1 - r0),
                                  row, start, end, label, self.n)
                if wl is not None:
                    yield wl
            later = row >= r1
            pending = [(row[later], start[later], end[later], label[later])] if later.any() else []

    def _label_window(self, window: Window, *, exact: bool) -> _WindowLabels | None:
        """The cells of one window from its own rasterisation (one grid per layer)."""
        t = self.raster.transform
        h, w = int(window.height), int(window.width)
        wr0, wc0 = int(window.row_off), int(window.col_off)
        x0, y0 = rasterio.windows.transform(window, t) * (0, 0)
        x1, y1 = rasterio.windows.transform(window, t) * (w, h)
        ids = self.tree.query(shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        if ids.size == 0:
            return None
        ids = np.sort(ids)
        pb = self.pixel_boxes[ids]
        c0 = max(0, int(pb[:, 0].min()) - wc0)
        r0 = max(0, int(pb[:, 1].min()) - wr0)
        c1 = min(w, int(pb[:, 2].max()) - wc0)
        r1 = min(h, int(pb[:, 3].max()) - wr0)
        if c0 >= c1 or r0 >= r1:
            return None
        sub = Window(c0, r0, c1 - c0, r1 - r0)
        sh, sw = r1 - r0, c1 - c0
        st = t * Affine.translation(wc0 + c0, wr0 + r0)
        dtype = "uint16" if self.n < 65535 else "int32"
        flats, labels, grids = [], [], []
        for layer in range(self.n_layers):
            lids = ids[self.layer[ids] == layer]
            if lids.size == 0:
                grids.append(None)
                continue
            grid = rasterize(((self.mappings[i], i + 1) for i in lids), out_shape=(sh, sw),
                             transform=st, fill=0, dtype=dtype)
            flat = np.flatnonzero(grid)           # intp: what indexing and bincount use
            label = grid.ravel()[flat].astype(np.intp)
            label -= 1
            flats.append(flat)
            labels.append(label)
            grids.append(grid)
        flat = np.concatenate(flats) if flats else np.empty(0, np.intp)
        label = np.concatenate(labels) if labels else np.empty(0, np.intp)
        corr = _boundary_corrections(self, ids, grids, st, sh, sw) if exact else None
        if flat.size == 0 and (corr is None or corr[0].size == 0):
            return None
        out = _WindowLabels(window, sub, flat, label,
                            np.bincount(label, minlength=self.n).astype(np.float64))
        if corr is not None:
            out.corr_flat = corr[0]
            out.corr_label, out.corr_delta, out.corr_frac = corr[1], corr[2], corr[3]
        return out


def _runs_window(window: Window, row: np.ndarray, start: np.ndarray, end: np.ndarray,
                 label: np.ndarray, n: int) -> _WindowLabels | None:
    """The labelled cells of one window, listed from row runs (row, first col, end col)."""
    wr0, wc0 = int(window.row_off), int(window.col_off)
    h, w = int(window.height), int(window.width)
    start = np.maximum(start, wc0)
    end = np.minimum(end, wc0 + w)
    keep = (end > start) & (row >= wr0) & (row < wr0 + h)
    if not keep.any():
        return None
    row, start, end, label = row[keep], start[keep], end[keep], label[keep]
    sr0, sc0 = int(row.min()), int(start.min())
    sh, sw = int(row.max()) + 1 - sr0, int(end.max()) - sc0
    length = end - start
    first = (row - sr0) * sw + (start - sc0) - (np.cumsum(length) - length)
    flat = np.repeat(first, length) + np.arange(int(length.sum()))
    return _WindowLabels(window, Window(sc0 - wc0, sr0 - wr0, sw, sh), flat,
                         np.repeat(label, length),
                         np.bincount(label, weights=length, minlength=n))


def _layers(geoms: np.ndarray, tree: shapely.STRtree) -> np.ndarray:
    """Greedy colouring: polygons whose interiors overlap go to different layers."""
    n = len(geoms)
    layer = np.zeros(n, dtype=np.int64)
    if n < 2:
        return layer
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    if a.size == 0:
        return layer
    inner = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    a, b = a[inner], b[inner]
    if a.size == 0:
        return layer
    neighbours: dict[int, list[int]] = {}
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
    layer[:] = -1
    for i in range(n):
        used = {layer[j] for j in neighbours.get(i, ()) if layer[j] >= 0}
        k = 0
        while k in used:
            k += 1
        layer[i] = k
    return layer


def _boundary_corrections(zones: _Zones, ids: np.ndarray, grids: list, wt: Affine,
                          h: int, w: int):
    """Coverage corrections (exact minus centre-in weight) for the polygons of one window.

    Returns flat indices into the ``h`` × ``w`` window, polygon indices, corrections and the
    covered fractions, for the cells where the two rules differ.
    """
    inv = ~wt
    flats, labs, deltas, fracs = [], [], [], []
    north_up = wt.b == 0 and wt.d == 0
    for i in ids.tolist():
        geom = zones.geoms[i]
        minx, miny, maxx, maxy = geom.bounds
        cols, rows = inv * (np.array([minx, minx, maxx, maxx]), np.array([miny, maxy, miny, maxy]))
        c0 = max(0, int(np.floor(cols.min())) - 1)
        c1 = min(w, int(np.ceil(cols.max())) + 1)
        r0 = max(0, int(np.floor(rows.min())) - 1)
        r1 = min(h, int(np.ceil(rows.max())) + 1)
        if c0 >= c1 or r0 >= r1:
            continue
        st = wt * Affine.translation(c0, r0)
        frac = (_coverage_north_up(geom, st, r1 - r0, c1 - c0) if north_up
                else _coverage_geos(geom, st, r1 - r0, c1 - c0))
        grid = grids[zones.layer[i]]
        centre_in = (grid[r0:r1, c0:c1] == i + 1).astype(np.float64)
        delta = frac - centre_in
        rr, cc = np.nonzero(np.abs(delta) > 1e-9)
        if rr.size == 0:
            continue
        flats.append((rr + r0) * w + (cc + c0))
        labs.append(np.full(rr.size, i, dtype=np.int64))
        deltas.append(delta[rr, cc])
        fracs.append(frac[rr, cc])
    if not flats:
        e = np.empty(0)
        return e.astype(np.int64), e.astype(np.int64), e, e
    return (np.concatenate(flats), np.concatenate(labs), np.concatenate(deltas),
            np.concatenate(fracs))


def _coverage_north_up(geom, st: Affine, nrows: int, ncols: int) -> np.ndarray:
    """Share of each cell of an ``nrows`` × ``ncols`` north-up grid covered by ``geom``.

    The polygon is clipped to each row strip (GEOS rectangle clipping); inside a strip the
    area left of a vertical line x = X is ``-Σ ∫ y dx`` over the oriented ring edges left of
    X (Green's theorem; the vertical cut adds nothing), so a cell's covered area is the
    difference of that integral at its two sides — exact up to floating point.
    """
    a, e = st.a, st.e
    xs = st.c + a * np.arange(ncols + 1)
    xmin, xmax = min(xs[0], xs[-1]), max(xs[0], xs[-1])
    ya = st.f + e * np.arange(nrows)
    yb = ya + e
    pieces = np.array([shapely.clip_by_rect(geom, xmin, min(y0, y1), xmax, max(y0, y1))
                       for y0, y1 in zip(ya.tolist(), yb.tolist(), strict=True)], dtype=object)
    parts, part_row = shapely.get_parts(pieces, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    parts, part_row = parts[poly], part_row[poly]
    out = np.zeros((nrows, ncols + 1), dtype=np.float64)
    if parts.size:
        parts = shapely.orient_polygons(parts, exterior_cw=False)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same = coord_ring[1:] == coord_ring[:-1]
        x0, y0 = coords[:-1, 0][same], coords[:-1, 1][same]
        x1, y1 = coords[1:, 0][same], coords[1:, 1][same]
        erow = part_row[ring_part[coord_ring[:-1][same]]]
        moving = x0 != x1
        x0, y0, x1, y1, erow = x0[moving], y0[moving], x1[moving], y1[moving], erow[moving]
        y_ref = np.minimum(ya, yb)[erow]         # local origin: keeps the products small
        y0, y1 = y0 - y_ref, y1 - y_ref
        lo, hi = np.minimum(x0, x1), np.maximum(x0, x1)
        y_lo = np.where(x0 <= x1, y0, y1)
        slope = (y1 - y0) / (x1 - x0)
        direction = np.sign(x1 - x0)
        t = np.clip(xs[None, :], lo[:, None], hi[:, None]) - lo[:, None]
        integral = t * y_lo[:, None] + slope[:, None] * t * t / 2
        np.add.at(out, erow, -direction[:, None] * integral)
    area = np.abs(np.diff(out, axis=1))
    return np.clip(area / abs(a * e), 0.0, 1.0)


def _coverage_geos(geom, st: Affine, nrows: int, ncols: int) -> np.ndarray:
    """As :func:`_coverage_north_up` for rotated grids: one GEOS intersection per cell."""
    rr, cc = np.mgrid[0:nrows, 0:ncols]
    corners = [st * (cc + dc, rr + dr) for dc, dr in ((0, 0), (1, 0), (1, 1), (0, 1))]
    rings = np.stack([np.stack(c, axis=-1) for c in corners], axis=-2).reshape(-1, 4, 2)
    cells = shapely.polygons(rings)
    area = shapely.area(shapely.intersection(geom, cells)) / abs(st.a * st.e - st.b * st.d)
    return np.clip(area.reshape(nrows, ncols), 0.0, 1.0)


def _zones_for(geoms: np.ndarray, raster: RasterSource) -> _Zones:
    digest = hashlib.sha1()
    for wkb in shapely.to_wkb(geoms):
        digest.update(wkb)
    key = (grid_key(raster), digest.hexdigest())
    zones = _LABEL_CACHE.get(key)
    if zones is None:
        zones = _Zones(geoms, raster)
        _LABEL_CACHE[key] = zones
        while len(_LABEL_CACHE) > _LABEL_CACHE_ENTRIES:
            _LABEL_CACHE.popitem(last=False)
    else:
        _LABEL_CACHE.move_to_end(key)
    return zones


def clear_label_cache() -> None:
    """Forget every rasterised label grid kept between calls."""
    _LABEL_CACHE.clear()


# ---------------------------------------------------------------------------------------------
# Accumulation
# ---------------------------------------------------------------------------------------------
def _raise_max(max_depth_m: np.ndarray, lab: np.ndarray, depth_m: np.ndarray) -> None:
    """``max_depth_m[lab] = max(max_depth_m[lab], depth_m)``, per polygon."""
    # ufunc.at takes its fast path only when the dtypes match (float64 on both sides), and
    # is still the slow step: give it only the cells above their polygon's maximum so far.
    above = depth_m > max_depth_m[lab]
    if above.any():
        np.maximum.at(max_depth_m, lab[above], depth_m[above])


def _bc(idx: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    return np.bincount(idx, weights=weights, minlength=n).astype(np.float64, copy=False)


def _accumulate(acc: ZonalStats, lab: np.ndarray, d: np.ndarray, wt: np.ndarray | None,
                area: float | np.ndarray, pop: np.ndarray | None, *, threshold_m: float,
                edges: np.ndarray, max_mask: np.ndarray | None = None,
                cells: np.ndarray | None = None) -> None:
    """Add one batch of cells (polygon ``lab``, depth ``d``, weight ``wt``) to ``acc``.

    ``cells`` (optional) is ``bincount(lab)``, known in advance for label windows.
    """
    n, k = acc.class_area_m2.shape
    scalar_area = np.isscalar(area)
    wa = (wt * area if wt is not None else (None if scalar_area else area))

    def take(mask, arr):
        return None if arr is None else arr[mask]

    def area_sum(mask_lab, w_sub):
        out = _bc(mask_lab, w_sub, n)
        return out * area if (w_sub is None and scalar_area) else out

    valid = ~np.isnan(d)
    all_valid = bool(valid.all())
    if cells is not None and wa is None and scalar_area:
        nod_cells = 0.0 if all_valid else _bc(lab[~valid], None, n)
        acc.observed_area_m2 += (cells - nod_cells) * area
        acc.nodata_area_m2 += nod_cells * area
    elif all_valid:
        acc.observed_area_m2 += area_sum(lab, wa)
    else:
        acc.observed_area_m2 += area_sum(lab[valid], take(valid, wa))
        nod = ~valid
        acc.nodata_area_m2 += area_sum(lab[nod], take(nod, wa))
    fl = d >= np.float32(threshold_m)
    lf, df = lab[fl], d[fl]
    pw = None if pop is None else (pop if wt is None else pop * wt)
    if pw is not None:
        acc.pop_total += _bc(lab, pw, n)
    if lf.size == 0:
        return
    waf = take(fl, wa)
    wtf = take(fl, wt)
    fin = np.isfinite(df)
    all_fin = bool(fin.all())
    if wtf is None and waf is None and scalar_area and all_fin:
        # One bincount gives the flooded count and the depth classes (bucket 0: below the
        # first edge).
        cls = lf * (k + 1)
        cls += class_index(df, edges)
        both = _bc(cls, None, n * (k + 1)).reshape(n, k + 1)
        counts = both.sum(axis=1)
        acc.flooded_cells += counts
        acc.flooded_area_m2 += counts * area
        acc.depth_area_m2 += counts * area
        df64 = df.astype(np.float64)
        acc.depth_sum_m3 += _bc(lf, df64, n) * area
        acc.class_area_m2 += both[:, 1:] * area
        if max_mask is None:
            _raise_max(acc.max_depth_m, lf, df64)
        else:
            _raise_max(acc.max_depth_m, lf[max_mask[fl]], df64[max_mask[fl]])
        if pw is not None:
            pf = pw[fl]
            acc.pop_flooded += _bc(lf, pf, n)
            acc.pop_class += _bc(cls, pf, n * (k + 1)).reshape(n, k + 1)[:, 1:]
        return
    counts = _bc(lf, wtf, n)
    acc.flooded_cells += counts
    fl_area = counts * area if (waf is None and scalar_area) else _bc(lf, waf, n)
    acc.flooded_area_m2 += fl_area
    if all_fin:
        lfin, dfin, wfin = lf, df, waf
        acc.depth_area_m2 += fl_area
    else:
        inf = ~fin
        acc.unknown_depth_area_m2 += area_sum(lf[inf], take(inf, waf))
        lfin, dfin, wfin = lf[fin], df[fin], take(fin, waf)
        acc.depth_area_m2 += area_sum(lfin, wfin)
    if wfin is None:
        acc.depth_sum_m3 += _bc(lfin, dfin, n) * area
    else:
        acc.depth_sum_m3 += _bc(lfin, wfin * dfin, n)
    mm = fin if max_mask is None else fin & max_mask[fl]
    if mm.any():
        _raise_max(acc.max_depth_m, lf[mm], df[mm].astype(np.float64))
    cls = class_index(dfin, edges).astype(np.intp) - 1
    inc = cls >= 0
    cidx = lfin[inc] * k + cls[inc]
    if wfin is None:
        acc.class_area_m2 += (_bc(cidx, None, n * k) * area).reshape(n, k)
    else:
        acc.class_area_m2 += _bc(cidx, wfin[inc], n * k).reshape(n, k)
    if pw is not None:
        pf = pw[fl]
        acc.pop_flooded += _bc(lf, pf, n)
        acc.pop_class += _bc(cidx, pf[fin][inc], n * k).reshape(n, k)


# ---------------------------------------------------------------------------------------------
# Population sampling
# ---------------------------------------------------------------------------------------------
class _PopSampler:
    """Samples a population raster at flood cell centres (density × flood cell area)."""

    def __init__(self, population: RasterSource, grid: RasterSource, ds):
        self.pop = population
        self.grid = grid
        self.ds = ds
        self.same = population.same_grid(grid)
        self.pop_area = cell_areas_m2(population)
        self.grid_area = cell_areas_m2(grid)
        self.transformer = None
        if population.crs != grid.crs:
            from pyproj import Transformer

            self.transformer = Transformer.from_crs(grid.crs, population.crs, always_xy=True)

    def sample(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        if self.same:
            r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
            vals = read_band(self.ds, Window(c0, r0, c1 - c0, r1 - r0),
                             nodata=self.pop.nodata, masked_value=0.0)
            return vals[rows - r0, cols - c0].astype(np.float64)
        x, y = self.grid.transform * (cols + 0.5, rows + 0.5)
        if self.transformer is not None:
            x, y = self.transformer.transform(x, y)
        pc, pr = ~self.pop.transform * (np.asarray(x), np.asarray(y))
        pr = np.floor(pr).astype(np.int64)
        pc = np.floor(pc).astype(np.int64)
        inside = (pr >= 0) & (pr < self.pop.height) & (pc >= 0) & (pc < self.pop.width)
        out = np.zeros(rows.size, dtype=np.float64)
        if not inside.any():
            return out
        ir, ic = pr[inside], pc[inside]
        r0, r1, c0, c1 = ir.min(), ir.max() + 1, ic.min(), ic.max() + 1
        vals = read_band(self.ds, Window(c0, r0, c1 - c0, r1 - r0), nodata=self.pop.nodata,
                         masked_value=0.0)
        pa = self.pop_area if np.isscalar(self.pop_area) else self.pop_area[ir]
        ga = self.grid_area if np.isscalar(self.grid_area) else self.grid_area[rows[inside]]
        out[inside] = vals[ir - r0, ic - c0] * (ga / pa)
        return out


def _prefetched(iterator):
    """Run ``iterator`` one step ahead in a worker thread (rasterise or read while we add)."""
    from concurrent.futures import ThreadPoolExecutor

    end = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crecida-prefetch") as pool:
        future = pool.submit(next, iterator, end)
        while True:
            item = future.result()
            if item is end:
                return
            future = pool.submit(next, iterator, end)
            yield item


# ---------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------
def zonal_flood_stats(
    geoms: Sequence | np.ndarray,
    scenarios: Sequence[FloodScenario],
    *,
    threshold_m: float | None = None,
    exact: bool = False,
    depth_classes_m: Sequence[float] | None = None,
    population: RasterSource | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[ZonalStats]:
    """Flooded area, depth and population per polygon, for scenarios sharing one grid.

    Parameters
    ----------
    geoms
        Polygons or multipolygons **already in the scenarios' CRS** (empty ones get zeros).
    scenarios
        Flood scenarios on the same grid (same CRS, transform and size).
    threshold_m
        A cell is flooded when its depth ≥ this (metres); ``settings.FLOOD_THRESHOLD_M``.
    exact
        Weight cells by their covered share instead of the centre-in rule.
    depth_classes_m
        Lower edges of the depth classes in metres, increasing; default the classes at
        ``threshold_m`` (:func:`geo.depth.depth_classes`), whose first edge is the threshold.
    population
        Optional population counts raster, sampled at the flood cell centres.
    progress
        Called as ``progress(done, total, message)`` after each window.

    Returns
    -------
    list of ZonalStats
        One per scenario, in order; areas in m².
    """
    if not scenarios:
        return []
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else float(threshold_m)
    edges = np.asarray(depth_classes(threshold_m).edges_m if depth_classes_m is None
                       else depth_classes_m, dtype=np.float64)
    grid = scenarios[0].raster
    for sc in scenarios[1:]:
        if not sc.raster.same_grid(grid):
            # A programming error, not a user's: every caller groups scenarios by grid_key
            # first (geo.exposure, geo.season), so it is not worded for planners.
            raise ValueError(f"scenario {sc.name} is not on the grid of {scenarios[0].name}")
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    accs = [ZonalStats.zeros(sc.name, n, edges.size) for sc in scenarios]
    ok = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    if not ok.any():
        return [a.finish() for a in accs]
    index = np.flatnonzero(ok)
    sub_geoms = geoms[index]
    m = sub_geoms.size
    zones = _zones_for(sub_geoms, grid)
    sub_accs = [ZonalStats.zeros(sc.name, m, edges.size) for sc in scenarios]
    area = cell_areas_m2(grid)
    total = len(raster_windows(grid.height, grid.width))
    done = 0
    with gdal_env(), contextlib.ExitStack() as stack:
        handles = [stack.enter_context(sc.raster.open()) for sc in scenarios]
        dems = [stack.enter_context(rasterio.open(sc.dem.path)) if sc.dem is not None else None
                for sc in scenarios]
        sampler = (_PopSampler(population, grid, stack.enter_context(population.open()))
                   if population is not None else None)
        # Keep the label windows only where even a fully covered grid fits the budget
        # (two 8-byte integers per labelled cell): memory must not grow with the raster.
        keep = grid.width * grid.height * 16 <= settings.LABEL_CACHE_BYTES

        def blocks(labelled):
            # One scenario's block at a time, so that memory does not grow with the number
            # of scenarios. Depth rasters come raw (cleaned later, only at the cells inside
            # polygons: the same result as FloodScenario.read_depth_from); other kinds as
            # depths.
            for wl in labelled:
                win = Window(wl.window.col_off + wl.sub.col_off,
                             wl.window.row_off + wl.sub.row_off, wl.sub.width, wl.sub.height)
                for j, (sc, ds, dem) in enumerate(zip(scenarios, handles, dems, strict=True)):
                    with gdal_env():
                        try:
                            block = (ds.read(1, window=win, out_dtype="float32")
                                     if sc.kind == "depth" else sc.read_depth_from(ds, win, dem))
                        except RasterioIOError as exc:  # a damaged block
                            raise read_failed(exc, label=sc.raster.label) from None
                    yield wl, win, j, block.ravel()

        # Three threads overlap: one rasterises polygons, one decodes the next block (with
        # GDAL's own decoding threads), and this one accumulates the current block.
        labelled = _prefetched(zones.iter_windows(exact=exact, keep=keep))
        for wl, win, j, block in _prefetched(blocks(labelled)):
            sc, acc = scenarios[j], sub_accs[j]
            if j == 0:
                sw, row0, col0 = int(wl.sub.width), int(win.row_off), int(win.col_off)
                has_corr = exact and wl.corr_flat.size > 0
                cell_area = area if np.isscalar(area) else area[wl.flat // sw + row0]
                corr_area = (area if np.isscalar(area) or not has_corr
                             else area[wl.corr_flat // sw + row0])
                pop = pop_c = None
                if sampler is not None:
                    pop = sampler.sample(wl.flat // sw + row0, wl.flat % sw + col0)
                    if has_corr:
                        pop_c = sampler.sample(wl.corr_flat // sw + row0,
                                               wl.corr_flat % sw + col0)
            if sc.kind == "depth":
                d = sc.depth_from_values(block[wl.flat])
                dc = sc.depth_from_values(block[wl.corr_flat]) if has_corr else None
            else:
                d = block[wl.flat]
                dc = block[wl.corr_flat] if has_corr else None
            del block
            _accumulate(acc, wl.label, d, None, cell_area, pop,
                        threshold_m=threshold_m, edges=edges, cells=wl.cells)
            if has_corr:
                _accumulate(acc, wl.corr_label, dc, wl.corr_delta, corr_area, pop_c,
                            threshold_m=threshold_m, edges=edges, max_mask=wl.corr_frac > 0)
            if j == len(scenarios) - 1:
                done += 1
                if progress is not None:
                    progress(done, total, grid.label)  # a name, no words: any language
    for acc, sub in zip(accs, sub_accs, strict=True):
        for name in ("observed_area_m2", "nodata_area_m2", "flooded_cells", "flooded_area_m2",
                     "depth_area_m2", "depth_sum_m3", "max_depth_m", "class_area_m2",
                     "unknown_depth_area_m2", "pop_total", "pop_flooded", "pop_class"):
            getattr(acc, name)[index] = getattr(sub, name)
    if progress is not None:
        progress(total, total, grid.label)
    return [a.finish() for a in accs]

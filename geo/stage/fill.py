"""The lowest river stage that reaches each cell: a priority flood from the river's cells.

Water at gauge stage ``S`` stands at ``S + datum_offset_m + slope × d`` over a cell (``d``, see
:func:`relief_m`); it covers the cell when that is at least the ground, i.e. when ``S`` is at
least the cell's *relief* ``dem − datum_offset_m − slope × d`` (the ground expressed as a gauge
reading). River water reaches a cell at stage ``S`` when an 8-neighbour path of cells whose
relief is ≤ ``S`` joins it to a seed cell (a river cell). The lowest such ``S`` — the cell's
*flooding stage* — is the smallest, over all paths from the seeds, of the highest relief on the
path: the classic fill / spill elevation of a priority flood. A cell in a closed depression
floods only when the water spills over the depression's lowest rim, all at once.

Centimetres
-----------
Stages are read to the centimetre (``settings.STAGE_STEP_M``), so the flood works on whole
centimetres: each relief is rounded *up* to the centimetre (a value within
``settings.STAGE_HEIGHT_TOLERANCE_M`` above a centimetre counts as that centimetre, which
absorbs float32 storage of decimal heights). Rounding up commutes with the min–max of the
flood, so a cell's flooding stage is its exact spill elevation rounded up to the centimetre,
and "wet at stage S" is exact for every stage given in whole centimetres.

Algorithm
---------
Cells are visited level by level (a bucket queue keyed on the centimetre) with NumPy doing each
level's work on arrays: the cells of the level that touch water become wet, then a
breadth-first search through cells at or below the level wets everything they join — the
inside of a depression filling over its rim included. Each cell is sorted once (a stable
counting sort in chunks) and examined a bounded number of times, so the cost grows with the
number of cells flooded (about 0.15 µs a cell, sort included, on one core of the team's VM;
see BENCHMARKS.md). Cells above ``max_stage_m`` are never entered: on a floodplain DEM most
cells are high ground, so a model built up to the highest stage of interest is 2–3 times
faster than one over the whole DEM.

Voids
-----
Cells without a height (the raster's nodata, NaN, and SRTM voids −32768 whatever the nodata)
have no flooding stage (NaN). With ``fill_voids`` a void region that does not touch the edge of
the grid lets water through at the lowest valid height on its rim (SRTM voids sit mostly over
water, whose surface is the lowest ground around); regions touching the edge (collars, areas
outside the survey) always block water. Either way the report counts them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from geo import settings
from geo.errors import InputError, Num, Problem
from geo.exposure import metres_per_unit  # the same metres per unit as the exposure engine
from geo.raster import RasterSource

__all__ = ["NEVER", "DemCheck", "flood_levels", "quantise", "relief_m"]

NEVER: int = 65535
"""Level of a cell the water never reaches (or that lies above the model's top): uint16 max."""

_MAX_LEVELS: int = 65534
"""Largest number of centimetre levels one model spans (655 m)."""

_EIGHT = np.ones((3, 3), dtype=bool)
_ROWS_PER_BLOCK = 1024
_SORT_CHUNK = 1 << 22
_DEDUPE_FROM = 512      # smaller fronts keep their duplicates: cheaper than removing them

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemCheck:
    """What was found in the DEM, for the report.

    Attributes
    ----------
    cells
        Cells in the grid.
    void_cells
        Cells without a height (nodata, NaN or SRTM −32768).
    srtm_void_cells
        Of those, cells holding −32768.
    filled_cells
        Void cells water may cross (regions inside the grid, with ``fill_voids``).
    blocked_cells
        Void cells that block water (regions touching the edge, or ``fill_voids=False``).
    clamped_cells
        Cells more than 655 m below the model's top, whose flooding stage is only known to be
        at most the model's bottom.
    min_m, max_m
        Lowest and highest valid DEM height (m), NaN when there is none.
    """

    cells: int
    void_cells: int
    srtm_void_cells: int
    filled_cells: int
    blocked_cells: int
    clamped_cells: int
    min_m: float
    max_m: float

    def notes(self) -> list[Problem]:
        """Notes for the report (keyed: read them with :func:`geo.errors.localise`)."""
        if math.isfinite(self.min_m) and math.isfinite(self.max_m):
            out = [Problem.keyed("stage_note_dem_heights", low=Num(self.min_m, decimals=2),
                                 high=Num(self.max_m, decimals=2), cells=Num(self.cells))]
        else:
            out = [Problem.keyed("stage_note_dem_no_height", cells=Num(self.cells))]
        if self.void_cells:
            counts = dict(voids=Num(self.void_cells), filled=Num(self.filled_cells),
                          blocked=Num(self.blocked_cells))
            if self.srtm_void_cells:
                out.append(Problem.keyed("stage_note_dem_voids_srtm",
                                         srtm=Num(self.srtm_void_cells), **counts))
            else:
                out.append(Problem.keyed("stage_note_dem_voids", **counts))
        if self.clamped_cells:
            out.append(Problem.keyed("stage_note_dem_clamped", cells=Num(self.clamped_cells)))
        return out


# ---------------------------------------------------------------------------------------------
# Relief: the ground as a gauge reading
# ---------------------------------------------------------------------------------------------
def relief_m(
    dem_m: np.ndarray,
    grid: RasterSource,
    *,
    datum_offset_m: float = 0.0,
    slope_cm_per_km: float = 0.0,
    gauge_xy: tuple[float, float] | None = None,
    downstream_azimuth_deg: float | None = None,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """The ground as a gauge reading, and where the DEM has no height.

    ``relief = dem − datum_offset_m − slope × d``: a cell is under water at gauge stage ``S``
    when ``S ≥ relief`` (and the water reaches it). The water-surface slope model is a plane
    or a cone through the gauge, kept simple on purpose: ``d`` is the straight-line distance
    (m) from the gauge to the cell centre — the gauge taken as the downstream end of the
    reach, the water rising ``slope_cm_per_km`` for each km away from it — or, with
    ``downstream_azimuth_deg``, the distance upstream of the gauge along that direction
    (negative downstream: the water falls past the gauge). It does not follow the river's
    bends. On a geographic grid distances use the metres per degree at the gauge.

    Parameters
    ----------
    dem_m
        Heights (m) in the DEM's vertical datum; any float or integer dtype.
    grid
        The DEM's grid (transform, CRS and nodata value; NaN and SRTM's −32768 are voids
        whatever the nodata).
    datum_offset_m
        Metres to add to a gauge reading to get the water's height in the DEM's datum.
    slope_cm_per_km, gauge_xy, downstream_azimuth_deg
        The water-surface slope (cm per km, ≥ 0), the gauge in the grid's CRS and the
        direction the river flows (degrees clockwise from north); ``gauge_xy`` is required
        when the slope is not 0.
    out
        A float32 array of the DEM's shape to write into (may be ``dem_m`` itself).

    Returns
    -------
    relief : numpy.ndarray
        float32 relief (m, gauge datum), NaN at voids.
    void : numpy.ndarray
        bool, True where the DEM has no height.
    srtm_voids : int
        How many of those hold SRTM's void value −32768.
    """
    slope = float(slope_cm_per_km)
    problems = []
    if not math.isfinite(slope):
        problems.append(Problem.keyed("stage_slope_not_finite"))
    elif slope < 0:
        problems.append(Problem.keyed("stage_slope_negative", value=Num(slope)))
    if not math.isfinite(float(datum_offset_m)):
        problems.append(Problem.keyed("stage_datum_not_finite"))
    if slope and gauge_xy is None:
        problems.append(Problem.keyed("stage_slope_needs_gauge"))
    if problems:
        raise InputError(problems)
    relief = np.empty(dem_m.shape, dtype=np.float32) if out is None else out
    void = np.zeros(dem_m.shape, dtype=bool)
    srtm_voids = 0
    for r0 in range(0, dem_m.shape[0], _ROWS_PER_BLOCK):
        rows = slice(r0, min(dem_m.shape[0], r0 + _ROWS_PER_BLOCK))
        block = dem_m[rows]
        bad = ~np.isfinite(block) if block.dtype.kind == "f" else np.zeros(block.shape, bool)
        srtm = block == settings.SRTM_VOID_VALUE
        srtm_voids += int(np.count_nonzero(srtm))
        bad |= srtm
        if grid.nodata is not None and not math.isnan(grid.nodata):
            bad |= block == grid.nodata
        void[rows] = bad
        values = block.astype(np.float32)
        if datum_offset_m:
            values -= np.float32(datum_offset_m)
        if slope:
            values -= (slope * 1e-5 * _distance_m(rows, grid, gauge_xy, downstream_azimuth_deg)
                       ).astype(np.float32)
        values[bad] = np.nan
        relief[rows] = values
    return relief, void, srtm_voids


def _distance_m(rows: slice, grid: RasterSource, gauge_xy: tuple[float, float],
                azimuth_deg: float | None) -> np.ndarray:
    """Distance (m) of the cell centres of ``rows`` from the gauge (see :func:`relief_m`)."""
    t = grid.transform
    r = np.arange(rows.start, rows.stop, dtype=np.float64)[:, None] + 0.5
    c = np.arange(grid.width, dtype=np.float64)[None, :] + 0.5
    x = t.a * c + t.b * r + t.c
    y = t.d * c + t.e * r + t.f
    mx, my = metres_per_unit(grid, np.array([float(gauge_xy[1])]))
    dx = (x - gauge_xy[0]) * float(mx[0])
    dy = (y - gauge_xy[1]) * float(my[0])
    if azimuth_deg is None:
        return np.hypot(dx, dy)
    az = math.radians(float(azimuth_deg))
    return -(dx * math.sin(az) + dy * math.cos(az))


# ---------------------------------------------------------------------------------------------
# Centimetre levels
# ---------------------------------------------------------------------------------------------
def ceil_cm(values_m: np.ndarray) -> np.ndarray:
    """Heights (m) rounded up to whole centimetres (int64), within the stated tolerance."""
    x = np.asarray(values_m, dtype=np.float64) * (1.0 / settings.STAGE_STEP_M)
    return np.ceil(x - settings.STAGE_HEIGHT_TOLERANCE_M / settings.STAGE_STEP_M
                   ).astype(np.int64)


def quantise(
    relief: np.ndarray,
    void: np.ndarray,
    *,
    max_stage_m: float | None = None,
    fill_voids: bool = True,
    srtm_voids: int = 0,
) -> tuple[np.ndarray, int, DemCheck]:
    """Centimetre levels of the relief, padded by one blocked cell, for :func:`flood_levels`.

    Parameters
    ----------
    relief, void
        From :func:`relief_m`.
    max_stage_m
        Highest stage the model must answer for (gauge datum): cells above it are never
        entered. ``None``: the highest ground.
    fill_voids
        Let water cross void regions that do not touch the grid's edge (module docstring).
    srtm_voids
        How many voids held −32768 (from :func:`relief_m`), for the report.

    Returns
    -------
    levels : numpy.ndarray
        uint16 ``(H + 2, W + 2)``: centimetres above ``base_cm``; :data:`NEVER` where water
        cannot enter (the padding, blocked voids, cells above the top).
    base_cm : int
        Absolute centimetre of level 0.
    check : DemCheck
    """
    h, w = relief.shape
    lo = float(np.nanmin(relief)) if (~void).any() else math.nan
    hi = float(np.nanmax(relief)) if (~void).any() else math.nan
    fills = _void_fills(relief, void) if fill_voids and void.any() else {}
    fill_values = [v for _, v in fills.values()]
    if math.isnan(lo):
        base_cm, top_cm = 0, 0
    else:
        base_cm = int(ceil_cm(min([lo, *fill_values])))
        top_cm = int(ceil_cm(max([hi, *fill_values])))
    if max_stage_m is not None:
        top_cm = min(top_cm, round(float(max_stage_m) / settings.STAGE_STEP_M))
    base_cm = max(base_cm, top_cm - _MAX_LEVELS + 1)
    levels = np.full((h + 2, w + 2), NEVER, dtype=np.uint16)
    clamped = 0
    span = top_cm - base_cm
    for r0 in range(0, h, _ROWS_PER_BLOCK):
        r1 = min(h, r0 + _ROWS_PER_BLOCK)
        bad = void[r0:r1]
        x = relief[r0:r1].astype(np.float64)      # in place from here: one temporary
        x *= 1.0 / settings.STAGE_STEP_M
        x -= settings.STAGE_HEIGHT_TOLERANCE_M / settings.STAGE_STEP_M + base_cm
        np.ceil(x, out=x)
        below = x < 0
        clamped += int(np.count_nonzero(below))
        x[below] = 0
        x[(x > span) | bad] = NEVER
        levels[r0 + 1:r1 + 1, 1:-1] = x
    filled = 0
    for cells, value in fills.values():
        lv = int(ceil_cm(value)) - base_cm
        if lv <= top_cm - base_cm:
            levels[cells[0] + 1, cells[1] + 1] = max(lv, 0)
        filled += cells[0].size
    n_void = int(np.count_nonzero(void))
    check = DemCheck(
        cells=h * w,
        void_cells=n_void,
        srtm_void_cells=srtm_voids,
        filled_cells=filled,
        blocked_cells=n_void - filled,
        clamped_cells=clamped,
        min_m=lo,
        max_m=hi,
    )
    return levels, base_cm, check


def _void_fills(relief: np.ndarray, void: np.ndarray) -> dict[int, tuple[tuple, float]]:
    """Void regions inside the grid → (their cells, the lowest valid relief on their rim)."""
    labels, _ = ndimage.label(void, structure=_EIGHT)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    out: dict[int, tuple[tuple, float]] = {}
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if k in edge or sl is None:
            continue
        grown = tuple(slice(max(0, s.start - 1), s.stop + 1) for s in sl)
        region = labels[grown] == k
        rim = ndimage.binary_dilation(region, structure=_EIGHT) & ~void[grown]
        if not rim.any():
            continue
        rr, cc = np.nonzero(region)
        out[k] = ((rr + grown[0].start, cc + grown[1].start), float(relief[grown][rim].min()))
    return out


# ---------------------------------------------------------------------------------------------
# The flood
# ---------------------------------------------------------------------------------------------
def _level_order(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells (flat indices) sorted by level, stably, and where each level starts.

    A counting sort in chunks: no int64 copy of the whole grid is made.
    """
    counts = np.zeros(NEVER + 1, dtype=np.int64)
    for c0 in range(0, flat.size, _SORT_CHUNK):
        counts += np.bincount(flat[c0:c0 + _SORT_CHUNK], minlength=NEVER + 1)
    counts[NEVER] = 0
    starts = np.zeros(NEVER + 2, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    index_type = np.int32 if flat.size < 2**31 else np.int64
    order = np.empty(int(starts[-1]), dtype=index_type)
    cursor = starts[:-1].copy()
    for c0 in range(0, flat.size, _SORT_CHUNK):
        chunk = flat[c0:c0 + _SORT_CHUNK]
        idx = np.flatnonzero(chunk != NEVER)
        if idx.size == 0:
            continue
        lv = chunk[idx]
        by_level = np.argsort(lv, kind="stable")
        lv_sorted = lv[by_level]
        chunk_counts = np.bincount(lv_sorted, minlength=NEVER + 1)
        chunk_starts = np.cumsum(chunk_counts) - chunk_counts
        rank = np.arange(idx.size, dtype=np.int64) - chunk_starts[lv_sorted]
        order[cursor[lv_sorted] + rank] = (idx[by_level] + c0).astype(index_type)
        cursor += chunk_counts
    return order, starts


def flood_levels(levels: np.ndarray, seeds: np.ndarray, *,
                 progress: Progress | None = None) -> np.ndarray:
    """The level at which water from the seeds first reaches each cell (priority flood).

    Parameters
    ----------
    levels
        uint16 ``(H + 2, W + 2)`` from :func:`quantise`: the border and blocked cells hold
        :data:`NEVER`. Overwritten (it marks the cells already wet).
    seeds
        bool ``(H, W)``: the river's cells. A seed is wet once the stage reaches its level.
    progress
        Called as ``progress(done, total, message)`` about every 200 levels.

    Returns
    -------
    numpy.ndarray
        uint16 ``(H, W)``: the flooding level of each cell, :data:`NEVER` where the water
        never comes (blocked, above the top, or cut off from every seed).
    """
    hp, wp = levels.shape
    flat = levels.reshape(-1)
    order, starts = _level_order(flat)
    found = np.zeros(flat.size, dtype=bool)          # touches water: wet once its level comes
    found.reshape(hp, wp)[1:-1, 1:-1] = seeds
    out = np.full(flat.size, NEVER, dtype=np.uint16)
    offsets = np.array([-wp - 1, -wp, -wp + 1, -1, 1, wp - 1, wp, wp + 1], dtype=order.dtype)
    stamp = np.arange(NEVER, dtype=np.uint16)
    present = np.flatnonzero(starts[1:] > starts[:-1])
    for i, level in enumerate(present.tolist()):
        if progress is not None and i % 200 == 0:
            progress(i, present.size, "")  # the bar says how far; no words to translate
        cells = order[starts[level]:starts[level + 1]]
        front = cells[found[cells]]
        lv = np.uint16(level)
        flat[front] = NEVER          # wet: never entered again
        out[front] = lv
        while front.size:
            nb = (front[:, None] + offsets).reshape(-1)
            # Every neighbour now touches water: higher ones wait for their level; for the
            # others (wet, blocked, or wetted just below) the mark is never read.
            found[nb] = True
            nb = nb[flat[nb] <= lv]
            if _DEDUPE_FROM <= nb.size < NEVER:
                # Keep one copy of each cell: the copy whose stamp survives the scatter.
                out[nb] = stamp[:nb.size]
                nb = nb[out[nb] == stamp[:nb.size]]
            elif nb.size >= NEVER:
                nb = np.unique(nb)
            flat[nb] = NEVER
            out[nb] = lv
            front = nb
    if progress is not None:
        progress(present.size, present.size, "flooding stage")
    return out.reshape(hp, wp)[1:-1, 1:-1]

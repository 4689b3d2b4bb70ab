"""A flood season: many dated extents (one per satellite pass) summed up per community,
centre and district.

Input: a series of dated flood rasters (:class:`SeasonExtent`, e.g. the GFM extent of each
day), the communities (polygons, with ``population`` and ``district`` when known) and the
collective centres (points). The extents are tasks on :mod:`geo.distributed`: extents on one
grid go in small batches (``settings.SEASON_BATCH_EXTENTS`` at most, about four tasks per
worker) that list the communities' cells once, and a big extent is split in tiles of
communities; each task returns a few numbers per community, centre and day, never a raster,
and the season is reduced from those.

The rule for a day (one extent)
-------------------------------
For a **community**, its cells are those whose centre lies in its polygon (as in
:mod:`geo.exposure`). Its *observed area* is the area of those cells that have data; cells
with no data (nodata, NaN — e.g. the radar's exclusion mask) and the part of the polygon
outside the extent are **not observed**.

- **unobserved** when its observed area is 0 — the day is counted in ``days_unobserved``,
  never as dry;
- **flooded** when the flooded area (depth ≥ the threshold) is at least
  ``settings.SEASON_WET_SHARE`` (one half) of its *observed* area;
- **dry** otherwise.

For a **centre**: unobserved when the cell under the site has no data or lies outside the
extent; flooded when its depth ≥ the threshold; dry otherwise.

Per community the season gives ``days_flooded``, ``days_dry``, ``days_unobserved``,
``first_flooded`` / ``last_flooded`` (ISO dates), ``longest_spell_days`` (the most flooded
days in a row — an unobserved day inside a spell neither breaks it nor adds to it; a dry day
breaks it), ``peak_flooded_share`` (the largest flooded ÷ observed area over observed days)
and ``peak_date``; per centre ``days_flooded``, ``days_dry``, ``days_unobserved``,
``first_flooded``, ``last_flooded``; per district and date ``population_exposed`` (Σ
population × flooded share of its observed communities, as ``pop_exposed`` in
:mod:`geo.exposure`), ``population_unobserved`` (population of its unobserved communities)
and the number of communities flooded / unobserved. "Days" count extents: one per date;
two extents on the same date are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.windows import Window

from geo import settings
from geo.distributed import Executor, executor
from geo.errors import InputError, Num, Problem, Term
from geo.flood import FloodScenario
from geo.raster import gdal_env
from geo.schema import district_names
from geo.zonal import geometry_areas_m2, grid_key, zonal_flood_stats

__all__ = [
    "SEASON_LAYERS",
    "SeasonExtent",
    "SeasonResult",
    "date_from_name",
    "open_season",
    "parse_date",
    "season",
    "season_figure",
    "season_sources",
]

Progress = Callable[[int, int, str], None]

#: Layers a season writes, in order.
SEASON_LAYERS: tuple[str, ...] = ("communities_season", "centres_season", "district_timeline")

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")

#: States of a community or centre on one day.
FLOODED, DRY, UNOBSERVED = 1, 0, -1


@dataclass(frozen=True)
class SeasonExtent:
    """One dated flood extent of a season.

    Attributes
    ----------
    date
        The day the extent shows.
    scenario
        Its raster as a flood scenario (depth, 0/1 extent or water level).
    """

    date: dt.date
    scenario: FloodScenario


# ---------------------------------------------------------------------------------------------
# Finding the extents of a season
# ---------------------------------------------------------------------------------------------
def parse_date(text: str, *, source: str = "", row: int | None = None) -> dt.date:
    """``YYYY-MM-DD`` or ``YYYYMMDD`` as a date (``source`` and ``row`` say where it was read,
    for the problem).

    Raises
    ------
    InputError
        Not such a date.
    """
    m = _DATE_IN_NAME.fullmatch(text.strip())
    try:
        if m is None:
            raise ValueError(text)
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise InputError(Problem.keyed("season_not_a_date", source=source or None, row=row,
                                       text=text)) from None


def date_from_name(name: str) -> dt.date | None:
    """The first ``YYYY-MM-DD`` or ``YYYYMMDD`` date in a file name, or ``None``."""
    for m in _DATE_IN_NAME.finditer(name):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
    return None


def season_sources(specs: Sequence[str]) -> list[tuple[dt.date, Path]]:
    """The dated files of a season, from the ``--flood`` arguments of ``python -m geo season``.

    Each spec is one of: ``DATE=PATH``; a folder (every raster in it whose name holds a
    date); a glob pattern (``gfm/*_flood_*.tif``); a CSV file with ``date,path`` rows (a
    header row is allowed; relative paths are relative to the CSV). Sorted by date.

    Raises
    ------
    InputError
        Every problem found: a spec that matches nothing, a name without a date, a date given
        twice, a file that does not exist.
    """
    from geo.raster import RASTER_SUFFIXES

    problems: list[Problem] = []
    found: list[tuple[dt.date, Path, str, int | None]] = []  # date, file, where: spec, row

    def add_named(path: Path, origin: str) -> None:
        day = date_from_name(path.name)
        if day is None:
            problems.append(Problem.keyed("season_no_date_in_name", source=origin,
                                          name=path.name))
        else:
            found.append((day, path, origin, None))

    for spec in specs:
        name, sep, rest = spec.partition("=")
        if sep and _DATE_IN_NAME.fullmatch(name.strip()):
            found.append((parse_date(name, source=spec), Path(rest), spec, None))
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in RASTER_SUFFIXES)
            if not files:
                problems.append(Problem.keyed("season_folder_no_raster", source=spec))
            for f in files:
                add_named(f, spec)
        elif path.suffix.lower() == ".csv" and path.is_file():
            found.extend(_csv_rows(path, problems))
        elif any(ch in spec for ch in "*?["):
            files = sorted(Path(p) for p in _glob(spec))
            if not files:
                problems.append(Problem.keyed("season_pattern_no_match", source=spec))
            for f in files:
                add_named(f, spec)
        else:
            add_named(path, spec)
    seen: dict[dt.date, str] = {}
    for day, path, origin, row in found:
        if day in seen:
            problems.append(Problem.keyed("season_duplicate_date", source=origin, row=row,
                                          date=day.isoformat(), other=seen[day]))
        seen[day] = str(path)
        if not path.exists():
            problems.append(Problem.keyed("season_file_missing", source=origin, row=row,
                                          path=str(path)))
    if not found and not problems:
        problems.append(Problem.keyed("season_no_sources"))
    if problems:
        raise InputError(problems)
    return sorted(((d, p) for d, p, _, _ in found), key=lambda item: item[0])


def open_season(sources: Sequence[tuple[dt.date, str | Path]], *, kind: str | None = None,
                dem=None) -> tuple[list[SeasonExtent], list[Problem]]:
    """Open dated rasters as a season's extents, and say what was assumed.

    ``kind`` (depth, extent, water_level) applies to every extent; when ``None`` it is
    guessed once, from the first extent (:func:`geo.flood.guess_kind`), and used for all:
    the files of one season come from one product. ``dem`` is needed for water levels.
    """
    from geo.flood import guess_kind, open_flood
    from geo.raster import open_raster

    notes: list[Problem] = []
    if not sources:
        raise InputError(Problem.keyed("season_no_extent"))
    if kind is None:
        first = Path(sources[0][1])
        kind = guess_kind(open_raster(first), hint=first.name)
        notes.append(Problem.keyed("season_note_kind_guessed", kind=Term(f"report.kind_{kind}"),
                                   file=first.name))
    extents = [SeasonExtent(day, open_flood(path, name=day.isoformat(), kind=kind, dem=dem))
               for day, path in sources]
    return extents, notes


def _glob(pattern: str) -> list[str]:
    import glob

    return glob.glob(pattern)


def _csv_rows(path: Path, problems: list[Problem]
              ) -> list[tuple[dt.date, Path, str, int | None]]:
    """The ``date,path`` rows of a CSV file: (date, path, file name, data row), the header
    row (a first row whose first cell is not a date) not counted."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    header = bool(lines) and len(lines[0]) >= 2 and \
        _DATE_IN_NAME.fullmatch(lines[0][0].strip()) is None
    rows = []
    for i, row in enumerate(lines[1:] if header else lines, start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            problems.append(Problem.keyed("season_csv_row_short", source=path.name, row=i))
            continue
        text, file = row[0].strip(), row[1].strip()
        try:
            day = parse_date(text, source=path.name, row=i)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        file_path = Path(file)
        rows.append((day, file_path if file_path.is_absolute() else path.parent / file_path,
                     path.name, i))
    return rows


# ---------------------------------------------------------------------------------------------
# One extent (one task)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Task:
    days: tuple[int, ...]         # positions of the extents in the season (one grid)
    scenarios: tuple[FloodScenario, ...]
    crs_key: str                  # which reprojected copy of the communities it uses
    communities: np.ndarray       # indices of the communities of this tile
    centres: np.ndarray           # indices of the centres of this tile


def _run_task(task: _Task, geoms: dict[str, np.ndarray], sites: dict[str, np.ndarray],
              threshold_m: float) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray,
                                               np.ndarray, np.ndarray]]:
    """Observed and flooded area of the tile's communities, and the state of its centres,
    for each extent of the task (extents of one grid: their cells are listed once).

    Runs on a worker: it reads the extents' rasters itself and sends back only arrays of one
    number per community and centre.
    """
    n = task.communities.size
    if n:
        stats = zonal_flood_stats(geoms[task.crs_key][task.communities], list(task.scenarios),
                                  threshold_m=threshold_m)
        areas = [(st.observed_area_m2, st.flooded_area_m2) for st in stats]
    else:
        areas = [(np.zeros(0), np.zeros(0))] * len(task.scenarios)
    xy = sites[task.crs_key][task.centres]
    out = []
    for day, sc, (obs, wet) in zip(task.days, task.scenarios, areas, strict=True):
        states = _site_states(sc, xy[:, 0], xy[:, 1], threshold_m=threshold_m)
        out.append((day, task.communities, obs, wet, task.centres, states))
    return out


def _site_states(scenario: FloodScenario, x: np.ndarray, y: np.ndarray, *,
                 threshold_m: float) -> np.ndarray:
    """FLOODED / DRY / UNOBSERVED at each site (coordinates in the raster's CRS), with the
    scenario's own reading rule (:meth:`FloodScenario.read_depth_from`), one small read per
    block that holds sites."""
    out = np.full(x.size, UNOBSERVED, dtype=np.int8)
    if x.size == 0:
        return out
    r = scenario.raster
    ok = np.isfinite(x) & np.isfinite(y)
    colf, rowf = ~r.transform * (np.where(ok, x, 0.0), np.where(ok, y, 0.0))
    col = np.floor(np.asarray(colf, dtype=np.float64)).astype(np.int64)
    row = np.floor(np.asarray(rowf, dtype=np.float64)).astype(np.int64)
    ok &= (col >= 0) & (col < r.width) & (row >= 0) & (row < r.height)
    if not ok.any():
        return out
    import rasterio

    with gdal_env(), r.open() as ds:
        dem = rasterio.open(scenario.dem.path) if scenario.dem is not None else None
        try:
            bh, bw = ds.block_shapes[0]
            key = (row // bh) * (r.width // bw + 1) + col // bw
            idx = np.flatnonzero(ok)
            order = idx[np.argsort(key[idx], kind="stable")]
            bounds = np.flatnonzero(np.diff(key[order])) + 1
            for group in np.split(order, bounds):
                # the box of the block's sites (GDAL decodes the block once; only these
                # cells are converted to depths)
                r0, c0 = int(row[group].min()), int(col[group].min())
                win = Window(c0, r0, int(col[group].max()) - c0 + 1,
                             int(row[group].max()) - r0 + 1)
                depth = scenario.read_depth_from(ds, win, dem)[row[group] - r0, col[group] - c0]
                out[group] = np.where(np.isnan(depth), UNOBSERVED,
                                      np.where(depth >= np.float32(threshold_m), FLOODED, DRY))
        finally:
            if dem is not None:
                dem.close()
    return out


# ---------------------------------------------------------------------------------------------
# The season
# ---------------------------------------------------------------------------------------------
@dataclass
class SeasonResult:
    """A season summed up (EPSG:4326 geometries).

    Attributes
    ----------
    communities
        ``communities_season``: one row per community, its input columns and the season's
        figures (module docstring).
    centres
        ``centres_season``: one row per centre.
    timeline
        ``district_timeline``: one row per district and date — ``date``, ``district``,
        ``communities``, ``communities_flooded``, ``communities_unobserved``,
        ``population``, ``population_exposed``, ``population_unobserved``.
    daily
        One row per community and date: ``community_id``, ``date``, ``state`` (flooded, dry,
        unobserved), ``flooded_share`` (NaN when unobserved), ``observed_share`` (observed ÷
        polygon area): what a map of one day shows.
    dates
        The dates of the season, in order.
    notes
        What was assumed.
    tasks
        How many tasks the scheduler ran.
    """

    communities: gpd.GeoDataFrame
    centres: gpd.GeoDataFrame
    timeline: pd.DataFrame
    daily: pd.DataFrame
    dates: list[dt.date]
    notes: list[Problem | str] = field(default_factory=list)
    tasks: int = 0

    def layers(self) -> dict[str, pd.DataFrame]:
        """The layers to write, by :data:`SEASON_LAYERS` names."""
        return {"communities_season": self.communities, "centres_season": self.centres,
                "district_timeline": self.timeline}

    def day(self, date: dt.date) -> gpd.GeoDataFrame:
        """The communities on one date: geometry, ``state``, ``flooded_share``."""
        rows = self.daily[self.daily["date"] == date.isoformat()].reset_index(drop=True)
        out = self.communities[["community_id", self.communities.geometry.name]].copy()
        out = out.reset_index(drop=True)
        for col in ("state", "flooded_share", "observed_share"):
            out[col] = rows[col].to_numpy()
        return out


def _points_xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    pts = np.where(missing, shapely.Point(np.nan, np.nan), geoms)
    not_point = ~missing & (shapely.get_type_id(pts) != 0)
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(pts[not_point])
    return np.c_[shapely.get_x(pts), shapely.get_y(pts)]


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Polygonal parts only (lines and points dropped); ``None`` where nothing is left."""
    out = geoms.copy()
    types = shapely.get_type_id(np.where(shapely.is_missing(geoms), shapely.Point(), geoms))
    mixed = np.flatnonzero(~np.isin(types, (3, 6)))
    for i in mixed.tolist():  # only collections and non-polygons: few
        g = geoms[i]
        parts = ([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
                 if g is not None and not g.is_empty else [])
        out[i] = shapely.union_all(parts) if parts else None
    return out


def _tiles(extent: SeasonExtent, xy_comm: np.ndarray, xy_cent: np.ndarray, n_comm: np.ndarray,
           n_cent: np.ndarray, tile_cells: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Communities and centres split by tiles of ``tile_cells`` × ``tile_cells`` cells of the
    extent's grid (by their representative point); one tile when the extent is smaller."""
    r = extent.scenario.raster
    if max(r.width, r.height) <= tile_cells:
        return [(n_comm, n_cent)]

    def tile_of(xy: np.ndarray) -> np.ndarray:
        if xy.size == 0:
            return np.zeros(0, dtype=np.int64)
        c, rr = ~r.transform * (xy[:, 0], xy[:, 1])
        c = np.clip(np.nan_to_num(np.asarray(c) // tile_cells, nan=0), 0, r.width // tile_cells)
        rr = np.clip(np.nan_to_num(np.asarray(rr) // tile_cells, nan=0), 0,
                     r.height // tile_cells)
        return (rr * (r.width // tile_cells + 1) + c).astype(np.int64)

    tc, tp = tile_of(xy_comm[n_comm]), tile_of(xy_cent[n_cent])
    keys = np.union1d(tc, tp)
    return [(n_comm[tc == k], n_cent[tp == k]) for k in keys.tolist()]


def season(
    extents: Sequence[SeasonExtent],
    communities: gpd.GeoDataFrame | None,
    centres: gpd.GeoDataFrame | None = None,
    *,
    threshold_m: float | None = None,
    wet_share: float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    tile_cells: int | None = None,
    progress: Progress | None = None,
    run: Executor | None = None,
) -> SeasonResult:
    """Days flooded, spells and a district timeline over a series of dated extents.

    Parameters
    ----------
    extents
        The season, one extent per date (any order; sorted here). Each may have its own CRS
        and grid: the vectors are reprojected to each raster, never the reverse.
    communities
        Polygons in any CRS; ``community_id``, ``name``, ``district`` and ``population``
        columns are used when present (population in persons).
    centres
        Points in any CRS (other geometries use a point on their surface).
    threshold_m
        Flooded at depth ≥ this (m); ``settings.FLOOD_THRESHOLD_M``.
    wet_share
        Share of a community's observed area that must be flooded for the day to count;
        ``settings.SEASON_WET_SHARE``.
    workers, scheduler
        Where the tasks run (:func:`geo.distributed.executor`): ``scheduler`` is an address
        of an existing Dask cluster, ``"synchronous"`` (in this process, no cluster), or
        ``None`` for a local cluster of ``workers`` processes (default: one per CPU).
    tile_cells
        Extents wider or taller than this many cells are split in tiles of communities, one
        task each; ``settings.SEASON_TILE_CELLS``. The result does not depend on the tiling,
        the batching or where the tasks run.
    progress
        Called as ``progress(done, total, message)`` as tasks finish.
    run
        An executor already open (then ``workers`` and ``scheduler`` are ignored).

    Returns
    -------
    SeasonResult

    Raises
    ------
    InputError
        No extent, two extents on one date, a wet share outside (0, 1], layers without a
        CRS, or (from :func:`geo.distributed.executor`) a cluster that cannot be had.
    """
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else float(threshold_m)
    wet_share = settings.SEASON_WET_SHARE if wet_share is None else float(wet_share)
    tile_cells = int(settings.SEASON_TILE_CELLS if tile_cells is None else tile_cells)
    if not 0 < wet_share <= 1:
        raise InputError(Problem.keyed("season_wet_share_range", value=Num(wet_share),
                                       example=Num(0.5)))
    extents = sorted(extents, key=lambda e: e.date)
    if not extents:
        raise InputError(Problem.keyed("season_no_extent"))
    dates = [e.date for e in extents]
    dup = sorted({d for d in dates if dates.count(d) > 1})
    if dup:
        raise InputError(Problem.keyed("season_duplicate_dates",
                                       dates=", ".join(d.isoformat() for d in dup)))
    communities = _frame(communities, "communities")
    centres = _frame(centres, "centres")
    no_crs = [Problem.keyed("season_layer_no_crs", layer=Term(f"word.{what}"))
              for what, frame in (("communities", communities), ("centres", centres))
              if frame.crs is None]
    if no_crs:
        raise InputError(no_crs)
    notes: list[Problem | str] = []
    # Communities and centres in each extent's CRS (once per CRS), polygon areas in m².
    geoms: dict[str, np.ndarray] = {}
    sites: dict[str, np.ndarray] = {}
    xy_comm: dict[str, np.ndarray] = {}
    area_m2 = None
    for e in extents:
        key = e.scenario.raster.crs.to_wkt()
        if key in geoms:
            continue
        g = _polygonal(communities.geometry.to_crs(e.scenario.raster.crs).to_numpy())
        geoms[key] = g
        sites[key] = _points_xy(centres.to_crs(e.scenario.raster.crs))
        xy_comm[key] = (_points_xy(gpd.GeoDataFrame(geometry=shapely.point_on_surface(
            np.where(shapely.is_missing(g), shapely.Point(), g)))) if len(g)
            else np.zeros((0, 2)))
        if area_m2 is None:
            area_m2 = geometry_areas_m2(g, e.scenario.raster.crs)
        if len(geoms) == 2:
            notes.append(Problem.keyed("season_note_crs"))
    n, m, days = len(communities), len(centres), len(extents)
    area_m2 = np.zeros(n) if area_m2 is None else area_m2
    all_comm, all_cent = np.arange(n), np.arange(m)

    def plan(workers: int) -> list[_Task]:
        # Extents of one grid go in batches (their cells are listed once per batch): about
        # four tasks per worker, so that every worker stays busy to the end.
        by_grid: dict[tuple, list[int]] = {}
        for k, e in enumerate(extents):
            by_grid.setdefault(grid_key(e.scenario.raster), []).append(k)
        size = max(1, min(settings.SEASON_BATCH_EXTENTS,
                          -(-days // (4 * max(1, workers)))))
        tasks = []
        for members in by_grid.values():
            e0 = extents[members[0]]
            key = e0.scenario.raster.crs.to_wkt()
            tiles = _tiles(e0, xy_comm[key], sites[key], all_comm, all_cent, tile_cells)
            for b in range(0, len(members), size):
                batch = members[b:b + size]
                for cidx, pidx in tiles:
                    tasks.append(_Task(tuple(batch), tuple(extents[k].scenario for k in batch),
                                       key, cidx, pidx))
        return tasks

    observed = np.zeros((days, n))
    flooded = np.zeros((days, n))
    centre_state = np.full((days, m), UNOBSERVED, dtype=np.int8)
    with contextlib.ExitStack() as stack:
        ex = run if run is not None else stack.enter_context(
            executor(workers=workers, scheduler=scheduler))
        tasks = plan(ex.workers)
        results = ex.map(_run_task, tasks, shared={"geoms": geoms, "sites": sites},
                         threshold_m=threshold_m, progress=progress, desc="season")
    for day, cidx, obs, wet, pidx, states in (r for batch in results for r in batch):
        observed[day, cidx] = obs
        flooded[day, cidx] = wet
        centre_state[day, pidx] = states
    grids = {grid_key(e.scenario.raster) for e in extents}
    notes.append(Problem.keyed("season_note_tasks", days=Num(days), grids=Num(len(grids)),
                               tasks=Num(len(tasks)), wet_share=Num(wet_share),
                               threshold_m=Num(threshold_m)))
    return _reduce(communities, centres, dates, observed, flooded, centre_state, area_m2,
                   wet_share=wet_share, notes=notes, tasks=len(tasks))


def _frame(frame: gpd.GeoDataFrame | None, what: str) -> gpd.GeoDataFrame:
    if frame is None:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=settings.DISPLAY_CRS))
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(Problem.keyed("season_not_a_layer", layer=Term(f"word.{what}")))
    return frame.reset_index(drop=True)


def _dates_at(dates: np.ndarray, idx: np.ndarray, has: np.ndarray) -> np.ndarray:
    """ISO dates at ``idx`` where ``has``, else ``None``."""
    out = np.full(idx.shape, None, dtype=object)
    out[has] = dates[idx[has]]
    return out


def _first_last(mask: np.ndarray, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last date where ``mask`` (days × items) holds, per item."""
    has = mask.any(axis=0)
    first = np.argmax(mask, axis=0)
    last = mask.shape[0] - 1 - np.argmax(mask[::-1], axis=0)
    return _dates_at(dates, first, has), _dates_at(dates, last, has)


def _longest_spells(state: np.ndarray) -> np.ndarray:
    """Most flooded days in a row per item; unobserved days neither break nor extend a spell,
    dry days break it. ``state`` is days × items."""
    days, n = state.shape
    if days == 0 or n == 0:
        return np.zeros(n, dtype=np.int64)
    breaks = np.cumsum(state == DRY, axis=0)           # spell number of each day
    fl_day, fl_item = np.nonzero(state == FLOODED)
    key = fl_item * (days + 1) + breaks[fl_day, fl_item]
    counts = np.bincount(key, minlength=n * (days + 1)).reshape(n, days + 1)
    return counts.max(axis=1).astype(np.int64)


def _reduce(communities: gpd.GeoDataFrame, centres: gpd.GeoDataFrame, dates: list[dt.date],
            observed: np.ndarray, flooded: np.ndarray, centre_state: np.ndarray,
            area_m2: np.ndarray, *, wet_share: float, notes: list[Problem | str],
            tasks: int) -> SeasonResult:
    """The season's tables from the days × items arrays (no loop over items or days)."""
    iso = np.asarray([d.isoformat() for d in dates], dtype=object)
    days, n = observed.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(observed > 0, flooded / observed, np.nan)
        observed_share = np.where(area_m2 > 0, observed / area_m2, np.nan)
    seen = observed > 0
    # wet ≥ wet_share × observed, written without a division
    wet = seen & (flooded >= wet_share * observed)
    state = np.where(~seen, UNOBSERVED, np.where(wet, FLOODED, DRY)).astype(np.int8)

    comm = communities.copy()
    comm["days_total"] = np.full(n, days, dtype=np.int64)
    comm["days_flooded"] = (state == FLOODED).sum(axis=0).astype(np.int64)
    comm["days_dry"] = (state == DRY).sum(axis=0).astype(np.int64)
    comm["days_unobserved"] = (state == UNOBSERVED).sum(axis=0).astype(np.int64)
    first, last = _first_last(state == FLOODED, iso)
    comm["first_flooded"] = pd.Series(first, dtype="str")
    comm["last_flooded"] = pd.Series(last, dtype="str")
    comm["longest_spell_days"] = _longest_spells(state)
    any_seen = seen.any(axis=0)
    filled = np.where(seen, share, -1.0)
    peak_idx = np.argmax(filled, axis=0) if days else np.zeros(n, dtype=np.int64)
    comm["peak_flooded_share"] = np.where(any_seen, filled.max(axis=0) if days else np.nan,
                                          np.nan)
    comm["peak_date"] = pd.Series(_dates_at(iso, peak_idx, any_seen), dtype="str")
    comm = _last_geometry(comm.to_crs(settings.DISPLAY_CRS))

    cen = centres.copy()
    m = centre_state.shape[1]
    cen["days_total"] = np.full(m, days, dtype=np.int64)
    for name, value in (("days_flooded", FLOODED), ("days_dry", DRY),
                        ("days_unobserved", UNOBSERVED)):
        cen[name] = (centre_state == value).sum(axis=0).astype(np.int64)
    first, last = _first_last(centre_state == FLOODED, iso)
    cen["first_flooded"] = pd.Series(first, dtype="str")
    cen["last_flooded"] = pd.Series(last, dtype="str")
    cen = _last_geometry(cen.to_crs(settings.DISPLAY_CRS))

    ids = (communities["community_id"].astype("str").to_numpy() if "community_id"
           in communities.columns else np.asarray([str(i) for i in range(n)], dtype=object))
    daily = pd.DataFrame({
        "community_id": pd.Series(np.tile(ids, days), dtype="str"),
        "date": pd.Series(np.repeat(iso, n), dtype="str"),
        "state": pd.Series(np.asarray(["dry", "flooded", "unobserved"], dtype=object)[
            state.ravel().astype(np.int64) % 3], dtype="str"),
        "flooded_share": share.ravel(),
        "observed_share": observed_share.ravel(),
    })
    timeline = _timeline(communities, iso, state, share)
    return SeasonResult(communities=comm, centres=cen, timeline=timeline, daily=daily,
                        dates=list(dates), notes=notes, tasks=tasks)


def _last_geometry(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geom = frame.geometry.name
    return frame[[c for c in frame.columns if c != geom] + [geom]]


def _timeline(communities: gpd.GeoDataFrame, iso: np.ndarray, state: np.ndarray,
              share: np.ndarray) -> pd.DataFrame:
    """People exposed per district and date: one matrix product per figure."""
    days, n = state.shape
    district = district_names(communities).to_numpy(dtype=object)
    population = (pd.to_numeric(communities["population"], errors="coerce")
                  .to_numpy(dtype=np.float64, na_value=np.nan)
                  if "population" in communities.columns else np.full(n, np.nan))
    names, code = np.unique(district.astype(str), return_inverse=True)
    onehot = np.zeros((n, names.size))
    onehot[np.arange(n), code] = 1.0
    pop0 = np.nan_to_num(population, nan=0.0)
    seen = state != UNOBSERVED
    exposed = np.where(seen, np.nan_to_num(share, nan=0.0) * pop0, 0.0) @ onehot
    unobserved = np.where(~seen, pop0, 0.0) @ onehot
    n_flooded = (state == FLOODED).astype(np.float64) @ onehot
    n_unobs = (~seen).astype(np.float64) @ onehot
    d = names.size
    return pd.DataFrame({
        "date": pd.Series(np.repeat(iso, d), dtype="str"),
        "district": pd.Series(np.tile(names.astype(object), days), dtype="str"),
        "communities": np.tile(onehot.sum(axis=0), days).astype(np.int64),
        "communities_flooded": n_flooded.ravel().astype(np.int64),
        "communities_unobserved": n_unobs.ravel().astype(np.int64),
        "population": np.tile(pop0 @ onehot, days),
        "population_exposed": exposed.ravel(),
        "population_unobserved": unobserved.ravel(),
    })


def season_figure(timeline: pd.DataFrame, *, title: str = "", lang: str = "es"):
    """A line chart of people exposed per district and date (a matplotlib Figure)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    from geo.i18n import t

    fig = Figure(figsize=(9, 4.5), dpi=120)
    ax = fig.add_subplot()
    wide = timeline.pivot_table(index="date", columns="district", values="population_exposed",
                                aggfunc="sum", sort=True)
    x = pd.to_datetime(wide.index)
    for district in wide.columns:
        ax.plot(x, wide[district].to_numpy(), marker="o", markersize=3, label=str(district))
    ax.set_ylabel(t("season_people_exposed", lang))
    ax.set_title(title or t("season_chart_title", lang))
    ax.grid(alpha=0.3)
    from matplotlib.dates import AutoDateLocator, DateFormatter

    ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=10))
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))   # days, never hours
    ax.set_ylim(bottom=0)
    if len(wide.columns) <= 12:
        ax.legend(fontsize=8, ncol=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig

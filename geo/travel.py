"""Flood-aware travel: how long it takes to reach a place on foot, wading or by boat.

A flood scenario's depth raster becomes a *friction* grid in minutes per metre:

- dry cells (depth below the flood threshold, or no data) are walked at
  :data:`settings.WALK_SPEED_KMH`;
- shallow flooded cells (depth up to :data:`settings.WADE_MAX_DEPTH_M`) are waded at
  :data:`settings.WADE_SPEED_KMH`, or are impassable when that is ``None``;
- deeper water, and water of unknown depth (``+inf`` in 0/1 extent rasters), is impassable,
  except in river channels (cells within :data:`settings.RIVER_CHANNEL_BUFFER_M` of a river
  line) and — when :data:`settings.BOAT_ON_FLOODWATER` is true — the floodwater connected to
  them, which are travelled by boat at :data:`settings.BOAT_SPEED_KMH` (``None`` disables
  boats). Where several ways are open the fastest counts.

Travel is 8-connected over cell centres; a move between neighbours costs its length times the
mean friction of the two cells (as ``skimage.graph.MCP_Geometric`` does). Shortest paths come
from :func:`scipy.sparse.csgraph.dijkstra`. A point on an impassable cell, or outside the grid,
starts from the nearest passable cell; that step is counted in metres at walking speed.

All coordinates are in the scenario raster's CRS (projected, metres); results are in metres
(route length) and minutes. Large grids are coarsened by a whole factor so that no more than
:data:`settings.TRAVEL_MAX_CELLS` cells are used; the notes say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
from affine import Affine
from rasterio.crs import CRS
from rasterio.features import rasterize
from rasterio.windows import Window, from_bounds
from scipy import ndimage
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components, dijkstra

from geo import settings
from geo.errors import CRSError, OverlapError, Problem
from geo.flood import FloodScenario

__all__ = [
    "CostSurface",
    "DepthGrid",
    "TravelResult",
    "cost_allocation",
    "depth_grid",
    "friction_surface",
    "travel_matrix",
]

_NEIGHBOURS: tuple[tuple[int, int], ...] = ((0, 1), (1, 0), (1, 1), (1, -1))


@dataclass(frozen=True)
class DepthGrid:
    """Water depth over (part of) a scenario's grid, possibly coarsened.

    Attributes
    ----------
    depth_m
        float32 depth in metres; ``NaN`` no data, ``+inf`` water of unknown depth.
    transform
        Affine of this (possibly coarsened) grid, in the scenario's CRS.
    crs
        The scenario raster's CRS.
    factor
        Coarsening factor (1 = the raster's own cells).
    notes
        What was done on the way (coarsening).
    """

    depth_m: np.ndarray
    transform: Affine
    crs: CRS
    factor: int = 1
    notes: tuple[Problem | str, ...] = field(default=())

    @property
    def shape(self) -> tuple[int, int]:
        return self.depth_m.shape

    @property
    def cell_size_m(self) -> float:
        return float(abs(self.transform.a))

    def cell_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and an inside-the-grid flag for points ``xy`` (n × 2, grid CRS)."""
        cols, rows = ~self.transform * (xy[:, 0], xy[:, 1])
        rows = np.floor(np.asarray(rows, dtype="float64")).astype("int64")
        cols = np.floor(np.asarray(cols, dtype="float64")).astype("int64")
        inside = (rows >= 0) & (rows < self.shape[0]) & (cols >= 0) & (cols < self.shape[1])
        return rows, cols, inside

    def cell_centres(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Coordinates (n × 2) of the centres of cells ``rows``, ``cols``."""
        x, y = self.transform * (np.asarray(cols) + 0.5, np.asarray(rows) + 0.5)
        return np.column_stack([x, y])


def depth_grid(
    scenario: FloodScenario,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    max_cells: int | None = None,
) -> DepthGrid:
    """Read a scenario's depth over ``bounds``, coarsened to at most ``max_cells`` cells.

    Parameters
    ----------
    scenario
        The flood scenario (its raster must be in a projected CRS).
    bounds
        (left, bottom, right, top) in the scenario's CRS; the whole raster when ``None``.
        Clipped to the raster.
    max_cells
        Largest number of cells; default :data:`settings.TRAVEL_MAX_CELLS`. When the window
        is larger it is coarsened by the smallest whole factor that fits, each coarse cell
        taking the (lower) median depth of the cells it covers.

    Raises
    ------
    CRSError
        The scenario raster is in a geographic CRS.
    OverlapError
        ``bounds`` do not overlap the raster.
    """
    if scenario.crs.is_geographic:
        raise CRSError(Problem.keyed("travel_geographic_raster", source=scenario.raster.label,
                                     scenario=scenario.name, crs=str(scenario.crs)))
    max_cells = max_cells or settings.TRAVEL_MAX_CELLS
    rb = scenario.bounds
    if bounds is None:
        bounds = rb
    left, bottom = max(bounds[0], rb[0]), max(bounds[1], rb[1])
    right, top = min(bounds[2], rb[2]), min(bounds[3], rb[3])
    if right <= left or top <= bottom:
        raise OverlapError(Problem.keyed(
            "travel_no_overlap", source=scenario.raster.label,
            area=str(tuple(round(v) for v in bounds)), raster=str(tuple(round(v) for v in rb)),
            crs=str(scenario.crs)))
    win = from_bounds(left, bottom, right, top, scenario.transform)
    win = win.round_offsets(op="floor").round_lengths(op="ceil")
    row0, col0 = max(0, int(win.row_off)), max(0, int(win.col_off))
    height = min(int(win.height) + 1, scenario.shape[0] - row0)
    width = min(int(win.width) + 1, scenario.shape[1] - col0)
    factor = max(1, int(np.ceil(np.sqrt(height * width / max_cells))))
    notes: list[Problem | str] = []
    if factor == 1:
        depth = scenario.read_depth(Window(col0, row0, width, height))
    else:
        depth = _read_coarse(scenario, row0, col0, height, width, factor)
        notes.append(Problem.keyed("travel_note_coarsened", factor=factor,
                                   cell_m=f"{abs(scenario.transform.a) * factor:g}",
                                   width=depth.shape[1], height=depth.shape[0]))
    base = scenario.transform * Affine.translation(col0, row0)
    return DepthGrid(depth, base * Affine.scale(factor), scenario.crs, factor, tuple(notes))


def _read_coarse(
    scenario: FloodScenario, row0: int, col0: int, height: int, width: int, factor: int
) -> np.ndarray:
    """Read strips and reduce each factor × factor block to its lower median (NaN ignored)."""
    out_h, out_w = -(-height // factor), -(-width // factor)
    out = np.full((out_h, out_w), np.nan, dtype="float32")
    strip_blocks = max(1, settings.WINDOW_ROWS // factor)
    for br in range(0, out_h, strip_blocks):
        nb = min(strip_blocks, out_h - br)
        r = row0 + br * factor
        h = min(nb * factor, row0 + height - r)
        block = scenario.read_depth(Window(col0, r, width, h))
        padded = np.full((nb * factor, out_w * factor), np.nan, dtype="float32")
        padded[:h, :width] = block
        cells = padded.reshape(nb, factor, out_w, factor).transpose(0, 2, 1, 3)
        cells = np.sort(cells.reshape(nb, out_w, factor * factor), axis=2)  # NaN last
        valid = (~np.isnan(cells)).sum(axis=2)
        pick = np.maximum(valid - 1, 0) // 2
        med = np.take_along_axis(cells, pick[..., None], axis=2)[..., 0]
        med[valid == 0] = np.nan
        out[br:br + nb] = med
    return out


@dataclass(frozen=True)
class CostSurface:
    """Friction over a depth grid, in minutes per metre (``inf`` = impassable).

    Attributes
    ----------
    grid
        The depth grid it was built from.
    friction_min_per_m
        float64 array of the grid's shape.
    notes
        Assumptions and conversions, for reports.
    """

    grid: DepthGrid
    friction_min_per_m: np.ndarray
    notes: tuple[Problem | str, ...] = field(default=())

    @property
    def passable(self) -> np.ndarray:
        return np.isfinite(self.friction_min_per_m)

    @cached_property
    def graph(self):
        """Sparse symmetric graph over passable cells (built once, on first use)."""
        return _graph(self)


def _min_per_m(speed_kmh: float | None) -> float:
    return np.inf if not speed_kmh else 60.0 / (speed_kmh * 1000.0)


def friction_surface(
    scenario: FloodScenario,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    threshold_m: float | None = None,
    max_cells: int | None = None,
) -> CostSurface:
    """Build the friction grid of a flood scenario (minutes per metre).

    Speeds are read from :mod:`geo.settings` at call time (``WALK_SPEED_KMH``,
    ``WADE_SPEED_KMH``, ``WADE_MAX_DEPTH_M``, ``BOAT_SPEED_KMH``, ``RIVER_CHANNEL_BUFFER_M``).

    Parameters
    ----------
    scenario
        Flood scenario; its raster's CRS is the working CRS.
    bounds
        Area of interest in the scenario's CRS (default: the whole raster).
    rivers
        River lines (any CRS; reprojected) along which boats travel; none when ``None``.
    threshold_m
        Flood threshold; default :data:`settings.FLOOD_THRESHOLD_M`.
    max_cells
        Coarsen beyond this many cells (default :data:`settings.TRAVEL_MAX_CELLS`).
    """
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m
    grid = depth_grid(scenario, bounds=bounds, max_cells=max_cells)
    depth = grid.depth_m
    notes = list(grid.notes)
    walk = _min_per_m(settings.WALK_SPEED_KMH)
    wade = _min_per_m(settings.WADE_SPEED_KMH)
    boat = _min_per_m(settings.BOAT_SPEED_KMH)
    flooded = depth >= threshold_m  # NaN compares False: no data is taken as dry ground
    friction = np.full(depth.shape, walk, dtype="float64")
    shallow = flooded & (depth <= settings.WADE_MAX_DEPTH_M)
    friction[flooded] = np.inf
    friction[shallow] = wade
    if np.isnan(depth).any():
        notes.append(Problem.keyed("travel_note_no_data_dry"))
    if rivers is not None and not rivers.empty and np.isfinite(boat):
        lines = rivers.to_crs(grid.crs).geometry
        lines = lines[lines.notna() & ~lines.is_empty]
        if len(lines):
            channel = rasterize(
                ((g.buffer(settings.RIVER_CHANNEL_BUFFER_M), 1) for g in lines),
                out_shape=depth.shape, transform=grid.transform, fill=0, dtype="uint8",
                all_touched=True,
            ).astype(bool)
            boatable = channel
            if settings.BOAT_ON_FLOODWATER:
                # floodwater that touches a river channel is open to boats as well
                labels, _ = ndimage.label(flooded | channel, structure=np.ones((3, 3), bool))
                linked = np.unique(labels[channel])
                boatable = np.isin(labels, linked[linked > 0])
            friction[boatable] = np.minimum(friction[boatable], boat)
            notes.append(Problem.keyed(
                "travel_note_boats_floodwater" if settings.BOAT_ON_FLOODWATER
                else "travel_note_boats", speed_kmh=f"{settings.BOAT_SPEED_KMH:g}",
                buffer_m=f"{settings.RIVER_CHANNEL_BUFFER_M:g}"))
    return CostSurface(grid, friction, tuple(notes))


def _graph(surface: CostSurface):
    """Sparse symmetric graph over passable cells; edge weight in minutes."""
    fr = surface.friction_min_per_m
    h, w = fr.shape
    ids = np.arange(h * w).reshape(h, w)
    cell = surface.grid.cell_size_m
    rows, cols, weights = [], [], []
    for dr, dc in _NEIGHBOURS:
        r0, r1 = 0, h - dr
        c0, c1 = max(0, -dc), w - max(0, dc)
        a = fr[r0:r1, c0:c1]
        b = fr[r0 + dr:r1 + dr, c0 + dc:c1 + dc]
        ok = np.isfinite(a) & np.isfinite(b)
        step = cell * (np.sqrt(2.0) if dr and dc else 1.0)
        rows.append(ids[r0:r1, c0:c1][ok])
        cols.append(ids[r0 + dr:r1 + dr, c0 + dc:c1 + dc][ok])
        weights.append(step * (a[ok] + b[ok]) / 2.0)
    # both directions stored, so Dijkstra runs as directed and skips a transpose per call;
    # a zero weight would read as "no edge" in a sparse graph, and friction is never zero.
    a_ids, b_ids, data = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
    return coo_array(
        (np.r_[data, data], (np.r_[a_ids, b_ids], np.r_[b_ids, a_ids])), shape=(h * w, h * w)
    ).tocsr()


def _snap(surface: CostSurface, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node index of each point and the straight step (metres) to reach a passable cell.

    Points with no passable cell at all get node -1.
    """
    grid = surface.grid
    passable = surface.passable
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0)
    if not passable.any():
        return np.full(n, -1, dtype="int64"), np.full(n, np.inf)
    rows, cols, inside = grid.cell_of(xy)
    rows_c = np.clip(rows, 0, grid.shape[0] - 1)
    cols_c = np.clip(cols, 0, grid.shape[1] - 1)
    ok = inside & passable[rows_c, cols_c]
    if not ok.all():
        _, (near_r, near_c) = ndimage.distance_transform_edt(~passable, return_indices=True)
        rows_c, cols_c = (np.where(ok, rows_c, near_r[rows_c, cols_c]),
                          np.where(ok, cols_c, near_c[rows_c, cols_c]))
    centres = grid.cell_centres(rows_c, cols_c)
    step = np.where(ok, 0.0, np.hypot(*(centres - xy).T))
    return rows_c * grid.shape[1] + cols_c, step


@dataclass(frozen=True)
class TravelResult:
    """Travel between origins and destinations over a :class:`CostSurface`.

    Attributes
    ----------
    minutes
        (n_origins × n_destinations) travel time; ``inf`` where no route exists.
    metres
        Route length (same shape); ``inf`` where no route exists.
    connected
        bool (same shape): a route exists at all (even one beyond ``limit_min``).
    notes
        Assumptions, for reports.
    """

    minutes: np.ndarray
    metres: np.ndarray
    connected: np.ndarray
    notes: tuple[Problem | str, ...] = field(default=())


def travel_matrix(
    surface: CostSurface,
    origins_xy: np.ndarray,
    destinations_xy: np.ndarray,
    *,
    limit_min: float | None = None,
) -> TravelResult:
    """Least-time routes from every origin to every destination.

    Parameters
    ----------
    surface
        Friction grid (see :func:`friction_surface`).
    origins_xy, destinations_xy
        Coordinates (n × 2) in the surface's CRS (metres).
    limit_min
        Routes longer than this many minutes are not followed (reported as ``inf``).

    Notes
    -----
    The graph is undirected, so the smaller of the two sets is used as Dijkstra sources.
    """
    origins_xy = np.asarray(origins_xy, dtype="float64").reshape(-1, 2)
    destinations_xy = np.asarray(destinations_xy, dtype="float64").reshape(-1, 2)
    swap = len(destinations_xy) < len(origins_xy)
    src_xy, dst_xy = (destinations_xy, origins_xy) if swap else (origins_xy, destinations_xy)
    minutes = np.full((len(src_xy), len(dst_xy)), np.inf)
    metres = np.full_like(minutes, np.inf)
    connected = np.zeros(minutes.shape, dtype=bool)
    notes = list(surface.notes)
    if len(src_xy) and len(dst_xy):
        graph = surface.graph
        _, component = connected_components(graph, directed=True, connection="strong")
        walk = _min_per_m(settings.WALK_SPEED_KMH)
        src_node, src_step = _snap(surface, src_xy)
        dst_node, dst_step = _snap(surface, dst_xy)
        if (src_step > 0).any() or (dst_step > 0).any():
            notes.append(Problem.keyed("travel_note_snapped"))
        w = surface.grid.shape[1]
        limit = np.inf if limit_min is None else float(limit_min)
        for i, node in enumerate(src_node):
            if node < 0:
                continue
            connected[i] = (dst_node >= 0) & (component[np.maximum(dst_node, 0)]
                                              == component[node])
            dist, pred = dijkstra(graph, directed=True, indices=int(node),
                                  return_predecessors=True, limit=limit)
            for j, target in enumerate(dst_node):
                if target < 0 or not np.isfinite(dist[target]):
                    continue
                t = dist[target] + (src_step[i] + dst_step[j]) * walk
                if t > limit:
                    continue
                minutes[i, j] = t
                metres[i, j] = _path_length(pred, int(target), w, surface.grid.cell_size_m) \
                    + src_step[i] + dst_step[j]
    if swap:
        minutes, metres, connected = minutes.T.copy(), metres.T.copy(), connected.T.copy()
    return TravelResult(minutes, metres, connected, tuple(dict.fromkeys(notes)))


def _path_length(pred: np.ndarray, target: int, width: int, cell_m: float) -> float:
    """Length in metres of the path that ends at ``target`` (following predecessors)."""
    nodes = [target]
    while pred[nodes[-1]] >= 0:
        nodes.append(int(pred[nodes[-1]]))
    if len(nodes) < 2:
        return 0.0
    arr = np.asarray(nodes)
    r, c = np.divmod(arr, width)
    return float(np.hypot(np.diff(r), np.diff(c)).sum() * cell_m)


def cost_allocation(
    surface: CostSurface, sources_xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Allocate every cell to the source reached in least time.

    Parameters
    ----------
    surface
        Friction grid.
    sources_xy
        Source coordinates (n × 2) in the surface's CRS.

    Returns
    -------
    allocation
        int32 array of the grid's shape: index of the nearest source, -1 where unreachable.
    minutes
        float64 travel time from that source (``inf`` where unreachable).
    """
    shape = surface.grid.shape
    sources_xy = np.asarray(sources_xy, dtype="float64").reshape(-1, 2)
    alloc = np.full(shape, -1, dtype="int32")
    minutes = np.full(shape, np.inf)
    if len(sources_xy) == 0:
        return alloc, minutes
    node, _ = _snap(surface, sources_xy)
    valid = node >= 0
    if not valid.any():
        return alloc, minutes
    # first source wins where two share a cell
    uniq, first = np.unique(node[valid], return_index=True)
    src_index = np.flatnonzero(valid)[first]
    dist, _, sources = dijkstra(surface.graph, directed=True, indices=uniq,
                                return_predecessors=True, min_only=True)
    flat = np.full(dist.shape, -1, dtype="int32")
    reached = sources >= 0
    flat[reached] = src_index[np.searchsorted(uniq, sources[reached])]
    alloc = flat.reshape(shape)
    minutes = np.where(reached, dist, np.inf).reshape(shape)
    return alloc, minutes


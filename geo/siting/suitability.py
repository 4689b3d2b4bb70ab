"""Where a new collective centre may go: suitable cells and candidate sites on them.

:func:`suitability` keeps the cells of the worst scenario's grid that stay dry with a safety
margin (dry at a river stage ``margin_m`` higher when a DEM and depths are known, else at least
``water_buffer_m`` from the water's edge), lie outside river channels and — when demand is
given — within the service distance of displaced people. :func:`candidate_sites` thins them to
a lattice of candidate points for :class:`geo.siting.SiteOptimiser`.

Work is on the scenario raster's grid, in its projected CRS (metres); polygons and points come
back in EPSG:4326.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize, shapes
from rasterio.warp import reproject
from rasterio.windows import Window
from scipy import ndimage
from scipy.spatial import cKDTree
from shapely.geometry import shape

from geo import settings
from geo.catchment import demand_points
from geo.errors import Problem
from geo.flood import FloodScenario
from geo.raster import RasterSource
from geo.travel import DepthGrid, depth_grid

__all__ = ["Suitability", "candidate_sites", "suitability"]


@dataclass(frozen=True)
class Suitability:
    """Where a new centre may go, on the worst scenario's grid.

    Attributes
    ----------
    mask
        bool array: True on suitable cells.
    transform, crs
        Grid of ``mask`` (the scenario raster's, possibly coarsened).
    polygons
        Suitable zones, EPSG:4326, columns ``zone_id``, ``area_m2``,
        ``capacity_site_persons``.
    notes
        Rules applied and assumptions made.
    """

    mask: np.ndarray
    transform: Affine
    crs: CRS
    polygons: gpd.GeoDataFrame
    notes: tuple[Problem | str, ...] = field(default=())

    @property
    def cell_size_m(self) -> float:
        return float(abs(self.transform.a))


def suitability(
    scenario_worst: FloodScenario,
    *,
    dem: RasterSource | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    margin_m: float | None = None,
    water_buffer_m: float | None = None,
    threshold_m: float | None = None,
    demand: gpd.GeoDataFrame | None = None,
    weight_col: str = "weight",
    service_distance_m: float | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    max_cells: int | None = None,
) -> Suitability:
    """Cells where a new centre may be placed.

    A cell is suitable when it has flood data, is dry in ``scenario_worst`` and stays dry with
    the safety margin, lies outside river channels, and (when ``demand`` is given) lies within
    ``service_distance_m`` of a demand point with weight above 0.

    Parameters
    ----------
    scenario_worst
        The worst scenario; its grid (coarsened past ``max_cells``) is the output grid.
    dem
        Ground elevation (m a.s.l.). With a DEM and a depth raster the margin is a stage
        rise: the water surface next to each dry cell (ground + depth at the nearest flooded
        cell) is raised by ``margin_m``; the cell must stay above it. Resampled onto the
        scenario grid (bilinear) when its grid differs; a note says so.
    rivers
        River lines; cells within :data:`settings.RIVER_CHANNEL_BUFFER_M` are excluded.
    margin_m
        Stage rise; default :data:`settings.SITING_STAGE_MARGIN_M`.
    water_buffer_m
        Without a DEM (or for a 0/1 extent), distance kept from flooded cells; default
        :data:`settings.SITING_WATER_BUFFER_M`.
    threshold_m
        Flood threshold; default :data:`settings.FLOOD_THRESHOLD_M`.
    demand
        Points or polygons (any CRS) of the people to serve, weight in ``weight_col``.
    service_distance_m
        Default :data:`settings.SERVICE_DISTANCE_M`.
    bounds
        Area of interest in the scenario's CRS (default: the whole raster).
    max_cells
        Default :data:`settings.TRAVEL_MAX_CELLS`.
    """
    margin_m = settings.SITING_STAGE_MARGIN_M if margin_m is None else margin_m
    water_buffer_m = settings.SITING_WATER_BUFFER_M if water_buffer_m is None else water_buffer_m
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m
    service_distance_m = (settings.SERVICE_DISTANCE_M if service_distance_m is None
                          else service_distance_m)
    grid = depth_grid(scenario_worst, bounds=bounds, max_cells=max_cells)
    depth = grid.depth_m
    notes = list(grid.notes)
    cell = grid.cell_size_m
    flooded = depth >= threshold_m
    mask = ~flooded & ~np.isnan(depth)
    notes.append(Problem.keyed("siting_note_dry", scenario=scenario_worst.name,
                                threshold_m=f"{threshold_m:g}"))
    if flooded.any():
        dist_cells, (near_r, near_c) = ndimage.distance_transform_edt(
            ~flooded, return_indices=True)
        if dem is not None and scenario_worst.has_depth:
            ground = _dem_on_grid(dem, grid, notes)
            wse = ground + np.where(flooded, depth, 0)
            raised = wse[near_r, near_c] + margin_m
            mask &= ~((raised - ground) >= threshold_m) & ~np.isnan(ground)
            notes.append(Problem.keyed("siting_note_margin", margin_m=f"{margin_m:g}"))
        else:
            mask &= dist_cells * cell >= water_buffer_m
            notes.append(Problem.keyed("siting_note_buffer", buffer_m=f"{water_buffer_m:g}"))
    if rivers is not None and not rivers.empty:
        lines = rivers.to_crs(grid.crs).geometry
        lines = lines[lines.notna() & ~lines.is_empty]
        if len(lines):
            channel = rasterize(((g.buffer(settings.RIVER_CHANNEL_BUFFER_M), 1) for g in lines),
                                out_shape=depth.shape, transform=grid.transform, fill=0,
                                dtype="uint8", all_touched=True).astype(bool)
            mask &= ~channel
            notes.append(Problem.keyed("siting_note_channels",
                                       buffer_m=f"{settings.RIVER_CHANNEL_BUFFER_M:g}"))
    if demand is not None:
        pts = demand_points(demand, weight_col=weight_col, crs=grid.crs)
        xy = shapely.get_coordinates(pts.geometry[pts["weight"] > 0].to_numpy())
        rows, cols = np.nonzero(mask)
        keep = np.zeros(len(rows), dtype=bool)
        if len(xy) and len(rows):
            centres = grid.cell_centres(rows, cols)
            dist, _ = cKDTree(xy).query(centres, distance_upper_bound=service_distance_m)
            keep = np.isfinite(dist)
        mask[rows[~keep], cols[~keep]] = False
        notes.append(Problem.keyed("siting_note_within", distance_m=f"{service_distance_m:g}"))
    polygons = _mask_polygons(mask, grid.transform, grid.crs)
    return Suitability(mask, grid.transform, grid.crs, polygons, tuple(notes))


def _dem_on_grid(dem: RasterSource, grid: DepthGrid, notes: list) -> np.ndarray:
    """DEM values on the depth grid: a window read when grids match, else resampled."""
    base = dem.transform
    if (dem.crs == grid.crs and grid.factor == 1 and np.isclose(base.a, grid.transform.a)
            and np.isclose(base.e, grid.transform.e)):
        col_off, row_off = ~base * (grid.transform.c, grid.transform.f)
        if np.isclose(col_off, round(col_off)) and np.isclose(row_off, round(row_off)):
            win = Window(round(col_off), round(row_off), grid.shape[1], grid.shape[0])
            with dem.open() as ds:
                arr = ds.read(1, window=win, boundless=True, out_dtype="float32",
                              fill_value=np.nan)
            if dem.nodata is not None:
                arr[arr == np.float32(dem.nodata)] = np.nan
            return arr
    out = np.full(grid.shape, np.nan, dtype="float32")
    with dem.open() as ds:
        reproject(ds.read(1, out_dtype="float32"), out, src_transform=base, src_crs=dem.crs,
                  src_nodata=dem.nodata, dst_transform=grid.transform, dst_crs=grid.crs,
                  dst_nodata=np.nan, resampling=Resampling.bilinear)
    notes.append(Problem.keyed("siting_note_dem_resampled", dem=str(dem.label),
                               cell_m=f"{grid.cell_size_m:g}"))
    return out


def _mask_polygons(mask: np.ndarray, transform: Affine, crs: CRS) -> gpd.GeoDataFrame:
    """Polygons of the True cells of ``mask``, with area and Sphere site capacity; EPSG:4326."""
    geoms = [shape(g) for g, v in shapes(mask.astype("uint8"), mask=mask, transform=transform)
             if v == 1]
    gs = gpd.GeoSeries(geoms, crs=crs)
    area = gs.area.to_numpy() if len(gs) else np.zeros(0)
    frame = gpd.GeoDataFrame({
        "zone_id": [f"Z{i + 1:04d}" for i in range(len(gs))],
        "area_m2": area.astype("float64"),
        "capacity_site_persons": np.floor(area / settings.SITE_AREA_M2_PER_PERSON)
        .astype("int64"),
    }, geometry=gs.to_numpy() if len(gs) else gpd.GeoSeries([], crs=crs), crs=crs)
    return frame.to_crs(settings.DISPLAY_CRS)


def candidate_sites(suit: Suitability, *, max_count: int | None = None) -> gpd.GeoDataFrame:
    """Candidate points on a regular lattice of suitable cells, thinned to ``max_count``.

    Cells whose 3 × 3 neighbourhood is all suitable are preferred (room for a site); when there
    are none every suitable cell is used. Returns EPSG:4326 points with ``candidate_id``,
    ``zone_id``, ``zone_area_m2`` and ``capacity_site_persons`` (of the zone it lies in).
    """
    max_count = max_count or settings.SITING_MAX_CANDIDATES
    roomy = ndimage.binary_erosion(suit.mask, structure=np.ones((3, 3), bool))
    base = roomy if roomy.any() else suit.mask
    n = int(base.sum())
    step = max(1, int(np.ceil(np.sqrt(n / max_count)))) if n else 1
    while True:
        rows, cols = np.nonzero(base)
        pick = (rows % step == step // 2) & (cols % step == step // 2)
        if n == 0 or pick.sum() <= max_count:
            break
        step += 1
    if n and not pick.any():  # lattice missed every cell: take them spread out instead
        pick = np.zeros(len(rows), bool)
        pick[np.linspace(0, len(rows) - 1, min(max_count, len(rows))).astype(int)] = True
    rows, cols = rows[pick], cols[pick]
    x, y = suit.transform * (cols + 0.5, rows + 0.5)
    pts = gpd.GeoDataFrame({"candidate_id": [f"S{i + 1:04d}" for i in range(len(rows))]},
                           geometry=gpd.points_from_xy(x, y), crs=suit.crs)
    zones = suit.polygons.to_crs(suit.crs)
    joined = gpd.sjoin(pts, zones, how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    out = gpd.GeoDataFrame({
        "candidate_id": pts["candidate_id"].to_numpy(dtype=object),
        "zone_id": joined["zone_id"].astype("string").fillna("").to_numpy(dtype=object),
        "zone_area_m2": joined["area_m2"].astype("float64").to_numpy(),
        "capacity_site_persons": np.floor(joined["area_m2"].astype("float64").to_numpy()
                                          / settings.SITE_AREA_M2_PER_PERSON),
    }, geometry=pts.geometry.to_numpy(), crs=suit.crs)
    return out.to_crs(settings.DISPLAY_CRS)

"""Where the river water starts: seed cells on the DEM's grid.

Three sources, combinable: the rivers layer (lines burnt in with every cell they touch;
river-area polygons by their cell centres, or every cell they touch when too thin to hold
one), a gauge point (the lowest valid cell within ``settings.GAUGE_SNAP_RADIUS_M``: gauges
stand on the bank) and the wet cells of an observed flood extent (radar mask, depth raster).
Every function takes the grid as a :class:`~geo.raster.RasterSource` and returns a bool array
of its shape; nothing is resampled except an observed extent on another grid, which is
sampled at the DEM's cell centres (nearest) and says so.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.vrt import WarpedVRT

from geo import settings
from geo.errors import CRSError, InputError, Num, OverlapError, Problem
from geo.exposure import metres_per_unit  # the same metres per unit as the exposure engine
from geo.flood import FloodScenario
from geo.raster import RasterSource, gdal_env

__all__ = ["gauge_cell", "gauge_position", "seeds_from_extent", "seeds_from_rivers"]


def seeds_from_rivers(rivers: gpd.GeoDataFrame, grid: RasterSource,
                      notes: list[Problem | str] | None = None) -> np.ndarray:
    """Cells of the grid the rivers layer covers.

    Parameters
    ----------
    rivers
        Lines (centrelines) or polygons (river areas), any CRS; other geometries are left out.
    grid
        The DEM's grid; the rivers are reprojected to its CRS.
    notes
        List that receives what was assumed.

    Raises
    ------
    InputError
        No line or polygon, or none on the grid.
    """
    notes = [] if notes is None else notes
    if rivers.crs is None:
        raise CRSError(Problem.keyed("stage_rivers_no_crs"))
    geoms = rivers.geometry
    if rivers.crs != grid.crs:
        geoms = geoms.to_crs(grid.crs)
    geoms = geoms[geoms.notna() & ~geoms.is_empty].to_numpy()
    kinds = shapely.get_type_id(geoms) if geoms.size else np.zeros(0, int)
    lines = geoms[np.isin(kinds, (1, 2, 5))]
    areas = geoms[np.isin(kinds, (3, 6))]
    if lines.size + areas.size == 0:
        raise InputError(Problem.keyed("stage_rivers_no_lines"))
    out = np.zeros(grid.shape, dtype=bool)
    if lines.size:
        out |= rasterize(((g, 1) for g in lines), out_shape=grid.shape,
                         transform=grid.transform, all_touched=True, dtype="uint8") > 0
    for geom in areas:
        cells = rasterize([(geom, 1)], out_shape=grid.shape, transform=grid.transform,
                          dtype="uint8") > 0
        if not cells.any():
            cells = rasterize([(geom, 1)], out_shape=grid.shape, transform=grid.transform,
                              all_touched=True, dtype="uint8") > 0
        out |= cells
    if not out.any():
        raise OverlapError(Problem.keyed("stage_rivers_off_dem", dem=grid.label))
    notes.append(Problem.keyed("stage_note_river_seeds", cells=Num(int(out.sum())),
                               lines=Num(lines.size), polygons=Num(areas.size)))
    return out


def gauge_position(gauge: object) -> tuple[float, float]:
    """A gauge's (x, y) as two finite numbers.

    Raises
    ------
    InputError
        Not a pair of finite numbers.
    """
    try:
        gx, gy = (float(v) for v in gauge)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        gx = gy = math.nan
    if not (math.isfinite(gx) and math.isfinite(gy)):
        raise InputError(Problem.keyed("stage_gauge_not_numbers", gauge=str(gauge)))
    return gx, gy


def gauge_cell(
    gauge: tuple[float, float],
    grid: RasterSource,
    relief: np.ndarray,
    *,
    crs: str = settings.DISPLAY_CRS,
    snap_radius_m: float | None = None,
    notes: list[Problem | str] | None = None,
) -> tuple[tuple[float, float], tuple[int, int]]:
    """The gauge in the grid's CRS, and the cell where its water starts.

    Parameters
    ----------
    gauge
        (x, y) of the gauge in ``crs`` — (lon, lat) by default.
    grid
        The DEM's grid.
    relief
        Heights on the grid (NaN where unknown): the lowest valid cell within
        ``snap_radius_m`` (``settings.GAUGE_SNAP_RADIUS_M``) of the gauge is its cell.
    notes
        List that receives where the gauge was snapped.

    Raises
    ------
    InputError
        The gauge is off the grid, or has no valid cell within the radius.
    """
    notes = [] if notes is None else notes
    radius = settings.GAUGE_SNAP_RADIUS_M if snap_radius_m is None else float(snap_radius_m)
    gx, gy = gauge_position(gauge)
    x, y = Transformer.from_crs(crs, grid.crs, always_xy=True).transform(gx, gy)
    col_f, row_f = ~grid.transform * (x, y)
    if not (0 <= row_f < grid.height and 0 <= col_f < grid.width):
        raise OverlapError(Problem.keyed("stage_gauge_off_dem", x=Num(gx), y=Num(gy),
                                         dem=grid.label))
    mx, my = metres_per_unit(grid, np.array([y]))
    cell_x = math.hypot(grid.transform.a, grid.transform.d) * float(mx[0])
    cell_y = math.hypot(grid.transform.b, grid.transform.e) * float(my[0])
    kr, kc = math.ceil(radius / cell_y) + 1, math.ceil(radius / cell_x) + 1
    r0, c0 = max(0, int(row_f) - kr), max(0, int(col_f) - kc)
    r1, c1 = min(grid.height, int(row_f) + kr + 1), min(grid.width, int(col_f) + kc + 1)
    rr, cc = np.mgrid[r0:r1, c0:c1]
    dist = np.hypot((cc + 0.5 - col_f) * cell_x, (rr + 0.5 - row_f) * cell_y)
    window = relief[r0:r1, c0:c1].astype(np.float64)
    window[(dist > radius) & ~((rr == int(row_f)) & (cc == int(col_f)))] = np.nan
    if np.isnan(window).all():
        raise InputError(Problem.keyed("stage_gauge_no_height", radius=Num(radius, unit="m"),
                                       x=Num(gx), y=Num(gy)))
    k = int(np.nanargmin(window))
    row, col = int(rr.flat[k]), int(cc.flat[k])
    notes.append(Problem.keyed("stage_note_gauge_seed", x=Num(gx), y=Num(gy),
                               radius=Num(radius, unit="m"), cell_row=Num(row),
                               cell_col=Num(col),
                               height=Num(float(window.flat[k]), decimals=2, unit="m")))
    return (float(x), float(y)), (row, col)


def seeds_from_extent(scenario: FloodScenario, grid: RasterSource,
                      notes: list[Problem | str] | None = None) -> np.ndarray:
    """Cells already wet (depth > 0, or water in a 0/1 mask) in an observed flood.

    A raster on another grid is sampled at the DEM's cell centres (nearest) and a note says
    so; nodata cells are not seeds.

    Raises
    ------
    InputError
        A water-level scenario (give its depth or extent instead), or no wet cell on the grid.
    """
    notes = [] if notes is None else notes
    if scenario.kind == "water_level":
        raise InputError(Problem.keyed("stage_extent_water_level", source=scenario.name))
    with gdal_env(), scenario.raster.open() as ds:
        if scenario.raster.same_grid(grid):
            depth = scenario.read_depth_from(ds)
        else:
            with WarpedVRT(ds, crs=grid.crs, transform=grid.transform, width=grid.width,
                           height=grid.height, resampling=Resampling.nearest,
                           nodata=scenario.raster.nodata) as vrt:
                depth = scenario.read_depth_from(vrt)
            notes.append(Problem.keyed("stage_note_extent_sampled", name=scenario.name))
    wet = np.nan_to_num(depth, nan=0.0) > 0
    if not wet.any():
        raise InputError(Problem.keyed("stage_extent_no_wet", name=scenario.name,
                                       dem=grid.label))
    notes.append(Problem.keyed("stage_note_extent_seeds", cells=Num(int(wet.sum())),
                               name=scenario.name))
    return wet

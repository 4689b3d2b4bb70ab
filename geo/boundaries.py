"""Boundaries derived from points: Voronoi cells for communities known only by a point."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo import settings

DEFAULT_HULL_BUFFER_M: float = 2000.0
"""Without a study area, cells are clipped to the points' convex hull buffered by this."""


def derive_boundaries(
    points: gpd.GeoSeries,
    *,
    clip_to: shapely.Geometry | None = None,
    max_radius_m: float | None = None,
) -> gpd.GeoSeries:
    """Voronoi cell of each point, clipped to the study area, in the input order.

    Parameters
    ----------
    points
        Point geometries (any CRS; computed in its UTM zone, in metres).
    clip_to
        Study area in the points' CRS (cells are clipped to it exactly, in that CRS); defaults
        to their convex hull buffered by :data:`DEFAULT_HULL_BUFFER_M`.
    max_radius_m
        When given, each cell is also cut to a disc of this radius (metres) around its
        point, so a lone village next to empty forest does not get a region-sized cell.

    Returns
    -------
    GeoSeries
        One polygon per point, same index and CRS as ``points``. Coincident points share
        the cell of the first of them; the others get an empty polygon.
    """
    crs = points.crs or settings.DISPLAY_CRS
    metric = gpd.GeoSeries(points, crs=crs)
    work_crs = metric.estimate_utm_crs() if metric.crs.is_geographic else metric.crs
    pts = metric.to_crs(work_crs)
    hull = shapely.convex_hull(shapely.MultiPoint(pts.to_numpy())).buffer(DEFAULT_HULL_BUFFER_M)
    if clip_to is None:
        area = hull
    else:  # cells must reach past the study area's edge before they are clipped to it
        area = shapely.union(
            gpd.GeoSeries([clip_to], crs=crs)
            .to_crs(work_crs)
            .iloc[0]
            .buffer(DEFAULT_HULL_BUFFER_M),
            hull,
        )
    if len(pts) == 1:
        cells = [area]
    else:
        regions = shapely.voronoi_polygons(
            shapely.MultiPoint(pts.to_numpy()), extend_to=area, ordered=True
        )
        cells = list(regions.geoms)
        if len(cells) != len(pts):  # coincident points: match cells to points spatially
            cells = _match_cells(pts.to_numpy(), cells)
    if max_radius_m is not None:
        discs = shapely.buffer(pts.to_numpy(), float(max_radius_m), quad_segs=16)
        cells = shapely.intersection(np.asarray(cells, dtype=object), discs)
    cells = gpd.GeoSeries(np.asarray(cells, dtype=object), index=points.index, crs=work_crs)
    if clip_to is None:
        clipped = shapely.intersection(cells.to_numpy(), area)
        return gpd.GeoSeries(clipped, index=points.index, crs=work_crs).to_crs(crs)
    # Drawn in metres, clipped in the study area's own CRS: the outer edges then follow its
    # boundary exactly (a straight edge in UTM is not a straight edge in degrees).
    clipped = shapely.intersection(cells.to_crs(crs).to_numpy(), clip_to)
    return gpd.GeoSeries(clipped, index=points.index, crs=crs)


def _match_cells(points: np.ndarray, cells: list[shapely.Geometry]) -> list[shapely.Geometry]:
    out: list[shapely.Geometry] = []
    used: set[int] = set()
    tree = shapely.STRtree(cells)
    for pt in points:
        hits = [int(i) for i in tree.query(pt, predicate="intersects") if int(i) not in used]
        if hits:
            used.add(hits[0])
            out.append(cells[hits[0]])
        else:
            out.append(shapely.Polygon())
    return out

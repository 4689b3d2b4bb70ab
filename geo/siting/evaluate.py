"""The report on one area a planner draws (or gives) as a possible new collective centre.

:func:`evaluate_area` gives its area and Sphere capacity, its flood status in every scenario,
the displaced within the service distance and the nearest existing centres. Distances are in
metres in a projected CRS (the first scenario raster's, else :data:`settings.WORK_CRS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window, from_bounds
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.catchment import demand_points
from geo.errors import CRSError, InputError, Problem
from geo.flood import FloodScenario
from geo.raster import metric_crs
from geo.schema import capacity_from_area, site_capacity_from_area
from geo.zonal import geometry_areas_m2

__all__ = ["evaluate_area"]


def evaluate_area(
    polygon: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    scenarios: Mapping[str, FloodScenario] | None = None,
    demand: gpd.GeoDataFrame | None = None,
    centres: gpd.GeoDataFrame | None = None,
    weight_col: str = "displaced_est",
    service_distance_m: float | None = None,
    polygon_crs: str = "EPSG:4326",
    threshold_m: float | None = None,
    n_nearest: int = 3,
) -> dict:
    """Describe an area drawn as a possible new centre.

    Parameters
    ----------
    polygon
        Shapely polygon in ``polygon_crs`` (lon/lat by default), or a GeoSeries/GeoDataFrame
        (its own CRS; parts are merged).
    scenarios
        Flood scenarios by name; the area's flood status is given in each.
    demand
        Displaced people (points or polygons) with persons in ``weight_col``.
    centres
        Existing centres (points) with ``centre_id`` and ``name``.
    service_distance_m
        Default :data:`settings.SERVICE_DISTANCE_M`; distance measured from the area's edge
        (0 inside).
    threshold_m
        Flood threshold; default :data:`settings.FLOOD_THRESHOLD_M`.
    n_nearest
        How many nearest centres to list.

    Returns
    -------
    dict
        ``area_m2``, ``capacity_site_persons`` (area / 45 m²), ``covered_area_needed_m2``
        (3.5 m² per person of that capacity), ``capacity_if_all_covered_persons``
        (area / 3.5 m²), ``displaced_within_m`` and ``n_demand_within``, ``scenarios`` (one
        dict per scenario: ``scenario``, ``status`` dry|partly_flooded|flooded|no_data,
        ``flooded_share``, ``max_depth_m``), ``nearest_centres`` (dicts: ``centre_id``,
        ``name``, ``distance_m``), ``notes``.

    Raises
    ------
    InputError
        Empty or non-polygon geometry.
    """
    service_distance_m = (settings.SERVICE_DISTANCE_M if service_distance_m is None
                          else service_distance_m)
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m
    scenarios = dict(scenarios or {})
    if isinstance(polygon, gpd.GeoDataFrame):
        polygon = polygon.geometry
    if isinstance(polygon, gpd.GeoSeries):
        if polygon.crs is None:
            raise CRSError(Problem.keyed("area_no_crs"))
        area_gs = gpd.GeoSeries([shapely.union_all(polygon.to_numpy())], crs=polygon.crs)
    else:
        area_gs = gpd.GeoSeries([polygon], crs=polygon_crs)
    geom = area_gs.iloc[0]
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError(Problem.keyed("area_not_polygon"))
    first = next(iter(scenarios.values())) if scenarios else None
    crs = (metric_crs(first.crs, bounds=first.bounds) if first is not None
           else settings.WORK_CRS)
    work = area_gs.to_crs(crs).iloc[0]
    # in the flood raster's CRS: planar when projected, on the ellipsoid when in degrees
    own = first.crs if first is not None else crs
    area = float(geometry_areas_m2(np.array([area_gs.to_crs(own).iloc[0]], dtype=object),
                                   own)[0])
    cap = int(site_capacity_from_area(area))
    out: dict = {
        "area_m2": area,
        "capacity_site_persons": cap,
        "covered_area_needed_m2": cap * settings.COVERED_AREA_M2_PER_PERSON,
        "capacity_if_all_covered_persons": int(capacity_from_area(area)),
        "service_distance_m": float(service_distance_m),
        "displaced_within_m": 0.0,
        "n_demand_within": 0,
        "scenarios": [],
        "nearest_centres": [],
        "notes": [],
    }
    for name, scen in scenarios.items():
        out["scenarios"].append(_area_flood(area_gs.to_crs(scen.crs).iloc[0], scen, name,
                                            threshold_m))
    if demand is not None and not demand.empty:
        pts = demand_points(demand, weight_col=weight_col, crs=crs)
        d = pts.geometry.distance(work).to_numpy()
        near = d <= service_distance_m
        out["displaced_within_m"] = float(pts["weight"].to_numpy()[near].sum())
        out["n_demand_within"] = int((near & (pts["weight"].to_numpy() > 0)).sum())
    if centres is not None and not centres.empty:
        cen = centres.to_crs(crs)
        d = cen.geometry.distance(work).to_numpy()
        order = np.argsort(d, kind="stable")[:n_nearest]
        ids = cen["centre_id"].astype(str).to_numpy() if "centre_id" in cen \
            else cen.index.astype(str).to_numpy()
        names = cen["name"].astype("string").fillna("").to_numpy(dtype=object) \
            if "name" in cen else np.full(len(cen), "", dtype=object)
        out["nearest_centres"] = [{"centre_id": str(ids[i]), "name": str(names[i]),
                                   "distance_m": float(d[i])} for i in order]
    return out


def _area_flood(geom, scen: FloodScenario, name: str, threshold_m: float) -> dict:
    """Flood status of one polygon in one scenario (cells whose centre is inside)."""
    row = {"scenario": name, "status": "no_data", "flooded_share": np.nan,
           "max_depth_m": np.nan}
    left, bottom, right, top = geom.bounds
    rb = scen.bounds
    if right <= rb[0] or left >= rb[2] or top <= rb[1] or bottom >= rb[3]:
        return row
    win = from_bounds(max(left, rb[0]), max(bottom, rb[1]), min(right, rb[2]), min(top, rb[3]),
                      scen.transform).round_offsets(op="floor").round_lengths(op="ceil")
    win = Window(win.col_off, win.row_off, min(win.width + 1, scen.shape[1] - win.col_off),
                 min(win.height + 1, scen.shape[0] - win.row_off))
    depth = scen.read_depth(win)
    transform = scen.transform * Affine.translation(win.col_off, win.row_off)
    inside = rasterize([(geom, 1)], out_shape=depth.shape, transform=transform, fill=0,
                       dtype="uint8").astype(bool)
    if not inside.any():  # smaller than a cell: take the cells it touches
        inside = rasterize([(geom, 1)], out_shape=depth.shape, transform=transform, fill=0,
                           dtype="uint8", all_touched=True).astype(bool)
    vals = depth[inside]
    vals = vals[~np.isnan(vals)]
    if vals.size == 0:
        return row
    flooded = vals >= threshold_m
    share = float(flooded.mean())
    row["flooded_share"] = share
    row["max_depth_m"] = float(vals.max()) if flooded.any() else 0.0
    row["status"] = "dry" if share == 0 else ("flooded" if share >= 0.5 else "partly_flooded")
    return row

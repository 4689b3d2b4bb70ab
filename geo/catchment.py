"""Catchments: which operational centre serves which displaced, and who is left without a place.

Demand (points, or polygons taken at a representative point) with a weight in persons is
assigned to the nearest **operational** centre — ``status == "open"`` and a flood status that is
neither ``flooded`` nor ``isolated`` — within the service distance ``service_distance_m``. Two
distance modes:

``straight``
    straight line in metres in the working CRS; travel time at walking speed.
``flood-aware``
    least-time route over the scenario's friction grid (:mod:`geo.travel`); a centre is within
    reach when the route takes no longer than walking ``service_distance_m`` on dry ground.

Capacity per centre is ``capacity_persons``, else ``floor(covered_area_m2 / 3.5)`` (Sphere), else
unknown (unknown capacity never counts as overcrowded and, when capacity is respected, takes
any number). With ``respect_capacity=True`` demand–centre pairs are served closest first, so
what a full centre cannot take goes to the next nearest centre with room.

Everything is computed in metres in a projected CRS (the scenario raster's when it is
projected; the UTM zone of a geographic one; else :data:`settings.WORK_CRS`), distances and
zone areas included; frames come back in EPSG:4326, ready to write as GeoPackage layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from shapely.geometry import box, shape

from geo import settings
from geo.errors import CRSError, InputError, Problem
from geo.flood import FloodScenario
from geo.raster import metric_crs
from geo.schema import capacity_persons, operational_mask, scenario_rows
from geo.travel import cost_allocation, friction_surface, travel_matrix

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "CAPACITY_COLUMNS",
    "CATCHMENT_COLUMNS",
    "Assignment",
    "assign",
    "demand_points",
    "with_flood_status",
]

Mode = Literal["straight", "flood-aware"]

#: Columns of the ``assignments`` layer (geometry last: the demand point).
ASSIGNMENT_COLUMNS: tuple[str, ...] = (
    "demand_id", "name", "scenario", "mode", "demand_persons", "nearest_centre_id",
    "distance_m", "travel_min", "centre_id", "centre_name", "assigned_persons",
    "unserved_persons", "unserved_reason", "allocation",
)
#: Columns of the ``centres_capacity`` layer (geometry last: the centre point).
CAPACITY_COLUMNS: tuple[str, ...] = (
    "centre_id", "name", "status", "flood_status", "operational", "capacity_persons",
    "capacity_source", "persons", "incoming", "total_persons", "spare", "overcrowded",
    "n_demand",
)
#: Columns of the ``catchments`` layer (geometry last: the zone).
CATCHMENT_COLUMNS: tuple[str, ...] = ("centre_id", "name", "mode", "area_m2")

UNSERVED_REASONS: tuple[str, ...] = ("too_far", "unreachable", "over_capacity", "no_centre")


@dataclass(frozen=True)
class Assignment:
    """Result of :func:`assign`; frames in EPSG:4326 with plain dtypes.

    Attributes
    ----------
    assignments
        One row per demand point (:data:`ASSIGNMENT_COLUMNS`). ``distance_m``/``travel_min``
        go to the nearest operational centre (``NaN`` when none can be reached; in
        flood-aware mode routes beyond the limit are not followed, so also ``NaN`` there);
        ``centre_id`` is the centre that takes most of the demand; ``allocation`` lists every
        share as ``"C01:120.0;C05:30.0"``; ``unserved_reason`` is empty when all are served,
        else ``too_far``, ``unreachable`` (flood-aware: no route), ``over_capacity`` or
        ``no_centre``.
    centres_capacity
        One row per input centre (:data:`CAPACITY_COLUMNS`).
    catchments
        One polygon per operational centre: the part of the study area nearest to it
        (:data:`CATCHMENT_COLUMNS`).
    notes
        Assumptions and conversions, for reports and exports.
    """

    assignments: gpd.GeoDataFrame
    centres_capacity: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    notes: tuple[Problem | str, ...] = field(default=())

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The three GeoPackage layers by name: assignments, catchments, centres_capacity."""
        return {
            "assignments": self.assignments,
            "catchments": self.catchments,
            "centres_capacity": self.centres_capacity,
        }

    @property
    def unserved_persons(self) -> float:
        return float(self.assignments["unserved_persons"].sum())


# --- inputs ----------------------------------------------------------------------------------
def demand_points(
    demand: gpd.GeoDataFrame,
    *,
    weight_col: str,
    id_col: str | None = None,
    crs=None,
) -> gpd.GeoDataFrame:
    """Demand as points with ``demand_id``, ``name`` and ``weight`` (persons) in ``crs``.

    Polygons are taken at a representative point (always inside the polygon). Missing
    weights count as 0.

    Raises
    ------
    CRSError
        ``demand`` has no CRS.
    InputError
        The weight column is missing, not numeric, or negative somewhere.
    """
    crs = crs or settings.WORK_CRS
    if demand.crs is None:
        raise CRSError(Problem.keyed("layer_no_crs", source="demand"))
    if weight_col not in demand:
        raise InputError(Problem.keyed(
            "no_weight_column", source="demand", column=weight_col, weight_col=weight_col,
            choices=", ".join(map(str, demand.columns.drop("geometry")))))
    weight = pd.to_numeric(demand[weight_col], errors="coerce")
    bad = demand[weight_col].notna() & weight.isna()
    problems = [Problem.keyed("weight_not_a_number", source="demand", row=i + 1,
                              column=weight_col)
                for i in np.flatnonzero(bad.to_numpy())]
    problems += [Problem.keyed("weight_negative", source="demand", row=i + 1, column=weight_col)
                 for i in np.flatnonzero((weight < 0).fillna(False).to_numpy())]
    if problems:
        raise InputError(problems)
    keep = demand.geometry.notna() & ~demand.geometry.is_empty
    frame = demand[keep]
    if id_col is None:
        id_col = next((c for c in ("community_id", "demand_id", "centre_id", "id")
                       if c in frame), None)
    ids = (frame[id_col].astype(str) if id_col else
           pd.Series([str(i) for i in frame.index], index=frame.index))
    names = frame["name"].astype("string").fillna("").astype(object) if "name" in frame \
        else pd.Series("", index=frame.index, dtype=object)
    geom = frame.geometry.to_crs(crs)
    pts = geom.where(geom.geom_type == "Point", geom.representative_point())
    return gpd.GeoDataFrame({
        "demand_id": ids.to_numpy(dtype=object),
        "name": names.to_numpy(dtype=object),
        "weight": weight[keep].fillna(0.0).to_numpy(dtype="float64"),
    }, geometry=pts.to_numpy(), crs=crs)


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    if gdf.empty:
        return np.zeros((0, 2))
    return np.column_stack([gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()])


def _check_centres(centres: gpd.GeoDataFrame) -> None:
    problems = []
    if centres.crs is None:
        raise CRSError(Problem.keyed("layer_no_crs", source="centres"))
    if "centre_id" not in centres:
        problems.append(Problem.keyed("no_centre_id", source="centres", column="centre_id"))
    if len(centres) and not centres.geometry.geom_type.isin(["Point"]).all():
        problems.append(Problem.keyed("centres_not_points", source="centres"))
    if problems:
        raise InputError(problems)


def with_flood_status(
    centres: gpd.GeoDataFrame,
    centres_exposure: pd.DataFrame,
    *,
    scenario: str | None = None,
    exposure_status_col: str = "flood_status",
    flood_status_col: str = "flood_status",
) -> gpd.GeoDataFrame:
    """Canonical centres with the scenario's flood status added as ``flood_status_col``.

    Joins the exposure engine's per-scenario ``flood_status`` onto the canonical centres by
    ``centre_id``, so a frame of centres from any source gets the scenario's status; centres the
    exposure table does not list get ``unknown``.

    Parameters
    ----------
    centres
        Canonical centres (``centre_id``, ``status`` open/closed/proposed, …).
    centres_exposure
        The exposure engine's centre table (one row per centre per scenario, or one scenario).
    scenario
        Scenario name to pick from a long table (``None``: the table holds one scenario).
    """
    table = centres_exposure if scenario is None else scenario_rows(centres_exposure, scenario)
    status = dict(zip(table["centre_id"].astype(str),
                      table[exposure_status_col].astype(str), strict=True))
    out = centres.copy()
    out[flood_status_col] = [status.get(str(c), "unknown") for c in out["centre_id"]]
    return out


# --- assignment ------------------------------------------------------------------------------
def assign(
    demand: gpd.GeoDataFrame,
    centres: gpd.GeoDataFrame,
    *,
    weight_col: str = "displaced_est",
    demand_id_col: str | None = None,
    service_distance_m: float | None = None,
    mode: Mode = "straight",
    scenario: FloodScenario | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    respect_capacity: bool = False,
    flood_status_col: str = "flood_status",
    study_area: gpd.GeoDataFrame | None = None,
    threshold_m: float | None = None,
) -> Assignment:
    """Assign demand to the nearest operational centre and weigh it against capacity.

    Parameters
    ----------
    demand
        Points or polygons (any CRS) with a weight in persons (e.g. the exposure engine's
        communities for one scenario, weight ``displaced_est``).
    centres
        Centres (points, any CRS) with ``centre_id``, ``status`` (open/closed/proposed), and
        optionally ``name``, ``persons`` (current occupants), ``capacity_persons``,
        ``covered_area_m2`` and the scenario's flood status in ``flood_status_col``.
    weight_col
        Column of ``demand`` with persons.
    demand_id_col
        Id column of ``demand`` (default ``community_id`` or ``demand_id`` when present).
    service_distance_m
        Farthest a centre may be (metres); default :data:`settings.SERVICE_DISTANCE_M`. In
        flood-aware mode the limit is the time to walk this far on dry ground.
    mode
        ``"straight"`` or ``"flood-aware"`` (needs ``scenario``).
    scenario
        Flood scenario: sets the working CRS and, in flood-aware mode, the friction grid.
    rivers
        River lines for boat travel (flood-aware mode).
    respect_capacity
        Send what a full centre cannot take to the next nearest centre with room.
    flood_status_col
        Column of ``centres`` holding the scenario's flood status.
    study_area
        Polygons bounding the catchment zones; default the scenario raster's extent, else the
        demand and centres' extent grown by ``service_distance_m``.
    threshold_m
        Flood threshold for the friction grid (default :data:`settings.FLOOD_THRESHOLD_M`).

    Returns
    -------
    Assignment
        Frames in EPSG:4326. No operational centre is not an error: all demand comes back
        unserved with reason ``no_centre``.

    Raises
    ------
    InputError
        Unknown mode, flood-aware mode without a scenario, or bad weights or centres.
    """
    if mode not in ("straight", "flood-aware"):
        raise InputError(Problem.keyed("unknown_distance_mode", mode=str(mode)))
    if mode == "flood-aware" and scenario is None:
        raise InputError(Problem.keyed("flood_aware_needs_scenario"))
    _check_centres(centres)
    service_distance_m = (settings.SERVICE_DISTANCE_M if service_distance_m is None
                          else float(service_distance_m))
    crs = (metric_crs(scenario.crs, bounds=scenario.bounds) if scenario is not None
           else settings.WORK_CRS)
    notes: list[Problem | str] = []
    if scenario is not None and scenario.crs.is_geographic:
        notes.append(Problem.keyed("catchment_note_metric_crs", crs=crs.to_string()))
    pts = demand_points(demand, weight_col=weight_col, id_col=demand_id_col, crs=crs)
    cen = centres.to_crs(crs)
    is_op = operational_mask(cen, flood_status_col=flood_status_col).to_numpy()
    if flood_status_col not in cen:
        notes.append(Problem.keyed("catchment_note_no_status", column=flood_status_col))
    op = cen[is_op]
    walk_min_per_m = 60.0 / (settings.WALK_SPEED_KMH * 1000.0)
    limit_min = service_distance_m * walk_min_per_m
    d_xy, c_xy = _xy(pts), _xy(op)

    surface = None
    if mode == "straight":
        metres = np.hypot(d_xy[:, None, 0] - c_xy[None, :, 0], d_xy[:, None, 1] - c_xy[None, :, 1])
        minutes = metres * walk_min_per_m
        connected = np.ones(metres.shape, dtype=bool)
        reach = metres <= service_distance_m
        cost = metres
    else:
        every = np.vstack([d_xy, c_xy]) if len(d_xy) or len(c_xy) else np.zeros((0, 2))
        if len(every):
            lo, hi = every.min(axis=0) - service_distance_m, every.max(axis=0) + service_distance_m
            bounds = (lo[0], lo[1], hi[0], hi[1])
        else:
            bounds = None
        surface = friction_surface(scenario, bounds=bounds, rivers=rivers,
                                   threshold_m=threshold_m)
        result = travel_matrix(surface, d_xy, c_xy, limit_min=limit_min)
        minutes, metres, connected = result.minutes, result.metres, result.connected
        notes += result.notes
        reach = minutes <= limit_min
        cost = minutes

    n_d, n_c = cost.shape if cost.size else (len(pts), len(op))
    alloc = np.zeros((n_d, n_c))
    weight = pts["weight"].to_numpy()
    capacity, cap_source = capacity_persons(cen)
    occupants = pd.to_numeric(cen.get("persons", pd.Series(0, index=cen.index)),
                              errors="coerce").fillna(0).to_numpy(dtype="float64")
    room = (capacity.to_numpy() - occupants)[is_op]
    room = np.where(np.isnan(room), np.inf, np.maximum(room, 0.0))
    if respect_capacity:
        di, ci = np.nonzero(reach)
        order = np.lexsort((ci, di, cost[di, ci]))
        left = weight.copy()
        for i, j in zip(di[order], ci[order], strict=True):
            take = min(left[i], room[j])
            if take > 0:
                alloc[i, j] += take
                left[i] -= take
                room[j] -= take
    elif n_c:
        nearest = np.argmin(np.where(np.isfinite(cost), cost, np.inf), axis=1)
        ok = reach[np.arange(n_d), nearest]
        alloc[np.flatnonzero(ok), nearest[ok]] = weight[ok]

    assignments = _assignment_frame(pts, op, alloc, cost, metres, minutes, reach, connected,
                                    weight, scenario=scenario, mode=mode)
    capacity_frame = _capacity_frame(cen, is_op, alloc, capacity, cap_source, occupants,
                                     flood_status_col)
    area = _study_area(study_area, scenario, pts, cen, service_distance_m, crs)
    if mode == "straight":
        zones = _voronoi_catchments(op, area)
    else:
        zones = _raster_catchments(op, surface, c_xy, area)
    zones.insert(2, "mode", mode)
    if respect_capacity:
        notes.append(Problem.keyed("catchment_note_capacity"))
    if (cap_source == "unknown").any():
        notes.append(Problem.keyed("catchment_note_capacity_unknown",
                                   n=int((cap_source == "unknown").sum())))
    if not len(op):
        notes.append(Problem.keyed("catchment_note_no_centre"))
    return Assignment(assignments, capacity_frame, zones.to_crs(settings.DISPLAY_CRS),
                      tuple(dict.fromkeys(notes)))


def _assignment_frame(pts, op, alloc, cost, metres, minutes, reach, connected, weight, *,
                      scenario, mode):
    n_d, n_c = alloc.shape
    ids = op["centre_id"].astype(str).to_numpy()
    names = (op["name"].astype("string").fillna("").to_numpy(dtype=object) if "name" in op
             else np.full(n_c, "", dtype=object))
    assigned = alloc.sum(axis=1)
    unserved = np.maximum(weight - assigned, 0.0)
    rows = []
    for i in range(n_d):
        finite = np.isfinite(cost[i]) if n_c else np.zeros(0, bool)
        near = int(np.argmin(np.where(finite, cost[i], np.inf))) if finite.any() else None
        shares = np.flatnonzero(alloc[i] > 0)
        shares = shares[np.lexsort((shares, cost[i, shares]))]
        main = int(shares[np.argmax(alloc[i, shares])]) if len(shares) else None
        if unserved[i] <= 0:
            reason = ""
        elif n_c == 0:
            reason = "no_centre"
        elif reach[i].any():
            reason = "over_capacity"
        elif not connected[i].any():
            reason = "unreachable"
        else:
            reason = "too_far"
        rows.append({
            "nearest_centre_id": ids[near] if near is not None else None,
            "distance_m": float(metres[i, near]) if near is not None else np.nan,
            "travel_min": float(minutes[i, near]) if near is not None else np.nan,
            "centre_id": ids[main] if main is not None else None,
            "centre_name": names[main] if main is not None else None,
            "unserved_reason": reason,
            "allocation": ";".join(f"{ids[j]}:{alloc[i, j]:.1f}" for j in shares),
        })
    extra = pd.DataFrame(rows, columns=[
        "nearest_centre_id", "distance_m", "travel_min", "centre_id", "centre_name",
        "unserved_reason", "allocation"])
    frame = pd.DataFrame({
        "demand_id": pts["demand_id"].to_numpy(dtype=object),
        "name": pts["name"].to_numpy(dtype=object),
        "scenario": scenario.name if scenario is not None else "",
        "mode": mode,
        "demand_persons": weight,
        "assigned_persons": assigned,
        "unserved_persons": unserved,
    })
    for col in extra:
        frame[col] = extra[col].to_numpy()
    frame["distance_m"] = frame["distance_m"].astype("float64")
    frame["travel_min"] = frame["travel_min"].astype("float64")
    out = gpd.GeoDataFrame(frame[list(ASSIGNMENT_COLUMNS)], geometry=pts.geometry.to_numpy(),
                           crs=pts.crs)
    return out.to_crs(settings.DISPLAY_CRS)


def _capacity_frame(cen, is_op, alloc, capacity, cap_source, occupants, flood_status_col):
    incoming = np.zeros(len(cen))
    n_demand = np.zeros(len(cen), dtype="int64")
    incoming[is_op] = alloc.sum(axis=0)
    n_demand[is_op] = (alloc > 0).sum(axis=0)
    cap = capacity.to_numpy(dtype="float64")
    total = occupants + incoming
    flood = (cen[flood_status_col].astype("string").fillna("unknown").to_numpy(dtype=object)
             if flood_status_col in cen else np.full(len(cen), "unknown", dtype=object))
    frame = pd.DataFrame({
        "centre_id": cen["centre_id"].astype(str).to_numpy(dtype=object),
        "name": (cen["name"].astype("string").fillna("").to_numpy(dtype=object)
                 if "name" in cen else ""),
        "status": (cen["status"].astype("string").fillna("").to_numpy(dtype=object)
                   if "status" in cen else "open"),
        "flood_status": flood,
        "operational": is_op.astype(bool),
        "capacity_persons": cap,
        "capacity_source": cap_source.to_numpy(dtype=object),
        "persons": occupants,
        "incoming": incoming,
        "total_persons": total,
        "spare": cap - total,
        "overcrowded": np.where(np.isnan(cap), False, total > cap).astype(bool),
        "n_demand": n_demand,
    })
    out = gpd.GeoDataFrame(frame, geometry=cen.geometry.to_numpy(), crs=cen.crs)
    return out.to_crs(settings.DISPLAY_CRS)


# --- catchment zones -------------------------------------------------------------------------
def _study_area(study_area, scenario, pts, cen, service_distance_m, crs):
    if study_area is not None and not study_area.empty:
        return shapely.union_all(study_area.to_crs(crs).geometry.to_numpy())
    if scenario is not None:
        return gpd.GeoSeries([box(*scenario.bounds)], crs=scenario.crs).to_crs(crs).iloc[0]
    geoms = [g for g in (*pts.geometry, *cen.geometry) if g is not None and not g.is_empty]
    if not geoms:
        return None
    return box(*shapely.MultiPoint(geoms).bounds).buffer(service_distance_m, join_style="mitre")


def _empty_zones(crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"centre_id": pd.Series(dtype=object),
                             "name": pd.Series(dtype=object),
                             "area_m2": pd.Series(dtype="float64")},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def _zones_frame(op, geoms, crs) -> gpd.GeoDataFrame:
    names = (op["name"].astype("string").fillna("").to_numpy(dtype=object) if "name" in op
             else np.full(len(op), "", dtype=object))
    keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    if not keep:
        return _empty_zones(crs)
    gs = gpd.GeoSeries([geoms[i] for i in keep], crs=crs)
    return gpd.GeoDataFrame({
        "centre_id": op["centre_id"].astype(str).to_numpy(dtype=object)[keep],
        "name": names[keep],
        "area_m2": gs.area.to_numpy(),
    }, geometry=gs.to_numpy(), crs=crs)


def _voronoi_catchments(op: gpd.GeoDataFrame, area) -> gpd.GeoDataFrame:
    """Voronoi cells of the operational centres, clipped to the study area."""
    crs = op.crs
    if op.empty or area is None:
        return _empty_zones(crs)
    xy = _xy(op)
    uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    frame = box(*area.bounds).buffer(1.0)
    if len(uniq) == 1:
        cells = [frame]
    else:
        cells = list(shapely.voronoi_polygons(shapely.MultiPoint(uniq), extend_to=frame,
                                              ordered=True).geoms)
    # centres that share a location: the first one listed takes the cell
    first = {}
    for i, u in enumerate(inverse):
        first.setdefault(int(u), i)
    geoms = [cells[int(u)].intersection(area) if first[int(u)] == i else None
             for i, u in enumerate(inverse)]
    return _zones_frame(op, geoms, crs)


def _raster_catchments(op, surface, c_xy, area) -> gpd.GeoDataFrame:
    """Polygonised least-time allocation of the travel grid to the operational centres."""
    crs = op.crs
    if op.empty or surface is None:
        return _empty_zones(crs)
    alloc, _ = cost_allocation(surface, c_xy)
    parts: dict[int, list] = {}
    for geom, value in shapes(alloc, mask=alloc >= 0, transform=surface.grid.transform):
        parts.setdefault(int(value), []).append(shape(geom))
    geoms = []
    for j in range(len(op)):
        g = shapely.union_all(parts[j]) if j in parts else None
        if g is not None and area is not None:
            g = g.intersection(area)
        geoms.append(g)
    return _zones_frame(op, geoms, crs)

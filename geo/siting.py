"""Siting new collective centres: where it is safe to build, and which k places serve most.

Three steps, each usable on its own:

:func:`suitability`
    cells that stay dry in the worst scenario with a safety margin (dry at a river stage
    ``margin_m`` higher when a DEM and depths are known, else at least ``water_buffer_m`` from
    the water's edge), outside river channels, and — when demand is given — within the service
    distance of displaced people.
:func:`evaluate_area`
    a polygon the planner draws: area, Sphere capacity, flood status in every scenario,
    displaced within reach, nearest existing centres.
:func:`optimise_sites`
    choose ``k`` new sites among candidates (given, or from :func:`candidate_sites`) with
    spopt's maximal covering (``objective="coverage"``) or p-median (``"median"``) model solved
    by PuLP's CBC, existing centres fixed open.

:func:`plan_sites` chains them for the CLI and the app. Work is in metres in a projected CRS
(the scenario raster's when given, else :data:`settings.WORK_CRS`); frames come back in
EPSG:4326 with plain dtypes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize, shapes
from rasterio.warp import reproject
from rasterio.windows import Window, from_bounds
from scipy import ndimage
from scipy.spatial import cKDTree
from shapely.geometry import shape
from spopt.locate import MCLP, PMedian

from geo import settings
from geo.catchment import assign, demand_points
from geo.errors import CRSError, InputError, Problem, SolverError
from geo.flood import FloodScenario
from geo.raster import RasterSource
from geo.schema import capacity_from_area, operational_mask
from geo.travel import depth_grid

__all__ = [
    "COVERAGE_COLUMNS",
    "NEW_SITE_COLUMNS",
    "SitingResult",
    "Suitability",
    "candidate_sites",
    "evaluate_area",
    "optimise_sites",
    "plan_sites",
    "suitability",
]

Objective = Literal["coverage", "median"]

#: Columns of the ``new_sites`` layer (geometry last: the site).
NEW_SITE_COLUMNS: tuple[str, ...] = (
    "site_id", "candidate_id", "rank", "covered_weight", "covered_weight_total",
    "assigned_weight", "n_demand_added", "mean_distance_m", "site_area_needed_m2",
    "nearest_existing_id",
    "nearest_existing_m", "reason",
)
#: Columns of the ``coverage`` layer (geometry last: the demand point).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "demand_id", "name", "weight", "covered", "covered_by", "covered_by_kind",
    "nearest_facility_id", "nearest_kind", "distance_m",
)


# --- suitability -------------------------------------------------------------------------------
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
    notes: tuple[str, ...] = field(default=())

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
    notes.append(f"dry in {scenario_worst.name} (depth below {threshold_m:g} m)")
    if flooded.any():
        dist_cells, (near_r, near_c) = ndimage.distance_transform_edt(
            ~flooded, return_indices=True)
        if dem is not None and scenario_worst.has_depth:
            ground = _dem_on_grid(dem, grid, notes)
            wse = ground + np.where(flooded, depth, 0)
            raised = wse[near_r, near_c] + margin_m
            mask &= ~((raised - ground) >= threshold_m) & ~np.isnan(ground)
            notes.append(f"stays dry with the river stage {margin_m:g} m higher")
        else:
            mask &= dist_cells * cell >= water_buffer_m
            notes.append(f"at least {water_buffer_m:g} m from flooded cells")
    if rivers is not None and not rivers.empty:
        lines = rivers.to_crs(grid.crs).geometry
        lines = lines[lines.notna() & ~lines.is_empty]
        if len(lines):
            channel = rasterize(((g.buffer(settings.RIVER_CHANNEL_BUFFER_M), 1) for g in lines),
                                out_shape=depth.shape, transform=grid.transform, fill=0,
                                dtype="uint8", all_touched=True).astype(bool)
            mask &= ~channel
            notes.append(f"outside river channels ({settings.RIVER_CHANNEL_BUFFER_M:g} m "
                         "either side of the river lines)")
    if demand is not None:
        pts = demand_points(demand, weight_col=weight_col, crs=grid.crs)
        xy = _xy(pts[pts["weight"] > 0])
        rows, cols = np.nonzero(mask)
        keep = np.zeros(len(rows), dtype=bool)
        if len(xy) and len(rows):
            centres = grid.cell_centres(rows, cols)
            dist, _ = cKDTree(xy).query(centres, distance_upper_bound=service_distance_m)
            keep = np.isfinite(dist)
        mask[rows[~keep], cols[~keep]] = False
        notes.append(f"within {service_distance_m:g} m of displaced people")
    polygons = _mask_polygons(mask, grid.transform, grid.crs)
    return Suitability(mask, grid.transform, grid.crs, polygons, tuple(notes))


def _dem_on_grid(dem: RasterSource, grid, notes: list[str]) -> np.ndarray:
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
    notes.append(f"DEM {dem.label} resampled (bilinear) onto the {grid.cell_size_m:g} m "
                 "flood grid for the stage margin")
    return out


def _mask_polygons(mask: np.ndarray, transform: Affine, crs) -> gpd.GeoDataFrame:
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


# --- evaluating a drawn area -------------------------------------------------------------------
def evaluate_area(
    polygon,
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
            raise CRSError(Problem("the drawn area has no CRS", fix="set one (EPSG:4326)"))
        area_gs = gpd.GeoSeries([shapely.union_all(polygon.to_numpy())], crs=polygon.crs)
    else:
        area_gs = gpd.GeoSeries([polygon], crs=polygon_crs)
    geom = area_gs.iloc[0]
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError(Problem("the drawn area must be a polygon with some area",
                                 fix="draw a polygon (not a line or a point)"))
    crs = next(iter(scenarios.values())).crs if scenarios else settings.WORK_CRS
    work = area_gs.to_crs(crs).iloc[0]
    area = float(work.area)
    cap = int(np.floor(area / settings.SITE_AREA_M2_PER_PERSON))
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


# --- optimisation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SitingResult:
    """Result of :func:`optimise_sites`; frames in EPSG:4326.

    Attributes
    ----------
    new_sites
        The chosen sites (:data:`NEW_SITE_COLUMNS` plus the candidates' own columns).
        ``covered_weight`` is the demand within the radius that this site covers and no
        existing centre does (shared with another new site: counted for the nearer one), so
        the column sums to the coverage the new sites add; ``covered_weight_total`` counts all
        demand within the radius; ``assigned_weight`` the demand for which it is the nearest
        open centre; ``site_area_needed_m2`` the site area its added (coverage) or assigned
        (median) persons need at :data:`settings.SITE_AREA_M2_PER_PERSON`.
    coverage
        One row per demand point (:data:`COVERAGE_COLUMNS`).
    objective
        ``"coverage"`` or ``"median"``.
    status
        ``"optimal"``, ``"time_limit"`` (best found, not proven) or ``"greedy"`` (CBC found
        nothing; a greedy answer).
    objective_value
        Covered weight (coverage) or total weighted distance in metre-persons (median).
    total_weight, covered_weight, covered_by_existing_weight
        Persons: all demand, covered after siting, covered by existing centres alone.
    notes
        Assumptions, for reports.
    """

    new_sites: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    objective: str
    status: str
    objective_value: float
    total_weight: float
    covered_weight: float
    covered_by_existing_weight: float
    notes: tuple[str, ...] = field(default=())

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The two GeoPackage layers by name: new_sites, coverage."""
        return {"new_sites": self.new_sites, "coverage": self.coverage}


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    if gdf.empty:
        return np.zeros((0, 2))
    return np.column_stack([gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()])


def _points(gdf: gpd.GeoDataFrame, *, what: str, crs, id_col: str | None,
            default_ids: tuple[str, ...]) -> tuple[gpd.GeoDataFrame, np.ndarray, bool]:
    """Reproject to ``crs``, polygons to representative points; ids as str."""
    if gdf.crs is None:
        raise CRSError(Problem(f"the {what} layer has no CRS", source=what,
                               fix="set one, e.g. gdf.set_crs('EPSG:4326')"))
    moved = CRS.from_user_input(gdf.crs) != CRS.from_user_input(crs)
    keep = gdf.geometry.notna() & ~gdf.geometry.is_empty
    frame = gdf[keep].to_crs(crs)
    geom = frame.geometry
    frame = frame.set_geometry(geom.where(geom.geom_type == "Point",
                                          geom.representative_point()))
    id_col = id_col or next((c for c in default_ids if c in frame), None)
    ids = (frame[id_col].astype(str).to_numpy(dtype=object) if id_col else
           np.array([str(i) for i in frame.index], dtype=object))
    return frame, ids, moved


def optimise_sites(
    candidates: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    existing: gpd.GeoDataFrame | None = None,
    *,
    k: int,
    radius_m: float | None = None,
    objective: Objective = "coverage",
    weight_col: str = "weight",
    demand_id_col: str | None = None,
    candidate_id_col: str | None = None,
    time_limit_s: float | None = None,
    crs=None,
    solver: pulp.LpSolver | None = None,
) -> SitingResult:
    """Choose ``k`` new sites among ``candidates``, existing centres kept open.

    Parameters
    ----------
    candidates
        Candidate points (any CRS), id in ``candidate_id_col`` (default ``candidate_id``).
    demand
        Points or polygons (any CRS) with persons in ``weight_col``.
    existing
        Centres that stay open (pass the operational ones; see
        :func:`geo.schema.operational_mask`), ids in ``centre_id``. ``None``: none.
    k
        Number of new sites (1 … number of candidates).
    radius_m
        Service distance; default :data:`settings.SERVICE_DISTANCE_M`.
    objective
        ``"coverage"``: spopt ``MCLP`` — maximise persons within ``radius_m`` of an open
        centre. ``"median"``: spopt ``PMedian`` — minimise persons × metres to the nearest
        open centre.
    time_limit_s
        CBC time limit; default :data:`settings.SOLVER_TIME_LIMIT_S`.
    crs
        Projected working CRS (metres); default :data:`settings.WORK_CRS`. Layers in other
        CRSs are reprojected to it (a note says so).
    solver
        A PuLP solver to use instead of CBC (for tests and experts).

    Raises
    ------
    InputError
        ``k`` below 1 or above the number of candidates, unknown objective, a geographic
        ``crs``, or a p-median model too large (:data:`settings.SITING_MAX_MEDIAN_PAIRS`).
    SolverError
        CBC stopped at the time limit or found no answer; ``best`` holds the best feasible
        :class:`SitingResult` (the solver's, else a greedy one).
    """
    radius_m = settings.SERVICE_DISTANCE_M if radius_m is None else float(radius_m)
    time_limit_s = settings.SOLVER_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    crs = crs or settings.WORK_CRS
    if CRS.from_user_input(crs).is_geographic:
        raise InputError(Problem(f"siting needs a projected CRS in metres, got {crs}",
                                 fix="use a UTM zone, e.g. EPSG:32718"))
    if objective not in ("coverage", "median"):
        raise InputError(Problem(f"unknown objective '{objective}'",
                                 fix="use 'coverage' (maximal covering) or 'median'"))
    cand, cand_ids, moved_c = _points(candidates, what="candidates", crs=crs,
                                      id_col=candidate_id_col,
                                      default_ids=("candidate_id", "site_id", "centre_id", "id"))
    if not isinstance(k, int | np.integer) or k < 1 or k > len(cand):
        raise InputError(Problem(
            f"cannot choose {k} new site(s) from {len(cand)} candidate(s)",
            source="candidates",
            fix=f"ask for 1 to {len(cand)} sites, or give more candidates" if len(cand)
            else "give candidate points, or a scenario with dry cells to generate them",
        ))
    notes: list[str] = []
    if existing is not None and not existing.empty:
        ex, ex_ids, moved_e = _points(existing, what="existing centres", crs=crs, id_col=None,
                                      default_ids=("centre_id", "id"))
    else:
        ex, ex_ids, moved_e = None, np.zeros(0, dtype=object), False
    if demand.crs is None:
        raise CRSError(Problem("the demand layer has no CRS", source="demand",
                               fix="set one, e.g. gdf.set_crs('EPSG:4326')"))
    moved_d = CRS.from_user_input(demand.crs) != CRS.from_user_input(crs)
    pts = demand_points(demand, weight_col=weight_col, id_col=demand_id_col, crs=crs)
    if moved_c or moved_d or moved_e:
        notes.append(f"layers reprojected to {CRS.from_user_input(crs).to_string()} for "
                     "distances in metres")
    n_e = len(ex_ids)
    fac_xy = np.vstack([_xy(ex) if ex is not None else np.zeros((0, 2)), _xy(cand)])
    dem_xy = _xy(pts)
    dist = np.hypot(dem_xy[:, None, 0] - fac_xy[None, :, 0],
                    dem_xy[:, None, 1] - fac_xy[None, :, 1])
    weight = pts["weight"].to_numpy(dtype="float64")
    active = np.flatnonzero(weight > 0)
    if objective == "median" and len(active) * len(fac_xy) > settings.SITING_MAX_MEDIAN_PAIRS:
        raise InputError(Problem(
            f"the p-median model would have {len(active)} × {len(fac_xy)} assignment "
            f"variables (limit {settings.SITING_MAX_MEDIAN_PAIRS})",
            fix="use objective='coverage', fewer candidates, or aggregated demand",
        ))

    def build(open_new: np.ndarray, status: str) -> SitingResult:
        return _result(open_new, status=status, objective=objective, dist=dist, weight=weight,
                       radius_m=radius_m, n_e=n_e, ex_ids=ex_ids, cand=cand,
                       cand_ids=cand_ids, pts=pts, notes=notes, fac_xy=fac_xy)

    if len(active) == 0:
        notes.append("no demand with weight above 0: the first k candidates are returned")
        return build(np.arange(k), "optimal")
    sub = dist[active]
    predefined = np.r_[np.ones(n_e, dtype=int), np.zeros(len(cand), dtype=int)] if n_e else None
    if objective == "coverage":
        model = MCLP.from_cost_matrix(sub, weight[active], radius_m, n_e + k,
                                      predefined_facilities_arr=predefined)
    else:
        model = PMedian.from_cost_matrix(sub, weight[active], n_e + k,
                                         predefined_facilities_arr=predefined)
    solver = solver or pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
    try:
        model.problem.solve(solver)
        status, sol_status = model.problem.status, model.problem.sol_status
    except pulp.PulpSolverError as exc:
        status, sol_status = pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound
        notes.append(f"CBC failed: {exc}")
    chosen = None
    if status == pulp.LpStatusOptimal and sol_status in (pulp.LpSolutionOptimal,
                                                         pulp.LpSolutionIntegerFeasible):
        values = np.array([(v.value() or 0) for v in model.fac_vars])
        chosen = np.flatnonzero(values[n_e:] > 0.5)
        if len(chosen) != k:
            chosen = None
    if chosen is not None and sol_status == pulp.LpSolutionOptimal:
        return build(chosen, "optimal")
    if chosen is not None:
        best = build(chosen, "time_limit")
        raise SolverError(
            f"CBC stopped at the {time_limit_s:g} s time limit before proving the best "
            f"answer; the best found covers {best.covered_weight:,.0f} of "
            f"{best.total_weight:,.0f} persons (see .best)", best=best)
    best = build(_greedy(sub, weight[active], n_e, k, radius_m, objective), "greedy")
    raise SolverError(
        f"CBC found no answer ({pulp.LpStatus.get(status, status)}) within {time_limit_s:g} s; "
        f"a greedy answer is in .best (covers {best.covered_weight:,.0f} of "
        f"{best.total_weight:,.0f} persons)", best=best)


def _greedy(dist, weight, n_e, k, radius_m, objective) -> np.ndarray:
    """Add one site at a time, each the best given those already open."""
    chosen: list[int] = []
    open_cols = list(range(n_e))
    for _ in range(k):
        best_j, best_val = None, None
        for j in range(dist.shape[1] - n_e):
            if j in chosen:
                continue
            cols = [*open_cols, n_e + j]
            if objective == "coverage":
                val = -float(weight[(dist[:, cols] <= radius_m).any(axis=1)].sum())
            else:
                val = float((weight * dist[:, cols].min(axis=1)).sum())
            if best_val is None or val < best_val:
                best_j, best_val = j, val
        chosen.append(best_j)
        open_cols.append(n_e + best_j)
    return np.array(sorted(chosen))


def _result(open_new, *, status, objective, dist, weight, radius_m, n_e, ex_ids, cand,
            cand_ids, pts, notes, fac_xy) -> SitingResult:
    """Build the new_sites and coverage frames for a chosen set of candidates."""
    open_new = np.asarray(open_new, dtype=int)
    # rank the new sites by what each adds on its own beyond the existing centres
    inside = dist[:, n_e + open_new] <= radius_m
    beyond = ~(dist[:, :n_e] <= radius_m).any(axis=1) if n_e else np.ones(len(dist), bool)
    gain = (weight[:, None] * (inside & beyond[:, None])).sum(axis=0) if len(dist) else \
        np.zeros(len(open_new))
    open_new = open_new[np.lexsort((open_new, -gain))] if len(open_new) else open_new
    cols = np.r_[np.arange(n_e), n_e + open_new].astype(int)
    site_ids = np.array([f"N{r + 1}" for r in range(len(open_new))], dtype=object)
    labels = np.r_[ex_ids, site_ids].astype(object)
    kinds = np.array(["existing"] * n_e + ["new"] * len(open_new), dtype=object)
    n_d = len(pts)
    d = dist[:, cols] if n_d else np.zeros((0, len(cols)))
    nearest = d.argmin(axis=1) if len(cols) and n_d else np.zeros(n_d, dtype=int)
    near_d = d[np.arange(n_d), nearest] if n_d else np.zeros(0)
    within = d <= radius_m
    by_ex = within[:, :n_e].any(axis=1) if n_e else np.zeros(n_d, bool)
    covered = within.any(axis=1) if len(cols) else np.zeros(n_d, bool)
    covered_by = np.full(n_d, None, dtype=object)
    covered_kind = np.full(n_d, None, dtype=object)
    # existing centres first (the nearest covering one), else the nearest covering new site
    for i in np.flatnonzero(covered):
        pool = np.flatnonzero(within[i, :n_e]) if by_ex[i] else n_e + np.flatnonzero(
            within[i, n_e:])
        j = pool[np.argmin(d[i, pool])]
        covered_by[i], covered_kind[i] = labels[j], kinds[j]
    coverage = gpd.GeoDataFrame({
        "demand_id": pts["demand_id"].to_numpy(dtype=object),
        "name": pts["name"].to_numpy(dtype=object),
        "weight": weight,
        "covered": covered.astype(bool),
        "covered_by": covered_by,
        "covered_by_kind": covered_kind,
        "nearest_facility_id": labels[nearest] if len(cols) else np.full(n_d, None, object),
        "nearest_kind": kinds[nearest] if len(cols) else np.full(n_d, None, object),
        "distance_m": near_d.astype("float64"),
    }, geometry=pts.geometry.to_numpy(), crs=pts.crs).to_crs(settings.DISPLAY_CRS)

    cand_xy, ex_xy = _xy(cand), fac_xy[:n_e]
    rows = []
    for r, j in enumerate(open_new):
        col = n_e + r
        added = (covered_by == site_ids[r]) & (weight > 0)
        assigned = nearest == col
        if n_e:
            dx = np.hypot(*(ex_xy - cand_xy[j]).T)
            e = int(np.argmin(dx))
            near_ex, near_ex_m = str(ex_ids[e]), float(dx[e])
        else:
            near_ex, near_ex_m = None, np.nan
        names = [str(x) or str(i) for x, i in zip(pts["name"].to_numpy()[added],
                                                  pts["demand_id"].to_numpy()[added],
                                                  strict=True)]
        rows.append({
            "site_id": site_ids[r], "candidate_id": cand_ids[j], "rank": r + 1,
            "covered_weight": float(weight[added].sum()),
            "covered_weight_total": float(weight[within[:, col]].sum()),
            "assigned_weight": float(weight[assigned].sum()),
            "n_demand_added": int(added.sum()),
            "mean_distance_m": (float(np.average(near_d[assigned], weights=weight[assigned]))
                                if weight[assigned].sum() > 0 else np.nan),
            "site_area_needed_m2": float(
                (weight[added].sum() if objective == "coverage" else weight[assigned].sum())
                * settings.SITE_AREA_M2_PER_PERSON),
            "nearest_existing_id": near_ex, "nearest_existing_m": near_ex_m,
            "reason": _reason(objective, weight[added].sum(), names,
                              weight[assigned].sum(), near_ex, near_ex_m, radius_m),
        })
    sites = pd.DataFrame(rows, columns=list(NEW_SITE_COLUMNS))
    extra = cand.iloc[open_new].drop(columns=[c for c in cand.columns
                                              if c in sites or c == cand.geometry.name])
    for c in extra.columns:
        sites[c] = _plain(extra[c])
    new_sites = gpd.GeoDataFrame(sites, geometry=cand.geometry.iloc[open_new].to_numpy(),
                                 crs=cand.crs).to_crs(settings.DISPLAY_CRS)
    total = float(weight.sum())
    cov = float(weight[covered].sum())
    value = cov if objective == "coverage" else float((weight * near_d).sum())
    return SitingResult(new_sites, coverage, objective, status, value, total, cov,
                        float(weight[by_ex].sum()), tuple(dict.fromkeys(notes)))


def _plain(col: pd.Series) -> np.ndarray:
    """A column as a plain NumPy array (nullable dtypes to float/object) for GeoPackage."""
    if isinstance(col.dtype, pd.CategoricalDtype | pd.StringDtype) or col.dtype == object:
        return col.astype(object).where(col.notna(), None).to_numpy(dtype=object)
    if pd.api.types.is_bool_dtype(col):
        return col.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(col) and col.isna().any():
        return col.astype("float64").to_numpy()
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype="float64" if pd.api.types.is_float_dtype(col) else "int64")
    return col.astype(str).to_numpy(dtype=object)


def _reason(objective, added, names, assigned, near_ex, near_ex_m, radius_m) -> str:
    """Why a site was chosen, in one sentence a planner can read."""
    if objective == "coverage":
        if added > 0:
            listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3
                                             else "")
            text = (f"adds {added:,.0f} persons within {radius_m / 1000:g} km that no other "
                    f"open centre covers ({listed})")
        else:
            text = "adds no new coverage (all demand in reach was already covered)"
    else:
        text = f"nearest open centre for {assigned:,.0f} persons, cutting their travel"
    if near_ex is not None:
        text += f"; nearest existing centre {near_ex} at {near_ex_m / 1000:.1f} km"
    return text


# --- the whole chain, for the CLI and the app -------------------------------------------------
def plan_sites(
    demand: gpd.GeoDataFrame,
    centres: gpd.GeoDataFrame,
    *,
    k: int,
    scenario_worst: FloodScenario | None = None,
    radius_m: float | None = None,
    objective: Objective = "coverage",
    candidates: gpd.GeoDataFrame | None = None,
    weight_col: str = "displaced_est",
    basis: Literal["unserved", "all"] = "unserved",
    flood_status_col: str = "flood_status",
    dem: RasterSource | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    time_limit_s: float | None = None,
) -> tuple[SitingResult, Suitability | None]:
    """Propose ``k`` new centres for one scenario (what ``python -m geo siting`` runs).

    Parameters
    ----------
    demand
        Displaced people (points or polygons, any CRS) with persons in ``weight_col``, for the
        scenario in hand (e.g. the exposure engine's communities, ``displaced_est``), or any
        point layer with a numeric weight column.
    centres
        Existing centres with ``centre_id``, ``status`` and the scenario's flood status in
        ``flood_status_col``; the operational ones stay open.
    k
        Number of new sites.
    scenario_worst
        Scenario whose dry cells host generated candidates (needed when ``candidates`` is
        ``None``); sets the working CRS and is sampled for each chosen site's depth.
    radius_m
        Service distance; default :data:`settings.SERVICE_DISTANCE_M`.
    objective
        ``"coverage"`` or ``"median"`` (see :func:`optimise_sites`).
    candidates
        Candidate points; generated on suitable cells when ``None``.
    basis
        ``"unserved"`` (default): the demand is what existing centres cannot take — the
        persons left unserved (too far or over capacity) by a capacity-respecting
        straight-line assignment within ``radius_m`` — and existing centres are not counted as
        covering it (a full centre covers no one). ``"all"``: the whole weight, existing
        operational centres fixed open and counted as covering what is in their reach.
    dem, rivers
        For :func:`suitability` (stage margin; river channels excluded).
    time_limit_s
        CBC time limit (default :data:`settings.SOLVER_TIME_LIMIT_S`).

    Returns
    -------
    result
        :class:`SitingResult`; ``new_sites`` also carries ``depth_m_worst`` (depth at the site
        in ``scenario_worst``, NaN without one) and the candidates' columns.
    suitable
        The :class:`Suitability` used to generate candidates, else ``None``.

    Raises
    ------
    InputError, SolverError
        As :func:`optimise_sites`; InputError also when neither candidates nor a scenario are
        given, or when no one is left to serve.
    """
    radius_m = settings.SERVICE_DISTANCE_M if radius_m is None else float(radius_m)
    if basis not in ("unserved", "all"):
        raise InputError(Problem(f"unknown demand basis '{basis}'", fix="use 'unserved' or 'all'"))
    if candidates is None and scenario_worst is None:
        raise InputError(Problem("no candidate sites and no flood scenario to find dry cells",
                                 fix="give candidate points (--candidates) or a scenario"))
    crs = scenario_worst.crs if scenario_worst is not None else settings.WORK_CRS
    notes: list[str] = []
    if basis == "unserved":
        plan = assign(demand, centres, weight_col=weight_col, service_distance_m=radius_m,
                      respect_capacity=True, flood_status_col=flood_status_col,
                      scenario=scenario_worst)
        need = plan.assignments[["demand_id", "name", "unserved_persons", "geometry"]]
        need = need.rename(columns={"unserved_persons": "weight"})
        existing = None
        notes.append("demand: persons left unserved (too far or over capacity) by the "
                     "existing operational centres, capacity respected")
    else:
        need = demand_points(demand, weight_col=weight_col, crs=crs)
        existing = centres[operational_mask(centres, flood_status_col=flood_status_col)
                           .to_numpy()]
        notes.append(f"demand: all of '{weight_col}'; existing operational centres kept open")
    if not (need["weight"] > 0).any():
        raise InputError(Problem(
            "no displaced people left to serve: "
            + ("the existing operational centres take everyone within reach"
               if basis == "unserved" else f"'{weight_col}' is 0 everywhere"),
            fix="nothing to site for this scenario" + (
                "; use basis='all' to site for all displaced" if basis == "unserved" else ""),
        ))
    suit = None
    if candidates is None:
        suit = suitability(scenario_worst, dem=dem, rivers=rivers, demand=need,
                           weight_col="weight", service_distance_m=radius_m)
        candidates = candidate_sites(suit)
        notes += list(suit.notes)
        notes.append(f"{len(candidates)} candidate sites generated on suitable cells")
    try:
        result = optimise_sites(candidates, need, existing, k=k, radius_m=radius_m,
                                objective=objective, weight_col="weight",
                                demand_id_col="demand_id", time_limit_s=time_limit_s, crs=crs)
    except SolverError as exc:
        if isinstance(exc.best, SitingResult):
            exc.best = _finish(exc.best, scenario_worst, notes)
        raise
    return _finish(result, scenario_worst, notes), suit


def _finish(result: SitingResult, scenario: FloodScenario | None, notes: list[str]):
    sites = result.new_sites.copy()
    sites.insert(len(sites.columns) - 1, "depth_m_worst", _depth_at(sites, scenario))
    return replace(result, new_sites=sites, notes=tuple(dict.fromkeys([*notes, *result.notes])))


def _depth_at(points: gpd.GeoDataFrame, scenario: FloodScenario | None) -> np.ndarray:
    """Depth (m) at each point in ``scenario``; NaN off the raster or without a scenario."""
    out = np.full(len(points), np.nan)
    if scenario is None or points.empty:
        return out
    xy = _xy(points.to_crs(scenario.crs))
    cols, rows = ~scenario.transform * (xy[:, 0], xy[:, 1])
    rows, cols = np.floor(rows).astype(int), np.floor(cols).astype(int)
    for i, (r, c) in enumerate(zip(rows, cols, strict=True)):
        if 0 <= r < scenario.shape[0] and 0 <= c < scenario.shape[1]:
            out[i] = float(scenario.read_depth(Window(c, r, 1, 1))[0, 0])
    return out


"""Flood exposure of collective centres and communities, scenario by scenario.

Answers the planner's first question — under this flood, which albergues are flooded, cut off
or at risk, which communities are under water, how many people are exposed and displaced, and
what they will need — from GeoDataFrames and :class:`~geo.flood.FloodScenario` rasters.

Everything is computed in the raster's CRS: vectors are reprojected to it (and a note says so),
the raster is never resampled. Rasters are read window by window (see :mod:`geo.zonal`).

Centres (:func:`assess_centres`)
    ``depth_m`` at the cell under the site (NaN and ``depth_known=False`` where the site is
    outside the raster or on nodata; NaN with ``depth_known=True`` on water of unknown depth of
    a 0/1 extent raster); ``flooded`` when depth ≥ threshold; ``dist_to_flood_m`` from the site
    to the centre of the nearest flooded cell, searched up to ``settings.FLOOD_SEARCH_RADIUS_M``
    (NaN when none is that close; 0 when flooded); ``ring_flooded_share`` the share of flooded
    cells among points sampled every cell width or less (at least 16) on a circle of
    ``ring_radius_m`` around the site (nodata and outside points left out; NaN when none is
    left); ``access_cut`` when that share ≥ ``access_share``; ``flood_status`` ``flooded``,
    ``isolated`` (dry, access cut), ``at_risk`` (dry, flooded cell within
    ``at_risk_distance_m``), ``dry``, or ``unknown`` (no depth at the site).

Communities (:func:`assess_communities`)
    ``area_m2`` (the polygon's area; on the ellipsoid for a geographic raster),
    ``not_covered_area_m2`` (its part outside the raster), ``observed_area_m2`` and
    ``nodata_area_m2`` (its cells with and without data: outside an observed area, or where
    nodata means unobserved), ``observed_share`` (observed ÷ whole area, so a community only
    partly observed says so), ``flooded_area_m2``,
    ``flooded_fraction`` (flooded ÷ observed area), ``max_depth_m`` and ``mean_depth_m`` over
    flooded cells (area-weighted; NaN for extent rasters), ``area_m2_<class>`` per depth class
    at the threshold (:mod:`geo.depth`: ``area_m2_0_1_to_0_5``, ``area_m2_0_5_to_1_5``,
    ``area_m2_over_1_5`` at 0.1 m; ``area_m2_0_7_to_1_5``, ``area_m2_over_1_5`` at 0.7 m),
    ``pop_exposed`` (``population`` × flooded fraction, or with a population raster the
    population of the flooded cells), ``displaced_est`` (exposed people × the displacement rate
    of their depth class — the rate of the configured class it lies in, 0 below the first
    configured edge; for extent rasters × ``settings.EXTENT_DISPLACEMENT_RATE``).
    Null, empty and zero-area polygons give no rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.windows import Window

from geo import settings
from geo.depth import DepthClasses, depth_classes
from geo.distributed import Executor
from geo.errors import InputError, Problem, Term
from geo.flood import FloodScenario
from geo.needs import needs_table
from geo.raster import RasterSource, gdal_env
from geo.schema import FLOOD_STATUSES, district_names
from geo.zonal import (
    ZonalStats,
    check_overlap,
    geometry_areas_m2,
    grid_key,
    raster_windows,
    zonal_flood_stats,
)

__all__ = [
    "ExposureResult",
    "assess",
    "assess_centres",
    "assess_communities",
    "empty_points",
    "empty_polygons",
    "metres_per_unit",
    "prepare_polygons",
]

Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------
def _to_raster_crs(frame: gpd.GeoDataFrame, raster: RasterSource, what: str,
                   notes: list) -> gpd.GeoSeries:
    if frame.crs is None:
        raise InputError(Problem.keyed("layer_no_crs", source=what))
    geoms = frame.geometry
    if frame.crs != raster.crs:
        geoms = geoms.to_crs(raster.crs)
        note = Problem.keyed("exposure_note_reprojected", what=_what(what),
                             crs=frame.crs.to_string(), raster_crs=raster.crs.to_string(),
                             raster=raster.label)
        if note not in notes:
            notes.append(note)
    return geoms


def _what(layer: str) -> Term | str:
    """A layer's role (``centres``, ``communities``) as a word people read, in notes."""
    return Term(f"word.{layer}") if layer in ("centres", "communities") else layer


def _scenario_items(
    scenarios: Mapping[str, FloodScenario] | Sequence[FloodScenario] | FloodScenario,
) -> list[tuple[str, FloodScenario]]:
    if isinstance(scenarios, FloodScenario):
        return [(scenarios.name, scenarios)]
    if isinstance(scenarios, Mapping):
        return [(str(k), v) for k, v in scenarios.items()]
    return [(sc.name, sc) for sc in scenarios]


# ---------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------
@dataclass
class _PreparedPolygons:
    frame: gpd.GeoDataFrame       # kept rows (input CRS)
    geoms: np.ndarray             # polygonal parts, in the raster's CRS
    area_m2: np.ndarray
    not_covered_m2: np.ndarray


def prepare_polygons(communities: gpd.GeoDataFrame, raster: RasterSource, *,
                      notes: list, what: str = "communities") -> _PreparedPolygons:
    geoms = _to_raster_crs(communities, raster, what, notes).to_numpy()
    polygonal = np.array([_polygonal(g) for g in geoms], dtype=object)
    area = geometry_areas_m2(polygonal, raster.crs)
    keep = area > 0
    dropped = int((~keep).sum())
    if dropped:
        notes.append(Problem.keyed("exposure_note_no_area", n=dropped, what=_what(what)))
    frame = communities[keep]
    polygonal = polygonal[keep]
    area = area[keep]
    if polygonal.size:
        check_overlap(shapely.total_bounds(polygonal), raster, what=what)
    frame_box = shapely.box(*raster.bounds)
    inside = geometry_areas_m2(shapely.intersection(polygonal, frame_box), raster.crs) \
        if polygonal.size else np.zeros(0)
    not_covered = np.clip(area - inside, 0.0, None)
    # Tiny negative/positive round-off on fully covered polygons reads as 0.
    not_covered[not_covered < 1e-9 * np.maximum(area, 1.0)] = 0.0
    return _PreparedPolygons(frame, polygonal, area, not_covered)


def _polygonal(geom) -> Any:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _community_columns(prep: _PreparedPolygons, scenario: FloodScenario, stats: ZonalStats,
                       classes: DepthClasses, population: RasterSource | None
                       ) -> dict[str, Any]:
    """The result columns of one scenario over the prepared polygons, as arrays (or scalars
    that stand for a whole column)."""
    rates = np.asarray(classes.rates, dtype=np.float64)
    observed = stats.observed_area_m2
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(observed > 0, stats.flooded_area_m2 / observed, np.nan)
        mean_depth = np.where(stats.depth_area_m2 > 0,
                              stats.depth_sum_m3 / stats.depth_area_m2, np.nan)
        class_share = stats.class_area_m2 / observed[:, None]
    class_share[~(observed > 0)] = np.nan
    if "population" in prep.frame.columns:
        people = pd.to_numeric(prep.frame["population"], errors="coerce").to_numpy(float)
    else:
        people = np.full(len(prep.frame), np.nan)
    pop_exposed = stats.pop_flooded.copy() if population is not None else people * fraction
    if not scenario.has_depth:
        displaced = pop_exposed * settings.EXTENT_DISPLACEMENT_RATE
    elif population is not None:
        displaced = stats.pop_class @ rates
    else:
        displaced = people * (class_share @ rates)
    cols: dict[str, Any] = {
        "area_m2": prep.area_m2,
        "observed_area_m2": observed,
        "nodata_area_m2": stats.nodata_area_m2,
        "observed_share": np.where(prep.area_m2 > 0, observed / prep.area_m2, np.nan),
        "flooded_area_m2": stats.flooded_area_m2,
        "flooded_fraction": fraction,
        "max_depth_m": stats.max_depth_m if scenario.has_depth else np.nan,
        "mean_depth_m": mean_depth if scenario.has_depth else np.nan,
    }
    for k, cname in enumerate(classes.column_suffixes()):
        cols[f"area_m2_{cname}"] = stats.class_area_m2[:, k] if scenario.has_depth else np.nan
    cols.update({
        "pop_exposed": pop_exposed,
        "displaced_est": displaced,
        "not_covered_area_m2": prep.not_covered_m2,
    })
    return cols


def _community_frame(parts: Sequence[tuple[_PreparedPolygons, str, dict[str, Any]]], *,
                     crs: Any = settings.DISPLAY_CRS) -> gpd.GeoDataFrame:
    """One frame (in ``crs``) for every scenario's rows, assembled once.

    ``parts`` are ``(prepared polygons, scenario label, columns)`` in output order. Each set of
    prepared polygons is reprojected once, its rows repeated for each of its scenarios, and
    every result column filled from the concatenated arrays: no frame per scenario or row.
    """
    bases: dict[int, int] = {}
    frames: list[gpd.GeoDataFrame] = []
    for prep, _, _ in parts:
        if id(prep) not in bases:
            bases[id(prep)] = sum(len(f) for f in frames)
            frame = prep.frame
            same = frame.crs is None or frame.crs == crs
            frames.append(frame if same else frame.to_crs(crs))
    if len(frames) == 1:
        base = frames[0]
    else:
        base = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                geometry=frames[0].geometry.name, crs=crs)
    sizes = [len(prep.frame) for prep, _, _ in parts]
    take = np.concatenate([bases[id(prep)] + np.arange(len(prep.frame))
                           for prep, _, _ in parts])
    out = base.iloc[take].reset_index(drop=True)
    out["scenario"] = pd.Series(np.repeat(np.asarray([lab for _, lab, _ in parts], dtype=object),
                                          sizes), dtype="str")
    for key in parts[0][2]:
        out[key] = np.concatenate([np.broadcast_to(np.asarray(cols[key], dtype=np.float64), (m,))
                                   for (_, _, cols), m in zip(parts, sizes, strict=True)])
    geom_col = out.geometry.name
    out = out[[c for c in out.columns if c != geom_col] + [geom_col]]
    return gpd.GeoDataFrame(out, geometry=geom_col, crs=crs)


def _empty_communities(communities: gpd.GeoDataFrame, classes: DepthClasses
                       ) -> gpd.GeoDataFrame:
    out = communities.iloc[0:0].copy()
    names = ["scenario", "area_m2", "observed_area_m2", "nodata_area_m2", "observed_share",
             "flooded_area_m2",
             "flooded_fraction", "max_depth_m", "mean_depth_m",
             *[f"area_m2_{c}" for c in classes.column_suffixes()],
             "pop_exposed", "displaced_est", "not_covered_area_m2"]
    for n in names:
        out[n] = pd.Series(dtype="str" if n == "scenario" else "float64")
    geom_col = out.geometry.name
    return out[[c for c in out.columns if c != geom_col] + [geom_col]]


def assess_communities(
    communities: gpd.GeoDataFrame,
    scenario: FloodScenario,
    *,
    threshold_m: float | None = None,
    exact: bool = False,
    population: RasterSource | None = None,
    depth_classes_m: Sequence[float] | None = None,
    displacement_rates: Sequence[float] | None = None,
    labels: str | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Flooded area, depth, exposed and displaced people per community polygon.

    Parameters
    ----------
    communities
        Polygons or multipolygons in any CRS (reprojected to the raster's); an optional
        ``population`` column (persons) gives ``pop_exposed`` without a population raster.
    scenario
        The flood scenario.
    threshold_m
        Flooded at depth ≥ this (m); ``settings.FLOOD_THRESHOLD_M``.
    exact
        Weight cells by their covered share (as exactextract) instead of the cell-centre rule
        (as rasterstats / GDAL).
    population
        Optional population-count raster, sampled at flood cell centres (see :mod:`geo.zonal`).
    depth_classes_m, displacement_rates
        Configured class edges (m) and one displacement rate per class (default
        ``settings.DEPTH_CLASSES_M`` and ``settings.DISPLACEMENT_RATE_BY_CLASS``); the classes
        used start at the threshold (:func:`geo.depth.depth_classes`).
    labels
        Scenario label written in the ``scenario`` column (default: the scenario's name).

    Returns
    -------
    geopandas.GeoDataFrame
        Input rows with area, the input CRS kept and the columns in the module docstring;
        areas in m², depths in m. ``.attrs["notes"]`` lists reprojections and dropped rows.

    Raises
    ------
    OverlapError
        The communities and the raster do not overlap.
    """
    classes = depth_classes(threshold_m, classes_m=depth_classes_m, rates=displacement_rates)
    notes: list[Problem | str] = []
    prep = prepare_polygons(communities, scenario.raster, notes=notes)
    label = scenario.name if labels is None else labels
    if prep.geoms.size == 0:
        out = _empty_communities(communities, classes)
    else:
        stats = zonal_flood_stats(prep.geoms, [scenario], threshold_m=classes.threshold_m,
                                  exact=exact, depth_classes_m=classes.edges_m,
                                  population=population, progress=progress)[0]
        cols = _community_columns(prep, scenario, stats, classes, population)
        out = _community_frame([(prep, label, cols)], crs=communities.crs)
        out.index = prep.frame.index
    out.attrs["notes"] = notes
    return out


# ---------------------------------------------------------------------------------------------
# Centres
# ---------------------------------------------------------------------------------------------
def metres_per_unit(raster: RasterSource, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres per CRS unit in x and y at each site (1 for projected CRSs)."""
    if not raster.crs.is_geographic:
        factor = raster.crs.linear_units_factor[1] if raster.crs.linear_units_factor else 1.0
        one = np.full(y.shape, float(factor))
        return one, one
    from pyproj import CRS as PCRS

    geod = PCRS.from_wkt(raster.crs.to_wkt()).get_geod()
    lat = np.clip(y, -89.9, 89.9)
    zero = np.zeros_like(lat)
    _, _, mx = geod.inv(zero, lat, zero + 0.001, lat)
    _, _, my = geod.inv(zero, lat - 0.0005, zero, lat + 0.0005)
    return np.asarray(mx) / 0.001, np.asarray(my) / 0.001


def _centre_table(x: np.ndarray, y: np.ndarray, scenario: FloodScenario, *, threshold_m: float,
                  ring_radius_m: float, access_share: float, at_risk_distance_m: float,
                  search_radius_m: float) -> dict[str, np.ndarray]:
    raster = scenario.raster
    t = raster.transform
    n = x.size
    depth = np.full(n, np.nan)
    known = np.zeros(n, dtype=bool)
    flooded = np.zeros(n, dtype=bool)
    dist = np.full(n, np.nan)
    share = np.full(n, np.nan)
    seen = np.zeros(n)
    if n == 0:
        return dict(depth_m=depth, depth_known=known, flooded=flooded, dist_to_flood_m=dist,
                    ring_flooded_share=share, ring_observed_share=seen)
    ok = np.isfinite(x) & np.isfinite(y)
    colf, rowf = ~t * (np.where(ok, x, 0.0), np.where(ok, y, 0.0))
    colf, rowf = np.asarray(colf, float), np.asarray(rowf, float)
    mx, my = metres_per_unit(raster, np.where(ok, y, 0.0))
    cell_x = np.hypot(t.a, t.d) * mx      # cell width in metres at each site
    cell_y = np.hypot(t.b, t.e) * my
    reach = max(ring_radius_m, search_radius_m)
    halo = int(np.ceil(np.max(reach / np.minimum(cell_x, cell_y)[ok]))) + 2 if ok.any() else 0
    n_ring = max(16, math.ceil(2 * math.pi * ring_radius_m / float(np.min(
        np.minimum(cell_x, cell_y)[ok])))) if ok.any() else 16
    angles = np.linspace(0.0, 2 * math.pi, n_ring, endpoint=False)
    r_site = np.floor(rowf).astype(np.int64)
    c_site = np.floor(colf).astype(np.int64)
    tile = int(settings.WINDOW_ROWS)
    tr = np.clip(r_site, 0, raster.height - 1) // tile
    tc = np.clip(c_site, 0, raster.width - 1) // tile
    order = np.lexsort((tc, tr))
    groups = np.split(order, np.flatnonzero(np.diff(tr[order] * 10**9 + tc[order])) + 1)
    with gdal_env(), raster.open() as ds:
        dem_ctx = None
        if scenario.dem is not None:
            dem_ctx = scenario.dem.open()
        dem_ds = dem_ctx.__enter__() if dem_ctx is not None else None
        try:
            for g in groups:
                g = g[ok[g]]
                if g.size == 0:
                    continue
                r0 = max(0, int(r_site[g].min()) - halo)
                r1 = min(raster.height, int(r_site[g].max()) + halo + 1)
                c0 = max(0, int(c_site[g].min()) - halo)
                c1 = min(raster.width, int(c_site[g].max()) + halo + 1)
                if r0 >= r1 or c0 >= c1:
                    continue
                d = scenario.read_depth_from(ds, Window(c0, r0, c1 - c0, r1 - r0), dem_ds)
                wet = d >= np.float32(threshold_m)
                for i in g.tolist():
                    _one_centre(i, d, wet, r0, c0, rowf, colf, cell_x, cell_y, angles,
                                ring_radius_m, search_radius_m, depth, known, flooded, dist,
                                share, seen)
        finally:
            if dem_ctx is not None:
                dem_ctx.__exit__(None, None, None)
    return dict(depth_m=depth, depth_known=known, flooded=flooded, dist_to_flood_m=dist,
                ring_flooded_share=share, ring_observed_share=seen)


def _one_centre(i, d, wet, r0, c0, rowf, colf, cell_x, cell_y, angles, ring_radius_m,
                search_radius_m, depth, known, flooded, dist, share, seen) -> None:
    h, w = d.shape
    r, c = math.floor(rowf[i]) - r0, math.floor(colf[i]) - c0
    if 0 <= r < h and 0 <= c < w and not np.isnan(d[r, c]):
        known[i] = True
        flooded[i] = bool(wet[r, c])
        depth[i] = float(d[r, c]) if np.isfinite(d[r, c]) else np.nan
    if flooded[i]:
        dist[i] = 0.0
    else:
        # Growing square windows: a flooded cell found at distance ≤ the window's half-width
        # is the nearest one (every cell outside the window is farther).
        full = max(math.ceil(search_radius_m / cell_y[i]), math.ceil(search_radius_m / cell_x[i]))
        for k in (8, 32, full + 1):
            k = min(k, full + 1)
            ra, rb = max(0, r - k), min(h, r + k + 1)
            ca, cb = max(0, c - k), min(w, c + k + 1)
            if ra >= rb or ca >= cb:
                break
            rr, cc = np.nonzero(wet[ra:rb, ca:cb])
            if rr.size:
                dy = (rr + ra + r0 + 0.5 - rowf[i]) * cell_y[i]
                dx = (cc + ca + c0 + 0.5 - colf[i]) * cell_x[i]
                best = float(np.sqrt(np.min(dx * dx + dy * dy)))
                if best <= k * min(cell_x[i], cell_y[i]) or k > full:
                    if best <= search_radius_m:
                        dist[i] = best
                    break
            if k > full:
                break
    pr = np.floor(rowf[i] - np.sin(angles) * ring_radius_m / cell_y[i]).astype(np.int64) - r0
    pc = np.floor(colf[i] + np.cos(angles) * ring_radius_m / cell_x[i]).astype(np.int64) - c0
    inside = (pr >= 0) & (pr < h) & (pc >= 0) & (pc < w)
    vals = d[pr[inside], pc[inside]]
    valid = ~np.isnan(vals)
    seen[i] = float(valid.sum()) / len(angles)
    if valid.any():
        share[i] = float(np.mean(wet[pr[inside], pc[inside]][valid]))


def _centre_columns(
    centres: gpd.GeoDataFrame,
    scenario: FloodScenario,
    *,
    threshold_m: float | None,
    ring_radius_m: float | None,
    access_share: float | None,
    at_risk_distance_m: float | None,
    search_radius_m: float | None,
) -> tuple[dict[str, np.ndarray], list[Problem | str]]:
    """The result columns of :func:`assess_centres` as arrays, and the notes."""
    threshold_m = settings.FLOOD_THRESHOLD_M if threshold_m is None else float(threshold_m)
    ring_radius_m = settings.ACCESS_RING_RADIUS_M if ring_radius_m is None else ring_radius_m
    access_share = settings.ACCESS_CUT_SHARE if access_share is None else access_share
    at_risk_distance_m = (settings.AT_RISK_DISTANCE_M if at_risk_distance_m is None
                          else at_risk_distance_m)
    search_radius_m = settings.FLOOD_SEARCH_RADIUS_M if search_radius_m is None \
        else search_radius_m
    search_radius_m = max(float(search_radius_m), float(at_risk_distance_m))
    notes: list[Problem | str] = []
    raster = scenario.raster
    geoms = _to_raster_crs(centres, raster, "centres", notes).to_numpy()
    empty = shapely.is_empty(geoms) | shapely.is_missing(geoms)
    pts = np.where(empty, None, geoms)
    not_point = ~empty & (shapely.get_type_id(np.where(empty, shapely.Point(), geoms)) != 0)
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(pts[not_point])
    x = np.where(empty, np.nan, shapely.get_x(np.where(empty, shapely.Point(0, 0), pts)))
    y = np.where(empty, np.nan, shapely.get_y(np.where(empty, shapely.Point(0, 0), pts)))
    if (~empty).any():
        check_overlap(shapely.total_bounds(pts[~empty]), raster, what="centres")
    cols = _centre_table(x.astype(float), y.astype(float), scenario, threshold_m=threshold_m,
                         ring_radius_m=float(ring_radius_m), access_share=float(access_share),
                         at_risk_distance_m=float(at_risk_distance_m),
                         search_radius_m=search_radius_m)
    cols["access_cut"] = (np.nan_to_num(cols["ring_flooded_share"], nan=-1.0)
                          >= float(access_share))
    near = np.nan_to_num(cols["dist_to_flood_m"], nan=np.inf) <= float(at_risk_distance_m)
    cols["flood_status"] = np.select(
        [~cols["depth_known"], cols["flooded"], cols["access_cut"], near],
        ["unknown", "flooded", "isolated", "at_risk"], default="dry",
    ).astype(object)
    return cols, notes


def _centre_frame(centres: gpd.GeoDataFrame, parts: Sequence[tuple[str, dict[str, Any]]], *,
                  crs: Any = settings.DISPLAY_CRS) -> gpd.GeoDataFrame:
    """Centres × scenarios in one frame (in ``crs``): the centres reprojected once, repeated
    for each scenario, and each result column filled from the concatenated arrays."""
    base = centres if centres.crs is None or centres.crs == crs else centres.to_crs(crs)
    n = len(base)
    out = base.iloc[np.tile(np.arange(n), len(parts))].reset_index(drop=True)
    out["scenario"] = pd.Series(np.repeat(np.asarray([lab for lab, _ in parts], dtype=object),
                                          n), dtype="str")
    for key in _CENTRE_COLUMNS:
        values = np.concatenate([cols[key] for _, cols in parts]) if parts else []
        out[key] = pd.Series(values, dtype=_CENTRE_COLUMNS[key])
    geom_col = out.geometry.name
    out = out[[c for c in out.columns if c != geom_col] + [geom_col]]
    return gpd.GeoDataFrame(out, geometry=geom_col, crs=crs)


#: Result columns of :func:`assess_centres` and their dtypes.
_CENTRE_COLUMNS: dict[str, str] = {
    "depth_m": "float64", "depth_known": "bool", "flooded": "bool",
    "dist_to_flood_m": "float64", "ring_flooded_share": "float64",
    "ring_observed_share": "float64", "access_cut": "bool", "flood_status": "str",
}


def assess_centres(
    centres: gpd.GeoDataFrame,
    scenario: FloodScenario,
    *,
    threshold_m: float | None = None,
    ring_radius_m: float | None = None,
    access_share: float | None = None,
    at_risk_distance_m: float | None = None,
    search_radius_m: float | None = None,
    labels: str | None = None,
) -> gpd.GeoDataFrame:
    """Depth, distance to water, access and status of each collective centre.

    Parameters
    ----------
    centres
        Points in any CRS (reprojected to the raster's; other geometries use a point on
        their surface).
    scenario
        The flood scenario.
    threshold_m
        Flooded at depth ≥ this (m); ``settings.FLOOD_THRESHOLD_M``.
    ring_radius_m, access_share
        Access ring radius (m) and the flooded share at which access is cut;
        ``settings.ACCESS_RING_RADIUS_M`` and ``settings.ACCESS_CUT_SHARE``.
    at_risk_distance_m
        A dry site this close (m) to a flooded cell is at risk; ``settings.AT_RISK_DISTANCE_M``.
    search_radius_m
        How far the nearest flooded cell is searched (m); ``settings.FLOOD_SEARCH_RADIUS_M``.
    labels
        Scenario label written in the ``scenario`` column (default: the scenario's name).

    Returns
    -------
    geopandas.GeoDataFrame
        Input columns and geometry (input CRS) plus ``scenario``, ``depth_m``,
        ``depth_known``, ``flooded``, ``dist_to_flood_m``, ``ring_flooded_share``,
        ``ring_observed_share``, ``access_cut`` and ``flood_status`` (``status``, open/closed/
        proposed, is kept); ``.attrs["notes"]`` lists reprojections.
    """
    cols, notes = _centre_columns(centres, scenario, threshold_m=threshold_m,
                                  ring_radius_m=ring_radius_m, access_share=access_share,
                                  at_risk_distance_m=at_risk_distance_m,
                                  search_radius_m=search_radius_m)
    label = scenario.name if labels is None else labels
    out = _centre_frame(centres, [(label, cols)], crs=centres.crs)
    out.index = centres.index
    out.attrs["notes"] = notes
    return out


# ---------------------------------------------------------------------------------------------
# Several scenarios together
# ---------------------------------------------------------------------------------------------
@dataclass
class ExposureResult:
    """Exposure under every scenario, ready to write (EPSG:4326 geometries, plain dtypes).

    Attributes
    ----------
    centres
        One row per centre per scenario (:func:`assess_centres` columns).
    communities
        One row per community per scenario (:func:`assess_communities` columns).
    summary
        Tidy table ``scenario, metric, value``.
    districts
        Totals per district per scenario.
    needs
        Needs of the displaced per community, district and overall (``level`` column), with
        the source of each figure.
    notes
        What was reprojected, dropped or assumed.
    """

    centres: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    summary: pd.DataFrame
    districts: pd.DataFrame
    needs: pd.DataFrame
    notes: list[Problem | str] = field(default_factory=list)


def assess(
    centres: gpd.GeoDataFrame | None,
    communities: gpd.GeoDataFrame | None,
    scenarios: Mapping[str, FloodScenario] | Sequence[FloodScenario],
    *,
    threshold_m: float | None = None,
    exact: bool = False,
    population: RasterSource | None = None,
    ring_radius_m: float | None = None,
    access_share: float | None = None,
    at_risk_distance_m: float | None = None,
    depth_classes_m: Sequence[float] | None = None,
    displacement_rates: Sequence[float] | None = None,
    progress: Progress | None = None,
    run: Executor | None = None,
) -> ExposureResult:
    """Exposure of centres and communities under every scenario, in one pass per grid.

    Scenarios on the same grid share one rasterisation of the communities and one walk over
    the windows. Options are those of :func:`assess_centres` and :func:`assess_communities`.
    With ``run`` (a :func:`geo.distributed.executor`), each scenario is one task on its
    workers instead (each reads its own raster; only per-feature arrays come back), and the
    result is the same.

    Parameters
    ----------
    centres, communities
        Canonical frames (any CRS; ``None`` or empty gives empty tables).
    scenarios
        Named scenarios (a mapping's keys name them) or a sequence (their names).
    progress
        Called as ``progress(done, total, message)``; ``total`` counts raster windows and
        centre passes.

    Returns
    -------
    ExposureResult
        Frames in EPSG:4326.
    """
    items = _scenario_items(scenarios)
    classes = depth_classes(threshold_m, classes_m=depth_classes_m, rates=displacement_rates)
    centres = empty_points() if centres is None else centres
    communities = empty_polygons() if communities is None else communities
    notes: list[Problem | str] = []
    groups: dict[tuple, list[tuple[str, FloodScenario]]] = {}
    for name, sc in items:
        groups.setdefault(grid_key(sc.raster), []).append((name, sc))
        notes.extend(n for n in sc.notes if n not in notes)
    steps = {"done": 0, "total": 0}
    for members in groups.values():
        r = members[0][1].raster
        steps["total"] += len(members) + (len(raster_windows(r.height, r.width))
                                          if len(communities) else 0)

    def tick(message: str, n: int = 1) -> None:
        steps["done"] += n
        if progress is not None:
            progress(min(steps["done"], steps["total"]), steps["total"], message)

    comm_parts: dict[str, tuple[_PreparedPolygons, str, dict[str, Any]]] = {}
    centre_parts: dict[str, dict[str, Any]] = {}
    centre_options = dict(threshold_m=threshold_m, ring_radius_m=ring_radius_m,
                          access_share=access_share, at_risk_distance_m=at_risk_distance_m,
                          search_radius_m=None)
    if run is not None:
        preps = {key: prepare_polygons(communities, members[0][1].raster, notes=notes)
                 for key, members in groups.items()} if len(communities) else {}
        tasks = [(name, sc, grid_key(sc.raster)) for name, sc in items]
        results = run.map(_scenario_task, tasks,
                          shared={"geoms": {k: p.geoms for k, p in preps.items()},
                                  "centres": centres},
                          threshold_m=classes.threshold_m, exact=exact,
                          edges_m=tuple(classes.edges_m), population=population,
                          centre_options=centre_options, progress=progress, desc="exposure")
        for (name, sc, key), (stats, cols, centre_notes) in zip(tasks, results, strict=True):
            if stats is not None:
                prep = preps[key]
                comm_parts[name] = (prep, name, _community_columns(prep, sc, stats, classes,
                                                                   population))
            if cols is not None:
                notes.extend(n for n in centre_notes if n not in notes)
                centre_parts[name] = cols
        groups = {}
    for members in groups.values():
        raster = members[0][1].raster
        if len(communities):
            prep = prepare_polygons(communities, raster, notes=notes)
            if prep.geoms.size:
                base = steps["done"]

                def window_tick(done, total, msg, base=base):
                    steps["done"] = base + done
                    if progress is not None:
                        progress(min(steps["done"], steps["total"]), steps["total"], msg)

                stats = zonal_flood_stats(prep.geoms, [sc for _, sc in members],
                                          threshold_m=classes.threshold_m, exact=exact,
                                          depth_classes_m=classes.edges_m,
                                          population=population, progress=window_tick)
                for (name, sc), st in zip(members, stats, strict=True):
                    comm_parts[name] = (prep, name,
                                        _community_columns(prep, sc, st, classes, population))
        for name, sc in members:
            if len(centres):
                cols, centre_notes = _centre_columns(centres, sc, **centre_options)
                notes.extend(n for n in centre_notes if n not in notes)
                centre_parts[name] = cols
            tick(f"centres under {name}")
    order = [name for name, _ in items]
    comm_order = [comm_parts[n] for n in order if n in comm_parts]
    comm = (_community_frame(comm_order) if comm_order
            else _in_display_crs(_empty_communities(communities, classes)))
    cen_order = [(n, centre_parts[n]) for n in order if n in centre_parts]
    cen = (_centre_frame(centres, cen_order) if cen_order
           else _in_display_crs(_empty_centres(centres)))
    districts = _district_totals(cen, comm, order)
    needs = _needs(comm)
    summary = _summary(cen, comm, needs, order)
    return ExposureResult(centres=cen, communities=comm, summary=summary, districts=districts,
                          needs=needs, notes=notes)


def _scenario_task(item: tuple[str, FloodScenario, tuple], *, geoms: dict, centres,
                   threshold_m: float, exact: bool, edges_m: tuple[float, ...],
                   population: RasterSource | None, centre_options: dict):
    """One scenario on a worker: zonal statistics of the communities and the centres'
    columns (arrays of one value per feature; the raster is read there, never sent)."""
    _name, sc, key = item
    polygons = geoms.get(key)
    stats = None
    if polygons is not None and polygons.size:
        stats = zonal_flood_stats(polygons, [sc], threshold_m=threshold_m, exact=exact,
                                  depth_classes_m=edges_m, population=population)[0]
    cols, notes = (_centre_columns(centres, sc, **centre_options) if len(centres)
                   else (None, []))
    return stats, cols, notes


def empty_points() -> gpd.GeoDataFrame:
    """An empty frame of centres (EPSG:4326): what "no centres" is given as."""
    return gpd.GeoDataFrame({"centre_id": pd.Series(dtype="str")},
                            geometry=gpd.GeoSeries([], crs=settings.DISPLAY_CRS))


def empty_polygons() -> gpd.GeoDataFrame:
    """An empty frame of communities (EPSG:4326): what "no communities" is given as."""
    return gpd.GeoDataFrame({"community_id": pd.Series(dtype="str")},
                            geometry=gpd.GeoSeries([], crs=settings.DISPLAY_CRS))


def _empty_centres(centres: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = centres.iloc[0:0].copy()
    for key, dtype in {"scenario": "str", **_CENTRE_COLUMNS}.items():
        out[key] = pd.Series(dtype=dtype)
    geom_col = out.geometry.name
    return out[[c for c in out.columns if c != geom_col] + [geom_col]]


def _in_display_crs(empty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = empty.to_crs(settings.DISPLAY_CRS) if empty.crs is not None else empty
    return out.reset_index(drop=True)



def _numbers(frame: pd.DataFrame, column: str, *, missing: float) -> np.ndarray:
    """A numeric column as float64 (``missing`` where absent or not a number)."""
    if column not in frame.columns:
        return np.full(len(frame), missing)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64,
                                                                   na_value=np.nan)
    return np.where(np.isnan(values), missing, values) if not np.isnan(missing) else values


def _group_sums(keys: pd.DataFrame, values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Sums of ``values`` per group of ``keys`` (one grouped pass over all rows)."""
    data = keys.assign(**values)
    return data.groupby(list(keys.columns), sort=False, dropna=False).sum()


def _district_totals(cen: gpd.GeoDataFrame, comm: gpd.GeoDataFrame,
                     order: list[str]) -> pd.DataFrame:
    """Totals per scenario and district (districts sorted by name within each scenario),
    from one grouped sum over the centres and one over the communities."""
    cols = ["scenario", "district", "centres", *[f"centres_{s}" for s in FLOOD_STATUSES],
            "persons_in_flooded_centres", "communities", "population", "flooded_area_m2",
            "pop_exposed", "displaced_est"]
    status = cen["flood_status"].to_numpy(dtype=object)
    flooded = cen["flooded"].to_numpy(dtype=bool)
    persons = _numbers(cen, "persons", missing=0.0)
    c_vals: dict[str, np.ndarray] = {"centres": np.ones(len(cen), dtype=np.int64)}
    for s in FLOOD_STATUSES:
        c_vals[f"centres_{s}"] = (status == s).astype(np.int64)
    c_vals["persons_in_flooded_centres"] = np.where(flooded, persons, 0.0)
    c_keys = pd.DataFrame({"scenario": cen["scenario"].astype("str").to_numpy(),
                           "district": district_names(cen).to_numpy()})
    m_vals = {"communities": np.ones(len(comm), dtype=np.int64),
              "population": _numbers(comm, "population", missing=np.nan)}
    for k in ("flooded_area_m2", "pop_exposed", "displaced_est"):
        m_vals[k] = comm[k].to_numpy(dtype=np.float64)
    m_keys = pd.DataFrame({"scenario": comm["scenario"].astype("str").to_numpy(),
                           "district": district_names(comm).to_numpy()})
    # NaN populations are skipped by the grouped sum, as by Series.sum
    both = _group_sums(c_keys, c_vals).join(_group_sums(m_keys, m_vals), how="outer")
    frame = both.reset_index()
    known = frame["scenario"].isin(order)
    frame = frame[known]
    rank = pd.Series(range(len(order)), index=order)
    frame = frame.assign(_rank=rank.reindex(frame["scenario"]).to_numpy())
    frame = frame.sort_values(["_rank", "district"], kind="stable").drop(columns="_rank")
    for c in cols[2:]:
        if c not in frame.columns:
            frame[c] = 0
    ints = ["centres", *[f"centres_{s}" for s in FLOOD_STATUSES], "communities"]
    frame[ints] = frame[ints].fillna(0).astype("int64")
    floats = [c for c in cols[2:] if c not in ints]
    frame[floats] = frame[floats].fillna(0.0).astype("float64")
    frame = frame[cols].reset_index(drop=True)
    return frame.astype({"scenario": "str", "district": "str"})


def _needs(comm: gpd.GeoDataFrame) -> pd.DataFrame:
    cols = ["scenario", "level", "area_id", "area_name"]
    frame = pd.DataFrame({"scenario": comm["scenario"].to_numpy(),
                          "displaced_est": comm["displaced_est"].to_numpy()})
    frame["_district"] = district_names(comm).to_numpy()
    ids = (comm["community_id"].astype("str") if "community_id" in comm.columns
           else pd.Series(comm.index.astype(str), index=comm.index))
    names = comm["name"].astype("str") if "name" in comm.columns else ids
    frame["_id"], frame["_name"] = ids.to_numpy(), names.to_numpy()
    parts = []
    per = needs_table(frame, persons_column="displaced_est", keys=["scenario", "_id", "_name"])
    parts.append(per.rename(columns={"_id": "area_id", "_name": "area_name"})
                 .assign(level="community"))
    per = needs_table(frame, persons_column="displaced_est", keys=["scenario", "_district"])
    parts.append(per.rename(columns={"_district": "area_id"})
                 .assign(level="district", area_name=lambda f: f["area_id"]))
    per = needs_table(frame, persons_column="displaced_est", keys=["scenario"])
    parts.append(per.assign(level="overall", area_id="all", area_name="all"))
    out = pd.concat(parts, ignore_index=True)
    rest = [c for c in out.columns if c not in cols]
    out = out[cols + rest]
    return out.astype({c: "str" for c in ("scenario", "level", "area_id", "area_name",
                                           "item", "unit", "basis", "source")})


def _summary(cen: gpd.GeoDataFrame, comm: gpd.GeoDataFrame, needs: pd.DataFrame,
             order: list[str]) -> pd.DataFrame:
    """The tidy headline table, from one grouped sum over the centres and one over the
    communities (metrics in a fixed order within each scenario, scenarios in ``order``)."""
    status = cen["flood_status"].to_numpy(dtype=object)
    flooded = cen["flooded"].to_numpy(dtype=bool)
    c_vals: dict[str, np.ndarray] = {"centres": np.ones(len(cen))}
    for s in FLOOD_STATUSES:
        c_vals[f"centres_{s}"] = (status == s).astype(np.float64)
    c_vals["persons_in_flooded_centres"] = np.where(
        flooded, _numbers(cen, "persons", missing=0.0), 0.0)
    c_vals["families_in_flooded_centres"] = np.where(
        flooded, _numbers(cen, "families", missing=0.0), 0.0)
    m_vals: dict[str, np.ndarray] = {
        "communities": np.ones(len(comm)),
        "communities_flooded": (comm["flooded_area_m2"].to_numpy(dtype=np.float64) > 0
                                ).astype(np.float64)}
    for k in ("area_m2", "flooded_area_m2", "not_covered_area_m2", "pop_exposed",
              "displaced_est"):
        m_vals[k] = comm[k].to_numpy(dtype=np.float64)
    c_sum = _group_sums(pd.DataFrame({"scenario": cen["scenario"].astype("str").to_numpy()}),
                        c_vals).reindex(order, fill_value=0.0)
    m_sum = _group_sums(pd.DataFrame({"scenario": comm["scenario"].astype("str").to_numpy()}),
                        m_vals).reindex(order, fill_value=0.0)
    overall = needs[needs["level"] == "overall"]
    items = list(dict.fromkeys(overall["item"]))
    need = (overall.pivot_table(index="scenario", columns="item", values="quantity",
                                aggfunc="sum", sort=False)
            .reindex(index=order, columns=items))
    need.columns = [f"need_{i}" for i in items]
    wide = pd.concat([c_sum, m_sum, need], axis=1)
    metrics = [*c_vals, *m_vals, *need.columns]
    wide = wide[metrics].astype("float64")
    frame = pd.DataFrame({
        "scenario": np.repeat(np.asarray(order, dtype=object), len(metrics)),
        "metric": np.tile(np.asarray(metrics, dtype=object), len(order)),
        "value": wide.to_numpy(dtype=np.float64).ravel(),
    })
    # a scenario without communities has no needs rows, as it has no needs table
    frame = frame[~(frame["metric"].str.startswith("need_") & frame["value"].isna())]
    frame = frame.reset_index(drop=True)
    return frame.astype({"scenario": "str", "metric": "str", "value": "float64"})

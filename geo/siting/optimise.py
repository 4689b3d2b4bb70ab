"""Choosing ``k`` new collective centres: the optimiser, its layers and the whole chain.

:class:`SiteOptimiser` follows spopt's solvers: :meth:`SiteOptimiser.from_cost_matrix` is the
numeric core (arrays only: a demand × facility cost matrix in metres, weights in persons and a
mask of existing centres kept open); :meth:`SiteOptimiser.from_geodataframe` is a thin adapter
that projects demand, candidates and existing centres, measures straight-line distances and
calls it. :meth:`SiteOptimiser.solve` runs spopt's maximal covering (``objective="coverage"``)
or p-median (``"median"``) model with PuLP's CBC and returns the optimiser with its results as
attributes.

:func:`plan_sites` chains demand left unserved by the existing centres
(:func:`geo.catchment.assign`), candidate sites on suitable cells
(:func:`geo.siting.suitability`) and the optimiser; it is what the CLI and the app call.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import shapely
from rasterio.crs import CRS
from rasterio.windows import Window
from spopt.locate import MCLP, PMedian

from geo import settings
from geo.catchment import assign, demand_points
from geo.errors import CRSError, InputError, Problem, SolverError
from geo.flood import FloodScenario
from geo.raster import RasterSource
from geo.schema import operational_mask
from geo.siting.suitability import Suitability, candidate_sites, suitability

__all__ = [
    "COVERAGE_COLUMNS",
    "NEW_SITE_COLUMNS",
    "SiteOptimiser",
    "SitingResult",
    "plan_sites",
]

Objective = Literal["coverage", "median"]
Status = Literal["optimal", "time_limit", "greedy"]

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


@dataclass(frozen=True)
class SitingResult:
    """The chosen sites as layers; frames in EPSG:4326.

    Attributes
    ----------
    new_sites
        The chosen sites (:data:`NEW_SITE_COLUMNS` plus the candidates' own columns).
        ``covered_weight`` is the demand within the service distance that this site covers and
        no existing centre does (shared with another new site: counted for the nearer one), so
        the column sums to the coverage the new sites add; ``covered_weight_total`` counts all
        demand within the service distance; ``assigned_weight`` the demand for which it is the
        nearest open centre; ``site_area_needed_m2`` the site area its added (coverage) or
        assigned (median) persons need at :data:`settings.SITE_AREA_M2_PER_PERSON`.
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


@dataclass(frozen=True)
class _Places:
    """What :meth:`SiteOptimiser.from_geodataframe` keeps to draw the layers."""

    demand: gpd.GeoDataFrame  # demand_points() output, working CRS
    candidates: gpd.GeoDataFrame  # working CRS, points
    candidate_ids: np.ndarray
    existing_ids: np.ndarray
    existing_xy: np.ndarray


class SiteOptimiser:
    """Choose ``k`` new sites, existing centres kept open.

    Build it with :meth:`from_cost_matrix` (arrays) or :meth:`from_geodataframe` (layers), then
    call :meth:`solve`. Facilities are the columns of the cost matrix: the existing centres
    (fixed open) and the candidates (``k`` of them are opened).

    Attributes
    ----------
    cost_m
        Demand × facility cost in metres (``+inf``: out of reach).
    weights
        Persons per demand row.
    service_distance_m
        A demand row is covered when an open facility is this close.
    k
        Number of new sites.
    objective
        ``"coverage"`` (maximal covering) or ``"median"`` (p-median).
    existing
        bool per facility column: True for existing centres, kept open.
    notes
        Assumptions and what the solver did, for reports.

    After :meth:`solve` (before it, ``None``):

    status
        ``"optimal"``; ``"time_limit"`` (CBC's best feasible answer, not proven best) or
        ``"greedy"`` (CBC found nothing; sites added one at a time, each the best given those
        already open).
    solver_status
        PuLP's words for CBC's own status (``"Optimal"``, ``"Not Solved"``…); ``None`` when
        CBC was not run (no demand with weight above 0).
    chosen
        Facility columns of the new sites, best first: ranked by the persons each covers
        that no existing centre does, ties by column.
    open
        Every open column: the existing ones, then ``chosen``.
    assignment, distance_m
        Per demand row: the nearest open column and its cost (m).
    covered, covered_by
        Per demand row: within the service distance of an open column; the covering column
        (the nearest covering existing centre, else the nearest covering new site), ``-1`` when
        none.
    objective_value
        Covered persons (coverage) or persons × metres to the nearest open column (median).
    total_weight, covered_weight, covered_by_existing_weight
        Persons: all demand, covered after siting, covered by existing centres alone.
    result
        :class:`SitingResult` with the layers, when built by :meth:`from_geodataframe`.
    """

    def __init__(
        self,
        cost_m: np.ndarray,
        weights: np.ndarray,
        *,
        service_distance_m: float,
        k: int,
        objective: Objective,
        existing: np.ndarray,
        notes: list[str] | None = None,
    ):
        self.cost_m = cost_m
        self.weights = weights
        self.service_distance_m = float(service_distance_m)
        self.k = int(k)
        self.objective = objective
        self.existing = existing
        self.notes: list[str] = list(notes or [])
        self._places: _Places | None = None
        self.status: Status | None = None
        self.solver_status: str | None = None
        self.chosen: np.ndarray | None = None
        self.open: np.ndarray | None = None
        self.assignment: np.ndarray | None = None
        self.distance_m: np.ndarray | None = None
        self.covered: np.ndarray | None = None
        self.covered_by: np.ndarray | None = None
        self.objective_value: float | None = None
        self.total_weight: float | None = None
        self.covered_weight: float | None = None
        self.covered_by_existing_weight: float | None = None
        self.result: SitingResult | None = None

    # --- constructors -----------------------------------------------------------------------
    @classmethod
    def from_cost_matrix(
        cls,
        cost_m: np.ndarray,
        weights: np.ndarray,
        *,
        service_distance_m: float | None = None,
        k: int,
        objective: Objective = "coverage",
        existing: np.ndarray | None = None,
    ) -> SiteOptimiser:
        """The optimiser on arrays.

        Parameters
        ----------
        cost_m
            Demand × facility cost in metres, 0 or more; ``+inf`` marks a pair out of reach
            (coverage only: the p-median model needs every cost finite).
        weights
            Persons per demand row, 0 or more.
        service_distance_m
            Coverage distance; default :data:`settings.SERVICE_DISTANCE_M`.
        k
            Number of new sites (1 … number of columns not in ``existing``).
        objective
            ``"coverage"``: spopt ``MCLP`` — maximise persons within ``service_distance_m`` of
            an open facility. ``"median"``: spopt ``PMedian`` — minimise persons × metres to
            the nearest open facility.
        existing
            bool per column: existing centres, kept open and not counted in ``k``. ``None``:
            none.

        Raises
        ------
        InputError
            Every problem found with the arrays, ``k`` or the objective, at once; or a
            p-median model too large (:data:`settings.SITING_MAX_MEDIAN_PAIRS`).
        """
        service_distance_m = (settings.SERVICE_DISTANCE_M if service_distance_m is None
                              else float(service_distance_m))
        cost = np.asarray(cost_m, dtype="float64")
        weight = np.asarray(weights, dtype="float64")
        problems: list[Problem] = []
        if cost.ndim != 2:
            raise InputError(Problem(f"the cost matrix must be 2-D (demand × facility), got "
                                     f"{cost.ndim}-D", source="cost matrix"))
        n_d, n_f = cost.shape
        fixed = (np.zeros(n_f, dtype=bool) if existing is None
                 else np.asarray(existing, dtype=bool).ravel())
        if weight.shape != (n_d,):
            problems.append(Problem(f"{weight.size} weight(s) for {n_d} demand row(s)",
                                    source="weights", fix="give one weight per row"))
        elif not (np.isfinite(weight) & (weight >= 0)).all():
            problems.append(Problem("weights must be finite and 0 or more", source="weights"))
        if np.isnan(cost).any() or (cost < 0).any():
            problems.append(Problem("costs must be 0 or more (no NaN)", source="cost matrix"))
        elif objective == "median" and not np.isfinite(cost).all():
            problems.append(Problem("the p-median model needs a finite cost for every pair",
                                    source="cost matrix",
                                    fix="use objective='coverage' or drop unreachable pairs"))
        if fixed.shape != (n_f,):
            problems.append(Problem(f"{fixed.size} existing flag(s) for {n_f} column(s)",
                                    source="existing", fix="give one flag per column"))
            fixed = np.zeros(n_f, dtype=bool)
        if not (np.isfinite(service_distance_m) and service_distance_m > 0):
            problems.append(Problem(f"the service distance must be above 0 m, got "
                                    f"{service_distance_m:g}", fix="give it in metres"))
        if objective not in ("coverage", "median"):
            problems.append(Problem(f"unknown objective '{objective}'",
                                    fix="use 'coverage' (maximal covering) or 'median'"))
        n_free = int((~fixed).sum())
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= n_free:
            problems.append(Problem(
                f"cannot choose {k} new site(s) from {n_free} candidate(s)", source="candidates",
                fix=f"ask for 1 to {n_free} sites, or give more candidates" if n_free
                else "give candidate points, or a scenario with dry cells to generate them",
            ))
        if problems:
            raise InputError(problems)
        n_active = int((weight > 0).sum())
        if objective == "median" and n_active * n_f > settings.SITING_MAX_MEDIAN_PAIRS:
            raise InputError(Problem(
                f"the p-median model would have {n_active} × {n_f} assignment "
                f"variables (limit {settings.SITING_MAX_MEDIAN_PAIRS})",
                fix="use objective='coverage', fewer candidates, or aggregated demand",
            ))
        return cls(cost, weight, service_distance_m=service_distance_m, k=int(k),
                   objective=objective, existing=fixed)

    @classmethod
    def from_geodataframe(
        cls,
        demand: gpd.GeoDataFrame,
        candidates: gpd.GeoDataFrame,
        *,
        k: int,
        weight_col: str = "weight",
        existing_centres: gpd.GeoDataFrame | None = None,
        service_distance_m: float | None = None,
        objective: Objective = "coverage",
        demand_id_col: str | None = None,
        candidate_id_col: str | None = None,
        crs=None,
    ) -> SiteOptimiser:
        """The optimiser on layers: straight-line distances in metres in ``crs``.

        Parameters
        ----------
        demand
            Points or polygons (any CRS; polygons at a representative point) with persons in
            ``weight_col``; ids in ``demand_id_col`` (default as
            :func:`geo.catchment.demand_points`).
        candidates
            Candidate points (any CRS), id in ``candidate_id_col`` (default ``candidate_id``).
        k
            Number of new sites (1 … number of candidates).
        existing_centres
            Centres that stay open (pass the operational ones; see
            :func:`geo.schema.operational_mask`), ids in ``centre_id``. ``None``: none.
        service_distance_m, objective
            As :meth:`from_cost_matrix`.
        crs
            Projected working CRS (metres); default :data:`settings.WORK_CRS`. Layers in other
            CRSs are reprojected to it (a note says so).

        Raises
        ------
        CRSError
            A layer without a CRS.
        InputError
            A geographic ``crs``, bad weights, or as :meth:`from_cost_matrix`.
        """
        crs = crs or settings.WORK_CRS
        if CRS.from_user_input(crs).is_geographic:
            raise InputError(Problem(f"siting needs a projected CRS in metres, got {crs}",
                                     fix="use a UTM zone, e.g. EPSG:32718"))
        cand, cand_ids, moved_c = _points(candidates, what="candidates", crs=crs,
                                          id_col=candidate_id_col,
                                          default_ids=("candidate_id", "site_id", "centre_id",
                                                       "id"))
        if existing_centres is not None and not existing_centres.empty:
            ex, ex_ids, moved_e = _points(existing_centres, what="existing centres", crs=crs,
                                          id_col=None, default_ids=("centre_id", "id"))
            ex_xy = shapely.get_coordinates(ex.geometry.to_numpy())
        else:
            ex_ids, moved_e, ex_xy = np.zeros(0, dtype=object), False, np.zeros((0, 2))
        if demand.crs is None:
            raise CRSError(Problem("the demand layer has no CRS", source="demand",
                                   fix="set one, e.g. gdf.set_crs('EPSG:4326')"))
        moved_d = CRS.from_user_input(demand.crs) != CRS.from_user_input(crs)
        pts = demand_points(demand, weight_col=weight_col, id_col=demand_id_col, crs=crs)
        fac_xy = np.vstack([ex_xy, shapely.get_coordinates(cand.geometry.to_numpy())])
        dem_xy = shapely.get_coordinates(pts.geometry.to_numpy())
        cost = np.hypot(dem_xy[:, None, 0] - fac_xy[None, :, 0],
                        dem_xy[:, None, 1] - fac_xy[None, :, 1])
        existing = np.r_[np.ones(len(ex_ids), dtype=bool), np.zeros(len(cand), dtype=bool)]
        opt = cls.from_cost_matrix(cost, pts["weight"].to_numpy(dtype="float64"),
                                   service_distance_m=service_distance_m, k=k,
                                   objective=objective, existing=existing)
        if moved_c or moved_d or moved_e:
            opt.notes.append(f"layers reprojected to {CRS.from_user_input(crs).to_string()} "
                             "for distances in metres")
        opt._places = _Places(pts, cand, cand_ids, ex_ids, ex_xy)
        return opt

    # --- solving ----------------------------------------------------------------------------
    def solve(self, *, time_limit_s: float | None = None,
              solver: pulp.LpSolver | None = None) -> SiteOptimiser:
        """Solve with CBC; results become attributes (see the class). Returns ``self``.

        Never raises for an unproven answer: when CBC stops at the time limit its best
        feasible answer is kept (``status="time_limit"``); when it finds none, a greedy answer
        is given (``status="greedy"``); a note says which.

        Parameters
        ----------
        time_limit_s
            CBC time limit; default :data:`settings.SOLVER_TIME_LIMIT_S`.
        solver
            A PuLP solver to use instead of CBC (for tests and experts).
        """
        time_limit_s = settings.SOLVER_TIME_LIMIT_S if time_limit_s is None else time_limit_s
        fixed = np.flatnonzero(self.existing)
        free = np.flatnonzero(~self.existing)
        active = np.flatnonzero(self.weights > 0)
        if len(active) == 0:
            self.notes.append("no demand with weight above 0: the first k candidates are "
                              "returned")
            return self._settle(free[:self.k], "optimal")
        sub, weight = self.cost_m[active], self.weights[active]
        predefined = self.existing.astype(int) if len(fixed) else None
        if self.objective == "coverage":
            model = MCLP.from_cost_matrix(sub, weight, self.service_distance_m,
                                          len(fixed) + self.k,
                                          predefined_facilities_arr=predefined)
        else:
            model = PMedian.from_cost_matrix(sub, weight, len(fixed) + self.k,
                                             predefined_facilities_arr=predefined)
        solver = solver or pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
        try:
            model.problem.solve(solver)
            status, sol_status = model.problem.status, model.problem.sol_status
        except pulp.PulpSolverError as exc:
            status, sol_status = pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound
            self.notes.append(f"CBC failed: {exc}")
        self.solver_status = pulp.LpStatus.get(status, str(status))
        chosen = None
        if status == pulp.LpStatusOptimal and sol_status in (pulp.LpSolutionOptimal,
                                                             pulp.LpSolutionIntegerFeasible):
            values = np.array([(v.value() or 0) for v in model.fac_vars])
            chosen = free[values[free] > 0.5]
            if len(chosen) != self.k or not (values[fixed] > 0.5).all():
                chosen = None
        if chosen is not None and sol_status == pulp.LpSolutionOptimal:
            return self._settle(chosen, "optimal")
        if chosen is not None:
            self.notes.append(f"CBC stopped at the {time_limit_s:g} s time limit before "
                              "proving the best answer: the best found is given")
            return self._settle(chosen, "time_limit")
        self.notes.append(f"CBC found no answer ({self.solver_status}) within "
                          f"{time_limit_s:g} s: sites added one at a time, each the best "
                          "given those already open (greedy)")
        return self._settle(_greedy(sub, weight, fixed, free, self.k, self.service_distance_m,
                                    self.objective), "greedy")

    def _settle(self, chosen: np.ndarray, status: Status) -> SiteOptimiser:
        """Rank the chosen columns and work out coverage and assignment."""
        cost, weight, sd = self.cost_m, self.weights, self.service_distance_m
        fixed = np.flatnonzero(self.existing)
        chosen = np.asarray(chosen, dtype=int)
        n_d, n_e = len(weight), len(fixed)
        by_existing = (cost[:, fixed] <= sd).any(axis=1)
        gain = (weight[:, None] * ((cost[:, chosen] <= sd) & ~by_existing[:, None])).sum(axis=0)
        chosen = chosen[np.lexsort((chosen, -gain))]
        open_cols = np.r_[fixed, chosen].astype(int)
        d = cost[:, open_cols]
        nearest = d.argmin(axis=1)
        within = d <= sd
        covered = within.any(axis=1)
        covered_by = np.full(n_d, -1, dtype=int)
        # existing centres first (the nearest covering one), else the nearest covering new site
        for i in np.flatnonzero(covered):
            pool = (np.flatnonzero(within[i, :n_e]) if by_existing[i]
                    else n_e + np.flatnonzero(within[i, n_e:]))
            covered_by[i] = open_cols[pool[np.argmin(d[i, pool])]]
        self.status = status
        self.chosen, self.open = chosen, open_cols
        self.assignment = open_cols[nearest]
        self.distance_m = d[np.arange(n_d), nearest].astype("float64")
        self.covered, self.covered_by = covered, covered_by
        self.total_weight = float(weight.sum())
        self.covered_weight = float(weight[covered].sum())
        self.covered_by_existing_weight = float(weight[by_existing].sum())
        self.objective_value = (self.covered_weight if self.objective == "coverage"
                                else float((weight * self.distance_m).sum()))
        self.notes = list(dict.fromkeys(self.notes))
        self.result = _layers(self, self._places) if self._places is not None else None
        return self

    # --- results ------------------------------------------------------------------------------
    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The two GeoPackage layers by name: new_sites, coverage (EPSG:4326).

        Raises
        ------
        SolverError
            Not solved yet, or built from a bare cost matrix (no places to draw).
        """
        if self.result is None:
            raise SolverError(
                "no layers: call solve() first" if self.status is None else
                "no layers from a bare cost matrix: build with SiteOptimiser.from_geodataframe")
        return self.result.layers()


def _greedy(cost: np.ndarray, weight: np.ndarray, fixed: np.ndarray, free: np.ndarray, k: int,
            service_distance_m: float, objective: Objective) -> np.ndarray:
    """Add one site at a time, each the best given those already open; columns, sorted."""
    chosen: list[int] = []
    open_cols = [int(j) for j in fixed]
    for _ in range(k):
        best_j, best_val = None, None
        for j in free:
            if j in chosen:
                continue
            cols = [*open_cols, int(j)]
            if objective == "coverage":
                val = -float(weight[(cost[:, cols] <= service_distance_m).any(axis=1)].sum())
            else:
                val = float((weight * cost[:, cols].min(axis=1)).sum())
            if best_val is None or val < best_val:
                best_j, best_val = int(j), val
        chosen.append(best_j)
        open_cols.append(best_j)
    return np.array(sorted(chosen), dtype=int)


# --- layers --------------------------------------------------------------------------------------
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


def _layers(opt: SiteOptimiser, places: _Places) -> SitingResult:
    """The new_sites and coverage frames of a settled optimiser."""
    weight, sd = opt.weights, opt.service_distance_m
    pts, cand = places.demand, places.candidates
    fixed = np.flatnonzero(opt.existing)
    free = np.flatnonzero(~opt.existing)
    site_ids = np.array([f"N{r + 1}" for r in range(len(opt.chosen))], dtype=object)
    labels = np.full(len(opt.existing), None, dtype=object)
    kinds = np.full(len(opt.existing), None, dtype=object)
    labels[fixed], kinds[fixed] = places.existing_ids, "existing"
    labels[opt.chosen], kinds[opt.chosen] = site_ids, "new"
    has = opt.covered_by >= 0
    covered_by = np.where(has, labels[np.maximum(opt.covered_by, 0)], None)
    covered_kind = np.where(has, kinds[np.maximum(opt.covered_by, 0)], None)
    coverage = gpd.GeoDataFrame({
        "demand_id": pts["demand_id"].to_numpy(dtype=object),
        "name": pts["name"].to_numpy(dtype=object),
        "weight": weight,
        "covered": opt.covered.astype(bool),
        "covered_by": covered_by.astype(object),
        "covered_by_kind": covered_kind.astype(object),
        "nearest_facility_id": labels[opt.assignment].astype(object),
        "nearest_kind": kinds[opt.assignment].astype(object),
        "distance_m": opt.distance_m,
    }, geometry=pts.geometry.to_numpy(), crs=pts.crs).to_crs(settings.DISPLAY_CRS)

    cand_row = np.searchsorted(free, opt.chosen)  # candidates are the free columns, in order
    cand_xy = shapely.get_coordinates(cand.geometry.to_numpy())
    names_all = pts["name"].to_numpy()
    ids_all = pts["demand_id"].to_numpy()
    rows = []
    for r, (col, j) in enumerate(zip(opt.chosen, cand_row, strict=True)):
        added = (covered_by == site_ids[r]) & (weight > 0)
        assigned = opt.assignment == col
        if len(fixed):
            dx = np.hypot(*(places.existing_xy - cand_xy[j]).T)
            e = int(np.argmin(dx))
            near_ex, near_ex_m = str(places.existing_ids[e]), float(dx[e])
        else:
            near_ex, near_ex_m = None, np.nan
        names = [str(x) or str(i) for x, i in zip(names_all[added], ids_all[added], strict=True)]
        rows.append({
            "site_id": site_ids[r], "candidate_id": places.candidate_ids[j], "rank": r + 1,
            "covered_weight": float(weight[added].sum()),
            "covered_weight_total": float(weight[opt.cost_m[:, col] <= sd].sum()),
            "assigned_weight": float(weight[assigned].sum()),
            "n_demand_added": int(added.sum()),
            "mean_distance_m": (float(np.average(opt.distance_m[assigned],
                                                 weights=weight[assigned]))
                                if weight[assigned].sum() > 0 else np.nan),
            "site_area_needed_m2": float(
                (weight[added].sum() if opt.objective == "coverage" else weight[assigned].sum())
                * settings.SITE_AREA_M2_PER_PERSON),
            "nearest_existing_id": near_ex, "nearest_existing_m": near_ex_m,
            "reason": _reason(opt.objective, weight[added].sum(), names,
                              weight[assigned].sum(), near_ex, near_ex_m, sd),
        })
    sites = pd.DataFrame(rows, columns=list(NEW_SITE_COLUMNS))
    extra = cand.iloc[cand_row].drop(columns=[c for c in cand.columns
                                              if c in sites or c == cand.geometry.name])
    for c in extra.columns:
        sites[c] = _plain(extra[c])
    new_sites = gpd.GeoDataFrame(sites, geometry=cand.geometry.iloc[cand_row].to_numpy(),
                                 crs=cand.crs).to_crs(settings.DISPLAY_CRS)
    return SitingResult(new_sites, coverage, opt.objective, opt.status, opt.objective_value,
                        opt.total_weight, opt.covered_weight, opt.covered_by_existing_weight,
                        tuple(opt.notes))


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


def _reason(objective, added, names, assigned, near_ex, near_ex_m, service_distance_m) -> str:
    """Why a site was chosen, in one sentence a planner can read."""
    if objective == "coverage":
        if added > 0:
            listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3
                                             else "")
            text = (f"adds {added:,.0f} persons within {service_distance_m / 1000:g} km that no "
                    f"other open centre covers ({listed})")
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
    service_distance_m: float | None = None,
    objective: Objective = "coverage",
    candidates: gpd.GeoDataFrame | None = None,
    weight_col: str = "displaced_est",
    basis: Literal["unserved", "all"] = "unserved",
    flood_status_col: str = "flood_status",
    dem: RasterSource | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    time_limit_s: float | None = None,
    solver: pulp.LpSolver | None = None,
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
    service_distance_m
        Service distance in metres; default :data:`settings.SERVICE_DISTANCE_M`.
    objective
        ``"coverage"`` or ``"median"`` (see :meth:`SiteOptimiser.from_cost_matrix`).
    candidates
        Candidate points; generated on suitable cells when ``None``.
    basis
        ``"unserved"`` (default): the demand is what existing centres cannot take — the
        persons left unserved (too far or over capacity) by a capacity-respecting
        straight-line assignment within ``service_distance_m`` — and existing centres are not
        counted as covering it (a full centre covers no one). ``"all"``: the whole weight,
        existing operational centres fixed open and counted as covering what is in their
        reach.
    dem, rivers
        For :func:`geo.siting.suitability` (stage margin; river channels excluded).
    time_limit_s
        CBC time limit (default :data:`settings.SOLVER_TIME_LIMIT_S`).
    solver
        A PuLP solver to use instead of CBC (for tests and experts).

    Returns
    -------
    result
        :class:`SitingResult`; ``new_sites`` also carries ``depth_m_worst`` (depth at the site
        in ``scenario_worst``, NaN without one) and the candidates' columns.
    suitable
        The :class:`Suitability` used to generate candidates, else ``None``.

    Raises
    ------
    InputError
        As :meth:`SiteOptimiser.from_geodataframe`; also when neither candidates nor a
        scenario are given, or when no one is left to serve.
    SolverError
        CBC stopped at the time limit or found no answer; ``best`` holds the best feasible
        :class:`SitingResult` (the solver's, else a greedy one).
    """
    service_distance_m = (settings.SERVICE_DISTANCE_M if service_distance_m is None
                          else float(service_distance_m))
    if basis not in ("unserved", "all"):
        raise InputError(Problem(f"unknown demand basis '{basis}'", fix="use 'unserved' or 'all'"))
    if candidates is None and scenario_worst is None:
        raise InputError(Problem("no candidate sites and no flood scenario to find dry cells",
                                 fix="give candidate points (--candidates) or a scenario"))
    crs = scenario_worst.crs if scenario_worst is not None else settings.WORK_CRS
    notes: list[str] = []
    if basis == "unserved":
        plan = assign(demand, centres, weight_col=weight_col,
                      service_distance_m=service_distance_m, respect_capacity=True,
                      flood_status_col=flood_status_col, scenario=scenario_worst)
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
                           weight_col="weight", service_distance_m=service_distance_m)
        candidates = candidate_sites(suit)
        notes += list(suit.notes)
        notes.append(f"{len(candidates)} candidate sites generated on suitable cells")
    opt = SiteOptimiser.from_geodataframe(
        need, candidates, k=k, weight_col="weight", demand_id_col="demand_id",
        existing_centres=existing, service_distance_m=service_distance_m, objective=objective,
        crs=crs,
    ).solve(time_limit_s=time_limit_s, solver=solver)
    result = _finish(opt.result, scenario_worst, notes)
    limit_s = settings.SOLVER_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    if opt.status == "time_limit":
        raise SolverError(
            f"CBC stopped at the {limit_s:g} s time limit before proving the best "
            f"answer; the best found covers {result.covered_weight:,.0f} of "
            f"{result.total_weight:,.0f} persons (see .best)", best=result)
    if opt.status == "greedy":
        raise SolverError(
            f"CBC found no answer ({opt.solver_status}) within {limit_s:g} s; "
            f"a greedy answer is in .best (covers {result.covered_weight:,.0f} of "
            f"{result.total_weight:,.0f} persons)", best=result)
    return result, suit


def _finish(result: SitingResult, scenario: FloodScenario | None,
            notes: list[str]) -> SitingResult:
    """Add each site's depth in ``scenario`` and the chain's notes before the solver's."""
    sites = result.new_sites.copy()
    sites.insert(len(sites.columns) - 1, "depth_m_worst", _depth_at(sites, scenario))
    return replace(result, new_sites=sites, notes=tuple(dict.fromkeys([*notes, *result.notes])))


def _depth_at(points: gpd.GeoDataFrame, scenario: FloodScenario | None) -> np.ndarray:
    """Depth (m) at each point in ``scenario``; NaN off the raster or without a scenario."""
    out = np.full(len(points), np.nan)
    if scenario is None or points.empty:
        return out
    xy = shapely.get_coordinates(points.to_crs(scenario.crs).geometry.to_numpy())
    cols, rows = ~scenario.transform * (xy[:, 0], xy[:, 1])
    rows, cols = np.floor(rows).astype(int), np.floor(cols).astype(int)
    for i, (r, c) in enumerate(zip(rows, cols, strict=True)):
        if 0 <= r < scenario.shape[0] and 0 <= c < scenario.shape[1]:
            out[i] = float(scenario.read_depth(Window(c, r, 1, 1))[0, 0])
    return out

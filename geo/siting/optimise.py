"""Choosing ``k`` new collective centres: the optimiser, its layers and the whole chain.

:class:`SiteOptimiser` follows spopt's solvers: :meth:`SiteOptimiser.from_cost_matrix` is the
numeric core (arrays only: a demand × facility cost matrix in metres, weights in persons, a
mask of existing centres kept open and, optionally, what each place can take);
:meth:`SiteOptimiser.from_geodataframe` is a thin adapter that projects demand, candidates and
existing centres, measures straight-line distances and calls it. :meth:`SiteOptimiser.solve`
returns the optimiser with its results as attributes.

Without capacities it runs spopt's maximal covering (``objective="coverage"``) or p-median
(``"median"``) model with PuLP's CBC. With capacities (persons a site can take: its area over
Sphere's 45 m² per person) it solves the capacitated version of the same models with CBC — a
site takes at most its capacity, the demand above it spills to the next open site within
reach (or stays without a place), sites in one suitable zone share the zone's capacity — and
:meth:`SiteOptimiser.solve` reports who goes where (``allocation``).

:func:`plan_sites` chains demand left unserved by the existing centres
(:func:`geo.catchment.assign`), candidate sites on suitable cells
(:func:`geo.siting.suitability`) with their capacity, and the optimiser; it is what the CLI and
the app call. :func:`site_reason` says in Spanish or English why a site was chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import shapely
from rasterio.crs import CRS
from rasterio.windows import Window
from scipy import sparse
from scipy.optimize import linprog
from spopt.locate import MCLP, PMedian

from geo import settings
from geo.catchment import assign, demand_points
from geo.errors import CRSError, InputError, Num, Problem, SolverError
from geo.flood import FloodScenario
from geo.format import format_number
from geo.i18n import t
from geo.raster import RasterSource
from geo.schema import operational_mask, site_capacity_from_area
from geo.siting.suitability import Suitability, candidate_sites, suitability

__all__ = [
    "COVERAGE_COLUMNS",
    "NEW_SITE_COLUMNS",
    "SiteOptimiser",
    "SitingResult",
    "plan_sites",
    "site_reason",
]

Objective = Literal["coverage", "median"]
Status = Literal["optimal", "time_limit", "greedy"]
Note = Problem | str

#: Columns of the ``new_sites`` layer (geometry last: the site).
NEW_SITE_COLUMNS: tuple[str, ...] = (
    "site_id", "candidate_id", "rank", "covered_weight", "covered_weight_total",
    "assigned_weight", "capacity_persons", "n_demand_added", "mean_distance_m",
    "site_area_m2", "site_area_needed_m2", "nearest_existing_id", "nearest_existing_name",
    "nearest_existing_m", "served_communities", "reason",
)
#: Columns of the ``coverage`` layer (geometry last: the demand point).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "demand_id", "name", "weight", "covered", "covered_by", "covered_by_kind",
    "nearest_facility_id", "nearest_kind", "distance_m", "served_persons", "unserved_persons",
)

#: Weight of distance against persons in the capacitated models: among answers that give a
#: place to the same number of people (to within 0.1 person per 1,000 placed), the one with the
#: shorter travel wins (persons count 1, each person × service distance counts 1e-4).
_DISTANCE_TIE_BREAK: float = 1e-4
#: Existing centres take what they can reach before new sites do (what new sites add is then
#: what existing centres cannot take).
_EXISTING_FIRST: float = 1e-3


@dataclass(frozen=True)
class SitingResult:
    """The chosen sites as layers; frames in EPSG:4326.

    Attributes
    ----------
    new_sites
        The chosen sites (:data:`NEW_SITE_COLUMNS` plus the candidates' own columns).
        ``covered_weight`` is what this site adds: the persons it gives a place to (with
        capacities), else the demand within the service distance that it covers and no
        existing centre does (shared with another new site: counted for the nearer one), so
        the column sums to what the new sites add; ``covered_weight_total`` counts all demand
        within the service distance; ``assigned_weight`` the persons it takes (with capacities)
        or for whom it is the nearest open centre; ``capacity_persons`` what it can take (NaN:
        no limit); ``site_area_m2`` the planned site area (NaN when unknown);
        ``site_area_needed_m2`` the area its added (coverage) or assigned (median) persons need
        at :data:`settings.SITE_AREA_M2_PER_PERSON`; ``nearest_existing_*`` the nearest
        existing (operational) centre and its straight-line distance in metres.
    coverage
        One row per demand point (:data:`COVERAGE_COLUMNS`); ``served_persons`` got a place
        (with capacities: in a site with room; without: within the service distance of an open
        centre), ``unserved_persons`` did not.
    objective
        ``"coverage"`` or ``"median"``.
    status
        ``"optimal"``, ``"time_limit"`` (best found, not proven) or ``"greedy"`` (CBC found
        nothing; a greedy answer).
    objective_value
        Persons given a place (coverage) or persons × metres to their centre (median).
    total_weight, covered_weight, covered_by_existing_weight
        Persons: all demand, given a place after siting, given a place by existing centres.
    notes
        Assumptions, for reports (:class:`geo.errors.Problem` in both languages, or text).
    capacitated
        Whether sites had a capacity.
    """

    new_sites: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    objective: str
    status: str
    objective_value: float
    total_weight: float
    covered_weight: float
    covered_by_existing_weight: float
    notes: tuple[Note, ...] = field(default=())
    capacitated: bool = False

    @property
    def unserved_weight(self) -> float:
        """Persons still without a place after siting."""
        return max(0.0, self.total_weight - self.covered_weight)

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
    reference_ids: np.ndarray  # centres named as "nearest existing"
    reference_names: np.ndarray
    reference_xy: np.ndarray


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
    capacity
        Persons per facility column (``inf``: no limit), or ``None``: no capacities.
    zone, zone_capacity
        Zone index per column (``-1``: none) and persons per zone: the columns of a zone share
        its capacity. ``None`` when not given.
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
        Facility columns of the new sites, best first: ranked by the persons each adds (given
        a place, with capacities; else covered where no existing centre covers), ties by
        column.
    open
        Every open column: the existing ones, then ``chosen``.
    allocation
        Persons of each demand row placed at each open column (demand × ``open``); without
        capacities each covered row goes whole to its covering column.
    served
        Persons of each demand row given a place.
    assignment, distance_m
        Per demand row: its centre — the open column taking most of it (with capacities),
        else the nearest open column — and the cost to it (m).
    covered, covered_by
        Per demand row: within the service distance of an open column; the covering column
        (with capacities: the one taking most of it; else the nearest covering existing
        centre, else the nearest covering new site), ``-1`` when none.
    objective_value
        Persons given a place (coverage) or persons × metres to their centre (median).
    total_weight, covered_weight, covered_by_existing_weight
        Persons: all demand, given a place after siting, given a place by existing centres.
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
        capacity: np.ndarray | None = None,
        zone: np.ndarray | None = None,
        zone_capacity: np.ndarray | None = None,
        notes: list[Note] | None = None,
    ):
        self.cost_m = cost_m
        self.weights = weights
        self.service_distance_m = float(service_distance_m)
        self.k = int(k)
        self.objective = objective
        self.existing = existing
        self.capacity = capacity
        self.zone = zone
        self.zone_capacity = zone_capacity
        self.notes: list[Note] = list(notes or [])
        self._places: _Places | None = None
        self.status: Status | None = None
        self.solver_status: str | None = None
        self.chosen: np.ndarray | None = None
        self.open: np.ndarray | None = None
        self.allocation: np.ndarray | None = None
        self.served: np.ndarray | None = None
        self.assignment: np.ndarray | None = None
        self.distance_m: np.ndarray | None = None
        self.covered: np.ndarray | None = None
        self.covered_by: np.ndarray | None = None
        self.objective_value: float | None = None
        self.total_weight: float | None = None
        self.covered_weight: float | None = None
        self.covered_by_existing_weight: float | None = None
        self.result: SitingResult | None = None

    @property
    def capacitated(self) -> bool:
        """Whether any place has a capacity (a finite one, or a shared zone)."""
        if self.capacity is None:
            return False
        return bool(np.isfinite(self.capacity).any()
                    or (self.zone is not None and (self.zone >= 0).any()))

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
        capacity: np.ndarray | None = None,
        zone: np.ndarray | None = None,
        zone_capacity: np.ndarray | None = None,
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
            ``"coverage"``: maximise persons within ``service_distance_m`` of an open
            facility (spopt ``MCLP``), or given a place there with capacities. ``"median"``:
            minimise persons × metres to their open facility (spopt ``PMedian``); with
            capacities, persons without a place cost more than any distance.
        existing
            bool per column: existing centres, kept open and not counted in ``k``. ``None``:
            none.
        capacity
            Persons per column, 0 or more (``inf`` or NaN: no limit). ``None``: no capacities.
        zone
            Zone index per column, 0 … ``len(zone_capacity) - 1``, or ``-1`` for none.
        zone_capacity
            Persons per zone: the open columns of a zone take at most this many together.

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
            raise InputError(Problem.keyed("siting_cost_not_2d", ndim=cost.ndim))
        n_d, n_f = cost.shape
        fixed = (np.zeros(n_f, dtype=bool) if existing is None
                 else np.asarray(existing, dtype=bool).ravel())
        if weight.shape != (n_d,):
            problems.append(Problem.keyed("siting_weight_count", n_weights=weight.size,
                                          n_rows=n_d))
        elif not (np.isfinite(weight) & (weight >= 0)).all():
            problems.append(Problem.keyed("siting_weight_invalid"))
        if np.isnan(cost).any() or (cost < 0).any():
            problems.append(Problem.keyed("siting_cost_invalid"))
        elif objective == "median" and not np.isfinite(cost).all():
            problems.append(Problem.keyed("siting_median_needs_finite"))
        if fixed.shape != (n_f,):
            problems.append(Problem.keyed("siting_existing_count", n_flags=fixed.size,
                                          n_columns=n_f))
            fixed = np.zeros(n_f, dtype=bool)
        if not (np.isfinite(service_distance_m) and service_distance_m > 0):
            problems.append(Problem.keyed("siting_service_distance",
                                          value=f"{service_distance_m:g}"))
        if objective not in ("coverage", "median"):
            problems.append(Problem.keyed("siting_unknown_objective", objective=str(objective)))
        cap, zones, zone_cap = _capacities(capacity, zone, zone_capacity, n_f, problems)
        n_free = int((~fixed).sum())
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= n_free:
            problems.append(Problem.keyed(
                "siting_k_out_of_range" if n_free else "siting_k_no_candidates",
                k=str(k), n_free=n_free))
        if problems:
            raise InputError(problems)
        n_active = int((weight > 0).sum())
        if objective == "median" and n_active * n_f > settings.SITING_MAX_MEDIAN_PAIRS:
            raise InputError(Problem.keyed(
                "siting_median_too_large", n_active=n_active, n_columns=n_f,
                limit=settings.SITING_MAX_MEDIAN_PAIRS))
        return cls(cost, weight, service_distance_m=service_distance_m, k=int(k),
                   objective=objective, existing=fixed, capacity=cap, zone=zones,
                   zone_capacity=zone_cap)

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
        capacity_col: str | None = None,
        zone_col: str | None = None,
        zone_capacity_col: str | None = None,
        reference_centres: gpd.GeoDataFrame | None = None,
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
            :func:`geo.schema.operational_mask`), ids in ``centre_id``. ``None``: none. They
            have no capacity limit here.
        service_distance_m, objective
            As :meth:`from_cost_matrix`.
        capacity_col
            Column of ``candidates`` with the persons each can take (NaN: no limit).
        zone_col, zone_capacity_col
            Columns of ``candidates``: the suitable zone each lies in, and the persons that
            zone can take (shared by the candidates in it).
        reference_centres
            Centres named as each new site's nearest existing centre (``centre_id``, ``name``;
            default ``existing_centres``).
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
            raise InputError(Problem.keyed("siting_crs_geographic", crs=str(crs)))
        cand, cand_ids, moved_c = _points(candidates, what="candidates", crs=crs,
                                          id_col=candidate_id_col,
                                          default_ids=("candidate_id", "site_id", "centre_id",
                                                       "id"))
        if existing_centres is not None and not existing_centres.empty:
            ex, ex_ids, moved_e = _points(existing_centres, what="existing centres", crs=crs,
                                          id_col=None, default_ids=("centre_id", "id"))
            ex_xy = shapely.get_coordinates(ex.geometry.to_numpy())
        else:
            ex, ex_ids, moved_e, ex_xy = None, np.zeros(0, dtype=object), False, np.zeros((0, 2))
        if reference_centres is not None and not reference_centres.empty:
            ref, ref_ids, _moved = _points(reference_centres, what="existing centres", crs=crs,
                                           id_col=None, default_ids=("centre_id", "id"))
            ref_xy = shapely.get_coordinates(ref.geometry.to_numpy())
        elif reference_centres is None and ex is not None:
            ref, ref_ids, ref_xy = ex, ex_ids, ex_xy
        else:
            ref, ref_ids, ref_xy = None, np.zeros(0, dtype=object), np.zeros((0, 2))
        ref_names = (ref["name"].astype(object).where(ref["name"].notna(), None)
                     .to_numpy(dtype=object) if ref is not None and "name" in ref
                     else np.full(len(ref_ids), None, dtype=object))
        if demand.crs is None:
            raise CRSError(Problem.keyed("siting_no_crs", source="demand"))
        moved_d = CRS.from_user_input(demand.crs) != CRS.from_user_input(crs)
        pts = demand_points(demand, weight_col=weight_col, id_col=demand_id_col, crs=crs)
        fac_xy = np.vstack([ex_xy, shapely.get_coordinates(cand.geometry.to_numpy())])
        dem_xy = shapely.get_coordinates(pts.geometry.to_numpy())
        cost = np.hypot(dem_xy[:, None, 0] - fac_xy[None, :, 0],
                        dem_xy[:, None, 1] - fac_xy[None, :, 1])
        existing = np.r_[np.ones(len(ex_ids), dtype=bool), np.zeros(len(cand), dtype=bool)]
        capacity = zone = zone_capacity = None
        if capacity_col is not None or zone_col is not None:
            capacity = np.full(len(existing), np.inf)
            if capacity_col is not None:
                capacity[len(ex_ids):] = pd.to_numeric(cand[capacity_col], errors="coerce"
                                                       ).fillna(np.inf).to_numpy("float64")
        if zone_col is not None and zone_capacity_col is not None:
            labels = cand[zone_col].astype("string").fillna("")
            codes, uniques = pd.factorize(labels.where(labels != "", None))
            zone = np.r_[np.full(len(ex_ids), -1), codes].astype(int)
            caps = pd.to_numeric(cand[zone_capacity_col], errors="coerce").to_numpy("float64")
            zone_capacity = np.array([np.nanmin(caps[codes == z]) for z in range(len(uniques))],
                                     dtype="float64")
        opt = cls.from_cost_matrix(cost, pts["weight"].to_numpy(dtype="float64"),
                                   service_distance_m=service_distance_m, k=k,
                                   objective=objective, existing=existing, capacity=capacity,
                                   zone=zone, zone_capacity=zone_capacity)
        if moved_c or moved_d or moved_e:
            opt.notes.append(Problem.keyed("siting_note_reprojected",
                                           crs=CRS.from_user_input(crs).to_string()))
        opt._places = _Places(pts, cand, cand_ids, ex_ids, ref_ids, ref_names, ref_xy)
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
            self.notes.append(Problem.keyed("siting_note_no_demand"))
            return self._settle(free[:self.k], "optimal")
        sub, weight = self.cost_m[active], self.weights[active]
        if self.capacitated:
            problem, open_vars = self._capacitated_model(active)
            fac_vars = np.array([open_vars.get(j) for j in range(len(self.existing))],
                                dtype=object)
        else:
            predefined = self.existing.astype(int) if len(fixed) else None
            if self.objective == "coverage":
                model = MCLP.from_cost_matrix(sub, weight, self.service_distance_m,
                                              len(fixed) + self.k,
                                              predefined_facilities_arr=predefined)
            else:
                model = PMedian.from_cost_matrix(sub, weight, len(fixed) + self.k,
                                                 predefined_facilities_arr=predefined)
            problem, fac_vars = model.problem, np.array(model.fac_vars, dtype=object)
        solver = solver or pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
        try:
            problem.solve(solver)
            status, sol_status = problem.status, problem.sol_status
        except pulp.PulpSolverError as exc:
            status, sol_status = pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound
            self.notes.append(Problem.keyed("siting_note_cbc_failed", error=str(exc)))
        self.solver_status = pulp.LpStatus.get(status, str(status))
        chosen = None
        if status == pulp.LpStatusOptimal and sol_status in (pulp.LpSolutionOptimal,
                                                             pulp.LpSolutionIntegerFeasible):
            values = np.array([1.0 if v is None else (v.value() or 0) for v in fac_vars])
            chosen = free[values[free] > 0.5]
            if len(chosen) != self.k or not (values[fixed] > 0.5).all():
                chosen = None
        if chosen is not None and sol_status == pulp.LpSolutionOptimal:
            return self._settle(chosen, "optimal")
        if chosen is not None:
            self.notes.append(Problem.keyed("siting_note_time_limit",
                                            limit_s=f"{time_limit_s:g}"))
            return self._settle(chosen, "time_limit")
        self.notes.append(Problem.keyed("siting_note_greedy", solver_status=self.solver_status,
                                        limit_s=f"{time_limit_s:g}"))
        if self.capacitated:
            greedy = _greedy_capacitated(self, active)
        else:
            greedy = _greedy(sub, weight, fixed, free, self.k, self.service_distance_m,
                             self.objective)
        return self._settle(greedy, "greedy")

    def _pairs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every demand–facility pair a person may be placed on: within the
        service distance (coverage) or any finite cost (median)."""
        sub = self.cost_m[rows]
        ok = (sub <= self.service_distance_m) if self.objective == "coverage" \
            else np.isfinite(sub)
        r, c = np.nonzero(ok)
        return rows[r], c

    def _unit_costs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cost per person placed on each pair (the capacitated models minimise it)."""
        d = self.cost_m[i, j]
        if self.objective == "coverage":
            out = -1.0 + _DISTANCE_TIE_BREAK * d / self.service_distance_m
            return out - _EXISTING_FIRST * self.existing[j]
        return d.astype("float64")

    def _unplaced_cost(self) -> float:
        """Cost per person left without a place (median: more than any distance)."""
        if self.objective == "coverage":
            return 0.0
        finite = self.cost_m[np.isfinite(self.cost_m)]
        return 10.0 * (float(finite.max()) if finite.size else 1.0) + 1.0

    def _capacitated_model(self, active: np.ndarray) -> tuple[pulp.LpProblem, dict]:
        """The capacitated covering / median model on the active demand rows.

        Variables: ``open_j`` (binary, candidates only), ``x_ij`` ≥ 0 persons of row i placed
        at j (pairs of :meth:`_pairs`), ``u_i`` ≥ 0 persons of row i left without a place.
        Constraints: ``Σ_j x_ij + u_i = w_i``; ``x_ij ≤ w_i · open_j``; ``Σ_i x_ij ≤ cap_j ·
        open_j``; ``Σ_{j in zone} Σ_i x_ij ≤ zone_cap``; ``Σ open_j = k``. Objective: minimise
        :meth:`_unit_costs` · x + :meth:`_unplaced_cost` · u.
        """
        w, cap = self.weights, self.capacity
        free = np.flatnonzero(~self.existing)
        problem = pulp.LpProblem("capacitated_siting", pulp.LpMinimize)
        open_vars = {int(j): pulp.LpVariable(f"open_{j}", cat="Binary") for j in free}
        i_idx, j_idx = self._pairs(active)
        unit = self._unit_costs(i_idx, j_idx)
        x = [pulp.LpVariable(f"x_{i}_{j}", lowBound=0) for i, j in zip(i_idx, j_idx,
                                                                        strict=True)]
        u = {int(i): pulp.LpVariable(f"u_{i}", lowBound=0) for i in active}
        problem += (pulp.lpSum(c * v for c, v in zip(unit, x, strict=True))
                    + self._unplaced_cost() * pulp.lpSum(u.values()))
        by_row: dict[int, list] = {}
        by_col: dict[int, list] = {}
        for i, j, v in zip(i_idx, j_idx, x, strict=True):
            by_row.setdefault(int(i), []).append(v)
            by_col.setdefault(int(j), []).append(v)
            if int(j) in open_vars:
                problem += v <= float(w[i]) * open_vars[int(j)]
        for i in active:
            problem += pulp.lpSum(by_row.get(int(i), [])) + u[int(i)] == float(w[i])
        for j, vs in by_col.items():
            if np.isfinite(cap[j]):
                limit = float(cap[j]) * open_vars.get(j, 1)
                problem += pulp.lpSum(vs) <= limit
        if self.zone is not None:
            for z, zcap in enumerate(self.zone_capacity):
                members = [v for j in np.flatnonzero(self.zone == z) for v in by_col.get(int(j),
                                                                                        [])]
                if members and np.isfinite(zcap):
                    problem += pulp.lpSum(members) <= float(zcap)
        problem += pulp.lpSum(open_vars.values()) == self.k
        return problem, open_vars

    def _allocate(self, open_cols: np.ndarray) -> np.ndarray:
        """Persons of each demand row placed at each open column (demand × ``open_cols``):
        the capacitated model's linear programme with the open columns fixed (HiGHS)."""
        n_d = len(self.weights)
        active = np.flatnonzero(self.weights > 0)
        out = np.zeros((n_d, len(open_cols)))
        if not len(active) or not len(open_cols):
            return out
        sub = self.cost_m[np.ix_(active, open_cols)]
        ok = (sub <= self.service_distance_m) if self.objective == "coverage" \
            else np.isfinite(sub)
        r, c = np.nonzero(ok)
        n_x, n_u = len(r), len(active)
        costs = np.r_[self._unit_costs(active[r], open_cols[c]),
                      np.full(n_u, self._unplaced_cost())]
        eq = sparse.csr_matrix((np.ones(n_x + n_u), (np.r_[r, np.arange(n_u)],
                                                     np.arange(n_x + n_u))),
                               shape=(n_u, n_x + n_u))
        rows, bounds = [], []
        cap = self.capacity
        for k, j in enumerate(open_cols):
            if np.isfinite(cap[j]):
                rows.append(np.flatnonzero(c == k))
                bounds.append(float(cap[j]))
        if self.zone is not None:
            for z, zcap in enumerate(self.zone_capacity):
                members = np.flatnonzero(np.isin(c, np.flatnonzero(self.zone[open_cols] == z)))
                if len(members) and np.isfinite(zcap):
                    rows.append(members)
                    bounds.append(float(zcap))
        ub = None
        if rows:
            ub = sparse.csr_matrix(
                (np.ones(sum(len(m) for m in rows)),
                 (np.repeat(np.arange(len(rows)), [len(m) for m in rows]), np.concatenate(rows))),
                shape=(len(rows), n_x + n_u))
        answer = linprog(costs, A_ub=ub, b_ub=np.array(bounds) if rows else None, A_eq=eq,
                         b_eq=self.weights[active], bounds=(0, None), method="highs")
        if answer.status != 0:  # cannot happen: u alone is always feasible
            raise SolverError(Problem.keyed("siting_allocation_failed",
                                            detail=str(answer.message)))
        out[active[r], c] = np.maximum(answer.x[:n_x], 0.0)
        return out

    def _settle(self, chosen: np.ndarray, status: Status) -> SiteOptimiser:
        """Rank the chosen columns and work out coverage and assignment."""
        if self.capacitated:
            return self._settle_capacitated(chosen, status)
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
        allocation = np.zeros((n_d, len(open_cols)))
        # existing centres first (the nearest covering one), else the nearest covering new site
        for i in np.flatnonzero(covered):
            pool = (np.flatnonzero(within[i, :n_e]) if by_existing[i]
                    else n_e + np.flatnonzero(within[i, n_e:]))
            best = pool[np.argmin(d[i, pool])]
            covered_by[i] = open_cols[best]
            allocation[i, best] = weight[i]
        self.status = status
        self.chosen, self.open = chosen, open_cols
        self.allocation = allocation
        self.served = np.where(covered, weight, 0.0)
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

    def _settle_capacitated(self, chosen: np.ndarray, status: Status) -> SiteOptimiser:
        """Place people in the open columns (:meth:`_allocate`) and rank the new sites by the
        persons each takes."""
        cost, weight, sd = self.cost_m, self.weights, self.service_distance_m
        fixed = np.flatnonzero(self.existing)
        chosen = np.asarray(chosen, dtype=int)
        n_d, n_e = len(weight), len(fixed)
        alloc = self._allocate(np.r_[fixed, chosen].astype(int))
        gain = alloc[:, n_e:].sum(axis=0)
        order = np.lexsort((chosen, -np.round(gain, 6)))
        chosen = chosen[order]
        open_cols = np.r_[fixed, chosen].astype(int)
        alloc = np.c_[alloc[:, :n_e], alloc[:, n_e:][:, order]]
        served = alloc.sum(axis=1)
        d = cost[:, open_cols]
        main = alloc.argmax(axis=1)
        has = served > 1e-9
        col = np.where(has, main, d.argmin(axis=1))
        self.status = status
        self.chosen, self.open = chosen, open_cols
        self.allocation, self.served = alloc, served
        self.assignment = open_cols[col]
        self.distance_m = d[np.arange(n_d), col].astype("float64")
        self.covered = (d <= sd).any(axis=1)
        self.covered_by = np.where(has, open_cols[main], -1)
        self.total_weight = float(weight.sum())
        self.covered_weight = float(served.sum())
        self.covered_by_existing_weight = float(alloc[:, :n_e].sum())
        self.objective_value = (self.covered_weight if self.objective == "coverage"
                                else float((alloc * np.where(np.isfinite(d), d, 0)).sum()))
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


def _capacities(capacity, zone, zone_capacity, n_f: int, problems: list[Problem]
                ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Checked capacity, zone and zone capacity arrays (NaN capacity: no limit)."""
    cap = zones = zone_cap = None
    if capacity is not None:
        cap = np.asarray(capacity, dtype="float64").ravel()
        cap = np.where(np.isnan(cap), np.inf, cap)
        if cap.shape != (n_f,):
            problems.append(Problem.keyed("siting_capacity_count", n_values=cap.size,
                                          n_columns=n_f))
            cap = None
        elif (cap < 0).any():
            problems.append(Problem.keyed("siting_capacity_invalid"))
    if zone is not None:
        zones = np.asarray(zone, dtype=int).ravel()
        zone_cap = np.asarray([] if zone_capacity is None else zone_capacity,
                              dtype="float64").ravel()
        zone_cap = np.where(np.isnan(zone_cap), np.inf, zone_cap)
        if zones.shape != (n_f,) or (zones >= len(zone_cap)).any() or (zone_cap < 0).any():
            problems.append(Problem.keyed("siting_zone_invalid"))
            zones = zone_cap = None
        elif cap is None:
            cap = np.full(n_f, np.inf)
    return cap, zones, zone_cap


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


def _greedy_capacitated(opt: SiteOptimiser, active: np.ndarray) -> np.ndarray:
    """Add one site at a time: the one that can take most of the persons still without a place
    within its reach (its capacity and its zone's remaining room), nearest first."""
    remaining = opt.weights.copy()
    free = np.flatnonzero(~opt.existing)
    zone_left = (None if opt.zone is None else opt.zone_capacity.copy())
    reach = opt.cost_m <= opt.service_distance_m if opt.objective == "coverage" \
        else np.isfinite(opt.cost_m)
    for j in np.flatnonzero(opt.existing):  # existing centres take their share first
        remaining = _take(remaining, opt.cost_m[:, j], reach[:, j], opt.capacity[j])
    chosen: list[int] = []
    for _ in range(opt.k):
        best_j, best_gain = None, -1.0
        for j in free:
            if int(j) in chosen:
                continue
            room = opt.capacity[j]
            if zone_left is not None and opt.zone[j] >= 0:
                room = min(room, zone_left[opt.zone[j]])
            gain = min(room, float(remaining[reach[:, j]].sum()))
            if gain > best_gain + 1e-9:
                best_j, best_gain = int(j), gain
        chosen.append(best_j)
        before = remaining.sum()
        room = opt.capacity[best_j]
        if zone_left is not None and opt.zone[best_j] >= 0:
            room = min(room, zone_left[opt.zone[best_j]])
        remaining = _take(remaining, opt.cost_m[:, best_j], reach[:, best_j], room)
        if zone_left is not None and opt.zone[best_j] >= 0:
            zone_left[opt.zone[best_j]] -= before - remaining.sum()
    return np.array(sorted(chosen), dtype=int)


def _take(remaining: np.ndarray, cost: np.ndarray, reach: np.ndarray, room: float
          ) -> np.ndarray:
    """What is left after a place with ``room`` takes the nearest persons within reach."""
    left = remaining.copy()
    for i in np.argsort(cost, kind="stable"):
        if room <= 0:
            break
        if reach[i] and left[i] > 0:
            moved = min(left[i], room)
            left[i] -= moved
            room -= moved
    return left


# --- layers --------------------------------------------------------------------------------------
def _points(gdf: gpd.GeoDataFrame, *, what: str, crs, id_col: str | None,
            default_ids: tuple[str, ...]) -> tuple[gpd.GeoDataFrame, np.ndarray, bool]:
    """Reproject to ``crs``, polygons to representative points; ids as str."""
    if gdf.crs is None:
        raise CRSError(Problem.keyed("siting_no_crs", source=what))
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
    n_e = len(fixed)
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
        "served_persons": opt.served.astype("float64"),
        "unserved_persons": np.maximum(weight - opt.served, 0.0),
    }, geometry=pts.geometry.to_numpy(), crs=pts.crs).to_crs(settings.DISPLAY_CRS)

    cand_row = np.searchsorted(free, opt.chosen)  # candidates are the free columns, in order
    cand_xy = shapely.get_coordinates(cand.geometry.to_numpy())
    names_all = pts["name"].to_numpy()
    ids_all = pts["demand_id"].to_numpy()
    area_col = cand.get("site_area_m2")
    rows = []
    for r, (col, j) in enumerate(zip(opt.chosen, cand_row, strict=True)):
        taken = opt.allocation[:, n_e + r]
        if opt.capacitated:
            added, assigned = taken > 1e-9, taken > 1e-9
            added_w = assigned_w = float(taken.sum())
            distance = opt.cost_m[:, col]
            mean_m = (float(np.average(distance[assigned], weights=taken[assigned]))
                      if added_w > 0 else np.nan)
        else:
            added = (covered_by == site_ids[r]) & (weight > 0)
            assigned = opt.assignment == col
            added_w, assigned_w = float(weight[added].sum()), float(weight[assigned].sum())
            mean_m = (float(np.average(opt.distance_m[assigned], weights=weight[assigned]))
                      if assigned_w > 0 else np.nan)
        if len(places.reference_ids):
            dx = np.hypot(*(places.reference_xy - cand_xy[j]).T)
            e = int(np.argmin(dx))
            near_id, near_name, near_m = (str(places.reference_ids[e]),
                                          places.reference_names[e], float(dx[e]))
        else:
            near_id, near_name, near_m = None, None, np.nan
        capacity = (float(opt.capacity[col]) if opt.capacity is not None
                    and np.isfinite(opt.capacity[col]) else np.nan)
        order = np.argsort(-np.where(added, taken if opt.capacitated else weight, -1),
                           kind="stable")
        names = [str(names_all[i]) or str(ids_all[i]) for i in order if added[i]]
        row = {
            "site_id": site_ids[r], "candidate_id": places.candidate_ids[j], "rank": r + 1,
            "covered_weight": added_w,
            "covered_weight_total": float(weight[opt.cost_m[:, col] <= sd].sum()),
            "assigned_weight": assigned_w,
            "capacity_persons": capacity,
            "n_demand_added": int(added.sum()),
            "mean_distance_m": mean_m,
            "site_area_m2": (float(area_col.iloc[j]) if area_col is not None
                             and pd.notna(area_col.iloc[j]) else np.nan),
            "site_area_needed_m2": float(
                (added_w if opt.objective == "coverage" else assigned_w)
                * settings.SITE_AREA_M2_PER_PERSON),
            "nearest_existing_id": near_id, "nearest_existing_name": near_name,
            "nearest_existing_m": near_m,
            "served_communities": "; ".join(names),
        }
        row["reason"] = site_reason(row, objective=opt.objective, service_distance_m=sd,
                                    lang="en")
        rows.append(row)
    sites = pd.DataFrame(rows, columns=list(NEW_SITE_COLUMNS))
    extra = cand.iloc[cand_row].drop(columns=[c for c in cand.columns
                                              if c in sites or c == cand.geometry.name])
    for c in extra.columns:
        sites[c] = _plain(extra[c])
    new_sites = gpd.GeoDataFrame(sites, geometry=cand.geometry.iloc[cand_row].to_numpy(),
                                 crs=cand.crs).to_crs(settings.DISPLAY_CRS)
    return SitingResult(new_sites, coverage, opt.objective, opt.status, opt.objective_value,
                        opt.total_weight, opt.covered_weight, opt.covered_by_existing_weight,
                        tuple(opt.notes), capacitated=opt.capacitated)


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


def site_reason(site, *, objective: str, service_distance_m: float, lang: str = "es") -> str:
    """Why a site was chosen, in one or two sentences a planner can read, in ``lang``.

    Parameters
    ----------
    site
        A row of ``new_sites`` (mapping or Series): ``covered_weight``, ``assigned_weight``,
        ``covered_weight_total``, ``capacity_persons``, ``nearest_existing_name`` (or ``_id``),
        ``nearest_existing_m`` and the communities it serves (``served_communities``, names
        joined by ``"; "``, most persons first).
    objective
        ``coverage`` or ``median``.
    service_distance_m
        The service distance of the run (metres).
    """
    def get(name: str) -> object:
        value = site.get(name) if hasattr(site, "get") else None
        return None if value is None or (isinstance(value, float) and math.isnan(value)) \
            else value

    def num(value: object, decimals: int = 0) -> str:
        return format_number(value, lang, decimals=decimals)

    joined = get("served_communities")
    names = [n for n in str(joined).split("; ") if n] if joined else []
    listed = ", ".join(str(n) for n in names[:3])
    if len(names) > 3:
        listed = t("reason.and_more", lang, names=listed, n=len(names) - 3)
    added = float(get("covered_weight") or 0.0)
    if objective == "coverage":
        if added > 0:
            text = t("reason.site_adds", lang, persons=num(added),
                     km=num(service_distance_m / 1000, 1 if service_distance_m % 1000 else 0),
                     names=listed)
        else:
            text = t("reason.site_adds_nothing", lang)
    else:
        text = t("reason.site_median", lang, persons=num(get("assigned_weight") or 0.0))
    capacity, total = get("capacity_persons"), get("covered_weight_total")
    if capacity is not None and total is not None and float(total) > float(capacity) + 0.5:
        text += t("reason.site_full", lang, capacity=num(capacity),
                  rest=num(float(total) - float(get("assigned_weight") or 0.0)))
    near = get("nearest_existing_name") or get("nearest_existing_id")
    if near is not None and get("nearest_existing_m") is not None:
        text += t("reason.site_nearest", lang, name=str(near),
                  km=num(float(get("nearest_existing_m")) / 1000, 1))
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
    site_area_m2: float | None = None,
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
        ``flood_status_col``; the operational ones stay open and the nearest of them is named
        for each new site.
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
        Candidate points; generated on suitable cells when ``None``. A ``capacity_persons``
        column, when given, is what each can take.
    basis
        ``"unserved"`` (default): the demand is what existing centres cannot take — the
        persons left unserved (too far or over capacity) by a capacity-respecting
        straight-line assignment within ``service_distance_m`` — and existing centres are not
        counted as covering it (a full centre covers no one). ``"all"``: the whole weight,
        existing operational centres fixed open (without a capacity limit) and counted as
        covering what is in their reach.
    site_area_m2
        Area of each new site (m²); default :data:`settings.NEW_SITE_AREA_M2`. A site takes
        :func:`geo.schema.site_capacity_from_area` of it (Sphere, 45 m² per person); a
        generated candidate gets at most its suitable zone's area, and the sites in one zone
        share the zone's capacity. ``math.inf``: no capacity (the uncapacitated models).
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
    site_area_m2 = settings.NEW_SITE_AREA_M2 if site_area_m2 is None else float(site_area_m2)
    if basis not in ("unserved", "all"):
        raise InputError(Problem.keyed("siting_unknown_basis", basis=str(basis)))
    if candidates is None and scenario_worst is None:
        raise InputError(Problem.keyed("siting_no_candidates_no_scenario"))
    if not site_area_m2 > 0:
        raise InputError(Problem.keyed("siting_site_area", value=f"{site_area_m2:g}"))
    crs = scenario_worst.crs if scenario_worst is not None else settings.WORK_CRS
    notes: list[Note] = []
    operational = centres[operational_mask(centres, flood_status_col=flood_status_col)
                          .to_numpy()]
    if basis == "unserved":
        plan = assign(demand, centres, weight_col=weight_col,
                      service_distance_m=service_distance_m, respect_capacity=True,
                      flood_status_col=flood_status_col, scenario=scenario_worst)
        need = plan.assignments[["demand_id", "name", "unserved_persons", "geometry"]]
        need = need.rename(columns={"unserved_persons": "weight"})
        existing = None
        notes.append(Problem.keyed("siting_note_demand_unserved"))
    else:
        need = demand_points(demand, weight_col=weight_col, crs=crs)
        existing = operational
        notes.append(Problem.keyed("siting_note_demand_all", column=weight_col))
    if not (need["weight"] > 0).any():
        raise InputError(Problem.keyed("siting_nothing_to_serve_unserved"
                                       if basis == "unserved" else "siting_nothing_to_serve_all",
                                       column=weight_col))
    suit = None
    if candidates is None:
        suit = suitability(scenario_worst, dem=dem, rivers=rivers, demand=need,
                           weight_col="weight", service_distance_m=service_distance_m)
        candidates = candidate_sites(suit)
        notes += list(suit.notes)
        notes.append(Problem.keyed("siting_note_candidates", n=len(candidates)))
    candidates, capacity_cols = _with_capacity(candidates, site_area_m2, notes)
    opt = SiteOptimiser.from_geodataframe(
        need, candidates, k=k, weight_col="weight", demand_id_col="demand_id",
        existing_centres=existing, reference_centres=operational,
        service_distance_m=service_distance_m, objective=objective, crs=crs, **capacity_cols,
    ).solve(time_limit_s=time_limit_s, solver=solver)
    result = _finish(opt.result, scenario_worst, notes)
    limit_s = settings.SOLVER_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    figures = {"limit_s": Num(limit_s), "covered": Num(result.covered_weight, decimals=0),
               "total": Num(result.total_weight, decimals=0)}
    if opt.status == "time_limit":
        raise SolverError(Problem.keyed("siting_time_limit", **figures), best=result)
    if opt.status == "greedy":
        raise SolverError(Problem.keyed("siting_greedy", solver_status=str(opt.solver_status),
                                        **figures), best=result)
    return result, suit


def _with_capacity(candidates: gpd.GeoDataFrame, site_area_m2: float, notes: list[Note]
                   ) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Candidates with ``site_area_m2`` and ``capacity_persons`` (and their zone's capacity),
    and the column names :meth:`SiteOptimiser.from_geodataframe` takes them from."""
    if not math.isfinite(site_area_m2) and "capacity_persons" not in candidates:
        return candidates, {}
    out = candidates.copy()
    if "capacity_persons" in out:
        notes.append(Problem.keyed("siting_note_capacity_given"))
        return out, {"capacity_col": "capacity_persons"}
    zone_area = (pd.to_numeric(out["zone_area_m2"], errors="coerce")
                 if "zone_area_m2" in out else pd.Series(np.nan, index=out.index))
    area = np.fmin(zone_area.to_numpy("float64"), site_area_m2)  # NaN zone: the site area
    out["site_area_m2"] = area
    out["capacity_persons"] = site_capacity_from_area(area)
    notes.append(Problem.keyed("siting_note_capacity", area_m2=format_number(site_area_m2, "en"),
                               m2_per_person=f"{settings.SITE_AREA_M2_PER_PERSON:g}"))
    cols = {"capacity_col": "capacity_persons"}
    if "zone_id" in out and "zone_area_m2" in out:
        out["zone_capacity_persons"] = site_capacity_from_area(zone_area.to_numpy("float64"))
        cols |= {"zone_col": "zone_id", "zone_capacity_col": "zone_capacity_persons"}
    return out, cols


def _finish(result: SitingResult, scenario: FloodScenario | None,
            notes: list[Note]) -> SitingResult:
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

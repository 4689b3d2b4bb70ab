"""One planning run: the inputs and parameters in, every result Crecida shows or writes out.

The command line and the app both build a :class:`PlanningRun` and ask it for results; nothing
else assembles them, so the two front ends cannot give different answers to the same question.

>>> from geo.inputs import load_sample
>>> run = PlanningRun(load_sample())                           # doctest: +SKIP
>>> run.centres().flood_status.value_counts()                  # the most severe scenario
>>> run.catchment("117.0 m").unserved_persons
>>> run.export("briefing.pdf", lang="es")

A run computes each result once, when first asked (exposure of every scenario in one pass,
then a catchment per scenario and mode, the suitability per scenario); the app keeps runs in its
own cache, keyed by the inputs' contents and the parameters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import box

from geo import settings
from geo.errors import InputError, Problem
from geo.inputs import Inputs
from geo.schema import scenario_rows

__all__ = [
    "LAYER_ORDER",
    "AreaEvaluation",
    "Parameters",
    "PlanningRun",
    "area_from_bbox",
]

Progress = Callable[[int, int, str], None]
Mode = Literal["straight", "flood-aware"]

#: Every layer a run can export, in drawing order (bottom first is the last).
LAYER_ORDER: tuple[str, ...] = (
    "centres_exposure",
    "centres_capacity",
    "new_sites",
    "evaluated_areas",
    "communities_exposure",
    "assignments",
    "coverage",
    "catchments",
    "flood_extent",
    "districts",
    "rivers",
)


@dataclass(frozen=True)
class Parameters:
    """The planner's choices for a run; defaults from :mod:`geo.settings`.

    Attributes
    ----------
    threshold_m
        Depth from which a cell counts as flooded (m).
    ring_radius_m
        Radius of the access ring around each centre (m).
    service_distance_m
        Farthest a displaced person is sent to a centre (m; straight line, or its walking time
        on dry ground in flood-aware mode).
    catchment_mode
        ``straight`` or ``flood-aware``.
    respect_capacity
        Send what a full centre cannot take to the next nearest centre with room.
    exact
        Weight raster cells by the share of their area inside each community.
    """

    threshold_m: float = settings.FLOOD_THRESHOLD_M
    ring_radius_m: float = settings.ACCESS_RING_RADIUS_M
    service_distance_m: float = settings.SERVICE_DISTANCE_M
    catchment_mode: Mode = "straight"
    respect_capacity: bool = settings.RESPECT_CAPACITY
    exact: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for provenance and cache keys."""
        return asdict(self)


@dataclass(frozen=True)
class AreaEvaluation:
    """An area evaluated as a possible new centre (:meth:`PlanningRun.evaluate`).

    Attributes
    ----------
    layer
        One row, the area in EPSG:4326 with its figures as columns (``area_m2``,
        ``capacity_site_persons``, ``covered_area_needed_m2``,
        ``capacity_if_all_covered_persons``, ``service_distance_m``, ``displaced_within_m``,
        ``n_demand_within``) and, per scenario, ``flood_<scenario>`` (dry, partly_flooded,
        flooded, no_data).
    scenarios
        One row per scenario: ``scenario``, ``status``, ``flooded_share``, ``max_depth_m``.
    nearest
        The nearest existing centres: ``centre_id``, ``name``, ``distance_m``.
    notes
        Assumptions made.
    """

    layer: gpd.GeoDataFrame
    scenarios: pd.DataFrame
    nearest: pd.DataFrame
    notes: tuple[str, ...] = ()

    def figure(self, name: str) -> float:
        """One figure of the area (a column of :attr:`layer`)."""
        return float(self.layer[name].iloc[0])


def area_from_bbox(west: float, south: float, east: float, north: float) -> gpd.GeoDataFrame:
    """A rectangle in EPSG:4326 degrees as a one-row frame (for ``evaluate --bbox``).

    Raises
    ------
    InputError
        Bounds in the wrong order or outside longitude/latitude ranges.
    """
    problems = []
    if not (-180 <= west < east <= 180):
        problems.append(Problem.keyed("bbox_west_east", west=f"{west:g}", east=f"{east:g}"))
    if not (-90 <= south < north <= 90):
        problems.append(Problem.keyed("bbox_south_north", south=f"{south:g}",
                                      north=f"{north:g}"))
    if problems:
        raise InputError(problems)
    return gpd.GeoDataFrame(geometry=[box(west, south, east, north)], crs=settings.DISPLAY_CRS)


@dataclass
class PlanningRun:
    """A planning run over one session's inputs; each result is computed when first asked.

    Parameters
    ----------
    inputs
        The session's layers (:func:`geo.inputs.load_inputs`).
    parameters
        The planner's choices (defaults from :mod:`geo.settings`).
    progress
        Called as ``progress(done, total, message)`` during long work.
    """

    inputs: Inputs
    parameters: Parameters = field(default_factory=Parameters)
    progress: Progress | None = None
    _memo: dict[tuple, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def _once(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key; keys name every parameter the result depends on."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def with_parameters(self, **changes: Any) -> PlanningRun:
        """The same inputs with some parameters changed; results that do not depend on the
        changed parameters are shared, not computed again."""
        return PlanningRun(self.inputs, replace(self.parameters, **changes), self.progress,
                           self._memo, self._lock)

    def _exposure_key(self) -> tuple:
        p = self.parameters
        return ("exposure", p.threshold_m, p.ring_radius_m, p.exact)

    # --- exposure -------------------------------------------------------------------------
    @property
    def exposure(self):
        """Exposure of centres and communities under every scenario
        (:class:`geo.exposure.ExposureResult`)."""
        def compute():
            from geo.exposure import assess

            p = self.parameters
            return assess(self.inputs.centres, self.inputs.communities, self.inputs.scenarios,
                          threshold_m=p.threshold_m, ring_radius_m=p.ring_radius_m,
                          exact=p.exact, population=self.inputs.population,
                          progress=self.progress)
        return self._once(self._exposure_key(), compute)

    def scenario_name(self, scenario: str | None = None) -> str:
        """The scenario called ``scenario``, or the default one (the most severe)."""
        return self.inputs.scenario(scenario).name

    def centres(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """Centres under one scenario: canonical columns, ``flood_status`` and its figures."""
        name = self.scenario_name(scenario)
        return scenario_rows(self.exposure.centres, name).reset_index(drop=True)

    def communities(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """Communities under one scenario: flooded area, people exposed, displaced estimate."""
        name = self.scenario_name(scenario)
        return scenario_rows(self.exposure.communities, name).reset_index(drop=True)

    def summary_value(self, metric: str, scenario: str | None = None) -> float:
        """One figure of the exposure summary (``NaN`` when the summary lacks it)."""
        summary = self.exposure.summary
        rows = summary[(summary["scenario"] == self.scenario_name(scenario))
                       & (summary["metric"] == metric)]
        return float(rows["value"].iloc[0]) if len(rows) else float("nan")

    # --- catchment ------------------------------------------------------------------------
    def catchment(self, scenario: str | None = None, *, mode: Mode | None = None,
                  respect_capacity: bool | None = None):
        """Which operational centre serves which community (:class:`geo.catchment.Assignment`).

        ``mode`` and ``respect_capacity`` default to the run's parameters.
        """
        name = self.scenario_name(scenario)
        mode = self.parameters.catchment_mode if mode is None else mode
        respect = (self.parameters.respect_capacity if respect_capacity is None
                   else respect_capacity)

        def compute():
            from geo.catchment import assign

            return assign(self.communities(name), self.centres(name),
                          weight_col="displaced_est", demand_id_col="community_id",
                          service_distance_m=self.parameters.service_distance_m, mode=mode,
                          scenario=self.inputs.scenarios[name], rivers=self.inputs.rivers,
                          respect_capacity=respect, threshold_m=self.parameters.threshold_m)
        return self._once(("catchment", *self._exposure_key(), name,
                           self.parameters.service_distance_m, mode, respect), compute)

    # --- new centres ----------------------------------------------------------------------
    def suitability(self, scenario: str | None = None):
        """Where a new centre may go under one scenario (:class:`geo.siting.Suitability`)."""
        name = self.scenario_name(scenario)

        def compute():
            from geo.siting import suitability

            return suitability(self.inputs.scenarios[name], dem=self.inputs.dem,
                               rivers=self.inputs.rivers,
                               threshold_m=self.parameters.threshold_m,
                               demand=self.communities(name), weight_col="displaced_est",
                               service_distance_m=self.parameters.service_distance_m)
        return self._once(("suitability", *self._exposure_key(), name,
                           self.parameters.service_distance_m), compute)

    def evaluate(self, area, *, scenario: str | None = None, area_crs: str = "EPSG:4326",
                 label: str = "") -> AreaEvaluation:
        """Evaluate an area (a shapely polygon in ``area_crs``, or a GeoDataFrame/GeoSeries in
        its own CRS) as a possible new centre, against every scenario.

        Raises
        ------
        InputError
            Not a polygon with some area.
        """
        from geo.siting import evaluate_area

        name = self.scenario_name(scenario)
        if isinstance(area, gpd.GeoDataFrame):
            area = area.geometry
        report = evaluate_area(area, scenarios=self.inputs.scenarios,
                               demand=self.communities(name), centres=self.centres(name),
                               weight_col="displaced_est",
                               service_distance_m=self.parameters.service_distance_m,
                               polygon_crs=area_crs,
                               threshold_m=self.parameters.threshold_m)
        if isinstance(area, gpd.GeoSeries):
            geom = gpd.GeoSeries([shapely.union_all(area.to_numpy())], crs=area.crs)
        else:
            geom = gpd.GeoSeries([area], crs=area_crs)
        figures = {k: report[k] for k in (
            "area_m2", "capacity_site_persons", "covered_area_needed_m2",
            "capacity_if_all_covered_persons", "service_distance_m", "displaced_within_m",
            "n_demand_within")}
        scenarios = pd.DataFrame(report["scenarios"],
                                 columns=["scenario", "status", "flooded_share", "max_depth_m"])
        row = {"label": label, "scenario": name, **figures}
        row |= {f"flood_{s}": st for s, st in zip(scenarios["scenario"], scenarios["status"],
                                                   strict=True)}
        layer = gpd.GeoDataFrame([row], geometry=geom.to_crs(settings.DISPLAY_CRS).to_numpy(),
                                 crs=settings.DISPLAY_CRS)
        nearest = pd.DataFrame(report["nearest_centres"],
                               columns=["centre_id", "name", "distance_m"])
        return AreaEvaluation(layer=layer, scenarios=scenarios, nearest=nearest,
                              notes=tuple(report.get("notes", ())))

    def optimise(self, k: int, *, scenario: str | None = None,
                 objective: Literal["coverage", "median"] = "coverage",
                 candidates: gpd.GeoDataFrame | None = None,
                 demand: gpd.GeoDataFrame | None = None, weight_col: str | None = None,
                 site_area_m2: float | None = None, time_limit_s: float | None = None):
        """Propose ``k`` new centres (:class:`geo.siting.SitingResult`).

        Demand defaults to the scenario's displaced estimate per community; candidates to
        points on suitable ground. Each site takes what its area holds at Sphere's 45 m² per
        person: ``site_area_m2`` (default :data:`settings.NEW_SITE_AREA_M2`), at most the
        suitable zone it lies in; demand above it goes to the next site within reach.

        Raises
        ------
        InputError
            ``k`` below 1, or ``demand`` without ``weight_col``.
        SolverError
            The solver failed; ``exc.best`` holds the best feasible answer when there is one.
        """
        from geo.siting import plan_sites

        if k < 1:
            raise InputError(Problem.keyed("sites_count_below_one", k=str(k)))
        if (demand is None) != (weight_col is None):
            raise InputError(Problem.keyed("demand_and_weight_together"))
        name = self.scenario_name(scenario)
        if demand is None:
            demand, weight_col = self.communities(name), "displaced_est"
        result, _suitability = plan_sites(
            demand, self.centres(name), k=k, scenario_worst=self.inputs.scenarios[name],
            service_distance_m=self.parameters.service_distance_m, objective=objective,
            candidates=candidates, weight_col=weight_col, dem=self.inputs.dem,
            rivers=self.inputs.rivers, site_area_m2=site_area_m2, time_limit_s=time_limit_s,
        )
        return result

    # --- layers and exports ---------------------------------------------------------------
    def flood_extent(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """The scenario's flood as polygons, one per depth class (EPSG:4326)."""
        name = self.scenario_name(scenario)

        def compute():
            from geo.export import flood_extent_polygons

            return flood_extent_polygons(self.inputs.scenarios[name],
                                         threshold_m=self.parameters.threshold_m)
        return self._once(("flood_extent", name, self.parameters.threshold_m), compute)

    def layers(self, scenario: str | None = None, *, include: Sequence[str] | None = None,
               sites=None, areas: Sequence[AreaEvaluation] = ()) -> dict[str, gpd.GeoDataFrame]:
        """The layers of one scenario, by their export names, in :data:`LAYER_ORDER`.

        Parameters
        ----------
        include
            Names to build (default: every layer the run has). Only what is named is computed.
        sites
            Proposed sites (:meth:`optimise`'s result) to add as ``new_sites`` and ``coverage``.
        areas
            Evaluated areas to add as ``evaluated_areas``.
        """
        name = self.scenario_name(scenario)
        wanted = set(LAYER_ORDER if include is None else include)
        unknown = wanted - set(LAYER_ORDER)
        if unknown:
            raise InputError(Problem.keyed("unknown_layers", layers=", ".join(sorted(unknown)),
                                           choices=", ".join(LAYER_ORDER)))
        build: dict[str, Callable[[], gpd.GeoDataFrame | None]] = {
            "centres_exposure": lambda: self.centres(name),
            "communities_exposure": lambda: self.communities(name),
            "flood_extent": lambda: self.flood_extent(name),
            "districts": lambda: self.inputs.districts,
            "rivers": lambda: self.inputs.rivers,
            "assignments": lambda: self.catchment(name).assignments,
            "catchments": lambda: self.catchment(name).catchments,
            "centres_capacity": lambda: self.catchment(name).centres_capacity,
            "new_sites": lambda: sites.new_sites if sites is not None else None,
            "coverage": lambda: sites.coverage if sites is not None else None,
            "evaluated_areas": lambda: (pd.concat([a.layer for a in areas], ignore_index=True)
                                        if areas else None),
        }
        out = {}
        for layer in LAYER_ORDER:
            if layer in wanted:
                frame = build[layer]()
                if frame is not None:
                    out[layer] = frame
        return out

    def provenance(self, scenario: str | None = None, *, lang: str = "es",
                   producer: str = "", extra: Mapping[str, object] | None = None):
        """What produced an export of this run (:class:`geo.provenance.Provenance`)."""
        from geo.provenance import build_provenance

        name = self.scenario_name(scenario)
        parameters = {**self.parameters.as_dict(), "scenario": name, "lang": lang,
                      **dict(extra or {})}
        return build_provenance(self.inputs.sources, parameters=parameters, scenario=name,
                                is_sample=self.inputs.is_sample, producer=producer)

    def export(self, out: str | Path, *, scenario: str | None = None,
               include: Sequence[str] | None = None, layer: str | None = None,
               sites=None, areas: Sequence[AreaEvaluation] = (), lang: str = "es",
               producer: str = "", writers: Mapping[str, Callable] | None = None) -> Path:
        """Write the scenario's layers to ``out`` in the format its extension names.

        ``writers`` adds writers by extension from outside ``geo`` (the standalone HTML map
        comes from ``layers``). Returns the path written (a zip when several layers go to a
        one-layer format).
        """
        from geo.export import export, export_format

        export_format(out)  # an unknown extension is refused before any work
        name = self.scenario_name(scenario)
        frames = self.layers(name, include=include, sites=sites, areas=areas)
        extra: dict[str, object] = {}
        if sites is not None:
            extra |= {"new_sites": len(sites.new_sites), "siting_objective": sites.objective}
        if areas:
            extra["evaluated_areas"] = len(areas)
        provenance = self.provenance(name, lang=lang, producer=producer, extra=extra)
        return export(frames, out, provenance=provenance, flood=self.inputs.scenarios[name],
                      scenario=name, layer=layer, lang=lang,
                      threshold_m=self.parameters.threshold_m, writers=writers)

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

import functools
import math
import numbers
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from geo import settings
from geo.errors import CrecidaError, InputError, Problem, UnexpectedError, localise
from geo.inputs import Inputs
from geo.schema import scenario_rows

__all__ = [
    "LAYER_ORDER",
    "MAX_NEW_SITES",
    "PARAMETER_RANGES",
    "AreaEvaluation",
    "ParameterRange",
    "Parameters",
    "PlanningRun",
    "area_from_bbox",
    "count_problem",
    "parameter_problems",
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


def _guarded(method: Callable) -> Callable:
    """A public method of :class:`PlanningRun` that raises only Crecida's errors: anything
    else is logged with its traceback (:mod:`geo.crashlog`) and raised as an
    :class:`~geo.errors.UnexpectedError` naming the log (the original is its ``__cause__``)."""

    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except CrecidaError:
            raise
        except Exception as exc:
            from geo.crashlog import unexpected_problem

            problem = unexpected_problem(exc, context=f"PlanningRun.{method.__name__}")
            raise UnexpectedError(problem) from exc

    return guarded


@dataclass(frozen=True)
class ParameterRange:
    """The values a numeric parameter accepts: ``low <= value <= high``, finite, in ``unit``."""

    low: float
    high: float
    unit: str = "m"

    def problem(self, value: object, *, source: str) -> Problem | None:
        """Why ``value`` is refused (a keyed problem naming ``source``), or ``None``."""
        bounds = {"low": f"{self.low:g}", "high": f"{self.high:g}", "unit": self.unit}
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return Problem.keyed("parameter_not_finite", source=source, value=repr(value),
                                 **bounds)
        number = float(value)
        if not math.isfinite(number):
            return Problem.keyed("parameter_not_finite", source=source, value=f"{number}",
                                 **bounds)
        if not self.low <= number <= self.high:
            return Problem.keyed("parameter_out_of_range", source=source,
                                 value=f"{number:g}", **bounds)
        return None


#: What each numeric parameter accepts. Values outside are refused before any work, so a
#: ``nan`` or an absurd figure never turns into a plausible-looking wrong answer. The bounds
#: hold every sensible planning value with a wide margin (the app's inputs offer 0.01–10 m,
#: 30–5,000 m and 100–100,000 m); a threshold of 0 would count dry ground as flooded.
PARAMETER_RANGES: dict[str, ParameterRange] = {
    "threshold_m": ParameterRange(0.01, 20.0),
    "ring_radius_m": ParameterRange(1.0, 10_000.0),
    "service_distance_m": ParameterRange(1.0, 500_000.0),
    "datum_offset_m": ParameterRange(-1_000.0, 1_000.0),
    "slope_cm_per_km": ParameterRange(-1_000.0, 1_000.0),
    "stage_m": ParameterRange(-500.0, 9_000.0),
    "site_area_m2": ParameterRange(45.0, 100_000_000.0),
}

#: Most new sites one optimisation may propose (each is a candidate point on suitable ground).
MAX_NEW_SITES: int = settings.SITING_MAX_CANDIDATES

_MODES: tuple[str, ...] = ("straight", "flood-aware")


def parameter_problems(values: Mapping[str, object], *,
                       names: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem with the given parameter values (those of :class:`Parameters`).

    Parameters
    ----------
    values
        Parameter name to value; names not given are not checked.
    names
        How to name each parameter in the problems (the command line passes its option
        names, ``--threshold``…); default the parameter's own name.
    """
    names = names or {}
    problems: list[Problem] = []
    for key, value in values.items():
        source = names.get(key, key)
        if key in PARAMETER_RANGES:
            problem = PARAMETER_RANGES[key].problem(value, source=source)
        elif key == "catchment_mode":
            problem = (None if value in _MODES else Problem.keyed(
                "parameter_not_a_choice", source=source, value=str(value),
                choices=", ".join(_MODES)))
        elif key in ("respect_capacity", "exact"):
            problem = (None if isinstance(value, bool | np.bool_)
                       else Problem.keyed("parameter_not_bool", source=source,
                                          value=repr(value)))
        else:
            problem = None
        if problem is not None:
            problems.append(problem)
    return problems


def count_problem(k: object, *, source: str = "k") -> Problem | None:
    """Why ``k`` is not a number of new sites (1 to :data:`MAX_NEW_SITES`), or ``None``."""
    whole = not isinstance(k, bool) and (
        isinstance(k, numbers.Integral)
        or (isinstance(k, numbers.Real) and math.isfinite(float(k)) and float(k).is_integer()))
    if not whole:
        return Problem.keyed("parameter_not_whole", source=source, value=repr(k), low=1,
                             high=MAX_NEW_SITES)
    if not 1 <= int(k) <= MAX_NEW_SITES:
        return Problem.keyed("count_out_of_range", source=source, value=int(k), low=1,
                             high=MAX_NEW_SITES)
    return None


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
    gauge_lonlat
        River stages: the gauge (lon, lat) whose readings they are; ``None`` seeds the water
        from the rivers layer alone.
    datum_offset_m
        River stages: metres added to a gauge reading to reach the DEM's vertical datum.
    slope_cm_per_km
        River stages: water-surface slope away from the gauge.

    Raises
    ------
    InputError
        A value that is not finite, outside :data:`PARAMETER_RANGES`, an unknown mode or a
        flag that is not a boolean (every problem listed).
    """

    threshold_m: float = settings.FLOOD_THRESHOLD_M
    ring_radius_m: float = settings.ACCESS_RING_RADIUS_M
    service_distance_m: float = settings.SERVICE_DISTANCE_M
    catchment_mode: Mode = "straight"
    respect_capacity: bool = settings.RESPECT_CAPACITY
    exact: bool = False
    gauge_lonlat: tuple[float, float] | None = None
    datum_offset_m: float = settings.DATUM_OFFSET_M
    slope_cm_per_km: float = settings.SLOPE_CM_PER_KM

    def __post_init__(self) -> None:
        problems = parameter_problems(asdict(self))
        if problems:
            raise InputError(problems)

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
    values = {"west": west, "south": south, "east": east, "north": north}
    for name, value in values.items():
        if not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            problems.append(Problem.keyed("parameter_not_finite", source=f"--bbox {name}",
                                          value=str(value), low=-180 if name in (
                                              "west", "east") else -90,
                                          high=180 if name in ("west", "east") else 90,
                                          unit="°"))
    if problems:
        raise InputError(problems)
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

    Its public methods raise only Crecida's errors (:class:`~geo.errors.CrecidaError`): what
    is wrong with the inputs or parameters (:class:`~geo.errors.InputError`), a file that could
    not be written (:class:`~geo.errors.OutputError`), or, for anything unforeseen, an
    :class:`~geo.errors.UnexpectedError` naming the log file that holds the traceback.

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
    @_guarded
    def exposure(self):
        """Exposure of centres and communities under every scenario
        (:class:`geo.exposure.ExposureResult`)."""
        def compute():
            import os

            from geo.distributed import SCHEDULER_ENV, executor
            from geo.exposure import assess

            p = self.parameters
            options = dict(threshold_m=p.threshold_m, ring_radius_m=p.ring_radius_m,
                           exact=p.exact, population=self.inputs.population,
                           progress=self.progress)
            if os.environ.get(SCHEDULER_ENV) and len(self.inputs.scenarios) > 1:
                # an existing Dask cluster is named: one task per scenario there
                with executor(scheduler=os.environ[SCHEDULER_ENV]) as run:
                    return assess(self.inputs.centres, self.inputs.communities,
                                  self.inputs.scenarios, run=run, **options)
            return assess(self.inputs.centres, self.inputs.communities, self.inputs.scenarios,
                          **options)
        return self._once(self._exposure_key(), compute)

    def scenario_name(self, scenario: str | None = None) -> str:
        """The scenario called ``scenario``, or the default one (the most severe)."""
        return self.inputs.scenario(scenario).name

    @_guarded
    def centres(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """Centres under one scenario: canonical columns, ``flood_status`` and its figures."""
        name = self.scenario_name(scenario)
        return scenario_rows(self.exposure.centres, name).reset_index(drop=True)

    @_guarded
    def communities(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """Communities under one scenario: flooded area, people exposed, displaced estimate."""
        name = self.scenario_name(scenario)
        return scenario_rows(self.exposure.communities, name).reset_index(drop=True)

    @_guarded
    def summary_value(self, metric: str, scenario: str | None = None) -> float:
        """One figure of the exposure summary (``NaN`` when the summary lacks it)."""
        summary = self.exposure.summary
        rows = summary[(summary["scenario"] == self.scenario_name(scenario))
                       & (summary["metric"] == metric)]
        return float(rows["value"].iloc[0]) if len(rows) else float("nan")

    # --- flood season ---------------------------------------------------------------------
    def season(self, extents, *, wet_share: float | None = None, workers: int | None = None,
               scheduler: str | None = None):
        """A flood season over dated extents (:class:`geo.season.SeasonResult`): days flooded
        per community and centre, and people exposed per district and date.

        ``extents`` are :class:`geo.season.SeasonExtent` (see :func:`geo.season.open_season`);
        the run's communities, centres and threshold are used. ``workers`` and ``scheduler``
        choose where the tasks run (:func:`geo.distributed.executor`); the result does not
        depend on them, so it is kept once per extents, threshold and wet share.
        """
        from geo.season import season

        key = ("season", tuple((e.date, e.scenario.raster.path, e.scenario.kind)
                               for e in extents), self.parameters.threshold_m, wet_share)

        def compute():
            return season(extents, self.inputs.communities, self.inputs.centres,
                          threshold_m=self.parameters.threshold_m, wet_share=wet_share,
                          workers=workers, scheduler=scheduler, progress=self.progress)
        return self._once(key, compute)

    # --- catchment ------------------------------------------------------------------------
    @_guarded
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
    @_guarded
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

    @_guarded
    def evaluate(self, area, *, scenario: str | None = None, area_crs: str = "EPSG:4326",
                 label: str = "") -> AreaEvaluation:
        """Evaluate an area (a shapely polygon in ``area_crs``, or a GeoDataFrame/GeoSeries in
        its own CRS) as a possible new centre, against every scenario.

        Raises
        ------
        InputError
            Not a polygon with some area, or coordinates that are not finite numbers.
        """
        from geo.siting import evaluate_area

        name = self.scenario_name(scenario)
        if isinstance(area, gpd.GeoDataFrame):
            area = area.geometry
        _check_area(area)
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

    @_guarded
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
            ``k`` not a whole number from 1 to :data:`MAX_NEW_SITES`, a time limit that is
            not a positive number, or ``demand`` without ``weight_col``.
        SolverError
            The solver failed; ``exc.best`` holds the best feasible answer when there is one.
        """
        from geo.siting import plan_sites

        problems = [p for p in (count_problem(k),) if p is not None]
        if time_limit_s is not None and (
                isinstance(time_limit_s, bool) or not isinstance(time_limit_s, numbers.Real)
                or not math.isfinite(float(time_limit_s)) or time_limit_s <= 0):
            problems.append(Problem.keyed("parameter_not_finite", source="time_limit_s",
                                          value=repr(time_limit_s), low="0.1", high="86400",
                                          unit="s"))
        if problems:
            raise InputError(problems)
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

    # --- river stages ---------------------------------------------------------------------
    def _stage_key(self) -> tuple:
        p = self.parameters
        return ("stage_model", p.gauge_lonlat, p.datum_offset_m, p.slope_cm_per_km)

    def stage_model(self):
        """The river-stage model of the DEM (:class:`geo.stage.StageModel`): per cell, the
        lowest gauge stage at which river water reaches it; built once.

        Raises
        ------
        InputError
            No DEM, or nothing to start the water from (no rivers layer and no gauge).
        """
        def compute():
            from geo.stage import StageModel

            if self.inputs.dem is None:
                raise InputError(Problem.keyed("stage_needs_dem"))
            p = self.parameters
            return StageModel.from_raster(
                self.inputs.dem, rivers=self.inputs.rivers, gauge=p.gauge_lonlat,
                datum_offset_m=p.datum_offset_m, slope_cm_per_km=p.slope_cm_per_km,
                max_stage_m=max(settings.STAGE_RANGE_M), progress=self.progress)
        return self._once(self._stage_key(), compute)

    def stage_curves(self):
        """For every centre and community, the stages at which it floods, is cut off or at
        risk (:class:`geo.stage.curves.StageCurves`): any stage is then a table lookup."""
        def compute():
            return self.stage_model().curves(
                self.inputs.centres, self.inputs.communities,
                threshold_m=self.parameters.threshold_m,
                ring_radius_m=self.parameters.ring_radius_m)
        return self._once(("stage_curves", *self._stage_key(), *self._exposure_key()), compute)

    def with_stages(self, stages_m: Sequence[float], *, keep_scenarios: bool = False
                    ) -> PlanningRun:
        """A run whose scenarios are these river stages (named "117.8 m"), with the flood
        scenarios it had when ``keep_scenarios``. Depth rasters are written to a temporary
        folder, removed when the new run's inputs are."""
        import shutil
        import tempfile
        import weakref

        model = self.stage_model()
        folder = tempfile.mkdtemp(prefix="crecida_stage_")
        try:
            scenarios = dict(self.inputs.scenarios) if keep_scenarios else {}
            for stage in stages_m:
                scenario = model.scenario(stage, directory=folder)
                scenarios[scenario.name] = scenario
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        sources = {k: v for k, v in self.inputs.sources.items()
                   if keep_scenarios or not k.startswith("flood:")}
        inputs = replace(self.inputs, scenarios=scenarios, sources=sources)
        weakref.finalize(inputs, shutil.rmtree, folder, True)
        run = PlanningRun(inputs, self.parameters, self.progress)
        with self._lock:  # the stage model and curves hold for the new run too
            run._memo.update({k: v for k, v in self._memo.items()
                              if k[0] in ("stage_model", "stage_curves")})
        run._memo[self._stage_key()] = model
        return run

    def stage_table(self, stages_m: Sequence[float], *, by: str = "district") -> pd.DataFrame:
        """Centres and communities by status at each stage, per district (from the curves)."""
        return self.stage_curves().flooded_by_stage(stages_m, by=by)

    def forecast(self, readings: pd.DataFrame, *, today=None, source: str | None = None):
        """Which centres go under on which day of a forecast (a table of date and stage)
        (:class:`geo.stage.forecast.ForecastTimeline`); ``source`` names the forecast's file
        in its problems."""
        from geo.stage import forecast_timeline

        return forecast_timeline(self.stage_curves(), readings, today=today, source=source)

    # --- layers and exports ---------------------------------------------------------------
    @_guarded
    def flood_extent(self, scenario: str | None = None) -> gpd.GeoDataFrame:
        """The scenario's flood as polygons, one per depth class (EPSG:4326)."""
        name = self.scenario_name(scenario)

        def compute():
            from geo.export import flood_extent_polygons

            return flood_extent_polygons(self.inputs.scenarios[name],
                                         threshold_m=self.parameters.threshold_m)
        return self._once(("flood_extent", name, self.parameters.threshold_m), compute)

    @_guarded
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

    @_guarded
    def provenance(self, scenario: str | None = None, *, lang: str = "es",
                   producer: str = "", extra: Mapping[str, object] | None = None,
                   notes: Sequence[Problem | str] = ()):
        """What produced an export of this run (:class:`geo.provenance.Provenance`).

        Its ``notes`` are the inputs' warnings (what was fixed or assumed while loading, in
        English) followed by ``notes``.
        """
        from geo.provenance import build_provenance

        name = self.scenario_name(scenario)
        parameters = {**self.parameters.as_dict(), "scenario": name, "lang": lang,
                      **dict(extra or {})}
        return build_provenance(self.inputs.sources, parameters=parameters, scenario=name,
                                is_sample=self.inputs.is_sample, producer=producer,
                                decisions=self.inputs.decisions,
                                notes=[*map(_english, self.inputs.warnings),
                                       *map(_english, notes)])

    @_guarded
    def export(self, out: str | Path, *, scenario: str | None = None,
               include: Sequence[str] | None = None, layer: str | None = None,
               sites=None, areas: Sequence[AreaEvaluation] = (), lang: str = "es",
               producer: str = "", writers: Mapping[str, Callable] | None = None,
               notes: Sequence[Problem | str] = ()) -> Path:
        """Write the scenario's layers to ``out`` in the format its extension names.

        ``writers`` adds writers by extension from outside ``geo`` (the standalone HTML map
        comes from ``layers``); ``notes`` are added to the provenance after the inputs'
        warnings. Returns the path written (a zip when several layers go to a one-layer
        format). Raster work reports to the run's ``progress``.

        Raises
        ------
        InputError
            An unknown extension (before any work), or what :func:`geo.export.export` refuses.
        OutputError
            The file could not be written (full disk, read-only folder); any earlier file of
            that name is left as it was.
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
        provenance = self.provenance(name, lang=lang, producer=producer, extra=extra,
                                     notes=notes)
        return export(frames, out, provenance=provenance, flood=self.inputs.scenarios[name],
                      scenario=name, layer=layer, lang=lang,
                      threshold_m=self.parameters.threshold_m, writers=writers,
                      progress=self.progress)


def _english(note: Problem | str) -> str:
    """A note in English, as provenance records it."""
    return localise(note, "en")


def _check_area(area) -> None:
    """Refuse an area whose coordinates are not all finite numbers."""
    geoms = area.to_numpy() if isinstance(area, gpd.GeoSeries) else [area]
    for geom in geoms:
        if geom is None or not hasattr(geom, "geom_type"):
            raise InputError(Problem.keyed("area_not_geometry"))
        coords = shapely.get_coordinates(geom)
        if len(coords) and not bool(np.isfinite(coords).all()):
            raise InputError(Problem.keyed("area_not_finite"))

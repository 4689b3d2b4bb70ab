"""Everything a planning session works on, loaded and validated together.

:func:`load_inputs` reads what the planner gives and fills every layer left out from the
bundled synthetic sample (:func:`load_sample`); it checks that the layers overlap the flood
rasters and gathers every warning for the report (:func:`validation_report`).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from geo import io
from geo.errors import CrecidaWarning, InputError, OverlapError, Problem
from geo.flood import FloodKind, FloodScenario, flood_from_vector, open_flood
from geo.raster import RasterSource, open_raster

SAMPLE_DIR: Path = Path(__file__).resolve().parent.parent / "sample_data"
"""Folder of the bundled synthetic Iquitos scenario."""

LAYERS: tuple[str, ...] = (
    "centres",
    "communities",
    "districts",
    "rivers",
    "dem",
    "population",
)


@dataclass
class Inputs:
    """The layers of one planning session.

    Vector layers are canonical GeoDataFrames in EPSG:4326 (see :mod:`geo.io`); rasters are
    opened, not loaded. ``sources`` maps each layer (and ``flood:<name>``) to its file, for
    provenance; ``warnings`` lists every change or doubt found while loading.
    """

    centres: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    scenarios: dict[str, FloodScenario]
    districts: gpd.GeoDataFrame | None = None
    rivers: gpd.GeoDataFrame | None = None
    dem: RasterSource | None = None
    population: RasterSource | None = None
    sources: dict[str, str] = field(default_factory=dict)
    is_sample: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def sample_layers(self) -> list[str]:
        """Layers that came from the synthetic sample."""
        return [k for k, v in self.sources.items() if v.startswith(str(SAMPLE_DIR))]

    def scenario(self, name: str | None = None) -> FloodScenario:
        """The scenario called ``name`` (the last, most severe one when ``None``).

        Raises
        ------
        InputError
            No scenario of that name.
        """
        if not self.scenarios:
            raise InputError("no flood scenario is loaded")
        if name is None:
            return list(self.scenarios.values())[-1]
        if name not in self.scenarios:
            raise InputError(
                Problem(
                    f"no scenario named '{name}'",
                    fix=f"choose one of: {', '.join(self.scenarios)}",
                )
            )
        return self.scenarios[name]


def sample_manifest() -> dict:
    """The sample's manifest (``sample_data/manifest.json``)."""
    path = SAMPLE_DIR / "manifest.json"
    if not path.exists():
        raise InputError(
            Problem(
                "the bundled sample is missing",
                source=str(path.name),
                fix="regenerate it with: python sample_data/build_sample.py",
            )
        )
    return json.loads(path.read_text(encoding="utf-8"))


def load_sample() -> Inputs:
    """The bundled synthetic Iquitos scenario (not for operational use)."""
    return load_inputs()


def load_inputs(
    *,
    centres: str | Path | None = None,
    communities: str | Path | None = None,
    floods: Sequence[tuple[str | None, str | Path]] | None = None,
    flood_kinds: dict[str, FloodKind] | None = None,
    districts: str | Path | None = None,
    rivers: str | Path | None = None,
    dem: str | Path | None = None,
    population: str | Path | None = None,
    study_area: tuple[float, float, float, float] | None = None,
    labels: dict[str, str] | None = None,
) -> Inputs:
    """Load a session's layers; anything left out comes from the synthetic sample.

    Parameters
    ----------
    centres, communities, districts, rivers
        Vector files or tables (see :mod:`geo.io`).
    floods
        ``(name, path)`` pairs; ``name`` may be ``None`` (taken from the file). Rasters
        (depth, 0/1 extent or water level) or vector flood extents (rasterised on the DEM grid,
        or at ``settings.VECTOR_FLOOD_CELL_SIZE_M``).
    flood_kinds
        Kind per scenario name (``depth``, ``extent``, ``water_level``); guessed otherwise.
    dem, population
        Rasters (opened, not loaded).
    study_area
        (min lon, min lat, max lon, max lat) for coordinate checks.
    labels
        Display names per layer (e.g. the name of an uploaded file).

    Raises
    ------
    InputError
        Every problem found, across all layers, in one error.
    """
    labels = labels or {}
    manifest = None

    def sample(key: str) -> Path | None:
        nonlocal manifest
        manifest = manifest or sample_manifest()
        name = manifest.get(key)
        return SAMPLE_DIR / name if name else None

    sources: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []

    def attempt(fn, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CrecidaWarning)
            try:
                result = fn(*args, **kwargs)
            except InputError as exc:
                problems.extend(exc.problems)
                result = None
        for w in caught:
            if issubclass(w.category, CrecidaWarning):
                notes.append(str(w.message))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return result

    def path_for(key: str, given: str | Path | None) -> Path | None:
        path = Path(given) if given is not None else sample(key)
        if path is not None:
            sources[key] = str(path)
        return path

    p = path_for("centres", centres)
    centre_gdf = attempt(io.read_centres, p, label=labels.get("centres"), study_area=study_area)
    p = path_for("districts", districts)
    district_gdf = attempt(io.read_districts, p, label=labels.get("districts")) if p else None
    clip = district_gdf.union_all() if district_gdf is not None else None
    p = path_for("communities", communities)
    community_gdf = attempt(io.read_communities, p, label=labels.get("communities"), clip_to=clip)
    p = path_for("rivers", rivers)
    river_gdf = attempt(io.read_rivers, p, label=labels.get("rivers")) if p else None
    p = path_for("dem", dem)
    dem_src = attempt(open_raster, p, label=labels.get("dem")) if p else None
    p = path_for("population", population)
    pop_src = attempt(open_raster, p, label=labels.get("population")) if p else None

    scenarios: dict[str, FloodScenario] = {}
    flood_list = (
        list(floods)
        if floods
        else [
            (s["name"], SAMPLE_DIR / s["file"])
            for s in (manifest or sample_manifest())["scenarios"]
        ]
    )
    if floods is None:
        kinds = {s["name"]: s.get("kind") for s in sample_manifest()["scenarios"]}
    else:
        kinds = dict(flood_kinds or {})
    for name, path in flood_list:
        scenario = attempt(
            _open_scenario,
            name,
            Path(path),
            kind=kinds.get(name or ""),
            dem=dem_src,
            label=labels.get(f"flood:{name}"),
        )
        if scenario is None:
            continue
        if scenario.name in scenarios:
            problems.append(
                Problem(
                    f"two flood scenarios are named '{scenario.name}'",
                    fix="name each one: --flood NAME=PATH",
                )
            )
            continue
        scenarios[scenario.name] = scenario
        sources[f"flood:{scenario.name}"] = str(path)
        notes.extend(f"{scenario.name}: {n}" for n in scenario.notes)
    if not flood_list:
        problems.append(Problem("no flood scenario given", fix="give --flood NAME=PATH"))

    if not problems:
        for scenario in scenarios.values():
            problems.extend(_overlap_problems(scenario, centre_gdf, community_gdf))
    if problems:
        kind = OverlapError if all("do not overlap" in p.message for p in problems) else InputError
        raise kind(problems)
    if district_gdf is not None:
        centre_gdf = _fill_districts(centre_gdf, district_gdf, notes)
        community_gdf = _fill_districts(community_gdf, district_gdf, notes)
    return Inputs(
        centres=centre_gdf,
        communities=community_gdf,
        scenarios=scenarios,
        districts=district_gdf,
        rivers=river_gdf,
        dem=dem_src,
        population=pop_src,
        sources=sources,
        is_sample=all(v.startswith(str(SAMPLE_DIR)) for v in sources.values()),
        warnings=notes,
    )


def _open_scenario(
    name: str | None,
    path: Path,
    *,
    kind: FloodKind | None,
    dem: RasterSource | None,
    label: str | None,
) -> FloodScenario:
    if io.is_vector_path(path):
        polygons = io.read_flood_polygons(path, label=label)
        return flood_from_vector(
            polygons, name=name or path.stem, grid=dem, label=label or path.name
        )
    return open_flood(path, name=name, kind=kind, dem=dem)


def _overlap_problems(
    scenario: FloodScenario,
    *layers: gpd.GeoDataFrame | None,
) -> list[Problem]:
    """A problem when none of the vector layers overlaps the scenario's raster."""
    raster_box = box(*scenario.bounds)
    extents = []
    for layer in layers:
        if layer is None or layer.empty:
            continue
        projected = layer.to_crs(scenario.crs)
        if projected.intersects(raster_box).any():
            return []
        extents.append((layer.attrs.get("source", "layer"), projected.total_bounds))
    if not extents:
        return []
    described = "; ".join(f"{name} {_fmt_bounds(b)}" for name, b in extents)
    return [
        Problem(
            f"the flood raster {_fmt_bounds(scenario.bounds)} and the vector layers ({described}) "
            f"do not overlap (all in {scenario.crs.to_string()})",
            source=scenario.raster.label,
            fix="check that the flood raster and the sites cover the same area and that each "
            "file's coordinate system is declared correctly",
        )
    ]


def _fmt_bounds(bounds: Iterable[float]) -> str:
    b = [float(v) for v in bounds]
    return "[" + ", ".join(f"{v:,.0f}" if abs(v) > 1000 else f"{v:.4f}" for v in b) + "]"


def _fill_districts(
    gdf: gpd.GeoDataFrame | None,
    districts: gpd.GeoDataFrame,
    notes: list[str],
) -> gpd.GeoDataFrame | None:
    """Fill blank ``district`` values from the district polygon each feature falls in."""
    if gdf is None or gdf.empty or "district" not in gdf.columns:
        return gdf
    blank = gdf["district"].astype(str).str.strip().eq("")
    if not blank.any():
        return gdf
    points = gdf.loc[blank].geometry.representative_point()
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=points, crs=gdf.crs),
        districts[["name", "geometry"]],
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated()]
    filled = joined["name"].dropna()
    gdf = gdf.copy()
    gdf.loc[filled.index, "district"] = filled.astype(str)
    if len(filled):
        notes.append(
            f"{gdf.attrs.get('source', 'layer')}: district of {len(filled)} feature(s) "
            "filled in from the district polygons"
        )
    return gdf


def validation_report(inputs: Inputs) -> str:
    """A readable report of what was loaded: counts, CRS, extents, totals and warnings."""
    c, m = inputs.centres, inputs.communities
    lines = ["Crecida — input validation", "=" * 26]
    if inputs.is_sample:
        lines.append("Data: bundled SYNTHETIC Iquitos sample — not for operational use.")
    elif inputs.sample_layers:
        lines.append(f"From the synthetic sample: {', '.join(inputs.sample_layers)}.")
    lines.append("")
    lines.append(f"Collective centres: {len(c)}  (source: {_name(inputs, 'centres')})")
    lines.append(
        f"  families: {int(c['families'].sum()):,}   persons: "
        f"{int(c['persons'].sum()):,}   capacity: "
        f"{int(c['capacity_persons'].fillna(0).sum()):,} persons "
        f"({int(c['capacity_persons'].notna().sum())} centres with a capacity)"
    )
    by_status = c["status"].value_counts().to_dict()
    lines.append("  status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    by_kind = c["kind"].value_counts().to_dict()
    lines.append("  kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    if c["outside_study_area"].any():
        lines.append(f"  outside the study area: {int(c['outside_study_area'].sum())}")
    lines.append(f"  extent (lon/lat): {_fmt_bounds(c.total_bounds)}")
    lines.append("")
    derived = int(m["derived_boundary"].sum()) if len(m) else 0
    lines.append(
        f"River communities: {len(m)}  (source: {_name(inputs, 'communities')})"
        + (f", {derived} with derived boundaries" if derived else "")
    )
    lines.append(
        f"  population: {int(m['population'].sum()):,}   households: {int(m['households'].sum()):,}"
    )
    if len(m):
        lines.append(f"  extent (lon/lat): {_fmt_bounds(m.total_bounds)}")
    lines.append("")
    lines.append(f"Flood scenarios: {len(inputs.scenarios)}")
    for s in inputs.scenarios.values():
        res = s.raster.res
        lines.append(
            f"  - {s.name}: {s.kind}, {s.raster.width}×{s.raster.height} cells of "
            f"{res[0]:g}×{res[1]:g}, {s.crs.to_string()}, nodata "
            f"{s.raster.nodata if s.raster.nodata is not None else 'not set'}"
        )
        lines.append(f"    extent: {_fmt_bounds(s.bounds)}  (file: {s.raster.label})")
    for key, layer in (("districts", inputs.districts), ("rivers", inputs.rivers)):
        if layer is not None:
            names = ", ".join(map(str, layer["name"].head(8)))
            lines.append(f"{key.capitalize()}: {len(layer)} ({names})")
    for key, src in (("DEM", inputs.dem), ("Population raster", inputs.population)):
        if src is not None:
            lines.append(
                f"{key}: {src.width}×{src.height} cells of {src.res[0]:g}, "
                f"{src.crs.to_string()} ({src.label})"
            )
    lines.append("")
    if inputs.warnings:
        lines.append(f"Warnings ({len(inputs.warnings)}):")
        lines += [f"  ! {w}" for w in inputs.warnings]
    else:
        lines.append("Warnings: none")
    return "\n".join(lines)


def _name(inputs: Inputs, key: str) -> str:
    return Path(inputs.sources.get(key, "?")).name


def counts(inputs: Inputs) -> dict[str, float]:
    """Headline totals of the inputs (used by the CLI and the app)."""
    return {
        "centres": len(inputs.centres),
        "families": int(inputs.centres["families"].sum()),
        "persons": int(inputs.centres["persons"].sum()),
        "communities": len(inputs.communities),
        "population": int(np.asarray(inputs.communities["population"]).sum()),
        "scenarios": len(inputs.scenarios),
    }

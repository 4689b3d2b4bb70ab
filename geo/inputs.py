"""Everything a planning session works on, loaded and validated together.

:func:`load_inputs` reads what the planner gives. With nothing given it loads the bundled
synthetic sample (:func:`load_sample`). With any layer of the planner's own, layers left out
are either not needed — communities, centres, districts, rivers, a DEM, a population raster:
the results say what was skipped — or the loading is refused naming the missing input (no
flood scenario; a water level without a DEM). Sample layers are mixed in only when asked
(``with_sample=True``, ``--with-sample``), and then every output carries the sample banner
(:attr:`Inputs.is_sample`).

How every file was read — layer, sheet, classes, nodata, units, coordinate transformation,
observed area — is kept per layer in :attr:`Inputs.decisions` and printed by
:func:`validation_report`; every warning in :attr:`Inputs.warnings`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo import io, schema, settings
from geo.errors import CrecidaWarning, InputError, OverlapError, Problem, localise
from geo.flood import FloodKind, FloodScenario, FloodSpec, open_scenario
from geo.i18n import STRINGS, t
from geo.raster import RasterSource, open_raster

__all__ = [
    "LAYERS",
    "SAMPLE_DIR",
    "FloodSpec",
    "Inputs",
    "counts",
    "load_inputs",
    "load_sample",
    "sample_labels",
    "sample_manifest",
    "validation_report",
]

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

    Vector layers are canonical GeoDataFrames in EPSG:4326 (see :mod:`geo.io`); centres and
    communities are empty frames, with their columns, when not given. Rasters are opened, not
    loaded. ``sources`` maps each layer (and ``flood:<name>``) to its file, for provenance;
    ``warnings`` lists every change or doubt found while loading (English text) and
    ``warning_items`` the same as keyed problems (:func:`geo.errors.localise` gives them in
    the user's language); ``decisions`` lists, per layer (``centres``, ``flood:<name>``…, and
    ``inputs`` for the session as a whole), how each file was read. ``synthetic`` names the
    layers that are copies of the synthetic sample's files (see :func:`load_inputs`).
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
    decisions: dict[str, list[Problem]] = field(default_factory=dict)
    warning_items: list[Problem | str] = field(default_factory=list)
    synthetic: tuple[str, ...] = ()

    @property
    def sample_layers(self) -> list[str]:
        """Layers that came from the synthetic sample (its files, or copies of them marked
        ``synthetic``)."""
        return [k for k, v in self.sources.items()
                if v.startswith(str(SAMPLE_DIR)) or k in self.synthetic]

    @property
    def sample_scenarios(self) -> bool:
        """True when every flood scenario came from the synthetic sample."""
        sample = set(self.sample_layers)
        return bool(self.scenarios) and all(f"flood:{n}" in sample for n in self.scenarios)

    @property
    def only_sample(self) -> bool:
        """True when every layer came from the synthetic sample."""
        return bool(self.sources) and len(self.sample_layers) == len(self.sources)

    def decision_texts(self, lang: str = "en") -> dict[str, list[str]]:
        """The decisions as text in ``lang``, per layer (for provenance and reports)."""
        return {layer: [localise(d, lang) for d in items]
                for layer, items in self.decisions.items() if items}

    def scenario(self, name: str | None = None) -> FloodScenario:
        """The scenario called ``name`` (the last, most severe one when ``None``); a scenario
        of the bundled sample may be called by its name in either language
        (:func:`sample_labels`: ``118,6 m – récord de 2012``).

        Raises
        ------
        InputError
            No scenario of that name.
        """
        if not self.scenarios:
            raise InputError(Problem.keyed("no_flood_loaded"))
        if name is None:
            return list(self.scenarios.values())[-1]
        if name not in self.scenarios:
            named = [own for own, labels in sample_labels().items()
                     if own in self.scenarios and name in labels.values()]
            name = named[0] if named else name
        if name not in self.scenarios:
            raise InputError(Problem.keyed("scenario_not_found", name=name,
                                           names=", ".join(self.scenarios)))
        return self.scenarios[name]


def sample_manifest() -> dict:
    """The sample's manifest (``sample_data/manifest.json``)."""
    path = SAMPLE_DIR / "manifest.json"
    if not path.exists():
        raise InputError(Problem.keyed("sample_missing", source=str(path.name)))
    return json.loads(path.read_text(encoding="utf-8"))


def sample_labels() -> dict[str, dict[str, str]]:
    """The bundled sample's scenario names in each language (the manifest's ``labels``), by
    the name the scenario is loaded with; empty when the sample is missing."""
    try:
        scenarios = sample_manifest().get("scenarios", [])
    except (OSError, ValueError):
        return {}
    return {s["name"]: dict(s.get("labels") or {}) for s in scenarios}


def scenario_label(name: str, lang: str) -> str:
    """A scenario's name as people read it in ``lang``: the bundled sample's scenarios have
    names in both languages (``labels`` in its manifest); any other keeps its own name."""
    return sample_labels().get(str(name), {}).get(lang) or str(name)


def load_sample() -> Inputs:
    """The bundled synthetic Iquitos scenario (not for operational use)."""
    return load_inputs()


def load_inputs(
    *,
    centres: str | Path | None = None,
    communities: str | Path | None = None,
    floods: Sequence[FloodSpec | tuple[str | None, str | Path]] | None = None,
    flood_kinds: Mapping[str, FloodKind] | None = None,
    districts: str | Path | None = None,
    rivers: str | Path | None = None,
    dem: str | Path | None = None,
    population: str | Path | None = None,
    study_area: tuple[float, float, float, float] | None = None,
    labels: Mapping[str, str] | None = None,
    layers: Mapping[str, str] | None = None,
    with_sample: bool = False,
    stages: bool = False,
    synthetic: Collection[str] = (),
) -> Inputs:
    """Load a session's layers: the planner's own, the sample's only when asked.

    Parameters
    ----------
    centres, communities, districts, rivers
        Vector files or tables (see :mod:`geo.io`).
    floods
        :class:`~geo.flood.FloodSpec` items, or ``(name, path)`` pairs (``name`` may be
        ``None``: taken from the file). Rasters (depth, 0/1 extent or water level) or vector
        flood extents (rasterised on the DEM's grid, or at
        ``settings.VECTOR_FLOOD_CELL_SIZE_M``).
    flood_kinds
        Kind per scenario name (``depth``, ``extent``, ``water_level``); guessed otherwise.
    dem, population
        Rasters (opened, not loaded).
    study_area
        (min lon, min lat, max lon, max lat) for coordinate checks.
    labels
        Display names per layer (e.g. the name of an uploaded file; ``flood:<name>``).
    layers
        The layer (vector sources) or sheet (workbooks) to read, per layer key (``centres``
        …); for floods use :attr:`FloodSpec.layer`. Default: chosen, and said so.
    with_sample
        Fill the layers left out from the synthetic sample (ignored when nothing is given:
        then everything is the sample). Every output then carries the sample banner.
    synthetic
        Layer keys (``centres``…, ``flood:<name>``) whose files are the synthetic sample's
        though read from elsewhere (a saved workspace's copy of a sample file the bundled
        sample no longer holds): they are labelled sample data all the same.
    stages
        River stages will be added as scenarios (:meth:`geo.analysis.PlanningRun.with_stages`),
        so no flood scenario need be given.

    Raises
    ------
    InputError
        Every problem found, across all layers, in one error — including a missing input the
        analysis cannot do without.
    """
    labels = dict(labels or {})
    layers = dict(layers or {})
    given = {"centres": centres, "communities": communities, "districts": districts,
             "rivers": rivers, "dem": dem, "population": population}
    own = any(v is not None for v in given.values()) or bool(floods)
    use_sample = not own or with_sample
    manifest: dict | None = None

    def sample(key: str) -> Path | None:
        nonlocal manifest
        manifest = manifest or sample_manifest()
        name = manifest.get(key)
        return SAMPLE_DIR / name if name else None

    sources: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[Problem | str] = []
    decisions: dict[str, list[Problem]] = {}

    def attempt(key: str, fn, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CrecidaWarning)
            try:
                result = fn(*args, **kwargs)
            except InputError as exc:
                problems.extend(exc.problems)
                result = None
        for w in caught:
            if not issubclass(w.category, CrecidaWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if isinstance(result, gpd.GeoDataFrame):
            notes.extend(result.attrs.get("notes", []))
            decisions.setdefault(key, []).extend(result.attrs.get("decisions", []))
        return result

    def path_for(key: str, value: str | Path | None) -> Path | None:
        path = Path(value) if value is not None else (sample(key) if use_sample else None)
        if path is not None:
            sources[key] = str(path)
        return path

    def layer_of(key: str) -> str | None:
        if key in layers:
            return layers[key]
        if given[key] is None and use_sample and manifest is not None:
            return manifest.get(f"{key}_layer")
        return None

    p = path_for("centres", centres)
    centre_gdf = (attempt("centres", io.read_centres, p, label=labels.get("centres"),
                          study_area=study_area, layer=layer_of("centres"))
                  if p else _empty_centres())
    p = path_for("districts", districts)
    district_gdf = attempt("districts", io.read_districts, p, label=labels.get("districts"),
                           layer=layer_of("districts")) if p else None
    clip = district_gdf.union_all() if district_gdf is not None else None
    p = path_for("communities", communities)
    community_gdf = (attempt("communities", io.read_communities, p,
                             label=labels.get("communities"), clip_to=clip,
                             layer=layer_of("communities"))
                     if p else _empty_communities())
    p = path_for("rivers", rivers)
    river_gdf = attempt("rivers", io.read_rivers, p, label=labels.get("rivers"),
                        layer=layer_of("rivers")) if p else None
    p = path_for("dem", dem)
    dem_src = attempt("dem", open_raster, p, label=labels.get("dem")) if p else None
    p = path_for("population", population)
    pop_src = attempt("population", open_raster, p, label=labels.get("population")) if p \
        else None

    specs = _flood_specs(floods, flood_kinds)
    if not specs and use_sample:
        manifest = manifest or sample_manifest()
        specs = [FloodSpec(SAMPLE_DIR / s["file"], name=s["name"], kind=s.get("kind"))
                 for s in manifest["scenarios"]]
    scenarios: dict[str, FloodScenario] = {}
    for spec in specs:
        scenario = attempt("flood", open_scenario, spec, dem=dem_src,
                           label=labels.get(f"flood:{spec.name}"))
        if scenario is None:
            continue
        if scenario.name in scenarios:
            problems.append(Problem.keyed("flood_name_twice", name=scenario.name))
            continue
        scenarios[scenario.name] = scenario
        sources[f"flood:{scenario.name}"] = str(spec.path)
        notes.extend(replace(n, source=n.source or scenario.name) if isinstance(n, Problem)
                     else f"{scenario.name}: {n}" for n in scenario.notes)
        decisions[f"flood:{scenario.name}"] = list(scenario.decisions)
    if not specs and not stages:
        problems.append(Problem.keyed("no_flood_given"))

    session = _session_decisions(given, specs, use_sample=use_sample, own=own,
                                 sources=sources)
    if session:
        decisions["inputs"] = session
    if not problems:
        for scenario in scenarios.values():
            problems.extend(_overlap_problems(scenario, centre_gdf, community_gdf))
    if problems:
        kind = (OverlapError if all(p.key == "layers_do_not_overlap" for p in problems)
                else InputError)
        raise kind(problems)
    if district_gdf is not None:
        centre_gdf = _fill_districts(centre_gdf, district_gdf, notes)
        community_gdf = _fill_districts(community_gdf, district_gdf, notes)
    texts = [n.text("en") if isinstance(n, Problem) else str(n) for n in notes]
    return Inputs(
        centres=centre_gdf,
        communities=community_gdf,
        scenarios=scenarios,
        districts=district_gdf,
        rivers=river_gdf,
        dem=dem_src,
        population=pop_src,
        sources=sources,
        is_sample=any(v.startswith(str(SAMPLE_DIR)) for v in sources.values())
        or any(k in sources for k in synthetic),
        synthetic=tuple(k for k in sources if k in set(synthetic)),
        warnings=texts,
        decisions=decisions,
        warning_items=notes,
    )


def _flood_specs(floods, kinds: Mapping[str, FloodKind] | None) -> list[FloodSpec]:
    kinds = dict(kinds or {})
    specs = []
    for item in floods or ():
        spec = item if isinstance(item, FloodSpec) else FloodSpec(Path(item[1]), name=item[0])
        if spec.kind is None and spec.name in kinds:
            spec = replace(spec, kind=kinds[spec.name])
        specs.append(spec)
    return specs


def _session_decisions(given: Mapping[str, object], specs: list[FloodSpec], *,
                       use_sample: bool, own: bool, sources: Mapping[str, str]
                       ) -> list[Problem]:
    """What the session as a whole is made of: sample layers mixed in, layers skipped."""
    out = []
    if own and use_sample:
        mixed = [k for k, v in sources.items() if v.startswith(str(SAMPLE_DIR))]
        if mixed:
            out.append(Problem.keyed("decision_with_sample", layers=", ".join(mixed)))
    elif own:
        skipped = [k for k, v in given.items() if v is None]
        for key in skipped:
            out.append(Problem.keyed(f"decision_not_given_{key}"))
    return out


def _empty_centres() -> gpd.GeoDataFrame:
    """Canonical centres with no row (EPSG:4326)."""
    columns = {c: pd.Series(dtype="int64" if c in ("families", "persons") else
                            "float64" if c == "covered_area_m2" else
                            "Int64" if c == "capacity_persons" else "str")
               for c in schema.CENTRE_COLUMNS}
    frame = gpd.GeoDataFrame({**columns, "outside_study_area": pd.Series(dtype=bool)},
                             geometry=gpd.GeoSeries([], crs=settings.DISPLAY_CRS))
    frame.attrs["source"] = "centres"
    return frame


def _empty_communities() -> gpd.GeoDataFrame:
    """Canonical communities with no row (EPSG:4326)."""
    columns = {c: pd.Series(dtype="int64" if c in ("population", "households") else
                            "bool" if c == "derived_boundary" else "str")
               for c in schema.COMMUNITY_COLUMNS}
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=settings.DISPLAY_CRS))
    frame.attrs["source"] = "communities"
    return frame


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
    return [Problem.keyed("layers_do_not_overlap", source=scenario.raster.label,
                          raster=_fmt_bounds(scenario.bounds), layers=described,
                          crs=scenario.crs.to_string())]


def _fmt_bounds(bounds: Iterable[float], lang: str | None = None) -> str:
    """``[west, south, east, north]``: metres whole, degrees to 4 decimals. With ``lang``,
    written its way (Spanish: decimal comma, values apart by ``;``); without, in no language
    (no thousands separator, a decimal point), for a problem's parameters."""
    from geo.format import format_number

    b = [float(v) for v in bounds]
    if lang is None:
        return "[" + ", ".join(f"{v:.0f}" if abs(v) > 1000 else f"{v:.4f}" for v in b) + "]"
    sep = "; " if lang == "es" else ", "
    return "[" + sep.join(format_number(v, lang, decimals=0 if abs(v) > 1000 else 4)
                          for v in b) + "]"


def _fill_districts(
    gdf: gpd.GeoDataFrame | None,
    districts: gpd.GeoDataFrame,
    notes: list,
) -> gpd.GeoDataFrame | None:
    """Fill blank ``district`` values from the district polygon each feature falls in."""
    if gdf is None or gdf.empty or "district" not in gdf.columns:
        return gdf
    blank = gdf["district"].astype(str).str.strip().eq("")
    if not blank.any():
        return gdf
    points = gdf.loc[blank].geometry.representative_point()
    if "points" in gdf.attrs and "derived_boundary" in gdf.columns:
        # a derived boundary's community is at its point, not somewhere in its cell
        own = gpd.GeoSeries(gdf.attrs["points"].to_numpy(), index=gdf.index, crs=gdf.crs)
        derived = gdf["derived_boundary"].astype(bool) & blank
        points = points.where(~derived[blank], own[blank])
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
        notes.append(Problem.keyed("district_filled", source=gdf.attrs.get("source", "layer"),
                                   n=len(filled)))
    return gdf


def validation_report(inputs: Inputs, *, lang: str = "en") -> str:
    """A readable report of what was loaded, in ``lang``: counts, CRS, extents, totals, the
    decisions taken while reading each file, and the warnings (numbers written the ``lang``
    way, :mod:`geo.format`; the sample's scenarios named in ``lang``, as
    :meth:`Inputs.scenario` also takes them)."""
    from geo.format import format_number

    labels = sample_labels()

    def named(scenario: str) -> str:
        return labels.get(scenario, {}).get(lang) or scenario

    def n(value: object) -> str:
        return format_number(value, lang)

    c, m = inputs.centres, inputs.communities
    title = t("report.title", lang)
    lines = [title, "=" * len(title)]
    if inputs.only_sample:
        lines.append(t("report.sample_only", lang))
    elif inputs.sample_layers:
        lines.append(t("report.mixed_sample", lang, layers=", ".join(inputs.sample_layers)))
    lines.append("")
    centres_name = t("report.layer_centres", lang)
    if "centres" in inputs.sources:
        lines.append(t("report.count_source", lang, layer=centres_name, n=n(len(c)),
                       file=_name(inputs, "centres")))
        lines.append("  " + t(
            "report.centre_totals", lang, families=n(c["families"].sum()),
            persons=n(c["persons"].sum()), capacity=n(c["capacity_persons"].fillna(0).sum()),
            with_capacity=n(c["capacity_persons"].notna().sum())))
        for key, column, prefix in (("report.statuses", "status", "op"),
                                    ("report.kinds", "kind", "kind")):
            counted = sorted((_word(prefix, k, lang), v)
                             for k, v in c[column].value_counts().items())
            lines.append("  " + t(key, lang, items=", ".join(f"{k} {n(v)}" for k, v in counted)))
        if c["outside_study_area"].any():
            lines.append("  " + t("report.outside", lang, n=n(c["outside_study_area"].sum())))
        if len(c):
            lines.append("  " + t("report.extent_lonlat", lang,
                                  bounds=_fmt_bounds(c.total_bounds, lang)))
    else:
        lines.append(t("report.not_given", lang, layer=centres_name))
    lines.append("")
    communities_name = t("report.layer_communities", lang)
    if "communities" in inputs.sources:
        derived = int(m["derived_boundary"].sum()) if len(m) else 0
        lines.append(t("report.count_source", lang, layer=communities_name, n=n(len(m)),
                       file=_name(inputs, "communities"))
                     + (t("report.derived", lang, n=n(derived)) if derived else ""))
        lines.append("  " + t("report.community_totals", lang,
                              population=n(m["population"].sum()),
                              households=n(m["households"].sum())))
        if len(m):
            lines.append("  " + t("report.extent_lonlat", lang,
                                  bounds=_fmt_bounds(m.total_bounds, lang)))
    else:
        lines.append(t("report.not_given", lang, layer=communities_name))
    lines.append("")
    lines.append(t("report.scenarios", lang, n=n(len(inputs.scenarios))))
    for s in inputs.scenarios.values():
        nodata = s.raster.nodata
        lines.append("  " + t(
            "report.scenario", lang, name=named(s.name),
            kind=_word("report.kind", s.kind, lang), width=s.raster.width,
            height=s.raster.height, res=f"{_g(s.raster.res[0], lang)}×{_g(s.raster.res[1], lang)}",
            unit=_unit(s.crs), crs=s.crs.to_string(),
            nodata=(t("report.nodata_not_set", lang) if nodata is None
                    else "NaN" if np.isnan(nodata) else _g(nodata, lang)),
            meaning=_word("report.nodata", s.nodata_means, lang)))
        lines.append("    " + t("report.scenario_extent", lang,
                                bounds=_fmt_bounds(s.bounds, lang), file=s.raster.label))
    for key, layer in (("report.districts", inputs.districts), ("report.rivers", inputs.rivers)):
        if layer is not None:
            lines.append(t(key, lang, n=n(len(layer)),
                           names=", ".join(map(str, layer["name"].head(8)))))
    for key, src in (("report.raster_dem", inputs.dem),
                     ("report.raster_population", inputs.population)):
        if src is not None:
            lines.append(t("report.raster", lang, layer=t(key, lang), width=src.width,
                           height=src.height, res=_g(src.res[0], lang), unit=_unit(src.crs),
                           crs=src.crs.to_string(), file=src.label))
    lines.append("")
    decided = inputs.decision_texts(lang)
    if decided:
        lines.append(t("report.decisions", lang))
        for layer, items in decided.items():
            source = Path(inputs.sources.get(layer, "")).name
            shown = (t("report.decided_flood", lang, name=named(layer[6:]))
                     if layer.startswith("flood:") else _word("word", layer, lang))
            lines.append(f"  {shown}" + (f" ({source})" if source else "") + ":")
            lines += [f"    • {text}" for text in items]
        lines.append("")
    if inputs.warnings:
        items = inputs.warning_items or inputs.warnings
        lines.append(t("report.warnings", lang, n=n(len(items))))
        lines += [f"  ! {localise(w, lang)}" for w in items]
    else:
        lines.append(t("report.no_warnings", lang))
    return "\n".join(lines)


def _word(prefix: str, code: object, lang: str) -> str:
    """The word for a code in ``lang`` (``t(f"{prefix}_{code}")``, ``t(f"word.{code}")`` for
    the prefix ``word``), or the code itself when it has none."""
    key = f"word.{code}" if prefix == "word" else f"{prefix}_{code}"
    return t(key, lang) if key in STRINGS else str(code)


def _g(value: float, lang: str) -> str:
    """A measure as short as it can be written (``30``, ``0.000277778``), with the decimal
    mark of ``lang``."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "es" else text


def _unit(crs) -> str:
    """Unit of a CRS's coordinates, for reports: ``m`` or ``°``."""
    return "°" if crs.is_geographic else "m"


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

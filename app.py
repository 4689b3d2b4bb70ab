"""Crecida's planner app: ``streamlit run app.py``.

A thin page: widgets in, one :class:`geo.analysis.PlanningRun` asked for every result (the
object the command line uses too), ``layers/`` for the map. Runs are cached here, at the UI
edge, keyed on file contents (SHA-256 of every file a layer comes from); a run shares what it
computed with the same inputs under other parameters. The map is drawn by streamlit-folium with
only the drawings returned, so panning or zooming never reruns the script.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from geo import settings
from geo.analysis import LAYER_ORDER, PlanningRun
from geo.basemap import BASEMAP_SUFFIXES, BasemapImage, read_basemap
from geo.crashlog import unexpected_problem
from geo.errors import CrecidaError, CrecidaWarning, InputError, Problem, localise
from geo.i18n import LANGUAGES, t
from geo.inputs import Inputs, load_inputs
from geo.io.files import atomic_path, sha256_file
from layers.assets import check_installed
from layers.flood import FloodOverlay, flood_overlay
from layers.html import WRITERS as HTML_WRITERS
from layers.map import MAP_HEIGHT_PX, build_map, layer_bounds

UPLOAD_DIR = Path(tempfile.gettempdir()) / "crecida_uploads"
VIEWS = ("exposure", "catchment", "sites", "season", "export")
UPLOADS: dict[str, tuple[str, list[str], bool]] = {
    # layer: (label key, accepted extensions, several files)
    "centres": ("upload_centres", ["csv", "xlsx", "xls", "geojson", "json", "gpkg", "kml",
                                   "kmz", "zip"], False),
    "communities": ("upload_communities", ["geojson", "json", "gpkg", "kml", "kmz", "zip",
                                           "csv", "xlsx"], False),
    "floods": ("upload_floods", ["tif", "tiff", "geojson", "json", "gpkg", "zip", "kml"], True),
    "districts": ("upload_districts", ["geojson", "json", "gpkg", "kml", "kmz", "zip"], False),
    "rivers": ("upload_rivers", ["geojson", "json", "gpkg", "kml", "kmz", "zip"], False),
    "dem": ("upload_dem", ["tif", "tiff"], False),
    "population": ("upload_population", ["tif", "tiff"], False),
}


# --------------------------------------------------------------------------- files and caching
@dataclass(frozen=True)
class Upload:
    """An uploaded file saved under a folder named by its SHA-256 (the cache key)."""

    layer: str
    name: str
    path: str
    sha256: str


def _safe_name(name: str) -> str:
    """A file name with no folders and only plain characters (keeps the extension)."""
    base = Path(name.replace("\\", "/")).name or "upload"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[-120:]


def _save_upload(layer: str, name: str, data: bytes) -> Upload:
    """Write uploaded bytes once to ``<tmp>/crecida_uploads/<sha256>/<name>``."""
    digest = hashlib.sha256(data).hexdigest()
    path = UPLOAD_DIR / digest / _safe_name(name)
    if not path.exists():
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    return Upload(layer, name, str(path), digest)


@st.cache_data(show_spinner=False, max_entries=256)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file; cached on (path, size, mtime) so it is hashed once."""
    return sha256_file(path)


def _content_key(paths: list[str]) -> str:
    """One key for the contents of several files."""
    parts = []
    for path in sorted(paths):
        stat = Path(path).stat()
        parts.append(_file_sha256(path, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _inputs_key(inputs: Inputs) -> str:
    return _content_key([p for p in inputs.sources.values() if Path(p).is_file()])


def _load_inputs(spec: tuple[Upload, ...]) -> Inputs:
    """The session's layers: uploads over the sample (raises what the loaders raise)."""
    kwargs: dict[str, Any] = {}
    labels: dict[str, str] = {}
    floods = []
    for up in spec:
        if up.layer == "floods":
            name = Path(up.name).stem
            floods.append((name, up.path))
            labels[f"flood:{name}"] = up.name
        else:
            kwargs[up.layer] = up.path
            labels[up.layer] = up.name
    if floods:
        kwargs["floods"] = floods
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrecidaWarning)
        return load_inputs(labels=labels, with_sample=True, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(spec: tuple[Upload, ...]) -> tuple[Inputs | None, tuple[Problem, ...]]:
    """Load the session's layers (uploads over the sample); problems instead of an error —
    also for an unexpected failure, which is logged and pinned on the file that causes it."""
    try:
        return _load_inputs(spec), ()
    except InputError as exc:
        return None, tuple(exc.problems)
    except Exception as exc:  # the edge: never a traceback on the page
        return None, _unexpected_per_file(spec, exc)


def _unexpected_per_file(spec: tuple[Upload, ...], exc: Exception) -> tuple[Problem, ...]:
    """Problems naming each upload that breaks the loader on its own (the sample for the
    rest); the tracebacks go to the log. When none does alone, one problem without a file
    (the uploads are then all set aside and the sample shown)."""
    problems: list[Problem] = []
    for up in spec if len(spec) > 1 else ():
        try:
            _load_inputs((up,))
        except InputError:
            continue
        except Exception as each:
            problems.append(unexpected_problem(each, context=f"app upload {up.layer}",
                                               source=up.name, key="unexpected_file"))
    if problems:
        return tuple(problems)
    if len(spec) == 1:
        return (unexpected_problem(exc, context=f"app upload {spec[0].layer}",
                                   source=spec[0].name, key="unexpected_file"),)
    return (unexpected_problem(exc, context="app inputs"),)


@st.cache_resource(show_spinner=False, max_entries=8)
def _base_run(key: str, _inputs: Inputs) -> PlanningRun:
    """The planning run of the inputs (cached on their contents); each rerun derives the run of
    its parameters from it with :meth:`PlanningRun.with_parameters`, sharing results."""
    return PlanningRun(_inputs)


@st.cache_data(show_spinner=False, max_entries=32)
def _overlay(key: str, scenario_name: str, _inputs: Inputs, threshold_m: float) -> FloodOverlay:
    """The scenario's classified depth image (cached per scenario contents and threshold)."""
    return flood_overlay(_inputs.scenarios[scenario_name], threshold_m=threshold_m)


# --------------------------------------------------------------------------- tables
def _label(prefix: str, value: object, lang: str) -> str:
    try:
        return t(f"{prefix}_{value}", lang)
    except KeyError:
        return str(value)


def _table(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """Selected columns with translated headers and translated codes (kind, status…)."""
    out = pd.DataFrame(frame[[c for c in columns if c in frame.columns]]).copy()
    for column, prefix in (("kind", "kind"), ("flood_status", "status"), ("status", "op")):
        if column in out.columns:
            out[column] = out[column].map(lambda v, p=prefix: _label(p, v, lang))
    if "flooded_fraction" in out.columns:
        out["flooded_fraction"] = (pd.to_numeric(out["flooded_fraction"]) * 100).round(1)
    for column in out.columns:
        if column.endswith(("_m", "_m2")) or column in ("pop_exposed", "displaced_est"):
            out[column] = pd.to_numeric(out[column], errors="coerce").round(1)
    out.columns = [_label("col", c, lang) for c in out.columns]
    return out.reset_index(drop=True)


def _fmt(value: float) -> str:
    if value != value:
        return "–"
    return f"{round(value):,}"


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def _md(text: object) -> str:
    """User text made literal inside Streamlit Markdown (no links, images, LaTeX or HTML)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def _show_problems(problems: list[Problem] | tuple[Problem, ...], header: str,
                   lang: str = "en") -> None:
    """One ``st.error`` listing each problem on its own line (never a traceback)."""
    st.error(_md(header) + "\n\n" + "\n".join(f"- {_md(p.text(lang))}" for p in problems))


def _belongs(problem: Problem, upload: Upload) -> bool:
    """True when the problem names the uploaded file as its source."""
    return bool(problem.source) and upload.name in str(problem.source)


def _not_available(what: str, lang: str) -> None:
    st.info(t("not_available", lang, what=what))


# --------------------------------------------------------------------------- sidebar
def sidebar_inputs(lang: str) -> Inputs:
    """Upload widgets; returns the session's inputs (the sample where nothing is uploaded)."""
    sb = st.sidebar
    with sb.expander(t("data_header", lang), expanded=False):
        st.caption(t("data_help", lang))
        uploads: list[Upload] = []
        slots: dict[str, Any] = {}
        for layer, (label_key, types, many) in UPLOADS.items():
            files = st.file_uploader(t(label_key, lang), type=types, accept_multiple_files=many,
                                     key=f"upload_{layer}")
            slots[layer] = st.container()
            for file in (files if many else [files] if files else []):
                if file is None:
                    continue
                if file.size > settings.MAX_UPLOAD_BYTES:
                    slots[layer].error(t("upload_too_big", lang, name=file.name,
                                         size_mb=round(file.size / 2**20),
                                         limit_mb=round(settings.MAX_UPLOAD_BYTES / 2**20)))
                    continue
                uploads.append(_save_upload(layer, file.name, file.getvalue()))
    inputs, problems = _load(tuple(uploads))
    kept = tuple(uploads)
    if problems:
        # Show each problem next to the upload it belongs to, then retry without those files.
        for up in uploads:
            mine = [p for p in problems if _belongs(p, up)]
            if mine:
                with slots[up.layer]:
                    _show_problems(mine, t("upload_failed", lang, name=up.name), lang)
        others = [p for p in problems if not any(_belongs(p, u) for u in uploads)]
        if others:
            with sb:
                _show_problems(others, t("inputs_failed", lang), lang)
        bad = {up.layer for up in uploads if any(_belongs(p, up) for p in problems)}
        kept = tuple(u for u in uploads if u.layer not in bad) if not others else ()
        inputs, problems = _load(kept)
        if inputs is None:
            kept = ()
            inputs, problems = _load(kept)
    for up in kept:
        slots[up.layer].success(t("upload_loaded", lang, name=_md(up.name)))
    if inputs is None:  # the sample itself failed: nothing to show
        _show_problems(problems, t("inputs_failed", lang), lang)
        st.stop()
    if inputs.warnings:
        with sb.expander(t("warnings_header", lang)):
            for note in inputs.warnings:
                st.markdown(f"- {_md(localise(note, lang))}")
    return inputs


def sidebar_parameters(inputs: Inputs, lang: str) -> dict[str, Any]:
    sb = st.sidebar
    sb.subheader(t("params_header", lang))
    names = list(inputs.scenarios)
    if not names:
        st.error(t("no_scenarios", lang))
        st.stop()
    scenario = sb.selectbox(t("scenario", lang), names, index=len(names) - 1, key="scenario")
    threshold = sb.number_input(t("threshold_m", lang), min_value=0.01, max_value=10.0,
                                value=float(settings.FLOOD_THRESHOLD_M), step=0.05,
                                format="%.2f", help=t("threshold_help", lang), key="threshold")
    ring = sb.number_input(t("access_radius_m", lang), min_value=30.0, max_value=5000.0,
                           value=float(settings.ACCESS_RING_RADIUS_M), step=50.0,
                           format="%.0f", help=t("access_radius_help", lang), key="ring")
    service = sb.number_input(t("service_distance_m", lang), min_value=100.0,
                              max_value=100_000.0, value=float(settings.SERVICE_DISTANCE_M),
                              step=500.0, format="%.0f", help=t("service_distance_help", lang),
                              key="service")
    return {"scenario": scenario, "threshold_m": float(threshold), "ring_radius_m": float(ring),
            "service_distance_m": float(service)}


# --------------------------------------------------------------------------- map (offline)
@st.cache_resource(show_spinner=False, max_entries=4)
def _read_basemap(upload: Upload, bounds: tuple[float, float, float, float]) -> BasemapImage:
    """The user's basemap over the study area (cached per file contents and area)."""
    return read_basemap(upload.path, bounds_lonlat=bounds, name=upload.name)


def sidebar_basemap(inputs: Inputs, lang: str) -> None:
    """Upload of an offline basemap (GeoTIFF, MBTiles, PMTiles); kept for :func:`show_map`."""
    with st.sidebar.expander(t("basemap_header", lang), expanded=False):
        file = st.file_uploader(t("basemap_upload", lang), help=t("basemap_help", lang),
                                type=[s.lstrip(".") for s in BASEMAP_SUFFIXES],
                                key="upload_basemap")
        images: tuple[BasemapImage, ...] = ()
        if file is not None:
            upload = _save_upload("basemap", file.name, file.getvalue())
            box = layer_bounds(inputs.centres, inputs.communities, inputs.districts)
            margin = 0.05  # degrees (≈ 5.5 km) around the loaded layers
            bounds = None if box is None else (box[0][1] - margin, box[0][0] - margin,
                                               box[1][1] + margin, box[1][0] + margin)
            try:
                images = (_read_basemap(upload, bounds),)
                st.success(t("basemap_loaded", lang, name=_md(file.name)))
            except CrecidaError as exc:
                problems = getattr(exc, "problems", None) or [Problem(str(exc))]
                _show_problems(problems, t("basemap_failed", lang, name=file.name))
        st.session_state["_crecida_basemaps"] = images
    st.sidebar.caption(t("map_offline_caption", lang))


def show_map(*, key: str, lang: str, returned_objects: list[str], **layers: Any
             ) -> dict | None:
    """Build the map (with the user's basemap) and draw it; if it cannot be drawn, say why in
    the user's language instead of leaving an empty space."""
    try:
        check_installed()
    except CrecidaError:
        st.error(t("map_cannot_draw", lang, reason=t("map_assets_missing", lang)))
        return None
    try:
        fmap = build_map(lang=lang, basemaps=st.session_state.get("_crecida_basemaps", ()),
                         **layers)
    except CrecidaError as exc:
        st.error(t("map_cannot_draw", lang, reason=_md(exc)))
        return None
    return st_folium(fmap, key=key, height=MAP_HEIGHT_PX, use_container_width=True,
                     returned_objects=returned_objects)


# --------------------------------------------------------------------------- views
def exposure_view(run: PlanningRun, params: dict, lang: str) -> None:
    name = params["scenario"]
    inputs = run.inputs
    centres = run.centres(name)
    communities = run.communities(name)
    statuses = centres["flood_status"].value_counts()
    cols = [*st.columns(4), *st.columns(3)]
    for col, (key, value) in zip(cols, [
        ("m_centres_flooded", statuses.get("flooded", 0)),
        ("m_centres_isolated", statuses.get("isolated", 0)),
        ("m_centres_at_risk", statuses.get("at_risk", 0)),
        ("m_centres_dry", statuses.get("dry", 0)),
        ("m_families_flooded", run.summary_value("families_in_flooded_centres", name)),
        ("m_pop_exposed", run.summary_value("pop_exposed", name)),
        ("m_displaced", run.summary_value("displaced_est", name)),
    ], strict=True):
        col.metric(t(key, lang), _fmt(float(value)))

    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    show_map(key="map_exposure", lang=lang, returned_objects=[], centres=centres,
             communities=communities, flood=overlay, flood_name=name,
             flood_depth_known=inputs.scenarios[name].has_depth, districts=inputs.districts,
             rivers=inputs.rivers)
    st.caption(t("map_hint", lang))

    left, right = st.columns(2)
    with left:
        st.subheader(t("h_centres", lang))
        st.dataframe(_table(centres, ["centre_id", "name", "kind", "district", "families",
                                      "persons", "capacity_persons", "depth_m",
                                      "dist_to_flood_m", "flood_status", "status"], lang),
                     hide_index=True)
    with right:
        st.subheader(t("h_communities", lang))
        st.dataframe(_table(communities, ["community_id", "name", "district", "population",
                                          "flooded_fraction", "max_depth_m", "pop_exposed",
                                          "displaced_est"], lang),
                     hide_index=True)

    result = run.exposure
    left, right = st.columns(2)
    with left:
        st.subheader(t("h_by_district", lang))
        districts = result.districts[result.districts["scenario"] == name]
        chart = districts.set_index("district")[["pop_exposed", "displaced_est"]]
        chart.columns = [t("col_pop_exposed", lang), t("col_displaced_est", lang)]
        chart.index.name = t("col_district", lang)
        st.bar_chart(chart, stack=False)
        st.caption(t("chart_district_caption", lang, scenario=_md(name)))
    with right:
        st.subheader(t("h_compare", lang))
        wanted = ["centres_flooded", "centres_isolated", "centres_at_risk",
                  "persons_in_flooded_centres", "communities_flooded", "pop_exposed",
                  "displaced_est"]
        summary = result.summary[result.summary["metric"].isin(wanted)]
        pivot = summary.pivot(index="metric", columns="scenario", values="value")
        pivot = pivot.reindex(index=wanted, columns=list(inputs.scenarios)).round(0)
        pivot.index = [_label("metric", m, lang) for m in pivot.index]
        pivot.index.name = t("col_metric", lang)
        st.dataframe(pivot)
        st.caption(t("compare_caption", lang, threshold_m=params["threshold_m"]))

    st.subheader(t("h_needs", lang))
    needs = result.needs[(result.needs["scenario"] == name) & (result.needs["level"] == "overall")]
    table = pd.DataFrame({
        t("col_need", lang): [_label("need", i, lang) for i in needs["item"]],
        t("col_quantity", lang): needs["quantity"].round(0).to_numpy(),
        t("col_unit", lang): needs["unit"].to_numpy(),
        t("col_source", lang): needs["source"].to_numpy(),
    })
    st.dataframe(table, hide_index=True)


def catchment_view(run: PlanningRun, params: dict, lang: str) -> None:
    from layers.catchment import assignment_layers, catchment_legend

    inputs = run.inputs
    name = params["scenario"]
    c1, c2 = st.columns(2)
    c1.radio(t("catchment_mode", lang), ["straight", "flood-aware"], horizontal=True,
             format_func=lambda m: t("mode_" + m.replace("-", "_"), lang),
             key="catchment_mode")
    c2.checkbox(t("capacity_mode", lang), key="respect_capacity")
    with st.spinner("…"):
        try:
            assignment = run.catchment(name)
        except CrecidaError as exc:
            st.error(str(exc))
            return
    cap = assignment.centres_capacity
    cols = st.columns(3)
    cols[0].metric(t("m_operational", lang), _fmt(float(cap["operational"].sum())))
    cols[1].metric(t("m_overcrowded", lang), _fmt(float(cap["overcrowded"].fillna(False).sum())))
    cols[2].metric(t("m_unserved", lang), _fmt(assignment.unserved_persons))

    centres = run.centres(name)
    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    layers = assignment_layers(assignment, centres, lang=lang)
    show_map(key="map_catchment", lang=lang, returned_objects=[], centres=centres,
             flood=overlay, flood_name=name,
             flood_depth_known=inputs.scenarios[name].has_depth, districts=inputs.districts,
             rivers=inputs.rivers, extra_layers=layers,
             extra_legend=[catchment_legend(lang=lang)], place_names=run.communities(name))
    st.subheader(t("h_capacity", lang))
    st.dataframe(_table(cap.rename(columns={"spare": "spare_capacity"}),
                        ["centre_id", "name", "flood_status", "capacity_persons", "persons",
                         "incoming", "spare_capacity", "overcrowded"], lang),
                 hide_index=True)
    st.subheader(t("h_assignments", lang))
    st.dataframe(_table(assignment.assignments.rename(columns={
        "demand_persons": "displaced_est", "centre_name": "assigned_centre",
        "unserved_persons": "unserved"}),
        ["name", "displaced_est", "assigned_centre", "distance_m", "travel_min", "unserved",
         "unserved_reason"], lang), hide_index=True)


def _drawn_polygon(state: dict | None):
    """The latest drawn polygon (lon/lat shapely geometry) from st_folium's answer, or None."""
    if not state:
        return None
    feature = state.get("last_active_drawing") or None
    drawings = state.get("all_drawings") or []
    if feature is None and drawings:
        feature = drawings[-1]
    if not feature or not feature.get("geometry"):
        return None
    return shape(feature["geometry"])


def _plan_key(run: PlanningRun, params: dict) -> tuple:
    return (_inputs_key(run.inputs), params["scenario"], params["threshold_m"],
            params["ring_radius_m"], params["service_distance_m"],
            st.session_state.get("k_sites"), st.session_state.get("objective"))


def _current_plan(run: PlanningRun, params: dict):
    """The optimiser's result for the current inputs and parameters, or ``None``."""
    stored = st.session_state.get("plan")
    return stored[1] if stored and stored[0] == _plan_key(run, params) else None


def _current_area(run: PlanningRun, params: dict):
    """The evaluation of the drawn area under the current parameters, or ``None``."""
    saved = st.session_state.get("map_sites")
    polygon = _drawn_polygon(saved if isinstance(saved, dict) else None)
    if polygon is None or polygon.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    try:
        return run.evaluate(polygon, scenario=params["scenario"], label="drawn")
    except CrecidaError:
        return None


def sites_view(run: PlanningRun, params: dict, lang: str) -> None:
    from layers.sites import drawn_area_layer, sites_layer, sites_legend, suitability_layer

    inputs = run.inputs
    name = params["scenario"]
    centres = run.centres(name)
    extra, legend = [], []
    try:
        extra.append(suitability_layer(run.suitability(name).polygons, lang=lang))
    except CrecidaError as exc:
        st.error(str(exc))

    st.subheader(t("h_optimise", lang))
    c1, c2, c3 = st.columns([1, 2, 1])
    k = int(c1.number_input(t("k_sites", lang), min_value=1, max_value=20, value=3, step=1,
                            key="k_sites"))
    objective = c2.radio(t("objective", lang), ["coverage", "median"], horizontal=True,
                         format_func=lambda o: t("objective_" + o, lang), key="objective")
    if c3.button(t("optimise_button", lang), key="optimise"):
        with st.spinner(t("optimise_running", lang)):
            try:
                plan = run.optimise(k, scenario=name, objective=objective)
                st.session_state["plan"] = (_plan_key(run, params), plan)
            except CrecidaError as exc:
                st.error(str(exc))
    plan = _current_plan(run, params)
    legend.append(sites_legend(lang=lang))
    if plan is not None:
        extra.append(sites_layer(plan.new_sites, lang=lang))
        st.dataframe(_table(plan.new_sites, ["site_id", "rank", "covered_weight",
                                             "mean_distance_m", "nearest_existing_m",
                                             "reason"], lang),
                     hide_index=True)

    st.subheader(t("h_draw", lang))
    st.caption(t("draw_hint", lang))
    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    drawn_state = st.session_state.get("map_sites")
    polygon = _drawn_polygon(drawn_state if isinstance(drawn_state, dict) else None)
    if polygon is not None and polygon.geom_type in ("Polygon", "MultiPolygon"):
        extra.append(drawn_area_layer(polygon, lang=lang))
    state = show_map(key="map_sites", lang=lang,
                     returned_objects=["last_active_drawing", "all_drawings"],
                     centres=centres, flood=overlay, flood_name=name,
                     flood_depth_known=inputs.scenarios[name].has_depth,
                     districts=inputs.districts, rivers=inputs.rivers, extra_layers=extra,
                     extra_legend=legend, draw=True, place_names=run.communities(name))
    saved = st.session_state.get("map_sites")
    polygon = _drawn_polygon(state) or _drawn_polygon(saved if isinstance(saved, dict) else None)
    if polygon is None:
        st.info(t("draw_none", lang))
        return
    if polygon.geom_type not in ("Polygon", "MultiPolygon"):
        st.warning(t("draw_not_polygon", lang))
        return
    try:
        report = run.evaluate(polygon, scenario=name, label="drawn")
    except CrecidaError as exc:
        st.error(str(exc))
        return
    cols = st.columns(4)
    cols[0].metric(t("e_area_m2", lang), _fmt(report.figure("area_m2")))
    cols[1].metric(t("e_capacity_site", lang), _fmt(report.figure("capacity_site_persons")))
    cols[2].metric(t("e_capacity_covered", lang),
                   _fmt(report.figure("capacity_if_all_covered_persons")))
    cols[3].metric(t("e_served", lang), _fmt(report.figure("displaced_within_m")))
    st.write(t("e_flood_by_scenario", lang))
    by_scenario = report.scenarios.rename(columns={"status": "flood_status"})
    by_scenario["flood_status"] = [_label("area", v, lang) for v in by_scenario["flood_status"]]
    st.dataframe(by_scenario.rename(columns=lambda c: _label("col", c, lang)), hide_index=True)
    st.write(t("e_nearest", lang))
    st.dataframe(report.nearest.rename(columns=lambda c: _label("col", c, lang)),
                 hide_index=True)


def export_view(run: PlanningRun, params: dict, lang: str) -> None:
    st.caption(t("export_intro", lang))
    name = params["scenario"]
    plan = _current_plan(run, params)
    area = _current_area(run, params)
    areas = [area] if area is not None else []
    have = {"districts": run.inputs.districts is not None,
            "rivers": run.inputs.rivers is not None,
            "new_sites": plan is not None, "coverage": plan is not None,
            "evaluated_areas": bool(areas)}
    offered = [k for k in LAYER_ORDER if have.get(k, True)]
    chosen = st.multiselect(t("export_layers", lang), offered, default=offered,
                            format_func=lambda k: _label("export_layer", k, lang),
                            key="export_layers")
    if not chosen:
        st.info(t("export_empty", lang))
        return
    formats = [".gpkg", ".geojson", ".geojson.zip", ".shp.zip", ".kml", ".kmz", ".csv",
               ".tif", ".html", ".png", ".pdf"]
    fmt = st.selectbox(t("export_format", lang), formats, key="export_format")
    export_key = (_inputs_key(run.inputs), tuple(chosen), fmt, lang,
                  tuple(sorted(params.items())), run.parameters, plan is not None,
                  area.layer.geometry.iloc[0].wkb if area is not None else None)
    if st.button(t("export_button", lang, fmt=fmt), key="export_prepare"):
        with st.spinner("…"), tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"crecida_{_safe_name(name)}{fmt}"
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", CrecidaWarning)
                    run.export(out, scenario=name, include=chosen, sites=plan, areas=areas,
                               lang=lang, producer="Crecida app", writers=HTML_WRITERS)
            except CrecidaError as exc:
                st.error(_md(exc.text(lang) if hasattr(exc, "text") else str(exc)))
                return
            notes = [w.message.args[0] if w.message.args else str(w.message)
                     for w in caught if issubclass(w.category, CrecidaWarning)]
            if notes:
                st.warning(_md(t("app.export_notes", lang)) + "\n\n" + "\n".join(
                    f"- {_md(localise(n, lang))}" for n in notes))
            # A GeoPackage comes with its classified-depth GeoTIFF: offer every file written.
            files = [(p.name, p.read_bytes()) for p in sorted(Path(tmp).iterdir())
                     if p.is_file()]
            st.session_state["export_file"] = (export_key, files)
    ready = st.session_state.get("export_file")
    if ready and ready[0] == export_key:
        for i, (file_name, data) in enumerate(ready[1]):
            st.download_button(file_name, data=data, file_name=file_name,
                               key=f"export_download_{i}")


# --------------------------------------------------------------------------- season
#: Made-up dates standing for the sample's scenarios in the Temporada view (sample only).
SAMPLE_SEASON_START = "2012-03-01"


def season_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Temporada: a season of dated extents — days flooded per community, one date's map,
    people exposed per district and date (:meth:`PlanningRun.season`)."""
    import datetime as dt
    import os

    from geo.distributed import SCHEDULER_ENV
    from geo.season import SeasonExtent, date_from_name, open_season
    from layers.season import season_day_layer, season_days_layer, season_legend

    st.caption(t("season_intro", lang))
    files = st.file_uploader(t("season_upload", lang), type=["tif", "tiff"],
                             accept_multiple_files=True, key="upload_season")
    sources = []
    for file in files or []:
        up = _save_upload("season", file.name, file.getvalue())
        day = date_from_name(file.name)
        if day is None:
            st.error(t("season_upload", lang) + f": {_md(file.name)}")
            continue
        sources.append((day, Path(up.path)))
    try:
        if sources:
            extents, _notes = open_season(sorted(sources, key=lambda s: s[0]))
        else:
            st.info(t("season_none", lang))
            start = dt.date.fromisoformat(SAMPLE_SEASON_START)
            extents = [SeasonExtent(start + dt.timedelta(days=k), sc)
                       for k, sc in enumerate(run.inputs.scenarios.values())]
            st.caption(t("season_sample_note", lang))
        with st.spinner("…"):
            result = run.season(extents, scheduler=os.environ.get(SCHEDULER_ENV)
                                or "synchronous")
    except CrecidaError as exc:
        st.error(str(exc))
        return
    peak = result.timeline.groupby("date")["population_exposed"].sum()
    c1, c2, c3 = st.columns(3)
    c1.metric(t("season_metric_days", lang), len(result.dates))
    c2.metric(t("season_metric_flooded", lang),
              _fmt(float((result.communities["days_flooded"] > 0).sum())))
    c3.metric(t("season_metric_peak", lang), _fmt(float(peak.max()) if len(peak) else 0.0))
    dates = [d.isoformat() for d in result.dates]
    left, right = st.columns([1, 2])
    mode = left.radio(t("season_map", lang), ["days", "day"], horizontal=True,
                      key="season_map_mode",
                      format_func=lambda m: t(f"season_map_{m}", lang))
    chosen = (right.select_slider(t("season_date", lang), options=dates, value=dates[-1],
                                  key="season_date") if len(dates) > 1 else dates[0])
    day = dt.date.fromisoformat(chosen)
    layer = (season_days_layer(result, lang=lang) if mode == "days"
             else season_day_layer(result, day, lang=lang))
    fmap = build_map(lang=lang, districts=run.inputs.districts, rivers=run.inputs.rivers,
                     extra_layers=[layer],
                     extra_legend=[season_legend(lang=lang, day=mode == "day")])
    st_folium(fmap, key="map_season", height=MAP_HEIGHT_PX, use_container_width=True,
              returned_objects=[])
    st.subheader(t("season_chart_title", lang))
    chart = result.timeline.pivot_table(index="date", columns="district",
                                        values="population_exposed", aggfunc="sum")
    chart.index.name = t("season_date", lang)
    st.line_chart(chart)
    st.subheader(t("season_table", lang))
    st.dataframe(pd.DataFrame(result.communities.drop(columns=result.communities.geometry.name)),
                 hide_index=True)


# --------------------------------------------------------------------------- page
def main() -> None:
    st.set_page_config(page_title="Crecida", page_icon="🌊", layout="wide")
    lang = st.sidebar.radio("Idioma / Language", list(LANGUAGES), format_func=LANGUAGES.get,
                            horizontal=True, key="lang")
    st.title(t("app_title", lang))
    st.caption(t("app_caption", lang))
    inputs = sidebar_inputs(lang)
    params = sidebar_parameters(inputs, lang)
    sidebar_basemap(inputs, lang)
    if inputs.is_sample or inputs.sample_layers:
        st.warning(t("sample_banner", lang))
    # One radio per language: Streamlit's frontend drops the selection of a keyed radio whose
    # option labels change, so the chosen view is carried across in session state instead.
    current = st.session_state.get("current_view", VIEWS[0])
    view = st.radio(t("view", lang), VIEWS, index=VIEWS.index(current), horizontal=True,
                    key=f"view_{lang}", format_func=lambda v: t(f"view_{v}", lang),
                    label_visibility="collapsed")
    st.session_state["current_view"] = view
    # The catchment options live in the catchment view but shape every export too.
    st.session_state.setdefault("catchment_mode", "straight")
    for key, options, prefix in (("catchment_mode", ("straight", "flood-aware"), "mode_"),
                                 ("objective", ("coverage", "median"), "objective_")):
        _restore_choice(key, options, prefix)
    st.session_state.setdefault("respect_capacity", settings.RESPECT_CAPACITY)
    run = None
    with _edge(view, lang), st.spinner("…"):
        ready = _base_run(_inputs_key(inputs), inputs).with_parameters(
            threshold_m=params["threshold_m"], ring_radius_m=params["ring_radius_m"],
            service_distance_m=params["service_distance_m"],
            catchment_mode=st.session_state["catchment_mode"],
            respect_capacity=bool(st.session_state["respect_capacity"]))
        ready.exposure  # noqa: B018 - computed once here, under the spinner
        run = ready
    if run is None:
        st.stop()
    with _edge(view, lang):
        {"exposure": exposure_view, "catchment": catchment_view, "sites": sites_view,
         "season": season_view, "export": export_view}[view](run, params, lang)


def _restore_choice(key: str, options: tuple[str, ...], prefix: str) -> None:
    """Put back a keyed radio's option where Streamlit left its label instead.

    After the language changes, Streamlit's frontend can hand back the *label* of a radio
    whose labels are translated ("En línea recta") rather than its option ("straight");
    passed on, the analysis would refuse it (or, before parameters were checked, silently use
    it). The label is mapped back to its option, in either language.
    """
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    labels = {t(prefix + o.replace("-", "_"), code): o for o in options for code in LANGUAGES}
    st.session_state[key] = labels.get(value, options[0])


@contextlib.contextmanager
def _edge(view: str, lang: str):
    """Errors of a view shown as a message, never a traceback; the page around it stays.

    Crecida's own errors show their problems in ``lang``; anything else is logged with its
    traceback and shown as a short message naming the log file. Streamlit's own control flow
    (``st.stop``, reruns) is not an ``Exception`` and passes through.
    """
    try:
        yield
    except CrecidaError as exc:
        text = exc.text(lang) if hasattr(exc, "text") else str(exc)
        st.error(_md(text))
    except Exception as exc:
        problem = unexpected_problem(exc, context=f"app view {view}")
        st.error(_md(t("app.unexpected", lang, **dict(problem.params))))


main()

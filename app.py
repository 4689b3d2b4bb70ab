"""Crecida's planner app: ``streamlit run app.py``.

A thin page: widgets in, one :class:`geo.analysis.PlanningRun` asked for every result (the
object the command line uses too), :mod:`geo.tables` for readable tables, ``layers/`` for the
map. Runs are cached here, at the UI edge, keyed on file contents (SHA-256 of every file a
layer comes from); a run shares what it computed with the same inputs under other parameters.
The map is drawn by streamlit-folium with only the drawings returned, so panning or zooming
never reruns the script; what changes on a map without redrawing it (proposed sites, drawn
areas) is handed over as feature groups, so the view stays where the planner left it.

Every word on the page comes from :mod:`geo.i18n` in the chosen language, numbers from
:mod:`geo.format`; the page is laid out so that the map starts on the first screen of a
1366 × 768 laptop. A session is saved to, and reopened from, one GeoPackage
(:mod:`geo.workspace`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, replace
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
from geo.errors import CrecidaError, CrecidaWarning, InputError, Problem, SolverError, localise
from geo.export.table import excel_csv_writers
from geo.format import format_number
from geo.i18n import LANGUAGES, t
from geo.inputs import Inputs, load_inputs
from geo.io.files import atomic_path, sha256_file
from geo.tables import (
    Table,
    area_nearest_table,
    area_scenarios_table,
    assignments_table,
    capacity_table,
    centres_table,
    communities_table,
    compare_table,
    needs_table,
    scenario_label,
    season_centres_table,
    season_communities_table,
    sites_table,
)
from geo.workspace import (
    SitingOptions,
    Workspace,
    read_workspace,
    workspace_files,
    workspace_of,
    write_workspace,
)
from layers.assets import check_installed
from layers.assets import localise as localise_assets
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
#: Export formats by what people do with them: (label key, extension, description key).
EXPORT_CHOICES: dict[str, tuple[str, str]] = {
    "excel": ("fmt_excel", ".csv"),
    "kmz": ("fmt_kmz", ".kmz"),
    "gpkg": ("fmt_gpkg", ".gpkg"),
    "pdf": ("fmt_pdf", ".pdf"),
    "png": ("fmt_png", ".png"),
    "html": ("fmt_html", ".html"),
    "shp": ("fmt_shp", ".shp.zip"),
    "geojson": ("fmt_geojson", ".geojson"),
    "tif": ("fmt_tif", ".tif"),
}
HA_M2 = 10_000.0


# --------------------------------------------------------------------------- files and caching
@dataclass(frozen=True)
class Upload:
    """A file of the session's inputs: an upload saved under a folder named by its SHA-256
    (the cache key), or a file of an opened workspace. ``scenario`` and ``kind`` name a flood
    scenario (default: the file name, kind guessed)."""

    layer: str
    name: str
    path: str
    sha256: str
    scenario: str | None = None
    kind: str | None = None
    synthetic: bool = False  # a saved workspace's copy of a synthetic sample file


def _safe_name(name: str) -> str:
    """A file name with no folders and only plain characters (keeps the extension; accents
    dropped, not the letters: ``récord`` → ``record``)."""
    base = Path(name.replace("\\", "/")).name or "upload"
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
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
    floods, kinds, synthetic = [], {}, []
    for up in spec:
        if up.layer == "floods":
            name = up.scenario or Path(up.name).stem
            floods.append((name, up.path))
            key = f"flood:{name}"
            if up.kind:
                kinds[name] = up.kind
        else:
            kwargs[up.layer] = up.path
            key = up.layer
        labels[key] = up.name
        if up.synthetic:
            synthetic.append(key)
    if floods:
        kwargs["floods"] = floods
        kwargs["flood_kinds"] = kinds or None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrecidaWarning)
        return load_inputs(labels=labels, with_sample=True, synthetic=synthetic, **kwargs)


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


# --------------------------------------------------------------------------- words and numbers
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def _md(text: object) -> str:
    """User text made literal inside Streamlit Markdown (no links, images, LaTeX or HTML)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def _fmt(value: object, lang: str, decimals: int = 0) -> str:
    """A figure written the ``lang`` way; a dash when unknown."""
    return format_number(value, lang, decimals=decimals, missing="–")


def _note_text(note: Problem | str, lang: str) -> str:
    """A note or problem in ``lang``, a scenario it names by its name in ``lang``."""
    if isinstance(note, Problem) and any(k == "scenario" for k, _ in note.params):
        note = replace(note, params=tuple((k, scenario_label(str(v), lang) if k == "scenario"
                                           else v) for k, v in note.params))
    return localise(note, lang)


def _error_text(exc: Exception, lang: str) -> str:
    """An error in the user's language (keyed problems are translated)."""
    return exc.text(lang) if hasattr(exc, "text") else str(exc)


def _show_problems(problems: list[Problem] | tuple[Problem, ...], header: str, lang: str
                   ) -> None:
    """One ``st.error`` listing each problem on its own line, in ``lang`` (never a traceback)."""
    st.error(_md(header) + "\n\n" + "\n".join(f"- {_md(localise(p, lang))}" for p in problems))


def _show_table(table: Table, **kwargs: Any) -> None:
    """A readable table: its numbers shown the user's way, still sorting by value."""
    st.dataframe(table.styler(), hide_index=True, **kwargs)


def _belongs(problem: Problem, upload: Upload) -> bool:
    """True when the problem names the uploaded file as its source."""
    return bool(problem.source) and upload.name in str(problem.source)


def _page_style(lang: str) -> None:
    """A compact page (the map starts on the first screen of a 1366 × 768 laptop), compact
    headline figures, and Streamlit's own uploader texts in ``lang`` (they cannot be set)."""
    button = t("uploader_button", lang).replace('"', "")
    hint = t("uploader_instructions", lang,
             limit_mb=round(settings.MAX_UPLOAD_BYTES / 2**20)).replace('"', "")
    st.html(f"""<style>
      .block-container {{padding-top: 2.6rem; padding-bottom: 2rem;}}
      .block-container h1 {{font-size: 1.3rem; padding: 0; margin: 0; line-height: 1.25;}}
      [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{gap: 0.55rem;}}
      [data-testid="stMetricValue"] {{font-size: 1.3rem;}}
      [data-testid="stMetricLabel"] p {{font-size: 0.78rem; white-space: normal;}}
      [data-testid="stMetricLabel"] {{min-height: 0;}}
      .block-container [data-testid="stAlert"] > div {{padding: 0.45rem 0.75rem;}}
      [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]
        {{display: none;}}
      [data-testid="stFileUploaderDropzone"] button > div::after {{content: "{button}";}}
      [data-testid="stFileUploaderDropzoneInstructions"] > div > span {{display: none;}}
      [data-testid="stFileUploaderDropzoneInstructions"] > div::after
        {{content: "{hint}"; font-size: 0.8rem; opacity: 0.75;}}
      [data-testid="InputInstructions"] {{display: none;}}
    </style>""")


def _metrics(items: list[tuple[str, object]], lang: str, *, columns: int | None = None) -> None:
    """Headline figures side by side, written the ``lang`` way."""
    cols = st.columns(columns or len(items))
    for col, (key, value) in zip(cols, items, strict=False):
        col.metric(t(key, lang), _fmt(value, lang))


# --------------------------------------------------------------------------- sidebar
def sidebar_workspace(lang: str, saving: dict) -> Workspace | None:
    """Open a saved workspace (it restores the inputs, parameters, drawn areas, proposed sites
    and notes once, when opened; removing the file closes it), take notes, and save the work
    with one click. ``saving`` is filled by :func:`main` once the run is known: the file is
    written only when the button is clicked."""
    state = st.session_state
    with st.sidebar.expander(t("ws_header", lang), expanded=False):
        st.caption(t("ws_help", lang))
        file = st.file_uploader(t("ws_open", lang), type=["gpkg"], key="workspace_open")
        if file is None:
            state.pop("_workspace", None)
        else:
            data = file.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            opened = state.get("_workspace")
            if opened is None or opened[0] != digest:
                up = _save_upload("workspace", file.name, data)
                try:
                    workspace = read_workspace(up.path)
                except CrecidaError as exc:
                    problems = getattr(exc, "problems", None) or [Problem(str(exc))]
                    _show_problems(problems, t("ws_open_failed", lang, name=file.name), lang)
                    workspace = None
                except Exception as exc:  # the edge: logged, never a traceback on the page
                    problem = unexpected_problem(exc, context="app workspace open",
                                                 source=file.name, key="unexpected_file")
                    _show_problems([problem], t("ws_open_failed", lang, name=file.name), lang)
                    workspace = None
                if workspace is not None:
                    _apply_workspace(workspace)
                    state["_workspace"] = (digest, workspace, file.name)
            if state.get("_workspace"):
                st.success(t("ws_opened", lang, name=_md(file.name)))
        st.text_area(t("ws_notes", lang), key="ws_notes", height=90,
                     placeholder=t("ws_notes_placeholder", lang))
        st.download_button(t("ws_save", lang), data=lambda: _workspace_bytes(**saving),
                           file_name=t("ws_file_name", lang),
                           mime="application/geopackage+sqlite3", key="workspace_save",
                           on_click="ignore", icon=":material/save:", width="stretch")
    opened = state.get("_workspace")
    return opened[1] if opened else None


def _apply_workspace(workspace: Workspace) -> None:
    """Set the widgets and the page's state from a workspace (before the widgets are drawn)."""
    p = workspace.parameters
    state = st.session_state
    state["threshold"] = float(p.threshold_m)
    state["ring"] = float(p.ring_radius_m)
    state["service"] = float(p.service_distance_m)
    state["catchment_mode"] = p.catchment_mode
    state["respect_capacity"] = bool(p.respect_capacity)
    if workspace.scenario:
        state["scenario"] = workspace.scenario
    state["k_sites"] = int(workspace.siting.k)
    state["objective"] = workspace.siting.objective
    state["site_area_ha"] = float(workspace.siting.site_area_m2) / HA_M2
    state["ws_notes"] = workspace.notes
    state["drawn_areas"] = list(workspace.areas)
    state["_seen_drawings"] = {a.wkb_hex for a in workspace.areas}
    state["map_sites"] = None
    state.pop("plan", None)
    if workspace.sites is not None:
        state["_restore_plan"] = (workspace.sites, (int(workspace.siting.k),
                                                    workspace.siting.objective,
                                                    float(workspace.siting.site_area_m2)),
                                  workspace.scenario)


def _workspace_uploads() -> tuple[Upload, ...]:
    """The input files of the open workspace, as uploads (read from where they are on disk)."""
    opened = st.session_state.get("_workspace")
    if not opened:
        return ()
    workspace: Workspace = opened[1]
    paths = workspace_files(workspace, UPLOAD_DIR / "workspace")
    out = []
    for item in workspace.inputs:
        path = str(paths[item.layer])
        if item.scenario is not None:
            out.append(Upload("floods", item.name, path, item.sha256, item.scenario, item.kind,
                              synthetic=item.sample))
        else:
            out.append(Upload(item.layer, item.name, path, item.sha256, synthetic=item.sample))
    return tuple(out)


def sidebar_inputs(lang: str) -> Inputs:
    """Upload widgets; returns the session's inputs (an opened workspace's, the uploads over
    them, and the sample where nothing is given)."""
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
    base = _workspace_uploads()
    given = {up.layer for up in uploads}
    base = tuple(b for b in base if b.layer not in given)
    inputs, problems = _load(base + tuple(uploads))
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
        inputs, problems = _load(base + kept)
        if inputs is None:
            kept = ()
            inputs, problems = _load(())
    for up in kept:
        slots[up.layer].success(t("upload_loaded", lang, name=_md(up.name)))
    if inputs is None:  # the sample itself failed: nothing to show
        _show_problems(problems, t("inputs_failed", lang), lang)
        st.stop()
    st.session_state["_labels"] = {**{("flood:" + (u.scenario or Path(u.name).stem)
                                        if u.layer == "floods" else u.layer): u.name
                                       for u in base + kept}}
    if inputs.warnings:
        with sb.expander(t("warnings_header", lang)):
            for note in inputs.warning_items or inputs.warnings:
                st.markdown(f"- {_md(_note_text(note, lang))}")
    return inputs


def sidebar_parameters(inputs: Inputs, lang: str) -> dict[str, Any]:
    """Scenario, threshold, access ring and service distance (defaults from settings)."""
    sb = st.sidebar
    sb.subheader(t("params_header", lang))
    names = list(inputs.scenarios)
    if not names:
        st.error(t("no_scenarios", lang))
        st.stop()
    state = st.session_state
    if state.get("scenario") not in names:
        state["scenario"] = names[-1]
    state.setdefault("threshold", float(settings.FLOOD_THRESHOLD_M))
    state.setdefault("ring", float(settings.ACCESS_RING_RADIUS_M))
    state.setdefault("service", float(settings.SERVICE_DISTANCE_M))
    stage = _stage_control(inputs, lang)
    scenario = sb.selectbox(t("scenario", lang), names, key="scenario",
                            format_func=lambda n: scenario_label(n, lang),
                            disabled=stage is not None)
    threshold = sb.number_input(t("threshold_m", lang), min_value=0.01, max_value=10.0,
                                step=0.05, format="%.2f", help=t("threshold_help", lang),
                                key="threshold")
    ring = sb.number_input(t("access_radius_m", lang), min_value=30.0, max_value=5000.0,
                           step=50.0, format="%.0f", help=t("access_radius_help", lang),
                           key="ring")
    service = sb.number_input(t("service_distance_m", lang), min_value=100.0,
                              max_value=100_000.0, step=500.0, format="%.0f",
                              help=t("service_distance_help", lang), key="service")
    return {"scenario": scenario, "threshold_m": float(threshold), "ring_radius_m": float(ring),
            "service_distance_m": float(service), "stage_m": stage}


def _stage_control(inputs: Inputs, lang: str) -> float | None:
    """A river stage at the gauge (slider and number box kept in step) instead of a
    scenario, when the session has a DEM; ``None`` when not used."""
    if inputs.dem is None:
        return None
    sb, state = st.sidebar, st.session_state
    if not sb.toggle(t("stage_mode", lang), key="stage_mode", help=t("stage_mode_help", lang)):
        return None
    low, high = settings.STAGE_RANGE_M
    state.setdefault("stage_m", 117.0)
    for key in ("stage_m_slider", "stage_m_box"):
        state.setdefault(key, state["stage_m"])

    def follow(source: str, other: str) -> None:
        state["stage_m"] = state[other] = round(float(state[source]), 2)

    sb.slider(t("stage_slider", lang), min_value=low, max_value=high, step=0.05,
              format="%.2f", key="stage_m_slider", on_change=follow,
              args=("stage_m_slider", "stage_m_box"))
    sb.number_input(t("stage_box", lang), min_value=low, max_value=high, step=0.01,
                    format="%.2f", key="stage_m_box", on_change=follow,
                    args=("stage_m_box", "stage_m_slider"))
    return float(state["stage_m"])


@st.cache_resource(show_spinner=False, max_entries=16)
def _stage_run(key: str, _base: PlanningRun, stage_m: float) -> PlanningRun:
    """The run whose one scenario is this river stage (cached per inputs and stage; the stage
    model and curves are shared with the base run)."""
    return _base.with_stages([stage_m])


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
                _show_problems(problems, t("basemap_failed", lang, name=file.name), lang)
        st.session_state["_crecida_basemaps"] = images
    st.sidebar.caption(t("map_offline_caption", lang))


def show_map(*, key: str, lang: str, returned_objects: list[str],
             dynamic: list | None = None, **layers: Any) -> dict | None:
    """Build the map (with the user's basemap) and draw it; if it cannot be drawn, say why in
    the user's language instead of leaving an empty space.

    ``dynamic`` feature groups are added to the map already on screen without redrawing it
    (streamlit-folium's ``feature_group_to_add``): the view stays where the planner left it.
    """
    try:
        check_installed()
    except CrecidaError:
        st.error(t("map_cannot_draw", lang, reason=t("map_assets_missing", lang)))
        return None
    try:
        fmap = build_map(lang=lang, basemaps=st.session_state.get("_crecida_basemaps", ()),
                         **layers)
        groups = [_stable_ids(localise_assets(g), f"crecida{i}")
                  for i, g in enumerate(dynamic or [])]
    except CrecidaError as exc:
        st.error(t("map_cannot_draw", lang, reason=_md(_error_text(exc, lang))))
        return None
    return st_folium(fmap, key=key, height=MAP_HEIGHT_PX, use_container_width=True,
                     returned_objects=returned_objects,
                     feature_group_to_add=groups or None)


def _stable_ids(element, prefix: str):
    """Give ``element`` and everything in it ids that are the same on every run: the map then
    sees the same feature group again and keeps it (an open popup stays open) instead of
    replacing it with a copy."""
    stack, n = [element], 0
    while stack:
        el = stack.pop()
        el._id = f"{prefix}x{n}"
        n += 1
        stack.extend(reversed(list(getattr(el, "_children", {}).values())))
    return element


# --------------------------------------------------------------------------- views
def exposure_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Which centres and communities are flooded: headline figures, the map, tables, a chart
    per district, every scenario compared, and the needs of the displaced."""
    name = params["scenario"]
    inputs = run.inputs
    centres = run.centres(name)
    communities = run.communities(name)
    statuses = centres["flood_status"].value_counts()
    _metrics([
        ("m_centres_flooded", statuses.get("flooded", 0)),
        ("m_centres_isolated", statuses.get("isolated", 0)),
        ("m_centres_at_risk", statuses.get("at_risk", 0)),
        ("m_centres_dry", statuses.get("dry", 0)),
        ("m_families_flooded", run.summary_value("families_in_flooded_centres", name)),
        ("m_pop_exposed", run.summary_value("pop_exposed", name)),
        ("m_displaced", run.summary_value("displaced_est", name)),
    ], lang)
    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    show_map(key="map_exposure", lang=lang, returned_objects=[], centres=centres,
             communities=communities, flood=overlay, flood_name=scenario_label(name, lang),
             flood_depth_known=inputs.scenarios[name].has_depth, districts=inputs.districts,
             rivers=inputs.rivers)
    st.caption(t("map_hint", lang))
    if params.get("stage_m") is not None:
        _stage_panel(run, params["stage_m"], lang)

    left, right = st.columns(2)
    with left:
        st.subheader(t("h_centres", lang))
        _show_table(centres_table(centres, lang))
    with right:
        st.subheader(t("h_communities", lang))
        _show_table(communities_table(communities, lang))

    result = run.exposure
    left, right = st.columns(2)
    with left:
        st.subheader(t("h_by_district", lang))
        districts = result.districts[result.districts["scenario"] == name]
        _district_chart(districts, lang)
        st.caption(t("chart_district_caption", lang, scenario=_md(scenario_label(name, lang))))
    with right:
        st.subheader(t("h_compare", lang))
        _show_table(compare_table(result.summary, list(inputs.scenarios), lang))
        st.caption(t("compare_caption", lang, threshold_m=_fmt(params["threshold_m"], lang, 2)))

    st.subheader(t("h_needs", lang))
    needs = result.needs[(result.needs["scenario"] == name) & (result.needs["level"] == "overall")]
    _show_table(needs_table(needs, lang))


def _stage_panel(run: PlanningRun, stage_m: float, lang: str) -> None:
    """Centres flooded by river stage per district (from the stage curves: every stage is a
    lookup), the chosen stage marked, the datum the stages are read in, and what the stage
    model assumed (its notes, in ``lang``)."""
    import altair as alt

    low, high = settings.STAGE_RANGE_M
    stages = [round(low + 0.1 * i, 2) for i in range(round((high - low) / 0.1) + 1)]
    table = run.stage_table(stages)
    st.subheader(t("stage_centres_flooded_by_stage", lang))
    column = t("col_district", lang)
    data = pd.DataFrame({"stage": table["stage_m"], column: table["district"],
                         "n": table["centres_flooded"]})
    x = alt.X("stage:Q", title=t("stage_slider", lang), scale=alt.Scale(domain=[low, high]))
    lines = alt.Chart(data).mark_line(interpolate="step-after").encode(
        x=x, y=alt.Y("n:Q", title=t("m_centres_flooded", lang)), color=alt.Color(
            f"{column}:N"))
    rule = alt.Chart(pd.DataFrame({"stage": [stage_m]})).mark_rule(strokeDash=[4, 3]).encode(
        x="stage:Q")
    st.altair_chart(lines + rule, use_container_width=True)
    st.caption(t("stage_datum_note", lang, offset=_fmt(run.parameters.datum_offset_m, lang, 2)))
    with st.expander(t("stage_model_notes", lang)):
        for note in run.stage_curves().notes:
            st.markdown(f"- {_md(_note_text(note, lang))}")


def _district_chart(districts: pd.DataFrame, lang: str) -> None:
    """People exposed and displaced per district, numbers written the ``lang`` way."""
    import altair as alt

    rows = []
    for _, row in districts.iterrows():
        for column, key in (("pop_exposed", "col_pop_exposed"),
                            ("displaced_est", "col_displaced_est")):
            value = float(row.get(column) or 0.0)
            rows.append({"district": str(row["district"]), "what": t(key, lang),
                         "persons": round(value), "shown": _fmt(value, lang)})
    data = pd.DataFrame(rows)
    separator = "\u00a0" if lang != "en" else ","
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("district:N", title=t("col_district", lang)),
        x=alt.X("persons:Q", title=t("col_persons", lang)),
        yOffset="what:N",
        color=alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("district:N", title=t("col_district", lang)),
                 alt.Tooltip("what:N", title=" "),
                 alt.Tooltip("shown:N", title=t("col_persons", lang))],
    ).properties(height=max(160, 48 * len(districts))).configure(
        locale={"number": {"decimal": "," if lang != "en" else ".",
                           "thousands": separator, "grouping": [3], "currency": ["", ""]}})
    st.altair_chart(chart, width="stretch")


def catchment_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Which centre serves which community, capacity against demand, displaced left without
    a place."""
    from layers.catchment import assignment_layers, catchment_legend

    inputs = run.inputs
    name = params["scenario"]
    c1, c2, c3, c4, c5 = st.columns([2.2, 1.6, 1, 1, 1], vertical_alignment="bottom")
    c1.selectbox(t("catchment_mode", lang), ["straight", "flood-aware"],
                 format_func=lambda m: t("mode_" + m.replace("-", "_"), lang),
                 key="catchment_mode")
    c2.checkbox(t("capacity_mode", lang), key="respect_capacity",
                help=t("capacity_mode_help", lang))
    with st.spinner(t("catchment_running", lang)):
        try:
            assignment = run.catchment(name)
        except CrecidaError as exc:
            st.error(_error_text(exc, lang))
            return
    cap = assignment.centres_capacity
    operational = cap["operational"].fillna(False).astype(bool)
    c3.metric(t("m_operational", lang), _fmt(operational.sum(), lang))
    c4.metric(t("m_overcrowded", lang),
              _fmt((cap["overcrowded"].fillna(False).astype(bool) & operational).sum(), lang))
    c5.metric(t("m_unserved", lang), _fmt(assignment.unserved_persons, lang))

    centres = run.centres(name)
    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    layers = assignment_layers(assignment, centres, lang=lang)
    show_map(key="map_catchment", lang=lang, returned_objects=[], centres=centres,
             flood=overlay, flood_name=scenario_label(name, lang),
             flood_depth_known=inputs.scenarios[name].has_depth, districts=inputs.districts,
             rivers=inputs.rivers, extra_layers=layers,
             extra_legend=[catchment_legend(lang=lang)], place_names=run.communities(name))
    st.subheader(t("h_capacity", lang))
    st.caption(t("capacity_caption", lang))
    _show_table(capacity_table(cap, lang))
    st.subheader(t("h_assignments", lang))
    _show_table(assignments_table(assignment.assignments, lang))


# --- new centres: drawn areas and the optimiser's plan ----------------------------------------
def _sync_drawings() -> None:
    """Add the polygons the planner drew (streamlit-folium's answer, in ``map_sites``) to the
    session's drawn areas, each once."""
    state = st.session_state
    answer = state.get("map_sites")
    areas = state.setdefault("drawn_areas", [])
    seen = state.setdefault("_seen_drawings", set())
    if not isinstance(answer, dict):
        return
    features = list(answer.get("all_drawings") or [])
    if answer.get("last_active_drawing"):
        features.append(answer["last_active_drawing"])
    for feature in features:
        if not feature or not feature.get("geometry"):
            continue
        geom = shape(feature["geometry"])
        if geom.wkb_hex in seen:
            continue
        seen.add(geom.wkb_hex)
        if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_empty:
            areas.append(geom)  # the draw tool offers polygons and rectangles only


def _plan_key(run: PlanningRun, params: dict) -> tuple:
    """What a proposed plan depends on besides the optimiser's own options: when it changes the
    plan no longer fits the page and is dropped."""
    return (_inputs_key(run.inputs), params["scenario"], params["threshold_m"],
            params["ring_radius_m"], params["service_distance_m"])


def _siting_options() -> tuple[int, str, float]:
    state = st.session_state
    return (int(state.get("k_sites", 3)), str(state.get("objective", "coverage")),
            float(state.get("site_area_ha", settings.NEW_SITE_AREA_M2 / HA_M2)) * HA_M2)


def _current_plan(run: PlanningRun, params: dict):
    """The stored plan when it fits the inputs and parameters (else dropped, with a note);
    a workspace's plan is adopted here the first time."""
    state = st.session_state
    restore = state.pop("_restore_plan", None)
    if restore is not None:
        result, options, scenario = restore
        if scenario in (None, params["scenario"]):
            state["plan"] = {"key": _plan_key(run, params), "options": options,
                             "result": result}
    plan = state.get("plan")
    if plan is None:
        return None
    if plan["key"] != _plan_key(run, params):
        state.pop("plan")
        state["_plan_dropped"] = True
        return None
    return plan


def sites_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Where new centres should go: the optimiser's k sites and areas the planner draws, on a
    map that keeps its view while they change."""
    from layers.sites import drawn_areas_layer, sites_layer, sites_legend, suitability_layer

    inputs = run.inputs
    name = params["scenario"]
    centres = run.centres(name)
    state = st.session_state
    state.setdefault("k_sites", 3)
    state.setdefault("objective", "coverage")
    state.setdefault("site_area_ha", settings.NEW_SITE_AREA_M2 / HA_M2)
    c1, c2, c3, c4 = st.columns([1, 1.1, 2.2, 1.2], vertical_alignment="bottom")
    c1.number_input(t("k_sites", lang), min_value=1, max_value=20, step=1, key="k_sites")
    c2.number_input(t("site_area_ha", lang), min_value=0.1, max_value=500.0, step=0.5,
                    format="%.1f", help=t("site_area_help", lang), key="site_area_ha")
    c3.selectbox(t("objective", lang), ["coverage", "median"],
                 format_func=lambda o: t("objective_" + o, lang), key="objective")
    if c4.button(t("optimise_button", lang), key="optimise", type="primary"):
        k, objective, area_m2 = _siting_options()
        with st.spinner(t("optimise_running", lang)):
            try:
                result = run.optimise(k, scenario=name, objective=objective,
                                      site_area_m2=area_m2)
            except SolverError as exc:
                result = exc.best
                if result is not None:
                    st.warning(t("optimise_not_proven", lang,
                                 limit_s=_fmt(settings.SOLVER_TIME_LIMIT_S, lang)))
                else:
                    st.error(_error_text(exc, lang))
            except CrecidaError as exc:
                result = None
                st.error(_error_text(exc, lang))
        if result is not None:
            state["plan"] = {"key": _plan_key(run, params), "options": (k, objective, area_m2),
                             "result": result}
            state.pop("_plan_dropped", None)
    plan = _current_plan(run, params)

    extra, dynamic = [], []
    try:
        extra.append(suitability_layer(run.suitability(name).polygons, lang=lang))
    except CrecidaError as exc:
        st.error(_error_text(exc, lang))
    if plan is not None:
        k, objective, _area = plan["options"]
        dynamic.append(sites_layer(plan["result"].new_sites, lang=lang, objective=objective,
                                   service_distance_m=params["service_distance_m"]))
    areas = state.get("drawn_areas", [])
    if areas:
        dynamic.append(drawn_areas_layer(areas, lang=lang))
    overlay = _overlay(_inputs_key(inputs), name, inputs, params["threshold_m"])
    # Only the drawings come back: a click on a marker (a site's popup) does not rerun the page.
    show_map(key="map_sites", lang=lang, returned_objects=["all_drawings"],
             centres=centres, flood=overlay, flood_name=scenario_label(name, lang),
             flood_depth_known=inputs.scenarios[name].has_depth,
             districts=inputs.districts, rivers=inputs.rivers, extra_layers=extra,
             extra_legend=[sites_legend(lang=lang)], draw=True,
             place_names=run.communities(name), dynamic=dynamic)
    _plan_results(plan, params, lang)
    _drawn_area_results(run, name, lang)


def _plan_results(plan: dict | None, params: dict, lang: str) -> None:
    """The proposed sites: what they add, a note when the options changed since, the table and
    how they were chosen."""
    st.subheader(t("h_optimise", lang))
    if st.session_state.get("_plan_dropped"):
        st.info(t("plan_dropped", lang))
    if plan is None:
        st.caption(t("optimise_hint", lang))
        return
    result = plan["result"]
    k, objective, area_m2 = plan["options"]
    if plan["options"] != _siting_options():
        st.warning(t("plan_stale", lang, k=k, objective=t("objective_" + objective, lang),
                     area_ha=_fmt(area_m2 / HA_M2, lang, 1)))
    sites = result.new_sites
    _metrics([
        ("m_new_placed", result.covered_weight - result.covered_by_existing_weight),
        ("m_sites_capacity", pd.to_numeric(sites["capacity_persons"], errors="coerce").sum()
         if result.capacitated else float("nan")),
        ("m_still_unplaced", result.unserved_weight),
    ], lang)
    _show_table(sites_table(sites, lang, objective=objective,
                            service_distance_m=params["service_distance_m"]))
    with st.expander(t("plan_notes", lang)):
        for note in result.notes:
            st.markdown(f"- {_md(_note_text(note, lang))}")


def _drawn_area_results(run: PlanningRun, name: str, lang: str) -> None:
    """The latest drawn area: size, Sphere capacity, flood status per scenario, nearest
    centres."""
    st.subheader(t("h_draw", lang))
    state = st.session_state
    areas = state.get("drawn_areas", [])
    if not areas:
        st.caption(t("draw_hint", lang))
        st.info(t("draw_none", lang))
        return
    if len(areas) > 1:
        st.caption(t("draw_count", lang, total=len(areas)))
    if st.button(t("draw_clear", lang), key="draw_clear"):
        state["drawn_areas"] = []
        st.rerun()
    try:
        report = run.evaluate(areas[-1], scenario=name, label="drawn")
    except CrecidaError as exc:
        st.error(_error_text(exc, lang))
        return
    _metrics([
        ("e_area_m2", report.figure("area_m2")),
        ("e_capacity_site", report.figure("capacity_site_persons")),
        ("e_capacity_covered", report.figure("capacity_if_all_covered_persons")),
        ("e_served", report.figure("displaced_within_m")),
    ], lang)
    left, right = st.columns(2)
    with left:
        st.write(t("e_flood_by_scenario", lang))
        _show_table(area_scenarios_table(report.scenarios, lang))
    with right:
        st.write(t("e_nearest", lang))
        _show_table(area_nearest_table(report.nearest, lang))


def _areas_evaluated(run: PlanningRun, name: str) -> list:
    """Every drawn area evaluated under the scenario (for exports and workspaces)."""
    out = []
    for i, area in enumerate(st.session_state.get("drawn_areas", []), 1):
        try:
            out.append(run.evaluate(area, scenario=name, label=f"area {i}"))
        except CrecidaError:
            continue
    return out


# --- export --------------------------------------------------------------------------------
def _size(n_bytes: int, lang: str) -> str:
    if n_bytes >= 2**20:
        return f"{_fmt(n_bytes / 2**20, lang, 1)}\u00a0MB"
    return f"{_fmt(max(1, n_bytes / 2**10), lang)}\u00a0KB"


def export_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Every layer in the format people will use it in, prepared with progress text and
    downloaded with one click."""
    st.caption(t("export_intro", lang))
    name = params["scenario"]
    plan = _current_plan(run, params)
    sites = plan["result"] if plan is not None else None
    areas = _areas_evaluated(run, name)
    have = {"districts": run.inputs.districts is not None,
            "rivers": run.inputs.rivers is not None,
            "new_sites": sites is not None, "coverage": sites is not None,
            "evaluated_areas": bool(areas)}
    offered = [k for k in LAYER_ORDER if have.get(k, True)]
    left, right = st.columns([1, 2])
    choice = left.radio(t("export_format", lang), list(EXPORT_CHOICES), key="export_choice",
                        format_func=lambda c: t(EXPORT_CHOICES[c][0], lang))
    label_key, suffix = EXPORT_CHOICES[choice]
    right.info(t(f"{label_key}_help", lang))
    hxl = right.checkbox(t("export_hxl", lang), key="export_hxl") if choice == "excel" else False
    st.session_state.setdefault("export_layers", offered)
    st.session_state["export_layers"] = [c for c in st.session_state["export_layers"]
                                         if c in offered] or offered
    chosen = right.multiselect(t("export_layers", lang), offered, key="export_layers",
                               format_func=lambda k: t(f"export_layer_{k}", lang),
                               placeholder=t("export_layers_placeholder", lang))
    if not chosen and suffix not in (".tif",):
        st.info(t("export_empty", lang))
        return
    export_key = (_inputs_key(run.inputs), choice, tuple(chosen), hxl, lang, name,
                  run.parameters, id(sites),
                  tuple(a.layer.geometry.iloc[0].wkb for a in areas))
    ready = st.session_state.get("export_file")
    if not ready or ready[0] != export_key:
        files = _prepare_export(run, name, choice, chosen, hxl=hxl, sites=sites, areas=areas,
                                lang=lang)
        if files is None:
            return
        st.session_state["export_file"] = (export_key, files)
        ready = st.session_state["export_file"]
    else:  # prepared on an earlier run: say so, as the progress bar did
        st.caption(t("export_progress_done", lang, name=ready[1][0][0],
                     size=_size(len(ready[1][0][1]), lang)))
    files = ready[1]
    main_name, main_data = files[0]
    st.download_button(t("export_download", lang, format=t(label_key, lang),
                         size=_size(len(main_data), lang)),
                       data=main_data, file_name=main_name, key="export_download_0",
                       type="primary", on_click="ignore", icon=":material/download:")
    for i, (file_name, data) in enumerate(files[1:], 1):
        st.download_button(t("export_companion", lang, size=_size(len(data), lang)),
                           data=data, file_name=file_name, key=f"export_download_{i}",
                           on_click="ignore")


def _prepare_export(run: PlanningRun, name: str, choice: str, chosen: list[str], *, hxl: bool,
                    sites, areas: list, lang: str) -> list[tuple[str, bytes]] | None:
    """Compute each chosen layer, then write the file, saying at each step what is being done;
    the files written (a GeoPackage comes with its classified-depth GeoTIFF)."""
    label_key, suffix = EXPORT_CHOICES[choice]
    progress = st.progress(0.0, text=t("export_progress_start", lang))
    steps = len(chosen) + 1
    for i, layer in enumerate(chosen, 1):
        progress.progress((i - 1) / steps, text=t("export_progress_layer", lang, i=i,
                                                   n=len(chosen),
                                                   layer=t(f"export_layer_{layer}", lang)))
        try:
            run.layers(name, include=[layer], sites=sites, areas=areas)
        except CrecidaError as exc:
            progress.empty()
            st.error(_error_text(exc, lang))
            return None
    progress.progress(len(chosen) / steps,
                      text=t("export_progress_write", lang, format=t(label_key, lang)))
    writers = dict(HTML_WRITERS)
    if choice == "excel":
        writers |= excel_csv_writers(lang, hxl=hxl)
    stem = f"crecida_{_safe_name(scenario_label(name, lang))}"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{stem}{suffix}"
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", CrecidaWarning)
                run.export(out, scenario=name, include=chosen or None, sites=sites,
                           areas=areas, lang=lang, producer="Crecida app", writers=writers)
        except CrecidaError as exc:
            progress.empty()
            st.error(_error_text(exc, lang))
            return None
        notes = [w.message.args[0] if w.message.args else str(w.message)
                 for w in caught if issubclass(w.category, CrecidaWarning)]
        if notes:
            st.warning(_md(t("app.export_notes", lang)) + "\n\n" + "\n".join(
                f"- {_md(localise(n, lang))}" for n in notes))
        files = [(p.name, p.read_bytes()) for p in sorted(Path(tmp).iterdir(),
                                                          key=lambda p: (p.suffix == ".tif"
                                                                         and suffix != ".tif",
                                                                         p.name))
                 if p.is_file()]
    progress.progress(1.0, text=t("export_progress_done", lang, name=files[0][0],
                                  size=_size(len(files[0][1]), lang)))
    return files


# --- saving the work -------------------------------------------------------------------------
def _saving(run: PlanningRun, params: dict, lang: str) -> dict:
    """What "Save work" writes, taken from the page now (the button writes it later, on
    click, outside the page's run)."""
    state = st.session_state
    plan = _current_plan(run, params)
    return {"run": run, "scenario": params["scenario"],
            "siting": plan["options"] if plan is not None else _siting_options(),
            "areas": list(state.get("drawn_areas", [])),
            "sites": plan["result"] if plan is not None else None,
            "notes": str(state.get("ws_notes") or ""), "lang": lang,
            "labels": dict(state.get("_labels", {}))}


def _workspace_bytes(*, run: PlanningRun, scenario: str, siting: tuple, areas: list, sites,
                     notes: str, lang: str, labels: dict) -> bytes:
    """The session as one workspace GeoPackage (:mod:`geo.workspace`)."""
    k, objective, area_m2 = siting
    workspace = workspace_of(run, scenario=scenario,
                             siting=SitingOptions(k=k, objective=objective, site_area_m2=area_m2),
                             areas=areas, sites=sites, notes=notes, lang=lang, labels=labels)
    with tempfile.TemporaryDirectory() as tmp:
        return write_workspace(Path(tmp) / "crecida.gpkg", workspace).read_bytes()


# --------------------------------------------------------------------------- season
#: Made-up dates standing for the sample's scenarios in the Temporada view (sample only).
SAMPLE_SEASON_START = "2012-03-01"


def season_view(run: PlanningRun, params: dict, lang: str) -> None:
    """Temporada: a season of dated extents — days flooded per community, one date's map,
    people exposed per district and date (:meth:`PlanningRun.season`)."""
    import datetime as dt
    import os

    from geo.distributed import SCHEDULER_ENV
    from geo.flood import FLOOD_KINDS
    from geo.season import SeasonExtent, date_from_name, open_season
    from layers.season import season_day_layer, season_days_layer, season_legend

    with st.expander(t("season_upload_header", lang), expanded=False):
        st.caption(t("season_intro", lang))
        files = st.file_uploader(t("season_upload", lang), type=["tif", "tiff"],
                                 accept_multiple_files=True, key="upload_season")
        chosen_kind = st.selectbox(t("season_kind", lang), ["auto", *FLOOD_KINDS],
                                   key="season_kind", format_func=lambda k: t(
                                       "season_kind_auto" if k == "auto" else f"report.kind_{k}",
                                       lang))
    sources = []
    for file in files or []:
        up = _save_upload("season", file.name, file.getvalue())
        day = date_from_name(file.name)
        if day is None:
            st.error(t("season_no_date", lang, name=_md(file.name)))
            continue
        sources.append((day, Path(up.path)))
    try:
        if sources:
            extents, _notes = open_season(sorted(sources, key=lambda s: s[0]),
                                          kind=None if chosen_kind == "auto" else chosen_kind,
                                          dem=run.inputs.dem)
            if chosen_kind == "auto":  # the guess, stated where it can be changed
                st.caption(t("season_kind_guessed", lang, kind=t(
                    f"report.kind_{extents[0].scenario.kind}", lang)))
        elif run.inputs.sample_scenarios:
            # The synthetic sample has no season: its scenarios stand for made-up dates.
            st.caption(t("season_none", lang))
            start = dt.date.fromisoformat(SAMPLE_SEASON_START)
            extents = [SeasonExtent(start + dt.timedelta(days=k), sc)
                       for k, sc in enumerate(run.inputs.scenarios.values())]
        else:
            st.info(t("season_own_data", lang))
            return
        with st.spinner(t("season_running", lang)):
            result = run.season(extents, scheduler=os.environ.get(SCHEDULER_ENV)
                                or "synchronous")
    except CrecidaError as exc:
        st.error(_md(_error_text(exc, lang)))
        return
    peak = result.timeline.groupby("date")["population_exposed"].sum()
    dates = [d.isoformat() for d in result.dates]
    # One row of figures and choices above the map (the map starts on the first screen).
    c1, c2, c3, c4, c5 = st.columns([0.8, 1.3, 1.2, 1.6, 2.1], vertical_alignment="bottom")
    c1.metric(t("season_metric_days", lang), len(result.dates))
    c2.metric(t("season_metric_flooded", lang),
              _fmt(float((result.communities["days_flooded"] > 0).sum()), lang))
    c3.metric(t("season_metric_peak", lang), _fmt(float(peak.max()) if len(peak) else 0.0, lang))
    mode = c4.radio(t("season_map", lang), ["days", "day"], key="season_map_mode",
                    format_func=lambda m: t(f"season_map_{m}", lang))
    chosen = (c5.select_slider(t("season_date", lang), options=dates, value=dates[-1],
                               key="season_date") if len(dates) > 1 else dates[0])
    day = dt.date.fromisoformat(chosen)
    layer = (season_days_layer(result, lang=lang) if mode == "days"
             else season_day_layer(result, day, lang=lang))
    show_map(key="map_season", lang=lang, returned_objects=[],
             districts=run.inputs.districts, rivers=run.inputs.rivers, extra_layers=[layer],
             extra_legend=[season_legend(lang=lang, day=mode == "day")])
    st.subheader(t("season_chart_title", lang))
    chart = result.timeline.pivot_table(index="date", columns="district",
                                        values="population_exposed", aggfunc="sum")
    chart.index.name = t("season_date", lang)
    st.line_chart(chart, y_label=t("season_people_exposed", lang))
    st.subheader(t("season_table", lang))
    _show_table(season_communities_table(result.communities, lang))
    st.subheader(t("season_centres_table", lang))
    _show_table(season_centres_table(result.centres, lang))
    with st.expander(t("season_notes", lang)):
        for note in result.notes:
            st.markdown(f"- {_md(_note_text(note, lang))}")


# --------------------------------------------------------------------------- page
def header(inputs: Inputs, lang: str) -> None:
    """Title and, for sample data, the synthetic-data warning, on one line."""
    if inputs.is_sample or inputs.sample_layers:
        left, right = st.columns([4, 5], vertical_alignment="center")
        left.title(t("app_title", lang))
        right.warning(t("sample_banner", lang))
    else:
        st.title(t("app_title", lang))


def main() -> None:
    st.set_page_config(page_title="Crecida", page_icon="🌊", layout="wide",
                       initial_sidebar_state="expanded")
    lang = st.sidebar.radio("Idioma / Language", list(LANGUAGES), format_func=LANGUAGES.get,
                            horizontal=True, key="lang")
    _page_style(lang)
    _sync_drawings()
    saving: dict = {}
    sidebar_workspace(lang, saving)
    inputs = sidebar_inputs(lang)
    params = sidebar_parameters(inputs, lang)
    sidebar_basemap(inputs, lang)
    header(inputs, lang)
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
    with _edge(view, lang), st.spinner(t("exposure_running", lang)):
        base = _base_run(_inputs_key(inputs), inputs)
        if params["stage_m"] is not None:
            base = _stage_run(_inputs_key(inputs), base, params["stage_m"])
            params["scenario"] = base.scenario_name()
        ready = base.with_parameters(
            threshold_m=params["threshold_m"], ring_radius_m=params["ring_radius_m"],
            service_distance_m=params["service_distance_m"],
            catchment_mode=st.session_state["catchment_mode"],
            respect_capacity=bool(st.session_state["respect_capacity"]))
        _ = ready.exposure  # computed once here, under the spinner
        run = ready
    if run is None:
        st.stop()
    with _edge(view, lang):
        saving.update(_saving(run, params, lang))  # also adopts an opened workspace's sites
        {"exposure": exposure_view, "catchment": catchment_view, "sites": sites_view,
         "season": season_view, "export": export_view}[view](run, params, lang)
        saving.update(_saving(run, params, lang))  # what the view changed (sites, areas)


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
        st.error(_md(_error_text(exc, lang)))
    except Exception as exc:
        problem = unexpected_problem(exc, context=f"app view {view}")
        st.error(_md(t("app.unexpected", lang, **dict(problem.params))))


main()

"""A planning workspace in one GeoPackage: saved, reopened, handed to a colleague.

A workspace holds everything that makes a planning session's results: the input files used
(their bytes, byte for byte), the parameters, the scenario shown, the areas drawn, the sites
proposed (with their status) and the planner's notes. Reopening it loads the same files with
the same parameters through :func:`geo.inputs.load_inputs`, so every result — exposure,
catchment, evaluated areas — comes out the same; the proposed sites are restored as they were
(not solved again).

The file is a GeoPackage that QGIS opens: the drawn areas (``drawn_areas``), the proposed sites
(``new_sites``, with ``status``) and the people they serve (``coverage``) are layers; the
inputs (``crecida_inputs``: one row per file, its bytes in a BLOB), the settings
(``crecida_workspace``: key/value, with ``format_version``) and the notes
(``crecida_notes``) are attribute tables.

Format versions: :data:`FORMAT_VERSION` is written; :func:`read_workspace` reads it and every
older version it knows how to upgrade, and refuses, saying why, a file of a version it does not
know (made by a newer Crecida) or can no longer read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.analysis import Parameters, PlanningRun
from geo.errors import FormatError, InputError, Num, Problem, Term
from geo.inputs import SAMPLE_DIR, Inputs, load_inputs
from geo.io.files import PathLike, atomic_path, sha256_file
from geo.provenance import crecida_version
from geo.siting import SitingResult

__all__ = [
    "FORMAT_VERSION",
    "InputFile",
    "SitingOptions",
    "Workspace",
    "input_files",
    "load_workspace_inputs",
    "read_workspace",
    "run_of",
    "workspace_files",
    "workspace_of",
    "write_workspace",
]

FORMAT_VERSION: int = 1
"""Version of the workspace file written by this Crecida."""

APPLICATION: str = "crecida-workspace"
"""The ``application`` value that marks a GeoPackage as a Crecida workspace."""

#: Format versions this Crecida no longer reads (0: prototype files that did not hold their
#: input files, so they cannot reproduce their results). Versions from 1 to FORMAT_VERSION are
#: read; a future format change adds an upgrade of the older ones here, or retires them.
_RETIRED_VERSIONS: frozenset[int] = frozenset({0})

_META_TABLE = "crecida_workspace"
_INPUTS_TABLE = "crecida_inputs"
_NOTES_TABLE = "crecida_notes"
_AREAS_LAYER = "drawn_areas"


@dataclass(frozen=True)
class InputFile:
    """One input file of a workspace.

    Attributes
    ----------
    layer
        What it is: ``centres``, ``communities``, ``districts``, ``rivers``, ``dem``,
        ``population``, or ``flood:<scenario name>``.
    name
        The file's name as the planner knows it (e.g. the uploaded file's).
    data
        Its bytes.
    kind
        For a flood scenario: ``depth``, ``extent`` or ``water_level`` (as it was read).
    sample
        Whether it is a file of the bundled synthetic sample.
    """

    layer: str
    name: str
    data: bytes = field(repr=False)
    kind: str | None = None
    sample: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def scenario(self) -> str | None:
        """The scenario name of a flood file, else ``None``."""
        return self.layer.split(":", 1)[1] if self.layer.startswith("flood:") else None


@dataclass(frozen=True)
class SitingOptions:
    """What the planner asked the optimiser for (kept even when no sites were proposed)."""

    k: int = 3
    objective: str = "coverage"
    site_area_m2: float = settings.NEW_SITE_AREA_M2


@dataclass(frozen=True)
class Workspace:
    """A planning session, as saved.

    Attributes
    ----------
    inputs
        The input files used (:func:`input_files`).
    parameters
        The run's parameters.
    scenario
        The scenario shown (``None``: the default, most severe one).
    siting
        The optimiser's options.
    areas
        Areas drawn, in EPSG:4326, oldest first.
    sites
        The proposed sites (:class:`geo.siting.SitingResult`), or ``None``.
    site_status
        Status of each proposed site by ``site_id`` (``proposed`` unless the planner changed it).
    notes
        The planner's notes.
    lang
        Language of the session.
    created, crecida_version
        When and by which Crecida it was saved (filled by :func:`write_workspace`).
    """

    inputs: tuple[InputFile, ...]
    parameters: Parameters = field(default_factory=Parameters)
    scenario: str | None = None
    siting: SitingOptions = field(default_factory=SitingOptions)
    areas: tuple[BaseGeometry, ...] = ()
    sites: SitingResult | None = None
    site_status: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""
    lang: str = "es"
    created: str = ""
    crecida_version: str = ""


# --------------------------------------------------------------------------- the inputs
def input_files(inputs: Inputs, *, labels: Mapping[str, str] | None = None
                ) -> tuple[InputFile, ...]:
    """The files behind a session's layers (``inputs.sources``), read whole.

    Parameters
    ----------
    inputs
        The session's layers.
    labels
        Names people know the files by, per layer key (e.g. uploaded file names); default the
        file names.

    Raises
    ------
    FormatError
        A layer whose file can no longer be read (e.g. a folder, or a file that was deleted).
    """
    labels = dict(labels or {})
    sample = set(inputs.sample_layers)
    out, problems = [], []
    for layer, source in inputs.sources.items():
        path = Path(source)
        if not path.is_file():
            problems.append(Problem.keyed("workspace_input_unreadable", source=str(path.name),
                                          layer=layer))
            continue
        scenario = layer.split(":", 1)[1] if layer.startswith("flood:") else None
        kind = inputs.scenarios[scenario].kind if scenario in inputs.scenarios else None
        out.append(InputFile(layer, labels.get(layer, path.name), path.read_bytes(),
                             kind=kind, sample=layer in sample))
    if problems:
        raise FormatError(problems)
    return tuple(out)


def load_workspace_inputs(workspace: Workspace, folder: PathLike) -> Inputs:
    """Load a workspace's input files as a session's layers.

    Files of the bundled sample are read from the sample itself when it still holds the same
    bytes (so the session is labelled as synthetic sample data, as it was); every other file is
    written once under ``folder/<sha256>/`` and read from there. Flood scenarios keep their
    names and kinds.

    Raises
    ------
    InputError
        As :func:`geo.inputs.load_inputs`.
    """
    paths = workspace_files(workspace, folder)
    labels = {item.layer: item.name for item in workspace.inputs}
    floods = [(item.scenario, paths[item.layer]) for item in workspace.inputs
              if item.scenario is not None]
    kinds = {item.scenario: item.kind for item in workspace.inputs
             if item.scenario is not None and item.kind}
    kwargs = {layer: paths[layer] for layer in ("centres", "communities", "districts", "rivers",
                                                 "dem", "population") if layer in paths}
    return load_inputs(floods=floods or None, flood_kinds=kinds or None, labels=labels,
                       synthetic=synthetic_layers(workspace), **kwargs)


def synthetic_layers(workspace: Workspace) -> tuple[str, ...]:
    """Layer keys (``centres``…, ``flood:<name>``) of the workspace's files that were the
    synthetic sample's when it was saved: labelled sample data even when the bundled sample
    has changed since and the saved copy is read instead."""
    return tuple((f"flood:{item.scenario}" if item.scenario is not None else item.layer)
                 for item in workspace.inputs if item.sample)


def workspace_files(workspace: Workspace, folder: PathLike) -> dict[str, Path]:
    """Where each input file of ``workspace`` can be read, by layer: the bundled sample's own
    file when it holds the same bytes, else a copy written once under
    ``folder/<sha256>/<name>``."""
    return {item.layer: _file_for(item, Path(folder)) for item in workspace.inputs}


def _file_for(item: InputFile, folder: Path) -> Path:
    """Where to read ``item`` from: the bundled sample's own file when unchanged, else a copy
    written under ``folder/<sha256>/<name>``."""
    if item.sample:
        bundled = SAMPLE_DIR / Path(item.name).name
        if bundled.is_file() and sha256_file(bundled) == item.sha256:
            return bundled
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(item.name).name)
    path = folder / item.sha256 / (safe or "input")
    if not path.is_file():
        with atomic_path(path) as tmp:
            tmp.write_bytes(item.data)
    return path


def run_of(workspace: Workspace, folder: PathLike) -> PlanningRun:
    """The :class:`geo.analysis.PlanningRun` of a workspace (its inputs and parameters)."""
    return PlanningRun(load_workspace_inputs(workspace, folder), workspace.parameters)


# --------------------------------------------------------------------------- writing
def write_workspace(path: PathLike, workspace: Workspace) -> Path:
    """Write ``workspace`` to ``path`` (a ``.gpkg``), atomically.

    Returns
    -------
    Path
        ``path``, complete on disk.

    Raises
    ------
    InputError
        ``path`` does not end in ``.gpkg``.
    """
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InputError(Problem.keyed("workspace_not_gpkg_name", source=path.name))
    created = workspace.created or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with atomic_path(path) as tmp:
        areas = gpd.GeoDataFrame(
            {"area_no": list(range(1, len(workspace.areas) + 1))},
            geometry=gpd.GeoSeries(list(workspace.areas), crs=settings.DISPLAY_CRS),
            crs=settings.DISPLAY_CRS)
        pyogrio.write_dataframe(areas, tmp, layer=_AREAS_LAYER, driver="GPKG",
                                geometry_type="Unknown")
        if workspace.sites is not None:
            sites = workspace.sites.new_sites.copy()
            sites.insert(len(sites.columns) - 1, "status",
                         [workspace.site_status.get(str(s), "proposed")
                          for s in sites["site_id"]])
            pyogrio.write_dataframe(sites, tmp, layer="new_sites", driver="GPKG")
            pyogrio.write_dataframe(workspace.sites.coverage, tmp, layer="coverage",
                                    driver="GPKG")
        meta = {
            "application": APPLICATION,
            "format_version": FORMAT_VERSION,
            "crecida_version": crecida_version(),
            "created": created,
            "lang": workspace.lang,
            "scenario": workspace.scenario,
            "parameters": workspace.parameters.as_dict(),
            "siting": asdict(workspace.siting),
            "sites": None if workspace.sites is None else _sites_meta(workspace.sites),
        }
        with sqlite3.connect(tmp) as db:
            _attributes_table(db, _META_TABLE, "key TEXT NOT NULL UNIQUE, value TEXT",
                              [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()],
                              "Crecida workspace: settings and format version")
            _attributes_table(
                db, _INPUTS_TABLE, "layer TEXT NOT NULL, name TEXT, kind TEXT, sample INTEGER,"
                " sha256 TEXT, data BLOB",
                [(f.layer, f.name, f.kind, int(f.sample), f.sha256, sqlite3.Binary(f.data))
                 for f in workspace.inputs],
                "Crecida workspace: the input files, byte for byte")
            _attributes_table(db, _NOTES_TABLE, "notes TEXT", [(workspace.notes,)],
                              "Crecida workspace: the planner's notes")
        db.close()
    return path


def _attributes_table(db: sqlite3.Connection, name: str, columns: str, rows: Iterable[tuple],
                      description: str) -> None:
    """A GeoPackage attribute table (registered in ``gpkg_contents``) with ``rows``."""
    db.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, {columns})')
    names = [c.strip().split()[0] for c in columns.split(",")]
    marks = ", ".join("?" * len(names))
    db.executemany(f'INSERT INTO "{name}" ({", ".join(names)}) VALUES ({marks})', list(rows))
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
               "last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
               (name, name, description))


def _sites_meta(sites: SitingResult) -> dict:
    return {"objective": sites.objective, "status": sites.status,
            "objective_value": sites.objective_value, "total_weight": sites.total_weight,
            "covered_weight": sites.covered_weight,
            "covered_by_existing_weight": sites.covered_by_existing_weight,
            "capacitated": sites.capacitated, "notes": [_note_json(n) for n in sites.notes]}


def _note_json(note: Problem | str) -> dict:
    if isinstance(note, Problem):
        return {"message": note.message, "source": note.source, "row": note.row,
                "column": note.column, "fix": note.fix, "key": note.key,
                "params": [[k, _param_json(v)] for k, v in note.params],
                "detail": note.detail}
    return {"message": str(note)}


def _param_json(value: object) -> object:
    """A note's parameter as JSON: a :class:`Term` or :class:`Num` keeps what it is."""
    if isinstance(value, Term):
        return {"term": value.key}
    if isinstance(value, Num):
        return {"num": value.value, "decimals": value.decimals, "unit": value.unit}
    return value


def _param_from_json(value: object) -> object:
    if isinstance(value, dict) and "term" in value:
        return Term(str(value["term"]))
    if isinstance(value, dict) and "num" in value:
        return Num(float(value["num"]), value.get("decimals"), value.get("unit"))
    return value


def _note_from_json(data: dict) -> Problem | str:
    if data.get("key") is None and set(data) == {"message"}:
        return str(data["message"])
    return Problem(data.get("message", ""), data.get("source"), data.get("row"),
                   data.get("column"), data.get("fix"), data.get("key"),
                   tuple((str(k), _param_from_json(v)) for k, v in data.get("params", [])),
                   data.get("detail"))


# --------------------------------------------------------------------------- reading
def read_workspace(path: PathLike) -> Workspace:
    """Read a workspace written by :func:`write_workspace` (this or an older format version).

    Raises
    ------
    FormatError
        Not a GeoPackage, not a Crecida workspace, a format version this Crecida does not know
        (a newer Crecida wrote it) or no longer reads, or a damaged file (an input whose bytes
        no longer match their checksum).
    """
    path = Path(path)
    meta, rows, notes = _read_tables(path)
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise FormatError(Problem.keyed("workspace_not_crecida", source=path.name))
    if version > FORMAT_VERSION:
        raise FormatError(Problem.keyed("workspace_newer", source=path.name, version=version,
                                        supported=FORMAT_VERSION,
                                        made_by=str(meta.get("crecida_version") or "?")))
    if version in _RETIRED_VERSIONS or version < 1:
        raise FormatError(Problem.keyed("workspace_retired", source=path.name, version=version,
                                        made_by=str(meta.get("crecida_version") or "?")))
    inputs = []
    for layer, name, kind, sample, sha, data in rows:
        data = bytes(data or b"")
        if hashlib.sha256(data).hexdigest() != sha:
            raise FormatError(Problem.keyed("workspace_damaged", source=path.name, layer=layer))
        inputs.append(InputFile(layer, name, data, kind=kind, sample=bool(sample)))
    layers = {str(name) for name, _kind in pyogrio.list_layers(path)}
    areas = gpd.read_file(path, layer=_AREAS_LAYER, engine="pyogrio") \
        if _AREAS_LAYER in layers else gpd.GeoDataFrame(geometry=[], crs=settings.DISPLAY_CRS)
    areas = areas.sort_values("area_no") if "area_no" in areas else areas
    sites, status = None, {}
    if meta.get("sites") and "new_sites" in layers:
        new = gpd.read_file(path, layer="new_sites", engine="pyogrio")
        status = dict(zip(new["site_id"].astype(str), new.pop("status").astype(str),
                          strict=True)) if "status" in new else {}
        coverage = gpd.read_file(path, layer="coverage", engine="pyogrio")
        info = meta["sites"]
        sites = SitingResult(
            new, coverage, info["objective"], info["status"], float(info["objective_value"]),
            float(info["total_weight"]), float(info["covered_weight"]),
            float(info["covered_by_existing_weight"]),
            tuple(_note_from_json(n) for n in info.get("notes", [])),
            capacitated=bool(info.get("capacitated", False)))
    known = {f.name for f in fields(Parameters)}
    parameters = Parameters(**{k: v for k, v in (meta.get("parameters") or {}).items()
                               if k in known})
    siting_known = {f.name for f in fields(SitingOptions)}
    siting = SitingOptions(**{k: v for k, v in (meta.get("siting") or {}).items()
                              if k in siting_known})
    return Workspace(
        inputs=tuple(inputs), parameters=parameters, scenario=meta.get("scenario"),
        siting=siting, areas=tuple(g for g in areas.geometry if g is not None and not g.is_empty),
        sites=sites, site_status=status, notes=notes, lang=str(meta.get("lang") or "es"),
        created=str(meta.get("created") or ""),
        crecida_version=str(meta.get("crecida_version") or ""))


def _read_tables(path: Path) -> tuple[dict, list[tuple], str]:
    """The settings, the input rows and the notes of a workspace file."""
    if not path.is_file():
        raise FormatError(Problem.keyed("workspace_missing", source=path.name))
    not_gpkg = FormatError(Problem.keyed("workspace_not_gpkg", source=path.name))
    try:
        with open(path, "rb") as fh:
            magic = fh.read(16)
        if magic != b"SQLite format 3\x00":
            raise not_gpkg
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "gpkg_contents" not in tables:
                raise not_gpkg
            if _META_TABLE not in tables:
                raise FormatError(Problem.keyed("workspace_not_crecida", source=path.name))
            meta = {k: json.loads(v) for k, v in db.execute(
                f'SELECT key, value FROM "{_META_TABLE}"')}
            if meta.get("application") != APPLICATION:
                raise FormatError(Problem.keyed("workspace_not_crecida", source=path.name))
            rows = (list(db.execute(f'SELECT layer, name, kind, sample, sha256, data FROM '
                                    f'"{_INPUTS_TABLE}" ORDER BY fid'))
                    if _INPUTS_TABLE in tables else [])
            notes = ("\n".join(r[0] or "" for r in db.execute(
                f'SELECT notes FROM "{_NOTES_TABLE}" ORDER BY fid'))
                if _NOTES_TABLE in tables else "")
        finally:
            db.close()
    except (sqlite3.DatabaseError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        # SQLite's or the JSON reader's own reason, for the English text and the log
        raise FormatError(Problem.keyed("workspace_not_gpkg", source=path.name,
                                        detail=str(exc))) from None
    return meta, rows, notes


# --------------------------------------------------------------------------- from a session
def workspace_of(run: PlanningRun, *, scenario: str | None = None,
                 siting: SitingOptions | None = None,
                 areas: Sequence[BaseGeometry] = (), sites: SitingResult | None = None,
                 site_status: Mapping[str, str] | None = None, notes: str = "",
                 lang: str = "es", labels: Mapping[str, str] | None = None) -> Workspace:
    """The workspace of a planning run and what the planner added to it.

    Parameters
    ----------
    run
        The run (its inputs' files and parameters are saved).
    areas
        Drawn areas in EPSG:4326 (shapely polygons); empty and non-polygon shapes are left out.
    labels
        Names people know the input files by (e.g. uploaded file names), per layer.
    """
    polygons = tuple(shapely.make_valid(a) if not a.is_valid else a for a in areas
                     if a is not None and not a.is_empty
                     and a.geom_type in ("Polygon", "MultiPolygon"))
    return Workspace(inputs=input_files(run.inputs, labels=labels), parameters=run.parameters,
                     scenario=scenario, siting=siting or SitingOptions(), areas=polygons,
                     sites=sites, site_status=dict(site_status or {}), notes=notes, lang=lang)

"""Reading vector files: one layer chosen out of every layer a source holds, and said so.

A source is a GeoJSON, GeoPackage, FlatGeobuf, shapefile, KML/KMZ, File Geodatabase (``.gdb``
folder), or a zip holding any of these (one or several shapefiles, a product package). Zips and
KMZ are unpacked with the limits of :mod:`geo.io.archives` into a temporary folder that lives as
long as the ``with`` block of :func:`open_vector`.

Which layer (:func:`choose_layer`): the one asked for by name (``PATH:LAYER`` on the command
line, ``layer=`` in Python and the app); else the only layer whose geometry fits the role; else
the one layer a known product convention or its name points to; otherwise the file is refused
with the list of its layers and how to choose. A KML's folders (nested ones too) are read
together, each feature keeping its folder's name in ``folder``. Every choice is written down as
a decision (:class:`~geo.errors.Problem`) in ``frame.attrs["decisions"]``.

A shapefile without its ``.prj`` is refused rather than given a guessed coordinate system. The
layer's own CRS is kept here; converting it is :func:`geo.io.geometry.to_display_crs`.
"""

from __future__ import annotations

import contextlib
import glob
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import schema, settings
from geo.errors import CRSError, FormatError, InputError, Problem
from geo.io.archives import extracted_zip
from geo.io.formats import exception_summary

__all__ = [
    "ROLES",
    "LayerInfo",
    "VectorSource",
    "choose_layer",
    "list_layers",
    "open_vector",
    "read_vector",
]

#: KML's standard placemark fields that GDAL turns into columns; dropped when all blank.
_KML_STANDARD_FIELDS = ("id", "description", "timestamp", "begin", "end", "icon")
#: KML rendering hints GDAL turns into columns; never attributes, always dropped.
_KML_RENDERING_FIELDS = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder")
#: Files inside a zip read as vector datasets.
_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb")

#: Geometry kinds each role accepts (``Multi`` forms included).
ROLES: dict[str, tuple[str, ...]] = {
    "centres": ("Point",),
    "communities": ("Polygon", "Point"),
    "districts": ("Polygon",),
    "rivers": ("LineString", "Polygon"),
    "flood": ("Polygon",),
    "observed": ("Polygon",),
    "area": ("Polygon",),
    "points": ("Point",),
}

#: Words in a layer's name that point to a role (names normalised, matched as words parts).
_ROLE_HINTS: dict[str, tuple[str, ...]] = {
    "centres": ("albergue", "centro_colectivo", "centros_colectivos", "centre", "center",
                "shelter", "refugio", "sitio", "site", "cccm", "dtm", "alojamiento",
                "evacua"),
    "communities": ("comunidad", "communit", "centro_poblado", "centros_poblados", "ccpp",
                    "poblado", "localidad", "village", "settlement", "cen_pob"),
    "districts": ("distrit", "district", "adm3", "limite_distrital"),
    "rivers": ("rio", "river", "hidrograf", "hydrograph", "quebrada", "drenaje"),
    "flood": ("flood", "inund", "water", "agua"),
    "observed": ("area_of_interest", "areaofinterest", "aoi", "analysis", "analisis"),
}

#: Layer names of known products, per role: (pattern on the name, what the convention is).
PRODUCT_LAYERS: dict[str, tuple[tuple[str, str], ...]] = {
    "flood": (
        (r"observedevent_?a|observed_event_a", "Copernicus EMS observed event"),
        (r"floodextent|flood_extent", "UNOSAT flood extent"),
    ),
    "observed": (
        (r"areaofinterest_?a|area_of_interest_a", "Copernicus EMS area of interest"),
        (r"analysisextent|analysis_extent", "UNOSAT analysis extent"),
    ),
    "not_analysed": (
        (r"notanalysed_?a|not_analysed_a|notanalyzed", "Copernicus EMS not-analysed area"),
    ),
}


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a source, as a person picks it.

    Attributes
    ----------
    name
        Name to choose it by (``PATH:LAYER``); a shapefile in a zip is named by its file stem.
    geometry_type
        Geometry kind without ``Multi``/``Z`` (``Point``, ``LineString``, ``Polygon``),
        ``Unknown`` when mixed or not declared, ``None`` for an attribute table.
    features
        Number of features, ``None`` when the driver cannot tell without reading.
    """

    name: str
    geometry_type: str | None
    features: int | None

    def describe(self) -> str:
        """``name (Polygon, 12)`` for messages (geometry kinds as GIS software names them)."""
        kind = self.geometry_type or "—"
        count = f", {self.features}" if self.features is not None and self.features >= 0 else ""
        return f"{self.name} ({kind}{count})"


@dataclass(frozen=True)
class _Entry:
    info: LayerInfo
    dataset: str
    layer: str
    is_kml: bool


class VectorSource:
    """The layers of an opened source (see :func:`open_vector`); reads them by name."""

    def __init__(self, label: str, entries: list[_Entry], *, is_kml: bool):
        self.label = label
        self.is_kml = is_kml
        self._entries = entries

    @property
    def layers(self) -> list[LayerInfo]:
        """Every layer, in the source's order."""
        return [e.info for e in self._entries]

    def find(self, name: str) -> LayerInfo | None:
        """The layer called ``name`` (exactly, else ignoring case and accents)."""
        for e in self._entries:
            if e.info.name == name:
                return e.info
        key = schema.normalise_header(name)
        hits = [e.info for e in self._entries if schema.normalise_header(e.info.name) == key]
        return hits[0] if len(hits) == 1 else None

    def matching(self, patterns: Sequence[tuple[str, str]]) -> list[tuple[LayerInfo, str]]:
        """Layers whose name matches a product convention, with the convention's name."""
        out = []
        for e in self._entries:
            flat = e.info.name.lower()
            for pattern, what in patterns:
                if re.search(pattern, flat):
                    out.append((e.info, what))
                    break
        return out

    def read(self, name: str) -> gpd.GeoDataFrame:
        """The layer called ``name`` in its own CRS (text column names, KML fields cleaned).

        Raises
        ------
        FormatError
            The layer cannot be read.
        """
        entry = next(e for e in self._entries if e.info.name == name)
        if entry.dataset.lower().endswith(".shp"):
            _check_shapefile_parts(Path(entry.dataset), label=self.label)
        gdf = _read_dataframe(entry.dataset, entry.layer, label=self.label,
                              is_kml=entry.is_kml)
        gdf.columns = [str(c) for c in gdf.columns]
        if entry.is_kml:
            gdf = _without_kml_fields(gdf)
        return gdf


@contextlib.contextmanager
def open_vector(path: Path, *, label: str) -> Iterator[VectorSource]:
    """Open a vector source; zips and KMZ are unpacked for as long as the block lasts.

    Raises
    ------
    FormatError
        Unreadable, a zip with no vector dataset, no layer, or a KML over
        ``settings.MAX_KML_BYTES``.
    """
    name = path.name.lower()
    if name.endswith((".zip", ".kmz")):
        kmz = name.endswith(".kmz")
        limit = settings.MAX_KML_BYTES if kmz else None
        with extracted_zip(path, label=label, max_bytes=limit) as folder:
            yield _source_of_folder(folder, label=label, kmz=kmz)
        return
    if name.endswith(".kml"):
        _check_kml_size(path, label=label)
    yield VectorSource(label, _entries(str(path), label=label), is_kml=name.endswith(".kml"))


def list_layers(path: str | Path, *, label: str | None = None) -> list[LayerInfo]:
    """Every layer of a vector source, for a person to choose from (the app's layer choice).

    Raises
    ------
    FormatError
        The source cannot be read.
    """
    path = Path(path)
    with open_vector(path, label=label or path.name) as source:
        return source.layers


def choose_layer(
    source: VectorSource,
    *,
    role: str,
    requested: str | None = None,
    option: str | None = None,
) -> tuple[LayerInfo, list[Problem]]:
    """The layer of ``source`` to read for ``role``, and the decision that says why.

    Parameters
    ----------
    source
        The opened source.
    role
        A key of :data:`ROLES` (``centres``, ``flood``…).
    requested
        The layer name asked for, if any.
    option
        How to choose on the command line, named in the refusal (default ``--<role>
        FILE:LAYER``).

    Raises
    ------
    InputError
        The requested layer does not exist, or several layers fit and nothing tells them
        apart (the layers are listed).
    """
    label = source.label
    layers = source.layers
    listed = ", ".join(layer.describe() for layer in layers)
    option = option or f"--{role} FILE:LAYER"
    if requested:
        found = source.find(requested)
        if found is None:
            raise InputError(Problem.keyed("layer_not_found", source=label, layer=requested,
                                           layers=listed, option=option))
        return found, ([Problem.keyed("decision_layer_requested", source=label,
                                      layer=found.name)] if len(layers) > 1 else [])
    spatial = [layer for layer in layers if layer.geometry_type is not None]
    if not spatial:
        raise FormatError(Problem.keyed("no_spatial_layer", source=label, layers=listed))
    fitting = [layer for layer in spatial if _fits(layer, role)]
    if len(spatial) == 1:
        return spatial[0], []
    if len(fitting) == 1:
        return fitting[0], [Problem.keyed("decision_layer_only_fit", source=label,
                                          layer=fitting[0].name,
                                          others=_others(layers, fitting[0]))]
    pool = fitting or spatial
    products = [hit for hit in source.matching(PRODUCT_LAYERS.get(role, ()))
                if hit[0] in pool]
    if len(products) == 1:
        layer, what = products[0]
        return layer, [Problem.keyed("decision_layer_product", source=label, layer=layer.name,
                                     product=what, others=_others(layers, layer))]
    hinted = [layer for layer in pool if _hinted(layer.name, role)]
    if len(hinted) == 1:
        return hinted[0], [Problem.keyed("decision_layer_by_name", source=label,
                                         layer=hinted[0].name,
                                         others=_others(layers, hinted[0]))]
    raise InputError(Problem.keyed("layer_ambiguous", source=label, n=len(pool),
                                   layers=listed, option=option))


def read_vector(
    path: Path,
    *,
    label: str,
    role: str = "points",
    layer: str | None = None,
    option: str | None = None,
) -> gpd.GeoDataFrame:
    """Read the layer of a vector source that fits ``role`` (see :func:`choose_layer`).

    A KML/KMZ without a requested layer is read whole: every folder whose features fit the
    role, in document order, with a ``folder`` column when there are several.

    Returns
    -------
    GeoDataFrame
        The features in the layer's own CRS (``None`` when it declares none), with text column
        names; ``attrs["decisions"]`` lists how the layer was chosen.

    Raises
    ------
    FormatError
        Unreadable, no layer, no feature, or a shapefile without its ``.dbf`` or ``.shx``.
    CRSError
        A shapefile without its ``.prj``.
    InputError
        No such layer, or several layers and nothing to choose between them.
    """
    with open_vector(path, label=label) as source:
        if source.is_kml and not layer:
            gdf, decisions = _read_kml_folders(source, role=role)
        else:
            chosen, decisions = choose_layer(source, role=role, requested=layer, option=option)
            gdf = source.read(chosen.name)
    if gdf.empty:
        raise FormatError(Problem.keyed("layer_empty", source=label))
    gdf.attrs["decisions"] = decisions
    return gdf


# --------------------------------------------------------------------------- internals


def _read_kml_folders(source: VectorSource, *, role: str
                      ) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    frames, used, skipped = [], [], []
    for info in source.layers:
        frame = source.read(info.name)
        if frame.empty:
            continue
        kinds = {_base_kind(k) for k in frame.geometry.geom_type.dropna()}
        if kinds and not kinds & set(ROLES.get(role, kinds)):
            skipped.append(f"{info.name} ({len(frame)})")
            continue
        frames.append(frame.assign(folder=info.name))
        used.append(f"{info.name} ({len(frame)})")
    if not frames:
        frames = [source.read(source.layers[0].name)] if source.layers else []
        if not frames:
            raise FormatError(Problem.keyed("layer_empty", source=source.label))
        return frames[0], []
    decisions = []
    if len(source.layers) > 1:
        decisions.append(Problem.keyed("decision_kml_folders", source=source.label,
                                       n=len(used), folders=", ".join(used),
                                       skipped=", ".join(skipped) or "—"))
    if len(frames) == 1:
        return frames[0].drop(columns="folder"), decisions
    crs = frames[0].crs
    merged = pd.concat([f.to_crs(crs) if f.crs != crs else f for f in frames],
                       ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry=frames[0].geometry.name, crs=crs), decisions


def _source_of_folder(folder: Path, *, label: str, kmz: bool) -> VectorSource:
    datasets = sorted(
        p for p in folder.rglob("*")
        if "__MACOSX" not in p.parts and (
            (p.is_file() and p.suffix.lower() in _DATASET_SUFFIXES
             and not p.name.lower().endswith(".shp.xml"))
            or (p.is_dir() and p.suffix.lower() == ".gdb"))
        and not any(part.lower().endswith(".gdb") for part in p.relative_to(folder).parts[:-1])
    )
    if kmz:
        kmls = [p for p in datasets if p.suffix.lower() == ".kml"]
        if not kmls:
            raise FormatError(Problem.keyed("kmz_without_kml", source=label))
        doc = next((p for p in kmls if p.name.lower() == "doc.kml"), kmls[0])
        _check_kml_size(doc, label=label)
        return VectorSource(label, _entries(str(doc), label=label), is_kml=True)
    if not datasets:
        found = ", ".join(sorted(p.name for p in folder.rglob("*") if p.is_file())) or "—"
        raise FormatError(Problem.keyed("zip_without_layers", source=label, found=found))
    entries: list[_Entry] = []
    for ds in datasets:
        entries += _entries(str(ds), label=label, stem=ds.stem if len(datasets) > 1 else None)
    names = [e.info.name for e in entries]
    if len(set(names)) < len(names):  # two datasets with a layer of one name: prefix them
        entries = [_Entry(LayerInfo(f"{Path(e.dataset).stem}/{e.info.name}",
                                    e.info.geometry_type, e.info.features),
                          e.dataset, e.layer, e.is_kml) for e in entries]
    is_kml = bool(entries) and all(e.is_kml for e in entries)
    return VectorSource(label, entries, is_kml=is_kml)


def _entries(dataset: str, *, label: str, stem: str | None = None) -> list[_Entry]:
    """The layers of one dataset GDAL opens."""
    is_kml = dataset.lower().endswith(".kml")
    try:
        with _kml_names_kept(is_kml):
            raw = pyogrio.list_layers(dataset)
            entries = []
            for layer_name, geom_type in raw:
                features = None
                if not is_kml:
                    with contextlib.suppress(Exception):
                        features = int(pyogrio.read_info(dataset, layer=layer_name)["features"])
                name = str(layer_name)
                if dataset.lower().endswith(".shp"):
                    name = Path(dataset).stem
                entries.append(_Entry(LayerInfo(name, _kind_of(geom_type), features),
                                      dataset, str(layer_name), is_kml))
    except FormatError:
        raise
    except Exception as exc:  # pyogrio raises several unrelated types for corrupt files
        raise FormatError(Problem.keyed("vector_unreadable", source=label,
                                        detail=exception_summary(exc))) from None
    if not entries:
        raise FormatError(Problem.keyed("no_layer", source=label))
    if is_kml:  # LIBKML declares no geometry type: look at the features
        entries = [_kml_entry(e, label=label) for e in entries]
    return entries


def _kml_entry(entry: _Entry, *, label: str) -> _Entry:
    frame = _read_dataframe(entry.dataset, entry.layer, label=label, is_kml=True)
    kinds = {_base_kind(k) for k in frame.geometry.geom_type.dropna()}
    kind = kinds.pop() if len(kinds) == 1 else "Unknown"
    return _Entry(LayerInfo(entry.info.name, kind, len(frame)), entry.dataset, entry.layer,
                  True)


def _read_dataframe(dataset: str, layer: str, *, label: str, is_kml: bool) -> gpd.GeoDataFrame:
    try:
        with _kml_names_kept(is_kml):
            return pyogrio.read_dataframe(dataset, layer=layer)
    except Exception as exc:  # pyogrio raises several unrelated types for corrupt files
        raise FormatError(Problem.keyed("vector_unreadable", source=label,
                                        detail=exception_summary(exc))) from None


@contextlib.contextmanager
def _kml_names_kept(active: bool) -> Iterator[None]:
    """KML field names as written (accents kept), not laundered by GDAL's LIBKML driver."""
    if not active:
        yield
        return
    before = pyogrio.get_gdal_config_option("LIBKML_LAUNDER_FIELD_NAMES")
    pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": "NO"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": before})


def _check_kml_size(path: Path, *, label: str) -> None:
    size = path.stat().st_size
    if size > settings.MAX_KML_BYTES:
        raise FormatError(Problem.keyed("kml_too_big", source=label,
                                        size_mib=round(size / 2**20),
                                        limit_mib=round(settings.MAX_KML_BYTES / 2**20)))


def _kind_of(geom_type: object) -> str | None:
    if geom_type is None or (isinstance(geom_type, float) and pd.isna(geom_type)):
        return None
    text = str(geom_type)
    if not text:
        return None
    return _base_kind(text)


def _base_kind(kind: str) -> str:
    """``MultiPolygon Z`` → ``Polygon``; unknown kinds → ``Unknown``."""
    text = kind.replace("Multi", "").replace("3D ", "").split(" ")[0]
    return text if text in ("Point", "LineString", "Polygon") else "Unknown"


def _fits(layer: LayerInfo, role: str) -> bool:
    accepted = ROLES.get(role)
    return accepted is None or layer.geometry_type in (*accepted, "Unknown")


def _hinted(name: str, role: str) -> bool:
    flat = schema.normalise_header(name)
    return any(hint in flat for hint in _ROLE_HINTS.get(role, ()))


def _others(layers: list[LayerInfo], chosen: LayerInfo) -> str:
    rest = [layer.describe() for layer in layers if layer is not chosen]
    return ", ".join(rest) or "—"


def _without_kml_fields(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    drop = [c for c in _KML_STANDARD_FIELDS if c in gdf.columns and _all_blank(gdf[c])]
    drop += [c for c in _KML_RENDERING_FIELDS if c in gdf.columns]
    if "id" in gdf.columns and gdf["id"].astype(str).str.fullmatch(r".+\.\d+").all():
        drop.append("id")  # GDAL's placemark ids ("layer.1"), not an attribute
    return gdf.drop(columns=sorted(set(drop)))


def _all_blank(values: pd.Series) -> bool:
    """True when every cell is null or empty text (KML's unused standard fields)."""
    text = values.astype(str).str.strip()
    return bool((values.isna() | text.isin(("", "None", "nan", "NaT"))
                 | text.eq("-1")).all())


def _check_shapefile_parts(shp: Path, *, label: str) -> None:
    present = {p.suffix.lower() for p in shp.parent.glob(glob.escape(shp.stem) + ".*")}
    missing = [ext for ext in (".dbf", ".shx") if ext not in present]
    problems = [Problem.keyed("shapefile_part_missing", source=label, ext=ext,
                              file=f"{shp.stem}{ext}") for ext in missing]
    if ".prj" not in present:
        problems.append(Problem.keyed("shapefile_prj_missing", source=label,
                                      file=f"{shp.stem}.prj"))
    if problems:
        cls = CRSError if not missing else FormatError
        raise cls(problems, source=label)

"""Writers for every export format, chosen by the output file's extension.

``export(layers, out, provenance=...)`` writes the analysis layers where planners take them:

===================  =========================================================================
extension            what is written
===================  =========================================================================
``.gpkg``            every layer (EPSG:4326), a QGIS ``layer_styles`` table (QML and SLD per
                     layer, applied when QGIS opens the layer), a ``provenance`` table and the
                     provenance as GeoPackage metadata; with a flood scenario, the classified
                     depth as a **companion** Cloud-Optimised GeoTIFF ``<stem>_flood_depth.tif``
                     next to it (GDAL's GeoPackage raster tiles drop the colour table).
``.geojson``         one layer, RFC 7946 (EPSG:4326, 7 decimals ≈ 1 cm, no ``crs`` member),
                     provenance as the top-level foreign member ``crecida_provenance``.
``.zip``,            one GeoJSON per layer and a ``README.txt`` with the provenance.
``.geojson.zip``
``.shp.zip``         one shapefile per layer (``.prj``, ``.cpg`` = UTF-8), field names cut to 10
                     characters as listed in ``fields.csv`` (layer, field, shapefile_field),
                     and ``README.txt``.
``.kml``, ``.kmz``   every layer as a folder, styled like the app (status colours, depth
                     classes), descriptions as escaped HTML tables, attributes as ExtendedData,
                     provenance in the document's ExtendedData.
``.csv``             one layer's attribute table, UTF-8 with BOM (Excel reads accents), an HXL
                     tag row under the header (``schema.CENTRE_HXL_OUT``), ``lat``/``lon``
                     columns (the point, or a point inside each polygon/line).
``.tif``             the classified flood depth as a Cloud-Optimised GeoTIFF with a colour table.
``.html``            the interactive map as one file that works from disk (``layers.map``).
``.png``, ``.pdf``   the briefing map (:mod:`geo.briefing`), PNG at ≥ 150 dpi.
===================  =========================================================================

Every file is written to a temporary name in the target directory and renamed into place
(``os.replace``), so a reader never sees half a file and a failed export leaves the old one.

Layers with a ``scenario`` column hold one row per feature per scenario; pass ``scenario=`` to
keep one. A centre's flood status is read from ``flood_status``, or from ``status`` when that
column holds flood statuses (flooded, isolated, at_risk, dry, unknown).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import rasterio.shutil
from rasterio.enums import Resampling
from rasterio.features import shapes
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window
from shapely.geometry import shape

from geo import schema, settings
from geo.errors import CRSError, InputError, Problem
from geo.flood import FloodScenario
from geo.palette import (
    ASSIGNMENT_LINE_COLOUR,
    COMMUNITY_OUTLINE_COLOUR,
    DEPTH_CLASS_COLOURS,
    DISTRICT_OUTLINE_COLOUR,
    RIVER_COLOUR,
    SITE_COLOUR,
    STATUS_COLOURS,
    WATER_UNKNOWN_DEPTH_COLOUR,
)
from geo.provenance import Provenance
from geo.raster import gdal_env
from geo.schema import FLOOD_STATUSES, flood_status, one_scenario

if TYPE_CHECKING:
    from geo.briefing import BriefingData

__all__ = [
    "DEPTH_NODATA",
    "EXPORT_FORMATS",
    "STATUS_COLOURS",
    "analysis_layers",
    "classify_depth",
    "depth_class_labels",
    "export",
    "export_format",
    "flood_extent_polygons",
    "shapefile_field_names",
    "write_classified_depth",
]

#: Output kinds, keyed by the extension that selects them (longest match wins).
EXPORT_FORMATS: dict[str, str] = {
    ".geojson.zip": "geojson_zip",
    ".shp.zip": "shp_zip",
    ".zip": "geojson_zip",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".tif": "tif",
    ".tiff": "tif",
    ".html": "html",
    ".htm": "html",
    ".png": "png",
    ".pdf": "pdf",
}

#: Value of cells without data in the classified depth raster.
DEPTH_NODATA: int = 255

_GEOJSON_DECIMALS = 7  # ≈ 1 cm at the equator; RFC 7946 §11.2 advises about 6.
_KML_DECIMALS = 7
_MAIN_LAYERS = ("centres_exposure", "centres_capacity", "communities_exposure")
_FLOOD_EXTENT_MAX_CELLS = 2048


# --- Public API ---------------------------------------------------------------------------
def export_format(out: str | Path) -> str:
    """The export kind selected by ``out``'s extension (a value of :data:`EXPORT_FORMATS`).

    Raises
    ------
    InputError
        The extension is not one Crecida writes.
    """
    name = Path(out).name.lower()
    for suffix in sorted(EXPORT_FORMATS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return EXPORT_FORMATS[suffix]
    raise InputError(Problem(
        f"cannot tell the export format from the file name '{Path(out).name}'",
        fix="end the name with one of: " + ", ".join(EXPORT_FORMATS),
    ))


def export(
    layers: Mapping[str, gpd.GeoDataFrame],
    out: str | Path,
    *,
    provenance: Provenance,
    flood: FloodScenario | None = None,
    scenario: str | None = None,
    layer: str | None = None,
    lang: str = "es",
    briefing: BriefingData | None = None,
    threshold_m: float | None = None,
    dpi: int = 200,
) -> Path:
    """Write ``layers`` to ``out`` in the format its extension names.

    Parameters
    ----------
    layers
        Layer name to GeoDataFrame (any CRS; written in EPSG:4326). Expected names:
        ``centres_exposure``, ``communities_exposure``, ``flood_extent``, ``districts``,
        ``rivers``, and when present ``assignments``, ``catchments``, ``centres_capacity``,
        ``new_sites``, ``coverage``.
    out
        Output path; its extension picks the format (see :data:`EXPORT_FORMATS`).
    provenance
        What produced the export (:func:`geo.provenance.build_provenance`).
    flood
        The flood scenario: needed for ``.tif``; with ``.gpkg`` it adds the companion
        classified-depth GeoTIFF.
    scenario
        Keep only rows of this scenario in layers that have a ``scenario`` column.
    layer
        For one-layer formats (``.geojson``, ``.csv``): the layer to write. Default:
        ``centres_exposure`` (then ``centres_capacity``, ``communities_exposure``), else the
        only or first layer.
    lang
        ``es`` or ``en``, for the briefing map, HTML and KML labels.
    briefing
        Title, summary and texts of the briefing map (``.png``/``.pdf``); built from the
        layers when ``None``.
    threshold_m
        Flood threshold for classifying depth (default ``settings.FLOOD_THRESHOLD_M``).
    dpi
        Resolution of ``.png`` output (at least 150).

    Returns
    -------
    Path
        ``out``, now complete on disk.

    Raises
    ------
    InputError
        Unknown extension, no layers, an unknown ``layer`` or ``scenario``, or ``.tif`` without
        a flood scenario.
    CRSError
        A layer without a coordinate reference system.
    """
    out = Path(out)
    kind = export_format(out)
    frames = _prepare(layers, scenario=scenario, need_layers=kind not in ("tif",))
    if kind == "tif":
        if flood is None:
            raise InputError(Problem(
                "a GeoTIFF export needs a flood scenario", source=out.name,
                fix="choose a scenario (--scenario NAME) or export to .gpkg/.geojson instead",
            ))
        return write_classified_depth(flood, out, provenance=provenance, threshold_m=threshold_m)
    if kind == "gpkg":
        _write_gpkg(frames, out, provenance=provenance)
        if flood is not None:
            write_classified_depth(flood, out.with_name(f"{out.stem}_flood_depth.tif"),
                                   provenance=provenance, threshold_m=threshold_m)
        return out
    if kind == "geojson":
        name = _pick_layer(frames, layer)
        with _atomic_path(out) as tmp:
            _write_geojson(frames[name], tmp, name=name, provenance=provenance)
        return out
    if kind == "geojson_zip":
        _write_zip(frames, out, provenance=provenance, shapefile=False)
        return out
    if kind == "shp_zip":
        _write_zip(frames, out, provenance=provenance, shapefile=True)
        return out
    if kind in ("kml", "kmz"):
        _write_kml(frames, out, provenance=provenance, lang=lang, zipped=kind == "kmz")
        return out
    if kind == "csv":
        name = _pick_layer(frames, layer)
        with _atomic_path(out) as tmp:
            _write_csv(frames[name], tmp)
        return out
    if kind == "html":
        return _write_html(frames, out, provenance=provenance, lang=lang, flood=flood,
                           threshold_m=threshold_m)
    # png / pdf
    from geo import briefing as briefing_mod

    data = briefing or briefing_mod.briefing_from_layers(
        frames, provenance=provenance, scenario=scenario or provenance.scenario, lang=lang,
    )
    _save_briefing(briefing_mod.briefing_figure(frames, data=data, provenance=provenance),
                   out, kind=kind, dpi=dpi, data=data, provenance=provenance)
    return out


def analysis_layers(
    *,
    centres_exposure: gpd.GeoDataFrame | None = None,
    communities_exposure: gpd.GeoDataFrame | None = None,
    scenarios: Mapping[str, FloodScenario] | None = None,
    districts: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    threshold_m: float | None = None,
    simplify_m: float | None = None,
    **extra: gpd.GeoDataFrame | None,
) -> dict[str, gpd.GeoDataFrame]:
    """The layers an export writes, by their export names, in drawing order.

    ``flood_extent`` holds :func:`flood_extent_polygons` of every scenario (one row per
    scenario and depth class). ``extra`` layers (``assignments``, ``catchments``,
    ``centres_capacity``, ``new_sites``, ``coverage``) are passed through; ``None`` layers are
    left out.
    """
    layers: dict[str, gpd.GeoDataFrame | None] = {
        "centres_exposure": centres_exposure,
        "communities_exposure": communities_exposure,
    }
    if scenarios:
        parts = [flood_extent_polygons(sc, threshold_m=threshold_m, simplify_m=simplify_m)
                 for sc in scenarios.values()]
        layers["flood_extent"] = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True),
                                                  crs=settings.DISPLAY_CRS)
    layers |= {"districts": districts, "rivers": rivers, **extra}
    return {name: frame for name, frame in layers.items() if frame is not None}


def depth_class_labels(*, threshold_m: float | None = None) -> dict[int, str]:
    """Class code to label of the classified depth raster (metres).

    Code 0 is dry (below the threshold); 1…n the classes of ``settings.DEPTH_CLASSES_M``
    (the first starting at the threshold); n+1 water of unknown depth (0/1 extents).
    """
    threshold = settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m
    edges = [max(threshold, settings.DEPTH_CLASSES_M[0]), *settings.DEPTH_CLASSES_M[1:]]
    labels = {0: f"< {threshold:g} m"}
    for i, low in enumerate(edges, start=1):
        labels[i] = f"{low:g}–{edges[i]:g} m" if i < len(edges) else f"> {low:g} m"
    labels[len(edges) + 1] = "?"
    return labels


def classify_depth(depth: np.ndarray, *, threshold_m: float | None = None) -> np.ndarray:
    """Depth classes (uint8) of a depth array in metres (:meth:`FloodScenario.read_depth`).

    0 below the threshold (default ``settings.FLOOD_THRESHOLD_M``), 1…n the depth classes of
    ``settings.DEPTH_CLASSES_M`` (a depth on an edge goes to the deeper class), n+1 for
    ``+inf`` (water of unknown depth), :data:`DEPTH_NODATA` for NaN.
    """
    threshold = settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m
    edges = np.asarray(settings.DEPTH_CLASSES_M, dtype="float64")
    n = len(edges)
    depth = np.asarray(depth, dtype="float32")
    wet = depth >= threshold
    codes = np.clip(np.searchsorted(edges, depth, side="right"), 1, n).astype("uint8")
    out = np.where(wet, codes, np.uint8(0)).astype("uint8")
    out[np.isposinf(depth)] = n + 1
    out[np.isnan(depth)] = DEPTH_NODATA
    return out


def write_classified_depth(
    flood: FloodScenario,
    out: str | Path,
    *,
    provenance: Provenance,
    threshold_m: float | None = None,
) -> Path:
    """Write the scenario's classified depth (:func:`classify_depth`) as a Cloud-Optimised GeoTIFF.

    Same grid and CRS as the scenario's raster (never resampled), uint8 with a colour table,
    nodata :data:`DEPTH_NODATA`, DEFLATE, overviews; read and written window by window. Tags:
    ``CRECIDA_CLASSES`` (code → label, JSON), ``CRECIDA_SCENARIO``, ``CRECIDA_PROVENANCE``.
    """
    out = Path(out)
    labels = depth_class_labels(threshold_m=threshold_m)
    colours = _depth_colours(len(labels) - 1)
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmpdir:
        plain = Path(tmpdir) / "classified.tif"
        profile = {
            "driver": "GTiff", "width": flood.shape[1], "height": flood.shape[0], "count": 1,
            "dtype": "uint8", "crs": flood.crs, "transform": flood.transform,
            "nodata": DEPTH_NODATA, "tiled": True, "blockxsize": 512, "blockysize": 512,
            "compress": "deflate",
        }
        with gdal_env(), rasterio.open(flood.raster.path) as src, \
                _open_dem(flood) as dem, rasterio.open(plain, "w", **profile) as dst:
            for window in _row_windows(flood.shape):
                depth = flood.read_depth_from(src, window, dem)
                dst.write(classify_depth(depth, threshold_m=threshold_m), 1, window=window)
            dst.write_colormap(1, {
                **{code: (*_rgb(colour), 255) for code, colour in colours.items()},
                0: (255, 255, 255, 0), DEPTH_NODATA: (0, 0, 0, 0),
            })
            dst.update_tags(
                CRECIDA_CLASSES=json.dumps(labels, ensure_ascii=False),
                CRECIDA_SCENARIO=flood.name,
                CRECIDA_PROVENANCE=provenance.to_json(),
            )
        with _atomic_path(out) as tmp:
            rasterio.shutil.copy(plain, tmp, driver="COG", compress="deflate",
                                 overview_resampling="nearest", blocksize=512)
    return out


def flood_extent_polygons(
    scenario: FloodScenario,
    *,
    threshold_m: float | None = None,
    simplify_m: float | None = None,
    max_cells: int = _FLOOD_EXTENT_MAX_CELLS,
) -> gpd.GeoDataFrame:
    """Flooded area of a scenario as one (multi)polygon per depth class, in EPSG:4326.

    The raster is read at most ``max_cells`` cells a side (nearest-neighbour decimation, which
    uses overviews when the file has them), classified with :func:`classify_depth`, polygonised
    (``rasterio.features.shapes``), dissolved per class and simplified in the raster's CRS.

    Parameters
    ----------
    scenario
        The flood scenario.
    threshold_m
        Depth from which a cell is flooded (default ``settings.FLOOD_THRESHOLD_M``).
    simplify_m
        Simplification tolerance in the raster's CRS units (metres for a projected raster);
        default: one cell of the grid read.
    max_cells
        Largest number of cells read along either side.

    Returns
    -------
    GeoDataFrame
        Columns ``scenario``, ``depth_class`` (int), ``depth_label`` (str), ``area_m2``
        (on the raster's grid, projected rasters only, else NaN), geometry; EPSG:4326; no row
        when nothing is flooded.
    """
    height, width = scenario.shape
    factor = max(1.0, max(height, width) / max_cells)
    out_h, out_w = max(1, round(height / factor)), max(1, round(width / factor))
    transform = scenario.transform * scenario.transform.scale(width / out_w, height / out_h)
    with gdal_env(), rasterio.open(scenario.raster.path) as src, _open_dem(scenario) as dem:
        vrt_args = {"crs": scenario.crs, "transform": transform, "width": out_w,
                    "height": out_h, "resampling": Resampling.nearest}
        with _decimated(src, vrt_args) as small, _decimated(dem, vrt_args) as small_dem:
            depth = scenario.read_depth_from(small, None, small_dem)
    classes = classify_depth(depth, threshold_m=threshold_m)
    wet = (classes > 0) & (classes != DEPTH_NODATA)
    labels = depth_class_labels(threshold_m=threshold_m)
    columns = ["scenario", "depth_class", "depth_label", "area_m2"]
    records: dict[int, list] = {}
    for geom, value in shapes(classes, mask=wet, connectivity=4, transform=transform):
        records.setdefault(int(value), []).append(shape(geom))
    if not records:
        empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=scenario.crs)
        return empty.astype({"depth_class": "int64", "area_m2": "float64"}).to_crs(
            settings.DISPLAY_CRS)
    tolerance = abs(transform.a) if simplify_m is None else simplify_m
    parts = gpd.GeoSeries([gpd.GeoSeries(g).union_all() for g in records.values()],
                          crs=scenario.crs)
    projected = bool(scenario.crs.is_projected)
    frame = gpd.GeoDataFrame({
        "scenario": scenario.name,
        "depth_class": list(records),
        "depth_label": [labels[c] for c in records],
        "area_m2": parts.area.to_numpy() if projected else np.nan,
    }, geometry=parts.simplify(tolerance, preserve_topology=True) if tolerance else parts,
        crs=scenario.crs)
    frame = frame.sort_values("depth_class", ignore_index=True)
    return frame.to_crs(settings.DISPLAY_CRS)


def shapefile_field_names(columns: list[str]) -> dict[str, str]:
    """Column name to a unique shapefile field name of at most 10 characters.

    Names that fit are kept; longer ones are cut to 10, and a clash is resolved by replacing
    the end with ``_1``, ``_2``…, e.g. ``flooded_fraction`` → ``flooded_fr``.
    """
    mapping: dict[str, str] = {}
    used = {c.lower() for c in columns if len(c) <= 10}
    for column in columns:
        if len(column) <= 10:
            mapping[column] = column
            continue
        candidate, n = column[:10], 0
        while candidate.lower() in used:
            n += 1
            candidate = f"{column[:10 - len(str(n)) - 1]}_{n}"
        used.add(candidate.lower())
        mapping[column] = candidate
    return mapping


# --- Preparation --------------------------------------------------------------------------
def _prepare(
    layers: Mapping[str, gpd.GeoDataFrame], *, scenario: str | None, need_layers: bool,
) -> dict[str, gpd.GeoDataFrame]:
    """Layers in EPSG:4326 with writable column types, filtered to ``scenario``."""
    problems = []
    frames: dict[str, gpd.GeoDataFrame] = {}
    for name, frame in layers.items():
        if frame is None:
            continue
        if not isinstance(frame, gpd.GeoDataFrame):
            problems.append(Problem(f"layer '{name}' is not a GeoDataFrame", source=name))
            continue
        if frame.crs is None:
            raise CRSError(Problem(
                f"layer '{name}' has no coordinate reference system", source=name,
                fix="set one with frame.set_crs('EPSG:4326') (or the data's CRS)",
            ))
        frames[str(name)] = _writable(frame.to_crs(settings.DISPLAY_CRS))
    if problems:
        raise InputError(problems)
    if need_layers and not frames:
        raise InputError(Problem("there is no layer to export",
                                 fix="run the exposure analysis first, or give input layers"))
    if scenario is not None:
        with_column = {n: f for n, f in frames.items() if "scenario" in f.columns}
        known = sorted({str(s) for f in with_column.values() for s in f["scenario"].dropna()})
        if with_column and scenario not in known:
            raise InputError(Problem(
                f"no layer has rows for scenario '{scenario}'",
                fix="choose one of: " + ", ".join(known),
            ))
        for name, frame in with_column.items():
            frames[name] = frame[frame["scenario"] == scenario].reset_index(drop=True)
    return frames


def _writable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy whose columns every driver can write: text for objects, categories and lists."""
    frame = frame.copy()
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            frame[column] = series.astype("string")
        elif series.dtype == object:
            present = series.dropna()
            if not present.map(lambda v: isinstance(v, str)).all():
                frame[column] = series.map(
                    lambda v: v if v is None or isinstance(v, str)
                    else json.dumps(v, ensure_ascii=False, default=str)
                    if isinstance(v, list | tuple | dict) else str(v))
    return frame


def _pick_layer(frames: Mapping[str, gpd.GeoDataFrame], layer: str | None) -> str:
    if layer is not None:
        if layer not in frames:
            raise InputError(Problem(f"there is no layer '{layer}' to export",
                                     fix="choose one of: " + ", ".join(frames)))
        return layer
    for name in _MAIN_LAYERS:
        if name in frames:
            return name
    return next(iter(frames))


@contextlib.contextmanager
def _atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path next to ``out`` (same suffix) that replaces ``out`` on success."""
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = "".join(out.suffixes[-2:]) if out.name.lower().endswith(".zip") else out.suffix
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".tmp{suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # drivers create the file themselves
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


# --- GeoPackage ---------------------------------------------------------------------------
def _write_gpkg(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance
                ) -> None:
    with _atomic_path(out) as tmp:
        first = True
        for name, frame in frames.items():
            pyogrio.write_dataframe(
                frame, tmp, layer=name, driver="GPKG", append=not first,
                # Creates the gpkg_metadata tables; the record is rewritten below.
                dataset_metadata={"CRECIDA_PROVENANCE": "-"} if first else None,
                layer_metadata={"DESCRIPTION": name},
                promote_to_multi=frame.geom_type.str.startswith("Multi").any() or None,
            )
            first = False
        pyogrio.write_dataframe(
            pd.DataFrame(provenance.to_rows(), columns=["key", "value"]), tmp,
            layer="provenance", driver="GPKG", append=True,
        )
        now = pd.Timestamp(provenance.created_utc)
        styles = pd.DataFrame([
            {
                "f_table_catalog": "", "f_table_schema": "", "f_table_name": name,
                "f_geometry_column": "geom", "styleName": f"crecida_{name}",
                "styleQML": _qml(_layer_style(name, frame)),
                "styleSLD": _sld(name, _layer_style(name, frame)),
                "useAsDefault": True, "description": f"Crecida style for {name}",
                "owner": "", "ui": None, "update_time": now,
            }
            for name, frame in frames.items()
        ])
        pyogrio.write_dataframe(styles, tmp, layer="layer_styles", driver="GPKG", append=True)
        _gpkg_json_metadata(tmp, provenance)


def _gpkg_json_metadata(path: Path, provenance: Provenance) -> None:
    """Store the provenance as the GeoPackage's JSON metadata record (scope: geopackage).

    A JSON record rather than GDAL's XML one: GDAL shows it as ``GPKG_METADATA_ITEM_1`` and,
    unlike its own XML record, does not write a ``.aux.xml`` file beside the GeoPackage each
    time a reader opens it.
    """
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE gpkg_metadata SET md_scope = 'dataset', mime_type = 'application/json', "
            "md_standard_uri = 'https://www.rfc-editor.org/rfc/rfc8259', metadata = ? "
            "WHERE id = (SELECT md_file_id FROM gpkg_metadata_reference "
            "WHERE reference_scope = 'geopackage')",
            (provenance.to_json(),),
        )


# --- Styles (QGIS QML and OGC SLD) ---------------------------------------------------------
@dataclass(frozen=True)
class _Symbol:
    value: str | None  # category value; None for a single symbol
    label: str
    fill: str | None  # hex; None = no fill
    stroke: str
    fill_alpha: int = 255
    width_mm: float = 0.4
    size_mm: float = 3.0


@dataclass(frozen=True)
class _LayerStyle:
    geometry: str  # point | line | polygon
    field: str | None
    symbols: tuple[_Symbol, ...]


def _geometry_kind(frame: gpd.GeoDataFrame) -> str:
    types = set(frame.geom_type.dropna().unique())
    if types and types <= {"Point", "MultiPoint"}:
        return "point"
    if types and types <= {"LineString", "MultiLineString", "LinearRing"}:
        return "line"
    return "polygon" if types else "point"


def _layer_style(name: str, frame: gpd.GeoDataFrame) -> _LayerStyle:
    """How a layer is drawn in QGIS, Google Earth and the briefing map (like the app)."""
    kind = _geometry_kind(frame)
    status = flood_status(frame)
    if status is not None:
        column = "flood_status" if "flood_status" in frame.columns else "status"
        return _LayerStyle(kind, column, tuple(
            _Symbol(s, s.replace("_", " "), STATUS_COLOURS[s], "#232323",
                    fill_alpha=255 if kind == "point" else 150)
            for s in FLOOD_STATUSES))
    if "depth_class" in frame.columns:
        labels = depth_class_labels()
        colours = _depth_colours(len(labels) - 1)
        return _LayerStyle(kind, "depth_class", tuple(
            _Symbol(str(code), labels[code], colours[code], colours[code], fill_alpha=170,
                    width_mm=0.1)
            for code in sorted(colours)))
    if kind == "line":
        colour = RIVER_COLOUR if name == "rivers" else ASSIGNMENT_LINE_COLOUR
        return _LayerStyle(kind, None, (_Symbol(None, name, None, colour, width_mm=0.6),))
    if kind == "point":
        colour = SITE_COLOUR if name == "new_sites" else STATUS_COLOURS["unknown"]
        return _LayerStyle(kind, None, (_Symbol(None, name, colour, "#232323"),))
    if name == "districts":
        return _LayerStyle(kind, None, (_Symbol(None, name, None, DISTRICT_OUTLINE_COLOUR,
                                                width_mm=0.5),))
    return _LayerStyle(kind, None, (_Symbol(None, name, "#fdb863", COMMUNITY_OUTLINE_COLOUR,
                                            fill_alpha=90),))


def _depth_colours(n_classes_plus_unknown: int) -> dict[int, str]:
    n = n_classes_plus_unknown - 1
    colours = {i: DEPTH_CLASS_COLOURS[min(i - 1, len(DEPTH_CLASS_COLOURS) - 1)]
               for i in range(1, n + 1)}
    colours[n + 1] = WATER_UNKNOWN_DEPTH_COLOUR
    return colours


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def _qcolour(colour: str | None, alpha: int = 255) -> str:
    if colour is None:
        return "0,0,0,0"
    r, g, b = _rgb(colour)
    return f"{r},{g},{b},{alpha}"


def _qml(style: _LayerStyle) -> str:
    """A QGIS style document (QML) with a single or categorised renderer."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    if style.field is None:
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol",
                                 symbollevels="0", enableorderby="0", forceraster="0")
    else:
        renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol",
                                 attr=style.field, symbollevels="0", enableorderby="0",
                                 forceraster="0")
        categories = ET.SubElement(renderer, "categories")
        for i, sym in enumerate(style.symbols):
            ET.SubElement(categories, "category", render="true", symbol=str(i),
                          value=str(sym.value), label=sym.label)
    symbols = ET.SubElement(renderer, "symbols")
    qtype = {"point": "marker", "line": "line", "polygon": "fill"}[style.geometry]
    for i, sym in enumerate(style.symbols):
        symbol = ET.SubElement(symbols, "symbol", type=qtype, name=str(i), alpha="1",
                               clip_to_extent="1", force_rhr="0")
        cls = {"point": "SimpleMarker", "line": "SimpleLine", "polygon": "SimpleFill"}
        layer = ET.SubElement(symbol, "layer", {"class": cls[style.geometry], "enabled": "1",
                                                "pass": "0", "locked": "0"})
        options = ET.SubElement(layer, "Option", type="Map")
        if style.geometry == "point":
            values = {"name": "circle", "color": _qcolour(sym.fill, sym.fill_alpha),
                      "outline_color": _qcolour(sym.stroke), "outline_width": "0.2",
                      "size": f"{sym.size_mm:g}", "size_unit": "MM"}
        elif style.geometry == "line":
            values = {"line_color": _qcolour(sym.stroke), "line_width": f"{sym.width_mm:g}",
                      "line_width_unit": "MM", "line_style": "solid"}
        else:
            values = {"color": _qcolour(sym.fill, sym.fill_alpha),
                      "style": "solid" if sym.fill else "no",
                      "outline_color": _qcolour(sym.stroke), "outline_style": "solid",
                      "outline_width": f"{sym.width_mm:g}", "outline_width_unit": "MM"}
        for key, value in values.items():
            ET.SubElement(options, "Option", type="QString", name=key, value=value)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"


def _sld(name: str, style: _LayerStyle) -> str:
    """An OGC SLD 1.1 document with one rule per category."""
    ET.register_namespace("", _SLD)
    ET.register_namespace("se", _SE)
    ET.register_namespace("ogc", _OGC)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", version="1.1.0")
    named = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    ET.SubElement(named, f"{{{_SE}}}Name").text = name
    user = ET.SubElement(named, f"{{{_SLD}}}UserStyle")
    ET.SubElement(user, f"{{{_SE}}}Name").text = f"crecida_{name}"
    fts = ET.SubElement(user, f"{{{_SE}}}FeatureTypeStyle")
    for sym in style.symbols:
        rule = ET.SubElement(fts, f"{{{_SE}}}Rule")
        ET.SubElement(rule, f"{{{_SE}}}Name").text = sym.label
        if style.field is not None:
            filt = ET.SubElement(rule, f"{{{_OGC}}}Filter")
            eq = ET.SubElement(filt, f"{{{_OGC}}}PropertyIsEqualTo")
            ET.SubElement(eq, f"{{{_OGC}}}PropertyName").text = style.field
            ET.SubElement(eq, f"{{{_OGC}}}Literal").text = str(sym.value)
        if style.geometry == "point":
            sym_el = ET.SubElement(rule, f"{{{_SE}}}PointSymbolizer")
            graphic = ET.SubElement(sym_el, f"{{{_SE}}}Graphic")
            mark = ET.SubElement(graphic, f"{{{_SE}}}Mark")
            ET.SubElement(mark, f"{{{_SE}}}WellKnownName").text = "circle"
            _sld_fill(mark, sym.fill, sym.fill_alpha)
            _sld_stroke(mark, sym.stroke, 0.2)
            ET.SubElement(graphic, f"{{{_SE}}}Size").text = f"{sym.size_mm * 3.78:.0f}"
        elif style.geometry == "line":
            sym_el = ET.SubElement(rule, f"{{{_SE}}}LineSymbolizer")
            _sld_stroke(sym_el, sym.stroke, sym.width_mm)
        else:
            sym_el = ET.SubElement(rule, f"{{{_SE}}}PolygonSymbolizer")
            if sym.fill:
                _sld_fill(sym_el, sym.fill, sym.fill_alpha)
            _sld_stroke(sym_el, sym.stroke, sym.width_mm)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def _sld_fill(parent: ET.Element, colour: str | None, alpha: int) -> None:
    if colour is None:
        return
    fill = ET.SubElement(parent, f"{{{_SE}}}Fill")
    ET.SubElement(fill, f"{{{_SE}}}SvgParameter", name="fill").text = colour
    ET.SubElement(fill, f"{{{_SE}}}SvgParameter", name="fill-opacity").text = f"{alpha / 255:.2f}"


def _sld_stroke(parent: ET.Element, colour: str, width_mm: float) -> None:
    stroke = ET.SubElement(parent, f"{{{_SE}}}Stroke")
    ET.SubElement(stroke, f"{{{_SE}}}SvgParameter", name="stroke").text = colour
    ET.SubElement(stroke, f"{{{_SE}}}SvgParameter",
                  name="stroke-width").text = f"{width_mm * 3.78:.1f}"


# --- GeoJSON and shapefile (zips) ----------------------------------------------------------
def _write_geojson(frame: gpd.GeoDataFrame, path: Path, *, name: str, provenance: Provenance
                   ) -> None:
    members = {"crecida_provenance": provenance.to_dict(), "crecida_layer": name}
    pyogrio.write_dataframe(frame, path, layer=name, driver="GeoJSON", layer_options={
        "RFC7946": "YES",
        "COORDINATE_PRECISION": str(_GEOJSON_DECIMALS),
        "FOREIGN_MEMBERS_COLLECTION": json.dumps(members, ensure_ascii=False),
    })


def _write_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, name: str
                     ) -> list[tuple[str, str, str]]:
    columns = [c for c in frame.columns if c != frame.geometry.name]
    mapping = shapefile_field_names(columns)
    renamed = frame.rename(columns=mapping)
    for column in renamed.columns:  # shapefiles have dates but no times
        if pd.api.types.is_datetime64_any_dtype(renamed[column]):
            renamed[column] = renamed[column].astype("string")
    pyogrio.write_dataframe(renamed, folder / f"{name}.shp", layer=name,
                            driver="ESRI Shapefile", encoding="UTF-8",
                            promote_to_multi=frame.geom_type.str.startswith("Multi").any() or None)
    return [(name, column, mapping[column]) for column in columns]


def _write_zip(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance,
               shapefile: bool) -> None:
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmpdir:
        folder = Path(tmpdir)
        fields: list[tuple[str, str, str]] = []
        for name, frame in frames.items():
            if shapefile:
                fields += _write_shapefile(frame, folder, name=name)
            else:
                _write_geojson(frame, folder / f"{name}.geojson", name=name,
                               provenance=provenance)
        readme = provenance.to_text(title="Crecida export")
        if shapefile:
            readme += (
                "\nShapefile field names are at most 10 characters: fields.csv lists each "
                "layer's full column name (field) and its shapefile name (shapefile_field).\n"
                "Text is UTF-8 (see the .cpg files); coordinates are WGS 84 (EPSG:4326).\n")
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(["layer", "field", "shapefile_field"])
            writer.writerows(fields)
            (folder / "fields.csv").write_text(buffer.getvalue(), encoding="utf-8")
        else:
            readme += "\nOne GeoJSON file per layer (RFC 7946, WGS 84 longitude/latitude).\n"
        (folder / "README.txt").write_text(readme, encoding="utf-8")
        with _atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.iterdir()):
                zf.write(file, file.name)


# --- CSV ------------------------------------------------------------------------------------
def _write_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    geometry = frame.geometry
    points = geometry.where(geometry.geom_type == "Point", geometry.representative_point())
    table = pd.DataFrame(frame.drop(columns=geometry.name))
    for column in ("lat", "lon"):
        if column in table.columns:
            table = table.drop(columns=column)
    table["lat"] = points.y.round(_GEOJSON_DECIMALS)
    table["lon"] = points.x.round(_GEOJSON_DECIMALS)
    tags = [schema.CENTRE_HXL_OUT.get(str(c), "") for c in table.columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([str(c) for c in table.columns])
        writer.writerow(tags)
        for row in table.itertuples(index=False, name=None):
            writer.writerow(["" if _missing(v) else _csv_value(v) for v in row])


def _csv_value(value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return value


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- KML / KMZ ------------------------------------------------------------------------------
_KML = "http://www.opengis.net/kml/2.2"


def _kml_colour(colour: str | None, alpha: int = 255) -> str:
    """KML colours are aabbggrr."""
    if colour is None:
        return "00000000"
    r, g, b = _rgb(colour)
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"


def _write_kml(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance,
               lang: str, zipped: bool) -> None:
    document = _kml_document(frames, provenance=provenance, lang=lang)
    body = ET.tostring(document, encoding="utf-8", xml_declaration=True)
    with _atomic_path(out) as tmp:
        if zipped:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("doc.kml", body)
        else:
            tmp.write_bytes(body)


def _kml_document(frames: Mapping[str, gpd.GeoDataFrame], *, provenance: Provenance,
                  lang: str) -> ET.Element:
    ET.register_namespace("", _KML)
    k = f"{{{_KML}}}"
    root = ET.Element(f"{k}kml")
    doc = ET.SubElement(root, f"{k}Document")
    ET.SubElement(doc, f"{k}name").text = _label("export.kml_title", lang)
    description = [_label("export.disclaimer", lang)]
    if provenance.is_sample:
        description.insert(0, _label("export.sample_warning", lang))
    description.append(f"Crecida {provenance.version}, {provenance.created_utc}")
    ET.SubElement(doc, f"{k}description").text = "\n".join(description)
    extended = ET.SubElement(doc, f"{k}ExtendedData")
    data = ET.SubElement(extended, f"{k}Data", name="crecida_provenance")
    ET.SubElement(data, f"{k}value").text = provenance.to_json()
    styles = {name: _layer_style(name, frame) for name, frame in frames.items()}
    for name, style in styles.items():
        for i, sym in enumerate(style.symbols):
            _kml_style(doc, f"{name}_{i}", style.geometry, sym)
    for name, frame in frames.items():
        folder = ET.SubElement(doc, f"{k}Folder")
        ET.SubElement(folder, f"{k}name").text = _label(f"export.layer.{name}", lang, default=name)
        style = styles[name]
        index = {sym.value: i for i, sym in enumerate(style.symbols)}
        if style.field is not None:
            keys = (flood_status(frame) if style.field in ("flood_status", "status")
                    else frame[style.field].astype("string"))
        else:
            keys = pd.Series([None] * len(frame), index=frame.index)
        subfolders = _kml_scenario_folders(folder, frame, k)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        label_column = next((c for c in ("name", "centre_id", "community_id", "scenario",
                                         "depth_label") if c in columns), None)
        for row_key, (idx, row) in zip(keys, frame.iterrows(), strict=True):
            geom = row[frame.geometry.name]
            if _missing(geom) or geom.is_empty:  # KML has no placemark without a place
                continue
            parent = subfolders.get(row.get("scenario"), folder)
            mark = ET.SubElement(parent, f"{k}Placemark")
            title = row[label_column] if label_column else f"{name} {idx}"
            ET.SubElement(mark, f"{k}name").text = "" if _missing(title) else str(title)
            ET.SubElement(mark, f"{k}description").text = _kml_description(row, columns, lang)
            code = index.get(None if row_key is None or _missing(row_key) else str(row_key), 0)
            ET.SubElement(mark, f"{k}styleUrl").text = f"#{name}_{code}"
            ext = ET.SubElement(mark, f"{k}ExtendedData")
            for column in columns:
                value = row[column]
                item = ET.SubElement(ext, f"{k}Data", name=str(column))
                ET.SubElement(item, f"{k}value").text = "" if _missing(value) else (
                    _csv_value(value) if not isinstance(value, str) else value).__str__()
            _kml_geometry(mark, geom, k)
    return root


def _kml_scenario_folders(folder: ET.Element, frame: gpd.GeoDataFrame, k: str
                          ) -> dict[object, ET.Element]:
    """One sub-folder per scenario when a layer holds several (Google Earth toggles them)."""
    if "scenario" not in frame.columns or frame["scenario"].nunique() < 2:
        return {}
    folders = {}
    for value in pd.unique(frame["scenario"].dropna()):
        sub = ET.SubElement(folder, f"{k}Folder")
        ET.SubElement(sub, f"{k}name").text = str(value)
        folders[value] = sub
    return folders


def _kml_style(doc: ET.Element, style_id: str, geometry: str, sym: _Symbol) -> None:
    k = f"{{{_KML}}}"
    style = ET.SubElement(doc, f"{k}Style", id=style_id)
    if geometry == "point":
        icon_style = ET.SubElement(style, f"{k}IconStyle")
        ET.SubElement(icon_style, f"{k}color").text = _kml_colour(sym.fill)
        ET.SubElement(icon_style, f"{k}scale").text = "1.0"
        icon = ET.SubElement(icon_style, f"{k}Icon")
        ET.SubElement(icon, f"{k}href").text = (
            "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png")
    line = ET.SubElement(style, f"{k}LineStyle")
    ET.SubElement(line, f"{k}color").text = _kml_colour(sym.stroke)
    ET.SubElement(line, f"{k}width").text = f"{max(1.0, sym.width_mm * 3):.1f}"
    if geometry == "polygon":
        poly = ET.SubElement(style, f"{k}PolyStyle")
        ET.SubElement(poly, f"{k}color").text = _kml_colour(sym.fill, sym.fill_alpha)
        ET.SubElement(poly, f"{k}fill").text = "1" if sym.fill else "0"
        ET.SubElement(poly, f"{k}outline").text = "1"


def _kml_description(row: pd.Series, columns: list[str], lang: str) -> str:
    """An HTML table of the attributes, every value escaped (Google Earth renders it)."""
    import html

    cells = []
    for column in columns:
        value = row[column]
        text = "" if _missing(value) else str(_csv_value(value))
        label = _label(f"col_{column}", lang, default=column)
        cells.append(f"<tr><th align='left'>{html.escape(label)}</th>"
                     f"<td>{html.escape(text)}</td></tr>")
    return "<table>" + "".join(cells) + "</table>"


def _kml_coords(coords, k: str, parent: ET.Element) -> None:
    text = " ".join(f"{x:.{_KML_DECIMALS}f},{y:.{_KML_DECIMALS}f}" for x, y, *_ in coords)
    ET.SubElement(parent, f"{k}coordinates").text = text


def _kml_geometry(parent: ET.Element, geom, k: str) -> None:
    kind = geom.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.SubElement(parent, f"{k}MultiGeometry")
        for part in geom.geoms:
            _kml_geometry(multi, part, k)
    elif kind == "Point":
        _kml_coords(geom.coords, k, ET.SubElement(parent, f"{k}Point"))
    elif kind in ("LineString", "LinearRing"):
        line = ET.SubElement(parent, f"{k}LineString")
        ET.SubElement(line, f"{k}tessellate").text = "1"
        _kml_coords(geom.coords, k, line)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, f"{k}Polygon")
        outer = ET.SubElement(ET.SubElement(poly, f"{k}outerBoundaryIs"), f"{k}LinearRing")
        _kml_coords(geom.exterior.coords, k, outer)
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, f"{k}innerBoundaryIs"), f"{k}LinearRing")
            _kml_coords(ring.coords, k, inner)


# --- HTML -----------------------------------------------------------------------------------
def _write_html(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance,
                lang: str, flood: FloodScenario | None, threshold_m: float | None) -> Path:
    """The interactive map as one file (the app's ``layers.map.build_map``).

    The flood image and every vector are embedded in the page; Leaflet and its plugins load
    from their CDNs and the web base map needs internet, but the layers show without it.
    One scenario is shown: the flood's, else the last in the data.
    """
    import html

    try:  # lazily: only this format needs Folium
        from layers.flood import flood_overlay
        from layers.map import build_map
    except ImportError as exc:
        raise InputError(Problem(
            f"the HTML map builder is not available ({exc})",
            fix="export to .gpkg, .kml or .pdf instead",
        )) from None
    scenario = flood.name if flood is not None else None
    shown = {name: one_scenario(frame, scenario) for name, frame in frames.items()}
    fmap = build_map(
        lang=lang,
        centres=shown.get("centres_exposure"),
        communities=shown.get("communities_exposure"),
        flood=flood_overlay(flood, threshold_m=threshold_m) if flood is not None else None,
        flood_name=flood.name if flood is not None else "",
        flood_depth_known=flood.has_depth if flood is not None else True,
        districts=shown.get("districts"),
        rivers=shown.get("rivers"),
    )
    page = fmap.get_root().render()
    notes = [_label("export.disclaimer", lang)]
    if provenance.is_sample:
        notes.insert(0, _label("export.sample_warning", lang))
    head = (
        f'<meta name="generator" content="Crecida {html.escape(provenance.version)}">\n'
        f'<meta name="description" content="{html.escape(" ".join(notes))}">\n'
        '<script type="application/json" id="crecida-provenance">'
        + provenance.to_json().replace("<", "\\u003c") + "</script>\n"
    )
    page = page.replace("<head>", "<head>\n" + head, 1)
    with _atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out


def _label(key: str, lang: str, *, default: str | None = None, **values: object) -> str:
    """Text of ``key`` from :mod:`geo.i18n`, or ``default`` (else the key) when it has none."""
    from geo.i18n import t

    try:
        return t(key, lang, **values)
    except KeyError:
        return key if default is None else default


def _save_briefing(fig, out: Path, *, kind: str, dpi: int, data: BriefingData,
                   provenance: Provenance) -> None:
    """Save the briefing figure (PNG at ≥ 150 dpi; PDF with TrueType text and metadata)."""
    import matplotlib

    title = data.title or _label("export.title", data.lang, area=_label("export.area",
                                                                          data.lang))
    if kind == "pdf":
        metadata = {
            "Title": title,
            "Author": provenance.producer or "Crecida",
            "Subject": f"{data.scenario or ''} — {_label('export.disclaimer', data.lang)}",
            "Keywords": provenance.to_json(),
            "Creator": f"Crecida {provenance.version}",
        }
    else:
        metadata = {"Title": title, "Software": f"Crecida {provenance.version}",
                    "Description": provenance.to_json()}
    with matplotlib.rc_context({"pdf.fonttype": 42}), _atomic_path(out) as tmp:
        fig.savefig(tmp, format=kind, dpi=max(dpi, 150), metadata=metadata)


# --- Raster helpers -------------------------------------------------------------------------
def _row_windows(shape_hw: tuple[int, int]) -> Iterator[Window]:
    height, width = shape_hw
    step = max(1, settings.WINDOW_ROWS)
    for row in range(0, height, step):
        yield Window(0, row, width, min(step, height - row))


@contextlib.contextmanager
def _open_dem(flood: FloodScenario):
    if flood.dem is None:
        yield None
    else:
        with rasterio.open(flood.dem.path) as ds:
            yield ds


@contextlib.contextmanager
def _decimated(ds, vrt_args: dict):
    """``ds`` itself at full size, else a nearest-neighbour warped view on the coarser grid."""
    if ds is None:
        yield None
        return
    if ds.width == vrt_args["width"] and ds.height == vrt_args["height"]:
        yield ds
        return
    with WarpedVRT(ds, nodata=ds.nodata, **vrt_args) as vrt:
        yield vrt

"""The exporter: one call, the format chosen by the output file's extension.

:func:`export` prepares the layers (:mod:`geo.export.frames`), picks the writer by
:func:`export_format` and writes atomically. Formats that need a drawing library geo/ does not
import (the interactive HTML map, built with Folium in ``layers/``) are written by a
:class:`Writer` the caller hands in: ``export(..., writers=layers.html.WRITERS)``.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import geopandas as gpd

from geo.depth import DepthClasses, depth_classes
from geo.errors import InputError, Num, Problem
from geo.export.failures import output_errors
from geo.export.frames import pick_layer, prepare_layers
from geo.export.kml import write_kml
from geo.export.raster import (
    label_depth_classes,
    write_classified_depth,
    write_classified_depth_to,
)
from geo.export.table import write_csv, write_csv_zip
from geo.export.vector import write_geojson, write_gpkg, write_layers_zip
from geo.flood import FloodScenario
from geo.i18n import DEFAULT_LANGUAGE
from geo.io.files import atomic_path, atomic_paths
from geo.provenance import Provenance

if TYPE_CHECKING:
    from geo.export.briefing import BriefingData

__all__ = ["EXPORT_FORMATS", "Writer", "companion_tif", "export", "export_format",
           "output_path_problems"]

Progress = Callable[[int, int, str], None]

#: Output kinds, keyed by the extension that selects them (longest match wins).
EXPORT_FORMATS: dict[str, str] = {
    ".geojson.zip": "geojson_zip",
    ".csv.zip": "csv_zip",
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

#: One-layer formats and the zip kind written when several layers are given and none chosen.
_ONE_LAYER_ZIPS: dict[str, str] = {"geojson": "geojson_zip", "csv": "csv_zip"}


class Writer(Protocol):
    """A writer handed to :func:`export` for a kind (e.g. ``layers.html.write_html``).

    It writes ``frames`` (prepared: EPSG:4326, one scenario when asked) to ``out`` — a
    temporary path that :func:`export` renames into place — and returns the path written.
    """

    def __call__(self, frames: Mapping[str, gpd.GeoDataFrame], out: Path, *,
                 provenance: Provenance, lang: str, flood: FloodScenario | None,
                 threshold_m: float | None) -> Path: ...


def export_format(out: str | Path) -> str:
    """The export kind selected by ``out``'s extension (a value of :data:`EXPORT_FORMATS`).

    Raises
    ------
    InputError
        The extension is not one Crecida writes.
    """
    return EXPORT_FORMATS[_suffix(out)]


def export(
    layers: Mapping[str, gpd.GeoDataFrame],
    out: str | Path,
    *,
    provenance: Provenance,
    flood: FloodScenario | None = None,
    scenario: str | None = None,
    layer: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    briefing: BriefingData | None = None,
    threshold_m: float | None = None,
    dpi: int = 200,
    writers: Mapping[str, Writer] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write ``layers`` to ``out`` in the format its extension names.

    ===================  =====================================================================
    extension            what is written
    ===================  =====================================================================
    ``.gpkg``            every layer (EPSG:4326), a QGIS ``layer_styles`` table (QML and SLD
                         per layer), a ``provenance`` table and the provenance as GeoPackage
                         metadata; with ``flood``, the classified depth as a **companion**
                         Cloud-Optimised GeoTIFF ``<stem>_flood_depth.tif`` next to it (GDAL's
                         GeoPackage raster tiles drop the colour table); both are moved into
                         place together (:func:`geo.io.files.atomic_paths`).
    ``.geojson``         one layer, RFC 7946 (7 decimals ≈ 1 cm), provenance as the foreign
                         member ``crecida_provenance``.
    ``.zip``,            one GeoJSON per layer and a ``README.txt`` with the provenance.
    ``.geojson.zip``
    ``.csv.zip``         one CSV per layer and a ``README.txt``.
    ``.shp.zip``         one shapefile per layer (``.prj``, ``.cpg``), field names cut to 10
                         bytes as listed in ``fields.csv``, text over 254 bytes cut and kept
                         whole in ``long_text.csv`` (with a warning), and ``README.txt``.
    ``.kml``, ``.kmz``   every layer as a folder, styled like the app, attributes typed by a
                         ``Schema``.
    ``.csv``             one layer's attribute table with an HXL tag row and ``lat``/``lon``;
                         text that a spreadsheet would run as a formula is neutralised
                         (:func:`geo.export.table.safe_cell`).
    ``.tif``             the classified flood depth as a Cloud-Optimised GeoTIFF.
    ``.html``            the interactive map, by the writer given in ``writers``.
    ``.png``, ``.pdf``   the briefing map (:mod:`geo.export.briefing`), PNG at ≥ 150 dpi.
    ===================  =====================================================================

    A one-layer format (``.geojson``, ``.csv``) given several layers and no ``layer`` writes
    them all, one file per layer, to ``<out>.zip`` (``a.csv`` → ``a.csv.zip``) and returns that
    path. Depth classes everywhere (GeoTIFF, styles, KML, briefing legend, the ``depth_label``
    of ``flood_extent``) are :mod:`geo.depth`'s at ``threshold_m``.

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
        For one-layer formats: the layer to write.
    lang
        ``es`` or ``en``, for the labels of the briefing map, HTML, KML, styles and classes.
    briefing
        Title, summary and texts of the briefing map (``.png``/``.pdf``); built from the
        layers when ``None``.
    threshold_m
        Flood threshold of the depth classes (default ``settings.FLOOD_THRESHOLD_M``); a
        ``flood_extent`` layer must have been classified at the same threshold.
    dpi
        Resolution of ``.png`` output (at least 150).
    writers
        Writers for kinds geo/ does not write itself, keyed by kind (``"html"``) or extension
        (``".html"``); one given for a built-in kind replaces it.
    progress
        Called as ``progress(done, total, message)`` while a flood raster is classified
        (``.tif``, ``.gpkg``), window by window.

    Returns
    -------
    Path
        The file written, complete on disk: ``out``, or ``<out>.zip`` (see above).

    Raises
    ------
    InputError
        Unknown extension, no layers, an unknown ``layer`` or ``scenario``, ``.tif`` without a
        flood scenario, ``.html`` without its writer, a ``flood_extent`` layer classified at
        another threshold.
    CRSError
        A layer without a coordinate reference system.
    OutputError
        A file could not be written (full disk, read-only folder, a driver's failure): the
        message names ``out``, and every file that was there before is left as it was — a
        GeoPackage and its companion GeoTIFF are replaced together or not at all.
    """
    out = Path(out)
    suffix = _suffix(out)
    kind = EXPORT_FORMATS[suffix]
    problems = output_path_problems(out)
    if problems:
        raise InputError(problems)
    classes = depth_classes(threshold_m)
    frames = prepare_layers(layers, scenario=scenario, need_layers=kind != "tif")
    frames = {name: label_depth_classes(frame, classes, lang=lang, name=name)
              if "depth_class" in frame.columns else frame for name, frame in frames.items()}
    if kind in _ONE_LAYER_ZIPS and layer is None and len(frames) > 1:
        kind, suffix = _ONE_LAYER_ZIPS[kind], f"{suffix}.zip"
        out = out.with_name(out.name + ".zip")
    with output_errors(out):
        return _write(kind, suffix, frames, out, provenance=provenance, flood=flood,
                      scenario=scenario, layer=layer, lang=lang, briefing=briefing,
                      classes=classes, dpi=dpi, writers=writers, progress=progress)


def _write(kind: str, suffix: str, frames: dict[str, gpd.GeoDataFrame], out: Path, *,
           provenance: Provenance, flood: FloodScenario | None, scenario: str | None,
           layer: str | None, lang: str, briefing: BriefingData | None, classes: DepthClasses,
           dpi: int, writers: Mapping[str, Writer] | None, progress: Progress | None) -> Path:
    """Write ``frames`` to ``out`` as ``kind`` (see :func:`export`)."""
    writer = _given_writer(writers, kind, suffix)
    if writer is not None:
        with atomic_path(out) as tmp:
            writer(frames, tmp, provenance=provenance, lang=lang, flood=flood,
                   threshold_m=classes.threshold_m)
        return out
    if kind == "tif":
        if flood is None:
            raise InputError(Problem.keyed("export_tif_needs_flood", source=out.name))
        return write_classified_depth(flood, out, provenance=provenance,
                                      threshold_m=classes.threshold_m, lang=lang,
                                      progress=progress)
    if kind == "gpkg":
        if flood is None:
            with atomic_path(out) as tmp:
                write_gpkg(frames, tmp, provenance=provenance, classes=classes, lang=lang)
            return out
        # The GeoPackage and its classified depth appear together, or neither changes.
        with atomic_paths([out, companion_tif(out)]) as (gpkg_tmp, tif_tmp):
            write_gpkg(frames, gpkg_tmp, provenance=provenance, classes=classes, lang=lang)
            write_classified_depth_to(flood, tif_tmp, provenance=provenance,
                                      threshold_m=classes.threshold_m, lang=lang,
                                      progress=progress)
        return out
    if kind in ("geojson", "csv"):
        name = pick_layer(frames, layer)
        with atomic_path(out) as tmp:
            if kind == "geojson":
                write_geojson(frames[name], tmp, name=name, provenance=provenance)
            else:
                write_csv(frames[name], tmp)
        return out
    if kind in ("geojson_zip", "shp_zip"):
        return write_layers_zip(frames, out, provenance=provenance,
                                shapefile=kind == "shp_zip")
    if kind == "csv_zip":
        return write_csv_zip(frames, out, provenance=provenance)
    if kind in ("kml", "kmz"):
        return write_kml(frames, out, provenance=provenance, classes=classes, lang=lang,
                         zipped=kind == "kmz")
    if kind == "html":
        raise InputError(Problem.keyed("export_html_no_writer", source=out.name))
    # png / pdf: matplotlib is imported only for them.
    from geo.export.briefing import briefing_figure, briefing_from_layers, save_briefing

    data = briefing or briefing_from_layers(
        frames, provenance=provenance, scenario=scenario or provenance.scenario, lang=lang,
        threshold_m=classes.threshold_m)
    if data.threshold_m is None:
        data = dataclasses.replace(data, threshold_m=classes.threshold_m)
    elif depth_classes(data.threshold_m) != classes:
        raise InputError(Problem.keyed("export_briefing_threshold", source=out.name,
                                       briefing=Num(data.threshold_m),
                                       export=Num(classes.threshold_m)))
    return save_briefing(briefing_figure(frames, data=data, provenance=provenance), out,
                         kind=kind, dpi=dpi, data=data, provenance=provenance)


def companion_tif(out: str | Path) -> Path:
    """The classified-depth GeoTIFF written beside a GeoPackage: ``<stem>_flood_depth.tif``."""
    out = Path(out)
    return out.with_name(f"{out.stem}_flood_depth.tif")


def output_path_problems(out: str | Path) -> list[Problem]:
    """Why ``out`` cannot be written, checked before any work: the format its name gives, a
    folder in its place, a parent that is a file or cannot be written to."""
    out = Path(out)
    problems: list[Problem] = []
    try:
        _suffix(out)
    except InputError as exc:
        problems += exc.problems
    if out.is_dir():
        problems.append(Problem.keyed("output_is_folder", source=out.name, name=str(out)))
        return problems
    folder = out.parent if str(out.parent) else Path(".")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        problems.append(Problem.keyed("output_folder_unusable", source=out.name,
                                      folder=str(folder), reason=os.strerror(errno.ENOTDIR)))
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.append(Problem.keyed("output_folder_unusable", source=out.name,
                                      folder=str(folder), reason=os.strerror(errno.EACCES)))
    return problems


def _suffix(out: str | Path) -> str:
    """The key of :data:`EXPORT_FORMATS` that ``out``'s name ends with (longest first)."""
    name = Path(out).name.lower()
    for suffix in sorted(EXPORT_FORMATS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    raise InputError(Problem.keyed("output_format_unknown", name=Path(out).name,
                                   formats=", ".join(EXPORT_FORMATS)))


def _given_writer(writers: Mapping[str, Writer] | None, kind: str, suffix: str
                  ) -> Writer | None:
    if not writers:
        return None
    for key in (kind, suffix):
        if key in writers:
            return writers[key]
    return None

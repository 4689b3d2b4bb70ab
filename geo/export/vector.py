"""Vector layers for GIS: GeoPackage, GeoJSON and zips of GeoJSON files or shapefiles.

Every layer is written in EPSG:4326 (frames come from :func:`geo.export.frames.prepare_layers`)
with the provenance: GeoPackage metadata and a ``provenance`` table, the GeoJSON foreign
member ``crecida_provenance``, a ``README.txt`` in zips.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import tempfile
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.depth import DepthClasses
from geo.errors import CrecidaWarning, InputError, Num, Problem
from geo.export.frames import COORDINATE_DECIMALS
from geo.export.styles import layer_style, qml, sld
from geo.io.files import atomic_path
from geo.provenance import Provenance

__all__ = [
    "DBF_MAX_ABS",
    "DBF_NAME_BYTES",
    "DBF_TEXT_BYTES",
    "shapefile_field_names",
    "write_geojson",
    "write_gpkg",
    "write_layers_zip",
]


# --- GeoPackage -------------------------------------------------------------------------------
def write_gpkg(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance,
               classes: DepthClasses, lang: str) -> Path:
    """Every layer, a QGIS ``layer_styles`` table (QML and SLD, applied when QGIS opens a layer)
    and the provenance (a ``provenance`` table and the GeoPackage's JSON metadata record).

    Styles use ``classes`` for depth classes and ``lang`` for their labels. Writes ``out``
    directly; callers wrap it in :func:`geo.io.files.atomic_path` (or
    :func:`geo.io.files.atomic_paths` with its companion GeoTIFF).
    """
    first = True
    for name, frame in frames.items():
        pyogrio.write_dataframe(
            frame, out, layer=name, driver="GPKG", append=not first,
            # Creates the gpkg_metadata tables; the record is rewritten below.
            dataset_metadata={"CRECIDA_PROVENANCE": "-"} if first else None,
            layer_metadata={"DESCRIPTION": name},
            promote_to_multi=frame.geom_type.str.startswith("Multi").any() or None,
        )
        first = False
    pyogrio.write_dataframe(
        pd.DataFrame(provenance.to_rows(), columns=["key", "value"]), out,
        layer="provenance", driver="GPKG", append=True,
    )
    now = pd.Timestamp(provenance.created_utc)
    rows = []
    for name, frame in frames.items():
        style = layer_style(name, frame, classes=classes, lang=lang)
        rows.append({
            "f_table_catalog": "", "f_table_schema": "", "f_table_name": name,
            "f_geometry_column": "geom", "styleName": f"crecida_{name}",
            "styleQML": qml(style), "styleSLD": sld(name, style),
            "useAsDefault": True, "description": f"Crecida style for {name}",
            "owner": "", "ui": None, "update_time": now,
        })
    pyogrio.write_dataframe(pd.DataFrame(rows), out, layer="layer_styles", driver="GPKG",
                            append=True)
    _gpkg_json_metadata(out, provenance)
    return out


def _gpkg_json_metadata(path: Path, provenance: Provenance) -> None:
    """Store the provenance as the GeoPackage's JSON metadata record (scope: geopackage).

    A JSON record rather than GDAL's XML one: GDAL shows it as ``GPKG_METADATA_ITEM_1`` and,
    unlike its own XML record, does not write a ``.aux.xml`` file beside the GeoPackage each
    time a reader opens it.
    """
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE gpkg_metadata SET md_scope = 'dataset', mime_type = 'application/json', "
            "md_standard_uri = 'https://www.rfc-editor.org/rfc/rfc8259', metadata = ? "
            "WHERE id = (SELECT md_file_id FROM gpkg_metadata_reference "
            "WHERE reference_scope = 'geopackage')",
            (provenance.to_json(),),
        )


# --- GeoJSON ----------------------------------------------------------------------------------
def write_geojson(frame: gpd.GeoDataFrame, path: Path, *, name: str, provenance: Provenance
                  ) -> Path:
    """One layer as RFC 7946 GeoJSON (7 decimals, no ``crs`` member), provenance as the
    foreign member ``crecida_provenance``; writes ``path`` directly."""
    members = {"crecida_provenance": provenance.to_dict(), "crecida_layer": name}
    pyogrio.write_dataframe(frame, path, layer=name, driver="GeoJSON", layer_options={
        "RFC7946": "YES",
        "COORDINATE_PRECISION": str(COORDINATE_DECIMALS),
        "FOREIGN_MEMBERS_COLLECTION": json.dumps(members, ensure_ascii=False),
    })
    return path


# --- Zips of GeoJSON files or shapefiles -------------------------------------------------------
#: Bytes a shapefile's text field holds (dBase limit).
DBF_TEXT_BYTES: int = 254

#: Largest magnitude a shapefile's numeric field keeps exactly: GDAL writes dBase numbers as
#: text with 15 significant digits in 24 characters; beyond 1e15 whole numbers lose digits and
#: from about 1e24 GDAL writes a wrong value with only a warning. Larger values are refused.
DBF_MAX_ABS: float = 1e15

#: Field-name length of a shapefile, in bytes (dBase limit).
DBF_NAME_BYTES: int = 10

_MAX_LISTED: int = 20  # problems listed before "…and more"


def write_layers_zip(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *,
                     provenance: Provenance, shapefile: bool) -> Path:
    """A zip of one GeoJSON (or one shapefile) per layer and a ``README.txt``.

    Shapefiles come with ``.prj`` and ``.cpg`` (UTF-8), field names cut to 10 bytes as
    :func:`shapefile_field_names` lists in ``fields.csv`` (layer, field, shapefile_field).
    Text longer than a shapefile holds (:data:`DBF_TEXT_BYTES`) is cut to fit, ending in
    "…", and kept whole in ``long_text.csv`` (layer, feature, field, shapefile_field, text);
    each cut column raises one :class:`~geo.errors.CrecidaWarning` and is listed in the
    README. Writes ``out`` through :func:`geo.io.files.atomic_path`.

    Raises
    ------
    InputError
        A number too large for a shapefile (:data:`DBF_MAX_ABS`), with its layer, row and
        column, before anything is written.
    """
    if shapefile:
        problems = [p for name, frame in frames.items() for p in _number_problems(frame, name)]
        if problems:
            raise InputError(problems)
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None,
                                     prefix=".crecida-") as tmpdir:
        folder = Path(tmpdir)
        fields: list[tuple[str, str, str]] = []
        long_text: list[tuple[str, int, str, str, str]] = []
        for name, frame in frames.items():
            if shapefile:
                layer_fields, layer_long = _write_shapefile(frame, folder, name=name)
                fields += layer_fields
                long_text += layer_long
            else:
                write_geojson(frame, folder / f"{name}.geojson", name=name,
                              provenance=provenance)
        readme = provenance.to_text(title="Crecida export")
        if shapefile:
            readme += (
                "\nShapefile field names are at most 10 bytes: fields.csv lists each "
                "layer's full column name (field) and its shapefile name (shapefile_field).\n"
                "Text is UTF-8 (see the .cpg files); coordinates are WGS 84 (EPSG:4326).\n")
            _write_csv_rows(folder / "fields.csv", ["layer", "field", "shapefile_field"],
                            fields)
            if long_text:
                readme += _long_text_readme(long_text)
                _write_csv_rows(folder / "long_text.csv",
                                ["layer", "feature", "field", "shapefile_field", "text"],
                                long_text)
        else:
            readme += "\nOne GeoJSON file per layer (RFC 7946, WGS 84 longitude/latitude).\n"
        (folder / "README.txt").write_text(readme, encoding="utf-8")
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.iterdir()):
                zf.write(file, file.name)
    return out


def shapefile_field_names(columns: list[str]) -> dict[str, str]:
    """Column name to a unique shapefile field name of at most 10 bytes (UTF-8).

    Names that fit are kept; longer ones are cut to 10 bytes (never inside a character), and a
    clash is resolved by replacing the end with ``_1``, ``_2``…, e.g. ``flooded_fraction`` →
    ``flooded_fr``, ``población_total`` → ``población``.
    """
    mapping: dict[str, str] = {}
    used = {c.lower() for c in columns if _nbytes(c) <= DBF_NAME_BYTES}
    for column in columns:
        if _nbytes(column) <= DBF_NAME_BYTES:
            mapping[column] = column
            continue
        candidate, n = _cut_bytes(column, DBF_NAME_BYTES), 0
        while candidate.lower() in used:
            n += 1
            candidate = _cut_bytes(column, DBF_NAME_BYTES - len(str(n)) - 1) + f"_{n}"
        used.add(candidate.lower())
        mapping[column] = candidate
    return mapping


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 encoding fits in ``limit`` bytes."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _number_problems(frame: gpd.GeoDataFrame, name: str) -> list[Problem]:
    """Numbers a shapefile cannot keep (beyond ±:data:`DBF_MAX_ABS`), by row and column."""
    problems: list[Problem] = []
    found = 0
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(np.isfinite(values) & (np.abs(values) > DBF_MAX_ABS))
        for i in bad:
            found += 1
            if found <= _MAX_LISTED:
                problems.append(Problem.keyed("shapefile_number_too_large", source=name,
                                              row=int(i) + 1, column=str(column),
                                              value=f"{values[i]:g}", limit=DBF_MAX_ABS))
    if found > _MAX_LISTED:
        problems.append(Problem.keyed("export_more_too_large", source=name,
                                      n=Num(found - _MAX_LISTED)))
    return problems


def _write_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, name: str
                     ) -> tuple[list[tuple[str, str, str]], list[tuple[str, int, str, str, str]]]:
    """Write one layer as ``<name>.shp`` and its side files; returns its ``fields.csv`` rows
    and its ``long_text.csv`` rows (text cut to fit, kept whole there)."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    mapping = shapefile_field_names(columns)
    renamed = frame.rename(columns=mapping)
    long_rows: list[tuple[str, int, str, str, str]] = []
    for column in columns:
        field = mapping[column]
        if pd.api.types.is_datetime64_any_dtype(renamed[field]):
            renamed[field] = renamed[field].astype("string")  # shapefiles have no times
        if not (renamed[field].dtype == object or pd.api.types.is_string_dtype(renamed[field])):
            continue
        values = renamed[field].tolist()
        cut = [i for i, v in enumerate(values)
               if isinstance(v, str) and _nbytes(v) > DBF_TEXT_BYTES]
        if not cut:
            continue
        for i in cut:
            long_rows.append((name, i + 1, column, field, values[i]))
            values[i] = _cut_bytes(values[i], DBF_TEXT_BYTES - _nbytes("…")) + "…"
        renamed[field] = pd.Series(values, index=renamed.index, dtype=object)
        warnings.warn(CrecidaWarning(Problem.keyed("shapefile_long_text", source=name,
                                                   column=column, count=len(cut))),
                      stacklevel=4)
    pyogrio.write_dataframe(renamed, folder / f"{name}.shp", layer=name,
                            driver="ESRI Shapefile", encoding="UTF-8",
                            promote_to_multi=frame.geom_type.str.startswith("Multi").any() or None)
    return [(name, column, mapping[column]) for column in columns], long_rows


def _long_text_readme(rows: list[tuple[str, int, str, str, str]]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for layer, _feature, column, _field, _text in rows:
        counts[(layer, column)] = counts.get((layer, column), 0) + 1
    lines = ["", f"Text cut to fit the shapefiles ({DBF_TEXT_BYTES} bytes, ending in …); "
             "the whole text is in long_text.csv (layer, feature number, field, "
             "shapefile_field, text):"]
    lines += [f"  - {layer}.{column}: {n} value(s)" for (layer, column), n in counts.items()]
    return "\n".join(lines) + "\n"


def _write_csv_rows(path: Path, header: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")

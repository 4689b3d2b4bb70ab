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
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.depth import DepthClasses
from geo.export.frames import COORDINATE_DECIMALS
from geo.export.styles import layer_style, qml, sld
from geo.io.files import atomic_path
from geo.provenance import Provenance

__all__ = [
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

    Styles use ``classes`` for depth classes and ``lang`` for their labels.
    """
    with atomic_path(out) as tmp:
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
        pyogrio.write_dataframe(pd.DataFrame(rows), tmp, layer="layer_styles", driver="GPKG",
                                append=True)
        _gpkg_json_metadata(tmp, provenance)
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
def write_layers_zip(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *,
                     provenance: Provenance, shapefile: bool) -> Path:
    """A zip of one GeoJSON (or one shapefile) per layer and a ``README.txt``.

    Shapefiles come with ``.prj`` and ``.cpg`` (UTF-8), field names cut to 10 characters as
    :func:`shapefile_field_names` lists in ``fields.csv`` (layer, field, shapefile_field).
    """
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmpdir:
        folder = Path(tmpdir)
        fields: list[tuple[str, str, str]] = []
        for name, frame in frames.items():
            if shapefile:
                fields += _write_shapefile(frame, folder, name=name)
            else:
                write_geojson(frame, folder / f"{name}.geojson", name=name,
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
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.iterdir()):
                zf.write(file, file.name)
    return out


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

"""Which files Crecida reads, told apart by their names, and how a failed read is described."""

from __future__ import annotations

from pathlib import Path

from geo.io.files import PathLike

__all__ = [
    "ACCEPTED_FORMATS",
    "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES",
    "exception_summary",
    "is_table_path",
    "is_vector_path",
]

TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
"""File name endings read as tables of rows with coordinate columns (``.xls``, the old Excel
format, is recognised so that it is refused with a way out: save it as ``.xlsx``)."""

VECTOR_SUFFIXES: tuple[str, ...] = (
    ".geojson",
    ".json",
    ".gpkg",
    ".kml",
    ".kmz",
    ".zip",
    ".shp",
    ".fgb",
    ".gdb",
)
"""File name endings read as vector layers (``.zip``: zipped shapefiles or a zipped product
package; ``.gdb``: a File Geodatabase folder)."""

ACCEPTED_FORMATS: str = (
    "CSV or XLSX with coordinate columns (optionally with an HXL tag row), GeoJSON, "
    "GeoPackage, zipped Shapefile (.zip with .shp, .shx, .dbf, .prj), KML/KMZ, File "
    "Geodatabase (.gdb folder or zipped)"
)
"""The accepted formats, as named in the fix of every format error."""


def is_table_path(path: PathLike) -> bool:
    """True when the file name says it is a table (CSV, TXT, TSV, XLSX, XLSM, XLS)."""
    return Path(path).name.lower().endswith(TABLE_SUFFIXES)


def is_vector_path(path: PathLike) -> bool:
    """True when the file name says it is a vector layer rather than a raster or a table."""
    return Path(path).name.lower().endswith(VECTOR_SUFFIXES)


def exception_summary(exc: BaseException) -> str:
    """First line of an exception's message (its type name when empty), at most 200 chars."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]

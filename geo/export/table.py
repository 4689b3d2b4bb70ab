"""Attribute tables as CSV: what spreadsheets (and HXL tools) open.

UTF-8 with a byte-order mark (Excel then reads accents), CRLF line ends, the header, an HXL
tag row under it (``schema.CENTRE_HXL_OUT``; empty for columns without a tag) and ``lat``/``lon``
columns (the point itself, or a point inside each polygon or line).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV
injection: ``=HYPERLINK(…)`` in a centre's name). Following OWASP's advice, every text cell
and header that starts with one of those, or with a tab or carriage return, is written with a
leading apostrophe (``'=HYPERLINK(…)``), which spreadsheets show as text; numbers Crecida
computed are written as numbers, and text that is exactly a plain number (``-12``, ``+51``) is
left as it is, since a spreadsheet reads it as that number and runs nothing
(:func:`safe_cell`).
"""

from __future__ import annotations

import csv
import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import schema
from geo.export.frames import COORDINATE_DECIMALS
from geo.io.files import atomic_path
from geo.provenance import Provenance

__all__ = ["FORMULA_STARTS", "cell_value", "is_missing", "safe_cell", "write_csv",
           "write_csv_zip"]


def write_csv(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write one layer's attribute table (EPSG:4326 geometries as ``lat``/``lon``) to ``path``.

    Writes ``path`` directly; callers wrap it in :func:`geo.io.files.atomic_path`.
    """
    geometry = frame.geometry
    points = geometry.where(geometry.geom_type == "Point", geometry.representative_point())
    table = pd.DataFrame(frame.drop(columns=geometry.name))
    for column in ("lat", "lon"):
        if column in table.columns:
            table = table.drop(columns=column)
    table["lat"] = points.y.round(COORDINATE_DECIMALS)
    table["lon"] = points.x.round(COORDINATE_DECIMALS)
    tags = [schema.CENTRE_HXL_OUT.get(str(c), "") for c in table.columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([safe_cell(str(c)) for c in table.columns])
        writer.writerow(tags)
        for row in table.itertuples(index=False, name=None):
            writer.writerow(["" if is_missing(v) else safe_cell(cell_value(v)) for v in row])
    return path


def write_csv_zip(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *,
                  provenance: Provenance) -> Path:
    """A zip of one ``<layer>.csv`` per layer (:func:`write_csv`) and a ``README.txt``."""
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None,
                                     prefix=".crecida-") as tmpdir:
        folder = Path(tmpdir)
        for name, frame in frames.items():
            write_csv(frame, folder / f"{name}.csv")
        readme = provenance.to_text(title="Crecida export")
        readme += ("\nOne CSV file per layer (UTF-8, an HXL tag row under the header, "
                   "lat/lon in WGS 84). Text cells that start with = + - @ are written "
                   "with a leading ' so that spreadsheets show them and never run them as "
                   "formulas.\n")
        (folder / "README.txt").write_text(readme, encoding="utf-8")
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.iterdir()):
                zf.write(file, file.name)
    return out


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows and never runs: text starting with a formula character
    (:data:`FORMULA_STARTS`) gets a leading apostrophe, unless it is exactly a plain number.

    >>> safe_cell("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> safe_cell("-12"), safe_cell(-3.5), safe_cell("Belén")
    ('-12', -3.5, 'Belén')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def cell_value(value: object) -> object:
    """A value as a table cell: ``true``/``false`` for booleans, floats at full precision."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return value


def is_missing(value: object) -> bool:
    """Whether a cell is empty: ``None``, NaN, ``pd.NA`` or ``NaT``."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False

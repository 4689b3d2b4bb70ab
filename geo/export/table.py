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
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import schema
from geo.export.frames import COORDINATE_DECIMALS, pick_layer
from geo.io.files import atomic_path
from geo.provenance import Provenance

__all__ = ["EXCEL_CSV", "FORMULA_STARTS", "cell_value", "excel_csv_writers", "is_missing",
           "safe_cell", "write_csv",
           "write_csv_zip"]


def write_csv(frame: gpd.GeoDataFrame, path: Path, *, delimiter: str = ",", decimal: str = ".",
              hxl: bool = True) -> Path:
    """Write one layer's attribute table (EPSG:4326 geometries as ``lat``/``lon``) to ``path``.

    Writes ``path`` directly; callers wrap it in :func:`geo.io.files.atomic_path`.
    ``delimiter``, ``decimal`` and ``hxl`` are :data:`EXCEL_CSV`'s options (defaults: the
    plain CSV above).
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
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([safe_cell(str(c)) for c in table.columns])
        if hxl:
            writer.writerow(tags)
        for row in table.itertuples(index=False, name=None):
            writer.writerow(["" if is_missing(v) else _with_decimal(safe_cell(cell_value(v)),
                                                                   decimal)
                             for v in row])
    return path


def write_csv_zip(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *,
                  provenance: Provenance, delimiter: str = ",", decimal: str = ".",
                  hxl: bool = True) -> Path:
    """A zip of one ``<layer>.csv`` per layer (:func:`write_csv`) and a ``README.txt``."""
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None,
                                     prefix=".crecida-") as tmpdir:
        folder = Path(tmpdir)
        for name, frame in frames.items():
            write_csv(frame, folder / f"{name}.csv", delimiter=delimiter, decimal=decimal,
                      hxl=hxl)
        readme = provenance.to_text(title="Crecida export")
        readme += (f"\nOne CSV file per layer (UTF-8, separator '{delimiter}', decimal mark "
                   f"'{decimal}', {'an HXL tag row under the header, ' if hxl else ''}"
                   "lat/lon in WGS 84). Text cells that start with = + - @ are written with a "
                   "leading ' so that spreadsheets show them and never run them as formulas.\n")
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


# --- CSV for spreadsheets set to Spanish (issue 12) -----------------------------------------
EXCEL_CSV: dict[str, dict[str, str]] = {
    "es": {"delimiter": ";", "decimal": ","},
    "en": {"delimiter": ",", "decimal": "."},
}
"""Separator and decimal mark Excel expects from a CSV opened with a double click, by the
language of its regional settings: Spanish-locale Excel splits columns on ``;`` and reads
``0,7`` as a number (``0.7`` would be text, or a date)."""


def _with_decimal(value: object, decimal: str) -> object:
    """A float cell with ``decimal`` as its decimal mark (other cells unchanged)."""
    if decimal != "." and isinstance(value, str) and _FLOAT_TEXT.fullmatch(value):
        return value.replace(".", decimal)
    return value


_FLOAT_TEXT = re.compile(r"-?\d+\.\d+(e[-+]?\d+)?|-?inf|nan", re.IGNORECASE)


def excel_csv_writers(lang: str, *, hxl: bool = False) -> dict[str, Callable]:
    """Writers for :func:`geo.export.export`'s ``writers=`` that make ``.csv`` (one layer) and
    ``.csv.zip`` (several) open in Excel set to ``lang`` (:data:`EXCEL_CSV`; UTF-8 with a BOM,
    so accents read right), the HXL tag row only when ``hxl``."""
    options = {**EXCEL_CSV.get(lang, EXCEL_CSV["es"]), "hxl": hxl}

    def one(frames, out, *, provenance, lang, flood, threshold_m):
        return write_csv(frames[pick_layer(frames, None)], out, **options)

    def several(frames, out, *, provenance, lang, flood, threshold_m):
        return write_csv_zip(frames, out, provenance=provenance, **options)

    return {"csv": one, "csv_zip": several}


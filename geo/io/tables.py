"""Reading tables (CSV, TXT, TSV, XLSX) as text cells, with an optional HXL tag row.

CSV text is decoded as UTF-8 (with or without a byte-order mark), else Windows-1252, else
Latin-1; the separator is sniffed among ``,`` ``;`` tab and ``|`` (``,`` when unsure). Every
cell is kept as stripped text: numbers, including decimal commas, are parsed later by
:mod:`geo.io.validate` so that a bad cell is reported with its row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from geo import schema
from geo.errors import FormatError, Problem
from geo.io.formats import ACCEPTED_FORMATS, exception_summary

__all__ = ["read_table"]

_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "cp1252")
_SEPARATORS = ",;\t|"
_SNIFF_CHARS = 8192


def read_table(path: Path, *, label: str) -> tuple[pd.DataFrame, bool]:
    """Read a table as text cells; detect and drop an HXL tag row.

    Parameters
    ----------
    path
        A CSV/TXT/TSV (any of the separators above) or an XLSX/XLSM (first sheet) file.
    label
        Name used in messages.

    Returns
    -------
    frame, has_hxl
        The data rows with stripped header names (pandas' ``Unnamed: n`` columns dropped) and
        stripped text cells; ``has_hxl`` is True when the first row under the header was an
        HXL tag row, whose normalised tags are then in ``frame.attrs["hxl"]`` (column → tag).

    Raises
    ------
    FormatError
        The file cannot be parsed as a table, or it has no data row.
    """
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            text = _decode(path.read_bytes())
            frame = pd.read_csv(
                io.StringIO(text),
                sep=_separator(text[:_SNIFF_CHARS]),
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
    except (ValueError, OSError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        raise FormatError(
            Problem(
                f"cannot be read as a table ({exception_summary(exc)})",
                source=label,
                fix=f"check the file; accepted: {ACCEPTED_FORMATS}",
            )
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if not c.lower().startswith("unnamed:")]]
    if frame.empty:
        raise FormatError(
            Problem(
                "the table has a header but no data rows",
                source=label,
                fix="add one row per site below the header",
            )
        )
    hxl = _is_hxl_row(frame.iloc[0])
    if hxl:
        tags = [schema.normalise_hxl(v) for v in frame.iloc[0]]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.attrs["hxl"] = dict(zip(frame.columns, tags, strict=True))
        if frame.empty:
            raise FormatError(
                Problem("the table has headers and HXL tags but no data rows", source=label)
            )
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame, hxl


def _decode(data: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a Latin-1 character: never fails


def _separator(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        return ","


def _is_hxl_row(row: pd.Series) -> bool:
    """True when at least one non-blank cell, and half of them rounded down, start with ``#``."""
    cells = [str(v).strip() for v in row if str(v).strip()]
    return bool(cells) and sum(c.startswith("#") for c in cells) >= max(1, len(cells) // 2)

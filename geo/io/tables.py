"""Reading tables (CSV, TXT, TSV, XLSX) as cells, with an optional HXL tag row.

CSV text is decoded as UTF-8 (with or without a byte-order mark), else Windows-1252, else
Latin-1; the separator is sniffed among ``,`` ``;`` tab and ``|`` (``,`` when unsure). CSV cells
are kept as stripped text, XLSX cells as the workbook stores them (numbers stay numbers, so a
``3.125`` in Excel is never mistaken for a Spanish ``3.125`` = 3125); numbers in text, with
decimal commas or thousands separators, are parsed later by :mod:`geo.io.validate` so that a
bad cell is reported with its row and column.

Where the data starts (:func:`read_table`): the header row is the row among the first
``_HEADER_SCAN_ROWS`` with the most names Crecida knows (``latitud``, ``#geo+lat``'s header,
``familias``…), so a title row, a merged group row or a note above the headers is skipped and
said so. A workbook's sheet is the one asked for (``PATH:SHEET``), else the only sheet with a
header and data rows — sheets such as HDX's "Read Me" are left out — else the file is refused
with the list of sheets. Rows that are entirely blank at the end (Excel's formatted but empty
rows) are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import schema
from geo.errors import FormatError, InputError, Problem
from geo.io.archives import check_zip
from geo.io.formats import exception_summary

__all__ = ["list_sheets", "read_table"]

_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "cp1252")
_SEPARATORS = ",;\t|"
_SNIFF_CHARS = 8192
#: Rows looked at, from the top, to find the header row.
_HEADER_SCAN_ROWS = 25


def read_table(path: Path, *, label: str, sheet: str | None = None
               ) -> tuple[pd.DataFrame, bool]:
    """Read a table's cells; find its header row, sheet and HXL tag row.

    Parameters
    ----------
    path
        A CSV/TXT/TSV (any of the separators above) or an XLSX/XLSM workbook.
    label
        Name used in messages.
    sheet
        The workbook's sheet to read (by name, case and accents ignored); default: the only
        sheet with a header and data rows.

    Returns
    -------
    frame, has_hxl
        The data rows under stripped header names (columns without a header dropped): text
        cells stripped, workbook numbers as numbers, blanks as ``""``. ``has_hxl`` is True when
        the first row under the header was an HXL tag row, whose normalised tags are then in
        ``frame.attrs["hxl"]`` (column → tag). ``frame.attrs["decisions"]`` says which sheet
        and header row were used when that was not the obvious first row of the only sheet.

    Raises
    ------
    FormatError
        The file cannot be parsed as a table, an old ``.xls`` workbook, or no data rows.
    InputError
        The sheet asked for does not exist, several sheets hold sites, or formula cells have
        no saved value.
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FormatError(Problem.keyed("xls_not_supported", source=label))
    decisions: list[Problem] = []
    if suffix in (".xlsx", ".xlsm"):
        rows, header_at = _workbook_rows(path, label=label, sheet=sheet, decisions=decisions)
    else:
        rows = _csv_rows(path, label=label)
        header_at = _header_row(rows)
    frame = _frame(rows, header_at, label=label, decisions=decisions)
    frame.attrs["decisions"] = decisions
    return frame, bool(frame.attrs.get("hxl"))


def list_sheets(path: Path, *, label: str | None = None) -> list[str]:
    """The sheets of a workbook, in order, for a person to choose from (the app).

    Raises
    ------
    FormatError
        Not a readable workbook (or over the zip limits).
    """
    import openpyxl

    label = label or path.name
    check_zip(path, label=label)
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FormatError(Problem.keyed("table_unreadable", source=label,
                                        detail=exception_summary(exc))) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


# --------------------------------------------------------------------------- CSV


def _csv_rows(path: Path, *, label: str) -> list[list[object]]:
    text = _decode(path.read_bytes())
    try:
        reader = csv.reader(io.StringIO(text), delimiter=_separator(text[:_SNIFF_CHARS]),
                            skipinitialspace=True)
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise FormatError(Problem.keyed("table_unreadable", source=label,
                                        detail=exception_summary(exc))) from None


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


# --------------------------------------------------------------------------- workbooks


def _workbook_rows(path: Path, *, label: str, sheet: str | None,
                   decisions: list[Problem]) -> tuple[list[list[object]], int]:
    """The chosen sheet's rows (cached values) and its header row's index."""
    import openpyxl

    try:
        check_zip(path, label=label)  # an XLSX is a zip: the same limits apply
    except FormatError as exc:
        if exc.problems[0].key != "zip_unreadable":
            raise
        raise FormatError(Problem.keyed("table_not_workbook", source=label)) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FormatError(Problem.keyed("table_unreadable", source=label,
                                        detail=exception_summary(exc))) from None
    try:
        sheets = {ws.title: [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
                  for ws in book.worksheets}
    finally:
        book.close()
    names = list(sheets)
    if sheet:
        chosen = _find_sheet(names, sheet)
        if chosen is None:
            raise InputError(Problem.keyed("sheet_not_found", source=label, sheet=sheet,
                                           sheets=", ".join(names)))
        header_at = _header_row(sheets[chosen])
    else:
        summary = {name: _sheet_summary(rows) for name, rows in sheets.items()}
        with_data = [n for n in names if summary[n][1] > 0]
        with_sites = [n for n in with_data if summary[n][2]]
        pool = with_sites or with_data
        if not pool:
            raise FormatError(Problem.keyed("table_no_rows", source=label))
        if len(with_sites) > 1:
            raise InputError(Problem.keyed("sheet_ambiguous", source=label,
                                           sheets=", ".join(with_sites)))
        chosen = pool[0]
        header_at = summary[chosen][0]
        if len(names) > 1:
            decisions.append(Problem.keyed("decision_sheet", source=label, sheet=chosen,
                                           others=", ".join(n for n in names if n != chosen)))
    _refuse_formulas_without_values(path, chosen, sheets[chosen], label=label)
    if header_at > 0:
        skipped = " | ".join(_row_text(r) for r in sheets[chosen][:header_at] if _row_text(r))
        decisions.append(Problem.keyed("decision_header_row", source=label,
                                       line=header_at + 1, skipped=skipped[:160] or "—"))
    return sheets[chosen], header_at


def _cell(value: object) -> object:
    """A workbook cell: text stripped, numbers kept, dates as ISO text, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _find_sheet(names: Sequence[str], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    key = schema.normalise_header(wanted)
    hits = [n for n in names if schema.normalise_header(n) == key]
    return hits[0] if len(hits) == 1 else None


def _sheet_summary(rows: list[list[object]]) -> tuple[int, int, bool]:
    """(header row index, data rows, has coordinate columns) of one sheet."""
    rows = _trim(rows)
    if not rows:
        return 0, 0, False
    header_at = _header_row(rows)
    names = {schema.normalise_header(c) for c in rows[header_at]}
    body = rows[header_at + 1:]
    tags = {schema.normalise_hxl(c) for c in body[0]} if body and _is_hxl_row(body[0]) else set()
    data = len(body) - (1 if tags else 0)
    coordinates = ((names & set(schema.LAT_ALIASES) and names & set(schema.LON_ALIASES))
                   or {"#geo+lat", "#geo+lon"} <= tags)
    return header_at, max(data, 0), bool(coordinates)


def _refuse_formulas_without_values(path: Path, sheet: str, values: list[list[object]], *,
                                    label: str) -> None:
    """Refuse formula cells whose result was never saved (files written by scripts)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        cells = []
        for r, row in enumerate(book[sheet].iter_rows(values_only=True)):
            for c, raw in enumerate(row):
                if (isinstance(raw, str) and raw.startswith("=") and r < len(values)
                        and c < len(values[r]) and values[r][c] == ""):
                    cells.append(f"{get_column_letter(c + 1)}{r + 1}")
    finally:
        book.close()
    if cells:
        shown = ", ".join(cells[:10]) + (f" … ({len(cells)})" if len(cells) > 10 else "")
        raise InputError(Problem.keyed("formulas_without_values", source=label, sheet=sheet,
                                       cells=shown))


# --------------------------------------------------------------------------- rows → frame


def _header_row(rows: list[list[object]]) -> int:
    """Index of the header row: the one with most known names (first non-blank when none)."""
    # one- and two-letter names (x, y, id, hh) are as likely data as headers: not counted
    known = {name for name in schema.known_headers() if len(name) > 2}
    first = next((i for i, row in enumerate(rows) if _row_text(row)), 0)
    best, best_score = first, 0
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        cells = [c for c in row if isinstance(c, str) and c.strip()]
        if len(cells) < 2:
            continue
        score = sum(schema.normalise_header(c) in known for c in cells)
        if i + 1 < len(rows) and _is_hxl_row(rows[i + 1]) and not _is_hxl_row(row):
            score += len(cells)  # the row above an HXL row is the header row
        if score > best_score:
            best, best_score = i, score
    # a later row is the header only when it names at least two known columns
    return best if best_score >= 2 else first


def _frame(rows: list[list[object]], header_at: int, *, label: str,
           decisions: list[Problem]) -> pd.DataFrame:
    rows = _trim(rows)
    if not rows or header_at >= len(rows):
        raise FormatError(Problem.keyed("table_no_rows", source=label))
    width = max(len(r) for r in rows)
    header = [str(c).strip() for c in rows[header_at]] + [""] * (width - len(rows[header_at]))
    body = [list(r) + [""] * (width - len(r)) for r in rows[header_at + 1:]]
    keep = [i for i, h in enumerate(header) if h and not h.lower().startswith("unnamed:")]
    dropped = [i for i, h in enumerate(header)
               if i not in keep and any(_filled(r[i]) for r in body)]
    if dropped:
        decisions.append(Problem.keyed("decision_columns_without_header", source=label,
                                       columns=", ".join(str(i + 1) for i in dropped)))
    names = _unique([header[i] for i in keep])
    frame = pd.DataFrame([[r[i] for i in keep] for r in body], columns=names, dtype=object)
    if frame.empty:
        raise FormatError(Problem.keyed("table_no_rows", source=label))
    if _is_hxl_row(frame.iloc[0].tolist()):
        tags = [schema.normalise_hxl(v) for v in frame.iloc[0]]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.attrs["hxl"] = dict(zip(frame.columns, tags, strict=True))
        if frame.empty:
            raise FormatError(Problem.keyed("table_hxl_no_rows", source=label))
    return frame


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Without the entirely blank rows at the end (Excel's formatted but empty rows)."""
    end = len(rows)
    while end and not _row_text(rows[end - 1]):
        end -= 1
    return rows[:end]


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _row_text(row: Sequence[object]) -> str:
    return " ".join(str(c).strip() for c in row if _filled(c))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def _is_hxl_row(row: Sequence[object]) -> bool:
    """True when at least one non-blank cell, and half of them rounded down, start with ``#``."""
    cells = [str(v).strip() for v in row if _filled(v)]
    return bool(cells) and sum(c.startswith("#") for c in cells) >= max(1, len(cells) // 2)

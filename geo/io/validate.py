"""Checking cell values: frames in, values out, every problem and change written down.

Pure functions on pandas objects, no file access. Each takes the ``problems`` list (things
that make the input unusable: the caller raises one :class:`~geo.errors.InputError` listing
them all) and, where it changes usable input, the ``notes`` list (reported as warnings), and
appends to them. Row numbers in problems and notes count data rows from 1 by position, so
give series in file order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo import schema, settings
from geo.errors import Problem, Term

__all__ = [
    "cell_text",
    "check_coordinates",
    "check_non_negative",
    "clean_text",
    "coordinate_columns",
    "format_rows",
    "make_ids",
    "numeric_if_all",
    "parse_categories",
    "parse_counts",
    "parse_numbers",
]

#: "12,5" → "12.5": one comma between digits is a decimal comma (no thousands separators).
_DECIMAL_COMMA = (r"^([+-]?\d+),(\d+)$", r"\1.\2")
#: Cell texts that mean "no value".
_BLANKS = ("", "nan", "NaN", "None", "<NA>", "NA", "N/A", "-")


def format_rows(rows: Sequence[int], limit: int = 10) -> str:
    """Row numbers for a message in any language: ``"1, 2, 3"``, or the first ``limit`` and
    how many more (``"1, 2, … 10 … (+2)"``)."""
    text = ", ".join(map(str, rows[:limit]))
    return text + (f" … (+{len(rows) - limit})" if len(rows) > limit else "")


def parse_numbers(
    values: pd.Series,
    *,
    column: str,
    label: str,
    problems: list[Problem],
    required: bool = False,
    quantity: bool = False,
    decisions: list[Problem] | None = None,
) -> pd.Series:
    """Cells as floats; NaN where blank or unparseable.

    Plain numbers (``quantity=False``, e.g. coordinates) accept a decimal comma (``-3,75``).
    Quantities (counts, capacities, areas: whole or large numbers) also accept thousands
    separators, and the column's style is told from its own cells
    (:func:`number_style`): ``1.200,5`` and ``12,5`` are Spanish, ``1,200.5`` and ``12.5``
    English; a column that gives no clue reads ``1.200`` and ``1,200`` as 1200 (a quantity
    of 1.2 persons or m² is not meant), and says so.

    Parameters
    ----------
    values
        Text cells, numbers (from a workbook or a GeoPackage), or a mix.
    column, label
        Column (as the file names it) and file named in problems.
    problems
        Gets one problem per cell that is not a number, not finite, or — for quantities — over
        ``settings.MAX_CELL_NUMBER``; when ``required``, one per blank; one when a quantity
        column mixes Spanish and English number formats.
    quantity
        Whether the column holds quantities (see above).
    decisions
        Gets a decision on how a quantity column's number format was read, when it had
        separators.
    """
    is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    text = values.map(lambda v: v.strip() if isinstance(v, str) else "")
    blank = (is_text & text.isin(_BLANKS)) | (~is_text & values.isna())
    cells = text.where(is_text & ~blank, "")
    if quantity:
        from_text = _quantities(cells, column=column, label=label, problems=problems,
                                decisions=decisions)
    else:
        from_text = pd.to_numeric(cells.str.replace(*_DECIMAL_COMMA, regex=True),
                                  errors="coerce")
    numbers = pd.to_numeric(values.where(~is_text & ~blank), errors="coerce")
    parsed = numbers.where(~is_text, from_text).astype(float)
    shown = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    for pos in np.flatnonzero((parsed.isna() & ~blank).to_numpy()):
        problems.append(
            Problem.keyed("not_a_number", source=label, row=int(pos) + 1, column=column,
                          value=shown.iloc[pos])
        )
    infinite = pd.Series(np.isinf(parsed.to_numpy()), index=parsed.index)
    for pos in np.flatnonzero(infinite.to_numpy()):
        problems.append(Problem.keyed("number_not_finite", source=label, row=int(pos) + 1,
                                      column=column, value=shown.iloc[pos]))
    bad = infinite
    if quantity:
        absurd = ~infinite & (parsed.abs() > settings.MAX_CELL_NUMBER)
        for pos in np.flatnonzero(absurd.to_numpy()):
            problems.append(Problem.keyed("number_absurd", source=label, row=int(pos) + 1,
                                          column=column, value=shown.iloc[pos],
                                          limit=f"{settings.MAX_CELL_NUMBER:,.0f}"))
        bad = bad | absurd
    parsed = parsed.where(~bad, np.nan)
    if required:
        for pos in np.flatnonzero(blank.to_numpy()):
            problems.append(
                Problem.keyed("value_missing", source=label, row=int(pos) + 1, column=column)
            )
    return parsed


#: Spanish-only and English-only number shapes (thousands separators, decimal marks).
_ES_ONLY = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}|\d+,\d{1,2}"
                      r"|\d+,\d{4,}|0,\d+)$")
_EN_ONLY = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}|\d+\.\d{1,2}"
                      r"|\d+\.\d{4,}|0\.\d+)$")
_DOT_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")


def number_style(cells: pd.Series) -> str | None:
    """``"es"``, ``"en"``, ``"mixed"`` or ``None`` (no clue) for a column of number texts.

    >>> number_style(pd.Series(["1.200", "12,5"]))
    'es'
    >>> number_style(pd.Series(["1.200", "1,200"])) is None
    True
    """
    text = cells.astype(str).str.strip()
    es = bool(text.str.match(_ES_ONLY).any())
    en = bool(text.str.match(_EN_ONLY).any())
    if es and en:
        return "mixed"
    return "es" if es else ("en" if en else None)


def _quantities(cells: pd.Series, *, column: str, label: str, problems: list[Problem],
                decisions: list[Problem] | None) -> pd.Series:
    """Quantity texts as floats, in the column's own number style."""
    style = number_style(cells[cells != ""])
    if style == "mixed":
        problems.append(Problem.keyed("number_style_mixed", source=label, column=column))
        return pd.Series(np.nan, index=cells.index)
    if style == "es":
        plain = cells.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif style == "en":
        plain = cells.str.replace(",", "", regex=False)
    else:
        thousands = cells.str.match(_DOT_THOUSANDS) | cells.str.match(_COMMA_THOUSANDS)
        plain = cells.where(~thousands, cells.str.replace(r"[.,]", "", regex=True))
        plain = plain.str.replace(*_DECIMAL_COMMA, regex=True)
        if thousands.any() and decisions is not None:
            first = cells[thousands].iloc[0]
            decisions.append(Problem.keyed("decision_thousands", source=label, column=column,
                                           example=first, value=plain[thousands].iloc[0]))
        return pd.to_numeric(plain, errors="coerce")
    if decisions is not None and cells.str.contains(r"\d[.,]\d", regex=True).any():
        decisions.append(Problem.keyed(f"decision_number_style_{style}", source=label,
                                       column=column))
    return pd.to_numeric(plain, errors="coerce")


def numeric_if_all(values: pd.Series) -> pd.Series:
    """A text column whose every non-blank cell is a number, as numbers; else unchanged.

    A column with no non-blank cell is returned unchanged.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values
    text = values.astype(str).str.strip()
    parsed = pd.to_numeric(text.str.replace(*_DECIMAL_COMMA, regex=True), errors="coerce")
    blank = text.eq("") | values.isna()
    return parsed if (parsed.notna() | blank).all() and (~blank).any() else values


def coordinate_columns(
    frame: pd.DataFrame,
    *,
    label: str,
    problems: list[Problem],
    headers: Sequence[str],
    names: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Numeric ``lat`` and ``lon`` columns of a frame with canonical names.

    Parameters
    ----------
    frame
        Columns already renamed (``lat``, ``lon``).
    label
        File named in problems.
    problems
        Gets one problem when a coordinate column is missing (naming ``headers``), else one
        per cell that is not a number or is blank.
    headers
        The file's own column names, listed when a coordinate column is missing.
    names
        Canonical name → the file's own header, to name columns as the file does.

    Returns
    -------
    lat, lon
        Degrees as floats; two empty series when a column is missing.
    """
    names = names or {}
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        key = {("lat", "lon"): "no_lat_lon_columns", ("lat",): "no_lat_column",
               ("lon",): "no_lon_column"}[tuple(missing)]
        problems.append(Problem.keyed(key, source=label, found=", ".join(map(str, headers))))
        return pd.Series(dtype=float), pd.Series(dtype=float)
    lat = parse_numbers(frame["lat"], column=names.get("lat", "lat"), label=label,
                        problems=problems, required=True)
    lon = parse_numbers(frame["lon"], column=names.get("lon", "lon"), label=label,
                        problems=problems, required=True)
    return lat, lon


def check_coordinates(
    lon: pd.Series,
    lat: pd.Series,
    area: tuple[float, float, float, float],
    *,
    label: str,
    problems: list[Problem],
    notes: list,
    names: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Range-check degrees, fix swapped latitude/longitude, flag points outside the area.

    A row is swapped when its (lon, lat) falls outside ``area`` and (lat, lon) falls inside.
    Rows without coordinates (NaN, already reported) are neither swapped nor flagged.

    Parameters
    ----------
    lon, lat
        WGS84 degrees (EPSG:4326) as given.
    area
        Study area (min lon, min lat, max lon, max lat) in degrees.
    label
        File named in problems and notes.
    problems
        Gets one problem per latitude outside −90…90 and longitude outside −180…180, and one
        more when every row is out of range with a longitude over 1,000 (projected metres).
    notes
        Gets a note on swapped rows and, when there is no problem, on points outside ``area``.
    names
        Canonical name → the file's own header (``lat`` → ``latitud``).

    Returns
    -------
    lon, lat, outside
        Corrected degrees, and True where the point lies outside ``area``.
    """
    names = names or {}
    lon, lat = lon.astype(float).copy(), lat.astype(float).copy()
    minx, miny, maxx, maxy = area

    def inside(x: pd.Series, y: pd.Series) -> pd.Series:
        return x.between(minx, maxx) & y.between(miny, maxy)

    swapped = ~inside(lon, lat) & inside(lat, lon)
    if swapped.any():
        given_lon, given_lat = lon.to_numpy(copy=True), lat.to_numpy(copy=True)
        lon = pd.Series(np.where(swapped, given_lat, given_lon), index=lon.index)
        lat = pd.Series(np.where(swapped, given_lon, given_lat), index=lat.index)
        if swapped.all():
            notes.append(Problem.keyed("coordinates_swapped"))
        else:
            notes.append(Problem.keyed("coordinates_swapped_rows",
                                       rows=format_rows(_rows_where(swapped))))
    bad_lat = ~lat.between(-90, 90) & lat.notna()
    bad_lon = ~lon.between(-180, 180) & lon.notna()
    looks_projected = bool((bad_lat | bad_lon).all()) and (lon.abs() > 1000).any()
    for pos in np.flatnonzero(bad_lat.to_numpy()):
        problems.append(Problem.keyed("latitude_out_of_range", source=label, row=int(pos) + 1,
                                      column=names.get("lat", "lat"), value=lat.iloc[pos]))
    for pos in np.flatnonzero(bad_lon.to_numpy()):
        problems.append(Problem.keyed("longitude_out_of_range", source=label, row=int(pos) + 1,
                                      column=names.get("lon", "lon"), value=lon.iloc[pos]))
    if looks_projected:
        problems.append(Problem.keyed("coordinates_projected", source=label))
    outside = ~inside(lon, lat) & lon.notna() & lat.notna()
    if outside.any() and not problems:
        rows = _rows_where(outside)
        notes.append(Problem.keyed("points_outside_study_area", n=len(rows),
                                   rows=format_rows(rows)))
    return lon, lat, outside


def parse_counts(
    frame: pd.DataFrame,
    people_col: str,
    groups_col: str,
    *,
    label: str,
    problems: list[Problem],
    notes: list,
    required: bool,
    names: Mapping[str, str] | None = None,
    decisions: list[Problem] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """People and family/household counts as whole numbers, one estimated from the other.

    A missing people count is groups × ``settings.PERSONS_PER_FAMILY`` rounded; a missing
    groups count is people / ``PERSONS_PER_FAMILY`` rounded up. Counts are quantities for
    :func:`parse_numbers` (thousands separators read in the column's own style).

    Parameters
    ----------
    frame
        Columns already renamed.
    people_col, groups_col
        The two count columns (``persons``/``families``, ``population``/``households``).
    label
        File named in problems and notes.
    problems
        Gets one problem per cell that is not a number, not finite, absurd, negative or not
        whole; when ``required``, one when both columns are absent and one per row where both
        are blank.
    notes
        Gets a note per estimate made and, when not ``required``, on counts taken as 0.
    required
        Whether each row must have a count.
    names
        Canonical name → the file's own header, to name columns as the file does.
    decisions
        Gets the decisions on number formats.

    Returns
    -------
    people, groups
        ``int64`` series (floats, untouched, when a problem was found: the caller raises).
    """
    names = names or {}
    ppf = settings.PERSONS_PER_FAMILY
    have_people, have_groups = people_col in frame.columns, groups_col in frame.columns
    # a column the file has is named as the file names it; one it lacks, in the reader's words
    shown_people = (names.get(people_col, people_col) if have_people
                    else Term(f"column.{people_col}"))
    shown_groups = (names.get(groups_col, groups_col) if have_groups
                    else Term(f"column.{groups_col}"))
    if not have_people and not have_groups:
        zero = pd.Series(0, index=frame.index, dtype="int64")
        if required:
            problems.append(Problem.keyed("counts_no_columns", source=label, people=shown_people,
                                          groups=shown_groups))
            return zero, zero.copy()
        notes.append(Problem.keyed("counts_absent_zero", people=shown_people,
                                   groups=shown_groups))
        return zero, zero.copy()
    nan = pd.Series(np.nan, index=frame.index)
    found: list[Problem] = []
    people = (
        parse_numbers(frame[people_col], column=shown_people, label=label, problems=found,
                      quantity=True, decisions=decisions)
        if have_people
        else nan
    )
    groups = (
        parse_numbers(frame[groups_col], column=shown_groups, label=label, problems=found,
                      quantity=True, decisions=decisions)
        if have_groups
        else nan
    )
    for series, col in ((people, shown_people), (groups, shown_groups)):
        check_non_negative(series, col, label=label, problems=found)
        frac = series.notna() & (series != np.floor(series))
        for pos in np.flatnonzero(frac.to_numpy()):
            found.append(Problem.keyed("not_whole", source=label, row=int(pos) + 1,
                                       column=col, value=series.iloc[pos]))
    problems.extend(sorted(found, key=lambda p: (p.row or 0, p.column or "")))
    est_people = people.isna() & groups.notna()
    est_groups = groups.isna() & people.notna()
    people = people.where(~est_people, (groups * ppf).round())
    groups = groups.where(~est_groups, np.ceil(people / ppf))
    if est_people.any():
        notes.append(Problem.keyed("people_estimated", people=shown_people,
                                   n=int(est_people.sum()), groups=shown_groups, ppf=f"{ppf:g}"))
    if est_groups.any():
        notes.append(Problem.keyed("groups_estimated", groups=shown_groups,
                                   n=int(est_groups.sum()), people=shown_people, ppf=f"{ppf:g}"))
    both = people.isna() & groups.isna()
    if required:
        for pos in np.flatnonzero(both.to_numpy()):
            problems.append(Problem.keyed("counts_both_missing", source=label, row=int(pos) + 1,
                                          people=shown_people, groups=shown_groups))
    elif both.any():
        notes.append(Problem.keyed("counts_missing_zero", people=shown_people,
                                   groups=shown_groups, n=int(both.sum())))
    people, groups = people.fillna(0), groups.fillna(0)
    if problems:  # the caller raises; keep the floats as they are
        return people, groups
    return people.astype("int64"), groups.astype("int64")


def check_non_negative(
    values: pd.Series, column: str, *, label: str, problems: list[Problem]
) -> None:
    """Append one problem per negative value (NaN is not negative)."""
    for pos in np.flatnonzero((values < 0).to_numpy()):
        problems.append(Problem.keyed("negative", source=label, row=int(pos) + 1,
                                      column=column, value=values.iloc[pos]))


def make_ids(
    values: pd.Series | None,
    *,
    index: pd.Index,
    prefix: str,
    notes: list,
    zero_pad: int | None = None,
) -> pd.Series:
    """Unique text ids: blanks generated from the row number, duplicates suffixed.

    Parameters
    ----------
    values
        The id column, or ``None`` when the file has none (every id is then generated).
    index
        Index of the result when ``values`` is ``None``.
    prefix
        Generated ids are ``<prefix>-<row, 3 digits>`` (``ALB-001``).
    notes
        Gets a note (a keyed :class:`~geo.errors.Problem`) on ids generated and one on
        duplicates renamed (the first ten named).
    zero_pad
        Width all-digit ids are left-padded to with zeros (6 for INEI ubigeos).

    Returns
    -------
    Series
        Text ids; the first of equal ids is kept, the next become ``<id>-2``, ``<id>-3``…
        skipping any suffix already taken.
    """
    if values is None:
        values = pd.Series("", index=index)
    ids = values.map(cell_text)
    if zero_pad:
        ids = ids.map(lambda v: v.zfill(zero_pad) if v.isdigit() else v)
    blank = ids.eq("")
    if blank.any():
        ids[blank] = [f"{prefix}-{i + 1:03d}" for i in np.flatnonzero(blank.to_numpy())]
        notes.append(Problem.keyed("ids_generated", n=int(blank.sum())))
    counts: dict[str, int] = {}
    renamed: list[str] = []
    seen = set(ids)
    fixed = []
    for value in ids:
        counts[value] = counts.get(value, 0) + 1
        if counts[value] == 1:
            fixed.append(value)
            continue
        k = counts[value]
        while f"{value}-{k}" in seen:
            k += 1
        new = f"{value}-{k}"
        seen.add(new)
        renamed.append(f"{value}→{new}")
        fixed.append(new)
    if renamed:
        notes.append(Problem.keyed("ids_made_unique", renamed=", ".join(renamed[:10])
                                   + (" …" if len(renamed) > 10 else "")))
    return pd.Series(fixed, index=values.index, dtype=str)


def cell_text(value: object) -> str:
    """A cell as stripped text: ``""`` for None/NaN, whole floats without ``.0``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def clean_text(
    values: pd.Series | None, *, default: pd.Series | str, index: pd.Index
) -> pd.Series:
    """Cells as stripped text (:func:`cell_text`); blanks, or a missing column, ``default``."""
    if values is None:
        values = pd.Series("", index=index)
    text = values.map(cell_text).astype(str)
    return text.where(text != "", default)


def parse_categories(
    values: pd.Series | None,
    aliases: Mapping[str, str],
    default: str,
    *,
    index: pd.Index,
    column: str,
    label: str,
    problems: list[Problem],
    notes: list,
    strict: bool,
    shown: str | None = None,
) -> pd.Series:
    """Normalise a category column through its aliases; blanks take ``default``.

    Parameters
    ----------
    values
        The column, or ``None`` when the file has none (every row ``default``, with a note).
    aliases
        Normalised value (:func:`geo.schema.normalise_header`) → category.
    default
        Category of blank cells (and of every row when the column is absent), as the
        messages of the column name it: ``open`` for ``status``, ``other`` for ``kind``.
    index, column, label
        Index of the result when ``values`` is ``None``; the canonical column (``status``,
        ``kind``: its messages ``<column>_column_absent``, ``<column>_unknown`` and
        ``<column>_values_unknown`` of :mod:`geo.i18n` list the words accepted, in each
        language) and the file named in messages.
    problems, notes
        An unknown value is one problem per row when ``strict``, else one note and
        ``default``.
    shown
        The column as the file names it, for the problems' location (default ``column``).
    """
    if values is None:
        notes.append(Problem.keyed(f"{column}_column_absent"))
        return pd.Series(default, index=index, dtype=str)
    keys = values.map(lambda v: schema.normalise_header(cell_text(v)))
    mapped = keys.map(lambda k: aliases.get(k, default if k == "" else None))
    unknown = mapped.isna()
    if unknown.any():
        if strict:
            for pos in np.flatnonzero(unknown.to_numpy()):
                problems.append(Problem.keyed(f"{column}_unknown", source=label,
                                              row=int(pos) + 1, column=shown or column,
                                              value=values.iloc[pos]))
        else:
            found = sorted(set(values[unknown].astype(str)))
            notes.append(Problem.keyed(f"{column}_values_unknown",
                                       values=", ".join(found[:8])))
    return mapped.fillna(default).astype(str)


def _rows_where(mask: pd.Series) -> list[int]:
    """1-based positions of the True cells."""
    return (np.flatnonzero(mask.to_numpy()) + 1).tolist()

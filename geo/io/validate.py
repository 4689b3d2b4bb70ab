"""Checking cell values: frames in, values out, every problem and change written down.

Pure functions on pandas objects, no file access. Each takes the ``problems`` list (things
that make the input unusable: the caller raises one :class:`~geo.errors.InputError` listing
them all) and, where it changes usable input, the ``notes`` list (reported as warnings), and
appends to them. Row numbers in problems and notes count data rows from 1 by position, so
give series in file order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo import schema, settings
from geo.errors import Problem

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
    """Row numbers for a message: ``"1, 2, 3"``, the first ``limit`` then how many in all."""
    text = ", ".join(map(str, rows[:limit]))
    return text + (f" … ({len(rows)} in all)" if len(rows) > limit else "")


def parse_numbers(
    values: pd.Series,
    *,
    column: str,
    label: str,
    problems: list[Problem],
    required: bool = False,
) -> pd.Series:
    """Cells as floats; a decimal comma is accepted; NaN where blank or unparseable.

    Parameters
    ----------
    values
        Text cells (or an already numeric column).
    column, label
        Column and file named in problems.
    problems
        Gets one problem per cell that is not a number and, when ``required``, one per blank.
    """
    if pd.api.types.is_numeric_dtype(values):
        parsed = values.astype(float)
        text = values.astype(str)
        blank = values.isna()
    else:
        text = values.astype(str).str.strip()
        parsed = pd.to_numeric(text.str.replace(*_DECIMAL_COMMA, regex=True), errors="coerce")
        blank = text.isin(_BLANKS)
    for pos in np.flatnonzero(parsed.isna().to_numpy() & ~blank.to_numpy()):
        problems.append(
            Problem.keyed("not_a_number", source=label, row=int(pos) + 1, column=column,
                          value=text.iloc[pos])
        )
    if required:
        for pos in np.flatnonzero(blank.to_numpy()):
            problems.append(
                Problem.keyed("value_missing", source=label, row=int(pos) + 1, column=column)
            )
    return parsed


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

    Returns
    -------
    lat, lon
        Degrees as floats; two empty series when a column is missing.
    """
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        problems.append(
            Problem(
                f"no {' and no '.join('latitude' if c == 'lat' else 'longitude' for c in missing)} "
                f"column (columns found: {', '.join(map(str, headers))})",
                source=label,
                fix="name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
                "#geo+lat/#geo+lon in an HXL row",
            )
        )
        return pd.Series(dtype=float), pd.Series(dtype=float)
    lat = parse_numbers(frame["lat"], column="lat", label=label, problems=problems, required=True)
    lon = parse_numbers(frame["lon"], column="lon", label=label, problems=problems, required=True)
    return lat, lon


def check_coordinates(
    lon: pd.Series,
    lat: pd.Series,
    area: tuple[float, float, float, float],
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Range-check degrees, fix swapped latitude/longitude, flag points outside the area.

    A row is swapped when its (lon, lat) falls outside ``area`` and (lat, lon) falls inside.

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

    Returns
    -------
    lon, lat, outside
        Corrected degrees, and True where the point lies outside ``area``.
    """
    lon, lat = lon.astype(float).copy(), lat.astype(float).copy()
    minx, miny, maxx, maxy = area

    def inside(x: pd.Series, y: pd.Series) -> pd.Series:
        return x.between(minx, maxx) & y.between(miny, maxy)

    swapped = ~inside(lon, lat) & inside(lat, lon)
    if swapped.any():
        given_lon, given_lat = lon.to_numpy(copy=True), lat.to_numpy(copy=True)
        lon = pd.Series(np.where(swapped, given_lat, given_lon), index=lon.index)
        lat = pd.Series(np.where(swapped, given_lon, given_lat), index=lat.index)
        notes.append(
            (
                "latitude and longitude columns are swapped"
                if swapped.all()
                else f"latitude and longitude swapped in rows {format_rows(_rows_where(swapped))}"
            )
            + ": the swapped values fall in the study area and the given ones do not; "
            "corrected — check the file's column headers"
        )
    bad_lat = ~lat.between(-90, 90) & lat.notna()
    bad_lon = ~lon.between(-180, 180) & lon.notna()
    looks_projected = bool((bad_lat | bad_lon).all()) and (lon.abs() > 1000).any()
    for pos in np.flatnonzero(bad_lat.to_numpy()):
        problems.append(
            Problem(
                f"latitude {lat.iloc[pos]} is outside −90…90",
                source=label,
                row=int(pos) + 1,
                column="lat",
                fix="give degrees in WGS84 (e.g. −3.7481)",
            )
        )
    for pos in np.flatnonzero(bad_lon.to_numpy()):
        problems.append(
            Problem(
                f"longitude {lon.iloc[pos]} is outside −180…180",
                source=label,
                row=int(pos) + 1,
                column="lon",
                fix="give degrees in WGS84 (e.g. −73.2529)",
            )
        )
    if looks_projected:
        problems.append(
            Problem(
                "the coordinates look like metres in a projected system, not degrees",
                source=label,
                fix="give WGS84 latitude/longitude in degrees, or a GeoPackage/Shapefile that "
                "carries its coordinate system",
            )
        )
    outside = ~inside(lon, lat)
    if outside.any() and not problems:
        rows = _rows_where(outside)
        notes.append(
            f"{len(rows)} point(s) far outside the study area (rows {format_rows(rows)}): "
            "kept and flagged in 'outside_study_area'"
        )
    return lon, lat, outside


def parse_counts(
    frame: pd.DataFrame,
    people_col: str,
    groups_col: str,
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
    required: bool,
) -> tuple[pd.Series, pd.Series]:
    """People and family/household counts as whole numbers, one estimated from the other.

    A missing people count is groups × ``settings.PERSONS_PER_FAMILY`` rounded; a missing
    groups count is people / ``PERSONS_PER_FAMILY`` rounded up.

    Parameters
    ----------
    frame
        Columns already renamed.
    people_col, groups_col
        The two count columns (``persons``/``families``, ``population``/``households``).
    label
        File named in problems and notes.
    problems
        Gets one problem per cell that is not a number, negative or not whole; when
        ``required``, one when both columns are absent and one per row where both are blank.
    notes
        Gets a note per estimate made and, when not ``required``, on counts taken as 0.
    required
        Whether each row must have a count.

    Returns
    -------
    people, groups
        ``int64`` series (floats, untouched, when a problem was found: the caller raises).
    """
    ppf = settings.PERSONS_PER_FAMILY
    have_people, have_groups = people_col in frame.columns, groups_col in frame.columns
    if not have_people and not have_groups:
        if required:
            problems.append(
                Problem(
                    f"no {people_col} and no {groups_col} column",
                    source=label,
                    fix=f"add a '{people_col}' (or '{groups_col}') column",
                )
            )
            empty = pd.Series(0, index=frame.index, dtype="int64")
            return empty, empty
        notes.append(f"no {people_col}/{groups_col} columns: taken as 0")
        zero = pd.Series(0, index=frame.index, dtype="int64")
        return zero, zero.copy()
    nan = pd.Series(np.nan, index=frame.index)
    people = (
        parse_numbers(frame[people_col], column=people_col, label=label, problems=problems)
        if have_people
        else nan
    )
    groups = (
        parse_numbers(frame[groups_col], column=groups_col, label=label, problems=problems)
        if have_groups
        else nan
    )
    for series, col in ((people, people_col), (groups, groups_col)):
        check_non_negative(series, col, label=label, problems=problems)
        frac = series.notna() & (series != np.floor(series))
        for pos in np.flatnonzero(frac.to_numpy()):
            problems.append(
                Problem(
                    f"{series.iloc[pos]} is not a whole number",
                    source=label,
                    row=int(pos) + 1,
                    column=col,
                    fix="give a count",
                )
            )
    est_people = people.isna() & groups.notna()
    est_groups = groups.isna() & people.notna()
    people = people.where(~est_people, (groups * ppf).round())
    groups = groups.where(~est_groups, np.ceil(people / ppf))
    if est_people.any():
        notes.append(
            f"{people_col} of {int(est_people.sum())} row(s) estimated as {groups_col} × {ppf:g}"
        )
    if est_groups.any():
        notes.append(
            f"{groups_col} of {int(est_groups.sum())} row(s) estimated as "
            f"{people_col} / {ppf:g}, rounded up"
        )
    both = people.isna() & groups.isna()
    if required:
        for pos in np.flatnonzero(both.to_numpy()):
            problems.append(
                Problem(
                    f"both {people_col} and {groups_col} are missing",
                    source=label,
                    row=int(pos) + 1,
                    fix=f"give at least {people_col}",
                )
            )
    elif both.any():
        notes.append(f"{people_col}/{groups_col} missing in {int(both.sum())} row(s): taken as 0")
    people, groups = people.fillna(0), groups.fillna(0)
    if problems:  # the caller raises; keep the floats as they are
        return people, groups
    return people.astype("int64"), groups.astype("int64")


def check_non_negative(
    values: pd.Series, column: str, *, label: str, problems: list[Problem]
) -> None:
    """Append one problem per negative value (NaN is not negative)."""
    for pos in np.flatnonzero((values < 0).to_numpy()):
        problems.append(
            Problem(
                f"{values.iloc[pos]} is negative",
                source=label,
                row=int(pos) + 1,
                column=column,
                fix="give zero or a positive number",
            )
        )


def make_ids(
    values: pd.Series | None,
    *,
    index: pd.Index,
    prefix: str,
    notes: list[str],
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
        Gets a note on ids generated and one on duplicates renamed (the first ten named).
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
        notes.append(f"{int(blank.sum())} missing id(s) generated from the row number")
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
        notes.append(
            f"duplicate id(s) made unique: {', '.join(renamed[:10])}"
            + (" …" if len(renamed) > 10 else "")
        )
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
    notes: list[str],
    strict: bool,
) -> pd.Series:
    """Normalise a category column through its aliases; blanks take ``default``.

    Parameters
    ----------
    values
        The column, or ``None`` when the file has none (every row ``default``, with a note).
    aliases
        Normalised value (:func:`geo.schema.normalise_header`) → category.
    default
        Category of blank cells.
    index, column, label
        Index of the result when ``values`` is ``None``; column and file named in messages.
    problems, notes
        An unknown value is one problem per row when ``strict``, else one note and
        ``default``.
    """
    if values is None:
        notes.append(f"no '{column}' column: every row taken as '{default}'")
        return pd.Series(default, index=index, dtype=str)
    keys = values.map(lambda v: schema.normalise_header(cell_text(v)))
    mapped = keys.map(lambda k: aliases.get(k, default if k == "" else None))
    unknown = mapped.isna()
    if unknown.any():
        accepted = sorted(set(aliases.values()))
        if strict:
            for pos in np.flatnonzero(unknown.to_numpy()):
                problems.append(
                    Problem(
                        f"unknown {column} '{values.iloc[pos]}'",
                        source=label,
                        row=int(pos) + 1,
                        column=column,
                        fix=f"use one of: {', '.join(accepted)} (or in Spanish)",
                    )
                )
        else:
            found = sorted(set(values[unknown].astype(str)))
            notes.append(
                f"unknown {column} value(s) {', '.join(found[:8])} taken as "
                f"'{default}' (accepted: {', '.join(accepted)})"
            )
    return mapped.fillna(default).astype(str)


def _rows_where(mask: pd.Series) -> list[int]:
    """1-based positions of the True cells."""
    return (np.flatnonzero(mask.to_numpy()) + 1).tolist()

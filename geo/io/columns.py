"""Which column is which: canonical names from a file's headers and HXL tags.

Aliases and tags are those of :mod:`geo.schema`; headers are compared after
:func:`geo.schema.normalise_header`. A column that already carries a canonical name that an
alias claims for another column is kept as ``<name>_original``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo import schema
from geo.errors import Problem

__all__ = ["columns_as_given", "rename_aliases", "rename_columns"]


def rename_aliases(frame: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rename, for each canonical name, the first column matching its aliases.

    Parameters
    ----------
    frame
        Any frame (its ``attrs`` are kept).
    aliases
        Canonical name → normalised aliases, tried in order; when two columns normalise to
        the same alias, the leftmost is taken.

    Returns
    -------
    DataFrame
        A copy with canonical names; a column whose name a renamed column takes becomes
        ``<name>_original``. ``attrs["columns_as_given"]`` maps each canonical name to the
        file's own header (to name columns in messages as the file does).
    """
    normal = {schema.normalise_header(c): c for c in reversed(frame.columns)}
    renames: dict[str, str] = {}
    for canonical, names in aliases.items():
        for alias in names:
            original = normal.get(alias)
            if original is not None and original not in renames:
                renames[original] = canonical
                break
    taken = set(renames.values())
    clashes = {c: f"{c}_original" for c in frame.columns if c in taken and c not in renames}
    given = dict(frame.attrs.get("columns_as_given", {}))
    for original, canonical in renames.items():
        if str(original) != canonical or canonical not in given:
            given[canonical] = str(original)
    out = frame.rename(columns={**clashes, **renames})
    out.attrs["columns_as_given"] = given
    return out


def rename_columns(
    frame: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    hxl: bool,
    hxl_map: Mapping[str, str],
    *,
    label: str = "",
    notes: list | None = None,
) -> pd.DataFrame:
    """Canonical names (and ``lat``/``lon``) from HXL tags first, when present, then headers.

    Parameters
    ----------
    frame
        A table from :func:`geo.io.tables.read_table`.
    aliases
        Canonical name → header aliases (``lat``/``lon`` aliases of :mod:`geo.schema` added).
    hxl
        Whether the table had an HXL tag row (tags in ``frame.attrs["hxl"]``).
    hxl_map
        HXL tag → canonical name, matched by :func:`geo.schema.hxl_canonical`;
        ``#geo+lat``/``#geo+lon`` always map to ``lat``/``lon``.
    label
        File named in notes.
    notes
        Gets one note per column whose HXL tag says something else than its header (the
        tag wins: it is the standard's meaning).
    """
    aliases_all = {**aliases, "lat": schema.LAT_ALIASES, "lon": schema.LON_ALIASES}
    if hxl:
        tags = frame.attrs.get("hxl", {})
        by_header = _header_meanings(frame.columns, aliases_all)
        by_tag: dict[str, str] = {}
        for col, tag in tags.items():
            canonical = schema.hxl_canonical(tag, dict(hxl_map))
            if canonical is None and tag in ("#geo+lat", "#geo+lon"):
                canonical = tag[5:]
            if canonical and canonical not in by_tag.values():
                by_tag[col] = canonical
                header = by_header.get(col)
                if notes is not None and header and header != canonical:
                    notes.append(Problem.keyed("hxl_contradicts_header", source=label or None,
                                               column=str(col), tag=tag, header=header,
                                               meaning=canonical))
        given = {canonical: str(col) for col, canonical in by_tag.items()}
        attrs = dict(frame.attrs)
        frame = frame.rename(columns=by_tag)
        frame.attrs = {**attrs, "columns_as_given": given}
    present = set(frame.columns)
    return rename_aliases(frame, {k: v for k, v in aliases_all.items() if k not in present})


def _header_meanings(columns, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Column → the canonical name its header alone would get."""
    out = {}
    for col in columns:
        key = schema.normalise_header(col)
        for canonical, names in aliases.items():
            if key == canonical or key in names:
                out[col] = canonical
                break
    return out


def columns_as_given(frame: pd.DataFrame) -> dict[str, str]:
    """Canonical column name → the file's own header (from :func:`rename_aliases`)."""
    return dict(frame.attrs.get("columns_as_given", {}))

"""Which column is which: canonical names from a file's headers and HXL tags.

Aliases and tags are those of :mod:`geo.schema`; headers are compared after
:func:`geo.schema.normalise_header`. A column that already carries a canonical name that an
alias claims for another column is kept as ``<name>_original``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo import schema

__all__ = ["rename_aliases", "rename_columns"]


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
        ``<name>_original``.
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
    return frame.rename(columns={**clashes, **renames})


def rename_columns(
    frame: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    hxl: bool,
    hxl_map: Mapping[str, str],
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
        HXL tag (full, or its base hashtag) → canonical name; ``#geo+lat``/``#geo+lon`` always
        map to ``lat``/``lon``.
    """
    if hxl:
        tags = frame.attrs.get("hxl", {})
        by_tag = {}
        for col, tag in tags.items():
            base = tag.split("+")[0]
            canonical = hxl_map.get(tag) or hxl_map.get(base)
            if canonical and canonical not in by_tag.values():
                by_tag[col] = canonical
            elif tag == "#geo+lat" or tag == "#geo+lon":
                by_tag[col] = tag[5:]
        frame = frame.rename(columns=by_tag)
    aliases_all = {**aliases, "lat": schema.LAT_ALIASES, "lon": schema.LON_ALIASES}
    present = set(frame.columns)
    return rename_aliases(frame, {k: v for k, v in aliases_all.items() if k not in present})

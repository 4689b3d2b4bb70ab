"""Needs of the displaced: a needs profile turned into quantities.

A profile maps an item to either a ``per_person`` or a ``per_family`` rate, a ``unit`` and the
``source`` of the figure (default: :data:`geo.settings.NEEDS_PROFILE`, Sphere and IOM figures).

- ``per_person`` items: quantity = rate × persons (not rounded: 1 latrine per 20 people for
  30 people is 1.5; round at the level you plan for).
- ``per_family`` items: quantity = rate × ⌈persons ÷ ``settings.PERSONS_PER_FAMILY``⌉.

Totals for a district or overall are computed from the summed persons of that level, not by
adding up rounded community figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo import settings
from geo.errors import InputError, Num, Problem

__all__ = ["NEEDS_COLUMNS", "needs_for_persons", "needs_table"]

#: Columns of :func:`needs_for_persons` (keys of :func:`needs_table` come first there).
NEEDS_COLUMNS: tuple[str, ...] = (
    "displaced_persons", "families", "item", "unit", "basis", "rate", "quantity", "source",
)


def _items(profile: Mapping[str, Mapping[str, object]]) -> list[tuple[str, str, float, str, str]]:
    problems, items = [], []
    for item, spec in profile.items():
        bases = [b for b in ("per_person", "per_family") if b in spec]
        if len(bases) != 1:
            problems.append(Problem.keyed("needs_rate_basis", item=str(item)))
            continue
        rate = spec[bases[0]]
        try:
            rate = float(rate)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Problem.keyed("needs_rate_not_a_number", item=str(item)))
            continue
        if not math.isfinite(rate):
            problems.append(Problem.keyed("needs_rate_not_a_number", item=str(item)))
            continue
        if rate < 0:
            problems.append(Problem.keyed("needs_rate_negative", item=str(item), rate=Num(rate)))
            continue
        items.append((item, bases[0], rate, str(spec.get("unit", "")),
                      str(spec.get("source", ""))))
    if problems:
        raise InputError(problems)
    return items


def _quantities(persons: np.ndarray, profile: Mapping[str, Mapping[str, object]] | None,
                persons_per_family: float | None) -> pd.DataFrame:
    """:data:`NEEDS_COLUMNS` for every total of ``persons`` (one block of item rows each),
    computed as arrays: no loop or frame per total."""
    profile = settings.NEEDS_PROFILE if profile is None else profile
    ppf = float(settings.PERSONS_PER_FAMILY if persons_per_family is None else persons_per_family)
    if not math.isfinite(ppf):
        raise InputError(Problem.keyed("needs_family_size_not_a_number"))
    if not ppf > 0:
        raise InputError(Problem.keyed("needs_family_size", value=Num(ppf)))
    items = _items(profile)
    p = np.asarray(persons, dtype=np.float64).ravel()
    p = np.where(np.isfinite(p) & (p > 0), p, 0.0)
    # ceil with a 1e-9 allowance, so that 9.4 persons / 4.7 is 2 families, not 3
    families = np.where(p > 0, np.ceil(p / ppf - 1e-9), 0.0).astype(np.int64)
    k = len(items)
    names, bases, rates, units, sources = (list(c) for c in zip(*items, strict=True)) \
        if k else ([], [], [], [], [])
    rate = np.asarray(rates, dtype=np.float64)
    per_person = np.asarray([b == "per_person" for b in bases], dtype=bool)
    rep_p = np.repeat(p, k)
    rep_f = np.repeat(families, k)
    tiled_rate = np.tile(rate, p.size)
    # the same float64 product as rate × persons (or × an integer number of families)
    quantity = tiled_rate * np.where(np.tile(per_person, p.size), rep_p, rep_f)

    def tiled(values: list[str]) -> np.ndarray:
        return np.tile(np.asarray(values, dtype=object), p.size)

    return pd.DataFrame({
        "displaced_persons": rep_p, "families": rep_f, "item": tiled(names),
        "unit": tiled(units), "basis": tiled(bases), "rate": tiled_rate,
        "quantity": quantity, "source": tiled(sources),
    }, columns=list(NEEDS_COLUMNS))


def needs_for_persons(
    persons: float,
    *,
    profile: Mapping[str, Mapping[str, object]] | None = None,
    persons_per_family: float | None = None,
) -> pd.DataFrame:
    """Quantities of each item of the profile for ``persons`` displaced people.

    Parameters
    ----------
    persons
        Displaced persons (may be fractional: an estimate). Missing, non-finite and negative
        values count as 0.
    profile
        Needs profile; ``settings.NEEDS_PROFILE`` when ``None``.
    persons_per_family
        Family size for ``per_family`` items; ``settings.PERSONS_PER_FAMILY`` when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per item with :data:`NEEDS_COLUMNS`.
    """
    value = np.nan if persons is None else float(persons)
    return _quantities(np.array([value]), profile, persons_per_family)


def needs_table(
    frame: pd.DataFrame,
    *,
    persons_column: str,
    keys: Sequence[str],
    profile: Mapping[str, Mapping[str, object]] | None = None,
    persons_per_family: float | None = None,
) -> pd.DataFrame:
    """Needs for each group of ``frame``: persons are summed per group of ``keys`` first.

    One grouped sum and one set of array operations for all groups together (no frame per
    group): thousands of communities cost milliseconds.

    Parameters
    ----------
    frame
        Any table with a persons column (e.g. ``displaced_est`` per community and scenario).
    persons_column
        Column holding displaced persons.
    keys
        Columns that define a group (e.g. ``["scenario", "district"]``); empty for one total.

    Returns
    -------
    pandas.DataFrame
        ``keys`` then :data:`NEEDS_COLUMNS`, one row per group and item; groups in the order
        they first appear in ``frame``, items in the profile's order.
    """
    keys = list(keys)
    persons = pd.to_numeric(frame[persons_column], errors="coerce").fillna(0.0)
    if not keys:
        return _quantities(np.array([float(persons.sum())]), profile, persons_per_family)
    data = frame[keys].assign(_persons=persons.to_numpy())
    grouped = data.groupby(keys, sort=False, dropna=False)["_persons"].sum()
    out = _quantities(grouped.to_numpy(), profile, persons_per_family)
    k = len(out) // len(grouped) if len(grouped) else 0
    if len(grouped) == 0:
        for name in reversed(keys):
            out.insert(0, name, pd.Series(dtype=frame[name].dtype))
        return out
    index = grouped.index
    for level, name in enumerate(keys):
        values = index.get_level_values(level) if isinstance(index, pd.MultiIndex) else index
        out.insert(level, name, values.repeat(k).to_numpy())
    return out

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
from geo.errors import InputError, Problem

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
            problems.append(Problem(
                f"item '{item}' needs exactly one of per_person / per_family",
                source="needs profile", fix="give one rate per item",
            ))
            continue
        rate = spec[bases[0]]
        try:
            rate = float(rate)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Problem(f"item '{item}': rate {rate!r} is not a number",
                                    source="needs profile"))
            continue
        if not math.isfinite(rate) or rate < 0:
            problems.append(Problem(f"item '{item}': rate {rate} must be ≥ 0",
                                    source="needs profile"))
            continue
        items.append((item, bases[0], rate, str(spec.get("unit", "")),
                      str(spec.get("source", ""))))
    if problems:
        raise InputError(problems)
    return items


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
        Displaced persons (may be fractional: an estimate).
    profile
        Needs profile; ``settings.NEEDS_PROFILE`` when ``None``.
    persons_per_family
        Family size for ``per_family`` items; ``settings.PERSONS_PER_FAMILY`` when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per item with :data:`NEEDS_COLUMNS`.
    """
    profile = settings.NEEDS_PROFILE if profile is None else profile
    ppf = float(settings.PERSONS_PER_FAMILY if persons_per_family is None else persons_per_family)
    if not ppf > 0:
        raise InputError(Problem(f"persons per family must be > 0, got {ppf}",
                                 source="needs profile"))
    persons = float(persons) if persons is not None and np.isfinite(persons) else 0.0
    persons = max(persons, 0.0)
    families = math.ceil(persons / ppf - 1e-9) if persons > 0 else 0
    rows = []
    for item, basis, rate, unit, source in _items(profile):
        qty = rate * (persons if basis == "per_person" else families)
        rows.append((persons, families, item, unit, basis, rate, qty, source))
    frame = pd.DataFrame(rows, columns=list(NEEDS_COLUMNS))
    return frame.astype({"displaced_persons": "float64", "families": "int64",
                         "rate": "float64", "quantity": "float64"})


def needs_table(
    frame: pd.DataFrame,
    *,
    persons_column: str,
    keys: Sequence[str],
    profile: Mapping[str, Mapping[str, object]] | None = None,
    persons_per_family: float | None = None,
) -> pd.DataFrame:
    """Needs for each group of ``frame``: persons are summed per group of ``keys`` first.

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
        ``keys`` then :data:`NEEDS_COLUMNS`, one row per group and item.
    """
    keys = list(keys)
    persons = pd.to_numeric(frame[persons_column], errors="coerce").fillna(0.0)
    data = frame[keys].assign(_persons=persons.to_numpy()) if keys else None
    parts = []
    if keys:
        grouped = data.groupby(keys, sort=False, dropna=False)["_persons"].sum()
        for key, total in grouped.items():
            key = key if isinstance(key, tuple) else (key,)
            part = needs_for_persons(total, profile=profile,
                                     persons_per_family=persons_per_family)
            for name, value in zip(keys, key, strict=True):
                part.insert(len(part.columns) - len(NEEDS_COLUMNS), name, value)
            parts.append(part)
    else:
        parts.append(needs_for_persons(float(persons.sum()), profile=profile,
                                       persons_per_family=persons_per_family))
    if not parts:
        empty = needs_for_persons(0.0, profile=profile, persons_per_family=persons_per_family)
        empty = empty.iloc[0:0]
        for name in reversed(keys):
            empty.insert(0, name, pd.Series(dtype=frame[name].dtype))
        return empty.reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)

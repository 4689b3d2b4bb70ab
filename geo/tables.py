"""Results as a planner reads them: tables with translated headers and labels, whole persons,
rounded minutes and metres, and empty cells where a value does not apply.

Each builder takes an engine's frame and a language and returns a :class:`Table`: its
``frame`` keeps numbers as numbers (rounded; NaN where the cell is empty) so a table still
sorts by value, and :meth:`Table.display` writes every cell the ``lang`` way
(:mod:`geo.format`: ``49 732`` and ``0,7`` in Spanish). Codes become words (``over_capacity``
→ "albergues llenos"), ``None`` becomes an empty cell, and a column that makes no sense for a
row is left empty for it (no spare capacity for a flooded centre, no distance to the water for
a centre under it). The app shows these tables; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from geo.export.table import is_missing
from geo.format import format_number
from geo.i18n import STRINGS, t
from geo.inputs import scenario_label
from geo.schema import operating_status

__all__ = [
    "Table",
    "area_nearest_table",
    "area_scenarios_table",
    "assignments_table",
    "capacity_table",
    "centres_table",
    "communities_table",
    "compare_table",
    "label",
    "needs_table",
    "scenario_label",
    "season_centres_table",
    "season_communities_table",
    "sites_table",
]


@dataclass(frozen=True)
class Table:
    """A readable table.

    Attributes
    ----------
    frame
        Headers in ``lang``; numeric columns rounded (NaN: empty), text columns as text
        (``""``: empty).
    decimals
        Decimal places of each numeric column, by header.
    lang
        ``es`` or ``en``.
    """

    frame: pd.DataFrame
    decimals: dict[str, int] = field(default_factory=dict)
    lang: str = "es"

    def display(self) -> pd.DataFrame:
        """Every cell as text, written the ``lang`` way (empty where there is no value)."""
        out = self.frame.copy()
        for column in out.columns:
            if column in self.decimals:
                out[column] = [format_number(v, self.lang, decimals=self.decimals[column])
                               for v in out[column]]
            else:
                out[column] = ["" if is_missing(v) else str(v) for v in out[column]]
        return out

    def styler(self):
        """A pandas ``Styler`` showing :meth:`display`'s text over the numbers (so the table
        sorts by value and reads the ``lang`` way)."""
        formats: dict[str, Callable[[Any], str]] = {
            c: (lambda v, d=d: format_number(v, self.lang, decimals=d))
            for c, d in self.decimals.items()}
        return self.frame.style.format(formats, na_rep="").format(
            lambda v: "" if is_missing(v) else str(v),
            subset=[c for c in self.frame.columns if c not in self.decimals])


def label(prefix: str, value: object, lang: str) -> str:
    """The ``lang`` word for a code (``t(f"{prefix}_{value}")``); empty for a missing value,
    the value itself when it has no word."""
    if is_missing(value) or value == "":
        return ""
    key = f"{prefix}_{value}"
    return t(key, lang) if key in STRINGS else str(value)


@lru_cache(maxsize=1)
# --------------------------------------------------------------------------- building blocks
@dataclass(frozen=True)
class _Col:
    """One column: source column, header key, and how values are shown."""

    source: str
    header: str
    decimals: int | None = None  # None: text
    codes: str | None = None  # i18n prefix of a coded column
    scale: float = 1.0


def _build(frame: pd.DataFrame, columns: Sequence[_Col], lang: str) -> Table:
    data: dict[str, Any] = {}
    decimals: dict[str, int] = {}
    for col in columns:
        header = t(col.header, lang)
        values = frame[col.source] if col.source in frame.columns else pd.Series(
            np.nan, index=frame.index)
        if col.decimals is not None:
            numbers = pd.to_numeric(values, errors="coerce").astype("float64") * col.scale
            data[header] = numbers.round(col.decimals).to_numpy()
            decimals[header] = col.decimals
        elif col.codes is not None:
            data[header] = [label(col.codes, v, lang) for v in values]
        else:
            data[header] = ["" if is_missing(v) else str(v) for v in values]
    return Table(pd.DataFrame(data).reset_index(drop=True), decimals, lang)


def _blank(frame: pd.DataFrame, columns: Sequence[str], where) -> pd.DataFrame:
    """``frame`` with ``columns`` emptied (NaN) on the rows where ``where`` is True."""
    out = frame.copy()
    mask = np.asarray(where, dtype=bool)
    for column in columns:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
            out.loc[mask, column] = np.nan
    return out


# --------------------------------------------------------------------------- the app's tables
def centres_table(centres: pd.DataFrame, lang: str) -> Table:
    """One scenario's centres: who is there, how deep the water is (only where it is flooded)
    and how far it is (only where it is not), flood and operating status."""
    status = centres.get("flood_status", pd.Series("", index=centres.index)).astype(str)
    frame = _blank(centres, ["depth_m"], status.ne("flooded").to_numpy())
    frame = _blank(frame, ["dist_to_flood_m"], status.eq("flooded").to_numpy())
    frame = frame.assign(status=operating_status(centres).to_numpy())
    return _build(frame, [
        _Col("centre_id", "col_centre_id"), _Col("name", "col_name"),
        _Col("kind", "col_kind", codes="kind"), _Col("district", "col_district"),
        _Col("families", "col_families", 0), _Col("persons", "col_persons", 0),
        _Col("capacity_persons", "col_capacity_persons", 0),
        _Col("flood_status", "col_flood_status", codes="status"),
        _Col("depth_m", "col_depth_m", 2), _Col("dist_to_flood_m", "col_dist_to_flood_m", 0),
        _Col("status", "col_status", codes="op"),
    ], lang)


def communities_table(communities: pd.DataFrame, lang: str) -> Table:
    """One scenario's communities: population, share under water, depth, people exposed and
    displaced (whole persons)."""
    frame = _blank(communities, ["max_depth_m"],
                   pd.to_numeric(communities.get("flooded_fraction", 0), errors="coerce")
                   .fillna(0).le(0).to_numpy())
    return _build(frame, [
        _Col("community_id", "col_community_id"), _Col("name", "col_name"),
        _Col("district", "col_district"), _Col("population", "col_population", 0),
        _Col("flooded_fraction", "col_flooded_fraction", 0, scale=100.0),
        _Col("max_depth_m", "col_max_depth_m", 2), _Col("pop_exposed", "col_pop_exposed", 0),
        _Col("displaced_est", "col_displaced_est", 0),
    ], lang)


def needs_table(needs: pd.DataFrame, lang: str) -> Table:
    """What the displaced need (one scenario's ``overall`` rows of the needs table): item, whole
    quantity, unit and source, all in ``lang``."""
    rows = pd.DataFrame({
        "need": [label("need", i, lang) for i in needs["item"]],
        "quantity": np.ceil(pd.to_numeric(needs["quantity"], errors="coerce").to_numpy()),
        "unit": [_need_text("need_unit", i, u, lang) for i, u in zip(
            needs["item"], needs.get("unit", [""] * len(needs)), strict=True)],
        "source": [_need_text("need_source", i, s, lang) for i, s in zip(
            needs["item"], needs.get("source", [""] * len(needs)), strict=True)],
    })
    return _build(rows, [_Col("need", "col_need"), _Col("quantity", "col_quantity", 0),
                         _Col("unit", "col_unit"), _Col("source", "col_source")], lang)


def _need_text(prefix: str, item: str, given: object, lang: str) -> str:
    """The unit or source of a need item in ``lang``; a custom item keeps its own text."""
    key = f"{prefix}.{item}"
    return t(key, lang) if key in STRINGS else ("" if is_missing(given) else str(given))


#: Metrics of the scenario comparison, in the order shown.
COMPARE_METRICS: tuple[str, ...] = (
    "centres_flooded", "centres_isolated", "centres_at_risk", "persons_in_flooded_centres",
    "communities_flooded", "pop_exposed", "displaced_est",
)


def compare_table(summary: pd.DataFrame, scenarios: Sequence[str], lang: str) -> Table:
    """Headline figures (rows) of every scenario (columns, named in ``lang``)."""
    wanted = summary[summary["metric"].isin(COMPARE_METRICS)]
    pivot = wanted.pivot(index="metric", columns="scenario", values="value")
    pivot = pivot.reindex(index=list(COMPARE_METRICS), columns=list(scenarios))
    data = {t("col_metric", lang): [label("metric", m, lang) for m in pivot.index]}
    decimals = {}
    for name in pivot.columns:
        header = scenario_label(name, lang)
        data[header] = pivot[name].astype("float64").round(0).to_numpy()
        decimals[header] = 0
    return Table(pd.DataFrame(data), decimals, lang)


def capacity_table(capacity: pd.DataFrame, lang: str) -> Table:
    """Capacity against demand per centre. Incoming displaced, spare capacity and
    overcrowding only for operational centres (a flooded, isolated or closed centre takes no
    one: its columns stay empty)."""
    operational = capacity["operational"].fillna(False).astype(bool).to_numpy() \
        if "operational" in capacity else np.ones(len(capacity), dtype=bool)
    frame = _blank(capacity, ["incoming", "spare"], ~operational)
    over = capacity.get("overcrowded", pd.Series(False, index=capacity.index))
    frame["overcrowded_label"] = [
        "" if not op or is_missing(v) else t("yes" if bool(v) else "no", lang)
        for op, v in zip(operational, over, strict=True)]
    frame["status"] = operating_status(capacity).to_numpy() if "status" in capacity else "open"
    return _build(frame, [
        _Col("centre_id", "col_centre_id"), _Col("name", "col_name"),
        _Col("flood_status", "col_flood_status", codes="status"),
        _Col("status", "col_status", codes="op"),
        _Col("capacity_persons", "col_capacity_persons", 0), _Col("persons", "col_persons", 0),
        _Col("incoming", "col_incoming", 0), _Col("spare", "col_spare_capacity", 0),
        _Col("overcrowded_label", "col_overcrowded"),
    ], lang)


def assignments_table(assignments: pd.DataFrame, lang: str) -> Table:
    """Which centre takes each community's displaced, how far and how long away, and who is
    left without a place and why (whole persons, metres, minutes)."""
    frame = assignments.copy()
    unserved = pd.to_numeric(frame.get("unserved_persons", 0), errors="coerce").fillna(0)
    reason = frame["unserved_reason"] if "unserved_reason" in frame else pd.Series(
        "", index=frame.index)
    frame["unserved_reason"] = reason.where(unserved.round() > 0, "")
    return _build(frame, [
        _Col("name", "col_name"), _Col("demand_persons", "col_displaced_est", 0),
        _Col("centre_name", "col_assigned_centre"),
        _Col("assigned_persons", "col_assigned_persons", 0),
        _Col("distance_m", "col_distance_nearest_m", 0), _Col("travel_min", "col_travel_min", 0),
        _Col("unserved_persons", "col_unserved", 0),
        _Col("unserved_reason", "col_unserved_reason", codes="reason"),
    ], lang)


def sites_table(sites: pd.DataFrame, lang: str, *, objective: str,
                service_distance_m: float) -> Table:
    """The proposed sites: persons each takes and can take, the area it needs, its nearest
    operational centre and why it was chosen, in ``lang``."""
    from geo.siting import site_reason

    frame = sites.copy()
    frame["reason_text"] = [site_reason(row, objective=objective,
                                        service_distance_m=service_distance_m, lang=lang)
                            for _, row in frame.iterrows()]
    frame["nearest"] = [row.get("nearest_existing_name") or row.get("nearest_existing_id")
                        for _, row in frame.iterrows()]
    return _build(frame, [
        _Col("rank", "col_site_id", 0), _Col("covered_weight", "col_served_persons", 0),
        _Col("capacity_persons", "col_capacity_persons", 0),
        _Col("covered_weight_total", "col_in_reach_persons", 0),
        _Col("site_area_needed_m2", "col_site_area_needed_m2", 0),
        _Col("mean_distance_m", "col_mean_distance_m", 0),
        _Col("nearest", "col_nearest_existing"),
        _Col("nearest_existing_m", "col_nearest_existing_m", 0),
        _Col("reason_text", "col_reason"),
    ], lang)


def area_scenarios_table(scenarios: pd.DataFrame, lang: str) -> Table:
    """A drawn area's flood status in each scenario (scenario names in ``lang``)."""
    frame = scenarios.copy()
    frame["scenario_label"] = [scenario_label(s, lang) for s in frame["scenario"]]
    return _build(frame, [
        _Col("scenario_label", "col_scenario"), _Col("status", "col_flood_status", codes="area"),
        _Col("flooded_share", "col_flooded_fraction", 0, scale=100.0),
        _Col("max_depth_m", "col_max_depth_m", 2),
    ], lang)


def area_nearest_table(nearest: pd.DataFrame, lang: str) -> Table:
    """The centres nearest a drawn area and how far (whole metres)."""
    return _build(nearest, [_Col("centre_id", "col_centre_id"), _Col("name", "col_name"),
                            _Col("distance_m", "col_distance_m", 0)], lang)


def season_communities_table(communities: pd.DataFrame, lang: str) -> Table:
    """A season per community (``communities_season`` of :mod:`geo.season`): days flooded,
    dry and not observed, the first and last flooded dates, the longest spell and the peak
    flooded share (whole percent) with its date. Dates stay ISO (``2012-03-01``) in both
    languages."""
    return _build(communities, [
        _Col("community_id", "col_community_id"), _Col("name", "col_name"),
        _Col("district", "col_district"), _Col("population", "col_population", 0),
        _Col("days_flooded", "col_days_flooded", 0), _Col("days_dry", "col_days_dry", 0),
        _Col("days_unobserved", "col_days_unobserved", 0),
        _Col("first_flooded", "col_first_flooded"), _Col("last_flooded", "col_last_flooded"),
        _Col("longest_spell_days", "col_longest_spell_days", 0),
        _Col("peak_flooded_share", "col_peak_flooded_share", 0, scale=100.0),
        _Col("peak_date", "col_peak_date"),
    ], lang)


def season_centres_table(centres: pd.DataFrame, lang: str) -> Table:
    """A season per collective centre (``centres_season``): days flooded, dry and not
    observed, the first and last flooded dates."""
    return _build(centres, [
        _Col("centre_id", "col_centre_id"), _Col("name", "col_name"),
        _Col("district", "col_district"), _Col("persons", "col_persons", 0),
        _Col("days_flooded", "col_days_flooded", 0), _Col("days_dry", "col_days_dry", 0),
        _Col("days_unobserved", "col_days_unobserved", 0),
        _Col("first_flooded", "col_first_flooded"), _Col("last_flooded", "col_last_flooded"),
    ], lang)

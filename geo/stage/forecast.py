"""A stage forecast turned into a timeline: which centres go under on which day.

A forecast is a table of dates and gauge stages (from a CSV the caller reads: ``fecha, nivel``
or ``date, stage``; dates ISO ``2012-04-15`` or day/month/year ``15/04/2012`` as written in
Peru; stages in metres, decimal point or comma). Every centre's status only rises with the
stage, so the first date it floods is the first reading at or above its ``stage_flooded_m``
(likewise cut off, at risk) — a lookup in the stage curves, no raster pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import InputError, Num, Problem
from geo.stage.curves import StageCurves

__all__ = ["ForecastTimeline", "forecast_timeline", "readings_from_table"]

_DATE_NAMES = ("date", "fecha", "dia", "día", "day")
_STAGE_NAMES = ("stage_m", "stage", "nivel_m", "nivel", "cota", "level", "water_level",
                "altura", "nivel_rio", "nivel_del_rio")


def readings_from_table(frame: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check and normalise a forecast table.

    Parameters
    ----------
    frame
        A table with a date column (``date``/``fecha``/``día``) and a stage column
        (``stage``/``stage_m``/``nivel``/``cota``), as read from a CSV or spreadsheet.
    source
        The file's name, for messages (``None``: the messages say "the forecast").

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime64, midnight) and ``stage_m`` (float), sorted by date.

    Raises
    ------
    InputError
        Every problem at once: missing columns, unreadable dates or stages (with their
        rows), a date given twice, no rows.
    """
    cols = {str(c).strip().lower(): c for c in frame.columns}
    date_col = next((cols[n] for n in _DATE_NAMES if n in cols), None)
    stage_col = next((cols[n] for n in _STAGE_NAMES if n in cols), None)
    problems = []
    if date_col is None:
        problems.append(Problem.keyed("stage_forecast_no_date_column", source=source))
    if stage_col is None:
        problems.append(Problem.keyed("stage_forecast_no_stage_column", source=source))
    if problems:
        raise InputError(problems)
    if len(frame) == 0:
        raise InputError(Problem.keyed("stage_forecast_no_rows", source=source))
    text = frame[date_col].astype("str").str.strip()
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
    other = dates.isna()
    if other.any():
        dates[other] = pd.to_datetime(text[other], format="%d/%m/%Y", errors="coerce")
    raw = frame[stage_col]
    stages = pd.to_numeric(raw.astype("str").str.strip().str.replace(",", ".", regex=False),
                           errors="coerce")
    for i in np.flatnonzero(dates.isna().to_numpy()):
        problems.append(Problem.keyed("stage_forecast_bad_date", source=source, row=i + 1,
                                      column=str(date_col), value=text.iloc[i]))
    for i in np.flatnonzero(~np.isfinite(stages.to_numpy(float))):
        problems.append(Problem.keyed("stage_forecast_bad_stage", source=source, row=i + 1,
                                      column=str(stage_col), value=str(raw.iloc[i])))
    days = dates.dt.normalize()
    repeated = days[days.duplicated(keep=False) & days.notna()]
    for day in sorted(set(repeated)):
        rows = [int(i) + 1 for i in np.flatnonzero((days == day).to_numpy())]
        problems.append(Problem.keyed("stage_forecast_date_twice", source=source,
                                      column=str(date_col), date=f"{day:%Y-%m-%d}",
                                      n=Num(len(rows)), rows=", ".join(map(str, rows))))
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({"date": days.to_numpy(), "stage_m": stages.to_numpy(float)})
    return out.sort_values("date", ignore_index=True)


@dataclass
class ForecastTimeline:
    """Which centres go under on which day.

    Attributes
    ----------
    centres
        One row per centre: ``centre_id``, ``name`` and ``district`` when present, then for
        ``flooded``, ``isolated`` and ``at_risk``: ``stage_<s>_m`` (from the curves),
        ``date_<s>`` (first forecast day at or above it; NaT: not in this forecast) and
        ``days_to_<s>`` (days after ``today``; negative: already past). Sorted by the date
        of flooding, then of isolation.
    days
        One row per forecast day: ``date``, ``days_ahead``, ``stage_m``, the number of
        centres in each flood status, and ``newly_flooded`` / ``newly_isolated`` (names of
        centres reaching that status for the first time, "; "-separated).
    today
        The day the ``days_*`` count from.
    notes
        The forecast's span and the curves' first notes (keyed problems, read in the user's
        language with :func:`geo.errors.localise`).
    """

    centres: pd.DataFrame
    days: pd.DataFrame
    today: dt.date
    notes: list[Problem | str] = field(default_factory=list)


def forecast_timeline(curves: StageCurves, readings: pd.DataFrame, *,
                      today: dt.date | None = None,
                      source: str | None = None) -> ForecastTimeline:
    """Turn a stage forecast into a timeline of centres flooding and cut off.

    Parameters
    ----------
    curves
        Stage curves of the centres (:meth:`geo.stage.model.StageModel.curves`).
    readings
        A forecast table (normalised by :func:`readings_from_table` here).
    today
        Day the lead times count from (default: the computer's date).
    source
        The forecast file's name, for messages.

    Raises
    ------
    InputError
        A bad table, or a stage above the curves' range.
    """
    table = readings_from_table(readings, source=source)
    today = dt.date.today() if today is None else today
    today64 = np.datetime64(today, "D")
    dates = table["date"].to_numpy().astype("datetime64[D]")
    stage_cm = np.array([curves.stage_cm(s) for s in table["stage_m"]], dtype=float)
    ahead = (dates - today64).astype(int)
    centres = curves.centres
    out = pd.DataFrame(index=range(len(centres)))
    for col in ("centre_id", "name", "district"):
        if col in centres.columns:
            out[col] = centres[col].to_numpy()
    for status in ("flooded", "isolated", "at_risk"):
        need = np.round(centres[f"stage_{status}_m"].to_numpy(float) * 100.0)
        hit = stage_cm[None, :] >= need[:, None]             # (centres, days)
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        found = first >= 0
        date = np.full(len(centres), np.datetime64("NaT"), dtype="datetime64[ns]")
        date[found] = dates[first[found]].astype("datetime64[ns]")
        days = np.full(len(centres), np.nan)
        days[found] = ahead[first[found]]
        out[f"stage_{status}_m"] = centres[f"stage_{status}_m"].to_numpy(float)
        out[f"date_{status}"] = date
        out[f"days_to_{status}"] = pd.array(np.where(found, days, np.nan)).astype("Int64")
    out = out.sort_values(["date_flooded", "date_isolated"], na_position="last",
                          ignore_index=True, kind="stable")
    names = (centres["name"].astype("str").to_numpy() if "name" in centres.columns
             else centres.index.astype(str).to_numpy())
    rows = []
    seen = {"flooded": np.zeros(len(centres), bool), "isolated": np.zeros(len(centres), bool)}
    for date, days_ahead, stage in zip(dates, ahead, table["stage_m"], strict=True):
        st = curves.status_at(stage)["flood_status"]
        row = {"date": pd.Timestamp(date), "days_ahead": int(days_ahead),
               "stage_m": float(stage)}
        for status in ("flooded", "isolated", "at_risk", "dry", "unknown"):
            row[f"centres_{status}"] = int((st == status).sum())
        for status in ("flooded", "isolated"):
            new = (st == status) & ~seen[status]
            seen[status] |= st == status
            row[f"newly_{status}"] = "; ".join(names[new])
        rows.append(row)
    notes = [Problem.keyed("stage_note_forecast_days", n=Num(len(table)),
                           first=f"{table['date'].iloc[0]:%Y-%m-%d}",
                           last=f"{table['date'].iloc[-1]:%Y-%m-%d}", today=f"{today:%Y-%m-%d}"),
             *curves.notes[:2]]
    return ForecastTimeline(centres=out, days=pd.DataFrame(rows), today=today, notes=notes)

"""Map layers of a flood season (:class:`geo.season.SeasonResult`): days flooded per community
over the season, and the communities on one chosen date."""

from __future__ import annotations

import datetime as dt

import folium
import numpy as np
import pandas as pd

from geo.i18n import t
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.legend import LegendItem, LegendSection
from layers.markup import escape_text, html_table

#: A community never observed on the chosen date: grey, as a centre of unknown status.
UNOBSERVED_COLOUR = style.STATUS_COLOURS["unknown"]


def _days_share(result) -> np.ndarray:
    comm = result.communities
    total = comm["days_total"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, comm["days_flooded"].to_numpy(dtype=float) / total, np.nan)


def _season_tip(row: pd.Series, *, lang: str) -> str:
    return html_table([
        (t("col_district", lang), row.get("district")),
        (t("season_days_flooded", lang), f"{row['days_flooded']} / {row['days_total']}"),
        (t("season_state_unobserved", lang), row.get("days_unobserved")),
        (t("season_date", lang), " – ".join(str(v) for v in (row.get("first_flooded"),
                                                             row.get("last_flooded"))
                                           if isinstance(v, str) and v)),
    ], title=row.get("name", row.get("community_id")))


def season_days_layer(result, *, lang: str) -> folium.GeoJson:
    """Communities filled by the share of the season's dates they were flooded (the flooded
    share colours: a quarter, half, three quarters of the dates)."""
    comm = result.communities
    fills = [style.flooded_share_colour(s) for s in _days_share(result)]
    tips = [_season_tip(row, lang=lang) for _, row in comm.iterrows()]
    data = light_geojson(comm, properties={"fill": fills, "tip": tips})
    return geojson_layer(
        data, name=escape_text(t("season_layer_days", lang, n=len(result.dates))),
        stroke=style.COMMUNITY_OUTLINE_COLOUR, weight=1.2, fill_opacity=0.55,
        fill_property="fill", tooltip_property="tip", class_name="crecida-season",
    )


def season_day_layer(result, date: dt.date, *, lang: str) -> folium.GeoJson:
    """Communities on one date: flooded (by flooded share), dry, or not observed (grey)."""
    day = result.day(date)
    comm = result.communities.reset_index(drop=True)
    fills, tips = [], []
    for i, row in day.iterrows():
        share = row["flooded_share"]
        state = row["state"]
        fills.append(UNOBSERVED_COLOUR if state == "unobserved"
                     else style.flooded_share_colour(share) if state == "flooded"
                     else style.COMMUNITY_DRY_COLOUR)
        tips.append(html_table([
            (t("col_district", lang), comm.loc[i].get("district")),
            (t("season_date", lang), date.isoformat()),
            (t("season_map", lang), t(f"season_state_{state}", lang)),
            (t("col_flooded_fraction", lang),
             None if pd.isna(share) else round(float(share) * 100.0, 1)),
        ], title=comm.loc[i].get("name", row["community_id"])))
    data = light_geojson(day, properties={"fill": fills, "tip": tips})
    return geojson_layer(
        data, name=escape_text(t("season_layer_day", lang, date=date.isoformat())),
        stroke=style.COMMUNITY_OUTLINE_COLOUR, weight=1.2, fill_opacity=0.55,
        fill_property="fill", tooltip_property="tip", class_name="crecida-season-day",
    )


def season_legend(*, lang: str, day: bool) -> LegendSection:
    """Legend of :func:`season_days_layer` (``day=False``) or :func:`season_day_layer`."""
    shares = [LegendItem(c, f"> {e * 100:g} %") for e, c in
              zip(style.FLOODED_SHARE_EDGES, style.FLOODED_SHARE_COLOURS, strict=True)]
    if day:
        items = (*shares, LegendItem(style.COMMUNITY_DRY_COLOUR, t("season_state_dry", lang)),
                 LegendItem(UNOBSERVED_COLOUR, t("season_state_unobserved", lang)))
        return LegendSection(t("season_map_day", lang), items)
    return LegendSection(t("season_map_days", lang),
                         (*shares, LegendItem(style.COMMUNITY_DRY_COLOUR, "0")))

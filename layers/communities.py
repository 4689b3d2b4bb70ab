"""River communities shaded by the share of their area under water."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.i18n import t
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.markup import escape_text, html_table


def _share_percent(frame: pd.DataFrame) -> pd.Series:
    """Flooded share in percent (NaN when the frame has no exposure columns)."""
    if "flooded_fraction" in frame.columns:
        return pd.to_numeric(frame["flooded_fraction"], errors="coerce") * 100.0
    return pd.Series(np.nan, index=frame.index, dtype=float)


def community_tooltip_html(row: pd.Series, *, lang: str) -> str:
    """Tooltip table for one community: name, district, population, share flooded, people
    exposed and displaced (the last three only when known); everything escaped."""
    rows: list[tuple[str, object]] = [
        (t("col_district", lang), row.get("district")),
        (t("col_population", lang), _whole(row.get("population"))),
    ]
    if "flooded_fraction" in row.index:
        share = row.get("flooded_fraction")
        rows.append((t("col_flooded_fraction", lang),
                     None if pd.isna(share) else round(float(share) * 100.0, 1)))
    for column in ("max_depth_m", "pop_exposed", "displaced_est"):
        if column in row.index:
            value = row.get(column)
            if pd.notna(value) and column != "max_depth_m":
                value = round(float(value))
            elif pd.notna(value):
                value = round(float(value), 2)
            rows.append((t(f"col_{column}", lang), value))
    return html_table(rows, title=row.get("name"), lang=lang)


def _whole(value: object) -> object:
    """A count rounded to a whole number (missing stays missing)."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else round(float(number))


def communities_layer(
    communities: gpd.GeoDataFrame,
    *,
    lang: str,
    name: str | None = None,
    show: bool = True,
) -> folium.GeoJson:
    """Community polygons filled by flooded share (dry when no exposure columns are present).

    Parameters
    ----------
    communities
        Canonical communities, one scenario's rows when they carry ``flooded_fraction``
        (0–1) and the other exposure columns; any CRS (shown in EPSG:4326).
    lang
        ``es`` or ``en``.
    """
    shares = _share_percent(communities)
    fills = [style.flooded_share_colour(s / 100.0) for s in shares]
    tips = [community_tooltip_html(row, lang=lang) for _, row in communities.iterrows()]
    data = light_geojson(communities, properties={"fill": fills, "tip": tips})
    return geojson_layer(
        data, name=escape_text(name or t("layer_communities", lang)),
        stroke=style.COMMUNITY_OUTLINE_COLOUR, weight=1.2, fill_opacity=0.45,
        fill_property="fill", tooltip_property="tip", class_name="crecida-community",
        show=show,
    )

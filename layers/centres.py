"""Collective centres as circle markers coloured by flood status.

Markers are Leaflet circle markers (vector, no icon fonts or images to fetch), sized by the
people they house. Each carries the CSS classes ``crecida-centre`` and
``crecida-status-<status>`` so a browser test can count them. Every text from the user's file is
escaped (:func:`layers.markup.escape_text`).
"""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import pandas as pd

from geo import settings
from geo.i18n import t
from geo.schema import flood_status, operating_status
from layers import style
from layers.geojson import light_geojson
from layers.markup import escape_text, html_table


def marker_radius_px(persons: object) -> float:
    """Marker radius in pixels: 5 px for an empty centre, growing with √persons up to 14 px."""
    try:
        count = float(persons)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        count = 0.0
    if not math.isfinite(count) or count <= 0:
        return 5.0
    return round(min(14.0, 5.0 + math.sqrt(count) / 3.0), 1)


def _label(prefix: str, value: object, lang: str) -> str:
    """Translated label of a code (kind, status) or the code itself when it has none."""
    try:
        return t(f"{prefix}_{value}", lang)
    except KeyError:
        return str(value)


def centre_popup_html(row: pd.Series, *, status: str, op_status: str, lang: str) -> str:
    """Popup table for one centre: name, kind, district, families, persons, capacity, depth,
    flood status and operating status (all escaped)."""
    rows: list[tuple[str, object]] = [
        (t("col_kind", lang), _label("kind", row.get("kind"), lang)),
        (t("col_district", lang), row.get("district")),
        (t("col_families", lang), row.get("families")),
        (t("col_persons", lang), row.get("persons")),
        (t("col_capacity_persons", lang), row.get("capacity_persons")),
    ]
    if "depth_m" in row.index:
        depth = row.get("depth_m")
        rows.append((t("col_depth_m", lang), round(float(depth), 2)
                     if depth is not None and pd.notna(depth) and math.isfinite(float(depth))
                     else depth))
    rows.append((t("col_flood_status", lang), _label("status", status, lang)))
    rows.append((t("col_status", lang), _label("op", op_status, lang)))
    return html_table(rows, title=row.get("name"))


def centres_layer(
    centres: gpd.GeoDataFrame,
    *,
    lang: str,
    name: str | None = None,
    show: bool = True,
) -> folium.GeoJson:
    """One GeoJSON layer drawing a circle marker per centre (one layer, not 77 objects: the page
    and the re-render stay light).

    Parameters
    ----------
    centres
        Canonical centres (EPSG:4326 points), one scenario's rows when they carry exposure
        columns (``depth_m`` and the flood status).
    lang
        ``es`` or ``en`` for tooltips, popups and the layer name.
    name
        Layer name in the layer control (default: the translated "Collective centres").
    show
        Whether the layer starts switched on.
    """
    title = escape_text(name or t("layer_centres", lang))
    points = centres.to_crs(settings.DISPLAY_CRS) if centres.crs else centres
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    # Largest first so that small markers stay clickable on top of big ones.
    persons = pd.to_numeric(points.get("persons", pd.Series(0, index=points.index)),
                            errors="coerce").fillna(0)
    points = points.loc[persons.sort_values(ascending=False, kind="stable").index]
    statuses = flood_status(points)
    if statuses is None:
        statuses = pd.Series("unknown", index=points.index)
    op_statuses = operating_status(points)
    styles = []
    for idx, row in points.iterrows():
        status, op_status = statuses.loc[idx], op_statuses.loc[idx]
        colour = style.STATUS_COLOURS.get(status, style.STATUS_COLOURS["unknown"])
        styles.append({
            "radius": marker_radius_px(row.get("persons")),
            "color": colour if op_status == "closed" else "#222222",
            "weight": 1.5,
            "dashArray": "4 3" if op_status == "closed" else None,
            "fillColor": colour,
            "fillOpacity": 0.9 if op_status == "open" else 0.45,
            "className": f"crecida-centre crecida-status-{status}",
        })
    tips = [f"{escape_text(row.get('name'))} — {escape_text(_label('status', s, lang))}"
            for (_, row), s in zip(points.iterrows(), statuses, strict=True)]
    popups = [centre_popup_html(row, status=statuses.loc[i], op_status=op_statuses.loc[i],
                                lang=lang) for i, row in points.iterrows()]
    data = light_geojson(points, properties={"style": styles, "tip": tips, "popup": popups},
                         simplify_m=0)
    has_features = bool(data["features"])
    return folium.GeoJson(
        data, name=title, show=show,
        marker=folium.CircleMarker(radius=6, fill=True, class_name="crecida-centre"),
        style_function=lambda feature: feature["properties"]["style"],
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=False)
        if has_features else None,
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, localize=False,
                                  max_width=320) if has_features else None,
    )

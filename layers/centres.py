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
from geo.format import format_number
from geo.i18n import t
from geo.schema import flood_status, operating_status
from layers import style
from layers.geojson import light_geojson
from layers.markup import escape_text, html_table

#: How a centre's operating status shows on its marker (and in the legend): the outline colour
#: (``None``: the flood status colour), its width in pixels and dash pattern, and the fill
#: (``None``: the flood status colour). Never transparency, which would mix the status colour
#: with the flood image under it.
OPERATING_MARKERS: dict[str, dict] = {
    "open": {"stroke": "#222222", "weight": 1.5, "dash": None, "fill": None},
    "closed": {"stroke": None, "weight": 4.0, "dash": None, "fill": "#ffffff"},
    "proposed": {"stroke": "#111111", "weight": 3.0, "dash": "4 3", "fill": None},
}


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
    """Popup table for one centre: kind, district, families, persons, capacity, depth (when
    flooded), flood status and operating status, numbers written the ``lang`` way (all
    escaped)."""
    rows: list[tuple[str, object]] = [
        (t("col_kind", lang), _label("kind", row.get("kind"), lang)),
        (t("col_district", lang), row.get("district")),
        (t("col_families", lang), _whole(row.get("families"))),
        (t("col_persons", lang), _whole(row.get("persons"))),
        (t("col_capacity_persons", lang), _whole(row.get("capacity_persons"))),
    ]
    if "depth_m" in row.index:
        depth = pd.to_numeric(pd.Series([row.get("depth_m")]), errors="coerce").iloc[0]
        if pd.notna(depth) and math.isfinite(float(depth)) and float(depth) > 0:
            rows.append((t("col_depth_m", lang), format_number(depth, lang, decimals=2)))
    rows.append((t("col_flood_status", lang), _label("status", status, lang)))
    rows.append((t("col_status", lang), _label("op", op_status, lang)))
    return html_table(rows, title=row.get("name"), lang=lang)


def centre_tooltip(name: object, status: str, op_status: str, *, lang: str) -> str:
    """``Name — Flood status`` and, unless the centre is open, its operating status
    (unescaped: the caller escapes)."""
    text = f"{'' if name is None else name} — {_label('status', status, lang)}"
    if op_status != "open":
        text += f" ({_label('op', op_status, lang).lower()})"
    return text


def _whole(value: object) -> object:
    """A count rounded to a whole number (missing stays missing)."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else round(float(number))


def centre_style(status: str, op_status: str, persons: object) -> dict:
    """Leaflet path style of a centre's marker: filled with its flood status colour, always
    opaque (a marker over deep water keeps its colour); the operating status is the outline:
    open — a thin dark outline; closed — a ring of the status colour around a white centre;
    proposed — a thick dashed dark outline (:data:`OPERATING_MARKERS`)."""
    colour = style.STATUS_COLOURS.get(status, style.STATUS_COLOURS["unknown"])
    marker = OPERATING_MARKERS.get(op_status, OPERATING_MARKERS["open"])
    return {
        "radius": marker_radius_px(persons),
        "color": colour if marker["stroke"] is None else marker["stroke"],
        "weight": marker["weight"],
        "dashArray": marker["dash"],
        "fillColor": marker["fill"] or colour,
        "fillOpacity": 1.0,
        "opacity": 1.0,
        "className": f"crecida-centre crecida-status-{status} crecida-op-{op_status}",
    }


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
    styles = [centre_style(statuses.loc[idx], op_statuses.loc[idx], row.get("persons"))
              for idx, row in points.iterrows()]
    tips = [escape_text(centre_tooltip(row.get("name"), statuses.loc[i], op_statuses.loc[i],
                                       lang=lang)) for i, row in points.iterrows()]
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

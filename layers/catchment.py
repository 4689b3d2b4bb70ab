"""Catchment zones, demand-to-centre lines and displaced left without a place."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.format import format_number
from geo.i18n import t
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.legend import LegendItem, LegendSection
from layers.markup import escape_text, html_table


def _zone_colours(n: int) -> list[str]:
    return [style.CATCHMENT_COLOURS[i % len(style.CATCHMENT_COLOURS)] for i in range(n)]


def catchments_layer(catchments: gpd.GeoDataFrame, *, lang: str, show: bool = True
                     ) -> folium.GeoJson:
    """One light polygon per operational centre: the area nearest to it."""
    names = catchments.get("name", catchments.get("centre_id", pd.Series([""] * len(catchments))))
    tips = [f"<b>{escape_text(n)}</b>" for n in names]
    data = light_geojson(catchments, properties={"fill": _zone_colours(len(catchments)),
                                                 "tip": tips}, simplify_m=20.0)
    return geojson_layer(data, name=escape_text(t("layer_catchments", lang)), stroke="#666666",
                         weight=1.0, fill_opacity=0.25, fill_property="fill",
                         tooltip_property="tip", class_name="crecida-catchment", show=show)


def assignment_lines(assignments: gpd.GeoDataFrame, centres: gpd.GeoDataFrame
                     ) -> gpd.GeoDataFrame:
    """Straight lines (EPSG:4326) from each served demand point to the centre taking most of it.

    Columns: ``name`` (the demand), ``centre_name`` and ``assigned_persons``.
    """
    if assignments.empty or centres.empty:
        return gpd.GeoDataFrame({"name": [], "centre_name": [], "assigned_persons": []},
                                geometry=[], crs=settings.DISPLAY_CRS)
    demand = assignments.to_crs(settings.DISPLAY_CRS)
    sites = centres.to_crs(settings.DISPLAY_CRS).drop_duplicates("centre_id")
    where = dict(zip(sites["centre_id"].astype(str), sites.geometry, strict=True))
    rows, lines = [], []
    for _, row in demand.iterrows():
        target = where.get(str(row.get("centre_id")))
        if target is None or row.geometry is None or row.geometry.is_empty:
            continue
        if not (pd.notna(row.get("assigned_persons")) and row.get("assigned_persons") > 0):
            continue
        rows.append({"name": row.get("name"), "centre_name": row.get("centre_name"),
                     "assigned_persons": float(row.get("assigned_persons"))})
        lines.append(shapely.LineString([row.geometry.coords[0], target.coords[0]]))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["name", "centre_name",
                                                        "assigned_persons"]),
                            geometry=lines, crs=settings.DISPLAY_CRS)


def assignment_layers(assignment, centres: gpd.GeoDataFrame, *, lang: str) -> list:
    """Zones, lines and unserved demand of a :class:`geo.catchment.Assignment`, in map order."""
    out: list = []
    if not assignment.catchments.empty:
        out.append(catchments_layer(assignment.catchments, lang=lang))
    lines = assignment_lines(assignment.assignments, centres)
    if not lines.empty:
        tips = [f"{escape_text(n)} → {escape_text(c)} ({escape_text(format_number(p, lang))})"
                for n, c, p in zip(lines["name"], lines["centre_name"],
                                   lines["assigned_persons"], strict=True)]
        data = light_geojson(lines, properties={"tip": tips}, simplify_m=0)
        out.append(geojson_layer(data, name=escape_text(t("layer_assignments", lang)),
                                 stroke=style.ASSIGNMENT_LINE_COLOUR, weight=1.5,
                                 dash_array="3 4", tooltip_property="tip",
                                 class_name="crecida-assignment"))
    unserved = assignment.assignments
    unserved = unserved[pd.to_numeric(unserved["unserved_persons"], errors="coerce") > 0]
    if not unserved.empty:
        group = folium.FeatureGroup(name=escape_text(t("legend_unserved", lang)))
        for _, row in unserved.to_crs(settings.DISPLAY_CRS).iterrows():
            reason = row.get("unserved_reason")
            try:
                reason_text = t(f"reason_{reason}", lang)
            except KeyError:
                reason_text = str(reason)
            popup = html_table([(t("col_unserved", lang), round(float(row["unserved_persons"]))),
                                (t("col_reason", lang), reason_text)], title=row.get("name"),
                               lang=lang)
            folium.CircleMarker(
                location=(row.geometry.y, row.geometry.x), radius=6, color=style.UNSERVED_COLOUR,
                weight=2, fill=True, fill_color="#ffffff", fill_opacity=0.9,
                class_name="crecida-unserved",
                tooltip=folium.Tooltip(popup, sticky=False),
            ).add_to(group)
        out.append(group)
    return out


def catchment_legend(*, lang: str) -> LegendSection:
    """Legend rows for zones, lines and unserved demand."""
    return LegendSection(t("layer_catchments", lang), (
        LegendItem(style.CATCHMENT_COLOURS[0], t("layer_catchments", lang)),
        LegendItem(style.ASSIGNMENT_LINE_COLOUR, t("layer_assignments", lang), "dashed"),
        LegendItem(style.UNSERVED_COLOUR, t("legend_unserved", lang), "ring"),
    ))

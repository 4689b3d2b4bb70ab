"""New centres: suitable areas, the sites the optimiser proposes, and the area a planner draws."""

from __future__ import annotations

import folium
import geopandas as gpd

from geo import settings
from geo.i18n import t
from geo.siting import site_reason
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.legend import LegendItem, LegendSection
from layers.markup import escape_text, html_table


def _fill_all(data: dict, colour: str) -> dict:
    """Give every feature of a light GeoJSON the same ``fill`` property."""
    for feature in data["features"]:
        feature["properties"]["fill"] = colour
    return data


def suitability_layer(polygons: gpd.GeoDataFrame, *, lang: str, show: bool = True
                      ) -> folium.GeoJson:
    """Suitable zones (green) with their area and capacity by Sphere site area as tooltip."""
    tips = [
        html_table([
            (t("e_area_m2", lang), round(float(row.get("area_m2") or 0))),
            (t("e_capacity_site", lang), row.get("capacity_site_persons")),
        ], title=t("layer_suitability", lang), lang=lang)
        for _, row in polygons.iterrows()
    ]
    data = _fill_all(light_geojson(polygons, properties={"tip": tips}, simplify_m=15.0),
                     style.SUITABLE_COLOUR)
    return geojson_layer(data, name=escape_text(t("layer_suitability", lang)),
                         stroke=style.SUITABLE_COLOUR, weight=1.0, fill_opacity=0.35,
                         fill_property="fill", tooltip_property="tip",
                         class_name="crecida-suitable", show=show)


def site_popup_html(row, *, lang: str, objective: str, service_distance_m: float) -> str:
    """What a proposed site adds, what it can take, the area it needs, its nearest operational
    centre and why it was chosen, in ``lang`` (escaped)."""
    rows = [
        (t("col_served_persons", lang), _whole(row.get("covered_weight"))),
        (t("col_capacity_persons", lang), _whole(row.get("capacity_persons"))),
        (t("col_in_reach_persons", lang), _whole(row.get("covered_weight_total"))),
        (t("col_site_area_needed_m2", lang), _whole(row.get("site_area_needed_m2"))),
        (t("col_mean_distance_m", lang), _whole(row.get("mean_distance_m"))),
        (t("col_nearest_existing", lang), row.get("nearest_existing_name")
         or row.get("nearest_existing_id")),
        (t("col_nearest_existing_m", lang), _whole(row.get("nearest_existing_m"))),
    ]
    title = t("site_title", lang, rank=row.get("rank", row.get("site_id", "")))
    reason = site_reason(row, objective=objective, service_distance_m=service_distance_m,
                         lang=lang)
    return (html_table(rows, title=title, lang=lang)
            + f'<div style="max-width:300px;font-size:12px;margin-top:4px">'
              f"{escape_text(reason)}</div>")


def _whole(value: object) -> object:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number)


def sites_layer(sites: gpd.GeoDataFrame, *, lang: str, objective: str = "coverage",
                service_distance_m: float | None = None, show: bool = True
                ) -> folium.FeatureGroup:
    """Proposed sites as numbered diamonds (HTML markers, drawn above every other layer so they
    are never hidden under a centre), with a tooltip and a popup of what each adds.

    Parameters
    ----------
    sites
        ``new_sites`` of a :class:`geo.siting.SitingResult` (any CRS).
    objective, service_distance_m
        Of the run that proposed them (for the reason given in the popup).
    """
    group = folium.FeatureGroup(name=escape_text(t("layer_sites", lang)), show=show)
    if sites.empty:
        return group
    distance = settings.SERVICE_DISTANCE_M if service_distance_m is None else service_distance_m
    for _, row in sites.to_crs(settings.DISPLAY_CRS).iterrows():
        rank = escape_text(row.get("rank", row.get("site_id", "")))
        icon = folium.DivIcon(
            html=(f'<div class="crecida-site" title="" style="width:18px;height:18px;'
                  f"background:{style.SITE_COLOUR};border:2px solid #fff;outline:1px solid #222;"
                  "transform:rotate(45deg);box-shadow:0 1px 3px rgba(0,0,0,.5);"
                  'display:flex;align-items:center;justify-content:center">'
                  '<span style="transform:rotate(-45deg);color:#fff;font:bold 11px sans-serif">'
                  f"{rank}</span></div>"),
            icon_size=(22, 22), icon_anchor=(11, 11), class_name="crecida-site-icon")
        folium.Marker(
            location=(row.geometry.y, row.geometry.x), icon=icon,
            tooltip=folium.Tooltip(escape_text(t("site_title", lang, rank=row.get("rank", ""))),
                                   sticky=False),
            popup=folium.Popup(folium.Html(site_popup_html(
                row, lang=lang, objective=objective, service_distance_m=distance), script=True),
                max_width=340),
        ).add_to(group)
    return group


def drawn_area_layer(polygon, *, lang: str) -> folium.GeoJson:
    """The area the planner drew (lon/lat shapely polygon), outlined in pink."""
    frame = gpd.GeoDataFrame(geometry=[polygon], crs=settings.DISPLAY_CRS)
    data = _fill_all(light_geojson(frame, properties={"tip": [escape_text(t("layer_drawn",
                                                                            lang))]},
                                   simplify_m=0), style.DRAWN_AREA_COLOUR)
    return geojson_layer(data, name=escape_text(t("layer_drawn", lang)),
                         stroke=style.DRAWN_AREA_COLOUR, weight=3.0, fill_opacity=0.15,
                         fill_property="fill", tooltip_property="tip",
                         class_name="crecida-drawn")


def drawn_areas_layer(polygons, *, lang: str) -> folium.FeatureGroup:
    """Every area the planner drew (lon/lat shapely polygons), in one group."""
    group = folium.FeatureGroup(name=escape_text(t("layer_drawn", lang)))
    for polygon in polygons:
        drawn_area_layer(polygon, lang=lang).add_to(group)
    return group


def sites_legend(*, lang: str) -> LegendSection:
    """Legend rows for suitable areas, proposed sites and the drawn area (swatches drawn as the
    map draws them)."""
    return LegendSection(t("legend_sites", lang), (
        LegendItem(style.SUITABLE_COLOUR, t("layer_suitability", lang)),
        LegendItem(style.SITE_COLOUR, t("layer_sites", lang), "diamond"),
        LegendItem(style.DRAWN_AREA_COLOUR, t("layer_drawn", lang), "line"),
    ))

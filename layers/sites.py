"""New centres: suitable areas, the sites the optimiser proposes, and the area a planner draws."""

from __future__ import annotations

import folium
import geopandas as gpd

from geo import settings
from geo.i18n import t
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
        ], title=t("layer_suitability", lang))
        for _, row in polygons.iterrows()
    ]
    data = _fill_all(light_geojson(polygons, properties={"tip": tips}, simplify_m=15.0),
                     style.SUITABLE_COLOUR)
    return geojson_layer(data, name=escape_text(t("layer_suitability", lang)),
                         stroke=style.SUITABLE_COLOUR, weight=1.0, fill_opacity=0.35,
                         fill_property="fill", tooltip_property="tip",
                         class_name="crecida-suitable", show=show)


def sites_layer(sites: gpd.GeoDataFrame, *, lang: str, show: bool = True) -> folium.FeatureGroup:
    """Proposed sites as numbered blue markers with what each adds and why it was chosen."""
    group = folium.FeatureGroup(name=escape_text(t("layer_sites", lang)), show=show)
    if sites.empty:
        return group
    for _, row in sites.to_crs(settings.DISPLAY_CRS).iterrows():
        rows = [
            (t("col_covered_weight", lang), round(float(row.get("covered_weight") or 0))),
            (t("col_distance_m", lang), row.get("mean_distance_m")),
            (t("col_reason", lang), row.get("reason")),
        ]
        title = f"{t('col_site_id', lang)} {row.get('rank', row.get('site_id', ''))}"
        folium.RegularPolygonMarker(
            location=(row.geometry.y, row.geometry.x), number_of_sides=4, rotation=45,
            radius=10, color="#ffffff", weight=2, fill=True, fill_color=style.SITE_COLOUR,
            fill_opacity=0.95, class_name="crecida-site",
            tooltip=folium.Tooltip(escape_text(title), sticky=False),
            popup=folium.Popup(folium.Html(html_table(rows, title=title), script=True),
                               max_width=320),
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


def sites_legend(*, lang: str) -> LegendSection:
    """Legend rows for suitable areas, proposed sites and the drawn area."""
    return LegendSection(t("legend_sites", lang), (
        LegendItem(style.SUITABLE_COLOUR, t("layer_suitability", lang)),
        LegendItem(style.SITE_COLOUR, t("layer_sites", lang), "circle"),
        LegendItem(style.DRAWN_AREA_COLOUR, t("layer_drawn", lang), "line"),
    ))


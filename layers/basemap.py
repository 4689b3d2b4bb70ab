"""The background: web tiles (optional, they need internet) and the study area's own context
layers, districts and rivers, which draw without any connection."""

from __future__ import annotations

import folium
import geopandas as gpd

from geo.i18n import t
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.markup import escape_text

OSM_TILES = "OpenStreetMap"


def tile_layers(*, lang: str) -> list[folium.TileLayer]:
    """Base layers for the layer control: streets from OpenStreetMap (no key needed).

    In the field, or offline, tiles may not load; the study area's layers still draw.
    """
    return [folium.TileLayer(OSM_TILES, name=escape_text(t("basemap_osm", lang)), control=True)]


def districts_layer(
    districts: gpd.GeoDataFrame, *, lang: str, show: bool = True
) -> folium.GeoJson:
    """District outlines (no fill) with the district's name as tooltip."""
    tips = [f"<b>{escape_text(name)}</b>" for name in districts.get("name", [""] * len(districts))]
    data = light_geojson(districts, properties={"tip": tips}, simplify_m=25.0)
    return geojson_layer(
        data, name=escape_text(t("layer_districts", lang)), stroke=style.DISTRICT_OUTLINE_COLOUR,
        weight=2.0, dash_array="6 4", tooltip_property="tip", class_name="crecida-district",
        show=show,
    )


def rivers_layer(rivers: gpd.GeoDataFrame, *, lang: str, show: bool = True) -> folium.GeoJson:
    """River lines with their names as tooltip."""
    tips = [escape_text(name) for name in rivers.get("name", [""] * len(rivers))]
    data = light_geojson(rivers, properties={"tip": tips}, simplify_m=15.0)
    return geojson_layer(
        data, name=escape_text(t("layer_rivers", lang)), stroke=style.RIVER_COLOUR, weight=3.0,
        tooltip_property="tip", class_name="crecida-river", show=show,
    )

"""Light GeoJSON for the web map: simplified geometry, rounded coordinates, few properties.

Every vector layer with many vertices (communities, districts, rivers, catchment zones) goes
through :func:`light_geojson` so the page stays small: geometry simplified in metres in a local
UTM zone, coordinates rounded to ``precision`` decimals (5 ≈ 1 m), and only the properties the
layer draws with (its colour and an already escaped tooltip) kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

from geo import settings

#: Default simplification tolerance for map display (metres).
DISPLAY_SIMPLIFY_M: float = 10.0


def light_geojson(
    frame: gpd.GeoDataFrame,
    *,
    properties: Mapping[str, Sequence[Any]],
    simplify_m: float = DISPLAY_SIMPLIFY_M,
    precision: int = 5,
) -> dict:
    """A GeoJSON FeatureCollection (EPSG:4326) with only ``properties`` per feature.

    Parameters
    ----------
    frame
        Any vector frame with a CRS.
    properties
        Column name to one value per row (already escaped when it is shown as HTML).
    simplify_m
        Douglas–Peucker tolerance in metres (topology kept per feature); 0 keeps every vertex.
    precision
        Decimal places kept in longitude and latitude.
    """
    if frame.empty:
        return {"type": "FeatureCollection", "features": []}
    geoms = frame.geometry
    if simplify_m > 0 and frame.crs is not None:
        work = frame.crs if frame.crs.is_projected else _utm_crs(frame)
        geoms = geoms.to_crs(work).simplify(simplify_m, preserve_topology=True)
    geoms = geoms.to_crs(settings.DISPLAY_CRS) if frame.crs is not None else geoms
    rounded = shapely.set_precision(np.asarray(geoms.values, dtype=object), 10.0 ** -precision)
    features = []
    for i, geom in enumerate(rounded):
        if geom is None or geom.is_empty:
            continue
        props = {key: _plain(values[i]) for key, values in properties.items()}
        features.append({"type": "Feature", "id": i, "properties": props,
                         "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def _utm_crs(frame: gpd.GeoDataFrame) -> str:
    """EPSG code of the UTM zone at the centre of a lon/lat frame's bounds.

    Computed from the longitude (6° zones) and hemisphere, without the slower CRS-database
    search of ``estimate_utm_crs``; good enough for simplifying geometry for display.
    """
    west, south, east, north = frame.to_crs(settings.DISPLAY_CRS).total_bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    zone = min(60, max(1, int((lon + 180) // 6) + 1))
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def _plain(value: Any) -> Any:
    """JSON-friendly scalar (NumPy numbers to Python, NaN to None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def geojson_layer(
    data: dict,
    *,
    name: str,
    stroke: str,
    weight: float = 1.0,
    fill_opacity: float = 0.0,
    fill_property: str | None = None,
    tooltip_property: str | None = None,
    dash_array: str | None = None,
    class_name: str | None = None,
    show: bool = True,
) -> folium.GeoJson:
    """A folium GeoJson layer styled from the features' own properties.

    Parameters
    ----------
    data
        From :func:`light_geojson`.
    name
        Layer control name (escaped by the caller).
    stroke
        Outline colour.
    fill_property
        Property holding each feature's fill colour (``None``: outlines only, which take no
        mouse events inside).
    tooltip_property
        Property holding each feature's tooltip HTML (already escaped).
    """
    def _style(feature: dict) -> dict:
        fill = feature["properties"].get(fill_property) if fill_property else None
        # Without a fill the shape is drawn as lines only (``fill: false``): its inside then
        # takes no mouse events, so the layers under it (communities, centres) keep their
        # tooltips — a district boundary is a line, not a lid.
        out = {"color": stroke, "weight": weight, "fill": bool(fill),
               "fillOpacity": fill_opacity if fill else 0.0,
               "fillColor": fill or stroke, "dashArray": dash_array}
        if class_name:
            out["className"] = class_name
        return out

    tooltip = (folium.GeoJsonTooltip(fields=[tooltip_property], labels=False, sticky=False)
               if tooltip_property and data["features"] else None)
    return folium.GeoJson(
        data, name=name, style_function=_style, tooltip=tooltip, show=show,
        highlight_function=(lambda _f: {"weight": weight + 2}) if tooltip else None,
        smooth_factor=1.0,
    )

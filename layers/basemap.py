"""The map's background, offline first.

Crecida's maps never need the internet. Their background is, as base layers in the layer
control (one shown at a time):

* **the study area** (always there): land drawn from the district polygons (or a box around the
  loaded layers), rivers and water bodies from the rivers layer, in a pane under the flood;
* **a basemap the user brings** (GeoTIFF, MBTiles, PMTiles; read by :mod:`geo.basemap`), shown
  first when given;
* **web tiles** (OpenStreetMap) only when online tiles are switched on
  (:func:`online_tiles_enabled`: ``CRECIDA_OFFLINE=0`` or ``geo.settings.ONLINE_TILES``). If
  they cannot load, the map says so once and switches to the study area: it never shows an
  empty grey box.

Community names are an overlay of labels shown from :data:`LABEL_MIN_ZOOM` on. The district
outlines and river lines with their names as tooltips (:func:`districts_layer`,
:func:`rivers_layer`) stay overlays on top of whichever background is chosen.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Sequence

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from folium.map import CustomPane, Layer
from folium.raster_layers import ImageOverlay
from jinja2 import Template
from PIL import Image

from geo import settings
from geo.basemap import BasemapImage
from geo.i18n import t
from layers import style
from layers.geojson import geojson_layer, light_geojson
from layers.markup import escape_text

OSM_TILES = "OpenStreetMap"
BACKGROUND_PANE = "crecida_background"
"""Pane of every offline background (z-index 150: under web tiles, the flood and vectors)."""
LABELS_PANE = "crecida_labels"
"""Pane of the place-name labels (above the vectors, never catching a click)."""
LABEL_MIN_ZOOM: int = 13
"""Community names are shown from this zoom on (about 1:70,000): at the study area's first
view (zoom 11–12) 45 names would cover the centres."""

LAND_COLOUR = "#f3f0e6"
"""Fill of land in the study-area background (a pale paper tone, under every class colour)."""
WATER_COLOUR = "#a9cbe3"
"""Rivers and water bodies in the study-area background (paler than the flood's blues)."""
CONTAINER_COLOUR = "#e8eef1"
"""Behind everything, where no background layer reaches (never Leaflet's empty grey)."""

_LAND_MARGIN_DEG = 0.05
"""Margin (degrees, ≈ 5.5 km at the equator) of the land box used when no districts are given."""

_CSS = f"""<style>
div.leaflet-container {{ background: {CONTAINER_COLOUR}; }}
.crecida-label {{ font: 600 11px/1.2 sans-serif; color: #333; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none;
  transform: translate(-50%, -50%); }}
.crecida-offline-note {{ background: #fff8e1; border: 1px solid #e0b000; border-radius: 4px;
  padding: 4px 8px; font: 12px/1.35 sans-serif; max-width: 320px; cursor: pointer; }}
</style>"""


def online_tiles_enabled() -> bool:
    """True when web tiles may be requested: ``CRECIDA_OFFLINE=0`` (or ``false``/``no``), else
    ``geo.settings.ONLINE_TILES`` (False: offline is the default). Read at call time."""
    value = os.environ.get("CRECIDA_OFFLINE")
    if value is not None and value.strip():
        return value.strip().lower() in ("0", "false", "no", "off")
    return bool(getattr(settings, "ONLINE_TILES", False))


def tile_layers(*, lang: str, show: bool = True) -> list[folium.TileLayer]:
    """Web base layers (they need internet): streets from OpenStreetMap (no key needed)."""
    return [folium.TileLayer(OSM_TILES, name=escape_text(t("basemap_osm", lang)), control=True,
                             show=show, class_name="crecida-online-tiles")]


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


# --------------------------------------------------------------------------- study area
def _non_empty(frame: gpd.GeoDataFrame | None) -> bool:
    return frame is not None and not frame.empty and frame.crs is not None


def _in_pane(layer: folium.GeoJson, pane: str) -> folium.GeoJson:
    layer.options["pane"] = pane
    return layer


def study_area_layer(
    *,
    lang: str,
    districts: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    extent: Sequence[gpd.GeoDataFrame | None] = (),
    show: bool = True,
) -> folium.FeatureGroup:
    """The offline background drawn from the loaded layers, as one base layer.

    Parameters
    ----------
    lang
        ``es`` or ``en`` for the layer's name.
    districts
        Polygons drawn as land (any CRS). Without them, land is the box around ``extent``
        with a margin of about 5 km.
    rivers
        Lines drawn as rivers and polygons as water bodies (any CRS).
    extent
        Other layers (centres, communities) whose box makes the land when there are no
        districts.
    show
        Whether this is the base layer shown on opening.
    """
    group = folium.FeatureGroup(name=escape_text(t("basemap_study_area", lang)), overlay=False,
                                control=True, show=show)
    land = _land(districts, extent)
    if land is not None:
        data = light_geojson(land, properties={"fill": [LAND_COLOUR] * len(land)},
                             simplify_m=25.0)
        _in_pane(geojson_layer(data, name="land", stroke=LAND_COLOUR, weight=0.0,
                               fill_opacity=1.0, fill_property="fill",
                               class_name="crecida-background crecida-land"),
                 BACKGROUND_PANE).add_to(group)
    if _non_empty(rivers):
        kinds = rivers.geom_type.fillna("")
        water = rivers[kinds.str.contains("Polygon")]
        lines = rivers[kinds.str.contains("LineString")]
        if not water.empty:
            data = light_geojson(water, properties={"fill": [WATER_COLOUR] * len(water)},
                                 simplify_m=10.0)
            _in_pane(geojson_layer(data, name="water", stroke=WATER_COLOUR, weight=1.0,
                                   fill_opacity=1.0, fill_property="fill",
                                   class_name="crecida-background crecida-water"),
                     BACKGROUND_PANE).add_to(group)
        if not lines.empty:
            data = light_geojson(lines, properties={}, simplify_m=15.0)
            _in_pane(geojson_layer(data, name="rivers", stroke=WATER_COLOUR, weight=7.0,
                                   class_name="crecida-background crecida-water"),
                     BACKGROUND_PANE).add_to(group)
    return group


def _land(districts: gpd.GeoDataFrame | None, extent: Sequence[gpd.GeoDataFrame | None]
          ) -> gpd.GeoDataFrame | None:
    """District polygons, else a box (EPSG:4326) around the other layers; None if nothing."""
    if _non_empty(districts):
        polygons = districts[districts.geom_type.fillna("").str.contains("Polygon")]
        if not polygons.empty:
            return polygons[["geometry"]]
    boxes = [f.to_crs(settings.DISPLAY_CRS).total_bounds for f in extent if _non_empty(f)]
    if not boxes:
        return None
    west = min(b[0] for b in boxes) - _LAND_MARGIN_DEG
    south = min(b[1] for b in boxes) - _LAND_MARGIN_DEG
    east = max(b[2] for b in boxes) + _LAND_MARGIN_DEG
    north = max(b[3] for b in boxes) + _LAND_MARGIN_DEG
    return gpd.GeoDataFrame(geometry=[shapely.box(west, south, east, north)],
                            crs=settings.DISPLAY_CRS)


class PlaceLabels(Layer):
    """Names at given points, shown from ``min_zoom`` on, never catching a click.

    Parameters
    ----------
    labels
        ``(lat, lon, name)``; names are escaped here.
    name
        Layer control name (escaped by the caller).
    min_zoom
        First zoom at which the names show.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup();
            (function () {
                var group = {{ this.get_name() }};
                {{ this.labels|tojson }}.forEach(function (item) {
                    L.marker([item[0], item[1]], {
                        pane: {{ this.pane|tojson }}, interactive: false, keyboard: false,
                        icon: L.divIcon({className: "crecida-label", html: item[2],
                                         iconSize: null})
                    }).addTo(group);
                });
                var map = {{ this._parent.get_name() }};
                function toggle() {
                    map.getPane({{ this.pane|tojson }}).style.display =
                        map.getZoom() >= {{ this.min_zoom }} ? "" : "none";
                }
                map.on("zoomend", toggle);
                toggle();
            })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: Sequence[tuple[float, float, str]], *, name: str,
                 min_zoom: int = LABEL_MIN_ZOOM, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PlaceLabels"
        self.labels = [[round(lat, 5), round(lon, 5), escape_text(text)]
                       for lat, lon, text in labels]
        self.min_zoom = int(min_zoom)
        self.pane = LABELS_PANE


def community_labels_layer(communities: gpd.GeoDataFrame, *, lang: str,
                           min_zoom: int = LABEL_MIN_ZOOM) -> PlaceLabels:
    """Community names at a point inside each community (any CRS; shown in EPSG:4326)."""
    frame = communities[communities.geometry.notna() & ~communities.geometry.is_empty]
    points = frame.geometry.to_crs(settings.DISPLAY_CRS).representative_point()
    names = frame.get("name", gpd.pd.Series([""] * len(frame), index=frame.index))
    labels = [(p.y, p.x, str(n)) for p, n in zip(points, names, strict=True)
              if n is not None and str(n).strip() and str(n) != "nan"]
    return PlaceLabels(labels, name=escape_text(t("layer_place_names", lang)),
                       min_zoom=min_zoom)


# --------------------------------------------------------------------------- user basemap
def basemap_png(image: BasemapImage) -> bytes:
    """The picture as PNG (with transparency) or JPEG (opaque: smaller), whichever fits."""
    buffer = io.BytesIO()
    rgba = image.rgba
    if rgba[..., 3].min() == 255:
        Image.fromarray(rgba[..., :3]).save(buffer, format="JPEG", quality=85)
    else:
        Image.fromarray(rgba).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def basemap_layer(image: BasemapImage, *, lang: str, show: bool = True) -> ImageOverlay:
    """A user's basemap (from :func:`geo.basemap.read_basemap`) as a base layer under the
    flood, embedded in the page (class ``crecida-basemap``)."""
    data = basemap_png(image)
    mime = "image/jpeg" if data[:2] == b"\xff\xd8" else "image/png"
    url = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    layer = ImageOverlay(
        image=url, bounds=image.bounds, name=escape_text(t("basemap_user", lang,
                                                           name=image.name)),
        overlay=False, control=True, show=show, opacity=1.0, interactive=False,
        class_name="crecida-basemap", pane=BACKGROUND_PANE,
        attribution=escape_text(image.attribution) if image.attribution else None,
    )
    return layer


# --------------------------------------------------------------------------- fallback
class OfflineFallback(MacroElement):
    """When web tiles fail to load: say so once, remove them, show the offline background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var map = {{ this._parent.get_name() }};
                var online = [{{ this.online|join(", ") }}];
                var fallback = {{ this.fallback }};
                var told = false;
                online.forEach(function (layer) {
                    layer.on("tileerror", function () {
                        if (told) { return; }
                        told = true;
                        online.forEach(function (l) {
                            if (map.hasLayer(l)) { map.removeLayer(l); }
                        });
                        if (!map.hasLayer(fallback)) { fallback.addTo(map); }
                        var note = L.control({position: "bottomleft"});
                        note.onAdd = function () {
                            var div = L.DomUtil.create("div", "crecida-offline-note");
                            div.textContent = {{ this.message|tojson }};
                            div.title = {{ this.dismiss|tojson }};
                            L.DomEvent.on(div, "click", function () { note.remove(); });
                            return div;
                        };
                        note.addTo(map);
                    });
                });
            })();
        {% endmacro %}
        """
    )

    def __init__(self, online: Sequence[folium.TileLayer], fallback: Layer, *, lang: str):
        super().__init__()
        self._name = "OfflineFallback"
        self._online = list(online)
        self._fallback = fallback
        self.message = t("basemap_offline_note", lang)
        self.dismiss = t("basemap_offline_dismiss", lang)

    def render(self, **kwargs):
        self.online = [layer.get_name() for layer in self._online]
        self.fallback = self._fallback.get_name()
        super().render(**kwargs)


# --------------------------------------------------------------------------- all together
def add_background(
    fmap: folium.Map,
    *,
    lang: str,
    districts: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    extent: Sequence[gpd.GeoDataFrame | None] = (),
    basemaps: Sequence[BasemapImage] = (),
    tiles: bool | None = None,
) -> list[Layer]:
    """Add the background base layers, the place names and their panes to ``fmap``.

    Shown on opening: the first user basemap if any, else web tiles when enabled, else the
    study area. Returns the base layers in layer-control order.

    Parameters
    ----------
    tiles
        Add web tiles (None: :func:`online_tiles_enabled`).
    """
    online = online_tiles_enabled() if tiles is None else tiles
    fmap.get_root().header.add_child(Element(_CSS), name="crecida_background_css")
    CustomPane(BACKGROUND_PANE, z_index=150, pointer_events=False).add_to(fmap)
    CustomPane(LABELS_PANE, z_index=640, pointer_events=False).add_to(fmap)
    layers: list[Layer] = []
    for i, image in enumerate(basemaps):
        layers.append(basemap_layer(image, lang=lang, show=i == 0))
    web = tile_layers(lang=lang, show=not basemaps) if online else []
    layers.extend(web)
    area = study_area_layer(lang=lang, districts=districts, rivers=rivers,
                            extent=[communities, *extent],
                            show=not basemaps and not web)
    layers.append(area)
    for layer in layers:
        layer.add_to(fmap)
    if web:
        OfflineFallback(web, area, lang=lang).add_to(fmap)
    if _non_empty(communities):
        community_labels_layer(communities, lang=lang).add_to(fmap)
    return layers

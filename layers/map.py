"""Assemble the planner's map: background, flood overlay, vector layers, legend and tools.

:func:`build_map` is what the app (and the standalone HTML export) calls. Stacking, bottom to
top: the offline background (study area or the user's basemap, :mod:`layers.basemap`; web
tiles only when switched on), the flood image (in its own pane under every vector),
communities, catchment zones, districts, rivers, lines and sites, the centres on top so they
stay clickable, and community names. Every script and style sheet the map loads is served by
Crecida itself (:func:`layers.assets.localise`, applied last): the map needs no internet.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium import plugins
from folium.map import CustomPane
from jinja2 import Template

from geo import settings
from geo.basemap import BasemapImage
from geo.i18n import STRINGS, t
from geo.schema import FLOOD_STATUSES, flood_status, operating_status
from layers.assets import localise
from layers.basemap import add_background, districts_layer, rivers_layer
from layers.centres import centres_layer
from layers.communities import communities_layer
from layers.flood import FloodOverlay, flood_layer
from layers.legend import (
    Legend,
    LegendSection,
    centres_section,
    communities_section,
    flood_section,
    lines_section,
    operating_section,
)
from layers.style import DRAWN_AREA_COLOUR

FLOOD_PANE = "crecida_flood"
MAP_HEIGHT_PX = 500
"""Height of the app's map: with the compact page header its top edge and most of it show on a
1366 × 768 laptop screen without scrolling."""
DRAW_LOCALE_PREFIX = "drawlocal."
"""Keys of :mod:`geo.i18n` holding Leaflet.draw's texts (``drawlocal.draw.toolbar…``)."""


def layer_bounds(*frames: gpd.GeoDataFrame | None) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every non-empty frame, in degrees."""
    boxes = []
    for frame in frames:
        if frame is None or frame.empty or frame.crs is None:
            continue
        boxes.append(frame.to_crs(settings.DISPLAY_CRS).total_bounds)
    if not boxes:
        return None
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    return [[float(south), float(west)], [float(north), float(east)]]


def view_bounds(*frames: gpd.GeoDataFrame | None) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the places of every non-empty frame, in
    degrees: points as they are, polygons at a point inside them (so communities that tile a
    whole district do not stretch the view to its edges)."""
    points = []
    for frame in frames:
        if frame is None or frame.empty or frame.crs is None:
            continue
        geom = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
        if geom.empty:
            continue
        if not (geom.geom_type == "Point").all():
            work = geom.to_crs(geom.estimate_utm_crs()) if geom.crs.is_geographic else geom
            geom = work.where(work.geom_type == "Point", work.representative_point())
        points.append(gpd.GeoDataFrame(geometry=geom.to_crs(settings.DISPLAY_CRS)))
    return layer_bounds(*points)


def draw_locale(lang: str) -> dict:
    """Leaflet.draw's texts (``L.drawLocal``) in ``lang``, from the ``drawlocal.*`` keys of
    :mod:`geo.i18n`, as the nested object Leaflet.draw reads."""
    out: dict = {}
    for key in STRINGS:
        if not key.startswith(DRAW_LOCALE_PREFIX):
            continue
        node = out
        *path, leaf = key[len(DRAW_LOCALE_PREFIX):].split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = t(key, lang)
    return out


class MapControls(MacroElement):
    """The map's own controls in the user's language: a metric scale bar (no miles), zoom
    buttons titled in ``lang``, and the mouse wheel zooming only after a click on the map — until
    then it scrolls the page, as people expect on a long page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function(map) {
                L.control.scale({metric: true, imperial: false, position: "bottomleft"})
                    .addTo(map);
                if (map.zoomControl) {
                    [[map.zoomControl._zoomInButton, {{ this.zoom_in|tojson }}],
                     [map.zoomControl._zoomOutButton, {{ this.zoom_out|tojson }}]]
                        .forEach(function (pair) {
                            pair[0].title = pair[1];
                            pair[0].setAttribute("aria-label", pair[1]);
                        });
                }
                map.scrollWheelZoom.disable();
                map.on("click focus", function () { map.scrollWheelZoom.enable(); });
                map.on("mouseout blur", function () { map.scrollWheelZoom.disable(); });
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, lang: str):
        super().__init__()
        self._name = "MapControls"
        self.zoom_in = t("map.zoom_in", lang)
        self.zoom_out = t("map.zoom_out", lang)


class DrawLocale(MacroElement):
    """Sets Leaflet.draw's texts (``L.drawLocal``) to ``lang`` before the draw tool is made."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function(texts) {
                if (!L.drawLocal) { return; }
                (function merge(target, source) {
                    Object.keys(source).forEach(function (key) {
                        if (typeof source[key] === "object" && target[key]) {
                            merge(target[key], source[key]);
                        } else {
                            target[key] = source[key];
                        }
                    });
                })(L.drawLocal, texts);
            })({{ this.texts|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, lang: str):
        super().__init__()
        self._name = "DrawLocale"
        self.texts = draw_locale(lang)


def base_map(
    *, lang: str, bounds: list[list[float]] | None = None, draw: bool = False,
) -> folium.Map:
    """An empty map (no background) with a metric scale bar, full screen, the measure tool
    and, optionally, a draw tool — every control in ``lang``. The mouse wheel zooms only after
    a click on the map.

    Parameters
    ----------
    lang
        ``es`` or ``en``.
    bounds
        ``[[south, west], [north, east]]`` to fit; default the study area (Loreto).
    draw
        Add the draw tool (polygon and rectangle) used to sketch an area for a new centre.
    """
    if bounds is None:
        west, south, east, north = settings.STUDY_AREA_BOUNDS_LONLAT
        bounds = [[south, west], [north, east]]
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    fmap = folium.Map(location=centre, zoom_start=12, tiles=None, control_scale=False,
                      prefer_canvas=False, zoom_snap=0.25, scroll_wheel_zoom=False)
    CustomPane(FLOOD_PANE, z_index=350, pointer_events=False).add_to(fmap)
    MapControls(lang=lang).add_to(fmap)
    plugins.Fullscreen(position="topleft", title=t("map.fullscreen", lang),
                       title_cancel=t("map.fullscreen_exit", lang)).add_to(fmap)
    plugins.MeasureControl(
        position="topleft", primary_length_unit="meters", secondary_length_unit="kilometers",
        primary_area_unit="sqmeters", secondary_area_unit="hectares",
        localization=lang if lang in ("es", "en") else "es",
    ).add_to(fmap)
    if draw:
        DrawLocale(lang=lang).add_to(fmap)
        shape = {"color": DRAWN_AREA_COLOUR, "weight": 3}
        plugins.Draw(
            export=False, position="topleft", show_geometry_on_click=False,
            draw_options={"polyline": False, "circle": False, "circlemarker": False,
                          "marker": False,
                          "polygon": {"allowIntersection": False, "shapeOptions": shape},
                          "rectangle": {"shapeOptions": shape}},
            edit_options={"edit": False},
        ).add_to(fmap)
    fmap.fit_bounds(bounds)
    return fmap


def build_map(
    *,
    lang: str,
    centres: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    flood: FloodOverlay | None = None,
    flood_name: str = "",
    flood_depth_known: bool = True,
    districts: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    extra_layers: Sequence[folium.map.Layer] = (),
    extra_legend: Sequence[LegendSection] = (),
    draw: bool = False,
    tiles: bool | None = None,
    basemaps: Sequence[BasemapImage] = (),
    place_names: gpd.GeoDataFrame | None = None,
    top_layers: Sequence[folium.map.Layer] = (),
) -> folium.Map:
    """The planner's map with every layer given, a legend for each and a (collapsed) layer
    control; the view is fitted to the centres and communities.

    Parameters
    ----------
    lang
        ``es`` or ``en`` for layer names, tooltips, popups and the legend.
    centres, communities
        One scenario's rows (EPSG:4326), with exposure columns when known.
    flood
        The classified overlay from :func:`layers.flood.flood_overlay`.
    flood_name
        Scenario name shown in the layer control.
    flood_depth_known
        False for 0/1 extents: the legend then shows "water, depth unknown".
    districts, rivers
        Context layers, drawn when given.
    extra_layers
        Layers added above the communities and below the centres (catchments, suitable
        areas…).
    extra_legend
        Legend sections for ``extra_layers`` and ``top_layers``.
    draw
        Add the draw tool.
    tiles
        Add web tiles as a base layer (None: only when switched on,
        :func:`layers.basemap.online_tiles_enabled`; offline is the default). When they cannot
        load, the map says so once and shows the offline background.
    basemaps
        The user's offline basemaps (:func:`geo.basemap.read_basemap`), as base layers under
        the flood; the first is shown on opening.
    place_names
        Communities whose names label the map from ``layers.basemap.LABEL_MIN_ZOOM`` on
        (default ``communities``).
    top_layers
        Layers drawn above the centres (proposed sites, the drawn area): never hidden.

    Raises
    ------
    layers.assets.AssetError
        An element needs a library Crecida does not serve (a programming error).
    """
    bounds = view_bounds(centres, communities, place_names) or (
        flood.bounds if flood is not None else layer_bounds(districts))
    fmap = base_map(lang=lang, bounds=bounds, draw=draw)
    add_background(fmap, lang=lang, districts=districts, rivers=rivers,
                   communities=place_names if place_names is not None else communities,
                   extent=[centres], basemaps=basemaps, tiles=tiles)
    sections: list[LegendSection] = []
    if flood is not None:
        layer = flood_layer(flood, name=t("layer_flood", lang, scenario=flood_name))
        layer.options["pane"] = FLOOD_PANE
        layer.add_to(fmap)
        sections.append(flood_section(flood.depth_classes, lang=lang,
                                      depth_known=flood_depth_known))
    if communities is not None and not communities.empty:
        communities_layer(communities, lang=lang).add_to(fmap)
        if "flooded_fraction" in communities.columns:
            sections.append(communities_section(lang=lang))
    for layer in extra_layers:
        layer.add_to(fmap)
    sections.extend(extra_legend)
    if districts is not None and not districts.empty:
        districts_layer(districts, lang=lang).add_to(fmap)
    if rivers is not None and not rivers.empty:
        rivers_layer(rivers, lang=lang).add_to(fmap)
    lines = lines_section(lang=lang, districts=districts is not None and not districts.empty,
                          rivers=rivers is not None and not rivers.empty)
    if centres is not None:
        centres_layer(centres, lang=lang).add_to(fmap)
        if not centres.empty:
            known = flood_status(centres)
            shown = set(known) if known is not None else {"unknown"}
            statuses = tuple(s for s in FLOOD_STATUSES if s in shown or s != "unknown")
            present = set(operating_status(centres))
            sections[0:0] = [centres_section(lang=lang, statuses=statuses),
                             operating_section(lang=lang, statuses=tuple(
                                 s for s in ("open", "closed", "proposed")
                                 if s in present or s == "open"))]
    for layer in top_layers:
        layer.add_to(fmap)
    if lines is not None:
        sections.append(lines)
    if sections:
        Legend(sections, lang=lang).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return localise(fmap)

"""How each exported layer is drawn: one style, written as QGIS QML, OGC SLD and KML styles.

:func:`layer_style` decides a layer's symbols like the app's map does (centres by flood status,
flood extent by depth class with :mod:`geo.depth`'s labels and colours, context layers in the
palette's colours); :func:`qml` and :func:`sld` write it for the GeoPackage's ``layer_styles``
table, :mod:`geo.export.kml` for Google Earth.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET

import geopandas as gpd

from geo.depth import DepthClasses
from geo.export.texts import label
from geo.palette import (
    ASSIGNMENT_LINE_COLOUR,
    COMMUNITY_OUTLINE_COLOUR,
    DISTRICT_OUTLINE_COLOUR,
    RIVER_COLOUR,
    SITE_COLOUR,
    STATUS_COLOURS,
    hex_to_rgb,
)
from geo.schema import FLOOD_STATUSES, flood_status

__all__ = ["LayerStyle", "Symbol", "layer_style", "qml", "sld"]

_OUTLINE = "#232323"
_COMMUNITY_FILL = "#fdb863"


@dataclass(frozen=True)
class Symbol:
    """One category of a layer's style (or its single symbol).

    Attributes
    ----------
    value
        The category's value in the style's field, as text; ``None`` for a single symbol.
    label
        Legend text.
    fill, stroke
        ``#rrggbb``; a ``None`` fill draws no fill.
    fill_alpha
        Fill opacity, 0–255.
    width_mm, size_mm
        Outline or line width and marker size, in millimetres.
    """

    value: str | None
    label: str
    fill: str | None
    stroke: str
    fill_alpha: int = 255
    width_mm: float = 0.4
    size_mm: float = 3.0


@dataclass(frozen=True)
class LayerStyle:
    """A layer's geometry kind (``point``, ``line`` or ``polygon``), field and symbols."""

    geometry: str
    field: str | None
    symbols: tuple[Symbol, ...]


def geometry_kind(frame: gpd.GeoDataFrame) -> str:
    """``point``, ``line`` or ``polygon`` from the layer's geometry types (empty: ``point``)."""
    types = set(frame.geom_type.dropna().unique())
    if types and types <= {"Point", "MultiPoint"}:
        return "point"
    if types and types <= {"LineString", "MultiLineString", "LinearRing"}:
        return "line"
    return "polygon" if types else "point"


def layer_style(name: str, frame: gpd.GeoDataFrame, *, classes: DepthClasses,
                lang: str) -> LayerStyle:
    """How a layer is drawn in QGIS and Google Earth (like the app's map).

    Parameters
    ----------
    name
        Export name of the layer (``rivers``, ``districts``, ``new_sites`` have their own
        colours).
    frame
        The layer: a flood status (``flood_status``, or ``status`` holding flood statuses)
        gives one category per status; a ``depth_class`` column one per depth class of
        ``classes`` and water of unknown depth.
    classes
        The export's depth classes.
    lang
        Language of the category labels.
    """
    kind = geometry_kind(frame)
    if flood_status(frame) is not None:
        column = "flood_status" if "flood_status" in frame.columns else "status"
        return LayerStyle(kind, column, tuple(
            Symbol(s, label(f"status_{s}", lang, default=s.replace("_", " ")),
                   STATUS_COLOURS[s], _OUTLINE, fill_alpha=255 if kind == "point" else 150)
            for s in FLOOD_STATUSES))
    if "depth_class" in frame.columns:
        return LayerStyle(kind, "depth_class", tuple(
            Symbol(str(code), classes.label(code, lang), colour, colour, fill_alpha=170,
                   width_mm=0.1)
            for code, colour in classes.colours().items()))
    if kind == "line":
        colour = RIVER_COLOUR if name == "rivers" else ASSIGNMENT_LINE_COLOUR
        return LayerStyle(kind, None, (Symbol(None, name, None, colour, width_mm=0.6),))
    if kind == "point":
        colour = SITE_COLOUR if name == "new_sites" else STATUS_COLOURS["unknown"]
        return LayerStyle(kind, None, (Symbol(None, name, colour, _OUTLINE),))
    if name == "districts":
        return LayerStyle(kind, None, (Symbol(None, name, None, DISTRICT_OUTLINE_COLOUR,
                                              width_mm=0.5),))
    return LayerStyle(kind, None, (Symbol(None, name, _COMMUNITY_FILL, COMMUNITY_OUTLINE_COLOUR,
                                          fill_alpha=90),))


# --- QGIS QML ---------------------------------------------------------------------------------
def _qcolour(colour: str | None, alpha: int = 255) -> str:
    if colour is None:
        return "0,0,0,0"
    r, g, b = hex_to_rgb(colour)
    return f"{r},{g},{b},{alpha}"


def qml(style: LayerStyle) -> str:
    """A QGIS style document (QML) with a single or categorised renderer."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    if style.field is None:
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol",
                                 symbollevels="0", enableorderby="0", forceraster="0")
    else:
        renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol",
                                 attr=style.field, symbollevels="0", enableorderby="0",
                                 forceraster="0")
        categories = ET.SubElement(renderer, "categories")
        for i, sym in enumerate(style.symbols):
            ET.SubElement(categories, "category", render="true", symbol=str(i),
                          value=str(sym.value), label=sym.label)
    symbols = ET.SubElement(renderer, "symbols")
    qtype = {"point": "marker", "line": "line", "polygon": "fill"}[style.geometry]
    for i, sym in enumerate(style.symbols):
        symbol = ET.SubElement(symbols, "symbol", type=qtype, name=str(i), alpha="1",
                               clip_to_extent="1", force_rhr="0")
        cls = {"point": "SimpleMarker", "line": "SimpleLine", "polygon": "SimpleFill"}
        layer = ET.SubElement(symbol, "layer", {"class": cls[style.geometry], "enabled": "1",
                                                "pass": "0", "locked": "0"})
        options = ET.SubElement(layer, "Option", type="Map")
        if style.geometry == "point":
            values = {"name": "circle", "color": _qcolour(sym.fill, sym.fill_alpha),
                      "outline_color": _qcolour(sym.stroke), "outline_width": "0.2",
                      "size": f"{sym.size_mm:g}", "size_unit": "MM"}
        elif style.geometry == "line":
            values = {"line_color": _qcolour(sym.stroke), "line_width": f"{sym.width_mm:g}",
                      "line_width_unit": "MM", "line_style": "solid"}
        else:
            values = {"color": _qcolour(sym.fill, sym.fill_alpha),
                      "style": "solid" if sym.fill else "no",
                      "outline_color": _qcolour(sym.stroke), "outline_style": "solid",
                      "outline_width": f"{sym.width_mm:g}", "outline_width_unit": "MM"}
        for key, value in values.items():
            ET.SubElement(options, "Option", type="QString", name=key, value=value)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


# --- OGC SLD ----------------------------------------------------------------------------------
_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"


def sld(name: str, style: LayerStyle) -> str:
    """An OGC SLD 1.1 document with one rule per category."""
    ET.register_namespace("", _SLD)
    ET.register_namespace("se", _SE)
    ET.register_namespace("ogc", _OGC)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", version="1.1.0")
    named = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    ET.SubElement(named, f"{{{_SE}}}Name").text = name
    user = ET.SubElement(named, f"{{{_SLD}}}UserStyle")
    ET.SubElement(user, f"{{{_SE}}}Name").text = f"crecida_{name}"
    fts = ET.SubElement(user, f"{{{_SE}}}FeatureTypeStyle")
    for sym in style.symbols:
        rule = ET.SubElement(fts, f"{{{_SE}}}Rule")
        ET.SubElement(rule, f"{{{_SE}}}Name").text = sym.label
        if style.field is not None:
            filt = ET.SubElement(rule, f"{{{_OGC}}}Filter")
            eq = ET.SubElement(filt, f"{{{_OGC}}}PropertyIsEqualTo")
            ET.SubElement(eq, f"{{{_OGC}}}PropertyName").text = style.field
            ET.SubElement(eq, f"{{{_OGC}}}Literal").text = str(sym.value)
        if style.geometry == "point":
            sym_el = ET.SubElement(rule, f"{{{_SE}}}PointSymbolizer")
            graphic = ET.SubElement(sym_el, f"{{{_SE}}}Graphic")
            mark = ET.SubElement(graphic, f"{{{_SE}}}Mark")
            ET.SubElement(mark, f"{{{_SE}}}WellKnownName").text = "circle"
            _sld_fill(mark, sym.fill, sym.fill_alpha)
            _sld_stroke(mark, sym.stroke, 0.2)
            ET.SubElement(graphic, f"{{{_SE}}}Size").text = f"{sym.size_mm * 3.78:.0f}"
        elif style.geometry == "line":
            sym_el = ET.SubElement(rule, f"{{{_SE}}}LineSymbolizer")
            _sld_stroke(sym_el, sym.stroke, sym.width_mm)
        else:
            sym_el = ET.SubElement(rule, f"{{{_SE}}}PolygonSymbolizer")
            if sym.fill:
                _sld_fill(sym_el, sym.fill, sym.fill_alpha)
            _sld_stroke(sym_el, sym.stroke, sym.width_mm)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def _sld_fill(parent: ET.Element, colour: str | None, alpha: int) -> None:
    if colour is None:
        return
    fill = ET.SubElement(parent, f"{{{_SE}}}Fill")
    ET.SubElement(fill, f"{{{_SE}}}SvgParameter", name="fill").text = colour
    ET.SubElement(fill, f"{{{_SE}}}SvgParameter", name="fill-opacity").text = f"{alpha / 255:.2f}"


def _sld_stroke(parent: ET.Element, colour: str, width_mm: float) -> None:
    stroke = ET.SubElement(parent, f"{{{_SE}}}Stroke")
    ET.SubElement(stroke, f"{{{_SE}}}SvgParameter", name="stroke").text = colour
    ET.SubElement(stroke, f"{{{_SE}}}SvgParameter",
                  name="stroke-width").text = f"{width_mm * 3.78:.1f}"

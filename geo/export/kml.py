"""KML and KMZ for Google Earth and Google My Maps.

Every layer is a folder (with one sub-folder per scenario when it holds several), styled like
the app (:func:`geo.export.styles.layer_style`: status colours, depth classes); a placemark's
description is an escaped HTML table of its attributes; the provenance is in the document's
ExtendedData.

Attributes are kept typed: each layer declares a KML ``Schema`` (``int``, ``double``,
``bool`` or ``string`` per column, :func:`kml_field_type`) and each placemark holds its values
as ``SchemaData``, so GDAL, QGIS and Google Earth read numbers back as numbers; a missing value
is left out (read back as null). The placemark's own ``<name>`` carries the layer's ``name``
column (it is not repeated in the data, where it would collide with it); a column named like
one of the fields GDAL makes of every placemark (``description``, ``id``, ``timestamp``…) is
written as ``<column>_attr``.
"""

from __future__ import annotations

import html
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import pandas as pd

from geo.depth import DepthClasses
from geo.export.frames import COORDINATE_DECIMALS
from geo.export.styles import Symbol, layer_style
from geo.export.table import cell_value, is_missing
from geo.export.texts import label
from geo.io.files import atomic_path
from geo.palette import hex_to_rgb
from geo.provenance import Provenance
from geo.schema import flood_status

__all__ = ["kml_document", "write_kml"]

_KML = "http://www.opengis.net/kml/2.2"
_K = f"{{{_KML}}}"


def write_kml(frames: Mapping[str, gpd.GeoDataFrame], out: Path, *, provenance: Provenance,
              classes: DepthClasses, lang: str, zipped: bool) -> Path:
    """Write :func:`kml_document` to ``out`` as KML, or as KMZ (``doc.kml`` zipped)."""
    document = kml_document(frames, provenance=provenance, classes=classes, lang=lang)
    body = ET.tostring(document, encoding="utf-8", xml_declaration=True)
    with atomic_path(out) as tmp:
        if zipped:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("doc.kml", body)
        else:
            tmp.write_bytes(body)
    return out


def kml_document(frames: Mapping[str, gpd.GeoDataFrame], *, provenance: Provenance,
                 classes: DepthClasses, lang: str) -> ET.Element:
    """The KML document: styles, one folder per layer, placemarks (features without geometry
    are left out: KML has no placemark without a place)."""
    ET.register_namespace("", _KML)
    root = ET.Element(f"{_K}kml")
    doc = ET.SubElement(root, f"{_K}Document")
    ET.SubElement(doc, f"{_K}name").text = label("export.kml_title", lang)
    description = [label("export.disclaimer", lang)]
    if provenance.is_sample:
        description.insert(0, label("export.sample_warning", lang))
    description.append(f"Crecida {provenance.version}, {provenance.created_utc}")
    ET.SubElement(doc, f"{_K}description").text = "\n".join(description)
    extended = ET.SubElement(doc, f"{_K}ExtendedData")
    data = ET.SubElement(extended, f"{_K}Data", name="crecida_provenance")
    ET.SubElement(data, f"{_K}value").text = provenance.to_json()
    styles = {name: layer_style(name, frame, classes=classes, lang=lang)
              for name, frame in frames.items()}
    for name, style in styles.items():
        for i, sym in enumerate(style.symbols):
            _style(doc, f"{name}_{i}", style.geometry, sym)
    schemas: dict[str, dict[str, str]] = {}  # layer -> column -> KML type
    for name, frame in frames.items():
        schemas[name] = {c: kml_field_type(frame[c]) for c in frame.columns
                         if c not in (frame.geometry.name, "name")}
        schema = ET.SubElement(doc, f"{_K}Schema", name=name, id=_schema_id(name))
        fields = _kml_field_names(list(schemas[name]))
        for column, kind in schemas[name].items():
            ET.SubElement(schema, f"{_K}SimpleField", name=fields[column], type=kind)
    for name, frame in frames.items():
        folder = ET.SubElement(doc, f"{_K}Folder")
        ET.SubElement(folder, f"{_K}name").text = label(f"export.layer.{name}", lang,
                                                        default=name)
        style = styles[name]
        index = {sym.value: i for i, sym in enumerate(style.symbols)}
        if style.field is not None:
            keys = (flood_status(frame) if style.field in ("flood_status", "status")
                    else frame[style.field].astype("string"))
        else:
            keys = pd.Series([None] * len(frame), index=frame.index)
        subfolders = _scenario_folders(folder, frame)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        label_column = next((c for c in ("name", "centre_id", "community_id", "scenario",
                                         "depth_label") if c in columns), None)
        typed = schemas[name]
        fields = _kml_field_names(list(typed))
        for row_key, (idx, row) in zip(keys, frame.iterrows(), strict=True):
            geom = row[frame.geometry.name]
            if is_missing(geom) or geom.is_empty:
                continue
            parent = subfolders.get(row.get("scenario"), folder)
            mark = ET.SubElement(parent, f"{_K}Placemark")
            title = row[label_column] if label_column else f"{name} {idx}"
            ET.SubElement(mark, f"{_K}name").text = "" if is_missing(title) else str(title)
            ET.SubElement(mark, f"{_K}description").text = _description(row, columns, lang)
            code = index.get(None if row_key is None or is_missing(row_key) else str(row_key), 0)
            ET.SubElement(mark, f"{_K}styleUrl").text = f"#{name}_{code}"
            data = ET.SubElement(ET.SubElement(mark, f"{_K}ExtendedData"), f"{_K}SchemaData",
                                 schemaUrl=f"#{_schema_id(name)}")
            for column, kind in typed.items():
                value = row[column]
                if is_missing(value):
                    continue
                ET.SubElement(data, f"{_K}SimpleData", name=fields[column]).text = \
                    _kml_value(value, kind)
            _geometry(mark, geom)
    return root


#: Fields GDAL's KML readers make of every placemark (compared without case).
_PLACEMARK_FIELDS: frozenset[str] = frozenset({
    "name", "description", "id", "timestamp", "begin", "end", "altitudemode", "tessellate",
    "extrude", "visibility", "draworder", "icon", "snippet"})

#: Largest magnitude of a KML ``int`` (32-bit); larger whole numbers are written as ``double``.
_KML_INT_MAX: int = 2**31 - 1


def kml_field_type(series: pd.Series) -> str:
    """The KML ``SimpleField`` type of a column: ``bool``, ``int``, ``double`` or ``string``."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        values = pd.to_numeric(series, errors="coerce").dropna()
        return "int" if values.abs().le(_KML_INT_MAX).all() else "double"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def _kml_field_names(columns: list[str]) -> dict[str, str]:
    """Column to its KML field name: ``<column>_attr`` for GDAL's placemark fields."""
    return {c: f"{c}_attr" if str(c).lower() in _PLACEMARK_FIELDS else str(c) for c in columns}


def _schema_id(layer: str) -> str:
    """An XML id for a layer's schema (letters, digits, ``_``, ``-``, ``.``)."""
    return "schema_" + "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in layer)


def _kml_value(value: object, kind: str) -> str:
    """A value as ``SimpleData`` text of its field's type."""
    if kind == "bool":
        return "1" if bool(value) else "0"
    if kind == "int":
        return str(int(value))
    if kind == "double":
        return repr(float(value))
    return str(value if isinstance(value, str) else cell_value(value))


def _colour(colour: str | None, alpha: int = 255) -> str:
    """KML colours are aabbggrr."""
    if colour is None:
        return "00000000"
    r, g, b = hex_to_rgb(colour)
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"


def _scenario_folders(folder: ET.Element, frame: gpd.GeoDataFrame) -> dict[object, ET.Element]:
    """One sub-folder per scenario when a layer holds several (Google Earth toggles them)."""
    if "scenario" not in frame.columns or frame["scenario"].nunique() < 2:
        return {}
    folders = {}
    for value in pd.unique(frame["scenario"].dropna()):
        sub = ET.SubElement(folder, f"{_K}Folder")
        ET.SubElement(sub, f"{_K}name").text = str(value)
        folders[value] = sub
    return folders


def _style(doc: ET.Element, style_id: str, geometry: str, sym: Symbol) -> None:
    style = ET.SubElement(doc, f"{_K}Style", id=style_id)
    if geometry == "point":
        icon_style = ET.SubElement(style, f"{_K}IconStyle")
        ET.SubElement(icon_style, f"{_K}color").text = _colour(sym.fill)
        ET.SubElement(icon_style, f"{_K}scale").text = "1.0"
        icon = ET.SubElement(icon_style, f"{_K}Icon")
        ET.SubElement(icon, f"{_K}href").text = (
            "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png")
    line = ET.SubElement(style, f"{_K}LineStyle")
    ET.SubElement(line, f"{_K}color").text = _colour(sym.stroke)
    ET.SubElement(line, f"{_K}width").text = f"{max(1.0, sym.width_mm * 3):.1f}"
    if geometry == "polygon":
        poly = ET.SubElement(style, f"{_K}PolyStyle")
        ET.SubElement(poly, f"{_K}color").text = _colour(sym.fill, sym.fill_alpha)
        ET.SubElement(poly, f"{_K}fill").text = "1" if sym.fill else "0"
        ET.SubElement(poly, f"{_K}outline").text = "1"


def _description(row: pd.Series, columns: list[str], lang: str) -> str:
    """An HTML table of the attributes, every value escaped (Google Earth renders it)."""
    cells = []
    for column in columns:
        value = row[column]
        text = "" if is_missing(value) else str(cell_value(value))
        name = label(f"col_{column}", lang, default=column)
        cells.append(f"<tr><th align='left'>{html.escape(name)}</th>"
                     f"<td>{html.escape(text)}</td></tr>")
    return "<table>" + "".join(cells) + "</table>"


def _coords(coords, parent: ET.Element) -> None:
    text = " ".join(f"{x:.{COORDINATE_DECIMALS}f},{y:.{COORDINATE_DECIMALS}f}"
                    for x, y, *_ in coords)
    ET.SubElement(parent, f"{_K}coordinates").text = text


def _geometry(parent: ET.Element, geom) -> None:
    kind = geom.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.SubElement(parent, f"{_K}MultiGeometry")
        for part in geom.geoms:
            _geometry(multi, part)
    elif kind == "Point":
        _coords(geom.coords, ET.SubElement(parent, f"{_K}Point"))
    elif kind in ("LineString", "LinearRing"):
        line = ET.SubElement(parent, f"{_K}LineString")
        ET.SubElement(line, f"{_K}tessellate").text = "1"
        _coords(geom.coords, line)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, f"{_K}Polygon")
        outer = ET.SubElement(ET.SubElement(poly, f"{_K}outerBoundaryIs"), f"{_K}LinearRing")
        _coords(geom.exterior.coords, outer)
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, f"{_K}innerBoundaryIs"), f"{_K}LinearRing")
            _coords(ring.coords, inner)

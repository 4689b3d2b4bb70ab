"""Vector flood products as their makers define them: which polygons are flood, and where
anything was observed at all.

Recognised products (their documented structures):

Copernicus EMS rapid mapping (EMSR…)
    A package per AOI and product (zip of shapefiles, a GeoPackage, or the older
    ``*_observed_event_a.shp`` names): the flood is the observed-event layer
    (``…_observedEventA_…``); its ``notation`` (else ``obj_desc``) separates "Flooded area"
    from "Flood trace" (water already gone) and "Previous flooded area". The area of interest
    (``…_areaOfInterestA_…``) minus the not-analysed areas (``…_notAnalysedA_…``, clouds, no
    imagery) is what was observed.
UNOSAT flood extents
    A zip of shapefiles (``…_FloodExtent_…``, ``…_WaterExtent_…``, ``…_AnalysisExtent_…``) or a
    File Geodatabase; ``Water_Clas`` 0 = pre-flood water, 1 = flood water, 2 = possible flood
    water (also 3 = probable flash-flood-affected land, 4 = satellite detected water,
    6 = possible saturated soil, 99 = maximum flood extent); the analysis extent is what was
    observed.

Each polygon gets a ``flood_class``: ``flood`` (counted as flood), ``trace`` (water gone, or
an earlier date), ``preflood`` (the usual river and lakes), ``possible`` (uncertain water) or
``other`` (a class Crecida does not know). Only ``flood`` counts as flood unless the caller
includes more (``include``); what each class covers is said in the decisions, with its area.
Any other polygon layer is read as water polygons, every polygon flood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geo import schema
from geo.errors import InputError, Problem
from geo.io.files import PathLike
from geo.io.geometry import (
    missing_geometry_rows,
    repair_geometries,
    require_geometry,
    to_display_crs,
)
from geo.io.validate import format_rows
from geo.io.vector import PRODUCT_LAYERS, VectorSource, choose_layer, open_vector, read_vector

__all__ = ["FLOOD_CLASSES", "VectorFlood", "read_flood_vector"]

#: Classes of vector flood polygons, as Crecida names them.
FLOOD_CLASSES: tuple[str, ...] = ("flood", "trace", "preflood", "possible", "other")

#: Copernicus EMS ``notation``/``obj_desc`` values (normalised) → class.
_EMS_CLASSES: dict[str, str] = {
    "flooded_area": "flood", "flood": "flood", "flooded": "flood", "standing_water": "flood",
    "riverine_flood": "flood", "flash_flood": "flood", "coastal_flood": "flood",
    "inundated_area": "flood", "not_applicable": "flood",
    "flood_trace": "trace", "previous_flooded_area": "trace", "flood_traces": "trace",
}
#: UNOSAT ``Water_Clas`` codes → class.
_UNOSAT_CODES: dict[int, str] = {0: "preflood", 1: "flood", 2: "possible", 3: "trace",
                                 6: "possible", 99: "flood"}
#: UNOSAT ``Water_Clas`` texts (normalised) → class.
_UNOSAT_TEXTS: dict[str, str] = {
    "flood_water": "flood", "flood": "flood", "flooded_area": "flood",
    "pre_flood_water": "preflood", "preflood_water": "preflood", "normal_water": "preflood",
    "reference_water": "preflood", "permanent_water": "preflood",
    "possible_flood_water": "possible", "flood_affected_land_possible_flood_water": "possible",
    "flood_trace": "trace",
}
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class VectorFlood:
    """A vector flood extent, its classes and its observed area.

    Attributes
    ----------
    polygons
        Every polygon of the flood layer in EPSG:4326, with ``flood_class``.
    include
        Classes counted as flood.
    observed
        The observed area in EPSG:4326 (one geometry), or ``None`` when the source does not
        say (then the polygons' bounding box is taken as observed, and said so).
    product
        The product recognised (``Copernicus EMS``, ``UNOSAT``) or ``None``.
    label
        Name of the source, for messages.
    decisions
        How the source was read (layer, classes with their areas, observed area).
    """

    polygons: gpd.GeoDataFrame
    include: tuple[str, ...]
    observed: shapely.Geometry | None
    product: str | None
    label: str
    decisions: tuple[Problem, ...]

    @property
    def water(self) -> gpd.GeoSeries:
        """The polygons counted as flood (EPSG:4326)."""
        return self.polygons.geometry[self.polygons["flood_class"].isin(self.include)]

    def unknown(self) -> gpd.GeoSeries:
        """Polygons neither counted nor known to be dry (``possible``, ``other``) — unobserved."""
        cls = self.polygons["flood_class"]
        return self.polygons.geometry[cls.isin(("possible", "other")) & ~cls.isin(self.include)]


def read_flood_vector(
    path: PathLike,
    *,
    label: str | None = None,
    layer: str | None = None,
    include: Sequence[str] | None = None,
    observed: PathLike | None = None,
    observed_layer: str | None = None,
) -> VectorFlood:
    """Read a vector flood extent with its classes and observed area.

    Parameters
    ----------
    path
        A product package (zip, GeoPackage, File Geodatabase) or any polygon layer.
    label
        Name used in messages (defaults to the file name).
    layer
        The flood layer, when the source holds several (default: the product's convention).
    include
        Classes counted as flood (:data:`FLOOD_CLASSES`; default ``("flood",)``).
    observed
        A polygon layer of the observed area, when it is not in the package (or to replace
        it).
    observed_layer
        The layer of ``observed`` to read.

    Raises
    ------
    InputError
        An unknown class name in ``include``, no flood polygon, or the layer problems of
        :func:`geo.io.vector.choose_layer`.
    """
    path = Path(path)
    label = label or path.name
    include = tuple(include) if include else ("flood",)
    unknown = [c for c in include if c not in FLOOD_CLASSES]
    if unknown:
        raise InputError(Problem.keyed("flood_class_unknown", source=label,
                                       classes=", ".join(unknown),
                                       known=", ".join(FLOOD_CLASSES)))
    decisions: list[Problem] = []
    with open_vector(path, label=label) as source:
        chosen, chosen_why = choose_layer(source, role="flood", requested=layer,
                                          option="--flood NAME=FILE:LAYER")
        decisions += chosen_why
        raw = source.read(chosen.name)
        frame = _polygons(raw, label=label, decisions=decisions)
        product, classes = _classes(frame, chosen.name, label=label, decisions=decisions)
        area = None if observed is not None else _package_observed(source, product,
                                                                    label=label,
                                                                    decisions=decisions)
    if observed is not None:
        obs_path = Path(observed)
        given = read_vector(obs_path, label=obs_path.name, role="observed",
                            layer=observed_layer)
        decisions += given.attrs.get("decisions", [])
        shapes = _polygons(given, label=obs_path.name, decisions=decisions)
        area = shapely.union_all(shapes.geometry.to_numpy())
        decisions.append(Problem.keyed("decision_observed_given", source=label,
                                       layer=obs_path.name, area_km2=_km2(area)))
    frame = frame.assign(flood_class=classes)
    _class_decisions(frame, include, label=label, decisions=decisions)
    if not frame["flood_class"].isin(include).any():
        decisions.append(Problem.keyed("decision_no_flood_polygons", source=label))
    return VectorFlood(frame, include, area, product, label, tuple(decisions))


# --------------------------------------------------------------------------- internals


def _polygons(raw: gpd.GeoDataFrame, *, label: str, decisions: list[Problem]
              ) -> gpd.GeoDataFrame:
    gdf = require_geometry(raw, ("Polygon", "MultiPolygon"), label=label, layer="flood extent")
    rows = missing_geometry_rows(gdf)
    if rows:
        keep = np.ones(len(gdf), dtype=bool)
        keep[np.asarray(rows) - 1] = False
        gdf = gdf[keep]
        decisions.append(Problem.keyed("geometry_missing_dropped", source=label, n=len(rows),
                                       rows=format_rows(rows)))
    gdf = to_display_crs(gdf, label=label, decisions=decisions)
    notes: list[Problem] = []
    gdf = repair_geometries(gdf, notes=notes)
    decisions += [replace(n, source=label) for n in notes]
    return gdf.reset_index(drop=True)


def _classes(frame: gpd.GeoDataFrame, layer: str, *, label: str,
             decisions: list[Problem]) -> tuple[str | None, pd.Series]:
    """The product recognised and each polygon's class."""
    columns = {schema.normalise_header(c): c for c in frame.columns if c != "geometry"}
    water_clas = next((columns[k] for k in ("water_clas", "water_class", "waterclass")
                       if k in columns), None)
    ems_layer = any(re.search(p, layer.lower()) for p, _ in PRODUCT_LAYERS["flood"][:1])
    if water_clas is not None:
        return "UNOSAT", _unosat_classes(frame[water_clas], column=water_clas, label=label,
                                         decisions=decisions)
    notation = columns.get("notation")
    obj_desc = columns.get("obj_desc")
    if notation is not None or obj_desc is not None or ems_layer:
        return "Copernicus EMS", _ems_classes(frame, notation, obj_desc, label=label,
                                              decisions=decisions)
    decisions.append(Problem.keyed("decision_all_polygons_water", source=label,
                                   n=len(frame)))
    return None, pd.Series("flood", index=frame.index)


def _ems_classes(frame: gpd.GeoDataFrame, notation: str | None, obj_desc: str | None, *,
                 label: str, decisions: list[Problem]) -> pd.Series:
    def norm(col: str | None) -> pd.Series:
        if col is None:
            return pd.Series("", index=frame.index)
        return frame[col].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                              else schema.normalise_header(v))

    primary, secondary = norm(notation), norm(obj_desc)
    by_notation = primary.map(_EMS_CLASSES)
    by_desc = secondary.map(_EMS_CLASSES)
    # a trace in either field is a trace; else notation decides, else obj_desc
    classes = by_notation.fillna(by_desc)
    classes = classes.where(~((by_notation == "trace") | (by_desc == "trace")), "trace")
    blank = (primary == "") & (secondary == "")
    classes = classes.where(~blank, "flood").fillna("other")
    if blank.any():
        decisions.append(Problem.keyed("decision_ems_unclassified", source=label,
                                       n=int(blank.sum())))
    return classes


def _unosat_classes(values: pd.Series, *, column: str, label: str,
                    decisions: list[Problem]) -> pd.Series:
    def one(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "other"
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if pd.notna(number) and float(number).is_integer():
            return _UNOSAT_CODES.get(int(number), "other")
        return _UNOSAT_TEXTS.get(schema.normalise_header(value), "other")

    classes = values.map(one)
    codes = sorted({str(v) for v in values[classes == "other"].dropna()})
    if codes:
        decisions.append(Problem.keyed("decision_unosat_other_codes", source=label,
                                       column=column, codes=", ".join(codes[:8])))
    return classes


def _package_observed(source: VectorSource, product: str | None, *, label: str,
                      decisions: list[Problem]) -> shapely.Geometry | None:
    """The observed area a product package carries (EMS AOI minus not-analysed; UNOSAT
    analysis extent), or ``None``."""
    hits = source.matching(PRODUCT_LAYERS["observed"])
    if not hits:
        if product is not None:
            decisions.append(Problem.keyed("decision_observed_missing", source=label,
                                           product=product))
        return None
    parts = []
    for info, _what in hits:
        parts += list(_polygons(source.read(info.name), label=label,
                                decisions=decisions).geometry)
    area = shapely.union_all(np.asarray(parts, dtype=object))
    holes = source.matching(PRODUCT_LAYERS["not_analysed"])
    removed = []
    for info, _what in holes:
        gaps = _polygons(source.read(info.name), label=label, decisions=decisions)
        if len(gaps):
            area = shapely.difference(area, shapely.union_all(gaps.geometry.to_numpy()))
            removed.append(info.name)
    names = ", ".join(i.name for i, _ in hits)
    if removed:
        decisions.append(Problem.keyed("decision_observed_package_minus", source=label,
                                       layers=names, removed=", ".join(removed),
                                       area_km2=_km2(area)))
    else:
        decisions.append(Problem.keyed("decision_observed_package", source=label,
                                       layers=names, area_km2=_km2(area)))
    return area


def _class_decisions(frame: gpd.GeoDataFrame, include: tuple[str, ...], *, label: str,
                     decisions: list[Problem]) -> None:
    if set(frame["flood_class"]) == {"flood"}:
        return
    for cls in FLOOD_CLASSES:
        rows = frame[frame["flood_class"] == cls]
        if rows.empty:
            continue
        ha = _area_ha(rows.geometry)
        counted = cls in include
        meaning = ("counted" if counted else
                   "unknown" if cls in ("possible", "other") else "dry")
        decisions.append(Problem.keyed(f"decision_class_{meaning}", source=label,
                                       flood_class=cls, n=len(rows), area_ha=f"{ha:,.1f}"))


def _area_ha(geoms: gpd.GeoSeries) -> float:
    """Ellipsoidal area in hectares of EPSG:4326 geometries (overlaps counted once)."""
    union = shapely.union_all(geoms.to_numpy())
    return abs(_GEOD.geometry_area_perimeter(union)[0]) / 1e4 if not union.is_empty else 0.0


def _km2(geom: shapely.Geometry | None) -> str:
    if geom is None or geom.is_empty:
        return "0"
    return f"{abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6:,.2f}"


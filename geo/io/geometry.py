"""Checking a layer's geometries: their kind, their CRS, and repairing invalid polygons.

Pure functions on GeoDataFrames, no file access. Row numbers in messages count features from
1 by position.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS as PCRS
from pyproj import Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.transformer import TransformerGroup

from geo import settings
from geo.errors import CRSError, GeometryTypeError, Problem, Term
from geo.io.validate import format_rows

__all__ = ["missing_geometry_rows", "repair_geometries", "require_geometry", "to_display_crs"]

#: Geometry type → its word in :mod:`geo.i18n` (``geometry.<word>``), plural.
_WORDS = {
    "Point": "points",
    "MultiPoint": "multipoints",
    "LineString": "lines",
    "MultiLineString": "multilines",
    "Polygon": "polygons",
    "MultiPolygon": "multipolygons",
    "GeometryCollection": "collections",
}


def require_geometry(
    gdf: gpd.GeoDataFrame,
    allowed: tuple[str, ...],
    *,
    label: str,
    layer: str,
) -> gpd.GeoDataFrame:
    """Refuse a layer with geometries of the wrong kind; multipoints of one point are points.

    Parameters
    ----------
    gdf
        The layer (any CRS).
    allowed
        Accepted geometry types (``"Point"``, ``"Polygon"``…); missing geometries pass.
    label, layer
        File and role of the layer: ``centres``, ``communities``, ``districts``, ``rivers``,
        ``flood extent`` or ``points`` (the message ``geometry_type_<role>`` of
        :mod:`geo.i18n` names the kinds each role takes).

    Returns
    -------
    GeoDataFrame
        ``gdf``, or a copy with single-point multipoints replaced by their point when points
        are allowed.

    Raises
    ------
    GeometryTypeError
        One problem per wrong kind found, naming the rows that hold it.
    """
    geoms = gdf.geometry
    if "Point" in allowed:
        multi = geoms.geom_type.eq("MultiPoint") & (shapely.get_num_geometries(geoms) == 1)
        if multi.any():
            gdf = gdf.copy()
            gdf.loc[multi, gdf.geometry.name] = shapely.get_geometry(geoms[multi], 0)
            geoms = gdf.geometry
    kinds = geoms.geom_type.dropna()
    wrong = sorted(set(kinds) - set(allowed))
    if wrong:
        key = f"geometry_type_{layer.replace(' ', '_')}"
        types = geoms.geom_type.to_numpy()
        raise GeometryTypeError([
            Problem.keyed(key, source=label, found=_word(kind),
                          rows=format_rows((np.flatnonzero(types == kind) + 1).tolist()))
            for kind in wrong])
    return gdf


def to_display_crs(gdf: gpd.GeoDataFrame, *, label: str,
                   decisions: list[Problem] | None = None) -> gpd.GeoDataFrame:
    """The layer in ``settings.DISPLAY_CRS`` (EPSG:4326), transformed from its own CRS.

    The coordinate operation is the first PROJ lists for the layer's own area (its best
    available one: a PSAD56 layer in Peru gets a PSAD56 → WGS84 datum shift valid in Peru),
    used for every feature, and named in a
    decision; when PROJ knows no datum shift for the pair ("ballpark"), the decision says the
    positions may be off by hundreds of metres.

    Parameters
    ----------
    gdf
        The layer, in its own CRS.
    label
        File named in messages.
    decisions
        Gets one decision naming the transformation, when there is one.

    Raises
    ------
    CRSError
        The layer declares no CRS (Crecida does not guess one).
    """
    if gdf.crs is None:
        raise CRSError(Problem.keyed("vector_no_crs", source=label))
    if gdf.crs.equals(settings.DISPLAY_CRS):
        return gdf
    source = PCRS.from_user_input(gdf.crs)
    target = PCRS.from_user_input(settings.DISPLAY_CRS)
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    area = None
    if present.any():
        rough = Transformer.from_crs(source, target, always_xy=True)
        west, south, east, north = rough.transform_bounds(*shapely.total_bounds(geoms[present]))
        if np.isfinite([west, south, east, north]).all():
            area = AreaOfInterest(west, south, east, north)
    group = TransformerGroup(source, target, always_xy=True, area_of_interest=area)
    transformer = (group.transformers[0] if group.transformers
                   else Transformer.from_crs(source, target, always_xy=True))
    out = gdf.copy()
    out[gdf.geometry.name] = shapely.transform(geoms, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))
    out = out.set_crs(settings.DISPLAY_CRS, allow_override=True)
    if decisions is not None:
        operation = transformer.description
        accuracy = transformer.accuracy
        key = ("decision_crs_ballpark" if "ballpark" in operation.lower()
               else "decision_crs_transformed")
        decisions.append(Problem.keyed(
            key, source=label, crs=f"{source.name} ({source.to_string()})",
            operation=operation,
            accuracy="?" if accuracy is None or accuracy < 0 else f"{accuracy:g}"))
    return out


def missing_geometry_rows(gdf: gpd.GeoDataFrame) -> list[int]:
    """1-based positions of the features without a geometry (null or empty)."""
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    return (np.flatnonzero(missing) + 1).tolist()


def repair_geometries(gdf: gpd.GeoDataFrame, *, notes: list) -> gpd.GeoDataFrame:
    """Repair invalid geometries with ``make_valid``; polygons keep only polygonal parts.

    Parameters
    ----------
    gdf
        The layer (any CRS).
    notes
        Gets one note (a keyed :class:`~geo.errors.Problem`) naming the rows repaired.

    Returns
    -------
    GeoDataFrame
        ``gdf`` when every geometry is valid, else a repaired copy. A polygon whose repair
        leaves no area becomes an empty polygon.
    """
    geoms = gdf.geometry
    invalid = ~geoms.is_valid & geoms.notna()
    if not invalid.any():
        return gdf
    fixed = shapely.make_valid(geoms[invalid].to_numpy())
    polygonal = geoms.geom_type.isin(("Polygon", "MultiPolygon"))[invalid].to_numpy()
    fixed = np.where(polygonal, [_polygonal_part(g) for g in fixed], fixed)
    gdf = gdf.copy()
    gdf.loc[invalid, gdf.geometry.name] = fixed
    rows = (np.flatnonzero(invalid.to_numpy()) + 1).tolist()
    notes.append(Problem.keyed("geometries_repaired", n=len(rows), rows=format_rows(rows)))
    return gdf


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _word(kind: str) -> Term | str:
    """The geometry type as a word people read (its OGC name when it has none)."""
    return Term(f"geometry.{_WORDS[kind]}") if kind in _WORDS else kind

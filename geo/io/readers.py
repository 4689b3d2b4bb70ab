"""Reading what planners bring: site lists, community and district layers, rivers, floods.

Every reader returns a validated GeoDataFrame in EPSG:4326 with the canonical columns of
:mod:`geo.schema` (extra columns of the file are kept after them), or raises one
:class:`~geo.errors.InputError` that lists every problem with file, row and column (columns
named as the file names them). Each change made to usable input (swapped coordinates,
repaired polygons, duplicate ids…) is reported as one :class:`~geo.errors.CrecidaWarning`
whose argument is the keyed :class:`~geo.errors.Problem` (its ``source`` the file's label:
:func:`geo.errors.localise` gives it in the user's language), and listed in
``frame.attrs["notes"]`` (the same problems) and ``frame.attrs["warnings"]`` (their English
text). How the file was read — which layer or sheet, which header
row, which number format, which coordinate transformation — is listed in
``frame.attrs["decisions"]``.

Row numbers in messages count data rows from 1 (the header, and an HXL tag row, not counted).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import schema, settings
from geo.errors import CrecidaWarning, FormatError, GeometryTypeError, InputError, Problem
from geo.io import validate
from geo.io.columns import columns_as_given, rename_aliases, rename_columns
from geo.io.files import PathLike
from geo.io.formats import is_table_path, is_vector_path
from geo.io.geometry import (
    missing_geometry_rows,
    repair_geometries,
    require_geometry,
    to_display_crs,
)
from geo.io.tables import read_table
from geo.io.validate import format_rows
from geo.io.vector import read_vector

__all__ = [
    "read_centres",
    "read_communities",
    "read_districts",
    "read_flood_polygons",
    "read_points",
    "read_rivers",
]


def read_centres(
    path: PathLike,
    *,
    label: str | None = None,
    study_area: tuple[float, float, float, float] | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read collective centres (albergues) from a table or a point layer.

    Parameters
    ----------
    path
        CSV/XLSX (coordinates under lat/lon, latitud/longitud, y/x… headers, or HXL tags),
        GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ (every folder) or File Geodatabase.
    label
        Name used in messages (defaults to the file name).
    study_area
        (min lon, min lat, max lon, max lat) used to detect swapped coordinates and to flag
        far-away points; defaults to ``settings.STUDY_AREA_BOUNDS_LONLAT``.
    layer
        The layer (vector source) or sheet (workbook) to read; default: chosen as
        :func:`geo.io.vector.choose_layer` and :func:`geo.io.tables.read_table` say.

    Returns
    -------
    GeoDataFrame
        EPSG:4326 points with :data:`geo.schema.CENTRE_COLUMNS`, ``outside_study_area`` and
        any extra columns of the file.

    Raises
    ------
    InputError
        Every problem found; a centre without a location (an empty or null geometry, or no
        coordinates) is a problem, never a point "far outside the study area".
    """
    label = label or Path(path).name
    area = study_area or settings.STUDY_AREA_BOUNDS_LONLAT
    raw = _read_any(path, label=label, role="centres", layer=layer)
    problems: list[Problem] = []
    notes: list = []
    decisions: list[Problem] = list(raw[0].attrs.get("decisions", [])) if isinstance(
        raw, tuple) else list(raw.attrs.get("decisions", []))
    if isinstance(raw, gpd.GeoDataFrame):
        gdf = require_geometry(raw, ("Point",), label=label, layer="centres")
        _refuse_missing_geometries(gdf, label=label)
        gdf = to_display_crs(gdf, label=label, decisions=decisions)
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        frame = rename_aliases(frame, schema.CENTRE_ALIASES)
        lon = pd.Series(gdf.geometry.x.to_numpy(), index=frame.index)
        lat = pd.Series(gdf.geometry.y.to_numpy(), index=frame.index)
    else:
        frame, hxl = raw
        headers = list(frame.columns)
        frame = rename_columns(frame, schema.CENTRE_ALIASES, hxl, schema.CENTRE_HXL,
                               label=label, notes=notes)
        lat, lon = validate.coordinate_columns(
            frame, label=label, problems=problems, headers=headers,
            names=columns_as_given(frame)
        )
        if lat.empty and problems:  # no coordinate columns at all: nothing more to check
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
    names = columns_as_given(frame)
    lon, lat, outside = validate.check_coordinates(
        lon, lat, area, label=label, problems=problems, notes=notes, names=names
    )
    out = _centre_attributes(frame, label=label, problems=problems, notes=notes,
                             names=names, decisions=decisions)
    if problems:
        raise InputError(_by_row(problems), source=label)
    out["outside_study_area"] = outside.to_numpy()
    for col in [c for c in frame.columns if c not in out.columns]:
        out[col] = frame[col].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label, decisions=decisions)


def read_communities(
    path: PathLike,
    *,
    label: str | None = None,
    clip_to: shapely.Geometry | None = None,
    layer: str | None = None,
    max_cell_radius_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Read river communities: polygons, or points whose boundaries are then derived.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ or File Geodatabase (polygons or
        points, e.g. INEI's centros poblados with ``codccpp``, ``cen_pob``, ``pob``,
        ``viv``), or a CSV/XLSX of points with coordinate columns.
    label
        Name used in messages.
    clip_to
        Study area (EPSG:4326) that derived Voronoi boundaries are clipped to; defaults to the
        points' convex hull buffered by 2 km.
    layer
        The layer or sheet to read (default: chosen, and said so).
    max_cell_radius_m
        A derived boundary reaches at most this far from its point (metres; default
        ``settings.DERIVED_CELL_MAX_RADIUS_M``).

    Returns
    -------
    GeoDataFrame
        EPSG:4326 (multi)polygons with :data:`geo.schema.COMMUNITY_COLUMNS`;
        ``derived_boundary`` is True where the polygon was derived from a point (the points
        are kept in ``attrs["points"]``).

    Raises
    ------
    InputError
        Every problem found; a community without a geometry is a problem (it would drop out
        of every result).
    """
    from geo.boundaries import derive_boundaries

    label = label or Path(path).name
    radius = settings.DERIVED_CELL_MAX_RADIUS_M if max_cell_radius_m is None \
        else float(max_cell_radius_m)
    gdf, frame, notes, decisions = _read_layer(
        path,
        label=label,
        aliases=schema.COMMUNITY_ALIASES,
        allowed=("Polygon", "MultiPolygon", "Point"),
        layer="communities",
        role="communities",
        layer_name=layer,
        hxl_map=schema.COMMUNITY_HXL,
        missing="refuse",
    )
    names = columns_as_given(frame)
    problems: list[Problem] = []
    out = pd.DataFrame(index=frame.index)
    out["community_id"] = validate.make_ids(
        frame.get("community_id"), index=frame.index, prefix="COM", notes=notes
    )
    out["name"] = validate.clean_text(
        frame.get("name"), index=frame.index, default=out["community_id"]
    )
    out["district"] = validate.clean_text(frame.get("district"), index=frame.index, default="")
    people = validate.parse_counts(
        frame,
        "population",
        "households",
        label=label,
        problems=problems,
        notes=notes,
        required=True,
        names=names,
        decisions=decisions,
    )
    if problems:
        raise InputError(_by_row(problems), source=label)
    out["population"], out["households"] = people
    derived = gdf.geometry.geom_type.eq("Point").to_numpy()
    geometry = gdf.geometry.copy()
    if derived.any():
        if not derived.all():
            raise GeometryTypeError(Problem.keyed("communities_mixed", source=label))
        points = gdf.geometry.copy()
        geometry = derive_boundaries(gdf.geometry, clip_to=clip_to, max_radius_m=radius)
        notes.append(Problem.keyed("boundaries_derived", n=len(gdf), radius_m=f"{radius:g}"))
    out["derived_boundary"] = derived
    for col in frame.columns:
        if col not in out.columns:
            out[col] = frame[col].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    result = _finish(result, notes, label=label, decisions=decisions)
    if derived.any():  # where each derived community really is (for district filling)
        result.attrs["points"] = points.reset_index(drop=True)
    return result


def read_districts(path: PathLike, *, label: str | None = None,
                   layer: str | None = None) -> gpd.GeoDataFrame:
    """Read district polygons (INEI districts): ``district_id`` (ubigeo, text) and ``name``.

    All-digit ids are zero-padded to the 6 digits of an ubigeo; the result is in EPSG:4326
    (a PSAD56 layer is transformed, and the transformation named in the decisions).
    Districts without a geometry are left out with a note.
    """
    label = label or Path(path).name
    gdf, frame, notes, decisions = _read_layer(
        path,
        label=label,
        aliases=schema.DISTRICT_ALIASES,
        allowed=("Polygon", "MultiPolygon"),
        layer="districts",
        role="districts",
        layer_name=layer,
    )
    out = pd.DataFrame(index=frame.index)
    out["district_id"] = validate.make_ids(
        frame.get("district_id"), index=frame.index, prefix="D", notes=notes, zero_pad=6
    )
    out["name"] = validate.clean_text(
        frame.get("name"), index=frame.index, default=out["district_id"]
    )
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label, decisions=decisions)


def read_rivers(path: PathLike, *, label: str | None = None,
                layer: str | None = None) -> gpd.GeoDataFrame:
    """Read rivers: centre lines (or river-area polygons) with a ``name``, in EPSG:4326."""
    label = label or Path(path).name
    gdf, frame, notes, decisions = _read_layer(
        path,
        label=label,
        aliases=schema.RIVER_ALIASES,
        allowed=("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
        layer="rivers",
        role="rivers",
        layer_name=layer,
    )
    out = pd.DataFrame(
        {"name": validate.clean_text(frame.get("name"), index=frame.index, default="")},
        index=frame.index,
    )
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label, decisions=decisions)


def read_flood_polygons(path: PathLike, *, label: str | None = None,
                        layer: str | None = None) -> gpd.GeoDataFrame:
    """Read polygons without their attributes (an area to evaluate, a drawn extent), EPSG:4326.

    Flood products with classes and an observed area (Copernicus EMS, UNOSAT) are read by
    :func:`geo.io.products.read_flood_vector`.
    """
    label = label or Path(path).name
    gdf, _frame, notes, decisions = _read_layer(
        path, label=label, aliases={}, allowed=("Polygon", "MultiPolygon"), layer="flood extent",
        role="area", layer_name=layer,
    )
    result = gpd.GeoDataFrame(geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label, decisions=decisions)


def read_points(path: PathLike, *, label: str | None = None,
                layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any point layer (or table with coordinates), keeping every column as it is.

    Used for siting candidates and demand layers with a weight column. Text columns whose
    every non-blank cell is a number become numeric; the result is in EPSG:4326.
    """
    label = label or Path(path).name
    gdf, frame, notes, decisions = _read_layer(
        path, label=label, aliases={}, allowed=("Point",), layer="points", role="points",
        layer_name=layer, missing="refuse",
    )
    frame = frame.apply(validate.numeric_if_all)
    result = gpd.GeoDataFrame(frame, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label, decisions=decisions)


# --------------------------------------------------------------------------- assembly


def _read_any(path: PathLike, *, label: str, role: str, layer: str | None = None
              ) -> gpd.GeoDataFrame | tuple[pd.DataFrame, bool]:
    """A table (frame, has_hxl_row) or a vector layer (GeoDataFrame), by file name."""
    p = Path(path)
    if not p.exists():
        raise FormatError(Problem.keyed("file_not_found", source=label))
    if p.is_file() and p.stat().st_size == 0:
        raise FormatError(Problem.keyed("file_empty", source=label))
    if is_table_path(p):
        return read_table(p, label=label, sheet=layer)
    if is_vector_path(p):
        option = "--flood NAME=FILE:LAYER" if role == "flood" else f"--{role} FILE:LAYER"
        return read_vector(p, label=label, role=role, layer=layer, option=option)
    raise FormatError(Problem.keyed("unsupported_type", source=label,
                                    suffix=p.suffix or p.name))


def _read_layer(
    path: PathLike,
    *,
    label: str,
    aliases: Mapping[str, tuple[str, ...]],
    allowed: tuple[str, ...],
    layer: str,
    role: str,
    layer_name: str | None = None,
    hxl_map: Mapping[str, str] | None = None,
    missing: str = "drop",
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, list, list[Problem]]:
    """Read a vector layer (or a table of points), check geometry, fix it, map aliases.

    ``missing`` says what happens to features without a geometry: ``refuse`` (a problem
    naming the rows) or ``drop`` (left out, with a note).
    """
    notes: list = []
    raw = _read_any(path, label=label, role=role, layer=layer_name)
    if isinstance(raw, tuple):
        frame, hxl = raw
        decisions = list(frame.attrs.get("decisions", []))
        headers = list(frame.columns)
        frame = rename_columns(frame, aliases, hxl, hxl_map or {}, label=label, notes=notes)
        names = columns_as_given(frame)
        problems: list[Problem] = []
        lat, lon = validate.coordinate_columns(
            frame, label=label, problems=problems, headers=headers, names=names
        )
        if problems:
            raise InputError(problems, source=label)
        lon, lat, _ = validate.check_coordinates(
            lon, lat, settings.STUDY_AREA_BOUNDS_LONLAT, label=label, problems=problems,
            notes=notes, names=names
        )
        if problems:
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
        raw = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(lon, lat), crs=settings.DISPLAY_CRS
        )
        raw.attrs["columns_as_given"] = names
    else:
        decisions = list(raw.attrs.get("decisions", []))
    gdf = require_geometry(raw, allowed, label=label, layer=layer)
    rows = missing_geometry_rows(gdf)
    if rows and missing == "refuse":
        _refuse_missing_geometries(gdf, label=label)
    elif rows:
        keep = np.ones(len(gdf), dtype=bool)
        keep[np.asarray(rows) - 1] = False
        gdf = gdf[keep]
        notes.append(Problem.keyed("geometry_missing_dropped", n=len(rows),
                                   rows=format_rows(rows)))
    gdf = to_display_crs(gdf, label=label, decisions=decisions)
    gdf = repair_geometries(gdf, notes=notes)
    collapsed = missing_geometry_rows(gdf)
    if collapsed and missing == "refuse":  # a polygon whose repair left no area
        raise InputError(Problem.keyed("geometry_no_area", source=label,
                                       rows=format_rows(collapsed)))
    given = gdf.attrs.get("columns_as_given", {})
    plain = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    plain.attrs["columns_as_given"] = dict(given)
    frame = rename_aliases(plain, aliases)
    return gdf, frame, notes, decisions


def _refuse_missing_geometries(gdf: gpd.GeoDataFrame, *, label: str) -> None:
    rows = missing_geometry_rows(gdf)
    if rows:
        raise InputError(Problem.keyed("geometry_missing", source=label,
                                       rows=format_rows(rows)))


def _centre_attributes(
    frame: pd.DataFrame,
    *,
    label: str,
    problems: list[Problem],
    notes: list,
    names: Mapping[str, str],
    decisions: list[Problem],
) -> pd.DataFrame:
    """Canonical centre attributes from a frame with canonical column names."""
    out = pd.DataFrame(index=frame.index)
    out["centre_id"] = validate.make_ids(
        frame.get("centre_id"), index=frame.index, prefix="ALB", notes=notes
    )
    out["name"] = validate.clean_text(
        frame.get("name"), index=frame.index, default=out["centre_id"]
    )
    out["kind"] = validate.parse_categories(
        frame.get("kind"),
        schema.KIND_ALIASES,
        "other",
        index=frame.index,
        column="kind",
        shown=names.get("kind"),
        label=label,
        problems=problems,
        notes=notes,
        strict=False,
    )
    out["district"] = validate.clean_text(frame.get("district"), index=frame.index, default="")
    persons, families = validate.parse_counts(
        frame, "persons", "families", label=label, problems=problems, notes=notes,
        required=False, names=names, decisions=decisions,
    )
    out["families"], out["persons"] = families, persons
    area = _optional_numbers(frame, "covered_area_m2", label=label, problems=problems,
                             names=names, decisions=decisions)
    out["covered_area_m2"] = area.astype(float)
    capacity = _optional_numbers(frame, "capacity_persons", label=label, problems=problems,
                                 names=names, decisions=decisions)
    from_area = capacity.isna() & area.notna()
    capacity = capacity.where(~from_area, schema.capacity_from_area(area))
    if from_area.any():
        notes.append(Problem.keyed("capacity_from_area", n=int(from_area.sum()),
                                   m2_per_person=f"{settings.COVERED_AREA_M2_PER_PERSON:g}"))
    out["capacity_persons"] = (capacity.round().astype("Int64") if not problems
                               else capacity.astype(float))
    out["status"] = validate.parse_categories(
        frame.get("status"),
        schema.STATUS_ALIASES,
        "open",
        index=frame.index,
        column="status",
        shown=names.get("status"),
        label=label,
        problems=problems,
        notes=notes,
        strict=True,
    )
    return out


def _optional_numbers(
    frame: pd.DataFrame, column: str, *, label: str, problems: list[Problem],
    names: Mapping[str, str], decisions: list[Problem],
) -> pd.Series:
    """A non-negative quantity column, all NaN when the file has none."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    shown = names.get(column, column)
    values = validate.parse_numbers(frame[column], column=shown, label=label,
                                    problems=problems, quantity=True, decisions=decisions)
    validate.check_non_negative(values, shown, label=label, problems=problems)
    return values


def _finish(gdf: gpd.GeoDataFrame, notes: list, *, label: str,
            decisions: list[Problem] | None = None) -> gpd.GeoDataFrame:
    """Reset the index, record notes and decisions in ``attrs``; emit one warning per note,
    carrying the note itself (a :class:`Problem` whose source is ``label``).

    Called directly by the public readers: the warnings point at their caller.
    """
    gdf = gdf.reset_index(drop=True)
    kept = [replace(n, source=n.source or label) if isinstance(n, Problem) else f"{label}: {n}"
            for n in notes]
    gdf.attrs["warnings"] = [str(n) for n in kept]
    gdf.attrs["notes"] = kept
    gdf.attrs["decisions"] = [replace(d, source=d.source or label) for d in decisions or []]
    gdf.attrs["source"] = label
    for note in kept:
        warnings.warn(CrecidaWarning(note), stacklevel=3)
    return gdf


def _by_row(problems: list[Problem]) -> list[Problem]:
    """Problems in file order (row, then as found); those without a row first."""
    return sorted(problems, key=lambda p: p.row or 0)

"""Reading what planners bring: site lists, community and district layers, rivers, floods.

Every reader returns a validated GeoDataFrame in EPSG:4326 with the canonical columns of
:mod:`geo.schema` (extra columns of the file are kept after them), or raises one
:class:`~geo.errors.InputError` that lists every problem with file, row and column. Changes
made to usable input (swapped coordinates, repaired polygons, duplicate ids…) are reported as
one :class:`~geo.errors.CrecidaWarning` and listed in ``frame.attrs["warnings"]``.

Row numbers in messages count data rows from 1 (the header, and an HXL tag row, not counted).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import schema, settings
from geo.errors import CrecidaWarning, FormatError, GeometryTypeError, InputError, Problem
from geo.io import validate
from geo.io.columns import rename_aliases, rename_columns
from geo.io.files import PathLike
from geo.io.formats import ACCEPTED_FORMATS, is_table_path, is_vector_path
from geo.io.geometry import repair_geometries, require_geometry, to_display_crs
from geo.io.tables import read_table
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
) -> gpd.GeoDataFrame:
    """Read collective centres (albergues) from a table or a point layer.

    Parameters
    ----------
    path
        CSV/XLSX (coordinates under lat/lon, latitud/longitud, y/x… headers, or HXL tags),
        GeoJSON, GeoPackage, zipped Shapefile or KML/KMZ.
    label
        Name used in messages (defaults to the file name).
    study_area
        (min lon, min lat, max lon, max lat) used to detect swapped coordinates and to flag
        far-away points; defaults to ``settings.STUDY_AREA_BOUNDS_LONLAT``.

    Returns
    -------
    GeoDataFrame
        EPSG:4326 points with :data:`geo.schema.CENTRE_COLUMNS`, ``outside_study_area`` and
        any extra columns of the file.
    """
    label = label or Path(path).name
    area = study_area or settings.STUDY_AREA_BOUNDS_LONLAT
    raw = _read_any(path, label=label)
    problems: list[Problem] = []
    notes: list[str] = []
    if isinstance(raw, gpd.GeoDataFrame):
        gdf = require_geometry(raw, ("Point",), label=label, layer="centres")
        gdf = to_display_crs(gdf, label=label)
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        frame = rename_aliases(frame, schema.CENTRE_ALIASES)
        lon = pd.Series(gdf.geometry.x.to_numpy(), index=frame.index)
        lat = pd.Series(gdf.geometry.y.to_numpy(), index=frame.index)
    else:
        frame, hxl = raw
        headers = list(frame.columns)
        frame = rename_columns(frame, schema.CENTRE_ALIASES, hxl, schema.CENTRE_HXL)
        lat, lon = validate.coordinate_columns(
            frame, label=label, problems=problems, headers=headers
        )
        if lat.empty and problems:  # no coordinate columns at all: nothing more to check
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
    lon, lat, outside = validate.check_coordinates(
        lon, lat, area, label=label, problems=problems, notes=notes
    )
    out = _centre_attributes(frame, label=label, problems=problems, notes=notes)
    if problems:
        raise InputError(_by_row(problems), source=label)
    out["outside_study_area"] = outside.to_numpy()
    for col in [c for c in frame.columns if c not in out.columns]:
        out[col] = frame[col].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_communities(
    path: PathLike,
    *,
    label: str | None = None,
    clip_to: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Read river communities: polygons, or points whose boundaries are then derived.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile or KML/KMZ (polygons or points), or a CSV/XLSX of
        points with coordinate columns.
    label
        Name used in messages.
    clip_to
        Study area (EPSG:4326) that derived Voronoi boundaries are clipped to; defaults to the
        points' convex hull buffered by 2 km.

    Returns
    -------
    GeoDataFrame
        EPSG:4326 (multi)polygons with :data:`geo.schema.COMMUNITY_COLUMNS`;
        ``derived_boundary`` is True where the polygon was derived from a point.
    """
    from geo.boundaries import derive_boundaries

    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path,
        label=label,
        aliases=schema.COMMUNITY_ALIASES,
        allowed=("Polygon", "MultiPolygon", "Point"),
        layer="communities",
    )
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
    )
    if problems:
        raise InputError(_by_row(problems), source=label)
    out["population"], out["households"] = people
    derived = gdf.geometry.geom_type.eq("Point").to_numpy()
    geometry = gdf.geometry.copy()
    if derived.any():
        if not derived.all():
            raise GeometryTypeError(
                Problem(
                    "the layer mixes points and polygons",
                    source=label,
                    fix="give either community polygons or community points, not both",
                )
            )
        geometry = derive_boundaries(gdf.geometry, clip_to=clip_to)
        notes.append(
            f"boundaries derived from {len(gdf)} points (Voronoi cells clipped to "
            "the study area) and flagged in 'derived_boundary'"
        )
    out["derived_boundary"] = derived
    for col in frame.columns:
        if col not in out.columns:
            out[col] = frame[col].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_districts(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read district polygons (INEI districts): ``district_id`` (ubigeo, text) and ``name``.

    All-digit ids are zero-padded to the 6 digits of an ubigeo; the result is in EPSG:4326.
    """
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path,
        label=label,
        aliases=schema.DISTRICT_ALIASES,
        allowed=("Polygon", "MultiPolygon"),
        layer="districts",
    )
    out = pd.DataFrame(index=frame.index)
    out["district_id"] = validate.make_ids(
        frame.get("district_id"), index=frame.index, prefix="D", notes=notes, zero_pad=6
    )
    out["name"] = validate.clean_text(
        frame.get("name"), index=frame.index, default=out["district_id"]
    )
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_rivers(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read rivers: centre lines (or river-area polygons) with a ``name``, in EPSG:4326."""
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path,
        label=label,
        aliases=schema.RIVER_ALIASES,
        allowed=("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
        layer="rivers",
    )
    out = pd.DataFrame(
        {"name": validate.clean_text(frame.get("name"), index=frame.index, default="")},
        index=frame.index,
    )
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_flood_polygons(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector flood extent (Copernicus EMS observed event, UNOSAT water extent).

    Returns the (repaired) polygons in EPSG:4326, without attributes.
    """
    label = label or Path(path).name
    gdf, _frame, notes = _read_layer(
        path, label=label, aliases={}, allowed=("Polygon", "MultiPolygon"), layer="flood extent"
    )
    result = gpd.GeoDataFrame(geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_points(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read any point layer (or table with coordinates), keeping every column as it is.

    Used for siting candidates and demand layers with a weight column. Text columns whose
    every non-blank cell is a number become numeric; the result is in EPSG:4326.
    """
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path, label=label, aliases={}, allowed=("Point",), layer="points"
    )
    frame = frame.apply(validate.numeric_if_all)
    result = gpd.GeoDataFrame(frame, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


# --------------------------------------------------------------------------- assembly


def _read_any(path: PathLike, *, label: str) -> gpd.GeoDataFrame | tuple[pd.DataFrame, bool]:
    """A table (frame, has_hxl_row) or a vector layer (GeoDataFrame), by file name."""
    p = Path(path)
    if not p.exists():
        raise FormatError(Problem("file not found", source=label))
    if p.stat().st_size == 0:
        raise FormatError(
            Problem(
                "the file is empty",
                source=label,
                fix=f"give a file with data; accepted: {ACCEPTED_FORMATS}",
            )
        )
    if is_table_path(p):
        return read_table(p, label=label)
    if is_vector_path(p):
        return read_vector(p, label=label)
    raise FormatError(
        Problem(
            f"unsupported file type '{p.suffix or p.name}'",
            source=label,
            fix=f"accepted: {ACCEPTED_FORMATS}",
        )
    )


def _read_layer(
    path: PathLike,
    *,
    label: str,
    aliases: Mapping[str, tuple[str, ...]],
    allowed: tuple[str, ...],
    layer: str,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, list[str]]:
    """Read a vector layer (or a table of points), check geometry, fix it, map aliases."""
    notes: list[str] = []
    raw = _read_any(path, label=label)
    if isinstance(raw, tuple):
        frame, hxl = raw
        headers = list(frame.columns)
        frame = rename_columns(frame, aliases, hxl, {})
        problems: list[Problem] = []
        lat, lon = validate.coordinate_columns(
            frame, label=label, problems=problems, headers=headers
        )
        if problems:
            raise InputError(problems, source=label)
        lon, lat, _ = validate.check_coordinates(
            lon, lat, settings.STUDY_AREA_BOUNDS_LONLAT, label=label, problems=problems, notes=notes
        )
        if problems:
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
        raw = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(lon, lat), crs=settings.DISPLAY_CRS
        )
    gdf = require_geometry(raw, allowed, label=label, layer=layer)
    gdf = to_display_crs(gdf, label=label)
    gdf = repair_geometries(gdf, notes=notes)
    frame = rename_aliases(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), aliases)
    return gdf, frame, notes


def _centre_attributes(
    frame: pd.DataFrame,
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
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
        label=label,
        problems=problems,
        notes=notes,
        strict=False,
    )
    out["district"] = validate.clean_text(frame.get("district"), index=frame.index, default="")
    persons, families = validate.parse_counts(
        frame, "persons", "families", label=label, problems=problems, notes=notes, required=False
    )
    out["families"], out["persons"] = families, persons
    area = _optional_numbers(frame, "covered_area_m2", label=label, problems=problems)
    out["covered_area_m2"] = area.astype(float)
    capacity = _optional_numbers(frame, "capacity_persons", label=label, problems=problems)
    from_area = capacity.isna() & area.notna()
    capacity = capacity.where(~from_area, schema.capacity_from_area(area))
    if from_area.any():
        notes.append(
            f"capacity of {int(from_area.sum())} centre(s) computed as covered area / "
            f"{settings.COVERED_AREA_M2_PER_PERSON:g} m² per person (Sphere)"
        )
    out["capacity_persons"] = capacity.round().astype("Int64")
    out["status"] = validate.parse_categories(
        frame.get("status"),
        schema.STATUS_ALIASES,
        "open",
        index=frame.index,
        column="status",
        label=label,
        problems=problems,
        notes=notes,
        strict=True,
    )
    return out


def _optional_numbers(
    frame: pd.DataFrame, column: str, *, label: str, problems: list[Problem]
) -> pd.Series:
    """A non-negative numeric column, all NaN when the file has none."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    values = validate.parse_numbers(frame[column], column=column, label=label, problems=problems)
    validate.check_non_negative(values, column, label=label, problems=problems)
    return values


def _finish(gdf: gpd.GeoDataFrame, notes: list[str], *, label: str) -> gpd.GeoDataFrame:
    """Reset the index, record the notes in ``attrs`` and emit them as one warning.

    Called directly by the public readers: the warning points at their caller.
    """
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["warnings"] = [f"{label}: {n}" for n in notes]
    gdf.attrs["source"] = label
    if notes:
        text = notes[0] if len(notes) == 1 else "; ".join(notes)
        warnings.warn(f"{label}: {text}", CrecidaWarning, stacklevel=3)
    return gdf


def _by_row(problems: list[Problem]) -> list[Problem]:
    """Problems in file order (row, then as found); those without a row first."""
    return sorted(problems, key=lambda p: p.row or 0)

"""Reading what planners bring: site lists, community and district layers, rivers.

Every reader returns a validated GeoDataFrame in EPSG:4326 with the canonical columns of
:mod:`geo.schema` (extra columns of the file are kept after them), or raises one
:class:`~geo.errors.InputError` that lists every problem with file, row and column. Changes
made to usable input (swapped coordinates, repaired polygons, duplicate ids…) are reported as
:class:`~geo.errors.CrecidaWarning` and listed in ``frame.attrs["warnings"]``.

Row numbers in messages count data rows from 1 (the header, and an HXL tag row, not counted).
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import schema, settings
from geo.errors import (
    CrecidaWarning,
    CRSError,
    FormatError,
    GeometryTypeError,
    InputError,
    Problem,
)

TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
VECTOR_SUFFIXES: tuple[str, ...] = (
    ".geojson",
    ".json",
    ".gpkg",
    ".kml",
    ".kmz",
    ".zip",
    ".shp",
    ".fgb",
)
_ACCEPTED = (
    "CSV or XLSX with coordinate columns (optionally with an HXL tag row), GeoJSON, "
    "GeoPackage, zipped Shapefile (.zip with .shp, .shx, .dbf, .prj), KML/KMZ"
)

PathLike = str | Path


# --------------------------------------------------------------------------- public readers


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
        gdf = _require_geometry(raw, ("Point",), label=label, layer="centres")
        gdf = _with_display_crs(gdf, label=label)
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        frame = _rename_aliases(frame, schema.CENTRE_ALIASES)
        lon = pd.Series(gdf.geometry.x.to_numpy(), index=frame.index)
        lat = pd.Series(gdf.geometry.y.to_numpy(), index=frame.index)
    else:
        frame, hxl = raw
        headers = list(frame.columns)
        frame = _rename_columns(frame, schema.CENTRE_ALIASES, hxl, schema.CENTRE_HXL)
        lat, lon = _coordinate_columns(frame, label=label, problems=problems, headers=headers)
        if lat.empty and problems:  # no coordinate columns at all: nothing more to check
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
    lon, lat, outside = _check_coordinates(
        lon, lat, area, label=label, problems=problems, notes=notes
    )
    out = _centre_attributes(frame, label=label, problems=problems, notes=notes)
    if problems:
        raise InputError(_by_row(problems), source=label)
    out["outside_study_area"] = outside.to_numpy()
    extra = [c for c in frame.columns if c not in out.columns]
    for col in extra:
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
    out["community_id"] = _ids(
        frame.get("community_id"), index=frame.index, prefix="COM", label=label, notes=notes
    )
    out["name"] = _text(frame.get("name"), index=frame.index, default=out["community_id"])
    out["district"] = _text(frame.get("district"), index=frame.index, default="")
    people = _counts(
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
    """Read district polygons (INEI districts): ``district_id`` (ubigeo, text) and ``name``."""
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path,
        label=label,
        aliases=schema.DISTRICT_ALIASES,
        allowed=("Polygon", "MultiPolygon"),
        layer="districts",
    )
    out = pd.DataFrame(index=frame.index)
    out["district_id"] = _ids(
        frame.get("district_id"),
        index=frame.index,
        prefix="D",
        label=label,
        notes=notes,
        zero_pad=6,
    )
    out["name"] = _text(frame.get("name"), index=frame.index, default=out["district_id"])
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_rivers(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read rivers: centre lines (or river-area polygons) with a ``name``."""
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path,
        label=label,
        aliases=schema.RIVER_ALIASES,
        allowed=("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
        layer="rivers",
    )
    out = pd.DataFrame(
        {"name": _text(frame.get("name"), index=frame.index, default="")}, index=frame.index
    )
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_flood_polygons(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector flood extent (Copernicus EMS observed event, UNOSAT water extent)."""
    label = label or Path(path).name
    gdf, _frame, notes = _read_layer(
        path, label=label, aliases={}, allowed=("Polygon", "MultiPolygon"), layer="flood extent"
    )
    result = gpd.GeoDataFrame(geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def read_points(path: PathLike, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read any point layer (or table with coordinates), keeping every column as it is.

    Used for siting candidates and demand layers with a weight column.
    """
    label = label or Path(path).name
    gdf, frame, notes = _read_layer(
        path, label=label, aliases={}, allowed=("Point",), layer="points"
    )
    frame = frame.apply(lambda col: _maybe_numeric(col))
    result = gpd.GeoDataFrame(frame, geometry=gdf.geometry.to_numpy(), crs=settings.DISPLAY_CRS)
    return _finish(result, notes, label=label)


def _maybe_numeric(col: pd.Series) -> pd.Series:
    """A text column whose every non-blank cell is a number, as numbers; else unchanged."""
    if pd.api.types.is_numeric_dtype(col):
        return col
    text = col.astype(str).str.strip()
    parsed = pd.to_numeric(
        text.str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2", regex=True), errors="coerce"
    )
    blank = text.eq("") | col.isna()
    return parsed if (parsed.notna() | blank).all() and (~blank).any() else col


def is_vector_path(path: PathLike) -> bool:
    """True when the file name says it is a vector layer rather than a raster."""
    name = Path(path).name.lower()
    return name.endswith(VECTOR_SUFFIXES) or name.endswith(".shp.zip")


def safe_extract_zip(
    path: PathLike,
    dest: PathLike,
    *,
    max_bytes: int | None = None,
    label: str | None = None,
) -> Path:
    """Unpack a zip into ``dest``, refusing members that escape it or too much data.

    Raises
    ------
    FormatError
        Not a zip, a member with an absolute path or ``..``, or more than ``max_bytes``
        (default ``settings.MAX_UNZIPPED_BYTES``) once unpacked.
    """
    label = label or Path(path).name
    limit = settings.MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    dest = Path(dest)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FormatError(
            Problem(
                "not a readable zip file",
                source=label,
                fix="re-create the zip, or upload the file itself",
            )
        ) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if total > limit:
            raise FormatError(
                Problem(
                    f"unpacks to {total / 2**20:.0f} MiB, over the {limit / 2**20:.0f} MiB limit",
                    source=label,
                    fix="upload a smaller file, or only the layer you need",
                )
            )
        root = dest.resolve()
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            target = (dest / member).resolve()
            if member.is_absolute() or ".." in member.parts or not target.is_relative_to(root):
                raise FormatError(
                    Problem(
                        f"member '{info.filename}' would unpack outside its folder",
                        source=label,
                        fix="re-create the zip with relative paths only",
                    )
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                written = 0
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > info.file_size or written > limit:
                        raise FormatError(
                            Problem("zip member larger than it declares", source=label)
                        )
                    out.write(chunk)
    return dest


# --------------------------------------------------------------------------- raw reading


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
                fix=f"give a file with data; accepted: {_ACCEPTED}",
            )
        )
    name = p.name.lower()
    if name.endswith(TABLE_SUFFIXES):
        return _read_table(p, label=label)
    if name.endswith(VECTOR_SUFFIXES):
        return _read_vector(p, label=label)
    raise FormatError(
        Problem(
            f"unsupported file type '{p.suffix or p.name}'",
            source=label,
            fix=f"accepted: {_ACCEPTED}",
        )
    )


def _read_table(path: Path, *, label: str) -> tuple[pd.DataFrame, bool]:
    """Read CSV/XLSX as text cells; detect and drop an HXL tag row."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            text = _decode(path.read_bytes())
            sample = text[:8192]
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
    except (ValueError, OSError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        raise FormatError(
            Problem(
                f"cannot be read as a table ({_short(exc)})",
                source=label,
                fix=f"check the file; accepted: {_ACCEPTED}",
            )
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if not c.lower().startswith("unnamed:")]]
    if frame.empty:
        raise FormatError(
            Problem(
                "the table has a header but no data rows",
                source=label,
                fix="add one row per site below the header",
            )
        )
    hxl = _is_hxl_row(frame.iloc[0])
    if hxl:
        tags = [schema.normalise_hxl(v) for v in frame.iloc[0]]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.attrs["hxl"] = dict(zip(frame.columns, tags, strict=True))
        if frame.empty:
            raise FormatError(
                Problem("the table has headers and HXL tags but no data rows", source=label)
            )
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame, hxl


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _is_hxl_row(row: pd.Series) -> bool:
    cells = [str(v).strip() for v in row if str(v).strip()]
    return bool(cells) and sum(c.startswith("#") for c in cells) >= max(1, len(cells) // 2)


def _read_vector(path: Path, *, label: str) -> gpd.GeoDataFrame:
    """Read the first (or only) layer of a vector file; zips are checked and unpacked."""
    name = path.name.lower()
    if name.endswith(".zip"):
        tmp = Path(tempfile.mkdtemp(prefix="crecida_zip_"))
        safe_extract_zip(path, tmp, label=label)
        shp = _shapefile_in(tmp, label=label)
        return _read_vector(shp, label=label)
    if name.endswith(".shp"):
        _check_shapefile_parts(path, label=label)
    try:
        layers = pyogrio.list_layers(path)
        if len(layers) == 0:
            raise FormatError(Problem("the file holds no layer", source=label))
        layer = _pick_layer(layers)
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except FormatError:
        raise
    except Exception as exc:  # pyogrio raises several unrelated types for corrupt files
        raise FormatError(
            Problem(
                f"cannot be read as a vector layer ({_short(exc)})",
                source=label,
                fix=f"accepted: {_ACCEPTED}",
            )
        ) from None
    if gdf.empty:
        raise FormatError(Problem("the layer has no features", source=label))
    gdf.columns = [str(c) for c in gdf.columns]
    if name.endswith((".kml", ".kmz")):
        drop = [c for c in _KML_STANDARD_FIELDS if c in gdf.columns and _all_blank(gdf[c])]
        drop += [c for c in _KML_RENDERING_FIELDS if c in gdf.columns]
        if "id" in gdf.columns and gdf["id"].astype(str).str.fullmatch(r".+\.\d+").all():
            drop.append("id")  # GDAL's placemark ids ("layer.1"), not an attribute
        gdf = gdf.drop(columns=sorted(set(drop)))
    return gdf


_KML_STANDARD_FIELDS = ("id", "description", "timestamp", "begin", "end", "icon")
_KML_RENDERING_FIELDS = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder")


def _all_blank(values: pd.Series) -> bool:
    """True when every cell is null or empty text (KML's unused standard fields)."""
    text = values.astype(str).str.strip()
    return bool((values.isna() | text.isin(("", "None", "nan")) | text.eq("-1")).all())


def _pick_layer(layers: np.ndarray) -> str:
    """The first layer with geometry (GeoPackages may hold attribute tables too)."""
    for layer_name, geom_type in layers:
        if geom_type:
            return str(layer_name)
    return str(layers[0][0])


def _shapefile_in(folder: Path, *, label: str) -> Path:
    shps = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".shp")
    if not shps:
        found = ", ".join(sorted(p.name for p in folder.rglob("*") if p.is_file())) or "nothing"
        raise FormatError(
            Problem(
                f"the zip holds no .shp file (found: {found})",
                source=label,
                fix="zip the .shp together with its .shx, .dbf and .prj",
            )
        )
    if len(shps) > 1:
        raise FormatError(
            Problem(
                f"the zip holds {len(shps)} shapefiles ({', '.join(p.name for p in shps)})",
                source=label,
                fix="zip one layer per file",
            )
        )
    return shps[0]


def _check_shapefile_parts(shp: Path, *, label: str) -> None:
    present = {p.suffix.lower() for p in shp.parent.glob(shp.stem + ".*")}
    missing = [ext for ext in (".dbf", ".shx") if ext not in present]
    problems = [
        Problem(
            f"the shapefile lacks its {ext} part",
            source=label,
            fix=f"add {shp.stem}{ext} to the zip",
        )
        for ext in missing
    ]
    if ".prj" not in present:
        problems.append(
            Problem(
                "the shapefile lacks its .prj part, so its coordinate system is unknown",
                source=label,
                fix=f"add {shp.stem}.prj (export it again from QGIS/ArcGIS with its CRS); Crecida "
                "does not guess a coordinate system",
            )
        )
    if problems:
        cls = CRSError if not missing else FormatError
        raise cls(problems, source=label)


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
        frame = _rename_columns(frame, aliases, hxl, {})
        problems: list[Problem] = []
        lat, lon = _coordinate_columns(frame, label=label, problems=problems, headers=headers)
        if problems:
            raise InputError(problems, source=label)
        lon, lat, _ = _check_coordinates(
            lon, lat, settings.STUDY_AREA_BOUNDS_LONLAT, label=label, problems=problems, notes=notes
        )
        if problems:
            raise InputError(problems, source=label)
        frame = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
        raw = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(lon, lat), crs=settings.DISPLAY_CRS
        )
    gdf = _require_geometry(raw, allowed, label=label, layer=layer)
    gdf = _with_display_crs(gdf, label=label)
    gdf = _repair(gdf, label=label, notes=notes)
    frame = _rename_aliases(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), aliases)
    return gdf, frame, notes


# --------------------------------------------------------------------------- columns


def _rename_aliases(frame: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rename the first column matching each canonical name's aliases (in alias order)."""
    normal = {schema.normalise_header(c): c for c in reversed(frame.columns)}
    renames: dict[str, str] = {}
    for canonical, names in aliases.items():
        for alias in names:
            original = normal.get(alias)
            if original is not None and original not in renames:
                renames[original] = canonical
                break
    taken = set(renames.values())
    clashes = {c: f"{c}_original" for c in frame.columns if c in taken and c not in renames}
    return frame.rename(columns={**clashes, **renames})


def _rename_columns(
    frame: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    hxl: bool,
    hxl_map: Mapping[str, str],
) -> pd.DataFrame:
    """Canonical names from HXL tags first (when the file has them), then from headers."""
    if hxl:
        tags = frame.attrs.get("hxl", {})
        by_tag = {}
        for col, tag in tags.items():
            base = tag.split("+")[0]
            canonical = hxl_map.get(tag) or hxl_map.get(base)
            if canonical and canonical not in by_tag.values():
                by_tag[col] = canonical
            elif tag == "#geo+lat" or tag == "#geo+lon":
                by_tag[col] = tag[5:]
        frame = frame.rename(columns=by_tag)
    aliases_all = {**aliases, "lat": schema.LAT_ALIASES, "lon": schema.LON_ALIASES}
    present = set(frame.columns)
    return _rename_aliases(frame, {k: v for k, v in aliases_all.items() if k not in present})


def _coordinate_columns(
    frame: pd.DataFrame,
    *,
    label: str,
    problems: list[Problem],
    headers: list[str],
) -> tuple[pd.Series, pd.Series]:
    """Numeric lat/lon series, with a problem per non-numeric cell."""
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        problems.append(
            Problem(
                f"no {' and no '.join('latitude' if c == 'lat' else 'longitude' for c in missing)} "
                f"column (columns found: {', '.join(map(str, headers))})",
                source=label,
                fix="name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
                "#geo+lat/#geo+lon in an HXL row",
            )
        )
        return pd.Series(dtype=float), pd.Series(dtype=float)
    lat = _numbers(frame["lat"], column="lat", label=label, problems=problems, required=True)
    lon = _numbers(frame["lon"], column="lon", label=label, problems=problems, required=True)
    return lat, lon


def _numbers(
    values: pd.Series,
    *,
    column: str,
    label: str,
    problems: list[Problem],
    required: bool = False,
) -> pd.Series:
    """Parse numbers (decimal comma accepted); a problem per unparseable or missing cell."""
    if pd.api.types.is_numeric_dtype(values):
        parsed = values.astype(float)
        text = values.astype(str)
        blank = values.isna()
    else:
        text = values.astype(str).str.strip()
        cleaned = text.str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2", regex=True)
        parsed = pd.to_numeric(cleaned, errors="coerce")
        blank = text.isin(("", "nan", "NaN", "None", "<NA>", "NA", "N/A", "-"))
    for pos in np.flatnonzero(parsed.isna().to_numpy() & ~blank.to_numpy()):
        problems.append(
            Problem(
                f"'{text.iloc[pos]}' is not a number",
                source=label,
                row=int(pos) + 1,
                column=column,
                fix="write a plain number",
            )
        )
    if required:
        for pos in np.flatnonzero(blank.to_numpy()):
            problems.append(
                Problem(
                    "value missing",
                    source=label,
                    row=int(pos) + 1,
                    column=column,
                    fix="fill in the value",
                )
            )
    return parsed


def _check_coordinates(
    lon: pd.Series,
    lat: pd.Series,
    area: tuple[float, float, float, float],
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Range-check, fix swapped lat/lon, and flag points far outside the study area."""
    lon, lat = lon.astype(float).copy(), lat.astype(float).copy()
    minx, miny, maxx, maxy = area

    def inside(x: pd.Series, y: pd.Series) -> pd.Series:
        return x.between(minx, maxx) & y.between(miny, maxy)

    given_in = inside(lon, lat)
    swapped = ~given_in & inside(lat, lon)
    if swapped.any():
        rows = (np.flatnonzero(swapped.to_numpy()) + 1).tolist()
        given_lon, given_lat = lon.to_numpy(copy=True), lat.to_numpy(copy=True)
        lon = pd.Series(np.where(swapped, given_lat, given_lon), index=lon.index)
        lat = pd.Series(np.where(swapped, given_lon, given_lat), index=lat.index)
        whole = bool(swapped.all())
        notes.append(
            (
                "latitude and longitude columns are swapped"
                if whole
                else f"latitude and longitude swapped in rows {_rows(rows)}"
            )
            + ": the swapped values fall in the study area and the given ones do not; "
            "corrected — check the file's column headers"
        )
    bad_lat = ~lat.between(-90, 90) & lat.notna()
    bad_lon = ~lon.between(-180, 180) & lon.notna()
    looks_projected = bool((bad_lat | bad_lon).all()) and (lon.abs() > 1000).any()
    for pos in np.flatnonzero(bad_lat.to_numpy()):
        problems.append(
            Problem(
                f"latitude {lat.iloc[pos]} is outside −90…90",
                source=label,
                row=int(pos) + 1,
                column="lat",
                fix="give degrees in WGS84 (e.g. −3.7481)",
            )
        )
    for pos in np.flatnonzero(bad_lon.to_numpy()):
        problems.append(
            Problem(
                f"longitude {lon.iloc[pos]} is outside −180…180",
                source=label,
                row=int(pos) + 1,
                column="lon",
                fix="give degrees in WGS84 (e.g. −73.2529)",
            )
        )
    if looks_projected:
        problems.append(
            Problem(
                "the coordinates look like metres in a projected system, not degrees",
                source=label,
                fix="give WGS84 latitude/longitude in degrees, or a GeoPackage/Shapefile that "
                "carries its coordinate system",
            )
        )
    outside = ~inside(lon, lat)
    if outside.any() and not problems:
        rows = (np.flatnonzero(outside.to_numpy()) + 1).tolist()
        notes.append(
            f"{len(rows)} point(s) far outside the study area (rows {_rows(rows)}): "
            "kept and flagged in 'outside_study_area'"
        )
    return lon, lat, outside


def _centre_attributes(
    frame: pd.DataFrame,
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
) -> pd.DataFrame:
    """Canonical centre attributes from a frame with canonical column names."""
    out = pd.DataFrame(index=frame.index)
    out["centre_id"] = _ids(
        frame.get("centre_id"), index=frame.index, prefix="ALB", label=label, notes=notes
    )
    out["name"] = _text(frame.get("name"), index=frame.index, default=out["centre_id"])
    out["kind"] = _categories(
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
    out["district"] = _text(frame.get("district"), index=frame.index, default="")
    persons, families = _counts(
        frame, "persons", "families", label=label, problems=problems, notes=notes, required=False
    )
    out["families"], out["persons"] = families, persons
    area = (
        _numbers(frame["covered_area_m2"], column="covered_area_m2", label=label, problems=problems)
        if "covered_area_m2" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    _non_negative(area, "covered_area_m2", label=label, problems=problems)
    out["covered_area_m2"] = area.astype(float)
    capacity = (
        _numbers(
            frame["capacity_persons"], column="capacity_persons", label=label, problems=problems
        )
        if "capacity_persons" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    _non_negative(capacity, "capacity_persons", label=label, problems=problems)
    from_area = capacity.isna() & area.notna()
    capacity = capacity.where(~from_area, schema.capacity_from_area(area))
    if from_area.any():
        notes.append(
            f"capacity of {int(from_area.sum())} centre(s) computed as covered area / "
            f"{settings.COVERED_AREA_M2_PER_PERSON:g} m² per person (Sphere)"
        )
    out["capacity_persons"] = capacity.round().astype("Int64")
    out["status"] = _categories(
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


def _counts(
    frame: pd.DataFrame,
    people_col: str,
    groups_col: str,
    *,
    label: str,
    problems: list[Problem],
    notes: list[str],
    required: bool,
) -> tuple[pd.Series, pd.Series]:
    """People and family/household counts as ints, one estimated from the other if missing.

    Returns (people, groups)."""
    ppf = settings.PERSONS_PER_FAMILY
    have_people, have_groups = people_col in frame.columns, groups_col in frame.columns
    if not have_people and not have_groups:
        if required:
            problems.append(
                Problem(
                    f"no {people_col} and no {groups_col} column",
                    source=label,
                    fix=f"add a '{people_col}' (or '{groups_col}') column",
                )
            )
            empty = pd.Series(0, index=frame.index, dtype="int64")
            return empty, empty
        notes.append(f"no {people_col}/{groups_col} columns: taken as 0")
        zero = pd.Series(0, index=frame.index, dtype="int64")
        return zero, zero.copy()
    nan = pd.Series(np.nan, index=frame.index)
    people = (
        _numbers(frame[people_col], column=people_col, label=label, problems=problems)
        if have_people
        else nan
    )
    groups = (
        _numbers(frame[groups_col], column=groups_col, label=label, problems=problems)
        if have_groups
        else nan
    )
    for series, col in ((people, people_col), (groups, groups_col)):
        _non_negative(series, col, label=label, problems=problems)
        frac = series.notna() & (series != np.floor(series))
        for pos in np.flatnonzero(frac.to_numpy()):
            problems.append(
                Problem(
                    f"{series.iloc[pos]} is not a whole number",
                    source=label,
                    row=int(pos) + 1,
                    column=col,
                    fix="give a count",
                )
            )
    est_people = people.isna() & groups.notna()
    est_groups = groups.isna() & people.notna()
    people = people.where(~est_people, (groups * ppf).round())
    groups = groups.where(~est_groups, np.ceil(people / ppf))
    if est_people.any():
        notes.append(
            f"{people_col} of {int(est_people.sum())} row(s) estimated as {groups_col} × {ppf:g}"
        )
    if est_groups.any():
        notes.append(
            f"{groups_col} of {int(est_groups.sum())} row(s) estimated as "
            f"{people_col} / {ppf:g}, rounded up"
        )
    both = people.isna() & groups.isna()
    for pos in np.flatnonzero(both.to_numpy()):
        if required:
            problems.append(
                Problem(
                    f"both {people_col} and {groups_col} are missing",
                    source=label,
                    row=int(pos) + 1,
                    fix=f"give at least {people_col}",
                )
            )
    if not required and both.any():
        notes.append(f"{people_col}/{groups_col} missing in {int(both.sum())} row(s): taken as 0")
    people, groups = people.fillna(0), groups.fillna(0)
    if problems:  # the caller raises; keep the floats as they are
        return people, groups
    return people.astype("int64"), groups.astype("int64")


def _non_negative(values: pd.Series, column: str, *, label: str, problems: list[Problem]) -> None:
    for pos in np.flatnonzero((values < 0).to_numpy()):
        problems.append(
            Problem(
                f"{values.iloc[pos]} is negative",
                source=label,
                row=int(pos) + 1,
                column=column,
                fix="give zero or a positive number",
            )
        )


def _ids(
    values: pd.Series | None,
    *,
    index: pd.Index,
    prefix: str,
    label: str,
    notes: list[str],
    zero_pad: int | None = None,
) -> pd.Series:
    """Text ids; missing ones generated from the row number, duplicates made unique."""
    if values is None:
        values = pd.Series("", index=index)
    n = len(values)
    ids = values.map(_id_text)
    if zero_pad:
        ids = ids.map(lambda v: v.zfill(zero_pad) if v.isdigit() else v)
    blank = ids.eq("")
    if blank.any():
        ids[blank] = [f"{prefix}-{i + 1:03d}" for i in np.flatnonzero(blank.to_numpy())]
        notes.append(f"{int(blank.sum())} missing id(s) generated from the row number")
    counts: dict[str, int] = {}
    renamed: list[str] = []
    seen = set(ids)
    fixed = []
    for value in ids:
        counts[value] = counts.get(value, 0) + 1
        if counts[value] == 1:
            fixed.append(value)
            continue
        k = counts[value]
        while f"{value}-{k}" in seen:
            k += 1
        new = f"{value}-{k}"
        seen.add(new)
        renamed.append(f"{value}→{new}")
        fixed.append(new)
    if renamed:
        notes.append(
            f"duplicate id(s) made unique: {', '.join(renamed[:10])}"
            + (" …" if len(renamed) > 10 else "")
        )
    assert len(fixed) == n
    return pd.Series(fixed, index=values.index, dtype=str)


def _id_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text(values: pd.Series | None, *, default: pd.Series | str, index: pd.Index) -> pd.Series:
    """Cells as stripped text; blanks (or a missing column) take ``default``."""
    if values is None:
        values = pd.Series("", index=index)
    text = values.map(_id_text).astype(str)
    return text.where(text != "", default)


def _categories(
    values: pd.Series | None,
    aliases: Mapping[str, str],
    default: str,
    *,
    index: pd.Index,
    column: str,
    label: str,
    problems: list[Problem],
    notes: list[str],
    strict: bool,
) -> pd.Series:
    """Normalise a category column; unknown values are problems (strict) or the default."""
    if values is None:
        notes.append(f"no '{column}' column: every row taken as '{default}'")
        return pd.Series(default, index=index, dtype=str)
    keys = values.map(lambda v: schema.normalise_header(_id_text(v)))
    mapped = keys.map(lambda k: aliases.get(k, default if k == "" else None))
    unknown = mapped.isna()
    if unknown.any():
        found = sorted(set(values[unknown].astype(str)))
        accepted = sorted(set(aliases.values()))
        if strict:
            for pos in np.flatnonzero(unknown.to_numpy()):
                problems.append(
                    Problem(
                        f"unknown {column} '{values.iloc[pos]}'",
                        source=label,
                        row=int(pos) + 1,
                        column=column,
                        fix=f"use one of: {', '.join(accepted)} (or in Spanish)",
                    )
                )
        else:
            notes.append(
                f"unknown {column} value(s) {', '.join(found[:8])} taken as "
                f"'{default}' (accepted: {', '.join(accepted)})"
            )
            mapped = mapped.fillna(default)
    return mapped.fillna(default).astype(str)


# --------------------------------------------------------------------------- geometry


def _require_geometry(
    gdf: gpd.GeoDataFrame,
    allowed: tuple[str, ...],
    *,
    label: str,
    layer: str,
) -> gpd.GeoDataFrame:
    """Refuse a layer whose geometries are of the wrong kind; explode single multipoints."""
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
        rows = (np.flatnonzero(~geoms.geom_type.isin(allowed).to_numpy()) + 1).tolist()
        raise GeometryTypeError(
            Problem(
                f"{layer} must be {' or '.join(_plural(a) for a in allowed)}, but the layer has "
                f"{', '.join(_plural(w) for w in wrong)} (rows {_rows(rows)})",
                source=label,
                fix=f"give a {layer} layer of {' or '.join(allowed)} geometries",
            )
        )
    return gdf


def _with_display_crs(gdf: gpd.GeoDataFrame, *, label: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise CRSError(
            Problem(
                "the layer has no coordinate reference system",
                source=label,
                fix="save it again with its CRS (e.g. EPSG:4326 or EPSG:32718)",
            )
        )
    return gdf.to_crs(settings.DISPLAY_CRS) if not gdf.crs.equals(settings.DISPLAY_CRS) else gdf


def _repair(gdf: gpd.GeoDataFrame, *, label: str, notes: list[str]) -> gpd.GeoDataFrame:
    """Repair invalid polygons with make_valid, keeping only their polygonal parts."""
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
    notes.append(
        f"{len(rows)} invalid geometr{'y' if len(rows) == 1 else 'ies'} repaired "
        f"with make_valid (rows {_rows(rows)})"
    )
    return gdf


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


# --------------------------------------------------------------------------- helpers


def _finish(gdf: gpd.GeoDataFrame, notes: list[str], *, label: str) -> gpd.GeoDataFrame:
    """Reset the index, record the notes in ``attrs`` and emit them as one warning."""
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


def _rows(rows: list[int], limit: int = 10) -> str:
    text = ", ".join(map(str, rows[:limit]))
    return text + (f" … ({len(rows)} in all)" if len(rows) > limit else "")


def _plural(kind: str) -> str:
    return {
        "Point": "points",
        "MultiPoint": "multipoints",
        "LineString": "lines",
        "MultiLineString": "multilines",
        "Polygon": "polygons",
        "MultiPolygon": "multipolygons",
    }.get(kind, kind)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

def write_layers(path: PathLike, layers: Mapping[str, pd.DataFrame]) -> Path:
    """Write frames as layers of one GeoPackage, atomically (temporary file, then rename).

    GeoDataFrames become spatial layers; plain DataFrames attribute tables. An existing file
    at ``path`` is replaced only once every layer is written.
    """
    import os

    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InputError(
            Problem(
                f"'{path.name}' is not a GeoPackage name",
                column=None,
                fix="give an output path ending in .gpkg",
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", dir=path.parent, prefix=f".{path.stem}.")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(pd.DataFrame(frame), tmp, layer=name, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

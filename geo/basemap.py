"""Offline basemaps a user brings: a GeoTIFF, an MBTiles or a PMTiles package, read locally.

Field teams carry their own background — a satellite mosaic or a scanned map as a GeoTIFF, or
a tile package exported for offline use (MBTiles, PMTiles). Each is read from disk, never from
the network, into one picture in Web Mercator (EPSG:3857, the grid web maps draw in) covering
the area asked for, at no more than ``max_size_px`` pixels on its longer side:

* **GeoTIFF** (any CRS): warped to Web Mercator through GDAL, reading from overviews when the
  file has them; 8-bit RGB(A) or grey is shown as it is, a single band with a colour table
  through its table; other data types (16-bit or float imagery) are stretched linearly between
  their 2nd and 98th percentiles — a display choice, stated here; nodata and masked cells are
  transparent. Resampling is bilinear (it is a picture, not data; a colour-table band uses
  nearest).
* **MBTiles** (SQLite, raster tiles PNG/JPEG/WebP) and **PMTiles** v3 (raster tiles,
  directories uncompressed or gzip): the deepest zoom whose tiles over the area fit in
  ``max_size_px`` is chosen, its tiles are decoded and pasted into one picture, cropped to the
  area. Vector tiles are refused (they need a style and fonts to be drawn).

The picture is for orientation only: nothing is computed from it. The user's file is never
changed. This module reads files and returns arrays; drawing them is ``layers.basemap``'s job.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import sqlite3
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import rasterio
from PIL import Image
from rasterio.enums import ColorInterp, Resampling
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds

from geo.errors import (
    CrecidaError,
    CRSError,
    FormatError,
    InputError,
    Num,
    OverlapError,
    Problem,
)
from geo.raster import gdal_env

BasemapKind = Literal["geotiff", "mbtiles", "pmtiles"]

WEB_MERCATOR: str = "EPSG:3857"
_EARTH_HALF_M: float = 20_037_508.342789244
"""Half the width of the Web Mercator world square (metres)."""
_MAX_LAT: float = 85.0511287798066

BASEMAP_SUFFIXES: dict[str, BasemapKind] = {
    ".tif": "geotiff", ".tiff": "geotiff", ".mbtiles": "mbtiles", ".pmtiles": "pmtiles",
}
"""File extensions accepted as a basemap, and how each is read."""

DEFAULT_MAX_SIZE_PX: int = 2048
"""Longest side of a basemap picture: about 12 m per pixel over a 25 km study area."""


@dataclass(frozen=True)
class BasemapImage:
    """A background picture in Web Mercator.

    Attributes
    ----------
    rgba
        ``(height, width, 4)`` uint8; alpha 0 where the source has no data.
    bounds
        ``[[south, west], [north, east]]`` in degrees (EPSG:4326), as Leaflet wants them.
    name
        The file's name, shown in the layer control.
    kind
        ``geotiff``, ``mbtiles`` or ``pmtiles``.
    attribution
        Credit stored in the file (MBTiles/PMTiles metadata), if any.
    zoom
        For tile packages, the zoom level the picture was made from.
    """

    rgba: np.ndarray
    bounds: list[list[float]]
    name: str
    kind: BasemapKind
    attribution: str | None = None
    zoom: int | None = None


# --------------------------------------------------------------------------- Web Mercator
def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:4326 degrees to EPSG:3857 metres (latitude clamped to the Web Mercator limit)."""
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    x = math.radians(lon) * 6_378_137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6_378_137.0
    return x, y


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """EPSG:3857 metres to EPSG:4326 degrees."""
    lon = math.degrees(x / 6_378_137.0)
    lat = math.degrees(2 * math.atan(math.exp(y / 6_378_137.0)) - math.pi / 2)
    return lon, lat


def _tile_span_m(zoom: int) -> float:
    return 2 * _EARTH_HALF_M / (1 << zoom)


def tile_range(bounds_lonlat: tuple[float, float, float, float], zoom: int
               ) -> tuple[int, int, int, int]:
    """``(x_min, y_min, x_max, y_max)`` of the XYZ tiles (y from the north) covering the box."""
    west, south, east, north = bounds_lonlat
    x0, y0 = lonlat_to_mercator(west, north)
    x1, y1 = lonlat_to_mercator(east, south)
    span = _tile_span_m(zoom)
    last = (1 << zoom) - 1

    def col(x: float) -> int:
        return min(last, max(0, math.floor((x + _EARTH_HALF_M) / span)))

    def row(y: float) -> int:
        return min(last, max(0, math.floor((_EARTH_HALF_M - y) / span)))

    return col(x0), row(y0), col(x1 - 1e-6), row(y1 + 1e-6)


# --------------------------------------------------------------------------- entry point
def basemap_kind(path: str | Path) -> BasemapKind:
    """How a file is read, from its extension.

    Raises
    ------
    FormatError
        The extension is not one of :data:`BASEMAP_SUFFIXES`.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in BASEMAP_SUFFIXES:
        raise FormatError(Problem.keyed("basemap_wrong_type", source=Path(path).name,
                                        suffix=suffix or "?"))
    return BASEMAP_SUFFIXES[suffix]


def read_basemap(
    path: str | Path,
    *,
    bounds_lonlat: tuple[float, float, float, float] | None = None,
    max_size_px: int = DEFAULT_MAX_SIZE_PX,
    name: str | None = None,
) -> BasemapImage:
    """Read a user's basemap file into one picture in Web Mercator.

    Parameters
    ----------
    path
        A ``.tif``/``.tiff``, ``.mbtiles`` or ``.pmtiles`` file on disk.
    bounds_lonlat
        ``(west, south, east, north)`` in degrees to cover (e.g. the study area with a
        margin); the picture is cut to where the file has data. Default: the whole file.
    max_size_px
        Longest side of the picture in pixels.
    name
        Name shown to the user (default the file's name).

    Raises
    ------
    InputError
        The file cannot be read, holds vector tiles, or does not overlap ``bounds_lonlat``.
    """
    kind = basemap_kind(path)
    label = name or Path(path).name
    reader = {"geotiff": _read_geotiff, "mbtiles": _read_mbtiles,
              "pmtiles": _read_pmtiles}[kind]
    return reader(Path(path), bounds_lonlat=bounds_lonlat, max_size_px=max_size_px,
                  name=label)


def _intersect(a: tuple[float, float, float, float],
               b: tuple[float, float, float, float] | None, *, source: str
               ) -> tuple[float, float, float, float]:
    if b is None:
        return a
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    if box[0] >= box[2] or box[1] >= box[3]:
        raise OverlapError(Problem.keyed("basemap_no_overlap", source=source,
                                         **_box_params(a), **_box_params(b, "area_")))
    return box


def _box_params(box: tuple[float, float, float, float], prefix: str = "") -> dict[str, Num]:
    """A lon/lat box as a message's parameters (degrees to 3 decimals, the language's way)."""
    names = ("west", "south", "east", "north")
    return {prefix + name: Num(value, decimals=3) for name, value in zip(names, box,
                                                                          strict=True)}


# --------------------------------------------------------------------------- GeoTIFF
def _stretch(band: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Linear 2–98 % stretch of one band to 0–255 (uint8)."""
    values = band[valid]
    if values.size == 0:
        return np.zeros(band.shape, dtype=np.uint8)
    low, high = np.percentile(values, [2, 98])
    if high <= low:
        high = low + 1
    scaled = (band.astype("float64") - low) / (high - low) * 255.0
    return np.clip(np.nan_to_num(scaled), 0, 255).astype(np.uint8)


def _read_geotiff(path: Path, *, bounds_lonlat, max_size_px: int, name: str) -> BasemapImage:
    try:
        with gdal_env(), rasterio.open(path) as src:
            if src.crs is None:
                raise CRSError(Problem.keyed("basemap_no_crs", source=name))
            own = transform_bounds(src.crs, "EPSG:4326", *src.bounds)
            west, south, east, north = _intersect(own, bounds_lonlat, source=name)
            left, bottom = lonlat_to_mercator(west, south)
            right, top = lonlat_to_mercator(east, north)
            scale = max(right - left, top - bottom) / max_size_px
            width = max(1, round((right - left) / scale))
            height = max(1, round((top - bottom) / scale))
            transform = rasterio.transform.from_bounds(left, bottom, right, top, width, height)
            paletted = src.count == 1 and src.colorinterp[0] == ColorInterp.palette
            resampling = Resampling.nearest if paletted else Resampling.bilinear
            interp = list(src.colorinterp)
            # An alpha band is added to the warped view when the file has none: GDAL then
            # marks "no data" there instead of nudging real zeros to 1 in the colour bands.
            has_alpha = ColorInterp.alpha in interp
            with WarpedVRT(src, crs=WEB_MERCATOR, transform=transform, width=width,
                           height=height, resampling=resampling,
                           add_alpha=not has_alpha) as vrt:
                data = vrt.read()
                if not has_alpha:
                    mask = data[-1] > 0
                    data = data[:-1]
                else:
                    mask = vrt.dataset_mask() > 0
                colormap = src.colormap(1) if paletted else None
    except rasterio.errors.RasterioIOError as exc:
        raise FormatError(Problem.keyed("basemap_geotiff_unreadable", source=name,
                                        detail=str(exc))) from None
    rgba = _to_rgba(data, mask, colormap=colormap, interp=interp)
    return BasemapImage(rgba=rgba, bounds=[[south, west], [north, east]], name=name,
                        kind="geotiff")


def _to_rgba(data: np.ndarray, mask: np.ndarray, *, colormap: dict | None,
             interp: list[ColorInterp]) -> np.ndarray:
    """Bands (count, h, w) and a validity mask to an RGBA uint8 picture."""
    count, height, width = data.shape
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    if colormap is not None:
        lut = np.zeros((256, 4), dtype=np.uint8)
        for index, colour in colormap.items():
            if 0 <= index < 256:
                lut[index] = colour
        rgba[:] = lut[np.clip(data[0], 0, 255).astype(np.uint8)]
        rgba[~mask, 3] = 0
        return rgba
    alpha_band = interp.index(ColorInterp.alpha) if ColorInterp.alpha in interp else None
    colour_bands = [i for i in range(count) if i != alpha_band][:3]
    bands = []
    for i in colour_bands:
        band = data[i]
        bands.append(band if band.dtype == np.uint8 else _stretch(band, mask))
    if len(bands) == 1:
        bands = bands * 3
    elif len(bands) == 2:
        bands = [bands[0], bands[1], bands[1]]
    for i, band in enumerate(bands):
        rgba[..., i] = band
    rgba[..., 3] = np.where(mask, 255, 0).astype(np.uint8)
    if alpha_band is not None and data[alpha_band].dtype == np.uint8:
        rgba[..., 3] = np.minimum(rgba[..., 3], data[alpha_band])
    return rgba


# --------------------------------------------------------------------------- tile packages
_RASTER_TILE_TYPES = {"png", "jpg", "jpeg", "webp"}


def _choose_zoom(bounds_lonlat, min_zoom: int, max_zoom: int, max_size_px: int) -> int:
    """Deepest zoom in [min_zoom, max_zoom] whose tiles over the box fit in ``max_size_px``."""
    for zoom in range(max_zoom, min_zoom - 1, -1):
        x0, y0, x1, y1 = tile_range(bounds_lonlat, zoom)
        if max(x1 - x0 + 1, y1 - y0 + 1) * 256 <= max_size_px:
            return zoom
    return min_zoom


def _mosaic(fetch, bounds_lonlat, zoom: int, *, name: str) -> tuple[np.ndarray, list]:
    """Paste the tiles ``fetch(z, x, y) -> bytes | None`` over the box into one RGBA picture,
    cropped to the box; returns the picture and its bounds."""
    x0, y0, x1, y1 = tile_range(bounds_lonlat, zoom)
    size = None
    tiles: dict[tuple[int, int], Image.Image] = {}
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            data = fetch(zoom, x, y)
            if not data:
                continue
            try:
                tile = Image.open(io.BytesIO(data)).convert("RGBA")
            except (OSError, ValueError):
                raise FormatError(Problem.keyed("basemap_tile_undecodable", source=name,
                                                tile=f"{zoom}/{x}/{y}")) from None
            size = size or tile.size[0]
            tiles[(x, y)] = tile
    if not tiles:
        raise InputError(Problem.keyed("basemap_no_tiles_here", source=name, zoom=Num(zoom)))
    canvas = Image.new("RGBA", ((x1 - x0 + 1) * size, (y1 - y0 + 1) * size), (0, 0, 0, 0))
    for (x, y), tile in tiles.items():
        if tile.size != (size, size):
            tile = tile.resize((size, size))
        canvas.paste(tile, ((x - x0) * size, (y - y0) * size))
    # Crop to the box: pixel offsets of its corners within the tile block.
    span = _tile_span_m(zoom)
    origin_x = -_EARTH_HALF_M + x0 * span
    origin_y = _EARTH_HALF_M - y0 * span
    west, south, east, north = bounds_lonlat
    left, top = lonlat_to_mercator(west, north)
    right, bottom = lonlat_to_mercator(east, south)
    per_px = span / size
    box = (max(0, math.floor((left - origin_x) / per_px)),
           max(0, math.floor((origin_y - top) / per_px)),
           min(canvas.width, math.ceil((right - origin_x) / per_px)),
           min(canvas.height, math.ceil((origin_y - bottom) / per_px)))
    picture = canvas.crop(box)
    w_lon, n_lat = mercator_to_lonlat(origin_x + box[0] * per_px, origin_y - box[1] * per_px)
    e_lon, s_lat = mercator_to_lonlat(origin_x + box[2] * per_px, origin_y - box[3] * per_px)
    return np.asarray(picture), [[s_lat, w_lon], [n_lat, e_lon]]


def _read_mbtiles(path: Path, *, bounds_lonlat, max_size_px: int, name: str) -> BasemapImage:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(Problem.keyed("basemap_mbtiles_unopenable", source=name,
                                       detail=str(exc))) from None
    try:
        try:
            meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            zooms = con.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        except sqlite3.DatabaseError as exc:
            raise FormatError(Problem.keyed("basemap_not_mbtiles", source=name,
                                            detail=str(exc))) from None
        fmt = str(meta.get("format", "png")).lower()
        if fmt not in _RASTER_TILE_TYPES:
            raise InputError(Problem.keyed("basemap_mbtiles_not_pictures", source=name,
                                           tile_format=fmt))
        if zooms[0] is None:
            raise InputError(Problem.keyed("basemap_mbtiles_empty", source=name))
        own = _mbtiles_bounds(meta.get("bounds"))
        box = _intersect(own, bounds_lonlat, source=name)
        zoom = _choose_zoom(box, int(zooms[0]), int(zooms[1]), max_size_px)

        def fetch(z: int, x: int, y: int) -> bytes | None:
            row = con.execute(  # MBTiles rows count from the south (TMS)
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? "
                "AND tile_row=?", (z, x, (1 << z) - 1 - y)).fetchone()
            return row[0] if row else None

        rgba, bounds = _mosaic(fetch, box, zoom, name=name)
    finally:
        con.close()
    return BasemapImage(rgba=rgba, bounds=bounds, name=name, kind="mbtiles",
                        attribution=meta.get("attribution"), zoom=zoom)


def _mbtiles_bounds(text: str | None) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
        return west, south, east, north
    except (TypeError, ValueError):
        return -180.0, -_MAX_LAT, 180.0, _MAX_LAT


# --------------------------------------------------------------------------- PMTiles v3
PMTILES_HEADER_BYTES: int = 127
_PM_COMPRESSION = {0: "unknown", 1: "none", 2: "gzip", 3: "brotli", 4: "zstd"}
_PM_TILE_TYPE = {0: "unknown", 1: "mvt", 2: "png", 3: "jpeg", 4: "webp", 5: "avif"}


@dataclass(frozen=True)
class PMTilesHeader:
    """The fields of a PMTiles v3 header Crecida uses (offsets and lengths in bytes)."""

    root_offset: int
    root_length: int
    metadata_offset: int
    metadata_length: int
    leaf_offset: int
    leaf_length: int
    data_offset: int
    data_length: int
    internal_compression: str
    tile_compression: str
    tile_type: str
    min_zoom: int
    max_zoom: int
    bounds_lonlat: tuple[float, float, float, float]


def parse_pmtiles_header(raw: bytes, *, source: str = "") -> PMTilesHeader:
    """Decode the 127-byte header of a PMTiles v3 archive (little-endian).

    Raises
    ------
    InputError
        Not a PMTiles archive, or a version other than 3.
    """
    if len(raw) < PMTILES_HEADER_BYTES or raw[:7] != b"PMTiles":
        raise FormatError(Problem.keyed("basemap_not_pmtiles", source=source))
    if raw[7] != 3:
        raise InputError(Problem.keyed("basemap_pmtiles_version", source=source,
                                       version=Num(raw[7])))
    fields = struct.unpack_from("<8Q3Q4B2B4i", raw, 8)
    (root_o, root_l, meta_o, meta_l, leaf_o, leaf_l, data_o, data_l, _addressed, _entries,
     _contents, _clustered, internal, tile_comp, tile_type, min_z, max_z,
     w, s, e, n) = fields
    return PMTilesHeader(
        root_o, root_l, meta_o, meta_l, leaf_o, leaf_l, data_o, data_l,
        _PM_COMPRESSION.get(internal, "unknown"), _PM_COMPRESSION.get(tile_comp, "unknown"),
        _PM_TILE_TYPE.get(tile_type, "unknown"), min_z, max_z,
        (w / 1e7, s / 1e7, e / 1e7, n / 1e7))


def zxy_to_tile_id(z: int, x: int, y: int) -> int:
    """PMTiles tile id: tiles of all lower zooms, then the Hilbert-curve index of (x, y).

    >>> [zxy_to_tile_id(*t) for t in [(0, 0, 0), (1, 0, 0), (1, 0, 1), (1, 1, 1), (1, 1, 0)]]
    [0, 1, 2, 3, 4]
    """
    base = ((1 << (2 * z)) - 1) // 3  # 4**0 + 4**1 + … + 4**(z-1)
    n = 1 << z
    d = 0
    s = n >> 1
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:  # rotate the quadrant
            if rx == 1:
                x, y = n - 1 - x, n - 1 - y
            x, y = y, x
        s >>= 1
    return base + d


def _varints(buffer: bytes, pos: int, count: int) -> tuple[list[int], int]:
    out = []
    for _ in range(count):
        value, shift = 0, 0
        while True:
            byte = buffer[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        out.append(value)
    return out, pos


def parse_pmtiles_directory(raw: bytes) -> list[tuple[int, int, int, int]]:
    """Entries ``(tile_id, offset, length, run_length)`` of an uncompressed directory."""
    (count,), pos = _varints(raw, 0, 1)
    deltas, pos = _varints(raw, pos, count)
    runs, pos = _varints(raw, pos, count)
    lengths, pos = _varints(raw, pos, count)
    offsets, pos = _varints(raw, pos, count)
    entries = []
    tile_id = 0
    for i in range(count):
        tile_id += deltas[i]
        # 0 after the first entry: right after the previous tile; else offset + 1.
        offset = (entries[-1][1] + entries[-1][2] if i > 0 and offsets[i] == 0
                  else offsets[i] - 1)
        entries.append((tile_id, offset, lengths[i], runs[i]))
    return entries


def _decompress(raw: bytes, method: str, *, source: str) -> bytes:
    if method in ("none", "unknown"):
        return raw
    if method == "gzip":
        return gzip.decompress(raw)
    raise InputError(Problem.keyed("basemap_pmtiles_compression", source=source,
                                   method=method))


def _read_pmtiles(path: Path, *, bounds_lonlat, max_size_px: int, name: str) -> BasemapImage:
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the with block below)
    except OSError as exc:
        raise FormatError(Problem.keyed("basemap_pmtiles_unopenable", source=name,
                                        detail=str(exc))) from None
    with handle:
        try:
            return _pmtiles_image(handle, bounds_lonlat=bounds_lonlat,
                                  max_size_px=max_size_px, name=name)
        except CrecidaError:
            raise
        except (OSError, EOFError, zlib.error, IndexError, ValueError, struct.error) as exc:
            # a cut-short file, a directory or tile that is not what the header says
            raise FormatError(Problem.keyed("basemap_pmtiles_damaged", source=name,
                                            detail=f"{type(exc).__name__}: {exc}")) from None


def _pmtiles_image(handle, *, bounds_lonlat, max_size_px: int, name: str) -> BasemapImage:
    """The picture of an open PMTiles archive over ``bounds_lonlat``."""
    def read(offset: int, length: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)

    header = parse_pmtiles_header(read(0, PMTILES_HEADER_BYTES), source=name)
    if header.tile_type not in ("png", "jpeg", "webp"):
        raise InputError(Problem.keyed("basemap_pmtiles_not_pictures", source=name,
                                       tile_type=header.tile_type))
    attribution = None
    if header.metadata_length:
        try:
            meta = json.loads(_decompress(read(header.metadata_offset,
                                               header.metadata_length),
                                          header.internal_compression, source=name))
            attribution = meta.get("attribution") if isinstance(meta, dict) else None
        except ValueError:
            attribution = None
    root = parse_pmtiles_directory(_decompress(
        read(header.root_offset, header.root_length), header.internal_compression,
        source=name))

    def find(tile_id: int) -> tuple[int, int] | None:
        entries = root
        for _depth in range(4):  # the spec allows at most three levels of leaves
            lo, hi = 0, len(entries) - 1
            found = None
            while lo <= hi:
                mid = (lo + hi) // 2
                if entries[mid][0] <= tile_id:
                    found, lo = entries[mid], mid + 1
                else:
                    hi = mid - 1
            if found is None:
                return None
            start, offset, length, run = found
            if run == 0:  # a leaf directory
                entries = parse_pmtiles_directory(_decompress(
                    read(header.leaf_offset + offset, length),
                    header.internal_compression, source=name))
                continue
            return (offset, length) if tile_id < start + run else None
        return None

    def fetch(z: int, x: int, y: int) -> bytes | None:
        where = find(zxy_to_tile_id(z, x, y))
        if where is None:
            return None
        return _decompress(read(header.data_offset + where[0], where[1]),
                           header.tile_compression, source=name)

    box = _intersect(header.bounds_lonlat, bounds_lonlat, source=name)
    zoom = _choose_zoom(box, header.min_zoom, header.max_zoom, max_size_px)
    rgba, bounds = _mosaic(fetch, box, zoom, name=name)
    return BasemapImage(rgba=rgba, bounds=bounds, name=name, kind="pmtiles",
                        attribution=attribution, zoom=zoom)

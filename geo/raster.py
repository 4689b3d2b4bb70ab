"""Raster handles: what a raster is (grid, CRS, nodata) without reading its pixels.

Crecida opens rasters, it does not load them: a :class:`RasterSource` records the grid and
the path, and pixels are read window by window inside :func:`gdal_env`.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.io import MemoryFile
from rasterio.windows import Window

from geo import settings
from geo.errors import CRSError, FormatError, Problem

RASTER_SUFFIXES: tuple[str, ...] = (".tif", ".tiff", ".vrt", ".img", ".asc", ".nc")


@contextlib.contextmanager
def gdal_env() -> Iterator[None]:
    """GDAL settings for streaming reads: a bounded block cache and threaded decoding.

    ``GDAL_CACHEMAX`` is given in bytes (rasterio passes it through as a number of bytes).
    """
    with rasterio.Env(
        GDAL_CACHEMAX=settings.GDAL_CACHEMAX_BYTES,
        GDAL_NUM_THREADS=str(settings.READ_THREADS),
    ):
        yield


@dataclass(frozen=True)
class RasterSource:
    """A single-band raster on disk (or any GDAL path), described but not read.

    Attributes
    ----------
    path
        Path GDAL opens.
    crs
        Its coordinate reference system (never ``None``: rasters without one are refused).
    transform
        Affine from pixel (col, row) to CRS coordinates.
    width, height
        Size in pixels.
    nodata
        The nodata value, or ``None`` when the file sets none (then every cell is valid).
    dtype
        NumPy dtype name of band 1.
    label
        Name shown to people (usually the file name).
    """

    path: str
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None
    dtype: str
    label: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the raster's CRS."""
        left, top = self.transform @ (0, 0)
        right, bottom = self.transform @ (self.width, self.height)
        return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))

    @property
    def res(self) -> tuple[float, float]:
        """Cell size (x, y) in CRS units, both positive."""
        return (abs(self.transform.a), abs(self.transform.e))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    def same_grid(self, other: RasterSource) -> bool:
        """True when both rasters have the same CRS, transform and size."""
        return (
            self.crs == other.crs
            and self.shape == other.shape
            and self.transform.almost_equals(other.transform, precision=1e-9)
        )

    def open(self) -> rasterio.io.DatasetReader:
        """Open the dataset for windowed reading (use as a context manager)."""
        return rasterio.open(self.path)

    def read(self, window: Window | None = None, *, masked_value: float = np.nan) -> np.ndarray:
        """Read band 1 (a window of it) as float32 with nodata set to ``masked_value``."""
        with gdal_env(), self.open() as ds:
            return read_band(ds, window, nodata=self.nodata, masked_value=masked_value)


def read_band(
    ds: rasterio.io.DatasetReader,
    window: Window | None,
    *,
    nodata: float | None,
    masked_value: float = np.nan,
) -> np.ndarray:
    """Band 1 of an open dataset as float32, nodata (and NaN) replaced by ``masked_value``."""
    arr = ds.read(1, window=window, out_dtype="float32")
    if nodata is not None and not np.isnan(nodata):
        arr[arr == np.float32(nodata)] = masked_value
    if not np.isnan(masked_value):
        arr[np.isnan(arr)] = masked_value
    return arr


def open_raster(path: str | Path, *, label: str | None = None) -> RasterSource:
    """Describe a single-band raster without reading its pixels.

    Raises
    ------
    FormatError
        The file does not exist or cannot be opened as a raster, it has several bands (a
        picture, not a grid of values), or it is cut short (a download that stopped: its last
        blocks lie past the end of the file).
    CRSError
        The raster has no coordinate reference system.
    """
    path = str(path)
    label = label or Path(path).name
    if not path.startswith("/vsi") and not Path(path).exists():
        raise FormatError(Problem.keyed("file_not_found", source=label))
    try:
        with warnings.catch_warnings():
            # A raster without georeferencing is refused below with a clearer message.
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            ds = rasterio.open(path)
        with ds:
            if ds.count < 1:
                raise FormatError(Problem.keyed("raster_no_bands", source=label))
            if ds.count > 1:
                colours = {c.name for c in ds.colorinterp}
                picture = bool(colours & {"red", "green", "blue", "alpha"})
                raise FormatError(Problem.keyed(
                    "raster_bands_picture" if picture else "raster_bands", source=label,
                    n=ds.count))
            _check_complete(ds, path, label=label)
            crs = ds.crs
            info = (ds.transform, ds.width, ds.height, ds.nodata, ds.dtypes[0])
    except RasterioIOError as exc:
        raise FormatError(Problem.keyed("raster_unreadable", source=label,
                                        detail=str(exc))) from None
    if crs is None:
        raise CRSError(Problem.keyed("raster_no_crs", source=label))
    transform, width, height, nodata, dtype = info
    return RasterSource(path, crs, transform, width, height, nodata, dtype, label)


def metric_crs(crs, *, bounds: tuple[float, float, float, float] | None = None) -> CRS:
    """A CRS in metres to measure distances and areas in: ``crs`` itself when projected, else
    the UTM zone of the middle of ``bounds`` (given in ``crs``), else ``settings.WORK_CRS``.
    """
    crs = CRS.from_user_input(crs)
    if not crs.is_geographic:
        return crs
    if bounds is not None and np.isfinite(bounds).all():
        from pyproj import CRS as PCRS
        from pyproj.aoi import AreaOfInterest
        from pyproj.database import query_utm_crs_info

        lon = (bounds[0] + bounds[2]) / 2
        lat = (bounds[1] + bounds[3]) / 2
        datum = PCRS.from_wkt(crs.to_wkt()).datum.name
        found = query_utm_crs_info(datum_name="WGS 84" if "WGS" in datum.upper() else datum,
                                   area_of_interest=AreaOfInterest(lon, lat, lon, lat))
        if found:
            return CRS.from_epsg(int(found[0].code))
    return CRS.from_user_input(settings.WORK_CRS)


def read_failed(exc: Exception, *, label: str) -> FormatError:
    """The error to raise when reading pixels of ``label`` failed (damaged or cut-short file)."""
    return FormatError(Problem.keyed("raster_read_failed", source=label,
                                     detail=str(exc).splitlines()[0][:160] if str(exc)
                                     else type(exc).__name__))


def _check_complete(ds, path: str, *, label: str) -> None:
    """Refuse a GeoTIFF whose blocks lie past the end of the file (a cut-short download)."""
    if ds.driver != "GTiff" or not os.path.isfile(path):
        return
    size = os.path.getsize(path)
    block_h, block_w = ds.block_shapes[0]
    nx, ny = -(-ds.width // block_w), -(-ds.height // block_h)
    blocks = [(x, y) for y in range(ny) for x in range(nx)]
    if len(blocks) > 4096:  # the last blocks written are the last ones in the file
        blocks = blocks[:64] + blocks[-4032:]
    end = 0
    for x, y in blocks:
        offset = ds.get_tag_item(f"BLOCK_OFFSET_{x}_{y}", "TIFF", bidx=1)
        length = ds.get_tag_item(f"BLOCK_SIZE_{x}_{y}", "TIFF", bidx=1)
        if offset and length:
            end = max(end, int(offset) + int(length))
    if end > size:
        raise FormatError(Problem.keyed("raster_truncated", source=label,
                                        size_mib=f"{size / 2**20:.1f}",
                                        needed_mib=f"{end / 2**20:.1f}"))


# --------------------------------------------------------------------------- in-memory rasters
#: Memory files behind in-memory rasters (with the sources they read), released when their
#: RasterSource is collected.
_MEMORY: dict[str, tuple[MemoryFile, tuple[RasterSource, ...]]] = {}
_MEMORY_LOCK = threading.Lock()


def _keep(memfile: MemoryFile, source: RasterSource,
          uses: tuple[RasterSource, ...] = ()) -> RasterSource:
    with _MEMORY_LOCK:
        _MEMORY[memfile.name] = (memfile, uses)
    weakref.finalize(source, _release, memfile.name)
    return source


def _release(name: str) -> None:
    with _MEMORY_LOCK:
        held = _MEMORY.pop(name, None)
    if held is not None:
        held[0].close()


def memory_raster(array: np.ndarray, *, crs, transform: Affine, nodata: float | None,
                  label: str, tags: dict[str, str] | None = None) -> RasterSource:
    """A single-band raster held in memory (GDAL ``/vsimem``), never on disk.

    The memory is released when the returned :class:`RasterSource` is garbage collected, so
    keep the source (not only its path) while the raster is used.
    """
    memfile = MemoryFile(ext=".tif")
    height, width = array.shape
    with memfile.open(driver="GTiff", width=width, height=height, count=1, dtype=array.dtype,
                      crs=crs, transform=transform, nodata=nodata, tiled=True,
                      compress="deflate") as ds:
        ds.write(array, 1)
        if tags:
            ds.update_tags(**tags)
    source = RasterSource(memfile.name, CRS.from_user_input(crs), transform, width, height,
                          nodata, str(array.dtype), label)
    return _keep(memfile, source)


def memory_vrt(xml: str, *, like: RasterSource, nodata: float | None, dtype: str,
               label: str | None = None, uses: tuple[RasterSource, ...] = ()) -> RasterSource:
    """A VRT (GDAL virtual raster) held in memory, on the grid of ``like``; ``uses`` are the
    sources it reads, kept alive as long as it is."""
    memfile = MemoryFile(xml.encode("utf-8"), ext=".vrt")
    source = RasterSource(memfile.name, like.crs, like.transform, like.width, like.height,
                          nodata, dtype, label or like.label)
    return _keep(memfile, source, uses)


def composite_flood(raster: RasterSource, *, nodata_dry: bool = False, scale: float = 1.0,
                    exclusion: RasterSource | None = None) -> RasterSource:
    """``raster`` as read through Crecida's decisions, as a float32 VRT in memory.

    Every reader (zonal statistics, maps, exports) then sees the same values:

    - ``nodata_dry``: cells with the raster's nodata read 0 (dry) instead of no data;
    - ``scale``: values multiplied by it (0.01 turns centimetres into metres);
    - ``exclusion``: a raster on the same grid whose non-zero cells (and its own nodata) were
      not observed: they read as no data.

    No data is NaN in the result.
    """
    size = (f'<SrcRect xOff="0" yOff="0" xSize="{raster.width}" ySize="{raster.height}"/>'
            f'<DstRect xOff="0" yOff="0" xSize="{raster.width}" ySize="{raster.height}"/>')

    def source(path: str, extra: str) -> str:
        return (f'<ComplexSource><SourceFilename relativeToVRT="0">{escape(path)}'
                f"</SourceFilename><SourceBand>1</SourceBand>{size}{extra}</ComplexSource>")

    nodata = raster.nodata
    parts = []
    if nodata_dry and nodata is not None:
        parts.append(source(raster.path, "<ScaleOffset>0</ScaleOffset><ScaleRatio>0</ScaleRatio>"))
    nodata_tag = "" if nodata is None else f"<NODATA>{_vrt_number(nodata)}</NODATA>"
    parts.append(source(raster.path, f"{nodata_tag}<ScaleOffset>0</ScaleOffset>"
                                     f"<ScaleRatio>{scale!r}</ScaleRatio>"))
    if exclusion is not None:
        if not exclusion.same_grid(raster):
            raise FormatError(Problem.keyed("mask_other_grid", source=exclusion.label,
                                            flood=raster.label))
        top = 255 if exclusion.nodata is None else max(255, float(exclusion.nodata))
        parts.append(source(exclusion.path, f"<NODATA>0</NODATA><LUT>1:nan,{top:g}:nan</LUT>"))
    t = raster.transform
    xml = (f'<VRTDataset rasterXSize="{raster.width}" rasterYSize="{raster.height}">'
           f"<SRS>{escape(raster.crs.to_wkt())}</SRS>"
           f"<GeoTransform>{t.c!r},{t.a!r},{t.b!r},{t.f!r},{t.d!r},{t.e!r}</GeoTransform>"
           '<VRTRasterBand dataType="Float32" band="1"><NoDataValue>nan</NoDataValue>'
           + "".join(parts) + "</VRTRasterBand></VRTDataset>")
    return memory_vrt(xml, like=raster, nodata=float("nan"), dtype="float32",
                      uses=(raster,) if exclusion is None else (raster, exclusion))


def _vrt_number(value: float) -> str:
    return "nan" if np.isnan(value) else repr(float(value))

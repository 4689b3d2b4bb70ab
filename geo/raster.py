"""Raster handles: what a raster is (grid, CRS, nodata) without reading its pixels.

Crecida opens rasters, it does not load them: a :class:`RasterSource` records the grid and
the path, and pixels are read window by window inside :func:`gdal_env`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
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
        The file cannot be opened as a raster.
    CRSError
        The raster has no coordinate reference system.
    """
    path = str(path)
    label = label or Path(path).name
    try:
        with warnings.catch_warnings():
            # A raster without georeferencing is refused below with a clearer message.
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            ds = rasterio.open(path)
        with ds:
            if ds.count < 1:
                raise FormatError(Problem("the raster has no bands", source=label))
            crs = ds.crs
            info = (ds.transform, ds.width, ds.height, ds.nodata, ds.dtypes[0])
    except RasterioIOError as exc:
        raise FormatError(
            Problem(
                f"cannot be read as a raster ({exc})",
                source=label,
                fix="give a GeoTIFF/COG (.tif), or another single-band raster GDAL reads",
            )
        ) from None
    if crs is None:
        raise CRSError(
            Problem(
                "the raster has no coordinate reference system",
                source=label,
                fix="assign one, e.g. gdal_edit.py -a_srs EPSG:32718 FILE.tif",
            )
        )
    transform, width, height, nodata, dtype = info
    return RasterSource(path, crs, transform, width, height, nodata, dtype, label)

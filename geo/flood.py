"""Flood scenarios: a named raster that says, cell by cell, how deep the water is.

Three kinds of raster are accepted:

``depth``
    water depth in metres (0 or negative where dry);
``extent``
    a 0/1 water mask (radar-derived extents): water of unknown depth;
``water_level``
    water-surface elevation in m a.s.l.; turned into depth with a DEM on the same grid.

Vector flood extents (Copernicus EMS "observed event", UNOSAT water extent) are rasterised to an
``extent`` scenario (:func:`flood_from_vector`).

Reading contract (:meth:`FloodScenario.read_depth`): float32 depth in metres; ``NaN`` where the
raster has no data; for ``extent`` rasters ``+inf`` marks water of unknown depth and ``0`` dry
ground, so ``depth >= threshold`` is the flooded test for every kind and ``np.isinf`` tells
where the depth is unknown.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.transform import from_origin
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window, from_bounds

from geo import settings
from geo.errors import InputError, OverlapError, Problem
from geo.raster import RasterSource, gdal_env, open_raster, read_band

FloodKind = Literal["depth", "extent", "water_level"]
FLOOD_KINDS: tuple[str, ...] = ("depth", "extent", "water_level")

_KIND_HINTS: tuple[tuple[str, str], ...] = (
    (r"water_?level|wse|wsel|stage|nivel|elev", "water_level"),
    (r"extent|mask|water_?mask|extension|mascara|binary|observed", "extent"),
    (r"depth|profundidad|tirante|calado", "depth"),
)


@dataclass(frozen=True)
class FloodScenario:
    """One named flood scenario backed by a raster (never loaded whole).

    Attributes
    ----------
    name
        Name people read ("118.6 m – 2012 record").
    kind
        ``depth``, ``extent`` or ``water_level``.
    raster
        The raster read for this scenario; its CRS and grid are the scenario's.
    dem
        For ``water_level``: the DEM on the same grid.
    notes
        What was assumed or converted on the way in (shown in reports and exports).
    """

    name: str
    kind: FloodKind
    raster: RasterSource
    dem: RasterSource | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def crs(self):
        return self.raster.crs

    @property
    def transform(self):
        return self.raster.transform

    @property
    def shape(self) -> tuple[int, int]:
        return self.raster.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.raster.bounds

    @property
    def has_depth(self) -> bool:
        """False for a 0/1 extent, whose water depth is unknown."""
        return self.kind != "extent"

    def read_depth(self, window: Window | None = None) -> np.ndarray:
        """Depth in metres over ``window`` (whole raster when ``None``), float32.

        ``NaN`` where there is no data; for ``extent`` rasters ``+inf`` where water and ``0``
        where dry. Negative depths are clipped to 0.
        """
        with gdal_env(), self.raster.open() as ds:
            return self.read_depth_from(ds, window)

    def depth_from_values(self, values: np.ndarray) -> np.ndarray:
        """Raw float32 values of a ``depth`` raster as metres, in place: nodata NaN, negatives 0.

        Lets a caller that reads blocks itself clean only the cells it needs.
        """
        nodata = self.raster.nodata
        if nodata is not None and not np.isnan(nodata):
            values[values == np.float32(nodata)] = np.nan
        np.maximum(values, 0, out=values)  # NaN stays NaN
        return values

    def read_depth_from(self, ds, window: Window | None = None, dem_ds=None) -> np.ndarray:
        """As :meth:`read_depth`, from an already open dataset (and DEM dataset)."""
        if self.kind == "depth":
            return self.depth_from_values(ds.read(1, window=window, out_dtype="float32"))
        values = read_band(ds, window, nodata=self.raster.nodata)
        if self.kind == "extent":
            out = np.where(values > 0, np.float32(np.inf), np.float32(0))
            out[np.isnan(values)] = np.nan
            return out
        if self.kind == "water_level":
            assert self.dem is not None
            if dem_ds is None:
                with rasterio.open(self.dem.path) as own:
                    ground = read_band(own, window, nodata=self.dem.nodata)
            else:
                ground = read_band(dem_ds, window, nodata=self.dem.nodata)
            values = values - ground
        np.maximum(values, 0, out=values, where=~np.isnan(values))
        return values


#: Blocks read to guess a raster's kind when it has no overviews (spread over the grid).
_KIND_SAMPLE_BLOCKS = 16


def _kind_sample(ds) -> np.ndarray:
    """A few thousand values of band 1, read cheaply: the smallest overview when there is
    one, else up to :data:`_KIND_SAMPLE_BLOCKS` whole blocks spread evenly over the grid
    (never a decimated read of the whole raster, which decodes every block)."""
    factors = ds.overviews(1)
    if factors:
        scale = factors[-1]
        out_shape = (max(1, ds.height // scale), max(1, ds.width // scale))
        return ds.read(1, out_shape=out_shape, out_dtype="float32").ravel()
    bh, bw = ds.block_shapes[0]
    rows, cols = -(-ds.height // bh), -(-ds.width // bw)
    total = rows * cols
    picks = np.unique(np.linspace(0, total - 1, min(total, _KIND_SAMPLE_BLOCKS)).round()
                      .astype(np.int64))
    parts = []
    for k in picks.tolist():
        r, c = divmod(k, cols)
        win = Window(c * bw, r * bh, min(bw, ds.width - c * bw), min(bh, ds.height - r * bh))
        parts.append(ds.read(1, window=win, out_dtype="float32").ravel())
    return np.concatenate(parts)


def guess_kind(raster: RasterSource, *, hint: str = "") -> FloodKind:
    """Guess the kind of a flood raster from its tags, name and a sample of values.

    Order: a ``CRECIDA_KIND`` tag; words in the name (depth, extent, water level / nivel…);
    then values read from the smallest overview, or (without overviews) from up to 16 of the
    file's blocks spread evenly over the grid: only 0 and 1 means ``extent``, a median above
    50 means ``water_level`` (m a.s.l.), anything else ``depth``. The guess is a stated
    decision: :func:`open_flood` notes it, and ``--flood-kind`` overrides it.
    """
    with gdal_env(), rasterio.open(raster.path) as ds:
        tag = ds.tags().get("CRECIDA_KIND", "").strip().lower()
        if tag in FLOOD_KINDS:
            return tag  # type: ignore[return-value]
        text = f"{hint} {raster.label}".lower()
        for pattern, kind in _KIND_HINTS:
            if re.search(pattern, text):
                return kind  # type: ignore[return-value]
        sample = _kind_sample(ds)
    if raster.nodata is not None:
        sample = sample[sample != np.float32(raster.nodata)]
    sample = sample[np.isfinite(sample)]
    if sample.size == 0:
        return "depth"
    if np.isin(np.unique(sample), (0.0, 1.0)).all():
        return "extent"
    if float(np.median(sample)) > 50:
        return "water_level"
    return "depth"


def open_flood(
    path: str | Path,
    *,
    name: str | None = None,
    kind: FloodKind | None = None,
    dem: RasterSource | None = None,
) -> FloodScenario:
    """Open a flood raster as a scenario.

    Parameters
    ----------
    path
        GeoTIFF/COG or any single-band raster GDAL reads.
    name
        Scenario name; defaults to the file's ``CRECIDA_NAME`` tag, else its stem.
    kind
        ``depth``, ``extent`` or ``water_level``; guessed by :func:`guess_kind` when ``None``.
    dem
        Needed for ``water_level``. When its grid differs, the water level is warped onto the
        DEM's grid (bilinear) and a note says so.

    Raises
    ------
    InputError
        Unknown kind, or a water level without a DEM.
    """
    raster = open_raster(path)
    notes: list[str] = []
    if kind is not None and kind not in FLOOD_KINDS:
        raise InputError(
            Problem(
                f"unknown flood kind '{kind}'",
                source=raster.label,
                fix=f"use one of: {', '.join(FLOOD_KINDS)}",
            )
        )
    if kind is None:
        kind = guess_kind(raster, hint=name or "")
        notes.append(f"kind guessed as '{kind}'")
    if name is None:
        with rasterio.open(raster.path) as ds:
            name = ds.tags().get("CRECIDA_NAME") or Path(path).stem
    if raster.nodata is None:
        notes.append("the raster sets no nodata value: every cell is taken as observed")
    if kind == "water_level":
        if dem is None:
            raise InputError(
                Problem(
                    "a water-level raster needs a DEM to turn levels into depths",
                    source=raster.label,
                    fix="give the DEM with --dem PATH (same area, metres)",
                )
            )
        if not raster.same_grid(dem):
            raster = _warp_onto(raster, dem)
            notes.append(f"water level warped (bilinear) onto the DEM grid of {dem.label}")
    return FloodScenario(
        name=name,
        kind=kind,
        raster=raster,
        dem=dem if kind == "water_level" else None,
        notes=tuple(notes),
    )


def _warp_onto(raster: RasterSource, grid: RasterSource) -> RasterSource:
    """Write a VRT of ``raster`` warped onto ``grid`` and describe it."""
    from rasterio.enums import Resampling
    from rasterio.shutil import copy as rio_copy

    out = Path(tempfile.mkdtemp(prefix="crecida_")) / f"{Path(raster.path).stem}_on_dem.vrt"
    with (
        rasterio.open(raster.path) as ds,
        WarpedVRT(
            ds,
            crs=grid.crs,
            transform=grid.transform,
            width=grid.width,
            height=grid.height,
            resampling=Resampling.bilinear,
            nodata=raster.nodata if raster.nodata is not None else -9999,
        ) as vrt,
    ):
        rio_copy(vrt, str(out), driver="VRT")
    return open_raster(out, label=raster.label)


def flood_from_vector(
    polygons: gpd.GeoDataFrame,
    *,
    name: str,
    grid: RasterSource | None = None,
    cell_size_m: float | None = None,
    label: str = "vector flood extent",
) -> FloodScenario:
    """Rasterise water polygons (e.g. Copernicus EMS observed event) to an ``extent`` scenario.

    Cells whose centre falls in a polygon are water (1); other cells inside the polygons'
    bounding box are dry (0); the grid is the DEM's when ``grid`` is given (only the part that
    covers the polygons), else a ``cell_size_m`` grid in the polygons' UTM zone.

    Raises
    ------
    InputError
        No polygons, or polygons that do not overlap ``grid``.
    """
    polys = polygons[~polygons.geometry.is_empty & polygons.geometry.notna()]
    if polys.empty:
        raise InputError(Problem("the flood layer has no polygons", source=label))
    if grid is not None:
        polys = polys.to_crs(grid.crs)
        left, bottom, right, top = polys.total_bounds
        gl, gb, gr, gt = grid.bounds
        if right <= gl or left >= gr or top <= gb or bottom >= gt:
            raise OverlapError(
                Problem(
                    f"the flood polygons (bounds {tuple(round(v) for v in polys.total_bounds)}) do "
                    f"not overlap the grid of {grid.label} (bounds "
                    f"{tuple(round(v) for v in grid.bounds)}), both in {grid.crs}",
                    source=label,
                    fix="check that both layers cover the same area",
                )
            )
        win = (
            from_bounds(
                max(left, gl), max(bottom, gb), min(right, gr), min(top, gt), grid.transform
            )
            .round_offsets()
            .round_lengths()
        )
        transform = rasterio.windows.transform(win, grid.transform)
        width, height, crs = int(win.width) or 1, int(win.height) or 1, grid.crs
    else:
        crs = polys.estimate_utm_crs() if polys.crs.is_geographic else polys.crs
        polys = polys.to_crs(crs)
        cell = cell_size_m or settings.VECTOR_FLOOD_CELL_SIZE_M
        left, bottom, right, top = polys.total_bounds
        width = max(1, int(np.ceil((right - left) / cell)))
        height = max(1, int(np.ceil((top - bottom) / cell)))
        transform = from_origin(left, top, cell, cell)
    mask = rasterize(
        ((g, 1) for g in polys.geometry),
        out_shape=(height, width),
        transform=transform,
        fill=0,
        dtype="uint8",
    )
    out = Path(tempfile.mkdtemp(prefix="crecida_")) / "flood_from_vector.tif"
    with rasterio.open(
        out,
        "w",
        driver="GTiff",
        width=width,
        height=height,
        count=1,
        dtype="uint8",
        crs=crs,
        transform=transform,
        nodata=255,
        tiled=True,
        compress="deflate",
    ) as ds:
        ds.write(mask, 1)
        ds.update_tags(CRECIDA_KIND="extent", CRECIDA_NAME=name)
    raster = open_raster(out, label=label)
    cell_txt = f"{abs(transform.a):g}"
    return FloodScenario(
        name=name,
        kind="extent",
        raster=raster,
        notes=(f"rasterised from {label} at {cell_txt} m cells (cell centre in polygon = water)",),
    )

"""Flood depth as one classified, semi-transparent image for the web map.

Leaflet shows images in Web Mercator, so the depth raster is warped to EPSG:3857 (nearest
neighbour, the raster's own classes are never smoothed) at no more than ``max_size_px`` pixels on
its longer side, reading from the raster's overviews when it has them: the cost does not grow
with the raster's size. The result is a PNG (bytes) and its bounds in latitude/longitude, small
enough to embed in the page and cheap to cache per scenario. Depth classes, their codes and
colours are :mod:`geo.depth`'s, as in every export.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import math
from dataclasses import dataclass

import numpy as np
import rasterio
from folium.raster_layers import ImageOverlay
from PIL import Image
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, transform_bounds

from geo.depth import NODATA, DepthClasses, depth_classes
from geo.flood import FloodScenario
from geo.raster import gdal_env
from layers import style
from layers.markup import escape_text

WEB_MERCATOR = "EPSG:3857"
_SENTINEL_NODATA = -3.0e38


@dataclass(frozen=True)
class FloodOverlay:
    """A classified flood-depth image ready for ``folium.raster_layers.ImageOverlay``.

    Attributes
    ----------
    png
        RGBA PNG bytes in Web Mercator; transparent where dry or without data.
    bounds
        ``[[south, west], [north, east]]`` in degrees (EPSG:4326), as Leaflet wants them.
    width, height
        Image size in pixels.
    codes
        :mod:`geo.depth` code of each image pixel (uint8): 0 dry, 1…n depth classes, n+1
        water of unknown depth, :data:`geo.depth.NODATA` no data. Kept for tests and summaries.
    depth_classes
        The depth classes drawn (their legend is ``layers.legend.flood_section``).
    """

    png: bytes
    bounds: list[list[float]]
    width: int
    height: int
    codes: np.ndarray
    depth_classes: DepthClasses

    @property
    def size_bytes(self) -> int:
        return len(self.png)


def _palette(classes: DepthClasses) -> np.ndarray:
    """RGBA row per code (256 rows): class colours at the overlay's alpha, the rest clear."""
    rows = np.zeros((256, 4), dtype=np.uint8)
    for code, colour in classes.colours().items():
        rows[code] = (*style.hex_to_rgb(colour), style.FLOOD_ALPHA)
    rows[NODATA] = (0, 0, 0, 0)
    return rows


def _overview_level(ds: rasterio.io.DatasetReader, shrink: float) -> int | None:
    """Index of the coarsest overview no coarser than ``shrink`` × the full resolution."""
    level = None
    for i, factor in enumerate(ds.overviews(1)):
        if factor <= shrink:
            level = i
    return level


def _target_grid(ds, max_size_px: int):
    """Web Mercator transform and size for ``ds``, at most ``max_size_px`` on the long side."""
    transform, width, height = calculate_default_transform(
        ds.crs, WEB_MERCATOR, ds.width, ds.height, *ds.bounds)
    shrink = max(1.0, max(width, height) / max_size_px)
    out_w = max(1, math.floor(width / shrink))
    out_h = max(1, math.floor(height / shrink))
    left, top = transform.c, transform.f
    right = left + transform.a * width
    bottom = top + transform.e * height
    out_transform = rasterio.transform.from_bounds(left, bottom, right, top, out_w, out_h)
    return out_transform, out_w, out_h, shrink


def read_depth_web_mercator(
    scenario: FloodScenario, *, max_size_px: int = 2048
) -> tuple[np.ndarray, list[list[float]]]:
    """The scenario's depth (m, float32; NaN no data, +inf unknown depth) in Web Mercator.

    Parameters
    ----------
    scenario
        Any flood scenario (depth, extent or water level with its DEM).
    max_size_px
        Longest side of the result in pixels.

    Returns
    -------
    depth, bounds
        The array and its ``[[south, west], [north, east]]`` bounds in degrees.
    """
    raster = scenario.raster
    nodata = raster.nodata if raster.nodata is not None else _SENTINEL_NODATA
    # Read through a copy whose nodata is what the warped view marks outside the raster.
    view = dataclasses.replace(scenario, raster=dataclasses.replace(raster, nodata=nodata))
    with gdal_env(), rasterio.open(raster.path) as full:
        transform, width, height, shrink = _target_grid(full, max_size_px)
        level = _overview_level(full, shrink) if scenario.dem is None else None
    open_kw = {} if level is None else {"overview_level": level}
    with gdal_env(), rasterio.open(raster.path, **open_kw) as src, WarpedVRT(
        src, crs=WEB_MERCATOR, transform=transform, width=width, height=height,
        resampling=Resampling.nearest, src_nodata=nodata, nodata=nodata,
    ) as vrt:
        if scenario.dem is not None:
            with rasterio.open(scenario.dem.path) as dem_src, WarpedVRT(
                dem_src, crs=WEB_MERCATOR, transform=transform, width=width, height=height,
                resampling=Resampling.nearest,
            ) as dem_vrt:
                depth = view.read_depth_from(vrt, None, dem_ds=dem_vrt)
        else:
            depth = view.read_depth_from(vrt, None)
    left, bottom, right, top = rasterio.transform.array_bounds(height, width, transform)
    west, south, east, north = transform_bounds(WEB_MERCATOR, "EPSG:4326",
                                                left, bottom, right, top)
    return depth, [[south, west], [north, east]]


def flood_overlay(
    scenario: FloodScenario,
    *,
    threshold_m: float | None = None,
    max_size_px: int = 2048,
) -> FloodOverlay:
    """Classify the scenario's depth and draw it as a semi-transparent RGBA PNG.

    Parameters
    ----------
    scenario
        The flood scenario (its raster is read through overviews, never whole at full size
        unless it is smaller than ``max_size_px``).
    threshold_m
        Depth from which a cell is drawn as flooded (default ``settings.FLOOD_THRESHOLD_M``);
        the classes drawn are :func:`geo.depth.depth_classes` at this threshold.
    max_size_px
        Longest side of the image in pixels (keeps the page light).
    """
    classes = depth_classes(threshold_m)
    depth, bounds = read_depth_web_mercator(scenario, max_size_px=max_size_px)
    codes = classes.classify(depth)
    rgba = _palette(classes)[codes]
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG", optimize=True)
    return FloodOverlay(png=buffer.getvalue(), bounds=bounds, width=depth.shape[1],
                        height=depth.shape[0], codes=codes, depth_classes=classes)


def flood_layer(overlay: FloodOverlay, *, name: str, show: bool = True) -> ImageOverlay:
    """The overlay as one Leaflet image layer (embedded as a data URL).

    Parameters
    ----------
    overlay
        From :func:`flood_overlay`.
    name
        Layer name shown in the layer control (already translated; it is escaped here).
    show
        Whether the layer starts switched on.
    """
    url = "data:image/png;base64," + base64.b64encode(overlay.png).decode("ascii")
    return ImageOverlay(
        image=url, bounds=overlay.bounds, name=escape_text(name), show=show,
        opacity=1.0, interactive=False, class_name="crecida-flood", z_index=200,
    )

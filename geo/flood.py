"""Flood scenarios: a named raster that says, cell by cell, how deep the water is.

Three kinds of raster are accepted:

``depth``
    water depth in metres (0 or negative where dry); integer rasters in centimetres are
    recognised (or declared with ``depth_unit="cm"``);
``extent``
    a 0/1 water mask (radar-derived extents such as Sentinel-1 or GFM): water of unknown depth;
``water_level``
    water-surface elevation in m a.s.l.; turned into depth with a DEM on the same grid.

Vector flood extents (Copernicus EMS observed event, UNOSAT flood extent) are rasterised to an
``extent`` scenario with their observed area (:func:`flood_from_vector`).

What a raster's values mean is decided once, when it is opened, and written down as decisions
(:attr:`FloodScenario.decisions`): the kind (from a ``CRECIDA_KIND`` tag, else the values,
else the name), the depth unit, what nodata means (``nodata_means``: ``unobserved``, or ``dry``
for products that leave dry cells empty — JRC/GloFAS hazard maps, Earth Engine ``selfMask()``
and SNAP exports with nodata 0), and where nothing was observed (a GFM exclusion mask). Where
those decisions change values, the scenario reads its raster through an in-memory virtual
raster (:func:`geo.raster.composite_flood`), so every reader sees the same values.

Reading contract (:meth:`FloodScenario.read_depth`): float32 depth in metres; ``NaN`` where
nothing was observed (nodata meaning unobserved, an exclusion mask, outside an observed
area); for ``extent`` rasters ``+inf`` marks water of unknown depth and ``0`` dry ground, so
``depth >= threshold`` is the flooded test for every kind and ``np.isinf`` tells where the
depth is unknown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.enums import Resampling
from rasterio.errors import RasterioIOError
from rasterio.features import rasterize
from rasterio.io import MemoryFile
from rasterio.shutil import copy as rio_copy
from rasterio.transform import from_origin
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window, from_bounds

from geo import settings
from geo.errors import InputError, Problem, Term
from geo.raster import (
    RasterSource,
    composite_flood,
    gdal_env,
    memory_raster,
    memory_vrt,
    open_raster,
    read_band,
    read_failed,
)

__all__ = [
    "FLOOD_KINDS",
    "NODATA_MEANINGS",
    "FloodKind",
    "FloodScenario",
    "FloodSpec",
    "flood_from_vector",
    "guess_kind",
    "open_flood",
    "open_scenario",
]

FloodKind = Literal["depth", "extent", "water_level"]
FLOOD_KINDS: tuple[str, ...] = ("depth", "extent", "water_level")
NodataMeaning = Literal["unobserved", "dry"]
NODATA_MEANINGS: tuple[str, ...] = ("unobserved", "dry")
DEPTH_UNITS: tuple[str, ...] = ("m", "cm")

#: Words in a file name that hint at a kind; used only when the values cannot tell.
_KIND_HINTS: tuple[tuple[str, str], ...] = (
    (r"water_?level|wse|wsel|stage|nivel|elev", "water_level"),
    (r"extent|mask|water_?mask|extension|mascara|binary|observed", "extent"),
    (r"depth|profundidad|tirante|calado", "depth"),
)
#: Copernicus GFM product files (download names and STAC asset names).
_GFM_FLOOD = re.compile(r"ensemble_flood|ensemble_flood_extent", re.IGNORECASE)
_GFM_EXCLUSION_NAMES = ("ENSEMBLE_EXCLAYER", "EXCLUSION_MASK", "exclusion_mask")
#: JRC / GloFAS flood hazard maps: ``ID…_RP100_depth.tif``, ``floodMapGL_rp100y.tif``.
_JRC_HAZARD = re.compile(r"rp\d+_depth|floodmapgl_rp\d+y", re.IGNORECASE)
#: SRTM voids, as the DEM's own nodata in an int16 DEM.
_SRTM_VOID = -32768


@dataclass(frozen=True)
class FloodSpec:
    """One flood scenario as a person gives it, with every choice they may make.

    Attributes
    ----------
    path
        Raster (GeoTIFF/COG…) or vector source (EMS/UNOSAT package, polygons).
    name
        Scenario name; default from the file (``CRECIDA_NAME`` tag, else its stem).
    layer
        Layer of a vector source holding several.
    kind
        ``depth``, ``extent`` or ``water_level``; default guessed (rasters).
    nodata_means
        ``unobserved`` or ``dry``; default guessed from the product and the values.
    depth_unit
        ``m`` or ``cm`` for depth rasters; default guessed from the dtype and values.
    classes
        Vector classes counted as flood (``flood``, ``trace``, ``possible``, ``preflood``,
        ``other``); default ``flood`` only.
    observed
        The observed area: a polygon layer (any flood), or for rasters an exclusion mask on the
        same grid (non-zero = not observed). Default: the product's own (EMS AOI, UNOSAT
        analysis extent, a GFM exclusion mask next to the file).
    observed_layer
        Layer of ``observed`` when it holds several.
    """

    path: Path
    name: str | None = None
    layer: str | None = None
    kind: FloodKind | None = None
    nodata_means: NodataMeaning | None = None
    depth_unit: str | None = None
    classes: tuple[str, ...] | None = None
    observed: Path | None = None
    observed_layer: str | None = None


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
        The raster read for this scenario (in metres, with Crecida's decisions applied); its
        CRS and grid are the scenario's.
    dem
        For ``water_level``: the DEM on the same grid.
    notes
        What was assumed or converted on the way in, as keyed problems whose source is the
        file (:func:`geo.errors.localise` gives them in the user's language; ``str()`` in
        English, for logs).
    nodata_means
        What the source's nodata cells mean: ``unobserved`` or ``dry``.
    decisions
        How the source was read, as keyed problems (shown by ``validate`` and in provenance).
    dem_voids_water
        DEM voids under a water level are water of unknown depth (SRTM voids lie mostly over
        water) rather than no data.
    """

    name: str
    kind: FloodKind
    raster: RasterSource
    dem: RasterSource | None = None
    notes: tuple[Problem | str, ...] = field(default=())
    nodata_means: NodataMeaning = "unobserved"
    decisions: tuple[Problem, ...] = field(default=())
    dem_voids_water: bool = False

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

        ``NaN`` where nothing was observed; for ``extent`` rasters ``+inf`` where water and
        ``0`` where dry. Negative depths are clipped to 0.
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
        try:
            return self._read_depth_from(ds, window, dem_ds)
        except RasterioIOError as exc:
            raise read_failed(exc, label=self.raster.label) from None

    def _read_depth_from(self, ds, window, dem_ds) -> np.ndarray:
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
            level = values
            values = level - ground
            if self.dem_voids_water:
                values[np.isnan(ground) & ~np.isnan(level)] = np.inf
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


# --------------------------------------------------------------------------- guessing


@dataclass(frozen=True)
class _Sample:
    """A small read of a raster's values (smallest overview or a decimated read)."""

    values: np.ndarray          # finite values that are not nodata
    nodata_cells: int           # cells equal to nodata (or NaN) in the sample

    @property
    def unique01(self) -> bool:
        return self.values.size > 0 and bool(np.isin(np.unique(self.values), (0.0, 1.0)).all())


def _sample(raster: RasterSource) -> _Sample:
    with gdal_env(), rasterio.open(raster.path) as ds:
        try:
            sample = _kind_sample(ds).astype("float64")
        except RasterioIOError as exc:
            raise read_failed(exc, label=raster.label) from None
    nod = ~np.isfinite(sample)
    if raster.nodata is not None:
        nod |= sample == raster.nodata
    return _Sample(sample[~nod], int(nod.sum()))


def guess_kind(raster: RasterSource, *, hint: str = "") -> FloodKind:
    """Guess the kind of a flood raster: its ``CRECIDA_KIND`` tag, its values, else its name.

    Values first (a file name such as ``depth_masked.tif`` must not beat them): only 0 and 1
    means ``extent``; a median above ``settings.WATER_LEVEL_MIN_M`` with a spread under
    ``settings.WATER_LEVEL_MAX_SPREAD_M`` means ``water_level`` (m a.s.l.); other values mean
    ``depth``. Words in the name decide only when the raster has no value to look at.
    """
    return _guess_kind(raster, _sample(raster), hint=hint)[0]


def _guess_kind(raster: RasterSource, sample: _Sample, *, hint: str = ""
                ) -> tuple[FloodKind, str]:
    with rasterio.open(raster.path) as ds:
        tag = ds.tags().get("CRECIDA_KIND", "").strip().lower()
    if tag in FLOOD_KINDS:
        return tag, "tag"  # type: ignore[return-value]
    values = sample.values
    if values.size:
        if sample.unique01:
            return "extent", "values"
        low, high = np.percentile(values, [2, 98])
        if (float(np.median(values)) > settings.WATER_LEVEL_MIN_M
                and high - low < settings.WATER_LEVEL_MAX_SPREAD_M):
            return "water_level", "values"
        return "depth", "values"
    text = f"{hint} {raster.label}".lower()
    for pattern, kind in _KIND_HINTS:
        if re.search(pattern, text):
            return kind, "name"  # type: ignore[return-value]
    return "depth", "default"


# --------------------------------------------------------------------------- opening


def open_flood(
    path: str | Path,
    *,
    name: str | None = None,
    kind: FloodKind | None = None,
    dem: RasterSource | None = None,
    nodata_means: NodataMeaning | None = None,
    depth_unit: str | None = None,
    exclusion: str | Path | None = None,
    observed: shapely.Geometry | None = None,
    label: str | None = None,
) -> FloodScenario:
    """Open a flood raster as a scenario, deciding (and saying) what its values mean.

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
    nodata_means
        ``unobserved`` or ``dry``; guessed when ``None``: dry for JRC/GloFAS hazard maps, for
        masks whose nodata is 0 or whose only value is 1 (Earth Engine ``selfMask()``, SNAP),
        and for depth rasters without a single dry (0) cell; else unobserved.
    depth_unit
        ``m`` or ``cm`` for a depth raster; guessed when ``None``: centimetres for an integer
        raster deeper than ``settings.MAX_PLAUSIBLE_DEPTH_M``.
    exclusion
        A raster on the same grid whose non-zero cells were not observed (a GFM exclusion
        mask); default: a GFM exclusion mask next to a GFM flood file, when there is one.
    observed
        The observed area as one geometry in EPSG:4326 (outside it nothing was observed).
    label
        Name used in messages (defaults to the file name).

    Raises
    ------
    InputError
        Unknown kind, unit or nodata meaning; a water level without a DEM; depths beyond
        ``settings.MAX_PLAUSIBLE_DEPTH_M`` that are not integer centimetres.
    FormatError
        Not a single-band raster, a damaged or cut-short file.
    """
    raster = open_raster(path, label=label)
    label = raster.label
    _check_choice(kind, FLOOD_KINDS, "flood_kind_unknown", label)
    _check_choice(nodata_means, NODATA_MEANINGS, "nodata_means_unknown", label)
    _check_choice(depth_unit, DEPTH_UNITS, "depth_unit_unknown", label)
    notes: list[Problem] = []
    decisions: list[Problem] = []
    sample = _sample(raster)
    gfm = bool(_GFM_FLOOD.search(Path(str(path)).name))
    if kind is None:
        kind, why = _guess_kind(raster, sample, hint=name or "")
        if gfm and why != "tag":
            kind, why = "extent", "product"
        notes.append(Problem.keyed("flood_kind_guessed", source=label,
                                   kind=Term(f"report.kind_{kind}")))
        decisions.append(Problem.keyed(f"decision_kind_{why}", source=label, kind=kind))
    if name is None:
        with rasterio.open(raster.path) as ds:
            name = ds.tags().get("CRECIDA_NAME") or Path(str(path)).stem
    if raster.nodata is None:
        notes.append(Problem.keyed("flood_no_nodata", source=label))
        decisions.append(Problem.keyed("decision_no_nodata", source=label))
    scale = 1.0
    if kind == "depth":
        scale = _depth_scale(raster, sample, depth_unit, label=label, decisions=decisions)
    meaning = _nodata_meaning(raster, sample, kind, nodata_means, gfm=gfm, path=Path(str(path)),
                              label=label, decisions=decisions)
    mask = _exclusion(raster, exclusion, gfm=gfm, path=Path(str(path)), label=label,
                      decisions=decisions)
    if observed is not None:
        mask = _observed_mask(raster, observed, label=label, decisions=decisions,
                              combine=mask)
    view = raster
    if scale != 1.0 or (meaning == "dry" and raster.nodata is not None) or mask is not None:
        view = composite_flood(raster, nodata_dry=meaning == "dry", scale=scale,
                               exclusion=mask)
    dem_voids_water = False
    if kind == "water_level":
        if dem is None:
            raise InputError(Problem.keyed("water_level_needs_dem", source=label))
        if not view.same_grid(dem):
            view = _warp_onto(view, dem)
            notes.append(Problem.keyed("flood_warped_onto_dem", source=label, dem=dem.label))
            decisions.append(Problem.keyed("decision_warped_onto_dem", source=label,
                                           dem=dem.label))
        if dem.dtype == "int16" and dem.nodata == _SRTM_VOID:
            dem_voids_water = True
            decisions.append(Problem.keyed("decision_dem_voids_water", source=label,
                                           dem=dem.label))
    return FloodScenario(
        name=name,
        kind=kind,
        raster=view,
        dem=dem if kind == "water_level" else None,
        notes=tuple(notes),
        nodata_means=meaning,
        decisions=tuple(decisions),
        dem_voids_water=dem_voids_water,
    )


def _check_choice(value: str | None, allowed: tuple[str, ...], key: str, label: str) -> None:
    if value is not None and value not in allowed:
        raise InputError(Problem.keyed(key, source=label, value=value,
                                       allowed=", ".join(allowed)))


def _depth_scale(raster: RasterSource, sample: _Sample, unit: str | None, *, label: str,
                 decisions: list[Problem]) -> float:
    """1 for metres, 0.01 for centimetres; refuses implausible depths."""
    deepest = float(sample.values.max()) if sample.values.size else 0.0
    limit = settings.MAX_PLAUSIBLE_DEPTH_M
    integer = np.dtype(raster.dtype).kind in "iu"
    if unit is None:
        unit = "cm" if integer and deepest > limit else "m"
        if unit == "cm":
            decisions.append(Problem.keyed("decision_depth_cm", source=label,
                                           dtype=raster.dtype, deepest=f"{deepest:g}",
                                           limit=f"{limit:g}"))
    else:
        decisions.append(Problem.keyed("decision_depth_unit_given", source=label, unit=unit))
    scale = 0.01 if unit == "cm" else 1.0
    if deepest * scale > limit:
        raise InputError(Problem.keyed("depth_implausible", source=label,
                                       deepest=f"{deepest * scale:g}", limit=f"{limit:g}"))
    return scale


def _nodata_meaning(raster: RasterSource, sample: _Sample, kind: str, given: str | None, *,
                    gfm: bool, path: Path, label: str,
                    decisions: list[Problem]) -> NodataMeaning:
    if raster.nodata is None:
        return "unobserved"
    if given is not None:
        decisions.append(Problem.keyed(f"decision_nodata_{given}_given", source=label))
        return given  # type: ignore[return-value]
    nodata = f"{raster.nodata:g}"
    if gfm:
        why = "gfm"
        meaning = "unobserved"
    elif _JRC_HAZARD.search(path.name):
        why, meaning = "jrc", "dry"
    elif kind == "extent" and raster.nodata == 0:
        why, meaning = "mask_nodata_0", "dry"
    elif kind == "extent" and sample.values.size and sample.nodata_cells and (
            np.unique(sample.values) == 1).all():
        why, meaning = "mask_only_water", "dry"
    elif (kind == "depth" and sample.values.size and sample.nodata_cells
          and float(sample.values.min()) > 0):
        why, meaning = "depth_no_dry_cell", "dry"
    else:
        why, meaning = "default", "unobserved"
    decisions.append(Problem.keyed(f"decision_nodata_{why}", source=label, nodata=nodata))
    return meaning  # type: ignore[return-value]


def _exclusion(raster: RasterSource, given: str | Path | None, *, gfm: bool, path: Path,
               label: str, decisions: list[Problem]) -> RasterSource | None:
    if given is not None:
        mask = open_raster(given)
        decisions.append(Problem.keyed("decision_exclusion_given", source=label,
                                       mask=mask.label))
        return mask
    if not gfm:
        return None
    for candidate in _gfm_siblings(path):
        if candidate.exists():
            mask = open_raster(candidate)
            if mask.same_grid(raster):
                decisions.append(Problem.keyed("decision_exclusion_found", source=label,
                                               mask=mask.label))
                return mask
    decisions.append(Problem.keyed("decision_exclusion_missing", source=label))
    return None


def _gfm_siblings(path: Path) -> list[Path]:
    """Where a GFM flood file's exclusion mask would be (same folder, same tile and time)."""
    out = []
    for name in _GFM_EXCLUSION_NAMES:
        swapped = re.sub(r"ENSEMBLE_FLOOD(_EXTENT)?", name, path.name, flags=re.IGNORECASE)
        if swapped != path.name:
            out.append(path.with_name(swapped))
    return out


def _observed_mask(raster: RasterSource, observed: shapely.Geometry, *, label: str,
                   decisions: list[Problem], combine: RasterSource | None) -> RasterSource:
    """An exclusion mask (1 outside ``observed``, EPSG:4326) on the raster's grid."""
    area = gpd.GeoSeries([observed], crs=settings.DISPLAY_CRS).to_crs(raster.crs).iloc[0]
    if raster.width * raster.height > settings.MAX_VECTOR_FLOOD_CELLS:
        raise InputError(Problem.keyed("observed_raster_too_big", source=label))
    mask = rasterize([(area, 0)], out_shape=raster.shape, transform=raster.transform, fill=1,
                     dtype="uint8")
    if combine is not None:
        with rasterio.open(combine.path) as ds:
            other = ds.read(1)
        mask = np.where((other != 0) | (mask != 0), 1, 0).astype("uint8")
    decisions.append(Problem.keyed("decision_observed_polygon", source=label,
                                   share=f"{100 * float((mask == 0).mean()):.0f}"))
    return memory_raster(mask, crs=raster.crs, transform=raster.transform, nodata=None,
                         label=f"{label} observed area")


def _warp_onto(raster: RasterSource, grid: RasterSource) -> RasterSource:
    """A VRT (in memory) of ``raster`` warped onto ``grid``."""
    nodata = raster.nodata if raster.nodata is not None else -9999
    with (
        rasterio.open(raster.path) as ds,
        WarpedVRT(ds, crs=grid.crs, transform=grid.transform, width=grid.width,
                  height=grid.height, resampling=Resampling.bilinear, nodata=nodata) as vrt,
        MemoryFile(ext=".vrt") as tmp,
    ):
        rio_copy(vrt, tmp.name, driver="VRT")
        xml = bytes(tmp.getbuffer()).decode("utf-8")
    return memory_vrt(xml, like=grid, nodata=nodata, dtype=raster.dtype, label=raster.label,
                      uses=(raster,))


# --------------------------------------------------------------------------- vector extents


def flood_from_vector(
    polygons,
    *,
    name: str,
    grid: RasterSource | None = None,
    cell_size_m: float | None = None,
    label: str = "vector flood extent",
) -> FloodScenario:
    """Rasterise a vector flood extent to an ``extent`` scenario, with its observed area.

    Cells whose centre falls in a polygon counted as flood are water (1); cells of the
    observed area that are not water are dry (0); cells outside it, and polygons of uncertain
    classes (``possible``, unknown), are not observed (nodata). Without an observed area, the
    bounding box of the polygons is taken as observed, and a decision says so.

    The grid: aligned on ``grid`` (a DEM) when given — same CRS, cell size and alignment, but
    extended to cover the polygons and the observed area wherever they reach, never cut to the
    DEM's extent — else ``cell_size_m`` cells in the polygons' UTM zone. The raster is held in
    memory, never written to disk.

    Parameters
    ----------
    polygons
        A :class:`geo.io.products.VectorFlood`, or water polygons (GeoDataFrame, any CRS).
    name
        Scenario name.
    grid
        Raster whose grid to align on.
    cell_size_m
        Cell size without ``grid`` (metres; default ``settings.VECTOR_FLOOD_CELL_SIZE_M``);
        coarsened by a whole factor when the raster would exceed
        ``settings.MAX_VECTOR_FLOOD_CELLS``.
    label
        Name of the source, for messages.

    Raises
    ------
    InputError
        No polygon counted as flood and no observed area.
    """
    from geo.io.products import VectorFlood

    if isinstance(polygons, VectorFlood):
        vector = polygons
        label = vector.label
        water = vector.water
        unknown = vector.unknown()
        observed = vector.observed
        decisions = list(vector.decisions)
    else:
        geoms = polygons.geometry
        water = geoms.to_crs(settings.DISPLAY_CRS) if geoms.crs is not None else geoms
        unknown = water.iloc[0:0]
        observed = None
        decisions = []
    water = water[~water.is_empty & water.notna()]
    if water.empty and observed is None:
        raise InputError(Problem.keyed("flood_layer_no_polygons", source=label))
    parts = [g for g in (*water, observed) if g is not None and not g.is_empty]
    extent = gpd.GeoSeries(parts, crs=water.crs or settings.DISPLAY_CRS)
    if grid is not None:
        crs = grid.crs
        left, bottom, right, top = extent.to_crs(crs).total_bounds
        win = from_bounds(left, bottom, right, top, grid.transform)
        eps = 1e-6  # reprojection round-off must not add a row or column of cells
        col0, row0 = math.floor(win.col_off + eps), math.floor(win.row_off + eps)
        col1 = math.ceil(win.col_off + win.width - eps)
        row1 = math.ceil(win.row_off + win.height - eps)
        transform = grid.transform * rasterio.Affine.translation(col0, row0)
        width, height = max(1, col1 - col0), max(1, row1 - row0)
    else:
        crs = extent.estimate_utm_crs() if extent.crs.is_geographic else extent.crs
        cell = float(cell_size_m or settings.VECTOR_FLOOD_CELL_SIZE_M)
        left, bottom, right, top = extent.to_crs(crs).total_bounds
        width = max(1, math.ceil((right - left) / cell))
        height = max(1, math.ceil((top - bottom) / cell))
        factor = math.ceil(math.sqrt(width * height / settings.MAX_VECTOR_FLOOD_CELLS))
        if factor > 1:
            cell *= factor
            width, height = math.ceil((right - left) / cell), math.ceil((top - bottom) / cell)
            decisions.append(Problem.keyed("decision_vector_coarsened", source=label,
                                           cell_m=f"{cell:g}"))
        transform = from_origin(left, top, cell, cell)
    if width * height > settings.MAX_VECTOR_FLOOD_CELLS:
        raise InputError(Problem.keyed("vector_flood_too_big", source=label,
                                       cells=f"{width * height:,}"))
    shape = (height, width)
    if observed is not None:
        out = rasterize([(gpd.GeoSeries([observed], crs=settings.DISPLAY_CRS).to_crs(crs)
                          .iloc[0], 0)], out_shape=shape, transform=transform, fill=255,
                        dtype="uint8")
    else:
        out = np.zeros(shape, dtype="uint8")
        decisions.append(Problem.keyed("decision_observed_bbox", source=label))
    if len(unknown):
        rasterize(((g, 255) for g in unknown.to_crs(crs)), out=out, transform=transform)
    if len(water):
        rasterize(((g, 1) for g in water.to_crs(crs)), out=out, transform=transform)
    raster = memory_raster(out, crs=crs, transform=transform, nodata=255, label=label,
                           tags={"CRECIDA_KIND": "extent", "CRECIDA_NAME": name})
    cell_text = _cell_text(raster)
    decisions.append(Problem.keyed("decision_rasterised", source=label, cells=cell_text,
                                   grid=grid.label if grid is not None else "UTM"))
    return FloodScenario(
        name=name,
        kind="extent",
        raster=raster,
        notes=(Problem.keyed("flood_rasterised", file=label, cells=cell_text),),
        decisions=tuple(decisions),
    )


def _cell_text(raster: RasterSource) -> str:
    """``30 m`` on a projected grid; ``0.000278° (≈ 31 m)`` on a geographic one (words of no
    language: the text goes into messages in any)."""
    size = raster.res[0]
    if not raster.crs.is_geographic:
        factor = raster.crs.linear_units_factor[1] if raster.crs.linear_units_factor else 1.0
        return f"{size * factor:g} m"
    lat = (raster.bounds[1] + raster.bounds[3]) / 2
    metres = size * 111_320 * math.cos(math.radians(lat))
    return f"{size:.6g}° (≈ {metres:.0f} m)"


# --------------------------------------------------------------------------- dispatch


def open_scenario(spec: FloodSpec, *, dem: RasterSource | None = None,
                  label: str | None = None) -> FloodScenario:
    """Open a scenario from its spec: a raster (:func:`open_flood`) or a vector extent
    (:func:`geo.io.products.read_flood_vector`, then :func:`flood_from_vector` on the DEM's
    grid when there is a DEM).

    Raises
    ------
    InputError
        As the functions above; an option that does not apply to the source (classes for a
        raster, a depth unit for a vector extent).
    """
    from geo.io import is_vector_path, read_flood_polygons
    from geo.io.products import read_flood_vector

    path = Path(spec.path)
    label = label or path.name
    if is_vector_path(path):
        misplaced = [o for o, v in (("kind", spec.kind), ("nodata_means", spec.nodata_means),
                                    ("depth_unit", spec.depth_unit)) if v is not None]
        if misplaced and spec.kind != "extent":
            raise InputError(Problem.keyed("option_not_for_vector", source=label,
                                           options=", ".join(misplaced)))
        vector = read_flood_vector(path, label=label, layer=spec.layer, include=spec.classes,
                                   observed=spec.observed, observed_layer=spec.observed_layer)
        return flood_from_vector(vector, name=spec.name or path.stem, grid=dem, label=label)
    if spec.classes:
        raise InputError(Problem.keyed("option_not_for_raster", source=label,
                                       options="classes"))
    observed = None
    exclusion = None
    if spec.observed is not None:
        if is_vector_path(spec.observed):
            shapes = read_flood_polygons(spec.observed, layer=spec.observed_layer)
            observed = shapely.union_all(shapes.geometry.to_numpy())
        else:
            exclusion = spec.observed
    return open_flood(path, name=spec.name, kind=spec.kind, dem=dem,
                      nodata_means=spec.nodata_means, depth_unit=spec.depth_unit,
                      exclusion=exclusion, observed=observed, label=label)


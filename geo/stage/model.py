"""A DEM and the river's cells, turned once into the flooding stage of every cell.

:class:`StageModel` answers, for any gauge stage in whole centimetres and without a new pass
over the DEM's flood: the depth of river water (``depth_at``), the disconnected low ground
below the stage that the river cannot reach (``ponding_at``, "ponding risk", never counted as
river flood), a ``depth`` :class:`~geo.flood.FloodScenario` for the exposure engine, the maps
and the exports (``scenario``: a depth GeoTIFF written to a temporary folder), and the stage
curves of centres and communities (``curves``, see :mod:`geo.stage.curves`).

Stages are gauge readings (m); the DEM's heights are compared with ``stage + datum_offset_m
(+ slope × distance)`` — see :func:`geo.stage.fill.relief_m`. Every report says which datum
offset was assumed: the gauge's datum and the DEM's must match.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.windows import Window

from geo import settings
from geo.errors import InputError, Num, Problem, Term
from geo.flood import FloodScenario
from geo.raster import RasterSource, gdal_env, open_raster
from geo.stage.fill import NEVER, DemCheck, flood_levels, quantise, relief_m
from geo.stage.names import CM_PER_M, stage_cm, stage_name
from geo.stage.seeds import gauge_cell, gauge_position, seeds_from_extent, seeds_from_rivers

if TYPE_CHECKING:
    from geo.stage.curves import StageCurves

__all__ = ["StageModel", "flooding_stage"]



@dataclass
class StageModel:
    """The flooding stage of every DEM cell, and what it implies at any stage.

    Build it with :meth:`from_raster` (a DEM file and the rivers, a gauge or an observed
    extent) or :meth:`from_arrays` (the numeric core: a height array and seed cells).

    Attributes
    ----------
    grid
        The DEM's grid (CRS, transform, size); every array here has its shape.
    levels
        uint16: the flooding stage in centimetres above ``base_cm``; :data:`NEVER` where the
        river never reaches (voids, above ``top_cm``, cut off from every seed).
    base_cm
        Absolute centimetre (gauge datum) of level 0.
    top_cm
        The highest stage (cm) the model answers for; ``None``: any stage.
    relief
        float32: the ground as a gauge reading, ``dem − datum_offset − slope × d`` (m); NaN
        where the DEM has no height.
    datum_offset_m, slope_cm_per_km, gauge_xy, downstream_azimuth_deg
        The water-surface model (``gauge_xy`` in the grid's CRS).
    seed_cells
        Number of river cells the flood started from.
    dem_check
        Voids and range found in the DEM.
    notes
        What was assumed (datum, seeds, voids, slope): keyed problems, read in the user's
        language with :func:`geo.errors.localise`.
    """

    grid: RasterSource
    levels: np.ndarray
    base_cm: int
    top_cm: int | None
    relief: np.ndarray
    datum_offset_m: float
    slope_cm_per_km: float
    gauge_xy: tuple[float, float] | None
    downstream_azimuth_deg: float | None
    seed_cells: int
    dem_check: DemCheck
    notes: list[Problem | str] = field(default_factory=list)

    # -----------------------------------------------------------------------------------------
    # Constructors
    # -----------------------------------------------------------------------------------------
    @classmethod
    def from_arrays(
        cls,
        dem_m: np.ndarray,
        seeds: np.ndarray,
        *,
        transform: Affine,
        crs: CRS | str | None = None,
        nodata: float | None = None,
        datum_offset_m: float | None = None,
        slope_cm_per_km: float | None = None,
        gauge_xy: tuple[float, float] | None = None,
        downstream_azimuth_deg: float | None = None,
        max_stage_m: float | None = None,
        fill_voids: bool | None = None,
        label: str = "DEM",
        notes: Sequence[Problem | str] = (),
        progress=None,
    ) -> StageModel:
        """The model of a height array and its seed cells.

        Parameters
        ----------
        dem_m
            2-D heights (m a.s.l., the DEM's vertical datum); not modified.
        seeds
            bool array of the same shape: the river's cells.
        transform, crs
            The grid's affine and CRS (a CRS is needed for :meth:`scenario` and curves).
        nodata
            The DEM's nodata value (NaN and −32768 are voids anyway).
        datum_offset_m
            Metres added to a gauge reading to get the water's height in the DEM's datum
            (``settings.DATUM_OFFSET_M``).
        slope_cm_per_km, gauge_xy, downstream_azimuth_deg
            Water-surface slope (``settings.SLOPE_CM_PER_KM``), the gauge in the grid's CRS
            and the river's flow direction; see :func:`geo.stage.fill.relief_m`.
        max_stage_m
            Highest stage the model must answer for; cells above it are not flooded (faster).
            ``None``: the whole DEM.
        fill_voids
            Let water cross voids enclosed by valid cells (``settings.DEM_FILL_VOIDS``).
        label, notes
            Name of the DEM for messages; notes to carry (seeds found by the caller).
        progress
            ``progress(done, total, message)`` while flooding.

        Raises
        ------
        InputError
            Shapes differ, no seed cell, a negative slope, a slope without a gauge.
        """
        dem_m = np.asarray(dem_m)
        seeds = np.asarray(seeds, dtype=bool)
        if dem_m.ndim != 2 or seeds.shape != dem_m.shape:
            raise InputError(Problem.keyed("stage_shapes_differ", source=label,
                                           heights=str(dem_m.shape), seeds=str(seeds.shape)))
        grid = RasterSource("", CRS.from_user_input(crs) if crs is not None else None,
                            Affine(*tuple(transform)[:6]), dem_m.shape[1], dem_m.shape[0],
                            nodata, str(dem_m.dtype), label)
        relief, void, srtm = relief_m(
            dem_m, grid, datum_offset_m=_default(datum_offset_m, settings.DATUM_OFFSET_M),
            slope_cm_per_km=_default(slope_cm_per_km, settings.SLOPE_CM_PER_KM),
            gauge_xy=gauge_xy, downstream_azimuth_deg=downstream_azimuth_deg)
        return cls._build(grid, relief, void, srtm, seeds, datum_offset_m=datum_offset_m,
                          slope_cm_per_km=slope_cm_per_km, gauge_xy=gauge_xy,
                          downstream_azimuth_deg=downstream_azimuth_deg,
                          max_stage_m=max_stage_m, fill_voids=fill_voids, notes=list(notes),
                          progress=progress)

    @classmethod
    def from_raster(
        cls,
        dem: RasterSource,
        *,
        rivers: gpd.GeoDataFrame | None = None,
        gauge: tuple[float, float] | None = None,
        gauge_crs: str = settings.DISPLAY_CRS,
        observed: FloodScenario | None = None,
        datum_offset_m: float | None = None,
        slope_cm_per_km: float | None = None,
        downstream_azimuth_deg: float | None = None,
        max_stage_m: float | None = None,
        fill_voids: bool | None = None,
        progress=None,
    ) -> StageModel:
        """The model of a DEM file, seeded by rivers, a gauge and/or an observed extent.

        Parameters
        ----------
        dem
            The DEM (metres; read whole, window by window, as float32).
        rivers
            River lines or polygons (any CRS): their cells are seeds.
        gauge
            The gauge (x, y) in ``gauge_crs`` (lon, lat by default): seeds the lowest cell
            within ``settings.GAUGE_SNAP_RADIUS_M``, and anchors the slope.
        observed
            An observed flood (extent or depth): its wet cells are seeds.
        datum_offset_m, slope_cm_per_km, downstream_azimuth_deg, max_stage_m, fill_voids
            As in :meth:`from_arrays`.

        Raises
        ------
        InputError
            No seed source given, a seed source off the DEM, the DEM's CRS missing.
        """
        if rivers is None and gauge is None and observed is None:
            raise InputError(Problem.keyed("stage_no_seed_source"))
        if gauge is not None:
            gauge = gauge_position(gauge)
        notes: list[Problem | str] = []
        dem_m = np.empty(dem.shape, dtype=np.float32)
        with gdal_env(), dem.open() as ds:
            rows = int(settings.WINDOW_ROWS)
            for r0 in range(0, dem.height, rows):
                win = Window(0, r0, dem.width, min(rows, dem.height - r0))
                ds.read(1, window=win, out=dem_m[r0:r0 + int(win.height)])
        gauge_xy = None
        if gauge is not None:
            from pyproj import Transformer

            gauge_xy = Transformer.from_crs(gauge_crs, dem.crs, always_xy=True).transform(
                float(gauge[0]), float(gauge[1]))
        relief, void, srtm = relief_m(
            dem_m, dem, datum_offset_m=_default(datum_offset_m, settings.DATUM_OFFSET_M),
            slope_cm_per_km=_default(slope_cm_per_km, settings.SLOPE_CM_PER_KM),
            gauge_xy=gauge_xy, downstream_azimuth_deg=downstream_azimuth_deg, out=dem_m)
        seeds = np.zeros(dem.shape, dtype=bool)
        if rivers is not None:
            seeds |= seeds_from_rivers(rivers, dem, notes)
        if gauge is not None:
            _, (row, col) = gauge_cell(gauge, dem, relief, crs=gauge_crs, notes=notes)
            seeds[row, col] = True
        if observed is not None:
            seeds |= seeds_from_extent(observed, dem, notes)
        return cls._build(dem, relief, void, srtm, seeds, datum_offset_m=datum_offset_m,
                          slope_cm_per_km=slope_cm_per_km, gauge_xy=gauge_xy,
                          downstream_azimuth_deg=downstream_azimuth_deg,
                          max_stage_m=max_stage_m, fill_voids=fill_voids, notes=notes,
                          progress=progress)

    @classmethod
    def _build(cls, grid, relief, void, srtm, seeds, *, datum_offset_m, slope_cm_per_km,
               gauge_xy, downstream_azimuth_deg, max_stage_m, fill_voids, notes, progress
               ) -> StageModel:
        seeds = seeds & ~void
        if not seeds.any():
            raise InputError(Problem.keyed("stage_no_seed_cell", dem=grid.label))
        fill = settings.DEM_FILL_VOIDS if fill_voids is None else bool(fill_voids)
        levels, base_cm, check = quantise(relief, void, max_stage_m=max_stage_m,
                                          fill_voids=fill, srtm_voids=srtm)
        out = flood_levels(levels, seeds, progress=progress)
        del levels
        top_cm = None if max_stage_m is None else round(float(max_stage_m) * CM_PER_M)
        offset = _default(datum_offset_m, settings.DATUM_OFFSET_M)
        slope = _default(slope_cm_per_km, settings.SLOPE_CM_PER_KM)
        model = cls(grid=grid, levels=out, base_cm=int(base_cm), top_cm=top_cm,
                    relief=relief, datum_offset_m=offset, slope_cm_per_km=slope,
                    gauge_xy=None if gauge_xy is None else tuple(map(float, gauge_xy)),
                    downstream_azimuth_deg=downstream_azimuth_deg,
                    seed_cells=int(seeds.sum()), dem_check=check, notes=list(notes))
        model.notes[:0] = model._model_notes(max_stage_m)
        return model

    # -----------------------------------------------------------------------------------------
    # Reading the model
    # -----------------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return self.levels.shape

    @property
    def flooding_stage_m(self) -> np.ndarray:
        """float32: the lowest gauge stage (m) at which river water reaches each cell.

        Whole centimetres; NaN where the DEM has no height; +inf where the river never comes
        (or only above the model's top).
        """
        out = np.empty(self.shape, dtype=np.float32)
        for r0 in range(0, self.shape[0], int(settings.WINDOW_ROWS)):
            rows = slice(r0, r0 + int(settings.WINDOW_ROWS))
            lv = self.levels[rows]
            block = (lv.astype(np.float64) + self.base_cm) / CM_PER_M
            block[lv == NEVER] = np.inf
            block[np.isnan(self.relief[rows])] = np.nan
            out[rows] = block
        return out

    def stage_cm(self, stage_m: float) -> int:
        """A stage (m) in whole centimetres, checked against the range built for
        (:func:`geo.stage.names.stage_cm`)."""
        return stage_cm(stage_m, top_cm=self.top_cm)

    def reached_at(self, stage_m: float, window: Window | None = None) -> np.ndarray:
        """bool: cells river water reaches at this stage (depth ≥ 0)."""
        level = self.stage_cm(stage_m) - self.base_cm
        lv = self._window(self.levels, window)
        if level < 0:
            return np.zeros(lv.shape, dtype=bool)
        return (lv <= level) & (lv != NEVER)

    def depth_at(self, stage_m: float, window: Window | None = None) -> np.ndarray:
        """float32 depth (m) of river water at this stage: ``stage − relief`` where the river
        reaches, 0 elsewhere (ponding left out), NaN where the DEM has no height.

        Depths are rounded to 0.1 mm (``settings.STAGE_HEIGHT_TOLERANCE_M``), so that a depth
        of exactly 10 cm in decimal terms reads as 10 cm in float32, as the stage curves
        count it, and the exposure engine agrees with them at the threshold.
        """
        reached = self.reached_at(stage_m, window)
        return self._depth(stage_m, window, reached)

    def ponding_at(self, stage_m: float, window: Window | None = None) -> np.ndarray:
        """float32 depth (m) of *ponding risk*: ground below the stage that river water does
        not reach (closed depressions, land behind levees); 0 elsewhere, NaN without height.
        Rounded as :meth:`depth_at`."""
        stage = self.stage_cm(stage_m) / CM_PER_M
        low = ~self.reached_at(stage_m, window)
        low &= self._window(self.relief, window) < np.float32(stage)
        return self._depth(stage_m, window, low)

    def _depth(self, stage_m: float, window: Window | None, where: np.ndarray) -> np.ndarray:
        stage = self.stage_cm(stage_m) / CM_PER_M
        relief = self._window(self.relief, window)
        depth = np.zeros(relief.shape, dtype=np.float32)
        digits = max(0, round(-math.log10(settings.STAGE_HEIGHT_TOLERANCE_M)))
        values = np.round(stage - relief[where].astype(np.float64), digits)
        depth[where] = np.maximum(values, 0.0)
        depth[np.isnan(relief)] = np.nan
        return depth

    @staticmethod
    def _window(array: np.ndarray, window: Window | None) -> np.ndarray:
        if window is None:
            return array
        (r0, r1), (c0, c1) = window.toranges()
        return array[r0:r1, c0:c1]

    # -----------------------------------------------------------------------------------------
    # For the exposure engine, the maps and the exports
    # -----------------------------------------------------------------------------------------
    def scenario(self, stage_m: float, *, name: str | None = None,
                 directory: str | Path | None = None) -> FloodScenario:
        """A ``depth`` flood scenario at this stage, written as a GeoTIFF.

        The depth is :meth:`depth_at` (river water only; nodata −9999 where the DEM has no
        height), written window by window to ``directory`` (a new temporary folder when
        ``None``) as ``stage_<cm>.tif`` with the tags ``CRECIDA_KIND=depth``,
        ``CRECIDA_NAME`` and ``RIVER_STAGE_M``. Named :func:`stage_name` ("117.8 m").

        Raises
        ------
        InputError
            A stage above the model's top, or a model without a CRS.
        """
        cm = self.stage_cm(stage_m)
        stage = cm / CM_PER_M
        name = name or stage_name(stage)
        if self.grid.crs is None:
            raise InputError(Problem.keyed("stage_model_no_crs", source=self.grid.label))
        folder = Path(directory) if directory is not None else \
            Path(tempfile.mkdtemp(prefix="crecida_stage_"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"stage_{cm}cm.tif"
        h, w = self.shape
        profile = dict(driver="GTiff", width=w, height=h, count=1, dtype="float32",
                       crs=self.grid.crs, transform=self.grid.transform, nodata=-9999.0,
                       tiled=True, blockxsize=256, blockysize=256, compress="deflate",
                       predictor=3, bigtiff="if_safer")
        ponding_cells = 0
        with gdal_env(), rasterio.open(path, "w", **profile) as ds:
            rows = int(settings.WINDOW_ROWS)
            for r0 in range(0, h, rows):
                win = Window(0, r0, w, min(rows, h - r0))
                depth = self.depth_at(stage, win)
                ponding_cells += int(np.count_nonzero(self.ponding_at(stage, win) > 0))
                ds.write(np.nan_to_num(depth, nan=-9999.0), 1, window=win)
            ds.update_tags(CRECIDA_KIND="depth", CRECIDA_NAME=name,
                           RIVER_STAGE_M=f"{stage:.2f}",
                           DATUM_OFFSET_M=f"{self.datum_offset_m:g}",
                           SLOPE_CM_PER_KM=f"{self.slope_cm_per_km:g}",
                           DESCRIPTION="Crecida stage model: depth of water connected to the "
                                       "river at this gauge stage")
        notes = [*self.notes,
                 Problem.keyed("stage_note_scenario", stage=Num(stage, decimals=2, unit="m"),
                               dem=self.grid.label, cells=Num(ponding_cells))]
        return FloodScenario(name=name, kind="depth", raster=open_raster(path, label=name),
                             notes=tuple(notes))

    def curves(
        self,
        centres: gpd.GeoDataFrame | None = None,
        communities: gpd.GeoDataFrame | None = None,
        *,
        threshold_m: float | None = None,
        ring_radius_m: float | None = None,
        access_share: float | None = None,
        at_risk_distance_m: float | None = None,
        search_radius_m: float | None = None,
        depth_classes_m: Sequence[float] | None = None,
        displacement_rates: Sequence[float] | None = None,
    ) -> StageCurves:
        """Stage curves of centres and communities (:class:`geo.stage.curves.StageCurves`),
        with the exposure engine's options and defaults."""
        from geo.stage.curves import StageCurves

        return StageCurves.build(
            self, centres, communities, threshold_m=threshold_m, ring_radius_m=ring_radius_m,
            access_share=access_share, at_risk_distance_m=at_risk_distance_m,
            search_radius_m=search_radius_m, depth_classes_m=depth_classes_m,
            displacement_rates=displacement_rates)

    # -----------------------------------------------------------------------------------------
    # Report
    # -----------------------------------------------------------------------------------------
    def _model_notes(self, max_stage_m: float | None) -> list[Problem | str]:
        offset = dict(sign="-" if self.datum_offset_m < 0 else "+",
                      offset=Num(abs(self.datum_offset_m), decimals=2))
        out = [Problem.keyed("stage_note_model", cells=Num(self.seed_cells)),
               _datum_note(self.grid.crs, offset)]
        if self.slope_cm_per_km:
            slope = Num(self.slope_cm_per_km)
            out.append(Problem.keyed("stage_note_slope", slope=slope)
                       if self.downstream_azimuth_deg is None else
                       Problem.keyed("stage_note_slope_azimuth", slope=slope,
                                     azimuth=Num(self.downstream_azimuth_deg)))
        else:
            out.append(Problem.keyed("stage_note_flat"))
        if self.top_cm is not None:
            out.append(Problem.keyed("stage_note_top", top=Num(self.top_cm / CM_PER_M, unit="m")))
        out.extend(self.dem_check.notes())
        return out


def _default(value, default):
    return default if value is None else float(value)


def _datum_note(crs: CRS | None, offset: dict[str, object]) -> Problem:
    """The note on the vertical datum: the offset assumed, and what the DEM says of its datum."""
    if crs is None:
        return Problem.keyed("stage_note_datum", datum=Term("stage.datum_not_stated"), **offset)
    from pyproj import CRS as PCRS
    from pyproj.exceptions import CRSError as PyprojCRSError

    try:
        full = PCRS.from_wkt(crs.to_wkt())
    except PyprojCRSError:
        return Problem.keyed("stage_note_datum", datum=Term("stage.datum_not_stated_dem"),
                             **offset)
    for sub in full.sub_crs_list if full.is_compound else []:
        if sub.is_vertical:
            return Problem.keyed("stage_note_datum_stated", name=sub.name, **offset)
    return Problem.keyed("stage_note_datum", datum=Term("stage.datum_srtm"), **offset)


def flooding_stage(
    dem_m: np.ndarray,
    seeds: np.ndarray,
    *,
    transform: Affine | None = None,
    crs: CRS | str | None = None,
    nodata: float | None = None,
    slope_cm_per_km: float = 0.0,
    gauge_xy: tuple[float, float] | None = None,
    downstream_azimuth_deg: float | None = None,
    datum_offset_m: float = 0.0,
    max_stage_m: float | None = None,
    fill_voids: bool = True,
) -> np.ndarray:
    """Per cell, the lowest gauge stage (m) at which river water from the seeds reaches it.

    The spill elevation of a priority flood from ``seeds`` over 8 neighbours, expressed as a
    gauge reading and rounded up to whole centimetres (exact for every centimetre stage):
    the smallest, over all paths from a seed, of the highest ``dem − datum_offset_m − slope ×
    d`` on the path (:mod:`geo.stage.fill`).

    Parameters
    ----------
    dem_m
        Heights (m, the DEM's datum); NaN, ``nodata`` and −32768 are voids.
    seeds
        bool, same shape: the river's cells.
    transform, crs
        The grid (only needed for the slope's distances; identity by default).
    slope_cm_per_km, gauge_xy, downstream_azimuth_deg, datum_offset_m, max_stage_m,
    fill_voids
        See :meth:`StageModel.from_arrays`.

    Returns
    -------
    numpy.ndarray
        float32 stages (m); NaN at voids; +inf where the water never comes.
    """
    return StageModel.from_arrays(
        dem_m, seeds, transform=Affine.identity() if transform is None else transform,
        crs=crs, nodata=nodata,
        datum_offset_m=datum_offset_m, slope_cm_per_km=slope_cm_per_km, gauge_xy=gauge_xy,
        downstream_azimuth_deg=downstream_azimuth_deg, max_stage_m=max_stage_m,
        fill_voids=fill_voids).flooding_stage_m


"""Stage curves: the stage at which each centre and community floods, looked up, not recomputed.

Built once from a :class:`~geo.stage.model.StageModel` with the exposure engine's rules
(:mod:`geo.exposure`), :class:`StageCurves` then answers any stage with table lookups — no
raster pass, no Python loop over features:

Centres
    A cell is *wet* at stage ``S`` when river water reaches it and is at least
    ``threshold_m`` deep: ``S ≥ max(flooding stage, relief + threshold)`` (in whole
    centimetres). ``stage_flooded_m`` is that stage at the site's cell; ``stage_isolated_m``
    the lowest stage at which at least ``access_share`` of the access-ring samples (the same
    points :func:`geo.exposure.assess_centres` samples, nodata left out) are wet — a quantile
    of their wet stages; ``stage_at_risk_m`` the lowest stage with a wet cell centre within
    ``at_risk_distance_m``; the distance to the nearest wet cell at any stage comes from a
    per-centre staircase (stage → distance) over the cells within the search radius;
    ``stage_ponding_m`` the stage at which the site's ground is ``threshold_m`` under the
    water level whether or not the river reaches it (below ``stage_flooded_m``: ponding risk).
    Status at ``S``: unknown (no height at the site), flooded, isolated, at risk, dry — the
    exposure engine's order.

Communities
    Each polygon's cells (cell centre inside, as the exposure engine) are kept as a sorted
    staircase of wet stages with their areas, one per depth edge (the threshold and the depth
    classes' edges), plus one ignoring the river (ponding). The flooded area at ``S`` of every
    polygon is one ``searchsorted`` on the concatenated staircases; depth classes, mean and
    largest depth, people exposed and displaced follow as in :mod:`geo.exposure` (population
    attribute × flooded share; a population raster is not supported here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from rasterio.features import rasterize

from geo import settings
from geo.depth import depth_classes
from geo.errors import InputError, Problem
from geo.exposure import empty_points, empty_polygons, metres_per_unit, prepare_polygons
from geo.schema import FLOOD_STATUSES, district_names
from geo.stage.fill import NEVER, ceil_cm
from geo.stage.names import CM_PER_M, stage_cm, stage_name
from geo.zonal import cell_areas_m2, check_overlap

if TYPE_CHECKING:
    from geo.stage.model import StageModel

__all__ = ["StageCurves"]

_SHIFT = 20                      # staircase keys: feature << 20 | level above base (< 65535)
_LEVEL_MASK = (1 << _SHIFT) - 1
_RELIEF_SPAN = 4.0e4             # m: wider than any height range on Earth, for running minima


@dataclass
class _Staircases:
    """Concatenated per-feature staircases: sorted ``keys`` (feature << 20 | level) and
    running totals in ``cum`` (one entry longer than ``keys``: ``cum[p]`` covers the steps
    before position ``p``), or per-step values aligned with ``keys``."""

    keys: np.ndarray
    start: np.ndarray          # first key of each feature (n + 1)
    cum: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(cls, n: int) -> _Staircases:
        return cls(np.zeros(0, np.int64), np.zeros(n + 1, np.int64))

    def upto(self, level: int) -> np.ndarray:
        """Position one past each feature's last key at or below ``level`` (relative cm)."""
        n = self.start.size - 1
        lv = min(max(int(level), -1), _LEVEL_MASK)
        query = (np.arange(n, dtype=np.int64) << _SHIFT) + lv
        return np.searchsorted(self.keys, query, side="right")

    def total(self, name: str, pos: np.ndarray) -> np.ndarray:
        cum = self.cum[name]
        return cum[pos] - cum[self.start[:-1]]


def _staircases(feature: np.ndarray, level: np.ndarray, n: int,
                values: dict[str, np.ndarray], *,
                running_min: np.ndarray | None = None) -> _Staircases:
    """Sum ``values`` per (feature, level) and make running totals per feature.

    ``level`` is in centimetres above the model's base (0 ≤ level < 2**20). With
    ``running_min``, ``cum["min_relief"][p]`` is the feature's lowest such value over its
    steps before position ``p``.
    """
    if feature.size == 0:
        out = _Staircases.empty(n)
        out.cum = {k: np.zeros(1) for k in values}
        if running_min is not None:
            out.cum["min_relief"] = np.full(1, np.nan)
        return out
    # Two stable sorts (radix sorts for 16-bit keys): by level, then by feature.
    small = level.max() < 2**16 and n < 2**16
    order = np.argsort(level.astype(np.uint16) if small else level, kind="stable")
    order = order[np.argsort(feature[order].astype(np.uint16) if small else feature[order],
                             kind="stable")]
    keys = (feature[order].astype(np.int64) << _SHIFT) + level[order].astype(np.int64)
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    cum = {}
    for name, v in values.items():
        summed = np.add.reduceat(np.asarray(v, dtype=np.float64)[order], first)
        cum[name] = np.concatenate([[0.0], np.cumsum(summed)])
    if running_min is not None:
        # Prefix minimum that restarts with each feature: shift each feature's values below
        # all earlier ones (heights stay within ±_RELIEF_SPAN m), accumulate, shift back.
        f_sorted = feature[order].astype(np.float64)
        shifted = np.asarray(running_min, dtype=np.float64)[order] - f_sorted * _RELIEF_SPAN
        prefix = np.minimum.accumulate(shifted) + f_sorted * _RELIEF_SPAN
        last = np.r_[first[1:], keys.size] - 1
        cum["min_relief"] = np.concatenate([[np.nan], prefix[last]])
    uniq = keys[first]
    start = np.searchsorted(uniq, np.arange(n + 1, dtype=np.int64) << _SHIFT, side="left")
    return _Staircases(uniq, start, cum)


@dataclass
class StageCurves:
    """Stage curves of centres and communities, and their exposure at any stage.

    Attributes
    ----------
    centres
        The centres (input CRS and columns) with ``depth_known`` and, in metres (gauge
        stage; +inf: not within the model's stages; NaN: unknown), ``stage_flooded_m``,
        ``stage_isolated_m``, ``stage_at_risk_m``, ``stage_ponding_m``.
    communities
        The communities kept (polygonal, with area) with ``area_m2``, ``observed_area_m2``,
        ``nodata_area_m2``, ``not_covered_area_m2`` and ``stage_first_flooded_m``.
    notes
        The model's notes and what was reprojected or left out (keyed problems, read in the
        user's language with :func:`geo.errors.localise`).
    """

    centres: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    base_cm: int
    top_cm: int | None
    threshold_m: float
    access_share: float
    at_risk_distance_m: float
    depth_edges_m: np.ndarray
    depth_class_columns: tuple[str, ...]
    displacement_rates: np.ndarray
    notes: list[Problem | str]
    _site: dict[str, np.ndarray]
    _ring: np.ndarray
    _ring_need: np.ndarray
    _ring_valid: np.ndarray
    _near: _Staircases
    _areas: dict[float, _Staircases]
    _bathtub: _Staircases
    _observed: np.ndarray

    # -----------------------------------------------------------------------------------------
    # Build
    # -----------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        model: StageModel,
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
        """Stage curves with the exposure engine's options (defaults from ``settings``).

        Parameters
        ----------
        model
            The stage model (its grid's CRS is used for all geometry work).
        centres, communities
            Canonical frames in any CRS; ``None`` or empty gives empty curves.
        threshold_m, ring_radius_m, access_share, at_risk_distance_m, search_radius_m
            As in :func:`geo.exposure.assess_centres`.
        depth_classes_m, displacement_rates
            As in :func:`geo.exposure.assess_communities`.
        """
        thr = settings.FLOOD_THRESHOLD_M if threshold_m is None else float(threshold_m)
        ring_r = settings.ACCESS_RING_RADIUS_M if ring_radius_m is None else float(ring_radius_m)
        share = settings.ACCESS_CUT_SHARE if access_share is None else float(access_share)
        risk = settings.AT_RISK_DISTANCE_M if at_risk_distance_m is None \
            else float(at_risk_distance_m)
        search = settings.FLOOD_SEARCH_RADIUS_M if search_radius_m is None \
            else float(search_radius_m)
        search = max(search, risk)
        classes = depth_classes(thr, classes_m=depth_classes_m, rates=displacement_rates)
        edges = np.asarray(classes.edges_m, dtype=np.float64)
        rates = np.asarray(classes.rates, dtype=np.float64)
        if model.grid.crs is None:
            raise InputError(Problem.keyed("stage_curves_no_crs", source=model.grid.label))
        notes = list(model.notes)
        centres = empty_points() if centres is None else centres
        communities = empty_polygons() if communities is None else communities
        wet = _WetLevels(model)
        cen, site, ring, need, nvalid, near = _centre_curves(
            model, wet, centres, thr=thr, ring_r=ring_r, share=share, risk=risk,
            search=search, notes=notes)
        com, areas, bathtub, observed = _community_curves(model, wet, communities, thr=thr,
                                                          edges=edges, notes=notes)
        return cls(centres=cen, communities=com, base_cm=model.base_cm, top_cm=model.top_cm,
                   threshold_m=thr, access_share=share, at_risk_distance_m=risk,
                   depth_edges_m=edges,
                   depth_class_columns=tuple(classes.column_suffixes()),
                   displacement_rates=rates, notes=notes, _site=site,
                   _ring=ring, _ring_need=need, _ring_valid=nvalid, _near=near, _areas=areas,
                   _bathtub=bathtub, _observed=observed)

    # -----------------------------------------------------------------------------------------
    # Lookups
    # -----------------------------------------------------------------------------------------
    def stage_cm(self, stage_m: float) -> int:
        """A stage (m) in whole centimetres, checked against the range built for
        (:func:`geo.stage.names.stage_cm`)."""
        return stage_cm(stage_m, top_cm=self.top_cm)

    def status_at(self, stage_m: float) -> dict[str, np.ndarray]:
        """The centres' exposure at a stage, as arrays (the fast path, no frames).

        Returns
        -------
        dict
            ``depth_m``, ``depth_known``, ``flooded``, ``dist_to_flood_m``,
            ``ring_flooded_share``, ``access_cut``, ``ponding_risk`` and ``flood_status``
            (the exposure engine's columns and meanings), one value per centre.
        """
        s = self.stage_cm(stage_m)
        site = self._site
        known = site["known"]
        flooded = known & (site["wet_cm"] <= s)
        reached = known & (site["reach_cm"] <= s)
        digits = max(0, round(-math.log10(settings.STAGE_HEIGHT_TOLERANCE_M)))
        depth = np.where(reached, np.maximum(np.round(s / CM_PER_M - site["relief"], digits),
                                             0.0), 0.0)
        depth[~known] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            share = (self._ring <= s).sum(axis=1) / self._ring_valid
        access_cut = self._ring_need <= s
        pos = self._near.upto(s - self.base_cm)
        has = pos > self._near.start[:-1]
        dist = np.full(known.size, np.nan)
        dist[has] = self._near.cum["dist"][pos[has] - 1]     # the last step at or below S
        dist[flooded] = 0.0
        near = np.nan_to_num(dist, nan=np.inf) <= self.at_risk_distance_m
        status = np.select([~known, flooded, access_cut, near],
                           ["unknown", "flooded", "isolated", "at_risk"], default="dry")
        ponding = known & ~flooded & (site["bath_cm"] <= s)
        return dict(depth_m=depth, depth_known=known.copy(), flooded=flooded,
                    dist_to_flood_m=dist, ring_flooded_share=share, access_cut=access_cut,
                    ponding_risk=ponding, flood_status=status)

    def areas_at(self, stage_m: float) -> dict[str, np.ndarray]:
        """The communities' flooded areas at a stage, as arrays (the fast path, no frames).

        Returns
        -------
        dict
            ``flooded_area_m2``, ``flooded_fraction``, ``mean_depth_m``, ``max_depth_m``,
            ``area_m2_<class>`` (flooded cells only), ``ponding_area_m2`` (low ground below
            the threshold the river does not reach) — the exposure engine's meanings.
        """
        s = self.stage_cm(stage_m)
        rel = s - self.base_cm
        stage = s / CM_PER_M
        first = self._areas[self.threshold_m]
        pos = first.upto(rel)
        flooded = first.total("area", pos)
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = np.where(self._observed > 0, flooded / self._observed, np.nan)
            mean_depth = np.where(flooded > 0,
                                  stage - first.total("relief_area", pos) / flooded, np.nan)
        has = pos > first.start[:-1]
        max_depth = np.full(flooded.size, np.nan)
        max_depth[has] = stage - first.cum["min_relief"][pos[has]]
        out = dict(flooded_area_m2=flooded, flooded_fraction=fraction,
                   mean_depth_m=mean_depth, max_depth_m=max_depth)
        bounds = [max(self.threshold_m, float(e)) for e in self.depth_edges_m]
        above = [self._areas[b].total("area", self._areas[b].upto(rel)) for b in bounds]
        for k, name in enumerate(self.depth_class_columns):
            out[f"area_m2_{name}"] = above[k] - (above[k + 1] if k + 1 < len(above) else 0.0)
        bath = self._bathtub.total("area", self._bathtub.upto(rel))
        out["ponding_area_m2"] = np.maximum(bath - flooded, 0.0)
        return out

    def centres_at(self, stage_m: float, *, name: str | None = None) -> gpd.GeoDataFrame:
        """The centres at a stage: :func:`geo.exposure.assess_centres`' columns (and
        ``ponding_risk``), ``scenario`` named :func:`~geo.stage.names.stage_name`."""
        cols = self.status_at(stage_m)
        out = self.centres.copy()
        out["scenario"] = name or stage_name(stage_m)
        for key, value in cols.items():
            out[key] = value
        out["flood_status"] = pd.Series(cols["flood_status"], index=out.index, dtype="str")
        return _geometry_last(out)

    def communities_at(self, stage_m: float, *, name: str | None = None) -> gpd.GeoDataFrame:
        """The communities at a stage: :func:`geo.exposure.assess_communities`' columns
        (population attribute only) and ``ponding_area_m2``."""
        cols = self.people_at(stage_m)
        out = self.communities.copy()
        out["scenario"] = name or stage_name(stage_m)
        for key, value in cols.items():
            out[key] = value
        return _geometry_last(out)

    def people_at(self, stage_m: float) -> dict[str, np.ndarray]:
        """:meth:`areas_at` plus ``pop_exposed`` (population × flooded share) and
        ``displaced_est`` (population × Σ class share × displacement rate), as arrays."""
        cols = self.areas_at(stage_m)
        frame = self.communities
        people = (pd.to_numeric(frame["population"], errors="coerce").to_numpy(float)
                  if "population" in frame.columns else np.full(len(frame), np.nan))
        names = self.depth_class_columns
        with np.errstate(invalid="ignore", divide="ignore"):
            class_share = (np.column_stack([cols[f"area_m2_{n}"] for n in names])
                           / self._observed[:, None]) if len(frame) else \
                np.zeros((0, len(names)))
        class_share[~(self._observed > 0)] = np.nan
        cols["pop_exposed"] = people * cols["flooded_fraction"]
        cols["displaced_est"] = people * (class_share @ self.displacement_rates)
        return cols

    def flooded_by_stage(self, stages_m: Sequence[float], *,
                         by: str = "district") -> pd.DataFrame:
        """Centres and communities by status at each stage, per ``by`` (a column; rows
        without one fall under ``geo.schema.NO_DISTRICT``).

        Returns
        -------
        pandas.DataFrame
            ``stage_m``, ``<by>``, ``centres``, ``centres_<status>`` for every flood status,
            ``centres_ponding_risk``, ``persons_in_flooded_centres``, ``communities``,
            ``communities_flooded`` (some flooded area), ``flooded_area_m2``,
            ``pop_exposed``, ``displaced_est``, ``ponding_area_m2``.
        """
        cgroup = _groups(self.centres, by)
        mgroup = _groups(self.communities, by)
        keys = sorted(set(cgroup) | set(mgroup))
        persons = (pd.to_numeric(self.centres["persons"], errors="coerce").fillna(0).to_numpy()
                   if "persons" in self.centres.columns else np.zeros(len(self.centres)))
        cidx = pd.Categorical(cgroup, categories=keys).codes
        midx = pd.Categorical(mgroup, categories=keys).codes
        k = len(keys)

        def count(mask, idx=cidx, weights=None):
            return np.bincount(idx[mask], weights=None if weights is None else weights[mask],
                               minlength=k)

        rows = []
        for stage in stages_m:
            st = self.status_at(stage)
            comm = self.people_at(stage) if len(self.communities) else None
            frame = {"stage_m": round(float(stage), 2), by: keys,
                     "centres": count(np.ones(cidx.size, bool))}
            for status in FLOOD_STATUSES:
                frame[f"centres_{status}"] = count(st["flood_status"] == status)
            frame["centres_ponding_risk"] = count(st["ponding_risk"])
            frame["persons_in_flooded_centres"] = count(st["flooded"], weights=persons)
            if comm is None:
                zero = np.zeros(k)
                frame.update(communities=zero.astype(int), communities_flooded=zero.astype(int),
                             flooded_area_m2=zero, pop_exposed=zero, displaced_est=zero,
                             ponding_area_m2=zero)
            else:
                allm = np.ones(midx.size, bool)
                frame["communities"] = count(allm, midx)
                frame["communities_flooded"] = count(comm["flooded_area_m2"] > 0, midx)
                for col in ("flooded_area_m2", "pop_exposed", "displaced_est",
                            "ponding_area_m2"):
                    frame[col] = count(allm, midx, np.nan_to_num(comm[col]))
            rows.append(pd.DataFrame(frame))
        cols = ["stage_m", by, "centres", *[f"centres_{s}" for s in FLOOD_STATUSES],
                "centres_ponding_risk", "persons_in_flooded_centres", "communities",
                "communities_flooded", "flooded_area_m2", "pop_exposed", "displaced_est",
                "ponding_area_m2"]
        if not rows:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        out = pd.concat(rows, ignore_index=True)[cols]
        for c in cols[2:]:
            if c.startswith(("centres", "communities")):
                out[c] = out[c].astype("int64")
        return out.astype({by: "str"})


# ---------------------------------------------------------------------------------------------
# Wet levels of cells
# ---------------------------------------------------------------------------------------------
class _WetLevels:
    """Wet stages (absolute cm, float64) of cells at a depth, from the model's arrays."""

    def __init__(self, model: StageModel):
        self.model = model
        self.base = model.base_cm

    def reach_cm(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        lv = self.model.levels[rows, cols]
        out = lv.astype(np.float64) + self.base
        out[lv == NEVER] = np.inf
        out[np.isnan(self.model.relief[rows, cols])] = np.nan
        return out

    def wet_window(self, rows: slice, cols: slice, depth_m: float) -> np.ndarray:
        """As :meth:`wet_cm` over a rectangle of the grid (views, no fancy indexing)."""
        relief = self.model.relief[rows, cols].astype(np.float64)
        lv = self.model.levels[rows, cols]
        bad = np.isnan(relief)
        out = ceil_cm(np.where(bad, 0.0, relief) + depth_m).astype(np.float64)
        np.maximum(out, lv.astype(np.float64) + self.base, out=out)
        out[lv == NEVER] = np.inf
        out[bad] = np.nan
        return out

    def wet_cm(self, rows: np.ndarray, cols: np.ndarray, depth_m: float,
               *, river: bool = True) -> np.ndarray:
        """Lowest stage (cm) at which the cells are under ≥ ``depth_m`` of (river) water."""
        relief = self.model.relief[rows, cols].astype(np.float64)
        bad = np.isnan(relief)
        ground = ceil_cm(np.where(bad, 0.0, relief) + depth_m).astype(np.float64)
        out = np.maximum(ground, self.reach_cm(rows, cols)) if river else ground
        out[bad] = np.nan
        return out


# ---------------------------------------------------------------------------------------------
# Centres
# ---------------------------------------------------------------------------------------------
def _centre_curves(model, wet, centres, *, thr, ring_r, share, risk, search, notes):
    grid = model.grid
    h, w = model.shape
    n = len(centres)
    if n and centres.crs is None:
        raise InputError(Problem.keyed("stage_centres_no_crs"))
    geoms = centres.geometry
    if n and centres.crs != grid.crs:
        geoms = geoms.to_crs(grid.crs)
        notes.append(Problem.keyed("stage_note_centres_reprojected",
                                   crs=centres.crs.to_string(), dem_crs=grid.crs.to_string()))
    g = geoms.to_numpy()
    empty = shapely.is_empty(g) | shapely.is_missing(g) if n else np.zeros(0, bool)
    pts = np.where(empty, shapely.Point(0, 0), g) if n else g
    if n:
        not_point = shapely.get_type_id(pts) != 0
        pts[not_point] = shapely.point_on_surface(pts[not_point])
    x = np.where(empty, np.nan, shapely.get_x(pts) if n else 0.0).astype(float)
    y = np.where(empty, np.nan, shapely.get_y(pts) if n else 0.0).astype(float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.any():
        check_overlap((x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max()), grid,
                      what="centres")
    t = grid.transform
    colf, rowf = ~t * (np.where(ok, x, 0.0), np.where(ok, y, 0.0))
    colf, rowf = np.asarray(colf, float), np.asarray(rowf, float)
    r_site = np.floor(rowf).astype(np.int64)
    c_site = np.floor(colf).astype(np.int64)
    inside = ok & (r_site >= 0) & (r_site < h) & (c_site >= 0) & (c_site < w)
    rs, cs = np.clip(r_site, 0, h - 1), np.clip(c_site, 0, w - 1)
    relief = np.where(inside, model.relief[rs, cs], np.nan).astype(float)
    known = inside & ~np.isnan(relief)
    site = {
        "known": known,
        "relief": relief,
        "reach_cm": np.where(known, wet.reach_cm(rs, cs), np.nan),
        "wet_cm": np.where(known, wet.wet_cm(rs, cs, thr), np.nan),
        "bath_cm": np.where(known, wet.wet_cm(rs, cs, thr, river=False), np.nan),
    }
    # Access ring: the exposure engine's sample points (same count, angles and cells).
    mx, my = metres_per_unit(grid, np.where(ok, y, 0.0))
    cell_x = np.hypot(t.a, t.d) * mx
    cell_y = np.hypot(t.b, t.e) * my
    n_ring = max(16, math.ceil(2 * math.pi * ring_r / float(np.min(
        np.minimum(cell_x, cell_y)[ok])))) if ok.any() else 16
    angles = np.linspace(0.0, 2 * math.pi, n_ring, endpoint=False)
    pr = np.floor(rowf[:, None] - np.sin(angles)[None, :] * ring_r / cell_y[:, None]
                  ).astype(np.int64)
    pc = np.floor(colf[:, None] + np.cos(angles)[None, :] * ring_r / cell_x[:, None]
                  ).astype(np.int64)
    on = ok[:, None] & (pr >= 0) & (pr < h) & (pc >= 0) & (pc < w)
    ring = np.full(pr.shape, np.nan)
    ring[on] = wet.wet_cm(pr[on], pc[on], thr)
    nvalid = (~np.isnan(ring)).sum(axis=1).astype(float)
    need = _ring_cut(ring, nvalid, share)
    ring = np.where(np.isnan(ring), np.inf, ring)       # invalid samples never count as wet
    nvalid[nvalid == 0] = np.nan
    # Nearest wet cell: a staircase (stage → distance) per centre.
    feats, levels, dists = [], [], []
    for i in np.flatnonzero(ok):
        kr = math.ceil(search / cell_y[i]) + 1
        kc = math.ceil(search / cell_x[i]) + 1
        r0, r1 = max(0, r_site[i] - kr), min(h, r_site[i] + kr + 1)
        c0, c1 = max(0, c_site[i] - kc), min(w, c_site[i] + kc + 1)
        if r0 >= r1 or c0 >= c1:
            continue
        dy = (np.arange(r0, r1) + 0.5 - rowf[i]) * cell_y[i]
        dx = (np.arange(c0, c1) + 0.5 - colf[i]) * cell_x[i]
        d = np.hypot(dx[None, :], dy[:, None])
        lv = wet.wet_window(slice(r0, r1), slice(c0, c1), thr)
        keep = (d <= search) & np.isfinite(lv)
        lv, d = lv[keep], d[keep]
        if lv.size == 0:
            continue
        # By stage, the nearest wet cell so far: its distance only ever shrinks; keep the
        # steps where it does (within a stage the last step holds the stage's minimum).
        rel = (lv - model.base_cm).astype(np.int64)
        order = np.argsort(rel.astype(np.uint16) if rel.max() < 2**16 else rel, kind="stable")
        rel, best = rel[order], np.minimum.accumulate(d[order])
        step = np.r_[True, best[1:] < best[:-1]]
        feats.append(np.full(int(step.sum()), i))
        levels.append(rel[step])
        dists.append(best[step])
    if feats:
        f, lv, d = np.concatenate(feats), np.concatenate(levels), np.concatenate(dists)
        near = _Staircases((f.astype(np.int64) << _SHIFT) + lv.astype(np.int64),
                           np.searchsorted(f, np.arange(n + 1), side="left"),
                           {"dist": d})
        risk_cm = _first_below(near, d, risk, n) + model.base_cm
    else:
        near = _Staircases.empty(n)
        near.cum = {"dist": np.zeros(0)}
        risk_cm = np.full(n, np.inf)
    out = centres.copy()
    out["depth_known"] = known
    out["stage_flooded_m"] = site["wet_cm"] / CM_PER_M
    out["stage_isolated_m"] = np.where(ok, need / CM_PER_M, np.nan)
    out["stage_at_risk_m"] = np.where(ok, np.minimum(risk_cm, np.where(
        known, site["wet_cm"], np.inf)) / CM_PER_M, np.nan)
    out["stage_ponding_m"] = site["bath_cm"] / CM_PER_M
    return _geometry_last(out), site, ring, need, nvalid, near


def _ring_cut(ring_cm: np.ndarray, nvalid: np.ndarray, share: float) -> np.ndarray:
    """Lowest stage (cm) at which the wet share of valid ring samples reaches ``share``.

    The share is ``wet / valid`` ≥ ``share`` as the exposure engine tests it in floating
    point; the stage is the k-th smallest wet stage, k the least count that passes.
    """
    n, m = ring_cm.shape
    out = np.full(n, np.inf)
    if n == 0:
        return out
    counts = np.arange(m + 1, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        passes = (counts[None, :] / nvalid[:, None]) >= share       # (n, m + 1)
    passes &= counts[None, :] <= nvalid[:, None]
    k = np.where(passes.any(axis=1), passes.argmax(axis=1), -1)
    srt = np.sort(np.where(np.isnan(ring_cm), np.inf, ring_cm), axis=1)
    ok = (k >= 1) & (nvalid > 0)
    out[ok] = srt[np.flatnonzero(ok), k[ok] - 1]
    out[(k == 0) & (nvalid > 0)] = -np.inf       # a share of 0 is cut at any stage
    return out


def _first_below(near: _Staircases, dist: np.ndarray, limit: float, n: int) -> np.ndarray:
    """Per feature, the first staircase level whose distance is ≤ ``limit`` (inf if none)."""
    out = np.full(n, np.inf)
    hit = dist <= limit
    if not hit.any():
        return out
    feat = near.keys[hit] >> _SHIFT
    lv = (near.keys[hit] & _LEVEL_MASK).astype(float)
    first = np.unique(feat, return_index=True)[1]
    out[feat[first]] = lv[first]
    return out


# ---------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------
def _community_curves(model, wet, communities, *, thr, edges, notes):
    grid = model.grid
    h, w = model.shape
    if len(communities) == 0:
        prep_frame = communities.iloc[0:0].copy()
        geoms, area, not_covered = np.zeros(0, object), np.zeros(0), np.zeros(0)
    else:
        prep = prepare_polygons(communities, grid, notes=notes)
        prep_frame, geoms, area, not_covered = (prep.frame, prep.geoms, prep.area_m2,
                                                prep.not_covered_m2)
    n = len(geoms)
    row_area = cell_areas_m2(grid)
    bounds = sorted({thr, *(max(thr, float(e)) for e in edges)})
    feats, flats = [], []
    inv = ~grid.transform
    env = rasterio.Env()        # one GDAL environment for all the polygons (not one each)
    env.__enter__()
    for i, geom in enumerate(geoms):
        minx, miny, maxx, maxy = geom.bounds
        corners = [inv * (xx, yy) for xx in (minx, maxx) for yy in (miny, maxy)]
        cs_, rs_ = zip(*corners, strict=True)
        c0, c1 = max(0, math.floor(min(cs_))), min(w, math.ceil(max(cs_)))
        r0, r1 = max(0, math.floor(min(rs_))), min(h, math.ceil(max(rs_)))
        if r0 >= r1 or c0 >= c1:
            continue
        mask = rasterize([(geom, 1)], out_shape=(r1 - r0, c1 - c0),
                         transform=grid.transform * Affine.translation(c0, r0), fill=0,
                         dtype="uint8")
        rr, cc = np.nonzero(mask)
        feats.append(np.full(rr.size, i, dtype=np.int32))
        flats.append((rr + r0).astype(np.int64) * w + (cc + c0))
    env.__exit__(None, None, None)
    f = np.concatenate(feats) if feats else np.zeros(0, np.int32)
    flat = np.concatenate(flats) if flats else np.zeros(0, np.int64)
    del feats, flats
    cell_area = (np.full(flat.size, float(row_area)) if np.isscalar(row_area)
                 else np.asarray(row_area)[flat // w])
    relief = model.relief.reshape(-1)[flat].astype(np.float64)
    reach = model.levels.reshape(-1)[flat]
    valid = ~np.isnan(relief)
    observed = np.bincount(f[valid], weights=cell_area[valid], minlength=n)
    nodata = np.bincount(f[~valid], weights=cell_area[~valid], minlength=n)
    f, relief, reach, cell_area = f[valid], relief[valid], reach[valid], cell_area[valid]
    reached = reach != NEVER
    areas: dict[float, _Staircases] = {}
    first_flooded = np.full(n, np.inf)
    for b in bounds:
        ground = ceil_cm(relief + b) - model.base_cm
        keep = reached & (ground <= _LEVEL_MASK)
        if model.top_cm is not None:
            keep &= ground <= model.top_cm - model.base_cm
        rel = np.maximum(ground[keep], reach[keep])
        values = {"area": cell_area[keep]}
        if b == thr:
            values["relief_area"] = relief[keep] * cell_area[keep]
        st = _staircases(f[keep], rel, n, values,
                         running_min=relief[keep] if b == thr else None)
        if b == thr:
            has = st.start[1:] > st.start[:-1]
            first_flooded[has] = (st.keys[st.start[:-1][has]] & _LEVEL_MASK) + model.base_cm
        areas[b] = st
    ground = ceil_cm(relief + thr) - model.base_cm
    keep = (ground >= 0) & (ground <= _LEVEL_MASK)
    bathtub = _staircases(f[keep], ground[keep], n, {"area": cell_area[keep]})
    out = prep_frame.copy()
    out["area_m2"] = area
    out["observed_area_m2"] = observed
    out["nodata_area_m2"] = nodata
    out["not_covered_area_m2"] = not_covered
    out["stage_first_flooded_m"] = first_flooded / CM_PER_M
    return _geometry_last(out), areas, bathtub, observed


# ---------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------
def _geometry_last(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geom = frame.geometry.name
    return frame[[c for c in frame.columns if c != geom] + [geom]]


def _groups(frame: pd.DataFrame, by: str) -> list[str]:
    return district_names(frame, by).tolist()

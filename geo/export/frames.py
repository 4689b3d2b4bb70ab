"""The layers an export writes, checked and made writable (the analysis assembles them:
:meth:`geo.analysis.PlanningRun.layers`).

:func:`prepare_layers` turns any mapping of layers into what every writer takes: EPSG:4326,
one scenario when asked, columns every driver can write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.errors import CRSError, InputError, Problem

__all__ = [
    "COORDINATE_DECIMALS",
    "MAIN_LAYERS",
    "pick_layer",
    "prepare_layers",
]

#: Decimals of longitude/latitude written (GeoJSON, CSV, KML): 7 ≈ 1 cm at the equator
#: (RFC 7946 §11.2 advises about 6).
COORDINATE_DECIMALS: int = 7

#: The layer a one-layer format writes by default, in order of preference.
MAIN_LAYERS: tuple[str, ...] = ("centres_exposure", "centres_capacity", "communities_exposure")


def prepare_layers(
    layers: Mapping[str, gpd.GeoDataFrame | None], *, scenario: str | None, need_layers: bool,
) -> dict[str, gpd.GeoDataFrame]:
    """Layers in EPSG:4326 with writable column types, filtered to ``scenario``.

    Raises
    ------
    InputError
        A layer that is not a GeoDataFrame, no layer when ``need_layers``, or a ``scenario``
        that no layer has (the known ones are named).
    CRSError
        A layer without a coordinate reference system.
    """
    problems = []
    frames: dict[str, gpd.GeoDataFrame] = {}
    for name, frame in layers.items():
        if frame is None:
            continue
        if not isinstance(frame, gpd.GeoDataFrame):
            problems.append(Problem.keyed("export_not_a_frame", source=str(name)))
            continue
        if frame.crs is None:
            raise CRSError(Problem.keyed("layer_no_crs", source=str(name)))
        frames[str(name)] = _writable(frame.to_crs(settings.DISPLAY_CRS))
    if problems:
        raise InputError(problems)
    if need_layers and not frames:
        raise InputError(Problem.keyed("export_no_layers"))
    if scenario is not None:
        with_column = {n: f for n, f in frames.items() if "scenario" in f.columns}
        known = sorted({str(s) for f in with_column.values() for s in f["scenario"].dropna()})
        if with_column and scenario not in known:
            raise InputError(Problem.keyed("export_scenario_unknown", scenario=str(scenario),
                                           choices=", ".join(known)))
        for name, frame in with_column.items():
            frames[name] = frame[frame["scenario"] == scenario].reset_index(drop=True)
    return frames


def pick_layer(frames: Mapping[str, gpd.GeoDataFrame], layer: str | None) -> str:
    """``layer`` when given (it must exist), else the main layer present, else the first."""
    if layer is not None:
        if layer not in frames:
            raise InputError(Problem.keyed("export_layer_unknown", layer=str(layer),
                                           choices=", ".join(frames)))
        return layer
    for name in MAIN_LAYERS:
        if name in frames:
            return name
    return next(iter(frames))


def _writable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy whose columns every driver can write: text for objects, categories and lists."""
    frame = frame.copy()
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            frame[column] = series.astype("string")
        elif series.dtype == object:
            present = series.dropna()
            if not present.map(lambda v: isinstance(v, str)).all():
                frame[column] = series.map(
                    lambda v: v if v is None or isinstance(v, str)
                    else json.dumps(v, ensure_ascii=False, default=str)
                    if isinstance(v, list | tuple | dict) else str(v))
    return frame

"""River-stage scenarios and stage curves.

In a rising flood the number planners have every morning is the river stage at the gauge
(Enapu-Perú at Iquitos). This package turns a DEM and the river's cells into the *flooding
stage* of every cell — the lowest gauge stage at which river water reaches it, from one
priority flood over the DEM — and from it, without another pass over the DEM:

- the depth of river water at any stage (only where the water can reach the river; closed
  depressions and land behind levees below the stage are *ponding risk*, never river flood),
  and a ``depth`` :class:`~geo.flood.FloodScenario` named "117.8 m" for the exposure engine;
- stage curves: the stage at which each collective centre floods, is cut off or at risk, and
  each community's flooded area at any stage, by table lookup;
- a forecast of dates and stages turned into a timeline of centres going under.

Public API::

    from geo.stage import StageModel, forecast_timeline, readings_from_table
    model = StageModel.from_raster(dem, rivers=rivers, gauge=(lon, lat), datum_offset_m=0.0)
    curves = model.curves(centres, communities)
    curves.status_at(117.8)            # arrays, ~1 ms
    curves.flooded_by_stage([116.0, 117.0, 118.6])
    scenario = model.scenario(117.8)   # FloodScenario "117.8 m" (depth GeoTIFF)

Modules: :mod:`~geo.stage.fill` (the flood), :mod:`~geo.stage.seeds` (river cells),
:mod:`~geo.stage.model` (:class:`StageModel`), :mod:`~geo.stage.curves`
(:class:`StageCurves`), :mod:`~geo.stage.forecast`.
"""

from geo.stage.curves import StageCurves
from geo.stage.fill import DemCheck
from geo.stage.forecast import ForecastTimeline, forecast_timeline, readings_from_table
from geo.stage.model import StageModel, flooding_stage
from geo.stage.names import parse_stages, stage_name

__all__ = [
    "DemCheck",
    "ForecastTimeline",
    "StageCurves",
    "StageModel",
    "flooding_stage",
    "forecast_timeline",
    "parse_stages",
    "readings_from_table",
    "stage_name",
]

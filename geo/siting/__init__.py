"""Siting new collective centres: where it is safe to build, and which k places serve most.

One module per concern:

:mod:`geo.siting.suitability`
    :func:`suitability` — cells that stay dry in the worst scenario with a safety margin,
    outside river channels and within the service distance of displaced people;
    :func:`candidate_sites` — candidate points on them.
:mod:`geo.siting.evaluate`
    :func:`evaluate_area` — the report on a polygon the planner draws or gives: area, Sphere
    capacity, flood status in every scenario, displaced within reach, nearest centres.
:mod:`geo.siting.optimise`
    :class:`SiteOptimiser` — choose ``k`` new sites with spopt's maximal covering or p-median
    model solved by CBC, existing centres fixed open (``from_cost_matrix`` on arrays,
    ``from_geodataframe`` on layers, ``solve()``), each site taking at most what its area holds
    (Sphere); :func:`plan_sites` — the whole chain, as the CLI and the app run it;
    :func:`site_reason` — why a site was chosen, in Spanish or English.

The service distance is ``service_distance_m`` everywhere (metres). Work is in metres in a
projected CRS (the scenario raster's when given, else :data:`settings.WORK_CRS`); frames come
back in EPSG:4326 with plain dtypes.
"""

from geo.siting.evaluate import evaluate_area
from geo.siting.optimise import (
    COVERAGE_COLUMNS,
    NEW_SITE_COLUMNS,
    SiteOptimiser,
    SitingResult,
    plan_sites,
    site_reason,
)
from geo.siting.suitability import Suitability, candidate_sites, suitability

__all__ = [
    "COVERAGE_COLUMNS",
    "NEW_SITE_COLUMNS",
    "SiteOptimiser",
    "SitingResult",
    "Suitability",
    "candidate_sites",
    "evaluate_area",
    "plan_sites",
    "site_reason",
    "suitability",
]

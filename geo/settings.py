"""Defaults Crecida uses when the caller does not say otherwise, each with its source.

Functions read these at call time (``settings.FLOOD_THRESHOLD_M``), so a script can change a
default for a whole session by assigning to the module attribute. Units are in the names.
"""

from __future__ import annotations

# --- Coordinate systems ------------------------------------------------------------------
DISPLAY_CRS: str = "EPSG:4326"
"""CRS of every canonical vector frame and of everything shown on a map (WGS84 lon/lat)."""

WORK_CRS: str = "EPSG:32718"
"""Projected CRS for metric work when no raster sets one: UTM zone 18S covers Iquitos."""

STUDY_AREA_BOUNDS_LONLAT: tuple[float, float, float, float] = (-77.9, -8.8, -69.9, 0.1)
"""Default study area (min lon, min lat, max lon, max lat): the Loreto region with a margin.

Used to detect swapped latitude/longitude and to flag points far outside the work area."""

# --- People and shelter (Sphere Handbook 2018 and camp-planning guidance) ----------------
PERSONS_PER_FAMILY: float = 4.7
"""Census-style family size for Loreto (4.5–5); only used where a file gives one of
families/persons and not the other, and always reported when used."""

COVERED_AREA_M2_PER_PERSON: float = 3.5
"""Sphere shelter standard 3: at least 3.5 m² covered living space per person."""

SITE_AREA_M2_PER_PERSON: float = 45.0
"""Camp planning guidance: about 45 m² of site per person including services."""

SITE_AREA_M2_PER_PERSON_NO_SERVICES: float = 30.0
"""About 30 m² per person where communal services are outside the site."""

# --- Flood exposure ----------------------------------------------------------------------
FLOOD_THRESHOLD_M: float = 0.1
"""A site or cell counts as flooded at or above this water depth (metres)."""

ACCESS_RING_RADIUS_M: float = 250.0
"""Radius of the ring around a centre on which access is tested (metres)."""

ACCESS_CUT_SHARE: float = 0.5
"""A dry centre is isolated when at least this share of its access ring is flooded."""

AT_RISK_DISTANCE_M: float = 200.0
"""A dry centre this close to flooded cells is at risk (metres)."""

DEPTH_CLASSES_M: tuple[float, ...] = (0.1, 0.5, 1.5)
"""Edges of depth classes: 0.1–0.5 m, 0.5–1.5 m, above 1.5 m."""

DISPLACEMENT_RATE_BY_CLASS: tuple[float, ...] = (0.1, 0.5, 1.0)
"""Share of exposed people displaced in each depth class, after InaSAFE's flood model
(low / medium / high hazard). Planning assumptions, not observations: change them to the
local rapid-assessment figures when known."""

EXTENT_DISPLACEMENT_RATE: float = 0.5
"""Share displaced where only a 0/1 flood extent (no depth) is known: the middle class."""

VECTOR_FLOOD_CELL_SIZE_M: float = 10.0
"""Cell size used to rasterise a vector flood extent when no DEM sets the grid (metres)."""

MAX_VECTOR_FLOOD_CELLS: int = 100_000_000
"""Most cells a rasterised vector flood extent (or an observed-area mask) may have: 100 Mpx
of one byte. Larger areas are rasterised with coarser cells, and said so (Crecida choice)."""

FLOOD_SEARCH_RADIUS_M: float = 1000.0
"""How far around a centre the nearest flooded cell is searched (metres); beyond it
``dist_to_flood_m`` is NaN ("none within the radius"). Crecida choice: 5 × the default
at-risk distance, so the search window stays small (about 67 × 67 cells at 30 m)."""

ZONAL_WINDOW_COLS: int = 2048
"""Columns per window when streaming a raster for zonal statistics (with ``WINDOW_ROWS``
rows): bounds memory on wide rasters (1024 × 2048 float32 = 8 MiB). Crecida choice, measured
in ``benchmarks/bench_exposure.py``: 4096 cost 60 MB more peak RSS and was no faster."""

LABEL_CACHE_BYTES: int = 32 * 2**20
"""Largest size of the rasterised polygon labels kept between exposure runs on the same
grid (bytes): grids whose fully covered labels (16 bytes a cell) would not fit are rasterised
again on each run (scenarios of one run still share one rasterisation). Crecida choice."""

# --- Needs of the displaced (per person unless said) -------------------------------------
NEEDS_PROFILE: dict[str, dict[str, object]] = {
    "water_l_per_day": {
        "per_person": 15.0,
        "unit": "l/day",
        "source": "Sphere WASH: at least 15 l per person per day",
    },
    "covered_space_m2": {
        "per_person": 3.5,
        "unit": "m²",
        "source": "Sphere shelter standard 3: 3.5 m² covered space per person",
    },
    "latrines": {
        "per_person": 1 / 20,
        "unit": "latrines",
        "source": "Sphere excreta standard: 1 toilet per 20 people (1 per 50 at first)",
    },
    "showers": {
        "per_person": 1 / 20,
        "unit": "showers",
        "source": "IOM reading of Sphere: 1 shower per 20 people",
    },
    "hygiene_kits": {
        "per_family": 1.0,
        "unit": "kits",
        "source": "One hygiene kit per family (IOM NFI practice, Loreto 2012)",
    },
    "kitchen_kits": {
        "per_family": 1.0,
        "unit": "kits",
        "source": "One kitchen kit per family (IOM NFI practice, Loreto 2012)",
    },
}
"""Default needs profile; the ``per_family`` items use :data:`PERSONS_PER_FAMILY`."""

# --- Catchment and siting ----------------------------------------------------------------
SERVICE_DISTANCE_M: float = 5000.0
"""Largest distance from the displaced to a centre that serves them (metres)."""

RESPECT_CAPACITY: bool = True
"""Catchments send what a full centre cannot take to the next nearest centre with room (a
planner's view: places, not only distance); ``False`` assigns everyone to the nearest."""

WALK_SPEED_KMH: float = 4.0
"""Walking speed on dry ground."""

WADE_SPEED_KMH: float | None = 1.0
"""Speed through shallow flooded cells; ``None`` makes flooded cells impassable on foot."""

WADE_MAX_DEPTH_M: float = 0.5
"""Deeper than this a flooded cell cannot be waded."""

BOAT_SPEED_KMH: float | None = 8.0
"""Boat travel along river channels (peque-peque); ``None`` disables boat travel."""

SITING_STAGE_MARGIN_M: float = 0.5
"""A new site must stay dry at the worst river stage plus this margin (metres)."""

SITING_WATER_BUFFER_M: float = 100.0
"""…or, where no DEM lets us raise the stage, at least this far from the water's edge."""

SOLVER_TIME_LIMIT_S: float = 60.0
"""Time limit for the CBC solver behind siting."""

NEW_SITE_AREA_M2: float = 50_000.0
"""Area of each new site the optimiser proposes (5 ha), unless the planner says otherwise: at
Sphere's 45 m² per person (``SITE_AREA_M2_PER_PERSON``) a site takes 1,111 persons, about one
"block" of UNHCR's camp planning modules (≈ 1,250 persons). Planning assumption, not a
standard: set it to the plots actually available. A generated candidate never gets more than
the suitable zone it lies in, and sites in one zone share it."""

# --- Reading rasters ---------------------------------------------------------------------
GDAL_CACHEMAX_BYTES: int = 64 * 2**20
"""GDAL block cache. rasterio reads GDAL_CACHEMAX in bytes: 64 MiB, not 64."""

READ_THREADS: int = 2
"""Threads for decoding compressed raster blocks (GDAL_NUM_THREADS)."""

WINDOW_ROWS: int = 1024
"""Rows per window when streaming a raster (memory grows with width × this)."""

# --- Uploads -----------------------------------------------------------------------------
MAX_UPLOAD_BYTES: int = 200 * 2**20
"""Largest upload the app accepts."""

MAX_UNZIPPED_BYTES: int = 1 * 2**30
"""Largest total size a zip upload may unpack to."""

MAX_ZIP_MEMBERS: int = 10_000
"""Most files a zip (or KMZ, or XLSX) may hold. A File Geodatabase holds a few hundred."""

MAX_ZIP_RATIO: float = 200.0
"""Largest unpacked ÷ packed size of a member over 1 MiB: zip bombs reach 1,000 and more,
text and attribute tables rarely pass 50 (Crecida choice)."""

MAX_KML_BYTES: int = 100 * 2**20
"""Largest KML document (plain or inside a KMZ): GDAL holds a KML whole in memory, about four
times its size (a 512 MiB KML took 2.3 GB)."""

# --- Plausibility of what files hold (added with issue 10) -------------------------------
MAX_PLAUSIBLE_DEPTH_M: float = 30.0
"""Deepest flood water Crecida accepts as metres. The Amazon at Iquitos rises about 10 m
between low and record water; more than this in a depth raster is read as centimetres (an
integer raster) or refused as implausible (Crecida choice)."""

WATER_LEVEL_MIN_M: float = 50.0
"""Values whose median is above this (and that vary less than ``WATER_LEVEL_MAX_SPREAD_M``)
are read as a water level in m a.s.l. (the Amazon at Iquitos stands at 110–119 m)."""

WATER_LEVEL_MAX_SPREAD_M: float = 30.0
"""Largest spread (2nd to 98th percentile) of a water-surface raster across a study area."""

MAX_CELL_NUMBER: float = 1e9
"""Largest number accepted in a count or area cell of a table; larger is refused as absurd
(Peru has 3.4e7 people)."""

DERIVED_CELL_MAX_RADIUS_M: float = 5000.0
"""A community boundary derived from a point (Voronoi cell) reaches at most this far from
its point, so a village next to empty forest does not get thousands of km² (Crecida choice:
the service distance)."""

# --- Catchment and siting: working limits (added with issue 4) ---------------------------
RIVER_CHANNEL_BUFFER_M: float = 50.0
"""Half-width of the river channel drawn around river lines: boats travel there, and no new
site may be placed there. Planning assumption (the Nanay and Itaya channels near Iquitos are
roughly 100 m wide at high water); widen it for the Amazon."""

TRAVEL_MAX_CELLS: int = 1_000_000
"""Largest travel or suitability grid; larger windows are coarsened by a whole factor. Keeps
a cost-distance run to a few seconds and ~200 MB on a 2-core machine (measured, issue 4)."""

SITING_MAX_CANDIDATES: int = 500
"""Most candidate sites generated on suitable cells (a regular grid, thinned to fit); keeps
the CBC model small enough to solve within the time limit."""

SITING_MAX_MEDIAN_PAIRS: int = 250_000
"""Largest demand × facility count for the p-median model (one binary variable per pair)."""

BOAT_ON_FLOODWATER: bool = True
"""Boats also cross floodwater connected to a river channel (in Loreto people move by canoe
and peque-peque over flooded streets, as in Belén); ``False`` keeps boats to the channels
themselves, which cuts off most flooded riverside communities at the 2012 stage."""

# --- Offline maps (field mode) -------------------------------------------------------------
ONLINE_TILES: bool = False
"""Whether maps may request web tiles (OpenStreetMap). Off by default: planners in the field
work without internet and no request leaves the machine unless they switch this on. The
environment variable ``CRECIDA_OFFLINE`` overrides it (``CRECIDA_OFFLINE=0`` allows tiles;
read by ``layers.basemap.online_tiles_enabled`` at call time)."""

# --- River-stage scenarios and stage curves (added with issue 14) -------------------------
STAGE_STEP_M: float = 0.01
"""Resolution of river stages and flooding stages (metres): one centimetre. Gauge readings at
Enapu-Perú are published to the centimetre (the 2012 record is reported as 118.59–118.62 m);
stages are rounded to it and flooding stages are computed in whole centimetres, exactly."""

STAGE_HEIGHT_TOLERANCE_M: float = 1e-4
"""A DEM height within this much (m) above a whole centimetre counts as that centimetre, so
decimal heights stored as float32 (116.3 → 116.30000305) are not pushed up a centimetre.
Crecida choice: 0.1 mm, above float32's rounding of heights below 800 m."""

SRTM_VOID_VALUE: int = -32768
"""SRTM's void value (USGS SRTM documentation: voids are flagged −32768): always a void,
whatever nodata value the file declares."""

DEM_FILL_VOIDS: bool = True
"""Let river water cross DEM voids enclosed by valid cells, at the lowest valid height on
their rim (SRTM voids sit mostly over water surfaces). Voids touching the DEM's edge always
block water. Crecida choice; the report counts both."""

GAUGE_SNAP_RADIUS_M: float = 150.0
"""A gauge point seeds the flood at the lowest DEM cell within this distance (metres): gauges
stand on the bank, the water is in the channel next to them. Crecida choice."""

DATUM_OFFSET_M: float = 0.0
"""Metres added to a gauge reading to get the water's height in the DEM's vertical datum.
The Enapu-Perú gauge's datum and the DEM's (SRTM: EGM96 geoid) are not known to match; 0 is
an assumption every stage report states, not a fact: set the offset when it is known."""

SLOPE_CM_PER_KM: float = 0.0
"""Water-surface slope along the river away from the gauge (cm per km); 0 is a flat water
surface, fair over a few km; for long reaches set it from water levels surveyed at two
points along the river (no default slope is sourced for the Amazon at Iquitos)."""

STAGE_RANGE_M: tuple[float, float] = (114.0, 120.0)
"""Gauge stages offered by default (m, Enapu-Perú): from below the normal stage (about
114.8 m) to 1.4 m above the 2012 record (about 118.6 m; press figures in DOMAIN.md). A stage
model built up to the top of this range (``max_stage_m``) skips the higher ground."""
# --- Flood season (issue 15) -------------------------------------------------------------
SEASON_WET_SHARE: float = 0.5
"""A community counts as flooded on a day when at least this share of its *observed* area is
flooded (cells with no data and the part outside the extent are unobserved, never dry).
Crecida choice from the issue: half the observed area; change it with ``--wet-share``."""

SEASON_TILE_CELLS: int = 16_384
"""A season's extent wider or taller than this many cells is split in tiles of communities
(one task per tile) so that one worker never walks a whole regional mosaic alone. At 20 m a
tile is 328 km: Loreto's GFM tiles (300 km at 20 m, 15,000 cells) stay one task each."""

SEASON_BATCH_EXTENTS: int = 8
"""Most extents of one grid in one season task: they share one listing of the communities'
cells (rasterised once per task, not once per day). Smaller batches spread a short season
over more workers; the season aims at about four tasks per worker. Crecida choice, measured in
``benchmarks/bench_season.py``."""

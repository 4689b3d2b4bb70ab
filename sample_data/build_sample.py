"""Build Crecida's bundled sample scenario: a SYNTHETIC Iquitos at the 2012 flood.

Everything this script writes is invented. The geometry only approximates Iquitos (the Amazon to
the east, the Nanay from the west and north, the Itaya from the south, the city on a terrace
between them); the attributes are made up; the totals are calibrated to the figures reported
for the 2011–2012 flood (77 collective centres housing 1,100 families; river stages of 116.0,
117.0 and 118.6 m a.s.l. at the Enapu gauge; about 53,000 people at risk in the low sectors of
Punchana and Belén). It is a test and demonstration scenario, not for operational use.

The build is deterministic: one seeded random generator, no clock, no network. Re-running it
gives byte-identical CSV and identical raster arrays.

Usage::

    python sample_data/build_sample.py             # rewrites the files next to this script
    python sample_data/build_sample.py --out DIR   # writes them to DIR instead
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
import shapely.affinity
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union

SEED: int = 20120415
"""Seed of the one random generator behind every invented value (the 2012 peak, April)."""

WORK_CRS: str = "EPSG:32718"
DISPLAY_CRS: str = "EPSG:4326"

# --- Grid: 834 x 834 cells of 30 m (25.02 km) around the Plaza de Armas (E 694,025 N 9,585,523)
CELL_M: float = 30.0
WEST_M: float = 682_000.0
NORTH_M: float = 9_598_000.0
SIZE_CELLS: int = 834
NODATA: float = -9999.0

NORMAL_STAGE_M: float = 114.8
"""Normal river stage at the Enapu-Perú gauge, m a.s.l. (press figure, see DOMAIN notes)."""

STAGES: tuple[tuple[float, str], ...] = (
    (116.0, "116.0 m – high water"),
    (117.0, "117.0 m – red alert"),
    (118.6, "118.6 m – 2012 record"),
)
"""River stages (m a.s.l.) of the three depth scenarios and the names people read."""

STAGE_LABELS: dict[str, dict[str, str]] = {
    "116.0 m – high water": {"es": "116,0 m – aguas altas", "en": "116.0 m – high water"},
    "117.0 m – red alert": {"es": "117,0 m – alerta roja", "en": "117.0 m – red alert"},
    "118.6 m – 2012 record": {"es": "118,6 m – récord de 2012", "en": "118.6 m – 2012 record"},
}
"""The scenario names as the app shows them in Spanish and English (the ``name`` stays the
scenario's identity: in files, on the command line and in exports)."""

# Targets the sample is built to meet. They are the sample's own design values (frozen with the
# data it produces), deliberately not read from geo.settings: changing a runtime default must
# not silently change the bundled data.
N_CENTRES: int = 77
TOTAL_FAMILIES: int = 1100
PERSONS_PER_FAMILY_RANGE: tuple[float, float] = (4.5, 5.0)
COVERED_AREA_M2_PER_PERSON: float = 3.5
SITE_FLOODED_DEPTH_M: float = 0.1
AT_RISK_DISTANCE_M: float = 200.0
POPULATION_AT_RISK: dict[str, int] = {"Punchana": 40_000, "Belén": 13_000}
"""Press figures for 2012: people at risk in the low sectors of Punchana and Belén."""
OTHER_POPULATION: int = 4_800
"""Invented: people in the sample's river communities of Iquitos and San Juan Bautista."""

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("160101", "Iquitos"),
    ("160108", "Punchana"),
    ("160112", "Belén"),
    ("160113", "San Juan Bautista"),
)
CENTRES_PER_DISTRICT: dict[str, int] = {
    "Iquitos": 20, "Punchana": 16, "Belén": 13, "San Juan Bautista": 28,
}
# Centres by exposure class: flooded from 117.0 m, flooded at 118.6 m only, dry at 118.6 m but
# near the water, dry and away from it. Every centre is dry at 116.0 m.
CENTRE_CLASSES: dict[str, int] = {"flooded_117": 4, "flooded_118": 7, "at_risk": 6, "dry": 60}
CENTRE_KINDS: dict[str, int] = {
    "school": 38, "church": 12, "community_hall": 14, "coliseum": 4, "tent_camp": 5, "other": 4,
}
OVER_CAPACITY_CENTRES: int = 14

CENTRE_HEADER: tuple[str, ...] = (
    "centre_id", "name", "kind", "district", "families", "persons", "covered_area_m2",
    "capacity_persons", "status", "lat", "lon",
)


@dataclass(frozen=True)
class River:
    """A river of the sample: centreline vertices (EPSG:32718, m) and channel shape."""

    name: str
    vertices: tuple[tuple[float, float], ...]
    half_width_m: float
    depth_m: float
    floodplain_m: float


RIVERS: tuple[River, ...] = (
    River("Amazonas", (
        (699_300, 9_572_400), (698_400, 9_576_500), (697_000, 9_580_200),
        (695_800, 9_583_300), (695_150, 9_585_600), (695_450, 9_588_000),
        (696_700, 9_590_400), (698_900, 9_592_800), (701_700, 9_595_300),
        (704_900, 9_598_600),
    ), half_width_m=620.0, depth_m=11.0, floodplain_m=1400.0),
    River("Nanay", (
        (681_400, 9_580_900), (683_300, 9_580_300), (684_900, 9_581_000),
        (685_900, 9_582_900), (686_500, 9_585_400), (687_900, 9_587_800),
        (689_700, 9_589_300), (691_500, 9_589_800), (693_400, 9_589_950),
        (695_300, 9_590_600), (696_700, 9_590_700),
    ), half_width_m=170.0, depth_m=7.0, floodplain_m=900.0),
    River("Itaya", (
        (690_700, 9_572_400), (692_200, 9_575_400), (691_800, 9_578_200),
        (692_900, 9_580_500), (693_800, 9_582_300), (694_600, 9_583_600),
        (695_500, 9_584_200),
    ), half_width_m=85.0, depth_m=5.0, floodplain_m=550.0),
)

# Lake Moronacocha (west of the city, linked to the Nanay by a caño) and Lake Quistococha
# (south, closed): centre (E, N), semi-axes (m), rotation (degrees), bed (m a.s.l.).
MORONACOCHA = ((692_000.0, 9_585_900.0), (260.0, 1_350.0), 8.0, 112.0)
MORONACOCHA_CANO = ((692_060.0, 9_587_150.0), (692_350.0, 9_589_700.0))
MORONACOCHA_CANO_BED_M: float = 115.6
QUISTOCOCHA = ((687_000.0, 9_576_700.0), (650.0, 430.0), -25.0, 111.0)

URBAN_AREA = (
    (689_200, 9_580_700), (692_700, 9_580_600), (693_900, 9_582_300),
    (695_300, 9_583_700), (694_650, 9_586_600), (695_200, 9_587_700),
    (696_300, 9_589_400), (694_600, 9_589_500), (692_300, 9_589_300),
    (691_100, 9_588_000), (690_400, 9_584_200), (689_300, 9_582_600),
)
"""Outline (EPSG:32718) of the built-up city where collective centres stand."""
NAUTA_ROAD = ((689_600, 9_581_200), (688_000, 9_578_700), (685_900, 9_575_200),
              (684_600, 9_573_400))
"""The Iquitos–Nauta road through San Juan Bautista (temporary modules stand along it)."""

DISTRICT_OUTLINES: dict[str, tuple[tuple[float, float], ...]] = {
    "Punchana": (
        (681_000, 9_599_000), (681_000, 9_587_000), (686_000, 9_587_200),
        (689_000, 9_588_400), (691_000, 9_587_700), (693_000, 9_587_500),
        (695_800, 9_587_400), (699_000, 9_588_600), (708_000, 9_590_000),
        (708_000, 9_599_000),
    ),
    "Iquitos": (
        (690_900, 9_587_900), (695_800, 9_587_400), (699_000, 9_588_600),
        (708_000, 9_590_000), (708_000, 9_579_000), (699_600, 9_579_000),
        (697_200, 9_582_000), (696_400, 9_584_700), (692_800, 9_584_700),
        (691_100, 9_584_300),
    ),
    "Belén": (
        (692_800, 9_584_700), (696_400, 9_584_700), (697_200, 9_582_000),
        (699_600, 9_579_000), (708_000, 9_579_000), (708_000, 9_572_000),
        (690_300, 9_572_000), (690_000, 9_577_800), (691_000, 9_580_500),
        (691_900, 9_582_800),
    ),
}
"""Approximate district outlines (EPSG:32718); San Juan Bautista is the rest of the square."""

# Communities: name, district, (E, N) near its centre, radius (m), kind of place ("sector": low
# urban sector; "village": riverside village). Each centre is moved to the nearest low-lying
# cell of its district (see _snap_seeds); population is calibrated in build_communities.
COMMUNITIES: tuple[tuple[str, str, tuple[float, float], float, str], ...] = (
    ("Belén Bajo – Sector 1", "Belén", (694_900, 9_584_150), 370, "sector"),
    ("Belén Bajo – Sector 2", "Belén", (694_500, 9_583_850), 370, "sector"),
    ("Belén Bajo – Sector 3", "Belén", (694_150, 9_583_450), 370, "sector"),
    ("Belén Bajo – Sector 4", "Belén", (693_750, 9_583_050), 370, "sector"),
    ("Belén – Pueblo Libre", "Belén", (694_300, 9_584_400), 320, "sector"),
    ("Belén – San Andrés", "Belén", (693_400, 9_582_300), 420, "sector"),
    ("Belén – Ribera Itaya", "Belén", (692_900, 9_581_300), 420, "sector"),
    ("Santa María de Ojeal", "Belén", (692_850, 9_576_300), 300, "village"),
    ("San José de Itaya", "Belén", (691_000, 9_573_700), 280, "village"),
    ("Nuevo Milagro", "Belén", (697_400, 9_578_200), 300, "village"),
    ("Lupuna", "Belén", (700_500, 9_576_800), 300, "village"),
    ("Punchana – Ribera Amazonas Sector 1", "Punchana", (694_600, 9_587_950), 420, "sector"),
    ("Punchana – Ribera Amazonas Sector 2", "Punchana", (694_800, 9_588_650), 420, "sector"),
    ("Punchana – Masusa", "Punchana", (695_000, 9_589_400), 420, "sector"),
    ("Punchana – Sachachorro", "Punchana", (694_300, 9_588_300), 420, "sector"),
    ("Punchana – Bellavista Nanay", "Punchana", (694_200, 9_589_350), 420, "sector"),
    ("Punchana – Ribera Nanay", "Punchana", (693_350, 9_589_300), 420, "sector"),
    ("Punchana – 9 de Octubre", "Punchana", (692_500, 9_589_150), 380, "sector"),
    ("Punchana – Santa Rosa", "Punchana", (694_300, 9_589_000), 380, "sector"),
    ("Punchana – Nuevo Amanecer", "Punchana", (695_400, 9_589_950), 370, "sector"),
    ("Padre Cocha", "Punchana", (691_300, 9_590_450), 330, "village"),
    ("Manacamiri", "Punchana", (694_900, 9_591_400), 300, "village"),
    ("Nuevo Perú", "Punchana", (689_300, 9_590_100), 280, "village"),
    ("Timicurillo", "Punchana", (700_900, 9_593_200), 300, "village"),
    ("Isla Padre", "Punchana", (697_700, 9_593_000), 300, "village"),
    ("Santa Rosa de Amazonas", "Punchana", (703_300, 9_596_500), 300, "village"),
    ("Tres de Octubre", "Punchana", (687_200, 9_589_000), 260, "village"),
    ("Moronacocha – Ribera", "Iquitos", (691_550, 9_586_200), 370, "sector"),
    ("Moronacocha – Ribera Norte", "Iquitos", (691_700, 9_587_300), 320, "sector"),
    ("Iquitos – Malecón Bajo", "Iquitos", (694_450, 9_584_950), 240, "sector"),
    ("Isla Iquitos", "Iquitos", (697_600, 9_585_600), 320, "village"),
    ("Santa Cruz de Amazonas", "Iquitos", (699_700, 9_583_000), 300, "village"),
    ("Nuevo San Juan de Amazonas", "Iquitos", (702_500, 9_587_000), 300, "village"),
    ("Nueva Esperanza", "Iquitos", (698_800, 9_580_400), 280, "village"),
    ("Santo Tomás", "San Juan Bautista", (684_700, 9_579_500), 330, "village"),
    ("Zungarococha", "San Juan Bautista", (683_300, 9_579_000), 300, "village"),
    ("Quistococha", "San Juan Bautista", (687_700, 9_577_500), 300, "village"),
    ("Varillal", "San Juan Bautista", (682_800, 9_581_700), 280, "village"),
    ("Santa Clara", "San Juan Bautista", (686_900, 9_583_200), 330, "village"),
    ("Puerto Almendra", "San Juan Bautista", (685_300, 9_584_200), 280, "village"),
    ("Nina Rumi", "San Juan Bautista", (687_400, 9_586_200), 260, "village"),
    ("Llanchama", "San Juan Bautista", (682_600, 9_579_600), 250, "village"),
    ("Moronillo", "San Juan Bautista", (683_900, 9_582_300), 260, "village"),
    ("Cuchara", "Belén", (691_500, 9_578_400), 260, "village"),
    ("San Antonio de Itaya", "Belén", (692_700, 9_574_200), 260, "village"),
)

SCHOOL_PATRONS: tuple[str, ...] = (
    "Sargento Lores", "Mariscal Ramón Castilla", "Almirante Miguel Grau", "José Olaya",
    "Túpac Amaru", "San Martín de Porres", "Santa Rosa de Lima", "Señor de los Milagros",
    "César Vallejo", "José Carlos Mariátegui", "Francisco Bolognesi", "Simón Bolívar",
    "Micaela Bastidas", "María Parado de Bellido", "Andrés Avelino Cáceres",
    "Nuestra Señora de Loreto", "Virgen de Fátima", "Cristo Rey", "San Antonio de Padua",
    "Inmaculada Concepción", "Jorge Chávez", "Ricardo Palma", "Niño Jesús de Praga",
    "Divino Niño", "Fray Martín", "Abelardo Quiñones", "Pedro A. del Águila",
    "Manuel Pacaya", "Rosa Panduro", "Juan Pablo II", "Santa Teresita", "San Pedro",
    "Los Delfines", "La Salle", "Leoncio Prado", "Garcilaso de la Vega", "Ciro Alegría",
    "María Auxiliadora", "Víctor Raúl Haya de la Torre", "Antonio Raimondi",
)
PARISHES: tuple[str, ...] = (
    "Parroquia San Martín de Porres", "Parroquia San Juan Bautista",
    "Parroquia Nuestra Señora de Fátima", "Parroquia San Pedro y San Pablo",
    "Parroquia Santa Rita de Casia", "Parroquia San José", "Parroquia Cristo Rey",
    "Parroquia Nuestra Señora de Lourdes", "Parroquia San Antonio", "Parroquia Santa Rosa",
    "Iglesia Evangélica Peniel", "Capilla Señor de los Milagros", "Iglesia Bautista Emanuel",
    "Capilla Niño Jesús",
)
HALLS: dict[str, tuple[str, ...]] = {
    "Iquitos": ("Local Comunal AA.HH. Moronacocha", "Local Comunal Calle Próspero",
                "Local Comunal AA.HH. Los Jardines", "Casa Comunal Tarapacá",
                "Local Comunal Barrio Huequito", "Local Comunal AA.HH. 1° de Mayo",
                "Local Comunal AA.HH. Las Malvinas", "Casa Comunal Putumayo",
                "Local Comunal AA.HH. Sol Naciente", "Local Comunal Barrio Florido"),
    "Punchana": ("Local Comunal Bellavista Nanay", "Local Comunal AA.HH. 9 de Octubre",
                 "Local Comunal Masusa", "Casa Comunal Santa Rosa", "Local Comunal Sachachorro",
                 "Local Comunal AA.HH. Nuevo Amanecer", "Local Comunal AA.HH. Iquitos Nuevo",
                 "Casa Comunal Los Cedros", "Local Comunal AA.HH. Diez de Enero",
                 "Local Comunal AA.HH. Las Palmeras"),
    "Belén": ("Local Comunal Belén Bajo", "Local Comunal Pueblo Libre",
              "Local Comunal San Andrés", "Casa Comunal Ribera Itaya",
              "Local Comunal AA.HH. Señor de los Milagros", "Local Comunal Venecia",
              "Local Comunal AA.HH. Tres de Mayo", "Casa Comunal Playa Hermosa",
              "Local Comunal AA.HH. Santa Isabel", "Local Comunal Itaya Bajo"),
    "San Juan Bautista": ("Local Comunal AA.HH. Túpac Amaru", "Local Comunal Pampachica",
                          "Local Comunal AA.HH. Santa Clara", "Casa Comunal Quiñones",
                          "Local Comunal AA.HH. Nuevo Horizonte", "Local Comunal El Paujil",
                          "Local Comunal AA.HH. Ángel Cárdenas", "Casa Comunal Rumococha",
                          "Local Comunal AA.HH. Los Ángeles", "Local Comunal AA.HH. Versalles"),
}
COLISEUMS: dict[str, str] = {
    "Iquitos": "Coliseo Cerrado Juan Pinasco Villanueva",
    "Punchana": "Coliseo Municipal de Punchana",
    "Belén": "Coliseo Cerrado de Belén",
    "San Juan Bautista": "Coliseo Municipal de San Juan Bautista",
}
OTHERS: tuple[str, ...] = (
    "Universidad Nacional de la Amazonía Peruana – pabellón", "Mercado Modelo – segundo piso",
    "Local del Sindicato de Estibadores", "Complejo Deportivo Champagnat – tribuna",
    "Local de la Asociación de Pescadores", "Casa de la Juventud",
)
KIND_FAMILIES: dict[str, tuple[int, int]] = {
    "school": (8, 24), "church": (5, 14), "community_hall": (4, 12), "coliseum": (35, 60),
    "tent_camp": (20, 40), "other": (6, 16),
}
"""Families a centre of each kind typically houses (low, high): relative weights only."""


# ------------------------------------------------------------------------------------------
# Geometry helpers


def _chaikin(vertices: Sequence[tuple[float, float]], *, rounds: int = 4) -> np.ndarray:
    """Smooth a polyline by corner cutting, keeping its end points."""
    pts = np.asarray(vertices, dtype=float)
    for _ in range(rounds):
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        inner = np.empty((2 * len(q), 2))
        inner[0::2], inner[1::2] = q, r
        pts = np.vstack([pts[:1], inner[1:-1], pts[-1:]])
    return pts


def _ellipse_q(x: np.ndarray, y: np.ndarray, spec) -> np.ndarray:
    """Normalised radius of an ellipse ``((cx, cy), (a, b), rotation_deg, _)``: 1 on its rim."""
    (cx, cy), (a, b), rot, _ = spec
    t = math.radians(rot)
    dx, dy = x - cx, y - cy
    u = dx * math.cos(t) + dy * math.sin(t)
    v = -dx * math.sin(t) + dy * math.cos(t)
    return np.sqrt((u / a) ** 2 + (v / b) ** 2)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma_cells: float
                  ) -> np.ndarray:
    """Gaussian-filtered white noise scaled to unit standard deviation."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma_cells, mode="reflect")
    return field / field.std()


def _blob(x: np.ndarray, y: np.ndarray, centre: tuple[float, float], radius_m: float
          ) -> np.ndarray:
    """Gaussian weight, 1 at ``centre`` and about 0.37 at ``radius_m``."""
    return np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / radius_m**2)


# ------------------------------------------------------------------------------------------
# Terrain


@dataclass
class Terrain:
    """The DEM and what was used to carve it (EPSG:32718 grid of :data:`CELL_M` cells)."""

    dem: np.ndarray
    channel: np.ndarray
    transform: object
    lines: dict[str, np.ndarray]


def _grid() -> tuple[np.ndarray, np.ndarray, object]:
    transform = from_origin(WEST_M, NORTH_M, CELL_M, CELL_M)
    centres = (np.arange(SIZE_CELLS) + 0.5) * CELL_M
    x, y = np.meshgrid(WEST_M + centres, NORTH_M - centres)
    return x, y, transform


def _distance_to_line_m(line: np.ndarray, transform) -> np.ndarray:
    """Distance (m) from every cell centre to the cells a polyline crosses."""
    on_line = rasterize([(LineString(line), 1)], out_shape=(SIZE_CELLS, SIZE_CELLS),
                        transform=transform, all_touched=True, dtype="uint8").astype(bool)
    return ndimage.distance_transform_edt(~on_line) * CELL_M


def build_terrain(rng: np.random.Generator) -> Terrain:
    """Synthesise the 30 m DEM (m a.s.l., float32) with its river channels.

    Channels are carved well below the normal stage; a floodplain rises from just above the
    normal stage at the bank to about 118.2 m at its outer edge, then a ramp climbs to the
    terrace (the city, about 119.5–124 m) or the upland (about 121–133 m).
    """
    x, y, transform = _grid()
    shape = x.shape
    lines = {r.name: _chaikin(r.vertices) for r in RIVERS}

    bank_dist = np.full(shape, np.inf)
    channel = np.zeros(shape, dtype=bool)
    bed = np.full(shape, np.inf)
    base_width = np.zeros(shape)
    for river in RIVERS:
        to_line = _distance_to_line_m(lines[river.name], transform)
        inside = to_line <= river.half_width_m
        channel |= inside
        profile = 1.0 - (to_line / river.half_width_m) ** 2
        bed = np.where(inside, np.minimum(bed, NORMAL_STAGE_M - 0.4 - river.depth_m * profile),
                       bed)
        to_bank = np.maximum(to_line - river.half_width_m, 0.0)
        nearer = to_bank < bank_dist
        base_width = np.where(nearer, river.floodplain_m, base_width)
        bank_dist = np.minimum(bank_dist, to_bank)

    # Moronacocha counts as water for the floodplain around it.
    q_moro = _ellipse_q(x, y, MORONACOCHA)
    lake_inside = q_moro <= 1.0
    lake_dist = np.maximum((q_moro - 1.0) * MORONACOCHA[1][0], 0.0)
    nearer = lake_dist < bank_dist
    base_width = np.where(nearer, 250.0, base_width)
    bank_dist = np.minimum(bank_dist, lake_dist)

    # Floodplain width: broad várzea east of the Amazon, a scarp below the city core, broad
    # low ground at Belén and along the Punchana riverside.
    amazon = lines["Amazonas"]
    order = np.argsort(amazon[:, 1])
    amazon_x = np.interp(y, amazon[order, 1], amazon[order, 0])
    east = x > amazon_x
    width = np.where(east, 900.0, base_width)
    # City core: a flat-topped weight over an ellipse along the west bank (the Malecón).
    g = np.exp(-_ellipse_q(x, y, ((694_300, 9_586_100), (900, 1_500), 0, 0)) ** 4)
    width = width * (1.0 - g) + 80.0 * g
    for centre, radius, target in (
        ((694_700, 9_583_900), 650.0, 1150.0),    # Belén
        ((695_500, 9_588_900), 800.0, 650.0),     # Punchana, Amazon side
        ((693_400, 9_589_200), 900.0, 450.0),     # Punchana, Nanay side (Bellavista)
    ):
        g = _blob(x, y, centre, radius)
        width = width * (1.0 - g) + target * g
    # Smooth the west-bank widths, then set the east bank: no smoothing across the Amazon.
    width = np.where(east, 4500.0, ndimage.gaussian_filter(width, 8))

    ramp = 450.0 - 280.0 * _blob(x, y, (694_300, 9_586_000), 1500.0)

    # Upland with broad relief, and the city terrace.
    upland = 126.5 + 2.6 * _smooth_noise(rng, shape, 45) + 2.0 * (9_586_000 - y) / 12_000
    upland = np.clip(upland, 121.0, 134.0)
    city = _smoothstep(1.6 - _ellipse_q(x, y, ((693_300, 9_586_000), (1_900, 3_600), 0, 0)))
    terrace = 124.0 - 4.5 * np.clip(_ellipse_q(x, y, ((693_300, 9_586_300), (1_700, 3_300),
                                                       0, 0)), 0, 1) ** 2
    upland = upland * (1.0 - city) + terrace * city

    fp_low, fp_top = NORMAL_STAGE_M + 0.1, 118.2
    t = bank_dist / width
    floodplain = fp_low + (fp_top - fp_low) * np.clip(t, 0.0, 1.0) ** 0.9
    climb = fp_top + (upland - fp_top) * _smoothstep((bank_dist - width) / ramp)
    dem = np.where(t <= 1.0, floodplain, climb)

    # Relief noise: gentle on the floodplain, stronger on the upland.
    roughness = 0.18 + 0.5 * _smoothstep((dem - fp_top) / 4.0)
    dem = dem + roughness * (0.8 * _smooth_noise(rng, shape, 3) + 0.6 * _smooth_noise(rng, shape,
                                                                                       12))

    # Lakes and channels (carved last, so noise never fills them).
    lake_bed = MORONACOCHA[3] + 2.5 * q_moro**2
    dem = np.where(lake_inside, lake_bed, dem)
    cano = _distance_to_line_m(np.asarray(MORONACOCHA_CANO), transform) <= 40.0
    dem = np.where(cano & ~lake_inside, np.minimum(dem, MORONACOCHA_CANO_BED_M), dem)
    q_quis = _ellipse_q(x, y, QUISTOCOCHA)
    quis = np.where(q_quis <= 1.0, QUISTOCOCHA[3] + 3.5 * q_quis**2,
                    116.0 + (dem - 116.0) * _smoothstep(q_quis - 1.0))
    dem = np.minimum(dem, quis)
    dem = np.where(channel, np.minimum(bed, dem), dem)

    # Centimetre-ish steps of 1/64 m keep the file small without visible terracing.
    dem = np.round(dem * 64.0) / 64.0
    return Terrain(dem=dem.astype(np.float32), channel=channel, transform=transform,
                   lines=lines)


def flood_depth(dem: np.ndarray, channel: np.ndarray, stage_m: float) -> np.ndarray:
    """Depth (m, float32) of water connected to the river channels at a river stage.

    Cells below ``stage_m`` form 4-connected components; only components touching a channel
    cell hold river water. Depth is ``stage_m - dem`` there and 0 on all other cells.
    """
    wet = dem < stage_m
    labels, _ = ndimage.label(wet)
    touching = np.unique(labels[channel & wet])
    connected = np.isin(labels, touching[touching > 0])
    return np.where(connected, np.float32(stage_m) - dem, np.float32(0.0)).astype(np.float32)


# ------------------------------------------------------------------------------------------
# Vectors


def build_districts() -> gpd.GeoDataFrame:
    """The four districts as polygons that tile the grid's square (EPSG:32718).

    The outlines and the square are noded into one set of lines and polygonised; each face
    goes to the first outline (Punchana, Iquitos, Belén) holding it, else to San Juan
    Bautista. Faces share their edges exactly, so the districts have no slivers or overlaps.
    """
    square = box(WEST_M, NORTH_M - SIZE_CELLS * CELL_M, WEST_M + SIZE_CELLS * CELL_M, NORTH_M)
    outlines = {name: Polygon(DISTRICT_OUTLINES[name]) for name in ("Punchana", "Iquitos", "Belén")}
    lines = unary_union([square.boundary] + [o.boundary.intersection(square)
                                             for o in outlines.values()])
    faces: dict[str, list[Polygon]] = {name: [] for _, name in DISTRICTS}
    for face in shapely.polygonize(shapely.get_parts(lines)).geoms:
        inside = face.representative_point()
        owner = next((n for n, o in outlines.items() if o.contains(inside)), "San Juan Bautista")
        faces[owner].append(face)
    parts = {name: unary_union(f) for name, f in faces.items()}
    rows = []
    for ubigeo, name in DISTRICTS:
        if parts[name].geom_type != "Polygon":
            raise RuntimeError(f"district {name} is not one polygon; fix DISTRICT_OUTLINES")
        rows.append({"district_id": ubigeo, "name": name, "geometry": parts[name]})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WORK_CRS)


def districts_lonlat(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The districts in EPSG:4326, still an exact tiling.

    Reprojecting each polygon on its own would let shared edges drift apart by millimetres
    (slivers and overlaps). Instead the shared linework is densified (250 m), reprojected
    once and polygonised, so neighbours keep identical vertices on their common edges.
    """
    to_lonlat = Transformer.from_crs(WORK_CRS, DISPLAY_CRS, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(to_lonlat.transform(coords[:, 0], coords[:, 1]))

    lines = shapely.segmentize(unary_union([g.boundary for g in districts.geometry]), 250.0)
    faces = list(shapely.polygonize(shapely.get_parts(shapely.transform(lines, project))).geoms)
    rows = []
    for ubigeo, name, geom in zip(districts["district_id"], districts["name"],
                                  districts.geometry, strict=True):
        inside = shapely.transform(geom.representative_point(), project)
        face = [f for f in faces if f.contains(inside)]
        if len(face) != 1:
            raise RuntimeError(f"district {name} did not survive reprojection")
        rows.append({"district_id": ubigeo, "name": name, "geometry": face[0]})
    if len(faces) != len(rows):
        raise RuntimeError("district linework left unassigned faces")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=DISPLAY_CRS)


def _district_of(districts: gpd.GeoDataFrame, xs: np.ndarray, ys: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """District name of each point and its distance (m) to the nearest district boundary."""
    names = np.full(len(xs), "", dtype=object)
    for geom, name in zip(districts.geometry, districts["name"], strict=True):
        names[shapely.contains_xy(geom, xs, ys)] = name
    boundaries = unary_union([g.boundary for g in districts.geometry])
    margin = shapely.distance(shapely.points(xs, ys), boundaries)
    return names, margin


def build_rivers(terrain: Terrain) -> gpd.GeoDataFrame:
    """River centrelines (EPSG:32718), the lines the DEM channels were carved along."""
    rows = [{"name": name, "geometry": LineString(line)} for name, line in terrain.lines.items()]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WORK_CRS)


def _irregular_disc(rng: np.random.Generator, centre: tuple[float, float], radius_m: float
                    ) -> Polygon:
    """A blob-shaped polygon: radius varies smoothly around the circle."""
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    wobble = rng.uniform(0.7, 1.3, size=24)
    wobble = (wobble + np.roll(wobble, 1) + np.roll(wobble, -1)) / 3.0
    return Polygon(np.column_stack([centre[0] + radius_m * wobble * np.cos(angles),
                                    centre[1] + radius_m * wobble * np.sin(angles)]))


def _lake_polygon(spec) -> Polygon:
    (cx, cy), (a, b), rot, _ = spec
    circle = Point(0.0, 0.0).buffer(1.0, quad_segs=32)
    return shapely.affinity.translate(
        shapely.affinity.rotate(shapely.affinity.scale(circle, a, b, origin=(0, 0)),
                                -rot, origin=(0, 0)), cx, cy)


def _snap_seeds(terrain: Terrain, districts: gpd.GeoDataFrame) -> np.ndarray:
    """Move each community centre to the nearest suitable cell (EPSG:32718 metres).

    Suitable: not a river channel, low ground (115.2–118.4 m a.s.l., where river communities
    and the low sectors stand), inside the community's district at least 200 m from its
    boundary, and not too close to a community already placed.
    """
    x, y, _ = _grid()
    index = {name: k + 1 for k, name in enumerate(districts["name"])}
    district_grid = rasterize(
        [(g, index[n]) for g, n in zip(districts.geometry, districts["name"], strict=True)],
        out_shape=terrain.dem.shape, transform=terrain.transform, dtype="uint8")
    low = ~terrain.channel & (terrain.dem >= 115.2) & (terrain.dem <= 118.4)
    places: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, k in index.items():
        inside = district_grid == k
        ok = low & inside & (ndimage.distance_transform_edt(inside) * CELL_M >= 200.0)
        places[name] = x[ok], y[ok]
    seeds = np.array([c[2] for c in COMMUNITIES], dtype=float)
    for i, (name, district, _, radius, _) in enumerate(COMMUNITIES):
        px, py = places[district]
        ok = np.ones(px.shape, dtype=bool)
        for j in range(i):
            clearance = 0.55 * (radius + COMMUNITIES[j][3])
            ok &= np.hypot(px - seeds[j, 0], py - seeds[j, 1]) >= clearance
        if not ok.any():
            raise RuntimeError(f"no place for community {name}")
        far = np.where(ok, np.hypot(px - seeds[i, 0], py - seeds[i, 1]), np.inf)
        k = int(np.argmin(far))
        if far[k] > CELL_M:
            seeds[i] = px[k], py[k]
    return seeds


def build_communities(rng: np.random.Generator, terrain: Terrain,
                      districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """River communities and low urban sectors (EPSG:32718), non-overlapping and valid.

    Each polygon is an irregular disc cut to its Voronoi cell among all community centres, to
    dry-season land (river channels and Lake Moronacocha removed) and to its district.
    Populations are calibrated so Punchana and Belén hold the 2012 press figures of people
    at risk; the other districts share an invented :data:`OTHER_POPULATION`.
    """
    water = unary_union([LineString(line).buffer(r.half_width_m)
                         for r, line in zip(RIVERS, terrain.lines.values(), strict=True)]
                        + [_lake_polygon(MORONACOCHA)])
    seeds = shapely.points(_snap_seeds(terrain, districts))
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=box(
        WEST_M - 5000, 9_568_000, 712_000, 9_603_000))
    cell_of = {}
    for cell in cells.geoms:
        for i, seed in enumerate(seeds):
            if cell.contains(seed):
                cell_of[i] = cell
    district_geom = dict(zip(districts["name"], districts.geometry, strict=True))

    rows = []
    for i, (name, district, _, radius, kind) in enumerate(COMMUNITIES):
        centre = (shapely.get_x(seeds[i]), shapely.get_y(seeds[i]))
        shape = _irregular_disc(rng, centre, radius)
        shape = shape.intersection(cell_of[i]).difference(water)
        shape = shape.intersection(district_geom[district])
        if shape.geom_type != "Polygon":
            shape = max((g for g in shape.geoms if g.geom_type == "Polygon"),
                        key=lambda g: g.area)
        # A 1 m gap between neighbours keeps them disjoint through any reprojection.
        shape = shapely.set_precision(shape.buffer(-1.0), 0.01)
        if shape.geom_type != "Polygon":
            shape = max(shape.geoms, key=lambda g: g.area)
        rows.append({"community_id": f"COM-{i + 1:03d}", "name": name, "district": district,
                     "kind": kind, "geometry": shape})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WORK_CRS)

    # Population: share out the press figures in Punchana and Belén, and an invented total
    # elsewhere, by area (sectors are denser than villages).
    density = np.where(frame["kind"] == "sector", 1.0, 0.18) * rng.uniform(0.7, 1.3, len(frame))
    weight = density * frame.area.to_numpy()
    population = np.zeros(len(frame), dtype=np.int64)
    for district, total in POPULATION_AT_RISK.items():
        sel = (frame["district"] == district).to_numpy()
        population[sel] = _largest_remainder(weight[sel], total)
    other = ~frame["district"].isin(list(POPULATION_AT_RISK)).to_numpy()
    population[other] = _largest_remainder(weight[other], OTHER_POPULATION, minimum=120)
    frame["population"] = population
    frame["households"] = np.round(population / rng.uniform(4.6, 5.2, len(frame))).astype(
        np.int64)
    return frame[["community_id", "name", "district", "population", "households", "geometry"]]


def _largest_remainder(weights: np.ndarray, total: int, *, minimum: int = 0) -> np.ndarray:
    """Integers proportional to ``weights``, each at least ``minimum``, summing to ``total``."""
    spare = total - minimum * len(weights)
    exact = weights / weights.sum() * spare
    counts = np.floor(exact).astype(np.int64)
    short = spare - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts + minimum


# ------------------------------------------------------------------------------------------
# Collective centres


def _site_classes(dem: np.ndarray, depths: dict[float, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-cell exposure class masks; the whole 3 x 3 neighbourhood of a cell must agree.

    Dry sites must also stand above the highest stage (not in a closed depression such as
    Lake Quistococha, which no river water reaches).
    """
    s0, s1, s2 = (s for s, _ in STAGES)
    mx = {s: ndimage.maximum_filter(d, 3) for s, d in depths.items()}
    mn = {s: ndimage.minimum_filter(d, 3) for s, d in depths.items()}
    near_m = ndimage.distance_transform_edt(depths[s2] <= 0.0) * CELL_M
    dry_hi = (mx[s2] <= 0.0) & (ndimage.minimum_filter(dem, 3) >= s2 + 0.3)
    return {
        "flooded_117": (mx[s0] <= 0.0) & (mn[s1] >= 2 * SITE_FLOODED_DEPTH_M),
        "flooded_118": (mx[s1] <= 0.0) & (mn[s2] >= 2 * SITE_FLOODED_DEPTH_M),
        "at_risk": dry_hi & (near_m >= 60.0) & (near_m <= AT_RISK_DISTANCE_M - 30.0),
        "dry": dry_hi & (near_m >= AT_RISK_DISTANCE_M + 60.0),
    }


def place_centres(rng: np.random.Generator, dem: np.ndarray, depths: dict[float, np.ndarray],
                  districts: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Choose the centres' sites in the city by exposure class and district.

    Sites are drawn at random inside the built-up area (and along the Nauta road, where the
    temporary modules stand), kept 120 m or more from district boundaries, and spread out:
    each class is filled first with sites 400 m apart, then 300 m, then 200 m.
    """
    road_zone = LineString(NAUTA_ROAD).buffer(350.0)
    urban = unary_union([Polygon(URBAN_AREA), road_zone])
    minx, miny, maxx, maxy = urban.bounds
    n = 60_000
    xs = rng.uniform(minx, maxx, n)
    ys = rng.uniform(miny, maxy, n)
    keep = shapely.contains_xy(urban, xs, ys)
    xs, ys = np.round(xs[keep], 1), np.round(ys[keep], 1)
    rows = ((NORTH_M - ys) // CELL_M).astype(int)
    cols = ((xs - WEST_M) // CELL_M).astype(int)
    names, margin = _district_of(districts, xs, ys)
    on_road = shapely.contains_xy(road_zone, xs, ys) & ~shapely.contains_xy(
        Polygon(URBAN_AREA), xs, ys)
    classes = {k: m[rows, cols] & (margin > 120.0)
               for k, m in _site_classes(dem, depths).items()}

    chosen: list[dict[str, object]] = []
    left = dict(CENTRES_PER_DISTRICT)

    def fill(candidates: np.ndarray, cls: str, want: int, *, per_district: int) -> None:
        got = 0
        for spacing_m in (400.0, 300.0, 200.0):
            for i in candidates:
                if got == want:
                    return
                same = sum(1 for c in chosen if c["cls"] == cls and c["district"] == names[i])
                if left.get(names[i], 0) <= 0 or same >= per_district:
                    continue
                if all(math.hypot(xs[i] - c["x"], ys[i] - c["y"]) >= spacing_m
                       for c in chosen):
                    chosen.append({"x": float(xs[i]), "y": float(ys[i]),
                                   "district": names[i], "cls": cls,
                                   "on_road": bool(on_road[i])})
                    left[names[i]] -= 1
                    got += 1
        if got < want:
            raise RuntimeError(f"only {got} of {want} sites of class {cls}; adjust the terrain")

    for cls in ("flooded_117", "flooded_118", "at_risk"):
        want = CENTRE_CLASSES[cls]
        # Spread the exposed centres: at most half of a class in one district.
        fill(np.flatnonzero(classes[cls] & ~on_road), cls, want, per_district=(want + 1) // 2)
    # Temporary modules along the Nauta road, then the dry city sites district by district.
    fill(np.flatnonzero(classes["dry"] & on_road), "dry", CENTRE_KINDS["tent_camp"],
         per_district=N_CENTRES)
    for district in CENTRES_PER_DISTRICT:
        in_district = classes["dry"] & ~on_road & (names == district)
        fill(np.flatnonzero(in_district), "dry", left[district], per_district=N_CENTRES)
    if len(chosen) != N_CENTRES:
        raise RuntimeError(f"placed {len(chosen)} centres, wanted {N_CENTRES}")
    return chosen


def describe_centres(rng: np.random.Generator, sites: list[dict[str, object]]
                     ) -> list[dict[str, object]]:
    """Give the sites kinds, names, families, persons, covered area and capacity."""
    plaza = (694_025.0, 9_585_523.0)
    n = len(sites)
    kinds: list[str | None] = [None] * n
    road = [i for i, s in enumerate(sites) if s["on_road"]]
    for i in road:
        kinds[i] = "tent_camp"
    for district in CENTRES_PER_DISTRICT:
        dry = [i for i, s in enumerate(sites)
               if s["district"] == district and s["cls"] == "dry" and kinds[i] is None]
        # The coliseum is the dry site nearest the Plaza in each district.
        i = min(dry, key=lambda j: math.hypot(sites[j]["x"] - plaza[0], sites[j]["y"] - plaza[1]))
        kinds[i] = "coliseum"
    pool = [k for k, c in CENTRE_KINDS.items() if k not in ("tent_camp", "coliseum")
            for _ in range(c)]
    pool = list(rng.permutation(pool))
    for i in range(n):
        if kinds[i] is None:
            kinds[i] = str(pool.pop())

    school_numbers = rng.choice(np.arange(60_010, 60_990), size=n, replace=False)
    patrons = list(rng.permutation(SCHOOL_PATRONS))
    parishes = list(rng.permutation(PARISHES))
    halls = {d: list(rng.permutation(v)) for d, v in HALLS.items()}
    others = list(rng.permutation(OTHERS))
    road_km = iter(range(3, 40, 3))

    out = []
    for i, (site, kind) in enumerate(zip(sites, kinds, strict=True)):
        district = str(site["district"])
        if kind == "school":
            if school_numbers[i] % 3 == 0:
                name = f"I.E.P.S.M. N° {601_000 + school_numbers[i] % 1000} {patrons.pop()}"
            else:
                name = f"I.E. N° {school_numbers[i]} {patrons.pop()}"
        elif kind == "church":
            name = str(parishes.pop())
        elif kind == "community_hall":
            name = str(halls[district].pop())
        elif kind == "coliseum":
            name = COLISEUMS[district]
        elif kind == "tent_camp":
            name = f"Módulos temporales Carretera Iquitos–Nauta km {next(road_km)}"
        else:
            name = str(others.pop())
        out.append({**site, "kind": kind, "name": name})

    weights = np.array([rng.uniform(*KIND_FAMILIES[c["kind"]]) for c in out])
    families = _largest_remainder(weights, TOTAL_FAMILIES, minimum=3)
    over = set(rng.choice(n, size=OVER_CAPACITY_CENTRES, replace=False).tolist())
    for i, c in enumerate(out):
        f = int(families[i])
        lo = math.ceil(PERSONS_PER_FAMILY_RANGE[0] * f)
        hi = math.floor(PERSONS_PER_FAMILY_RANGE[1] * f)
        persons = int(rng.integers(lo, hi + 1))
        needed = persons * COVERED_AREA_M2_PER_PERSON
        factor = rng.uniform(0.55, 0.9) if i in over else rng.uniform(1.15, 2.6)
        area = max(5, round(needed * factor / 5.0) * 5)
        capacity = math.floor(area / COVERED_AREA_M2_PER_PERSON)
        c.update(families=f, persons=persons, covered_area_m2=area, capacity_persons=capacity)
    return out


# ------------------------------------------------------------------------------------------
# Writers


def _write_raster(path: Path, array: np.ndarray, transform, *, tags: dict[str, str],
                  resampling: Resampling) -> None:
    profile = {
        "driver": "GTiff", "width": array.shape[1], "height": array.shape[0], "count": 1,
        "dtype": "float32", "crs": WORK_CRS, "transform": transform, "nodata": NODATA,
        "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
        "predictor": 3, "zlevel": 9,
    }
    path.unlink(missing_ok=True)
    with rasterio.Env(GDAL_TIFF_OVR_BLOCKSIZE=256), rasterio.open(path, "w", **profile) as ds:
        ds.write(array.astype(np.float32), 1)
        ds.update_tags(**tags)
        ds.build_overviews([2, 4, 8, 16], resampling)
        ds.update_tags(ns="rio_overview", resampling=resampling.name)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write EPSG:4326 GeoJSON with coordinates rounded to 1e-6 degrees (about 0.1 m).

    Rounding vertex by vertex keeps shared vertices shared (GDAL's own precision option
    snaps each geometry separately and opens slivers between neighbours).
    """
    frame = frame.to_crs(DISPLAY_CRS)
    frame = frame.set_geometry(shapely.transform(frame.geometry.to_numpy(),
                                                 lambda xy: np.round(xy, 6)))
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES"})


def _write_centres(path: Path, centres: list[dict[str, object]]) -> None:
    to_lonlat = Transformer.from_crs(WORK_CRS, DISPLAY_CRS, always_xy=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CENTRE_HEADER)
        for i, c in enumerate(centres):
            lon, lat = to_lonlat.transform(c["x"], c["y"])
            writer.writerow([
                f"ALB-{i + 1:03d}", c["name"], c["kind"], c["district"], c["families"],
                c["persons"], c["covered_area_m2"], c["capacity_persons"], "open",
                f"{lat:.6f}", f"{lon:.6f}",
            ])


def _sample_at(array: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    rows = ((NORTH_M - ys) // CELL_M).astype(int)
    cols = ((xs - WEST_M) // CELL_M).astype(int)
    return array[rows, cols]


def build(out_dir: Path) -> dict[str, object]:
    """Write the whole sample scenario to ``out_dir`` and return a summary of it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    terrain = build_terrain(rng)
    depths = {stage: flood_depth(terrain.dem, terrain.channel, stage) for stage, _ in STAGES}

    districts = build_districts()
    rivers = build_rivers(terrain)
    communities = build_communities(rng, terrain, districts)
    centres = describe_centres(rng, place_centres(rng, terrain.dem, depths, districts))

    dem_tags = {"SYNTHETIC": "yes", "CRECIDA_KIND": "dem", "UNITS": "m a.s.l.",
                "DESCRIPTION": "Synthetic 30 m DEM of Iquitos for the Crecida sample "
                               "scenario; not real terrain, not for operational use."}
    _write_raster(out_dir / "dem_30m.tif", terrain.dem, terrain.transform, tags=dem_tags,
                  resampling=Resampling.average)
    scenarios = []
    for stage, name in STAGES:
        file = f"flood_depth_{stage:.1f}m.tif".replace(".", "_", 1)
        tags = {"CRECIDA_KIND": "depth", "CRECIDA_NAME": name, "RIVER_STAGE_M": f"{stage:.1f}",
                "SYNTHETIC": "yes", "UNITS": "m",
                "DESCRIPTION": f"Synthetic flood depth: water connected to the rivers at a "
                               f"river stage of {stage:.1f} m a.s.l. over the synthetic DEM."}
        _write_raster(out_dir / file, depths[stage], terrain.transform, tags=tags,
                      resampling=Resampling.average)
        scenarios.append({"name": name, "labels": STAGE_LABELS[name], "kind": "depth",
                          "file": file, "river_stage_m": stage})

    _write_centres(out_dir / "centres.csv", centres)
    (out_dir / "communities.gpkg").unlink(missing_ok=True)
    communities.to_file(out_dir / "communities.gpkg", layer="communities", driver="GPKG",
                        engine="pyogrio")
    _write_geojson(districts_lonlat(districts), out_dir / "districts.geojson")
    _write_geojson(rivers, out_dir / "rivers.geojson")

    manifest = {
        "synthetic": True,
        "title": "Iquitos 2012 flood – synthetic sample scenario (not real data)",
        "description": "Invented geometry and attributes calibrated to the 2011–2012 Iquitos "
                       "flood figures; for testing and demonstration only.",
        "crs": WORK_CRS,
        "centres": "centres.csv",
        "communities": "communities.gpkg",
        "communities_layer": "communities",
        "districts": "districts.geojson",
        "rivers": "rivers.geojson",
        "dem": "dem_30m.tif",
        "population": None,
        "scenarios": scenarios,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2)
                                           + "\n", encoding="utf-8")
    return _summary(terrain, depths, centres, communities)


def _summary(terrain: Terrain, depths: dict[float, np.ndarray],
             centres: list[dict[str, object]], communities: gpd.GeoDataFrame
             ) -> dict[str, object]:
    xs = np.array([c["x"] for c in centres])
    ys = np.array([c["y"] for c in centres])
    per_stage = {}
    for stage, _ in STAGES:
        wet = depths[stage] > 0.0
        near = ndimage.distance_transform_edt(~(depths[stage] >= SITE_FLOODED_DEPTH_M)) * CELL_M
        flooded = _sample_at(depths[stage], xs, ys) >= SITE_FLOODED_DEPTH_M
        at_risk = ~flooded & (_sample_at(near, xs, ys) <= AT_RISK_DISTANCE_M)
        per_stage[stage] = {
            "flooded_km2": round(float(wet.sum()) * CELL_M**2 / 1e6, 2),
            "flooded_ge_0_1m_km2": round(float((depths[stage] >= 0.1).sum()) * CELL_M**2 / 1e6,
                                         2),
            "centres_flooded": int(flooded.sum()),
            "families_in_flooded_centres": int(sum(c["families"] for c, f in
                                                   zip(centres, flooded, strict=True) if f)),
            "centres_at_risk": int(at_risk.sum()),
        }
    return {
        "dem_min_max_m": (round(float(terrain.dem.min()), 2), round(float(terrain.dem.max()), 2)),
        "stages": per_stage,
        "centres": len(centres),
        "families": sum(int(c["families"]) for c in centres),
        "persons": sum(int(c["persons"]) for c in centres),
        "over_capacity": sum(1 for c in centres if c["persons"] > c["capacity_persons"]),
        "communities": len(communities),
        "community_population": int(communities["population"].sum()),
        "community_population_by_district": {
            str(k): int(v) for k, v in communities.groupby("district")["population"].sum().items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write the sample to (default: next to this script)")
    args = parser.parse_args(argv)
    summary = build(args.out)
    print(f"Synthetic Iquitos sample written to {args.out}")
    print(f"  DEM range {summary['dem_min_max_m'][0]}–{summary['dem_min_max_m'][1]} m a.s.l.")
    for stage, s in summary["stages"].items():
        print(f"  stage {stage:5.1f} m: flooded {s['flooded_km2']:6.2f} km² "
              f"({s['flooded_ge_0_1m_km2']:.2f} km² ≥ 0.1 m); centres flooded "
              f"{s['centres_flooded']:2d} ({s['families_in_flooded_centres']} families), "
              f"at risk {s['centres_at_risk']}")
    print(f"  centres {summary['centres']}, families {summary['families']}, persons "
          f"{summary['persons']}, over capacity {summary['over_capacity']}")
    by_district = ", ".join(f"{k} {v:,}" for k, v in
                            summary["community_population_by_district"].items())
    print(f"  communities {summary['communities']}, population "
          f"{summary['community_population']:,} ({by_district})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

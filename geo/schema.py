"""Canonical columns of every layer Crecida reads, with the aliases and HXL tags it accepts.

Loaders rename whatever a file calls a column to the canonical name here, then validate and
cast. Aliases are compared after :func:`normalise_header` (lower case, accents stripped,
spaces and punctuation as ``_``), so ``Número de familias`` matches ``numero_de_familias``.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from geo import settings
from geo.errors import InputError, Problem

CENTRE_KINDS: tuple[str, ...] = (
    "school",
    "church",
    "community_hall",
    "coliseum",
    "tent_camp",
    "other",
)
#: A centre's operating status as loaded (column ``status``).
OPERATING_STATUSES: tuple[str, ...] = ("open", "closed", "proposed")

#: The exposure engine's verdict on a centre under one scenario (column ``flood_status``),
#: worst first: the order of legends, tables and summary metrics.
FLOOD_STATUSES: tuple[str, ...] = ("flooded", "isolated", "at_risk", "dry", "unknown")

#: Flood statuses that take a centre out of service (see :func:`operational_mask`).
NOT_OPERATIONAL_FLOOD_STATUSES: tuple[str, ...] = ("flooded", "isolated")

#: Canonical centre columns, in order (geometry last).
CENTRE_COLUMNS: tuple[str, ...] = (
    "centre_id",
    "name",
    "kind",
    "district",
    "families",
    "persons",
    "covered_area_m2",
    "capacity_persons",
    "status",
)
#: Canonical community columns, in order (geometry last).
COMMUNITY_COLUMNS: tuple[str, ...] = (
    "community_id",
    "name",
    "district",
    "population",
    "households",
    "derived_boundary",
)
DISTRICT_COLUMNS: tuple[str, ...] = ("district_id", "name")
RIVER_COLUMNS: tuple[str, ...] = ("name",)

LAT_ALIASES: tuple[str, ...] = ("lat", "latitude", "latitud", "y", "lat_y", "coord_y")
LON_ALIASES: tuple[str, ...] = (
    "lon",
    "lng",
    "long",
    "longitude",
    "longitud",
    "x",
    "lon_x",
    "coord_x",
)

CENTRE_ALIASES: dict[str, tuple[str, ...]] = {
    "centre_id": (
        "centre_id",
        "center_id",
        "id",
        "site_id",
        "codigo",
        "cod",
        "id_albergue",
        "codigo_albergue",
        "pcode",
        "site_code",
        "codigo_del_sitio",
        "codigo_sitio",
        "cod_sitio",
        "codigo_del_albergue",
        "site_id_dtm",
    ),
    "name": ("name", "nombre", "site_name", "albergue", "nombre_albergue", "centre", "center",
             "nombre_del_sitio", "nombre_sitio", "nombre_del_albergue", "nombre_del_local",
             "nombre_del_centro_colectivo", "site", "sitio"),
    "kind": ("kind", "type", "tipo", "site_type", "tipo_local", "categoria", "tipo_de_sitio",
             "tipo_sitio", "tipo_de_local", "tipo_de_albergue"),
    # In Peru adm1 is the region, adm2 the province and adm3 the district (INEI ubigeo).
    "district": ("district", "distrito", "adm3", "admin3", "admin_3", "adm3_name",
                 "adm3_es", "nombdist", "nomdist", "nombre_distrito"),
    "families": (
        "families",
        "familias",
        "households",
        "hogares",
        "hh",
        "n_familias",
        "num_familias",
        "numero_de_familias",
        "n_de_familias",
        "no_de_familias",
        "nro_de_familias",
        "nro_familias",
        "numero_familias",
        "number_of_households",
        "no_of_households",
        "num_households",
        "total_households",
        "n_hogares",
        "numero_de_hogares",
        "hogares_desplazados",
        "familias_desplazadas",
        "idp_households",
    ),
    "persons": (
        "persons",
        "personas",
        "people",
        "individuals",
        "ind",
        "population",
        "poblacion",
        "n_personas",
        "num_personas",
        "numero_de_personas",
        "n_de_personas",
        "no_de_personas",
        "nro_de_personas",
        "nro_personas",
        "number_of_individuals",
        "no_of_individuals",
        "num_individuals",
        "total_individuals",
        "personas_desplazadas",
        "idp_individuals",
    ),
    "covered_area_m2": (
        "covered_area_m2",
        "area_cubierta_m2",
        "covered_area",
        "area_m2",
        "area_techada_m2",
        "area_techada",
        "area_cubierta",
    ),
    "capacity_persons": ("capacity_persons", "capacity", "capacidad", "capacidad_personas", "cap"),
    "status": ("status", "estado", "site_status"),
}

#: Community aliases include the INEI 2017 census fields of centros poblados: ``codccpp``
#: (code), ``cen_pob``/``nomccpp`` (name), ``pob`` (population), ``viv`` (dwellings).
COMMUNITY_ALIASES: dict[str, tuple[str, ...]] = {
    "community_id": (
        "community_id",
        "id",
        "codigo",
        "cod",
        "ccpp_id",
        "codccpp",
        "cod_ccpp",
        "codigo_ccpp",
        "pcode",
        "id_comunidad",
    ),
    "name": ("name", "nombre", "comunidad", "nomccpp", "cen_pob", "centro_poblado",
             "nombre_ccpp", "nom_ccpp", "community", "localidad"),
    "district": ("district", "distrito", "adm3", "admin3", "adm3_name", "adm3_es",
                 "nombdist", "nomdist"),
    "population": ("population", "poblacion", "pob", "pobtotal", "pob_total",
                   "poblacion_total", "total_poblacion", "pop", "habitantes", "personas",
                   "persons"),
    "households": ("households", "hogares", "viviendas", "viv", "vivtotal", "viv_total",
                   "total_viviendas", "familias", "families", "hh"),
}

DISTRICT_ALIASES: dict[str, tuple[str, ...]] = {
    "district_id": ("district_id", "ubigeo", "iddist", "id", "adm3_pcode", "pcode", "codigo"),
    "name": ("name", "nombre", "nombdist", "distrito", "district", "adm3_es", "adm3_name"),
}

RIVER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "nombre", "rio", "river"),
}

#: HXL hashtags (lower case, attributes sorted) to canonical centre columns. In Peru adm1 is
#: the region, adm2 the province and adm3 the district; IOM DTM tags displaced families and
#: persons ``#affected+idps+hh``/``#affected+idps+ind`` (see :func:`hxl_canonical`).
CENTRE_HXL: dict[str, str] = {
    "#loc+name": "name",
    "#loc+code": "centre_id",
    "#loc+id": "centre_id",
    "#loc+type": "kind",
    "#loc+status": "status",
    "#geo+lat": "lat",
    "#geo+lon": "lon",
    "#affected+hh": "families",
    "#affected+ind": "persons",
    "#capacity+ind": "capacity_persons",
    "#adm3+name": "district",
    "#adm2+name": "province",
    "#adm1+name": "region",
    "#adm3+code": "district_code",
    "#adm3+pcode": "district_code",
}

#: HXL attributes that do not change what a count means for Crecida (IOM DTM's ``+idps``:
#: the people counted are displaced, which every centre's occupants are).
HXL_NEUTRAL_ATTRIBUTES: frozenset[str] = frozenset({"idps", "total", "num"})

#: HXL hashtags to canonical community columns.
COMMUNITY_HXL: dict[str, str] = {
    "#loc+name": "name",
    "#loc+code": "community_id",
    "#loc+pcode": "community_id",
    "#geo+lat": "lat",
    "#geo+lon": "lon",
    "#population+total": "population",
    "#population": "population",
    "#population+ind": "population",
    "#population+hh": "households",
    "#adm3+name": "district",
    "#adm2+name": "province",
    "#adm1+name": "region",
}

#: Canonical centre column to the HXL tag written on export.
CENTRE_HXL_OUT: dict[str, str] = {
    "centre_id": "#loc+code",
    "name": "#loc+name",
    "kind": "#loc+type",
    "district": "#adm3+name",
    "families": "#affected+hh",
    "persons": "#affected+ind",
    "capacity_persons": "#capacity+ind",
    "status": "#loc+status",
    "lat": "#geo+lat",
    "lon": "#geo+lon",
}

#: Spanish and English words for centre kinds and statuses, normalised.
KIND_ALIASES: dict[str, str] = {
    "school": "school",
    "escuela": "school",
    "colegio": "school",
    "ie": "school",
    "institucion_educativa": "school",
    "church": "church",
    "iglesia": "church",
    "parroquia": "church",
    "parish": "church",
    "capilla": "church",
    "templo": "church",
    "community_hall": "community_hall",
    "local_comunal": "community_hall",
    "salon_comunal": "community_hall",
    "casa_comunal": "community_hall",
    "local_comunitario": "community_hall",
    "coliseum": "coliseum",
    "coliseo": "coliseum",
    "estadio": "coliseum",
    "polideportivo": "coliseum",
    "tent_camp": "tent_camp",
    "carpas": "tent_camp",
    "campamento": "tent_camp",
    "modulos": "tent_camp",
    "tent": "tent_camp",
    "other": "other",
    "otro": "other",
    "otros": "other",
}
STATUS_ALIASES: dict[str, str] = {
    "open": "open",
    "abierto": "open",
    "activo": "open",
    "active": "open",
    "operativo": "open",
    "operational": "open",
    "closed": "closed",
    "cerrado": "closed",
    "inactivo": "closed",
    "inactive": "closed",
    "proposed": "proposed",
    "propuesto": "proposed",
    "planned": "proposed",
    "planificado": "proposed",
}


def normalise_header(text: object) -> str:
    """Lower case, accents removed, runs of non-alphanumerics as one ``_``.

    >>> normalise_header("  Número de Familias ")
    'numero_de_familias'
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def hxl_canonical(tag: str, mapping: dict[str, str]) -> str | None:
    """The canonical column an HXL tag (normalised) stands for, or ``None``.

    Exact tags first; then the tag without its neutral attributes
    (:data:`HXL_NEUTRAL_ATTRIBUTES`), so ``#affected+idps+ind`` is persons but
    ``#affected+f+ind`` (women only) is not.

    >>> hxl_canonical("#affected+hh+idps", CENTRE_HXL)
    'families'
    """
    if tag in mapping:
        return mapping[tag]
    parts = tag.split("+")
    plain = "+".join([parts[0], *[p for p in parts[1:] if p not in HXL_NEUTRAL_ATTRIBUTES]])
    return mapping.get(plain)


def known_headers() -> frozenset[str]:
    """Every normalised header alias of every layer (used to find a table's header row)."""
    names: set[str] = set(LAT_ALIASES) | set(LON_ALIASES)
    for table in (CENTRE_ALIASES, COMMUNITY_ALIASES, DISTRICT_ALIASES, RIVER_ALIASES):
        for canonical, aliases in table.items():
            names.add(canonical)
            names.update(aliases)
    return frozenset(names)


def normalise_hxl(tag: object) -> str:
    """HXL tag in a comparable form: lower case, no spaces, attributes sorted.

    >>> normalise_hxl(" #Affected +IND ")
    '#affected+ind'
    """
    parts = str(tag).strip().lower().replace(" ", "").split("+")
    return "+".join([parts[0], *sorted(p for p in parts[1:] if p)])


# --- rules on canonical frames ------------------------------------------------------------------
NO_DISTRICT: str = "—"
"""District of a centre or community whose district is not known, in the summaries by
district (a dash: it reads the same in Spanish and English)."""


def district_names(frame: pd.DataFrame, column: str = "district") -> pd.Series:
    """Each row's district as text (:data:`NO_DISTRICT` where missing or there is no
    ``column``), for grouping by district."""
    if column in frame.columns:
        return frame[column].astype("str").fillna(NO_DISTRICT)
    return pd.Series(NO_DISTRICT, index=frame.index, dtype="str")


def flood_status(frame: pd.DataFrame) -> pd.Series | None:
    """Each row's flood status (one of :data:`FLOOD_STATUSES`), or ``None`` when not known.

    Read from ``flood_status``; else from ``status`` when every value there is a flood status
    (a layer written by an older export); missing or unknown values give ``unknown``.
    """
    for column in ("flood_status", "status"):
        if column in frame.columns:
            values = frame[column].astype("string")
            present = values.dropna()
            if column == "flood_status" or (len(present) and present.isin(FLOOD_STATUSES).all()):
                return values.where(values.isin(FLOOD_STATUSES), "unknown").fillna("unknown") \
                    .astype(str)
    return None


def operating_status(frame: pd.DataFrame) -> pd.Series:
    """Each row's operating status (one of :data:`OPERATING_STATUSES`); ``open`` when unknown."""
    if "status" in frame.columns:
        values = frame["status"].astype("string").str.lower()
        if values.dropna().isin(OPERATING_STATUSES).all():
            return values.fillna("open").astype(str)
    return pd.Series("open", index=frame.index, dtype=object)


def operational_mask(frame: pd.DataFrame, *, flood_status_col: str = "flood_status"
                     ) -> pd.Series:
    """True for centres that are open and neither flooded nor isolated.

    A missing ``flood_status_col`` (no scenario assessed) leaves every open centre operational;
    a missing ``status`` column treats every centre as open.
    """
    is_open = operating_status(frame).eq("open")
    if flood_status_col in frame.columns:
        flood = frame[flood_status_col].astype("string").str.lower()
        cut = flood.isin(NOT_OPERATIONAL_FLOOD_STATUSES).fillna(False)
    else:
        cut = pd.Series(False, index=frame.index)
    return (is_open & ~cut).astype(bool)


def capacity_from_area(covered_area_m2: pd.Series | np.ndarray | float):
    """Persons a covered area shelters: ``floor(area / COVERED_AREA_M2_PER_PERSON)`` (Sphere)."""
    return np.floor(covered_area_m2 / settings.COVERED_AREA_M2_PER_PERSON)


def site_capacity_from_area(site_area_m2: pd.Series | np.ndarray | float):
    """Persons a whole site takes, services included: ``floor(area / SITE_AREA_M2_PER_PERSON)``
    (Sphere: 45 m² per person in a camp-type site). NaN stays NaN (unknown area)."""
    return np.floor(np.asarray(site_area_m2, dtype="float64")
                    / settings.SITE_AREA_M2_PER_PERSON)


def capacity_persons(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Capacity in persons of each centre, and where it comes from.

    ``capacity_persons`` when given, else :func:`capacity_from_area` of ``covered_area_m2``,
    else ``NaN`` (unknown).

    Returns
    -------
    capacity
        float64 persons (``NaN`` when unknown).
    source
        ``"capacity_persons"``, ``"covered_area"`` or ``"unknown"``.
    """
    idx = frame.index
    given = pd.to_numeric(frame.get("capacity_persons", pd.Series(np.nan, index=idx)),
                          errors="coerce").astype("float64")
    area = pd.to_numeric(frame.get("covered_area_m2", pd.Series(np.nan, index=idx)),
                         errors="coerce").astype("float64")
    from_area = capacity_from_area(area)
    capacity = given.where(given.notna(), from_area)
    source = pd.Series(
        np.where(given.notna(), "capacity_persons",
                 np.where(from_area.notna(), "covered_area", "unknown")),
        index=idx, dtype="object",
    )
    return capacity, source


def default_scenario(names: list[str] | tuple[str, ...]) -> str | None:
    """The scenario chosen when none is named: the last one (the most severe, as loaded)."""
    return names[-1] if len(names) else None


def one_scenario(frame: pd.DataFrame | None, scenario: str | None) -> pd.DataFrame | None:
    """Rows of ``scenario`` in a long table (one row per feature per scenario).

    A frame without a ``scenario`` column is returned as it is; ``scenario=None`` keeps the
    table's last scenario (:func:`default_scenario`); a scenario the table lacks gives an
    empty frame (see :func:`scenario_rows` for the strict version).
    """
    if frame is None or "scenario" not in frame.columns or not len(frame):
        return frame
    if scenario is None:
        scenario = default_scenario(list(dict.fromkeys(frame["scenario"].dropna())))
        if scenario is None:
            return frame
    return frame[frame["scenario"].astype(str) == str(scenario)]


def scenario_rows(frame: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The rows of ``scenario`` in a long table; an error naming the choices when it has none.

    Raises
    ------
    InputError
        No ``scenario`` column, or no row carries that scenario name.
    """
    if "scenario" not in frame:
        raise InputError(Problem.keyed("no_scenario_column", column="scenario"))
    rows = frame[frame["scenario"].astype(str) == str(scenario)]
    if rows.empty and len(frame):
        names = ", ".join(dict.fromkeys(frame["scenario"].astype(str)))
        raise InputError(Problem.keyed("no_rows_for_scenario", column="scenario",
                                       scenario=str(scenario), choices=names))
    return rows

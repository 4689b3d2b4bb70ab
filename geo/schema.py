"""Canonical columns of every layer Crecida reads, with the aliases and HXL tags it accepts.

Loaders rename whatever a file calls a column to the canonical name here, then validate and
cast. Aliases are compared after :func:`normalise_header` (lower case, accents stripped,
spaces and punctuation as ``_``), so ``Número de familias`` matches ``numero_de_familias``.
"""

from __future__ import annotations

import re
import unicodedata

CENTRE_KINDS: tuple[str, ...] = (
    "school",
    "church",
    "community_hall",
    "coliseum",
    "tent_camp",
    "other",
)
CENTRE_STATUSES: tuple[str, ...] = ("open", "closed", "proposed")

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
    ),
    "name": ("name", "nombre", "site_name", "albergue", "nombre_albergue", "centre", "center"),
    "kind": ("kind", "type", "tipo", "site_type", "tipo_local", "categoria"),
    "district": ("district", "distrito", "adm2", "admin2", "adm2_name"),
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

COMMUNITY_ALIASES: dict[str, tuple[str, ...]] = {
    "community_id": (
        "community_id",
        "id",
        "codigo",
        "cod",
        "ccpp_id",
        "codccpp",
        "pcode",
        "id_comunidad",
    ),
    "name": ("name", "nombre", "comunidad", "nomccpp", "community", "localidad"),
    "district": ("district", "distrito", "adm2", "nombdist", "adm2_name"),
    "population": ("population", "poblacion", "pop", "habitantes", "personas", "persons"),
    "households": ("households", "hogares", "viviendas", "familias", "families", "hh"),
}

DISTRICT_ALIASES: dict[str, tuple[str, ...]] = {
    "district_id": ("district_id", "ubigeo", "iddist", "id", "adm2_pcode", "pcode", "codigo"),
    "name": ("name", "nombre", "nombdist", "distrito", "district", "adm2_es", "adm2_name"),
}

RIVER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "nombre", "rio", "river"),
}

#: HXL hashtags (lower case, attributes sorted) to canonical centre columns.
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
    "#adm2+name": "district",
}

#: Canonical centre column to the HXL tag written on export.
CENTRE_HXL_OUT: dict[str, str] = {
    "centre_id": "#loc+code",
    "name": "#loc+name",
    "kind": "#loc+type",
    "district": "#adm2+name",
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


def normalise_hxl(tag: object) -> str:
    """HXL tag in a comparable form: lower case, no spaces, attributes sorted.

    >>> normalise_hxl(" #Affected +IND ")
    '#affected+ind'
    """
    parts = str(tag).strip().lower().replace(" ", "").split("+")
    return "+".join([parts[0], *sorted(p for p in parts[1:] if p)])

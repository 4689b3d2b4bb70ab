"""The words that must never reach a planner in the language they chose (raw codes of the
data model, English in Spanish, Spanish in English), and the check every wording test uses."""

from __future__ import annotations

import re

#: Codes of the data model that must never reach a planner, in either language.
RAW_CODES: tuple[str, ...] = (
    "over_capacity", "too_far", "no_centre", "unreachable", "at_risk", "partly_flooded",
    "no_data", "flood-aware", "community_hall", "tent_camp", "displaced_est", "pop_exposed",
    "centre_id", "None", "nan", "NaN", "True", "False",
)
#: English in the Spanish interface: the issue's examples, and the words of every label.
ENGLISH: tuple[str, ...] = (
    "flooded", "isolated", "dry", "open", "closed", "proposed", "coverage", "median",
    "straight", "school", "church", "coliseum",
    "Upload", "per file", "Drag and drop", "Browse files", "Finish", "Delete last point",
    "shape edges", "Cancel", "Flooded", "Dry", "At risk", "Isolated", "Centres", "centre",
    "Communities", "Persons", "persons", "Capacity", "Distance", "Download", "red alert",
    "2012 record", "high water", "miles", "mi", "ft", "Zoom in", "Zoom out", "Full Screen",
    "Measure", "Sphere", "latrines", "Layers", "Legend", "Loaded", "Notes", "Save", "Open",
    "Choose", "Press", "the", "is", "not", "file", "column", "row", "missing", "number",
    "found", "must", "give", "should", "cannot", "with", "from", "and",
)
#: Spanish in the English interface (words that the sample's own names do not contain).
SPANISH: tuple[str, ...] = (
    "Inundado", "Seco", "Aislado", "En riesgo", "Desplazados", "desplazados", "Capacidad",
    "Distancia", "Descargar", "alerta roja", "récord", "aguas altas", "Terminar", "Cancelar",
    "Elegir archivo", "arrástrelo", "Leyenda", "Acercar", "Alejar", "Pantalla completa",
    "Esfera", "litros", "letrinas", "Albergues", "albergues", "Personas", "personas", "Guardar",
    "Abrir", "Cargado", "Sitio", "sitios", "Área", "lleno", "menos", "sin lugar", "más",
)
FORBIDDEN: dict[str, tuple[str, ...]] = {"es": RAW_CODES + ENGLISH, "en": RAW_CODES + SPANISH}


def foreign_words(texts, lang: str, *, allow: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(word, text) for every forbidden word of ``lang`` in ``texts`` (whole words), but those
    in ``allow``."""
    hits = []
    for text in texts:
        text = str(text)
        for word in FORBIDDEN[lang]:
            if word in allow:
                continue
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                hits.append((word, text[:160]))
    return hits

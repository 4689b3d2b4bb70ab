"""The interactive map as one standalone HTML file: the exporter's writer for ``.html``.

geo/ never imports Folium, so :func:`geo.export.export` cannot draw this map itself: callers
hand it :data:`WRITERS` (``export(..., writers=layers.html.WRITERS)``), as the app does. The
command line finds it as the ``crecida.writers`` entry point declared in ``pyproject.toml``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from geo.export import Writer
from geo.flood import FloodScenario
from geo.i18n import t
from geo.provenance import Provenance
from geo.schema import one_scenario
from layers.assets import inline_assets
from layers.flood import flood_overlay
from layers.map import build_map

__all__ = ["WRITERS", "write_html"]


def write_html(
    frames: Mapping[str, gpd.GeoDataFrame],
    out: Path,
    *,
    provenance: Provenance,
    lang: str,
    flood: FloodScenario | None,
    threshold_m: float | None,
) -> Path:
    """Write the app's map (:func:`layers.map.build_map`) of ``frames`` to ``out``.

    The flood image and every vector are embedded in the page; Leaflet and its plugins load
    from their CDNs and the web base map needs internet, but the layers show without it. One
    scenario is shown: the flood's, else the last in the data. The provenance is embedded as
    JSON (``<script type="application/json" id="crecida-provenance">``) with the disclaimer
    (and the synthetic-sample warning) in the page's description.

    Parameters
    ----------
    frames
        Layers by export name, in EPSG:4326: ``centres_exposure``, ``communities_exposure``,
        ``districts`` and ``rivers`` are drawn.
    out
        File written (directly: :func:`geo.export.export` hands a temporary path and renames).
    provenance
        What produced the export.
    lang
        ``es`` or ``en``.
    flood
        The scenario whose classified depth is drawn (none when ``None``).
    threshold_m
        Flood threshold of the depth classes (default ``settings.FLOOD_THRESHOLD_M``).
    """
    scenario = flood.name if flood is not None else None
    shown = {name: one_scenario(frame, scenario) for name, frame in frames.items()}
    fmap = build_map(
        lang=lang,
        centres=shown.get("centres_exposure"),
        communities=shown.get("communities_exposure"),
        flood=flood_overlay(flood, threshold_m=threshold_m) if flood is not None else None,
        flood_name=flood.name if flood is not None else "",
        flood_depth_known=flood.has_depth if flood is not None else True,
        districts=shown.get("districts"),
        rivers=shown.get("rivers"),
    )
    page = inline_assets(fmap.get_root().render())
    notes = [t("export.disclaimer", lang)]
    if provenance.is_sample:
        notes.insert(0, t("export.sample_warning", lang))
    head = (
        f'<meta name="generator" content="Crecida {html.escape(provenance.version)}">\n'
        f'<meta name="description" content="{html.escape(" ".join(notes))}">\n'
        '<script type="application/json" id="crecida-provenance">'
        + provenance.to_json().replace("<", "\\u003c") + "</script>\n"
    )
    page = page.replace("<head>", "<head>\n" + head, 1)
    Path(out).write_text(page, encoding="utf-8")
    return Path(out)


#: The writers layers/ adds to :func:`geo.export.export`, by export kind.
WRITERS: Mapping[str, Writer] = {"html": write_html}

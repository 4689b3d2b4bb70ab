"""The interactive map as one standalone HTML file: the exporter's writer for ``.html``.

geo/ never imports Folium, so :func:`geo.export.export` cannot draw this map itself: callers
hand it :data:`WRITERS` (``export(..., writers=layers.html.WRITERS)``), as the app does. The
command line finds it as the ``crecida.writers`` entry point declared in ``pyproject.toml``.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import rasterio

from geo.export import Writer, decimated_depth
from geo.flood import FloodScenario
from geo.i18n import t
from geo.inputs import scenario_label
from geo.provenance import Provenance
from geo.raster import open_raster
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
        flood=_overlay(flood, threshold_m=threshold_m) if flood is not None else None,
        flood_name=scenario_label(flood.name, lang) if flood is not None else "",
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


def _overlay(flood: FloodScenario, *, threshold_m: float | None):
    """The map's flood image, in bounded memory whatever the raster's size.

    A raster larger than :data:`OVERLAY_SOURCE_MAX_CELLS` a side is first decimated on its own
    grid (:func:`geo.export.decimated_depth`: overviews when it has them, else block by block)
    into a temporary depth GeoTIFF, which the image is then drawn from; warping the full
    raster at once is what costs gigabytes on a 100,000-cell-wide raster without overviews.
    """
    if max(flood.shape) <= OVERLAY_SOURCE_MAX_CELLS:
        return flood_overlay(flood, threshold_m=threshold_m)
    depth, transform = decimated_depth(flood, max_cells=OVERLAY_SOURCE_MAX_CELLS)
    with tempfile.TemporaryDirectory(prefix="crecida-") as tmp:
        path = Path(tmp) / "depth.tif"
        with rasterio.open(path, "w", driver="GTiff", width=depth.shape[1],
                           height=depth.shape[0], count=1, dtype="float32", crs=flood.crs,
                           transform=transform, nodata=float("nan")) as ds:
            ds.write(depth, 1)
        small = FloodScenario(name=flood.name, kind="depth",
                              raster=open_raster(path, label=flood.raster.label))
        return flood_overlay(small, threshold_m=threshold_m)


#: Largest side (cells) of a flood raster drawn directly; larger ones are decimated first.
OVERLAY_SOURCE_MAX_CELLS: int = 4096

#: The writers layers/ adds to :func:`geo.export.export`, by export kind.
WRITERS: Mapping[str, Writer] = {"html": write_html}

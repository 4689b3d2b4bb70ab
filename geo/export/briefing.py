"""The printable briefing map: one page for a coordination meeting, a slide or a wall.

:func:`briefing_figure` draws, with matplotlib and no web tiles, the study-area layers
(districts, flood extent by depth class, rivers, communities, centres by flood status) in the
local UTM zone, with everything a professional map product shows: title, scenario and date,
legend, scale bar, north arrow, locator inset, coordinate system, data sources, producer, a
disclaimer ("preliminary, not yet validated in the field"), the synthetic-sample warning
whenever the sample is used, and a summary panel. Texts are in Spanish or English
(:mod:`geo.i18n`); the flood's depth classes are :mod:`geo.depth`'s at the briefing's threshold.
:func:`geo.export.export` saves it as PNG or PDF (:func:`save_briefing`).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geo import settings
from geo.depth import depth_classes
from geo.export.texts import label
from geo.format import format_number
from geo.inputs import scenario_label
from geo.io.files import atomic_path
from geo.palette import (
    COMMUNITY_OUTLINE_COLOUR,
    DISTRICT_OUTLINE_COLOUR,
    RIVER_COLOUR,
    SITE_COLOUR,
    STATUS_COLOURS,
    WATER_UNKNOWN_DEPTH_COLOUR,
)
from geo.provenance import Provenance
from geo.schema import (
    FLOOD_STATUSES,
    NOT_OPERATIONAL_FLOOD_STATUSES,
    capacity_persons,
    flood_status,
    one_scenario,
    operating_status,
)

__all__ = ["BriefingData", "BriefingSummary", "briefing_figure", "briefing_from_layers",
           "save_briefing", "summarise"]

_PAGE_IN = (11.69, 8.27)  # A4 landscape


@dataclass(frozen=True)
class BriefingSummary:
    """Figures of the summary panel; ``None`` shows as "n/a" (not in the data).

    Attributes
    ----------
    centres_flooded, centres_isolated, centres_at_risk
        Number of centres with that flood status.
    families_in_flooded
        Families (``families``) living in flooded centres.
    people_exposed
        Sum of ``pop_exposed`` over communities.
    displaced_est
        Sum of ``displaced_est`` over communities.
    capacity_shortfall
        Displaced people without a place, in persons (see :func:`summarise`).
    """

    centres_flooded: int | None = None
    centres_isolated: int | None = None
    centres_at_risk: int | None = None
    families_in_flooded: int | None = None
    people_exposed: float | None = None
    displaced_est: float | None = None
    capacity_shortfall: float | None = None


@dataclass(frozen=True)
class BriefingData:
    """What the briefing map says besides the layers.

    Attributes
    ----------
    summary
        The summary panel's figures.
    scenario
        Scenario name shown under the title.
    date
        Date shown (ISO ``YYYY-MM-DD``).
    lang
        ``es`` or ``en``.
    title
        Title; default "Collective centres and flooding — Iquitos, Loreto (Peru)".
    sources
        Data sources named in the footer (file names, agencies).
    producer
        Organisation producing the map; "Crecida" when empty.
    is_sample
        Adds "synthetic sample data — not for operational use".
    threshold_m
        Flood threshold (m) at which ``flood_extent`` was classified: the legend names the
        depth classes at this threshold (default ``settings.FLOOD_THRESHOLD_M``).
    """

    summary: BriefingSummary
    scenario: str | None = None
    date: str = ""
    lang: str = "es"
    title: str | None = None
    sources: tuple[str, ...] = ()
    producer: str = ""
    is_sample: bool = False
    threshold_m: float | None = None


def summarise(layers: Mapping[str, gpd.GeoDataFrame], *, scenario: str | None = None
              ) -> BriefingSummary:
    """The summary panel's figures from the exposure (and catchment) layers.

    Rows of layers with a ``scenario`` column are kept for ``scenario`` (for ``None``: the last
    scenario that appears, the most severe in the sample's order).

    The capacity shortfall is the sum of ``unserved_persons`` in ``assignments`` when that
    layer is present; otherwise the displaced estimate minus the spare places (capacity minus
    ``persons``, capacity from ``capacity_persons`` or covered area / 3.5 m² per person) in
    open centres that are neither flooded nor isolated, floored at 0.
    """
    frames = {n: one_scenario(f, scenario) for n, f in layers.items() if f is not None}
    centres = frames.get("centres_exposure")
    counts: dict[str, int | None] = dict.fromkeys(("flooded", "isolated", "at_risk"))
    families = None
    status = flood_status(centres) if centres is not None else None
    if status is not None:
        counts = {s: int((status == s).sum()) for s in counts}
        if "families" in centres.columns:
            families = int(pd.to_numeric(centres.loc[(status == "flooded").to_numpy(),
                                                     "families"]).fillna(0).sum())
    communities = frames.get("communities_exposure")
    exposed = _column_sum(communities, "pop_exposed")
    displaced = _column_sum(communities, "displaced_est")
    shortfall = _column_sum(frames.get("assignments"), "unserved_persons")
    if shortfall is None and displaced is not None and centres is not None:
        spare = _spare_places(centres, status)
        if spare is not None:
            shortfall = max(0.0, displaced - spare)
    return BriefingSummary(
        centres_flooded=counts["flooded"], centres_isolated=counts["isolated"],
        centres_at_risk=counts["at_risk"], families_in_flooded=families,
        people_exposed=exposed, displaced_est=displaced, capacity_shortfall=shortfall,
    )


def briefing_from_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    provenance: Provenance,
    scenario: str | None = None,
    lang: str = "es",
    threshold_m: float | None = None,
) -> BriefingData:
    """Briefing texts and figures from the layers and the export's provenance.

    ``threshold_m`` is the flood threshold of the ``flood_extent`` layer's depth classes
    (default ``settings.FLOOD_THRESHOLD_M``).
    """
    scenario = scenario or _last_scenario(layers)
    return BriefingData(
        summary=summarise(layers, scenario=scenario),
        scenario=scenario,
        date=provenance.created_utc[:10],
        lang=lang,
        sources=tuple(dict.fromkeys(i.name for i in provenance.inputs)),
        producer=provenance.producer,
        is_sample=provenance.is_sample,
        threshold_m=threshold_m,
    )


def briefing_figure(layers: Mapping[str, gpd.GeoDataFrame], *, data: BriefingData,
                    provenance: Provenance | None = None) -> Figure:
    """Draw the briefing map (A4 landscape) and return the figure; the caller saves it.

    Parameters
    ----------
    layers
        Layers by name (any CRS): ``districts``, ``flood_extent``, ``rivers``,
        ``communities_exposure``, ``centres_exposure`` and, when present, ``new_sites``.
        Layers with a ``scenario`` column are drawn for ``data.scenario``.
    data
        Title, scenario, date, summary, sources, producer, language.
    provenance
        Adds Crecida's version to the footer.
    """
    lang = data.lang
    frames = {n: one_scenario(f, data.scenario) for n, f in layers.items()
              if f is not None and len(f)}
    work_crs = _work_crs(frames)
    projected = {n: f.to_crs(work_crs) for n, f in frames.items()}

    fig = Figure(figsize=_PAGE_IN)
    title = _plain(data.title) if data.title else label(
        "export.title", lang, area=label("export.area", lang))
    fig.text(0.03, 0.945, title, fontsize=17, fontweight="bold", va="top")
    scenario = _plain(scenario_label(data.scenario, lang) if data.scenario else "—")
    fig.text(0.03, 0.9, label("export.scenario_date", lang, scenario=scenario,
                               date=data.date or dt.date.today().isoformat()),
             fontsize=11, va="top")
    if data.is_sample:
        fig.text(0.03, 0.988, label("export.sample_warning", lang), fontsize=9,
                 fontweight="bold", color="white", va="top", ha="left",
                 bbox={"facecolor": "#b2182b", "edgecolor": "none", "pad": 3})

    ax = fig.add_axes((0.03, 0.15, 0.64, 0.72))
    handles = _draw_layers(ax, projected, lang, threshold_m=data.threshold_m)
    extent = _extent(projected)
    if extent is not None:
        _set_extent(ax, extent)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax)
    _north_arrow(ax)

    _locator(fig.add_axes((0.71, 0.66, 0.26, 0.21)), frames, projected, work_crs, lang)
    legend_ax = fig.add_axes((0.70, 0.36, 0.28, 0.28))
    legend_ax.axis("off")
    legend_ax.legend(handles=handles, loc="upper left", title=label("export.legend", lang),
                     fontsize=8, title_fontsize=10, frameon=False, alignment="left")
    _summary_panel(fig.add_axes((0.70, 0.15, 0.28, 0.21)), data.summary, lang)

    crs_text = f"{work_crs.name} (EPSG:{work_crs.to_epsg()})" if work_crs.to_epsg() else \
        work_crs.name
    sources = _plain(", ".join(data.sources) or "—")
    version = f"Crecida {provenance.version}" if provenance else "Crecida"
    producer = f"{_plain(data.producer)} · {version}" if data.producer else version
    footer = [
        label("export.crs", lang, crs=crs_text),
        label("export.sources", lang, sources=sources),
        label("export.producer", lang, producer=producer, date=data.date or "—"),
    ]
    footer = [textwrap.shorten(line, width=200, placeholder=" …") for line in footer]
    fig.text(0.03, 0.115, "\n".join(footer), fontsize=7.5, va="top", linespacing=1.5)
    disclaimer = label("export.disclaimer", lang)
    if data.is_sample:
        disclaimer = f"{label('export.sample_warning', lang)}. {disclaimer}"
    fig.text(0.03, 0.035, disclaimer, fontsize=7.5, va="top", style="italic", wrap=True,
             color="#444444")
    return fig


# --- Drawing ----------------------------------------------------------------------------------
def _draw_layers(ax, frames: Mapping[str, gpd.GeoDataFrame], lang: str, *,
                 threshold_m: float | None) -> list:
    handles: list = []
    ax.set_facecolor("#f7f7f4")
    districts = frames.get("districts")
    if districts is not None:
        districts.plot(ax=ax, facecolor="#efece6", edgecolor=DISTRICT_OUTLINE_COLOUR,
                       linewidth=0.8, zorder=1)
        handles.append(Patch(facecolor="#efece6", edgecolor=DISTRICT_OUTLINE_COLOUR,
                             label=label("export.districts", lang)))
    flood = frames.get("flood_extent")
    if flood is not None and "depth_class" in flood.columns:
        classes = depth_classes(threshold_m)
        for code in sorted(int(c) for c in flood["depth_class"].dropna().unique()):
            part = flood[flood["depth_class"] == code]
            colour = classes.colour(code)
            part.plot(ax=ax, color=colour, alpha=0.75, linewidth=0, zorder=2)
            text = classes.label(code, lang)
            handles.append(Patch(facecolor=colour, alpha=0.75,
                                 label=f"{label('export.flood_extent', lang)}: {text}"))
    elif flood is not None:
        flood.plot(ax=ax, color=WATER_UNKNOWN_DEPTH_COLOUR, alpha=0.75, linewidth=0, zorder=2)
        handles.append(Patch(facecolor=WATER_UNKNOWN_DEPTH_COLOUR,
                             label=label("export.flood_extent", lang)))
    rivers = frames.get("rivers")
    if rivers is not None:
        rivers.plot(ax=ax, color=RIVER_COLOUR, linewidth=1.4, zorder=3)
        handles.append(Line2D([], [], color=RIVER_COLOUR, linewidth=1.4,
                              label=label("export.rivers", lang)))
    communities = frames.get("communities_exposure")
    if communities is not None:
        communities.plot(ax=ax, facecolor="none", edgecolor=COMMUNITY_OUTLINE_COLOUR,
                         linewidth=0.7, linestyle="--", zorder=4)
        handles.append(Patch(facecolor="none", edgecolor=COMMUNITY_OUTLINE_COLOUR,
                             linestyle="--", label=label("export.communities", lang)))
    centres = frames.get("centres_exposure")
    if centres is not None:
        status = flood_status(centres)
        if status is None:
            status = pd.Series("unknown", index=centres.index)
        for value in reversed(FLOOD_STATUSES):  # the worst drawn last, on top
            part = centres[(status == value).to_numpy()]
            if len(part):
                part.plot(ax=ax, color=STATUS_COLOURS[value], markersize=34,
                          edgecolor="#222222", linewidth=0.6, zorder=6)
        for value in FLOOD_STATUSES:
            count = int((status == value).sum())
            if count:
                handles.append(Line2D(
                    [], [], marker="o", linestyle="none", markersize=7,
                    markerfacecolor=STATUS_COLOURS[value], markeredgecolor="#222222",
                    label=f"{label('export.centres', lang)}: "
                          f"{label(f'status_{value}', lang, default=value)} ({count})"))
    sites = frames.get("new_sites")
    if sites is not None:
        sites.plot(ax=ax, color=SITE_COLOUR, marker="*", markersize=120, edgecolor="white",
                   linewidth=0.6, zorder=7)
        handles.append(Line2D([], [], marker="*", linestyle="none", markersize=11,
                              markerfacecolor=SITE_COLOUR, markeredgecolor="white",
                              label=label("export.new_sites", lang)))
    return handles


def _scale_bar(ax) -> None:
    """A two-part black and white bar of a round length, lower left, in map metres."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = x1 - x0
    target = width / 5
    power = 10 ** math.floor(math.log10(target))
    length = max(m * power for m in (1, 2, 5) if m * power <= target)
    height = (y1 - y0) * 0.012
    left, bottom = x0 + width * 0.04, y0 + (y1 - y0) * 0.05
    ax.add_patch(Rectangle((left - width * 0.02, bottom - height * 1.5), length + width * 0.06,
                           height * 6, facecolor="white", alpha=0.75, edgecolor="none",
                           zorder=19))
    ax.add_patch(Rectangle((left, bottom), length / 2, height, facecolor="black",
                           edgecolor="black", zorder=20))
    ax.add_patch(Rectangle((left + length / 2, bottom), length / 2, height, facecolor="white",
                           edgecolor="black", zorder=20))
    unit, factor = ("km", 1000) if length >= 1000 else ("m", 1)
    for pos, value in ((0, 0), (length / 2, length / 2), (length, length)):
        text = f"{value / factor:g}" + (f" {unit}" if pos == length else "")
        ax.text(left + pos, bottom + height * 1.8, text, ha="center", va="bottom", fontsize=8,
                zorder=20)


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="center", fontsize=12,
                fontweight="bold", arrowprops={"facecolor": "black", "width": 4,
                                               "headwidth": 12, "headlength": 10})


def _locator(ax, frames, projected, work_crs, lang: str) -> None:
    """The study area within the Loreto region (lon/lat), no basemap needed."""
    left, bottom, right, top = settings.STUDY_AREA_BOUNDS_LONLAT
    ax.add_patch(Rectangle((left, bottom), right - left, top - bottom, facecolor="#eef3e8",
                           edgecolor="#777777", linewidth=0.8))
    for name in ("districts", "rivers"):
        frame = frames.get(name)
        if frame is not None:
            frame.to_crs(settings.DISPLAY_CRS).plot(ax=ax, color="#999999", linewidth=0.4)
    extent = _extent(projected)
    if extent is not None:
        box = gpd.GeoSeries.from_xy([extent[0], extent[2]], [extent[1], extent[3]],
                                    crs=work_crs).to_crs(settings.DISPLAY_CRS)
        (x0, x1), (y0, y1) = sorted(box.x), sorted(box.y)
        ax.add_patch(Rectangle((x0, y0), max(x1 - x0, 0.05), max(y1 - y0, 0.05),
                               facecolor="#d7191c", edgecolor="#d7191c", alpha=0.8))
    ax.set_xlim(left - 0.3, right + 0.3)
    ax.set_ylim(bottom - 0.3, top + 0.3)
    ax.set_aspect("equal")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):g}°{'W' if v < 0 else 'E'}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{abs(v):g}°{'S' if v < 0 else 'N'}")
    ax.tick_params(labelsize=6)
    ax.set_title(label("export.locator", lang), fontsize=8)


def _summary_panel(ax, summary: BriefingSummary, lang: str) -> None:
    ax.axis("off")
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor="#f4f4f4",
                           edgecolor="#bbbbbb"))
    rows = [
        ("export.centres_flooded", summary.centres_flooded),
        ("export.centres_isolated", summary.centres_isolated),
        ("export.centres_at_risk", summary.centres_at_risk),
        ("export.families_flooded", summary.families_in_flooded),
        ("export.people_exposed", summary.people_exposed),
        ("export.displaced_est", summary.displaced_est),
        ("export.capacity_shortfall", summary.capacity_shortfall),
    ]
    ax.text(0.04, 0.93, label("export.summary", lang), fontsize=10, fontweight="bold",
            va="top", transform=ax.transAxes)
    na = label("export.not_available", lang)
    for i, (key, value) in enumerate(rows):
        y = 0.78 - i * 0.11
        ax.text(0.04, y, label(key, lang), fontsize=8.5, va="top", transform=ax.transAxes)
        text = format_number(value, lang, missing=na)
        ax.text(0.96, y, text, fontsize=8.5, va="top", ha="right", fontweight="bold",
                transform=ax.transAxes)


def _plain(text: str) -> str:
    """User text shown literally: ``$`` would otherwise start matplotlib's mathtext."""
    return str(text).replace("$", r"\$")


def save_briefing(fig: Figure, out: Path, *, kind: str, dpi: int, data: BriefingData,
                  provenance: Provenance) -> Path:
    """Save the briefing figure atomically: ``kind`` ``png`` (at ≥ 150 dpi, provenance in the
    PNG text chunks) or ``pdf`` (TrueType text, provenance in the document's keywords)."""
    import matplotlib

    title = data.title or label("export.title", data.lang,
                                 area=label("export.area", data.lang))
    if kind == "pdf":
        metadata = {
            "Title": title,
            "Author": provenance.producer or "Crecida",
            "Subject": f"{scenario_label(data.scenario, data.lang) if data.scenario else ''} — "
                       f"{label('export.disclaimer', data.lang)}",
            "Keywords": provenance.to_json(),
            "Creator": f"Crecida {provenance.version}",
        }
    else:
        metadata = {"Title": title, "Software": f"Crecida {provenance.version}",
                    "Description": provenance.to_json()}
    with matplotlib.rc_context({"pdf.fonttype": 42}), atomic_path(Path(out)) as tmp:
        fig.savefig(tmp, format=kind, dpi=max(dpi, 150), metadata=metadata)
    return Path(out)


# --- Helpers ----------------------------------------------------------------------------------
def _last_scenario(layers: Mapping[str, gpd.GeoDataFrame]) -> str | None:
    for name in ("centres_exposure", "communities_exposure", "flood_extent"):
        frame = layers.get(name)
        if frame is not None and "scenario" in frame.columns and frame["scenario"].notna().any():
            return str(frame["scenario"].dropna().iloc[-1])
    return None


def _column_sum(frame: gpd.GeoDataFrame | None, column: str) -> float | None:
    if frame is None or column not in frame.columns:
        return None
    return float(pd.to_numeric(frame[column], errors="coerce").fillna(0).sum())


def _spare_places(centres: gpd.GeoDataFrame, status: pd.Series | None) -> float | None:
    """Free places (persons) in open centres that are neither flooded nor isolated."""
    if "capacity_persons" not in centres.columns and "covered_area_m2" not in centres.columns:
        return None
    capacity, _source = capacity_persons(centres)
    occupants = pd.to_numeric(centres.get("persons", 0), errors="coerce")
    spare = (capacity - occupants.fillna(0)).clip(lower=0).fillna(0)
    usable = operating_status(centres).eq("open")
    if status is not None:
        usable &= ~status.isin(NOT_OPERATIONAL_FLOOD_STATUSES).to_numpy()
    return float(spare[usable].sum())

def _work_crs(frames: Mapping[str, gpd.GeoDataFrame]):
    for name in ("centres_exposure", "communities_exposure", "districts", "flood_extent"):
        frame = frames.get(name)
        if frame is not None and len(frame):
            return frame.to_crs(settings.DISPLAY_CRS).estimate_utm_crs()
    from pyproj import CRS

    return CRS.from_user_input(settings.WORK_CRS)


def _extent(frames: Mapping[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    """Map extent: centres and communities (else every layer), with a 6 % margin."""
    focus = [f for n, f in frames.items() if n in ("centres_exposure", "communities_exposure")]
    chosen = focus or list(frames.values())
    bounds = [f.total_bounds for f in chosen if len(f) and np.isfinite(f.total_bounds).all()]
    if not bounds:
        return None
    arr = np.array(bounds)
    left, bottom = arr[:, 0].min(), arr[:, 1].min()
    right, top = arr[:, 2].max(), arr[:, 3].max()
    pad = max(right - left, top - bottom, 2000.0) * 0.06
    return left - pad, bottom - pad, right + pad, top + pad


def _set_extent(ax, extent: tuple[float, float, float, float]) -> None:
    """Fit the extent to the axes' shape without distorting the map (equal aspect)."""
    left, bottom, right, top = extent
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    box_ratio = (pos.height * fig_h) / (pos.width * fig_w)
    width, height = right - left, top - bottom
    if height / width < box_ratio:
        height = width * box_ratio
    else:
        width = height / box_ratio
    cx, cy = (left + right) / 2, (bottom + top) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")

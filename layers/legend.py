"""A map legend as one Leaflet control (bottom right), built from sections.

The legend is plain HTML generated here (every label escaped) and handed to Leaflet as a JSON
string, so it needs no extra library and renders the same inside Streamlit and in a standalone
HTML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from branca.element import MacroElement
from jinja2 import Template

from geo.depth import DepthClasses
from geo.i18n import t
from geo.schema import FLOOD_STATUSES
from layers import style
from layers.markup import escape_text

Swatch = Literal["box", "circle", "ring", "dashed_circle", "diamond", "line", "dashed"]


@dataclass(frozen=True)
class LegendItem:
    """One row: a swatch of ``colour`` drawn as ``swatch``, then ``label``."""

    colour: str
    label: str
    swatch: Swatch = "box"


@dataclass(frozen=True)
class LegendSection:
    """A titled group of rows, one per class of a layer."""

    title: str
    items: tuple[LegendItem, ...]
    note: str | None = None


_SWATCH_CSS: dict[str, str] = {
    "box": "display:inline-block;width:14px;height:12px;border:1px solid #555;"
           "margin-right:6px;vertical-align:middle;background:{c};opacity:0.85",
    "circle": "display:inline-block;width:12px;height:12px;border:1px solid #222;"
              "border-radius:50%;margin-right:6px;vertical-align:middle;background:{c}",
    "ring": "display:inline-block;width:8px;height:8px;border:3px solid {c};"
            "border-radius:50%;margin-right:6px;vertical-align:middle;background:#fff",
    "dashed_circle": "display:inline-block;width:10px;height:10px;border:2px dashed #111;"
                     "border-radius:50%;margin-right:6px;vertical-align:middle;background:{c}",
    "diamond": "display:inline-block;width:10px;height:10px;border:2px solid #fff;"
               "outline:1px solid #222;transform:rotate(45deg);margin:0 8px 0 3px;"
               "vertical-align:middle;background:{c}",
    "line": "display:inline-block;width:16px;height:0;border-top:3px solid {c};"
            "margin-right:6px;vertical-align:middle",
    "dashed": "display:inline-block;width:16px;height:0;border-top:2px dashed {c};"
              "margin-right:6px;vertical-align:middle",
}

#: Neutral colour of the operating-status swatches (the shape tells the status, not the colour).
_NEUTRAL = "#8c8c8c"


def legend_html(sections: list[LegendSection]) -> str:
    """The legend's inner HTML; titles, labels and notes are escaped."""
    parts = []
    for section in sections:
        parts.append('<div class="crecida-legend-section" style="flex:0 1 auto;min-width:0">'
                     f"<b>{escape_text(section.title)}</b>")
        for item in section.items:
            css = _SWATCH_CSS[item.swatch].format(c=escape_text(item.colour))
            parts.append(f'<div><span style="{css}"></span>{escape_text(item.label)}</div>')
        if section.note:
            parts.append('<div style="color:#555;font-size:10.5px;max-width:170px">'
                         f"{escape_text(section.note)}</div>")
        parts.append("</div>")
    return "".join(parts)


class Legend(MacroElement):
    """A Leaflet control at the bottom right holding :func:`legend_html`, shown whole (sections
    side by side, wrapping; never scrolling inside itself), with a link that hides it and shows
    it again (texts in ``lang``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function() {
                var legend = L.control({position: "bottomright"});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "crecida-legend");
                    div.style.cssText = {{ this.css|tojson }};
                    var toggle = L.DomUtil.create("a", "crecida-legend-toggle", div);
                    toggle.href = "#";
                    toggle.style.cssText = "display:block;text-align:right;font-size:10.5px;"
                        + "color:#333;margin-bottom:2px";
                    toggle.textContent = {{ this.hide|tojson }};
                    var body = L.DomUtil.create("div", "crecida-legend-body", div);
                    body.style.cssText = {{ this.body_css|tojson }};
                    body.innerHTML = {{ this.content|tojson }};
                    L.DomEvent.on(toggle, "click", function (e) {
                        L.DomEvent.preventDefault(e);
                        var shown = body.style.display !== "none";
                        body.style.display = shown ? "none" : "flex";
                        toggle.textContent = shown ? {{ this.show|tojson }}
                                                   : {{ this.hide|tojson }};
                    });
                    L.DomEvent.disableScrollPropagation(div);
                    L.DomEvent.disableClickPropagation(div);
                    return div;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, sections: list[LegendSection], *, lang: str = "es"):
        super().__init__()
        self._name = "Legend"
        self.content = legend_html(sections)
        self.hide = t("legend_hide", lang)
        self.show = t("legend_show", lang)
        self.css = ("background:rgba(255,255,255,0.94);padding:3px 8px 5px;border-radius:4px;"
                    "box-shadow:0 1px 4px rgba(0,0,0,0.3);font:11px/1.3 sans-serif;"
                    "max-width:calc(100vw - 70px);margin:0 6px 6px 0")
        self.body_css = "display:flex;flex-wrap:wrap;align-items:flex-start;gap:4px 14px"


def _number(value: float) -> str:
    return f"{value:g}"


def flood_section(classes: DepthClasses, *, lang: str, depth_known: bool = True
                  ) -> LegendSection:
    """Depth classes of the flood overlay (``FloodOverlay.depth_classes``), shallow to deep;
    for a 0/1 extent (``depth_known=False``) one row, water of unknown depth."""
    codes = classes.codes if depth_known else (classes.unknown,)
    items = tuple(LegendItem(classes.colour(code), classes.label(code, lang)) for code in codes)
    return LegendSection(t("legend_flood", lang), items)


def centres_section(*, lang: str, statuses: tuple[str, ...] = FLOOD_STATUSES[:4]
                    ) -> LegendSection:
    """Flood statuses of the centres, worst first."""
    items = tuple(LegendItem(style.STATUS_COLOURS[s], t(f"status_{s}", lang), "circle")
                  for s in statuses)
    return LegendSection(t("legend_centres", lang), items, note=t("legend_centres_note", lang))


def operating_section(*, lang: str, statuses: tuple[str, ...] = ("open", "closed", "proposed")
                      ) -> LegendSection:
    """How the centres' operating status shows: filled (open), a ring around a white centre
    (closed), a dashed dark outline (proposed) — the colour stays the flood status's."""
    swatches = {"open": "circle", "closed": "ring", "proposed": "dashed_circle"}
    items = tuple(LegendItem(_NEUTRAL, t(f"legend_op_{s}", lang), swatches[s])
                  for s in statuses if s in swatches)
    return LegendSection(t("legend_operating", lang), items)


def communities_section(*, lang: str) -> LegendSection:
    """Flooded-share classes of the communities."""
    items = [LegendItem(style.COMMUNITY_DRY_COLOUR, t("legend_share_none", lang))]
    edges = style.FLOODED_SHARE_EDGES
    for i, (low, colour) in enumerate(zip(edges, style.FLOODED_SHARE_COLOURS, strict=True)):
        if i + 1 < len(edges):
            label = t("legend_share_range", lang, low=_number(low * 100),
                      high=_number(edges[i + 1] * 100))
        else:
            label = t("legend_share_above", lang, low=_number(low * 100))
        items.append(LegendItem(colour, label))
    return LegendSection(t("legend_communities", lang), tuple(items))


def lines_section(*, lang: str, districts: bool, rivers: bool) -> LegendSection | None:
    """District outlines and rivers, when shown."""
    items = []
    if districts:
        items.append(LegendItem(style.DISTRICT_OUTLINE_COLOUR, t("layer_districts", lang),
                                "dashed"))
    if rivers:
        items.append(LegendItem(style.RIVER_COLOUR, t("layer_rivers", lang), "line"))
    return LegendSection(t("legend_lines", lang), tuple(items)) if items else None

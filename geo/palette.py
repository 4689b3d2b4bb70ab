"""Colours shared by the app's map layers, the exports and the briefing map.

One place for the palette so that the map, its legend, the KML/QGIS styles and the printed
briefing map agree. Pure data (no drawing library), so ``geo/`` and ``layers/`` both use it.
Colours are hex strings (``#rrggbb``); alphas are 0–255.
"""

from __future__ import annotations

#: Flood status of a centre (from the exposure engine) to its marker colour.
#: Red, purple, orange and green stay distinguishable for the common colour-vision deficiencies
#: when paired with the marker size and the legend's words.
STATUS_COLOURS: dict[str, str] = {
    "flooded": "#d7191c",
    "isolated": "#7b3294",
    "at_risk": "#f08c00",
    "dry": "#1a9641",
    "unknown": "#7f7f7f",
}

#: Fill colours of the flood-depth classes, shallow to deep: one per configured class of
#: ``settings.DEPTH_CLASSES_M`` (the last repeats for any extra class). A depth class derived at
#: another threshold takes the colour of the configured class it lies in (:mod:`geo.depth`).
DEPTH_CLASS_COLOURS: tuple[str, ...] = ("#9ecae1", "#4292c6", "#08306b")

#: A depth class below the first configured edge (a flood threshold under 0.1 m).
DEPTH_SHALLOW_COLOUR: str = "#deebf7"

#: Water whose depth is unknown (0/1 extent rasters).
WATER_UNKNOWN_DEPTH_COLOUR: str = "#3f8fd2"

#: Alpha of the flood overlay (semi-transparent so streets and centres show through).
FLOOD_ALPHA: int = 170

#: Shares of a community that is under water, as class edges (0–1) and their fill colours.
FLOODED_SHARE_EDGES: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75)
FLOODED_SHARE_COLOURS: tuple[str, ...] = ("#fff3b0", "#fdb863", "#e66101", "#a6361c")
COMMUNITY_DRY_COLOUR: str = "#f7f7f7"
COMMUNITY_OUTLINE_COLOUR: str = "#6b4e16"

DISTRICT_OUTLINE_COLOUR: str = "#333333"
RIVER_COLOUR: str = "#2b6cb0"

#: Catchment zones are told apart by cycling these light fills.
CATCHMENT_COLOURS: tuple[str, ...] = (
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
)
ASSIGNMENT_LINE_COLOUR: str = "#555555"
UNSERVED_COLOUR: str = "#b2182b"

#: New sites proposed by the optimiser, and the area a planner draws.
SITE_COLOUR: str = "#0571b0"
DRAWN_AREA_COLOUR: str = "#e7298a"
SUITABLE_COLOUR: str = "#4dac26"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as an (r, g, b) tuple of 0–255 integers.

    >>> hex_to_rgb("#1a9641")
    (26, 150, 65)
    """
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def depth_class_colour(index: int) -> str:
    """Colour of depth class ``index`` (0 = shallowest); deeper extra classes reuse the last."""
    return DEPTH_CLASS_COLOURS[min(index, len(DEPTH_CLASS_COLOURS) - 1)]


def flooded_share_colour(share: float) -> str:
    """Fill of a community whose ``share`` (0–1) is under water; NaN or 0 gives the dry fill."""
    if not share or share != share or share <= 0:
        return COMMUNITY_DRY_COLOUR
    colour = FLOODED_SHARE_COLOURS[0]
    for edge, fill in zip(FLOODED_SHARE_EDGES, FLOODED_SHARE_COLOURS, strict=True):
        if share > edge:
            colour = fill
    return colour

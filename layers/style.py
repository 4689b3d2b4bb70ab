"""The map palette, as the layers use it (defined once in :mod:`geo.palette`)."""

from geo.palette import *  # noqa: F403
from geo.palette import depth_class_colour, flooded_share_colour, hex_to_rgb  # noqa: F401

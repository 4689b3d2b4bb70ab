"""Every export format, chosen by the output file's extension: ``export(layers, out, ...)``.

Modules, one per concern (none imports ``layers/``; the HTML map's writer is handed in):

- :mod:`~geo.export.dispatch` — :func:`export`, :func:`export_format`, :data:`EXPORT_FORMATS`,
  :func:`output_path_problems` (checked before any work)
- :mod:`~geo.export.failures` — :func:`output_errors` (a failed write as an
  :class:`~geo.errors.OutputError` naming the file)
- :mod:`~geo.export.frames` — layers prepared for writing
- :mod:`~geo.export.vector` — GeoPackage, GeoJSON, zips of GeoJSON files or shapefiles
- :mod:`~geo.export.table` — CSV with an HXL tag row; formula-leading text neutralised
- :mod:`~geo.export.kml` — KML and KMZ
- :mod:`~geo.export.raster` — classified-depth COG and depth-class polygons of the flood
- :mod:`~geo.export.styles` — QGIS QML and OGC SLD styles
- :mod:`~geo.export.briefing` — the printable briefing map (PNG, PDF; imports matplotlib)
- :mod:`~geo.export.texts` — labels from :mod:`geo.i18n` with a fallback for data names

Every file is written through :func:`geo.io.files.atomic_path` — to a temporary name, renamed
into place (``os.replace``), so a reader never sees half a file and a failed export leaves the
old one; a GeoPackage and its companion GeoTIFF go through :func:`atomic_paths` together.

Layers with a ``scenario`` column hold one row per feature per scenario; pass ``scenario=`` to
keep one. A centre's flood status is read from ``flood_status``, or from ``status`` when that
column holds flood statuses (flooded, isolated, at_risk, dry, unknown). Depth classes are
:mod:`geo.depth`'s.
"""

from geo.depth import classify_depth, depth_class_labels
from geo.export.dispatch import (
    EXPORT_FORMATS,
    Writer,
    companion_tif,
    export,
    export_format,
    output_path_problems,
)
from geo.export.failures import output_errors
from geo.export.raster import (
    DEPTH_NODATA,
    decimated_depth,
    flood_extent_polygons,
    write_classified_depth,
)
from geo.export.table import safe_cell
from geo.export.vector import shapefile_field_names
from geo.io.files import atomic_paths

__all__ = [
    "DEPTH_NODATA",
    "EXPORT_FORMATS",
    "Writer",
    "atomic_paths",
    "classify_depth",
    "companion_tif",
    "decimated_depth",
    "depth_class_labels",
    "export",
    "export_format",
    "flood_extent_polygons",
    "output_errors",
    "output_path_problems",
    "safe_cell",
    "shapefile_field_names",
    "write_classified_depth",
]

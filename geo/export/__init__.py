"""Every export format, chosen by the output file's extension: ``export(layers, out, ...)``.

Modules, one per concern (none imports ``layers/``; the HTML map's writer is handed in):

- :mod:`~geo.export.dispatch` — :func:`export`, :func:`export_format`, :data:`EXPORT_FORMATS`
- :mod:`~geo.export.frames` — :func:`analysis_layers`; layers prepared for writing
- :mod:`~geo.export.vector` — GeoPackage, GeoJSON, zips of GeoJSON files or shapefiles
- :mod:`~geo.export.table` — CSV with an HXL tag row
- :mod:`~geo.export.kml` — KML and KMZ
- :mod:`~geo.export.raster` — classified-depth COG and depth-class polygons of the flood
- :mod:`~geo.export.styles` — QGIS QML and OGC SLD styles
- :mod:`~geo.export.briefing` — the printable briefing map (PNG, PDF; imports matplotlib)
- :mod:`~geo.export.texts` — labels from :mod:`geo.i18n` with a fallback for data names

Every file is written through :func:`geo.io.files.atomic_path` — to a temporary name, renamed
into place (``os.replace``) — so a reader never sees half a file and a failed export leaves the
old one.

Layers with a ``scenario`` column hold one row per feature per scenario; pass ``scenario=`` to
keep one. A centre's flood status is read from ``flood_status``, or from ``status`` when that
column holds flood statuses (flooded, isolated, at_risk, dry, unknown). Depth classes are
:mod:`geo.depth`'s.
"""

from geo.depth import classify_depth, depth_class_labels
from geo.export.dispatch import EXPORT_FORMATS, Writer, export, export_format
from geo.export.frames import analysis_layers
from geo.export.raster import DEPTH_NODATA, flood_extent_polygons, write_classified_depth
from geo.export.vector import shapefile_field_names

__all__ = [
    "DEPTH_NODATA",
    "EXPORT_FORMATS",
    "Writer",
    "analysis_layers",
    "classify_depth",
    "depth_class_labels",
    "export",
    "export_format",
    "flood_extent_polygons",
    "shapefile_field_names",
    "write_classified_depth",
]

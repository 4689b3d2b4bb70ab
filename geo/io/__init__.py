"""Files in and out: reading what planners bring, writing results, safe file handling.

The readers (:mod:`geo.io.readers`) return validated GeoDataFrames in EPSG:4326 with the
canonical columns of :mod:`geo.schema`, or raise one :class:`~geo.errors.InputError` listing
every problem. The package is split by concern:

- :mod:`~geo.io.formats` — which file names are tables and which vector layers;
- :mod:`~geo.io.tables` — CSV/TXT/TSV/XLSX as cells (encodings, separators, header row,
  sheet, HXL row);
- :mod:`~geo.io.vector` — vector sources and the choice of their layer (zips of several
  shapefiles, GeoPackages, KML/KMZ folders, File Geodatabases);
- :mod:`~geo.io.products` — vector flood products (Copernicus EMS, UNOSAT): classes and the
  observed area;
- :mod:`~geo.io.archives` — safe zip unpacking (zips, KMZ, XLSX), the one place that enforces
  the zip limits;
- :mod:`~geo.io.columns` — canonical column names from headers and HXL tags;
- :mod:`~geo.io.validate` — cell values (numbers, coordinates, counts, ids, categories);
- :mod:`~geo.io.geometry` — geometry kind, CRS and repair;
- :mod:`~geo.io.readers` — the public readers, assembling the above;
- :mod:`~geo.io.write` — results as GeoPackage layers;
- :mod:`~geo.io.files` — atomic writes and file hashes, used project-wide.

Only this package touches input files; everything else takes and returns frames.
"""

from geo.io.archives import check_zip, extracted_zip, safe_extract_zip
from geo.io.files import PathLike, atomic_path, atomic_paths, sha256_file
from geo.io.formats import ACCEPTED_FORMATS, TABLE_SUFFIXES, VECTOR_SUFFIXES, is_vector_path
from geo.io.products import FLOOD_CLASSES, VectorFlood, read_flood_vector
from geo.io.readers import (
    read_centres,
    read_communities,
    read_districts,
    read_flood_polygons,
    read_points,
    read_rivers,
)
from geo.io.tables import list_sheets
from geo.io.vector import LayerInfo, list_layers
from geo.io.write import write_layers

__all__ = [
    "ACCEPTED_FORMATS",
    "FLOOD_CLASSES",
    "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES",
    "LayerInfo",
    "PathLike",
    "VectorFlood",
    "atomic_path",
    "atomic_paths",
    "check_zip",
    "extracted_zip",
    "is_vector_path",
    "list_layers",
    "list_sheets",
    "read_centres",
    "read_communities",
    "read_districts",
    "read_flood_polygons",
    "read_flood_vector",
    "read_points",
    "read_rivers",
    "safe_extract_zip",
    "sha256_file",
    "write_layers",
]

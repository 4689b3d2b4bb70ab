"""Reading vector files: GeoJSON, GeoPackage, KML/KMZ, FlatGeobuf and (zipped) shapefiles.

Which layer: the first layer that has geometry (a GeoPackage may also hold attribute tables);
a zip must hold exactly one shapefile. A shapefile without its ``.prj`` is refused rather than
given a guessed coordinate system. The layer's own CRS is kept here; converting it to the
display CRS is :func:`geo.io.geometry.to_display_crs`.
"""

from __future__ import annotations

import glob
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.errors import CRSError, FormatError, Problem
from geo.io.archives import extracted_zip
from geo.io.formats import ACCEPTED_FORMATS, exception_summary

__all__ = ["read_vector"]

#: KML's standard placemark fields that GDAL turns into columns; dropped when all blank.
_KML_STANDARD_FIELDS = ("id", "description", "timestamp", "begin", "end", "icon")
#: KML rendering hints GDAL turns into columns; never attributes, always dropped.
_KML_RENDERING_FIELDS = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder")


def read_vector(path: Path, *, label: str) -> gpd.GeoDataFrame:
    """Read the first layer with geometry of a vector file; zips are checked and unpacked.

    Parameters
    ----------
    path
        A vector file, or a zip holding one shapefile (unpacked with the limits of
        :mod:`geo.io.archives` into a temporary folder removed after reading).
    label
        Name used in messages.

    Returns
    -------
    GeoDataFrame
        The features in the file's own CRS (``None`` when it declares none), with text
        column names; KML's unused standard fields and rendering hints dropped.

    Raises
    ------
    FormatError
        Unreadable, no layer, no feature, a zip without exactly one shapefile, or a shapefile
        without its ``.dbf`` or ``.shx``.
    CRSError
        A shapefile without its ``.prj``.
    """
    name = path.name.lower()
    if name.endswith(".zip"):
        with extracted_zip(path, label=label) as folder:
            return read_vector(_shapefile_in(folder, label=label), label=label)
    if name.endswith(".shp"):
        _check_shapefile_parts(path, label=label)
    try:
        layers = pyogrio.list_layers(path)
        if len(layers) == 0:
            raise FormatError(Problem("the file holds no layer", source=label))
        gdf = pyogrio.read_dataframe(path, layer=_pick_layer(layers))
    except FormatError:
        raise
    except Exception as exc:  # pyogrio raises several unrelated types for corrupt files
        raise FormatError(
            Problem(
                f"cannot be read as a vector layer ({exception_summary(exc)})",
                source=label,
                fix=f"accepted: {ACCEPTED_FORMATS}",
            )
        ) from None
    if gdf.empty:
        raise FormatError(Problem("the layer has no features", source=label))
    gdf.columns = [str(c) for c in gdf.columns]
    if name.endswith((".kml", ".kmz")):
        gdf = _without_kml_fields(gdf)
    return gdf


def _without_kml_fields(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    drop = [c for c in _KML_STANDARD_FIELDS if c in gdf.columns and _all_blank(gdf[c])]
    drop += [c for c in _KML_RENDERING_FIELDS if c in gdf.columns]
    if "id" in gdf.columns and gdf["id"].astype(str).str.fullmatch(r".+\.\d+").all():
        drop.append("id")  # GDAL's placemark ids ("layer.1"), not an attribute
    return gdf.drop(columns=sorted(set(drop)))


def _all_blank(values: pd.Series) -> bool:
    """True when every cell is null or empty text (KML's unused standard fields)."""
    text = values.astype(str).str.strip()
    return bool((values.isna() | text.isin(("", "None", "nan")) | text.eq("-1")).all())


def _pick_layer(layers: np.ndarray) -> str:
    """The first layer with geometry (GeoPackages may hold attribute tables too)."""
    for layer_name, geom_type in layers:
        if geom_type:
            return str(layer_name)
    return str(layers[0][0])


def _shapefile_in(folder: Path, *, label: str) -> Path:
    shps = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".shp")
    if not shps:
        found = ", ".join(sorted(p.name for p in folder.rglob("*") if p.is_file())) or "nothing"
        raise FormatError(
            Problem(
                f"the zip holds no .shp file (found: {found})",
                source=label,
                fix="zip the .shp together with its .shx, .dbf and .prj",
            )
        )
    if len(shps) > 1:
        raise FormatError(
            Problem(
                f"the zip holds {len(shps)} shapefiles ({', '.join(p.name for p in shps)})",
                source=label,
                fix="zip one layer per file",
            )
        )
    return shps[0]


def _check_shapefile_parts(shp: Path, *, label: str) -> None:
    present = {p.suffix.lower() for p in shp.parent.glob(glob.escape(shp.stem) + ".*")}
    missing = [ext for ext in (".dbf", ".shx") if ext not in present]
    problems = [
        Problem(
            f"the shapefile lacks its {ext} part",
            source=label,
            fix=f"add {shp.stem}{ext} to the zip",
        )
        for ext in missing
    ]
    if ".prj" not in present:
        problems.append(
            Problem(
                "the shapefile lacks its .prj part, so its coordinate system is unknown",
                source=label,
                fix=f"add {shp.stem}.prj (export it again from QGIS/ArcGIS with its CRS); Crecida "
                "does not guess a coordinate system",
            )
        )
    if problems:
        cls = CRSError if not missing else FormatError
        raise cls(problems, source=label)

"""Writing analysis results as the layers of one GeoPackage."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import InputError, Problem
from geo.io.files import PathLike, atomic_path

__all__ = ["write_layers"]


def write_layers(path: PathLike, layers: Mapping[str, pd.DataFrame]) -> Path:
    """Write frames as the layers of one GeoPackage, atomically.

    Parameters
    ----------
    path
        Output file; must end in ``.gpkg``. Missing folders are created.
    layers
        Layer name → frame, written in order. GeoDataFrames become spatial layers in their
        own CRS; plain DataFrames attribute tables.

    Returns
    -------
    Path
        ``path``. An existing file there is replaced only once every layer is written
        (:func:`geo.io.files.atomic_path`); on an error it is left as it was.

    Raises
    ------
    InputError
        ``path`` is not a GeoPackage name.
    """
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InputError(Problem.keyed("gpkg_name_required", name=path.name))
    with atomic_path(path) as tmp:
        for name, frame in layers.items():
            if not isinstance(frame, gpd.GeoDataFrame):
                frame = pd.DataFrame(frame)
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    return path

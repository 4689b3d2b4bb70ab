"""geo.io is a package split by concern; its public names stay where callers import them."""

from __future__ import annotations

from pathlib import Path

import geo.io
from geo import io

PACKAGE = Path(geo.io.__file__).parent


def test_public_api_is_importable_from_the_package():
    from geo.io import (  # noqa: F401
        TABLE_SUFFIXES,
        VECTOR_SUFFIXES,
        atomic_path,
        is_vector_path,
        read_centres,
        read_communities,
        read_districts,
        read_flood_polygons,
        read_points,
        read_rivers,
        safe_extract_zip,
        sha256_file,
        write_layers,
    )

    assert set(io.__all__) <= set(dir(io))
    assert all(not name.startswith("_") for name in io.__all__)


def test_only_the_archives_module_opens_zips_for_reading():
    users = sorted(p.name for p in PACKAGE.glob("*.py")
                   if "zipfile.ZipFile(" in p.read_text(encoding="utf-8"))
    assert users == ["archives.py"]

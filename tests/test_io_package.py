"""geo.io is a package split by concern; its public names stay where callers import them."""

from __future__ import annotations

import ast
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


def _private_imports(path: Path) -> list[str]:
    """Names with a leading underscore taken from another geo module, by import or attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo")
        for alias in node.names
    }
    found = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    found += [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        and node.value.id in modules and node.attr.startswith("_")
    ]
    return found


def test_no_module_uses_another_modules_private_names():
    found = {p.name: _private_imports(p) for p in sorted(PACKAGE.glob("*.py"))}
    assert {name: names for name, names in found.items() if names} == {}
    assert len(found) >= 10  # every module was looked at


def test_the_check_catches_a_private_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from geo.io.tables import _decode\nfrom geo.io import validate\n"
                      "validate._rows_where(1)\n", encoding="utf-8")
    assert _private_imports(module) == ["geo.io.tables._decode", "validate._rows_where"]


def test_only_the_archives_module_opens_zips_for_reading():
    users = sorted(p.name for p in PACKAGE.glob("*.py")
                   if "zipfile.ZipFile(" in p.read_text(encoding="utf-8"))
    assert users == ["archives.py"]

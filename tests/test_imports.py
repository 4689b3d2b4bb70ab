"""Import rules: geo/ never imports layers/ or a UI library; the export package has no cycles.

Read from the source (every ``import`` statement, inside functions too), so a lazy import
cannot hide.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_GEO = ("layers", "folium", "branca", "streamlit", "streamlit_folium")


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) of every import in ``path``; ``names`` empty for ``import x``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", sorted((ROOT / "geo").rglob("*.py")), ids=_module_name)
def test_geo_never_imports_layers_or_a_ui_library(path):
    bad = [module for module, _ in _imports(path)
           if module.split(".")[0] in FORBIDDEN_IN_GEO]
    assert not bad, f"{path.name} imports {bad}"


def test_export_package_has_no_import_cycle():
    package = ROOT / "geo" / "export"
    names = {_module_name(p) for p in package.glob("*.py")}
    graph = {}
    for path in package.glob("*.py"):
        targets = set()
        for module, imported in _imports(path):
            if module in names:
                targets.add(module)
            targets |= {f"{module}.{n}" for n in imported if f"{module}.{n}" in names}
        graph[_module_name(path)] = targets - {_module_name(path)}
    graph["geo.export"] -= names  # the package re-exports its modules: not a cycle
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, " → ".join((*path, node))
        if node in done:
            return
        for target in graph[node]:
            visit(target, (*path, node))
        done.add(node)

    for node in graph:
        visit(node, ())


@pytest.mark.parametrize("path", [
    *sorted((ROOT / "geo" / "export").glob("*.py")), ROOT / "geo" / "depth.py",
    ROOT / "layers" / "html.py", ROOT / "layers" / "flood.py", ROOT / "layers" / "legend.py",
], ids=_module_name)
def test_no_private_name_is_imported_across_modules(path):
    private = [f"{module}.{name}" for module, names in _imports(path) for name in names
               if name.startswith("_") and module.split(".")[0] in ("geo", "layers")]
    assert not private, private


def test_no_module_imports_the_old_export_or_briefing_paths():
    users = [p for p in (*ROOT.glob("*.py"), *ROOT.glob("geo/**/*.py"),
                         *ROOT.glob("layers/*.py"), *ROOT.glob("tests/*.py"))
             if any(m == "geo.briefing" or (m == "geo" and "briefing" in names)
                    for m, names in _imports(p))]
    assert not users
    assert not (ROOT / "geo" / "export.py").exists()
    assert not (ROOT / "geo" / "briefing.py").exists()

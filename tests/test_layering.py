"""The layering rules, proven on the source's syntax trees (every import, at any depth).

``geo/`` computes: it never imports ``layers/``, Streamlit, Folium or Branca, not even inside a
function. ``layers/`` never imports Streamlit. The project's modules import each other without
cycles, and none uses another module's private (``_underscored``) names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imports(path: Path, module: str, *, runtime_only: bool = False) -> set[str]:
    """Every module named by an import statement or ``importlib.import_module("…")`` call
    (with ``runtime_only``, not those under ``if TYPE_CHECKING:``, which never run)."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = {id(n) for block in ast.walk(tree) if runtime_only
                   and isinstance(block, ast.If) and isinstance(block.test, ast.Name)
                   and block.test.id == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            for alias in node.names:
                # `from geo.io import validate` names the module geo.io.validate, not geo.io.
                full = f"{stem}.{alias.name}"
                names.add(full if full in MODULES else stem)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def _forbidden(names: set[str], roots: tuple[str, ...]) -> set[str]:
    return {n for n in names if n.split(".")[0] in roots}


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.split(".")[0] == "geo"))
def test_geo_never_imports_the_ui_or_the_map_layers(module):
    found = _forbidden(_imports(MODULES[module], module),
                       ("layers", "streamlit", "streamlit_folium", "folium", "branca"))
    assert not found, f"{module} imports {sorted(found)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.split(".")[0] == "layers"))
def test_layers_never_import_streamlit(module):
    found = _forbidden(_imports(MODULES[module], module), ("streamlit", "streamlit_folium"))
    assert not found, f"{module} imports {sorted(found)}"


def test_the_import_graph_of_the_project_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = set()
        for name in _imports(path, module, runtime_only=True):
            # `from geo import io` names geo.io; `from geo.io import read_centres` names geo.io.
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and name not in PACKAGES:
                targets.add(name)
        graph[module] = targets
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt):], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _private_uses(path: Path) -> list[str]:
    """Underscored names taken from a project module, by import or by attribute access."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").split(".")[0] in PACKAGES]
    aliases = {alias.asname or alias.name for node in imported for alias in node.names}
    aliases |= {(alias.asname or alias.name).split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names
                if alias.name.split(".")[0] in PACKAGES}
    found = [f"{node.module}.{alias.name}" for node in imported for alias in node.names
             if alias.name.startswith("_") and not alias.name.startswith("__")]
    found += [f"{node.value.id}.{node.attr}" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in aliases and node.attr.startswith("_")
              and not node.attr.startswith("__")]
    return found


@pytest.mark.parametrize("module", [*sorted(MODULES), "app"])
def test_no_module_uses_another_modules_private_names(module):
    path = MODULES.get(module, ROOT / "app.py")
    assert not _private_uses(path), f"{module} uses {_private_uses(path)}"


def test_the_private_name_check_sees_imports_and_attributes(tmp_path):
    probe = tmp_path / "m.py"
    probe.write_text("from geo.io.tables import _decode\nfrom geo.io import validate\n"
                     "validate._rows_where(1)\n")
    assert _private_uses(probe) == ["geo.io.tables._decode", "validate._rows_where"]


def test_the_walk_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from layers.map import build_map\n    import folium\n")
    assert {"layers.map", "folium"} <= _imports(probe, "geo.probe")

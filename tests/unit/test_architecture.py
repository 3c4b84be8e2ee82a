"""The package's structure: subpackages by concept, layers that only import downwards, no cycles.

The import graph is read from the source (module-level imports and imports inside functions
alike; imports under ``if TYPE_CHECKING:`` are annotations only and are left out), so a cycle
hidden in a function body is found as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "netinfluence"

#: Layers, lowest first: a module may import from its own layer's subpackage or from lower
#: layers, never from a higher one (docs/architecture.md draws the same picture).
LAYERS = (
    {"errors", "_version", "_check", "_arrays", "_threads", "_progress", "_limits"},
    {"io"},
    {"network"},
    {"metrics"},
    {"spread"},
    {"scoring"},
    {"pipeline", "datasets"},
    {"report"},
    {"demo"},
    {"cli", "spark", "__init__"},
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (``netinfluence.a.b`` names)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = [node.module]
                found += [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            else:
                continue
            targets.update(f for f in found if f in modules and f != name)
        graph[name] = targets
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int:
    top = _top(module)
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS (and the docs)")


def test_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles():
    assert _find_cycle(import_graph()) is None


def test_every_module_has_a_layer():
    for module in import_graph():
        _layer(module)


def test_layers_only_import_downwards():
    upward = sorted(
        f"{m} -> {t}"
        for m, targets in import_graph().items()
        for t in targets
        if _layer(t) > _layer(m) and _top(m) != "__init__"
    )
    assert upward == []


@pytest.mark.parametrize("name", ["centrality", "reach", "roles", "engagement", "communities"])
def test_public_functions_are_functions_not_modules(name):
    import types

    import netinfluence as ni

    value = getattr(ni, name)
    assert callable(value) and not isinstance(value, types.ModuleType)

"""The product's imports point one way (web → live → services → store) and go round in no
circle, read from the source itself, every import counted (inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ROOT / "facilitation"
# Each layer may use the ones after it, never one before it.
LAYERS = ["facilitation.web", "facilitation.live", "facilitation.services", "facilitation.store"]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The product modules ``path`` imports (a name imported from a package counts as its
    module when it is one, else as the package)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if candidate in modules:
                    found.add(candidate)
                elif source in modules:
                    found.add(source)
    return found - {name}


def graph() -> dict[str, set[str]]:
    paths = [p for p in PRODUCT.rglob("*.py") if "migrations" not in p.parts]
    modules = {module_name(p) for p in paths}
    edges = {module_name(p): imports_of(p, modules) for p in paths}
    # A module reaching up to its own package's __init__ (for the app's accessors) is how
    # a package hands its parts what it holds; that is not a circle between modules.
    return {name: {other for other in targets if not name.startswith(other + ".")}
            for name, targets in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer_of(name: str) -> int | None:
    return next((n for n, layer in enumerate(LAYERS) if name.startswith(layer)), None)


def test_no_module_of_the_product_imports_itself_round_in_a_circle() -> None:
    assert cycles(graph()) == []


def test_every_import_points_down_the_layers() -> None:
    upward = []
    for name, targets in graph().items():
        mine = layer_of(name)
        if mine is None:
            continue
        upward += [f"{name} imports {other}" for other in sorted(targets)
                   if (theirs := layer_of(other)) is not None and theirs < mine]
    assert upward == []


def test_the_checks_see_a_circle_and_an_upward_import() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    edges = graph()
    assert "facilitation.services" in edges["facilitation.live.broadcast"]
    assert layer_of("facilitation.web.sockets") < layer_of("facilitation.live.rooms")

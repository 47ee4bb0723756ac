"""Dependencies point inward: rules and use cases know nothing of Slack, SQL or templates.

The kernel, the incident's shared nouns and every feature folder are inner code, except the modules
a feature keeps for its adapters, named by prefix: `slack_…` (listeners and Block Kit), `render_…`
(templates) and `sql_…` (queries).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "incidentbot"
FORBIDDEN = ("slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "jinja2", "markupsafe", "apscheduler")
OUTER_PACKAGES = ("incidentbot.slack", "incidentbot.store", "incidentbot.rendering", "incidentbot.scheduler")
ENTRY_PACKAGES = ("cli",)
"""Command-line entry points: they wire adapters together, as `main.py` and `wiring.py` do."""
INNER_PACKAGES = tuple(
    sorted(
        path.parent.name
        for path in PACKAGE.glob("*/__init__.py")
        if f"incidentbot.{path.parent.name}" not in OUTER_PACKAGES and path.parent.name not in ENTRY_PACKAGES
    )
)
"""Every other package: the kernel, the incident's shared nouns and every feature folder, found
rather than listed, so a new feature is held to the rule from its first module."""
ADAPTER_PREFIXES = ("slack_", "render_", "sql_")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _is_adapter(path: Path) -> bool:
    return path.name.startswith(ADAPTER_PREFIXES)


def _inner_modules() -> list[Path]:
    return [
        p
        for package in INNER_PACKAGES
        for p in sorted((PACKAGE / package).rglob("*.py"))
        if not _is_adapter(p)
    ]


@pytest.mark.parametrize("module", _inner_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_inner_layers_import_no_adapter(module: Path) -> None:
    imported = _imports(module)
    bad = sorted(
        name for name in imported if name.split(".")[0] in FORBIDDEN or name.startswith(OUTER_PACKAGES)
    )
    assert not bad, f"{module.name} imports {bad}"


def test_the_shared_nouns_depend_on_no_feature() -> None:
    features = tuple(f"incidentbot.{package}" for package in INNER_PACKAGES if package != "incident")
    for module in sorted((PACKAGE / "incident").rglob("*.py")):
        assert not any(name.startswith(features) for name in _imports(module)), module


def test_every_inner_package_exists() -> None:
    assert all((PACKAGE / package / "__init__.py").exists() for package in INNER_PACKAGES)
    assert {"incident", "kernel", "checker", "declare", "timeline", "handoff"} <= set(INNER_PACKAGES)


def test_the_check_can_fail() -> None:
    sample = PACKAGE.parent / "tests" / "test_architecture.py"
    assert "pytest" in _imports(sample)


MAX_MODULE_LINES = 400


def test_every_module_stays_small() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules by concept: {long}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _only_for_type_checkers(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_modules(tree: ast.Module, modules: set[str]) -> set[str]:
    """Every module this one imports, at module level or inside a function, run time only."""
    found: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if _only_for_type_checkers(node):
            assert isinstance(node, ast.If)
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from package import module` imports that module; `from module import name` the module.
            found.update(
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                for alias in node.names
            )
        pending.extend(ast.iter_child_nodes(node))
    return found & modules


def _import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    modules = set(paths)
    return {
        name: _imported_modules(ast.parse(path.read_text(encoding="utf-8")), modules)
        for name, path in paths.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each module that is part of any, each cycle named once."""
    cycles: dict[frozenset[str], list[str]] = {}
    for start in sorted(graph):
        cycle = _shortest_cycle(graph, start)
        if cycle and frozenset(cycle) not in cycles and not any(start in seen for seen in cycles):
            cycles[frozenset(cycle)] = cycle
    return list(cycles.values())


def _shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for module in frontier:
            for imported in sorted(graph.get(module, ())):
                if imported == start:
                    path = [module]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if imported not in came_from:
                    came_from[imported] = module
                    following.append(imported)
        frontier = following
    return None


def test_no_import_cycles() -> None:
    cycles = [" → ".join(cycle) for cycle in _cycles(_import_graph())]
    assert not cycles, "import cycles; move what both sides need to a module below them:\n" + "\n".join(
        cycles
    )


def test_the_cycle_check_can_fail() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\ndef f():\n    import c\n"
    assert _imported_modules(ast.parse(source), {"b", "c", "typing"}) == {"c", "typing"}

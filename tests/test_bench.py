"""The benchmark scripts still import: a bench calling what the bot no longer has fails here.

Only imported: each script runs its benchmark under `if __name__ == "__main__"`, never in the suite.
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = sorted(p for p in (ROOT / "bench").glob("*.py") if p.name != "__init__.py")


def test_there_are_benchmarks_to_import() -> None:
    assert len(BENCH) >= 10, [p.name for p in BENCH]


@pytest.mark.parametrize("path", BENCH, ids=lambda p: p.stem)
def test_every_bench_module_imports(path: Path) -> None:
    module = importlib.import_module(f"bench.{path.stem}")
    assert module.__file__ is not None and Path(module.__file__).resolve() == path


@pytest.mark.parametrize("path", BENCH, ids=lambda p: p.stem)
def test_a_bench_runs_only_as_a_script(path: Path) -> None:
    """At the top of a module only definitions, imports, constants and the `__main__` guard: a
    call there would run (part of) the benchmark whenever the module is imported."""
    allowed = (
        ast.Import,
        ast.ImportFrom,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Assign,
        ast.AnnAssign,
        ast.If,
    )
    tree = ast.parse(path.read_text(), str(path))
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if _puts_the_checkout_on_the_path(node):
            continue
        assert isinstance(node, allowed), f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}"
        if isinstance(node, ast.If):
            assert ast.unparse(node.test) == "__name__ == '__main__'", f"{path.name}:{node.lineno}"


def _puts_the_checkout_on_the_path(node: ast.stmt) -> bool:
    """`sys.path.insert(0, …)`, so a script run as `python bench/x.py` finds the bot and its tests."""
    return isinstance(node, ast.Expr) and ast.unparse(node.value).startswith("sys.path.insert(0, ")


def test_mypy_checks_the_benchmarks_and_the_entry_point() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    assert {"incidentbot", "bench", "app.py"} <= set(config["files"])

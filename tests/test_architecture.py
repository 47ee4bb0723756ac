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
INNER_PACKAGES = (
    "incident",
    "kernel",
    "checker",
    "declare",
    "roles",
    "changes",
    "cadence",
    "timeline",
    "wrap_up",
    "listing",
    "alerts",
)
ADAPTER_PREFIXES = ("slack_", "render_", "sql_")
OUTER_PACKAGES = ("incidentbot.slack", "incidentbot.store", "incidentbot.rendering", "incidentbot.scheduler")


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

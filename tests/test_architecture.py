"""Dependencies point inward: the domain and the services know nothing of Slack, SQL or templates."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "incidentbot"
FORBIDDEN = ("slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "jinja2", "markupsafe", "apscheduler")
INNER_LAYERS = ("domain", "services")
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


def _inner_modules() -> list[Path]:
    return [p for layer in INNER_LAYERS for p in sorted((PACKAGE / layer).rglob("*.py"))]


@pytest.mark.parametrize("module", _inner_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_inner_layers_import_no_adapter(module: Path) -> None:
    imported = _imports(module)
    bad = sorted(
        name for name in imported if name.split(".")[0] in FORBIDDEN or name.startswith(OUTER_PACKAGES)
    )
    assert not bad, f"{module.name} imports {bad}"


def test_domain_does_not_depend_on_services() -> None:
    for module in sorted((PACKAGE / "domain").rglob("*.py")):
        assert not any(name.startswith("incidentbot.services") for name in _imports(module)), module


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

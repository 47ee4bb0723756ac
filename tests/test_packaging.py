"""An installed bot (not a source checkout) still finds its templates and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return zipfile.ZipFile(next(out.glob("incidentbot-*.whl")))


def test_every_template_ships_inside_the_package(wheel: zipfile.ZipFile) -> None:
    shipped = {name for name in wheel.namelist() if name.startswith("incidentbot/templates/")}
    sources = {
        "incidentbot/templates/" + str(p.relative_to(ROOT / "templates"))
        for p in (ROOT / "templates").rglob("*")
        if p.is_file()
    }
    assert sources, "no templates found in the source tree"
    assert sources <= shipped, f"missing from the wheel: {sorted(sources - shipped)}"


def test_migrations_ship_too(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "incidentbot/store/migrations/env.py" in names
    versions = {p.name for p in (ROOT / "incidentbot/store/migrations/versions").glob("*.py")}
    assert versions and all(f"incidentbot/store/migrations/versions/{v}" in names for v in versions)


def test_every_subpackage_is_listed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for init in (ROOT / "incidentbot").rglob("*.py"):
        relative = str(init.relative_to(ROOT))
        assert relative in names, f"{relative} is not packaged: add its package to pyproject.toml"

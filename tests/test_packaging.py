"""An installed bot (not a source checkout) still finds its templates and migrations."""

from __future__ import annotations

import subprocess
import sys
import tomllib
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


def test_every_template_folder_is_listed_as_a_package() -> None:
    # setuptools ships a folder it was not told about only as deprecated "data", with a warning
    # that it would be ignored; listing each one keeps the wheel's contents deliberate.
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {
        "incidentbot.templates." + ".".join(p.relative_to(ROOT / "templates").parts)
        for p in (ROOT / "templates").rglob("*")
        if p.is_dir() and any(p.glob("*.j2"))
    }
    assert folders, "no template folders found"
    assert folders <= listed, f"add to [tool.setuptools] packages: {sorted(folders - listed)}"

"""Every template is used by some code, every template the code names exists, and each sits in
the folder of the feature (or adapter) that renders it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "incidentbot"
TEMPLATES = ROOT / "templates"
SITE = TEMPLATES / "status_page" / "site"
"""The status page's own environment, whose templates are named from this folder."""
NAMED = re.compile(r'f?["\']([\w{}][\w/.{}\-]*\.(?:j2|toml|css|svg))["\']')
JINJA_REFERENCE = re.compile(r'{%-?\s*(?:include|extends|import|from)\s+"([^"]+)"')
JINJA_BUILT_REFERENCE = re.compile(r'{%-?\s*include\s+"([^"]+)"\s*~\s*\w+\s*~\s*"([^"]+)"')
"""An include whose name is built from a variable: `"drills/prompts/" ~ key ~ ".j2"`."""
FOLDERS_READ_WHOLE = ("drills/scenarios/",)
"""Folders whose every file is read (the shipped drill scenarios), none named one by one."""
ERROR_CODE = re.compile(r'^\s+code = "([\w/]+)"', re.MULTILINE)
CONFIG_FILES = {"incidentbot.toml", "html.j2"}
"""Named in code, but not templates: the team's configuration, and an extension Jinja's
`select_autoescape` is given."""


@cache
def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "incidentbot").rglob("*.py"))


def _templates() -> set[Path]:
    return {p for p in TEMPLATES.rglob("*") if p.is_file()}


def _names_in_code() -> set[str]:
    built = {
        f"{start}{{name}}{end}"
        for template in _templates()
        if template.suffix == ".j2"
        for start, end in JINJA_BUILT_REFERENCE.findall(template.read_text("utf-8"))
    }
    return (set(NAMED.findall(_code())) | built) - CONFIG_FILES


@cache
def _pattern(name: str) -> re.Pattern[str]:
    """A name built at run time (`roles/checklists/{role.value}.j2`) as the names it can take."""
    codes = "|".join(re.escape(c) for c in ERROR_CODE.findall(_code()))
    pattern = re.escape(name).replace(re.escape("{code}"), f"(?:{codes})")
    return re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", pattern))


def _names_of(template: Path) -> set[str]:
    """What code may call a template: its path under templates/, or the status page's name for it."""
    names = {template.relative_to(TEMPLATES).as_posix(), template.name}
    if template.is_relative_to(SITE):
        names.add(template.relative_to(SITE).as_posix())
    return names


def test_every_template_is_used() -> None:
    patterns = [_pattern(name) for name in _names_in_code()]
    referenced = {
        name for template in _templates() for name in JINJA_REFERENCE.findall(template.read_text("utf-8"))
    }
    orphans = [
        template.relative_to(TEMPLATES).as_posix()
        for template in sorted(_templates())
        if not any(p.fullmatch(n) for p in patterns for n in _names_of(template))
        and not (_names_of(template) & referenced)
        and not template.relative_to(TEMPLATES).as_posix().startswith(FOLDERS_READ_WHOLE)
    ]
    assert orphans == [], f"no code uses these templates: {orphans}"


def test_every_template_named_in_code_exists() -> None:
    names = {n for t in _templates() for n in _names_of(t)}
    missing = sorted(name for name in _names_in_code() if not any(_pattern(name).fullmatch(n) for n in names))
    assert missing == [], f"named in code, missing from templates/: {missing}"


OWNERS = frozenset(p.parent.name for p in PACKAGE.glob("*/__init__.py")) - {"cli"}
"""Folders a template may sit in: a feature's, the incident's shared nouns', the kernel's or an
adapter's, named as the package whose code renders it (command-line entry points own none)."""
SHARED = ("incident", "slack")
"""Folders of templates every feature may render: the incident's own texts and the Slack adapter's
(the summary, the topic, the announcement, help, the global error answers)."""
FEATURES = sorted(OWNERS - {"incident", "kernel", "slack", "rendering", "store", "scheduler"})
JOINED = re.compile(r'"templates"\s*/\s*"([\w.]+)"')
"""A folder under templates/ named in a joined path: `ROOT / "templates" / "drills" / …`."""


def _misplaced(names: Iterable[str]) -> list[str]:
    """Templates loose at the top of templates/, or in a folder no feature or adapter has."""
    return [name for name in names if "/" not in name or name.split("/")[0] not in OWNERS]


def _foreign(feature: str, names: Iterable[str]) -> list[str]:
    """Names of templates in another feature's folder (names built from a variable at the top,
    and names relative to a feature's own environment, carry no folder to judge)."""
    return [
        name
        for name in names
        if "/" in name and "{" not in (top := name.split("/")[0]) and top not in (feature, *SHARED)
    ]


def _names_in(module: Path) -> set[str]:
    text = module.read_text(encoding="utf-8")
    return set(NAMED.findall(text)) | {f"{folder}/" for folder in JOINED.findall(text)}


def test_every_template_sits_in_a_feature_or_adapter_folder() -> None:
    names = sorted(template.relative_to(TEMPLATES).as_posix() for template in _templates())
    misplaced = _misplaced(names)
    assert misplaced == [], f"move these into the folder of the feature that renders them: {misplaced}"


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_renders_only_its_own_and_shared_templates(feature: str) -> None:
    found = {
        f"{module.relative_to(ROOT)}: {name}"
        for module in (PACKAGE / feature).rglob("*.py")
        for name in _foreign(feature, _names_in(module))
    } | {
        f"{template.relative_to(ROOT)}: {name}"
        for template in (TEMPLATES / feature).rglob("*.j2")
        for name in _foreign(feature, JINJA_REFERENCE.findall(template.read_text("utf-8")))
    }
    assert not found, (
        f"{feature} names templates outside templates/{feature}/; move each to the folder of the "
        f"feature that renders it, or to templates/slack/ or templates/incident/ if shared: {sorted(found)}"
    )


def test_the_layout_checks_can_fail(tmp_path: Path) -> None:
    assert FEATURES and {"declare", "wrap_up", "handoff"} <= set(FEATURES)
    assert _misplaced(["loose.j2", "by_concept/note.j2", "declare/alert.j2", "slack/errors/x.j2"]) == [
        "loose.j2",
        "by_concept/note.j2",
    ]
    module = tmp_path / "deliver.py"
    module.write_text(
        'render("declare/alert.j2")\nrender("slack/summary.j2")\nrender(f"{code}.j2")\n'
        'render("roles/role_change.j2")\nPath(__file__) / "templates" / "wrap_up" / "severity.j2"\n'
    )
    assert sorted(_foreign("declare", _names_in(module))) == ["roles/role_change.j2", "wrap_up/"]

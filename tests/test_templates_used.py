"""Every template is used by some code, and every template the code names exists."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    """A name built at run time (`slack/checklists/{role.value}.j2`) as the names it can take."""
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

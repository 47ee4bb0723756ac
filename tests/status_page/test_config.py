"""`[status_page]` in the team config: checked at start, with a message that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentbot.config import ConfigError, load_team_config
from incidentbot.status_page.model import MAX_COMPONENTS

GOOD = """
[status_page]
title = "Acme status"
logo_url = "https://acme.example/logo.png"
time_zone = "Europe/Berlin"
links = [{ label = "Support", url = "https://acme.example/help" }]

[[status_page.components]]
name = "API"
group = "Platform"
description = "Public REST API"

[[status_page.components]]
name = "Dashboard"
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    return load_team_config(path)


def test_components_load_in_order_with_their_groups(tmp_path: Path) -> None:
    config = load(tmp_path, GOOD).status_page  # type: ignore[attr-defined]
    assert [(c.name, c.group) for c in config.components] == [("API", "Platform"), ("Dashboard", None)]
    assert config.time_zone == "Europe/Berlin" and config.links[0].label == "Support"
    assert config.prompt_after_minutes == 5 and config.enabled


def test_no_status_page_table_means_no_status_page(tmp_path: Path) -> None:
    assert not load(tmp_path, 'channel_prefix = "inc"\n').status_page.enabled  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            GOOD.replace('name = "Dashboard"', 'nme = "Dashboard"'),
            "unknown key 'nme'; a component takes name",
        ),
        (GOOD.replace('name = "Dashboard"', 'name = "api"'), "component 'api' is listed twice"),
        (GOOD.replace("Europe/Berlin", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        (GOOD.replace('name = "Dashboard"', 'name = ""'), "status_page.components.1.name"),
        (GOOD.replace("https://acme.example/logo.png", "javascript:alert(1)"), "status_page.logo_url"),
        (GOOD.replace("[status_page]", "[status_page]\nprompt_after_minutes = 0"), "prompt_after_minutes"),
        (
            GOOD.replace('title = "Acme status"', 'titel = "x"'),
            "status_page.titel: unknown key; did you mean title?",
        ),
    ],
)
def test_a_bad_status_page_config_is_refused_with_what_to_fix(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)
    assert words in str(refused.value)


def test_more_components_than_the_form_can_hold_are_refused(tmp_path: Path) -> None:
    many = "".join(f'\n[[status_page.components]]\nname = "Service {n}"\n' for n in range(MAX_COMPONENTS + 1))
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, "[status_page]\n" + many)
    assert "status_page.components" in str(refused.value) and str(MAX_COMPONENTS) in str(refused.value)


def test_the_readme_status_page_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The status page", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load(tmp_path, example).status_page  # type: ignore[attr-defined]
    assert [c.name for c in config.components] == ["API", "Dashboard"] and config.url

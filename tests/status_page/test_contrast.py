"""Every text colour on the page reads at WCAG AA contrast (4.5:1) on its background."""

from __future__ import annotations

import re

import pytest

from incidentbot.status_page.render_html import asset

AA = 4.5


def colours() -> dict[str, str]:
    return dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", asset("status.css")))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("text", ["text", "muted"])
@pytest.mark.parametrize("background", ["bg", "panel"])
def test_body_text_reads_on_the_page(text: str, background: str) -> None:
    palette = colours()
    assert contrast(palette[text], palette[background]) >= AA


@pytest.mark.parametrize("banner", ["ok", "degraded", "partial", "major", "maint"])
def test_the_banner_text_reads_on_every_state_colour(banner: str) -> None:
    assert contrast("#ffffff", colours()[banner]) >= AA


def test_links_read_on_the_page() -> None:
    link = re.search(r"a \{ color: (#[0-9a-f]{6})", asset("status.css"))
    assert link and contrast(link.group(1), colours()["bg"]) >= AA


def test_the_check_can_fail() -> None:
    assert contrast("#777777", "#ffffff") < AA

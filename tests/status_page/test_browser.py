"""The page in a real headless Chromium: it renders, says what is wrong, logs nothing, fits a phone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentbot.clock import ManualClock
from tests.e2e.helpers import declare
from tests.status_page.helpers import (
    API,
    GOOD,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support import browser
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

PHONE = 375
DESKTOP = 1280
SCREENSHOTS = os.environ.get("STATUS_PAGE_SCREENSHOTS")
"""A folder to save the phone and desktop screenshots in (the README's come from here)."""


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    if not browser.available():
        if os.environ.get("INCIDENTBOT_REQUIRE_BROWSER"):
            pytest.fail(f"no Chromium at {browser.CHROMIUM}: apt-get install -y chromium")
        pytest.skip("no Chromium installed (apt-get install -y chromium)")
    with browser.chromium() as running:
        yield running


@pytest.fixture
def team(slack: FakeSlack, tmp_path: Path, clock: ManualClock) -> Iterator[RunningBot]:
    # The browser reads the page, not the database: SQLite is enough here.
    config = team_with_page(
        "API",
        "Dashboard",
        "Payments",
        "Webhooks",
        links=[{"label": "Support", "url": "https://acme.example/help"}],
    )
    with running_bot(slack, f"sqlite:///{tmp_path / 'bot.db'}", clock, config) as bot:
        yield bot


def publish(running: RunningBot, name: str = "Checkout unavailable") -> str:
    incident = declare(running)
    view = open_customer_form(running, incident.channel_id)
    states = {API: "major_outage", "Payments": "degraded_performance"}
    text = GOOD.replace("12:30", "12:15")  # the time the draft promised, as the page shows it
    assert not submit_customer(running, view, text=text, name=name, states=states).body
    return str(published(running, incident.id).id)


def shot(name: str) -> Path | None:
    return Path(SCREENSHOTS) / name if SCREENSHOTS else None


def test_the_page_shows_the_incident_and_states_and_fits_a_phone(
    team: RunningBot, chromium: browser.Browser
) -> None:
    incident_id = publish(team)
    url = f"{team.base_url}/status/"
    for width, name in ((PHONE, "status-page-phone.png"), (DESKTOP, "status-page-desktop.png")):
        loaded = chromium.load(url, width, screenshot=shot(name))
        assert loaded.console == [], loaded.console
        assert loaded.scroll_width <= width, f"{loaded.scroll_width} px wide on a {width} px screen"
        text = loaded.text
        assert "Major System Outage" in text and "Checkout unavailable" in text
        assert "API\nMajor outage" in text and "Payments\nDegraded performance" in text
        assert "Dashboard\nOperational" in text and "Next update by" in text
    page = chromium.load(f"{team.base_url}/status/incidents/{incident_id}.html", PHONE)
    assert page.console == [] and page.scroll_width <= PHONE and "Updates, newest first" in page.text


def test_a_script_in_a_title_is_shown_as_text(team: RunningBot, chromium: browser.Browser) -> None:
    hostile = '<script>console.error("ran")</script><img src=x onerror="console.error(1)">'
    publish(team, name=hostile)
    loaded = chromium.load(f"{team.base_url}/status/", PHONE)
    assert hostile in loaded.text
    assert loaded.console == [], loaded.console

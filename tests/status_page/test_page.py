"""The page under /status/: what customers read, escaped, accessible, and nothing internal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from incidentbot.clock import ManualClock
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update
from tests.e2e.wrapup_helpers import STAKEHOLDERS, last_modal, posted
from tests.status_page.helpers import (
    API,
    GOOD,
    get,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

PATHS = [
    "/status/",
    "/status/history.html",
    "/status/api/v2/summary.json",
    "/status/api/v2/status.json",
    "/status/api/v2/components.json",
    "/status/api/v2/incidents.json",
    "/status/api/v2/incidents/unresolved.json",
    "/status/history.atom",
    "/status/history.rss",
]


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    config = team_with_page(time_zone="Europe/Berlin")
    with running_bot(slack, database_url, clock, config) as bot:
        yield bot


def whole_site(running: RunningBot) -> str:
    """Every page, JSON document and feed, and every incident page they link to."""
    texts = [get(running, path) for path in PATHS]
    for incident_id in set(re.findall(r"incidents/([a-z0-9]+)\.html", texts[0] + texts[1])):
        texts.append(get(running, f"/status/incidents/{incident_id}.html"))
    return "\n".join(texts)


class Landmarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.lang: str | None = None
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self.scripts += tag == "script"


def test_an_empty_page_says_all_is_well(team: RunningBot) -> None:
    page = get(team, "/status/")
    assert "All Systems Operational" in page and "No incidents reported." in page
    assert page.count("Operational</span>") == 2


def test_a_published_incident_shows_with_its_states_in_words(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    assert not submit_customer(team, view, states={API: "major_outage"}).body
    published(team, incident.id)
    page = get(team, "/status/")
    assert "Major System Outage" in page and "Checkout unavailable" in page
    assert "We&#39;re investigating failed checkouts" in page
    assert re.search(
        r"API</span>\s*<span class=\"state\"><span class=\"dot\" aria-hidden=\"true\"></span>Major outage",
        page,
    )
    assert "Dashboard</span>" in page and "Affected: API (major outage)" in page
    # 12:15 UTC is 13:15 in Berlin in January.
    assert 'Next update by <time datetime="2026-01-01T12:15:00Z">1 Jan 2026, 13:15 CET</time>' in page
    parsed = Landmarks()
    parsed.feed(page)
    assert parsed.lang == "en" and parsed.scripts == 0
    assert {"header", "main", "footer", "nav"} - set(parsed.tags) == {"nav"}  # no links configured


def test_updates_show_newest_first_with_their_stage(team: RunningBot) -> None:
    incident = declare(team)
    assert not submit_customer(team, open_customer_form(team, incident.channel_id)).body
    public = published(team, incident.id)
    team.clock.advance(timedelta(minutes=20))
    second = GOOD.replace("investigating", "working on a fix for").replace("12:30", "13:00")
    assert not submit_customer(team, open_customer_form(team, incident.channel_id), text=second).body
    published(team, incident.id, 2)
    page = get(team, f"/status/incidents/{public.id}.html")
    assert page.index("working on a fix for") < page.index("We&#39;re investigating failed")


def test_a_title_with_markup_renders_as_text(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    assert not submit_customer(team, view, name=hostile, text=GOOD + " <b>bold</b>").body
    published(team, incident.id)
    markup = [get(team, p) for p in PATHS if not p.endswith(".json")]
    markup.append(get(team, f"/status/incidents/{published(team, incident.id).id}.html"))
    for text in markup:
        assert "<script>" not in text and "<img src=x" not in text and "<b>bold</b>" not in text
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
        in markup[0]
    )
    # JSON carries the text as data, as Statuspage does; its readers escape it for their medium.
    summary = json.loads(get(team, "/status/api/v2/summary.json"))
    assert summary["incidents"][0]["name"] == hostile
    assert team.client.get("/status/api/v2/summary.json").headers["X-Content-Type-Options"] == "nosniff"
    csp = team.client.get("/status/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_nothing_internal_or_private_reaches_any_page(team: RunningBot) -> None:
    private = declare(team, private=True, title="Payroll export leaked to the wrong bucket")
    team.client.command("comms customer", channel_id=private.channel_id, user_id="U001")
    state = {"text": {"value": signing.plain(GOOD.replace("failed checkouts", "Payroll delays"))}}
    team.client.submit(
        "comms_text", state, user_id="U001", private_metadata=last_modal(team)["private_metadata"]
    )
    posted(team, private.channel_id, "Customer update")

    declare(team, comms="U002", title="DB primary OOM on pg-03")
    incident = wait_until(lambda: (found := team.incident(2)) and found.channel_id and found)
    assert not submit_customer(team, open_customer_form(team, incident.channel_id)).body
    published(team, incident.id)
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    stake = {"text": {"value": signing.plain("Support: tell customers to retry; next update at 12:30 UTC.")}}
    team.client.submit(
        "comms_text", stake, user_id="U002", private_metadata=last_modal(team, 3)["private_metadata"]
    )
    posted(team, STAKEHOLDERS, "Stakeholder")
    internal = submit_update(team, incident, theory="Connection pool exhausted after carol's deploy")
    assert internal.status == 200 and not internal.body, internal.body
    names = [name for name, user in team.slack.directory().users.items() if user in ("U001", "U002")]
    site = whole_site(team)
    leaks = [
        "Payroll",
        "Private customer text",
        "pg-03",
        "DB primary",
        "Support: tell customers",
        "Connection pool",
        "carol",
        "U001",
        "U002",
        incident.channel_id,
        private.channel_id,
        incident.channel_name,
        "inc-",
        "slack.com",
        "#1",
        "#2",
    ]
    assert names and [leak for leak in [*leaks, *names] if leak in site] == []
    assert "Checkout unavailable" in site


@pytest.mark.parametrize(
    ("path", "status"),
    [("/status/incidents/nope.html", 404), ("/status/../../etc/passwd", 404), ("/status/api/v2/x.json", 404)],
)
def test_unknown_paths_are_404(team: RunningBot, path: str, status: int) -> None:
    response = team.client.get(path)
    assert response.status == status and b"There is no such page" in response.body


def test_the_page_is_read_only_and_found_without_the_slash(team: RunningBot) -> None:
    posted_to = team.client.post("x=1", "application/x-www-form-urlencoded", sign=False)
    assert posted_to.status in (400, 401)  # /slack/events: unsigned, refused
    refused = team.client._send("POST", "/status/", b"", {})
    assert refused.status == 405 and refused.headers["Allow"] == "GET, HEAD"
    moved = team.client._send("GET", "/status", None, {})
    assert moved.status in (200, 301)  # urllib follows the redirect to /status/


def test_without_components_there_is_no_page(running: RunningBot) -> None:
    assert running.client.get("/status/").status == 404

"""Statuspage's public API shapes, field by field, and the history feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.status_page.model import Component, StatusPageConfig
from tests.e2e.helpers import declare
from tests.e2e.wrapup_helpers import resolve
from tests.status_page.helpers import (
    API,
    DASHBOARD,
    GOOD,
    get_json,
    open_customer_form,
    published,
    submit_customer,
)
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
COMPONENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
INCIDENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
}
UPDATE_FIELDS = {
    "id",
    "status",
    "body",
    "incident_id",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
    "custom_tweet",
    "tweet_id",
}
COMPONENT_STATES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}
RESOLVED = (
    "The issue affecting checkout has been resolved as of 12:40 UTC. We know this stopped many of you "
    "from completing purchases, and we're sorry. We will publish a full report this week."
)


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    components = (
        Component(name=API, group="Platform", description="Public REST API"),
        Component(name=DASHBOARD),
    )
    page = StatusPageConfig(title="Acme status", url="https://status.acme.example", components=components)
    with running_bot(slack, database_url, clock, TeamConfig(status_page=page)) as bot:
        yield bot


def check_page(page: dict[str, Any]) -> None:
    assert set(page) == {"id", "name", "url", "time_zone", "updated_at"}
    assert (page["name"], page["url"], page["time_zone"]) == (
        "Acme status",
        "https://status.acme.example",
        "UTC",
    )
    assert __import__("re").match(ISO, page["updated_at"])


def check_component(component: dict[str, Any]) -> None:
    expected = COMPONENT_FIELDS | ({"components"} if component["group"] else set())
    assert set(component) == expected, set(component) ^ expected
    assert component["status"] in COMPONENT_STATES
    assert isinstance(component["position"], int) and isinstance(component["showcase"], bool)


def check_incident(incident: dict[str, Any]) -> None:
    assert set(incident) == INCIDENT_FIELDS, set(incident) ^ INCIDENT_FIELDS
    assert incident["status"] in {"investigating", "identified", "monitoring", "resolved", "postmortem"}
    assert incident["impact"] in {"none", "minor", "major", "critical", "maintenance"}
    for update in incident["incident_updates"]:
        assert set(update) == UPDATE_FIELDS, set(update) ^ UPDATE_FIELDS
        assert update["incident_id"] == incident["id"]
    for component in incident["components"]:
        check_component(component)


def post_one(running: RunningBot, **states: str) -> Any:
    incident = declare(running)
    view = open_customer_form(running, incident.channel_id)
    assert not submit_customer(running, view, states=states).body
    published(running, incident.id)
    return incident


def test_an_empty_page_has_every_documented_field(team: RunningBot) -> None:
    summary = get_json(team, "summary.json")
    assert set(summary) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    check_page(summary["page"])
    assert summary["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert summary["incidents"] == [] and summary["scheduled_maintenances"] == []
    group, api, dashboard = summary["components"]
    for component in (group, api, dashboard):
        check_component(component)
    assert (group["name"], group["group"], group["components"]) == ("Platform", True, [api["id"]])
    assert (api["name"], api["group_id"], api["description"], api["status"]) == (
        API,
        group["id"],
        "Public REST API",
        "operational",
    )
    assert dashboard["group_id"] is None and dashboard["description"] is None


def test_a_major_outage_shows_in_every_document(team: RunningBot) -> None:
    incident = post_one(team, **{API: "major_outage"})
    summary = get_json(team, "summary.json")
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    [shown] = summary["incidents"]
    check_incident(shown)
    assert (shown["name"], shown["status"], shown["impact"]) == (
        "Checkout unavailable",
        "investigating",
        "critical",
    )
    assert shown["shortlink"] == f"https://status.acme.example/incidents/{shown['id']}.html"
    assert shown["resolved_at"] is None and shown["monitoring_at"] is None
    assert shown["created_at"] == shown["started_at"] == "2026-01-01T12:00:00.000Z"
    [update] = shown["incident_updates"]
    assert (update["status"], update["body"], update["display_at"]) == (
        "investigating",
        GOOD,
        shown["created_at"],
    )
    [affected] = update["affected_components"]
    assert affected == {
        "code": shown["components"][0]["id"],
        "name": API,
        "old_status": "operational",
        "new_status": "major_outage",
    }
    group, api, _dashboard = summary["components"]
    assert api["status"] == "major_outage" and group["status"] == "major_outage"
    assert get_json(team, "status.json") == {"page": summary["page"], "status": summary["status"]}
    assert get_json(team, "components.json") == {"page": summary["page"], "components": summary["components"]}
    assert get_json(team, "incidents/unresolved.json")["incidents"] == [shown]
    assert get_json(team, "incidents.json")["incidents"] == [shown]
    del incident


def test_a_resolved_incident_leaves_the_unresolved_list(team: RunningBot) -> None:
    incident = post_one(team, **{API: "partial_outage"})
    team.clock.advance(timedelta(minutes=20))
    resolve(team, incident)
    view = open_customer_form(team, incident.channel_id)
    assert not submit_customer(team, view, text=RESOLVED).body
    published(team, incident.id, 2)
    summary = get_json(team, "summary.json")
    assert summary["incidents"] == [] and summary["status"]["indicator"] == "none"
    assert {c["status"] for c in summary["components"]} == {"operational"}
    assert get_json(team, "incidents/unresolved.json")["incidents"] == []
    [shown] = get_json(team, "incidents.json")["incidents"]
    check_incident(shown)
    assert (shown["status"], shown["impact"], shown["resolved_at"]) == (
        "resolved",
        "major",
        "2026-01-01T12:20:00.000Z",
    )
    newest, first = shown["incident_updates"]
    assert (newest["status"], first["status"]) == ("resolved", "investigating")
    assert newest["affected_components"] == [
        {
            "code": first["affected_components"][0]["code"],
            "name": API,
            "old_status": "partial_outage",
            "new_status": "operational",
        }
    ]


def test_the_feeds_list_each_incident_with_its_updates(team: RunningBot) -> None:
    post_one(team, **{API: "degraded_performance"})
    atom = team.client.get("/status/history.atom")
    assert atom.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(atom.body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == "Acme status - Incident history"
    [entry] = feed.findall("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == "Checkout unavailable"
    content = entry.findtext("a:content", namespaces=ns) or ""
    assert "Investigating (01 Jan 2026 12:00 UTC): " + GOOD in content
    assert "Next update by 01 Jan 2026 12:15 UTC" in content
    assert entry.find("a:link", ns).get("href").startswith("https://status.acme.example/incidents/")  # type: ignore[union-attr]
    rss = ET.fromstring(team.client.get("/status/history.rss").body)
    [item] = rss.findall("channel/item")
    assert item.findtext("title") == "Checkout unavailable" and GOOD in (item.findtext("description") or "")
    assert item.findtext("pubDate") == "Thu, 01 Jan 2026 12:00:00 +0000"

"""The status page tried as a new team would: two components, a SEV-1, three customer texts.

Declared at SEV-1, a customer text with the API down, an internal update and one more customer
text, then the resolution: the page, the JSON, both feeds and a subscriber's mailbox each show
exactly the three customer texts, in order, with their next-update times, and nothing else.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html import unescape
from typing import Any
from xml.etree import ElementTree as ET

from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_published
from tests.e2e.wrapup_helpers import resolve
from tests.status_page.helpers import API, DASHBOARD, GOOD, get, get_json
from tests.status_page.mailbox import Mailbox, parts
from tests.status_page.subscriber_helpers import deliver_notices, publish, subscribe
from tests.support.harness import RunningBot

READER = "new-reader@example.com"
IDENTIFIED = (
    "We've found the cause of the failed checkouts and are putting a fix in place. Some customers "
    "may still see errors; the next update will be posted by 12:40 UTC."
)
RESOLVED = "Checkout has worked normally since 12:25 UTC. We're sorry for the failed purchases."
TEXTS = [GOOD, IDENTIFIED, RESOLVED]
"""The customer texts in the order they were posted."""
INTERNAL = ("pg-03 pool exhausted", "Checkout is failing.", "Users cannot complete checkout")
"""The internal update's theory and internal text, and the declaration's impact."""
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def in_order(page: str, texts: list[str]) -> bool:
    found = [page.find(text) for text in texts]
    return -1 not in found and found == sorted(found)


def live_through_an_incident(team: RunningBot) -> Any:
    """SEV-1, the API down; identified with an internal update; resolved. Returns the incident."""
    incident = declare(team, severity="1")
    publish(team, incident, states={API: "major_outage"})
    team.clock.advance(timedelta(minutes=10))
    team.client.command("status identified", channel_id=incident.channel_id, user_id="U001")
    wait_until(lambda: team.incident().status == "identified")
    internal = submit_update(
        team, incident, "U001", status="identified", theory=INTERNAL[0], customer=INTERNAL[1], preset="30"
    )
    assert internal.status == 200 and not internal.body, internal.body
    wait_published(team, incident.channel_id, INTERNAL[0])  # the team's update, promising 12:40
    publish(team, incident, 2, text=IDENTIFIED, states={API: "partial_outage"})
    team.clock.advance(timedelta(minutes=20))
    resolve(team, incident)
    publish(team, incident, 3, text=RESOLVED)
    deliver_notices(team)
    return incident


def test_tried_as_a_new_team_would(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, READER)
    live_through_an_incident(team)

    # The JSON: one resolved incident, its three updates newest first, each with its stage.
    [shown] = get_json(team, "incidents.json")["incidents"]
    updates = shown["incident_updates"]
    assert [u["body"] for u in updates] == TEXTS[::-1]
    assert [u["status"] for u in updates] == ["resolved", "identified", "investigating"]
    assert (shown["status"], shown["impact"]) == ("resolved", "critical")
    first_states = {c["name"]: c["new_status"] for c in updates[-1]["affected_components"]}
    assert first_states == {API: "major_outage"}, "only the component chosen, as chosen"
    summary = get_json(team, "summary.json")
    assert summary["incidents"] == [] and summary["status"]["indicator"] == "none"
    assert {c["name"]: c["status"] for c in summary["components"]} == {
        API: "operational",
        DASHBOARD: "operational",
    }

    # The page: the incident's own page lists the texts newest first, each promise with its text.
    front = get(team, "/status/")
    incident_page = get(team, f"/status/incidents/{shown['id']}.html")
    assert in_order(unescape(incident_page), TEXTS[::-1])
    assert 'Next update by <time datetime="2026-01-01T12:15:00Z">' in incident_page
    assert 'Next update by <time datetime="2026-01-01T12:40:00Z">' in incident_page
    assert incident_page.count("Next update by") == 2, "a resolution promises no further update"
    assert "All Systems Operational" in front

    # The feeds: the incident's entry carries the three texts, newest first, with the promises.
    feed = ET.fromstring(get(team, "/status/history.atom"))
    [entry] = feed.findall("a:entry", ATOM)
    content = entry.findtext("a:content", namespaces=ATOM) or ""
    assert in_order(content, TEXTS[::-1]) and content.count("Next update by") == 2
    [item] = ET.fromstring(get(team, "/status/history.rss")).findall("channel/item")
    assert in_order(item.findtext("description") or "", TEXTS[::-1])

    # The mailbox: the confirmation, then one mail per customer text, in order.
    mails = mailbox.to(READER)[1:]
    bodies = [parts(mail)[0].split("\r\n\r\n")[1].replace("\r\n", "\n") for mail in mails]
    assert bodies == TEXTS
    assert "Next update by 2026-01-01 12:15 UTC" in parts(mails[0])[0]
    assert "Next update by 2026-01-01 12:40 UTC" in parts(mails[1])[0]

    # Nothing internal anywhere a customer reads.
    everything = "\n".join(
        [front, incident_page, json.dumps(get_json(team, "incidents.json"))]
        + [get(team, f"/status/{page}") for page in ("history.html", "history.atom", "history.rss")]
        + [parts(mail)[0] for mail in mails]
    )
    assert not [text for text in INTERNAL if text in unescape(everything)]

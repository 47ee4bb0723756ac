"""Steps shared by the drill tests: start one through the form, read what it posted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from incidentbot.drills.sql_store import drills_of
from tests.e2e.helpers import wait_until
from tests.e2e.timeline_helpers import told
from tests.e2e.wrapup_helpers import last_modal
from tests.status_page.helpers import as_slack_takes
from tests.support import signing
from tests.support.harness import RunningBot

SCENARIO = "checkout-lock"
SCALE = 60
"""A 24-minute scenario in 24 seconds of the test's clock."""


def open_form(running: RunningBot, scenario: str = SCENARIO, count: int = 1) -> dict[str, Any]:
    response = running.client.command(f"drill {scenario}", channel_id="C0GENERAL", user_id="U001")
    assert response.status == 200, response.body
    return as_slack_takes(last_modal(running, count))


def form_state(
    scale: str = str(SCALE), comms: str | None = "U002", participants: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "drill_participants": {"value": signing.multi_users_select(list(participants))},
        "drill_commander": {"value": signing.users_select("U001")},
        "drill_comms": {"value": signing.users_select(comms)},
        "drill_scribe": {"value": signing.users_select(None)},
        "drill_scale": {"value": {"type": "number_input", "value": scale}},
    }


def submit_form(running: RunningBot, view: dict[str, Any], **fields: Any) -> Any:
    return running.client.submit(
        "drill_start", form_state(**fields), user_id="U001", private_metadata=view["private_metadata"]
    )


def start_drill(running: RunningBot, number: int = 1, **fields: Any) -> Any:
    """Start a drill through the form and wait for its briefing; returns its incident."""
    view = open_form(running, count=number)
    response = submit_form(running, view, **fields)
    assert response.status == 200 and not response.body, response.body
    incident = wait_until(lambda: _ready(running, number))
    wait_until(lambda: any("Drill briefing" in text for text in posts(running, incident.channel_id)))
    # The briefing's delivery starts the clock in the transaction that marks it done.
    wait_until(lambda: drill_run(running, incident.id).ends_at)
    # An inject due at once is sent by the briefing's thread after its commit: wait for it too,
    # or a test's next tick could post the second inject before it.
    wait_until(lambda: not _due_and_waiting(running, incident.id))
    running.settle()
    return incident


def _due_and_waiting(running: RunningBot, incident_id: int) -> list[Any]:
    now = running.clock.now()
    with running.services.store.transaction() as tx:
        return [i for i in drills_of(tx).injects(incident_id) if i.waiting and i.due_at <= now]


def _ready(running: RunningBot, number: int) -> Any:
    incident = running.incident(number)
    return incident if incident is not None and incident.setup_state == "ready" else None


def posts(running: RunningBot, channel: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in running.slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == channel
    ]


def injects_posted(running: RunningBot, channel: str) -> list[int]:
    """The numbers of the injects posted in `channel`, in the order Slack received them."""
    found = []
    for text in posts(running, channel):
        for line in text.splitlines():
            if line.startswith("*Inject "):
                found.append(int(line.split()[1].rstrip("*")))
    return found


def advance(running: RunningBot, seconds: float) -> None:
    """Move the clock and fire what came due. The bot's threads record first what they just did
    (a failure's retry time is `now + backoff`): moved before that, the retry would fall later."""
    running.settle()
    running.clock.advance(timedelta(seconds=seconds))
    running.fire_due()


def drill_run(running: RunningBot, incident_id: int) -> Any:
    with running.services.store.transaction() as tx:
        return drills_of(tx).run(incident_id)


def reply(running: RunningBot, text: str, channel: str, expect: str, user: str = "U001") -> str:
    """Send `/incident <text>`; the answer containing `expect`, in the acknowledgement or after it."""

    def matching() -> list[str]:
        return [said for said in told(running, user) if expect in said]

    before = len(matching())
    response = running.client.command(text, user_id=user, channel_id=channel)
    assert response.status == 200, response.body
    if expect in response.text:
        return str(response.text)
    return wait_until(lambda: matching()[before] if len(matching()) > before else None)

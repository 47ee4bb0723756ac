"""Steps shared by the resolution, comms, postmortem and action item end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.helpers import wait_until
from tests.support import signing
from tests.support.fake_slack import Call
from tests.support.harness import RunningBot

ANNOUNCE = "C0ANNOUNCE"
STAKEHOLDERS = "C0STAKE"


def resolve_state(
    fix: str = "Rolled back the gateway configuration",
    impact: str = "Customers in Europe could not log in for 40 minutes",
    users: str | None = "1200",
    root_cause: str | None = None,
    started: int | None = None,
) -> dict[str, Any]:
    return {
        "fix": {"value": signing.plain(fix)},
        "customer_impact": {"value": signing.plain(impact)},
        "users_affected": {"value": {"type": "number_input", "value": users}},
        "root_cause": {"value": signing.plain(root_cause)},
        "started_at": {"value": signing.datetimepicker(started)},
    }


def submit_resolve(running: RunningBot, incident: Any, user: str = "U001", **fields: Any) -> Any:
    metadata = json.dumps({"incident_id": incident.id, "channel": incident.channel_id})
    return running.client.submit(
        "resolve_incident", resolve_state(**fields), user_id=user, private_metadata=metadata
    )


def resolve(running: RunningBot, incident: Any, **fields: Any) -> Any:
    response = submit_resolve(running, incident, **fields)
    assert response.status == 200 and not response.body, response.body
    wait_until(lambda: _posted(running, incident.channel_id, "resolved at"))
    return running.incident(incident.number)


def _posted(running: RunningBot, channel: str, needle: str) -> Call | None:
    calls = running.slack.ok_calls_to("chat.postMessage")
    return next((c for c in calls if c.args["channel"] == channel and needle in c.args["text"]), None)


def posted(running: RunningBot, channel: str, needle: str) -> Call:
    """Wait for a message in `channel` containing `needle`."""
    return wait_until(lambda: _posted(running, channel, needle))


def last_modal(running: RunningBot, count: int = 1) -> dict[str, Any]:
    view: dict[str, Any] = running.slack.wait_for("views.open", count=count)[-1].args["view"]
    return view


def ephemeral_to(running: RunningBot, user: str, needle: str) -> Call:
    def found() -> Call | None:
        calls = running.slack.ok_calls_to("chat.postEphemeral")
        return next((c for c in calls if c.args["user"] == user and needle in c.args["text"]), None)

    return wait_until(found)


def told(running: RunningBot, user: str, needle: str) -> Call:
    """An ephemeral note to `user`, or the DM the bot sends when they are not in the channel."""

    def found() -> Call | None:
        for call in running.slack.ok_calls_to("chat.postEphemeral"):
            if call.args["user"] == user and needle in call.args["text"]:
                return call
        return _posted(running, user, needle)

    return wait_until(found)

"""Slack hears back before the bot calls Slack: no listener holds its answer for a Web API call.

Listeners run on the request thread and the answer leaves when they return (`slack/app.py`), so
any Slack call after the ack must be handed to work after the answer. Here every Web API call
takes longer than Slack waits for an answer (3 s); each request below would time out in Slack if
its listener called the Web API before returning.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.wrapup_helpers import submit_resolve
from tests.support import signing
from tests.support.harness import RunningBot
from tests.support.signing import Response

SLACK_SECONDS = 4.0
"""Each Web API call takes this long: more than the 3 s Slack gives an answer."""
SLACK_PATIENCE_SECONDS = 3.0

Send = Callable[[RunningBot, Any], Response]


def _command(text: str) -> Send:
    return lambda running, incident: running.client.command(text, channel_id=incident.channel_id)


def _button(action_id: str, value: Callable[[Any], str]) -> Send:
    def send(running: RunningBot, incident: Any) -> Response:
        return running.client.action(
            action_id,
            value(incident),
            channel_id=incident.channel_id,
            response_url=running.slack.response_url(action_id),
        )

    return send


def _submit(callback_id: str, state: dict[str, Any]) -> Send:
    def send(running: RunningBot, incident: Any) -> Response:
        metadata = json.dumps({"incident_id": incident.id, "channel": incident.channel_id})
        return running.client.submit(callback_id, state, private_metadata=metadata)

    return send


def _incident_id(incident: Any) -> str:
    return str(incident.id)


MODAL, EPHEMERAL, UPLOAD = "views.open", "chat.postEphemeral", "files.completeUploadExternal"

RESOLVING = "Resolve form"
"""Sent about an incident of its own: resolving the one the other requests are about would turn
the update and resolve forms still waiting on Slack into refusals."""

REQUESTS: dict[str, tuple[Send, str | None]] = {
    # what is sent: (how, the Web API method its work after the answer calls)
    "/incident help": (_command("help"), None),
    "/incident list": (_command("list"), EPHEMERAL),
    "/incident note": (_command("note checked the dashboards"), EPHEMERAL),
    "/incident timeline": (_command("timeline"), EPHEMERAL),
    "/incident timeline export": (_command("timeline export"), UPLOAD),
    "/incident update": (_command("update"), MODAL),
    "/incident comms customer": (_command("comms customer"), MODAL),
    "/incident whys": (_command("whys"), MODAL),
    "/incident factor": (_command("factor"), MODAL),
    "/incident wentwell": (_command("wentwell"), MODAL),
    "/incident action": (_command("action"), MODAL),
    "/incident actions": (_command("actions"), EPHEMERAL),
    "/incident postmortem": (_command("postmortem"), UPLOAD),
    "/incident resolve": (_command("resolve"), MODAL),
    "Post update button": (_button("open_update", _incident_id), MODAL),
    "Assign roles button": (_button("open_assign_roles", _incident_id), MODAL),
    "Resolve button": (_button("open_resolve", _incident_id), MODAL),
    "Postmortem button": (_button("start_postmortem", _incident_id), UPLOAD),
    "Five whys button": (_button("open_five_whys", _incident_id), MODAL),
    "Contributing factor button": (_button("open_factor", _incident_id), MODAL),
    "Went well button": (_button("open_went_well", _incident_id), MODAL),
    "Action item button": (_button("open_action_item", _incident_id), MODAL),
    "Customer text button": (_button("open_comms:customer", _incident_id), MODAL),
    "Timeline page button": (_button("timeline_page:1", lambda i: f"{i.id}:1"), "response_url"),
    "Went well form": (
        _submit("went_well", {"text": {"value": signing.plain("Paging worked at once")}}),
        EPHEMERAL,
    ),
    RESOLVING: (submit_resolve, "chat.postMessage"),
}
"""Not here: forms that check people with Slack before answering, so their errors show in the
form (the update form asks who is in the channel; the declare and roles forms look users up)."""


def test_every_request_is_answered_while_slack_is_still_busy(running: RunningBot) -> None:
    incident = declare(running)
    submit_declare(running, title="Search slow")
    other = wait_until(lambda: _set_up(running, number=2))
    before = Counter(call.method for call in running.slack.calls)
    running.slack.latency = SLACK_SECONDS
    answered: dict[str, tuple[int, float]] = {}
    try:
        for name, (send, _) in REQUESTS.items():
            started = time.monotonic()
            try:
                status = send(running, other if name == RESOLVING else incident).status
            except TimeoutError:
                status = 0  # no answer within the test client's 10 s
            answered[name] = (status, time.monotonic() - started)
    finally:
        running.slack.latency = 0.0

    late = {
        name: f"{status} after {seconds:.1f} s"
        for name, (status, seconds) in answered.items()
        if status != 200 or seconds >= SLACK_PATIENCE_SECONDS
    }
    assert not late, f"answered late or not at all while Slack was slow: {late}"
    # The work after the answers still reached Slack, each request's own call.
    expected = Counter(method for _, method in REQUESTS.values() if method)

    def made() -> Counter[str]:
        return Counter(call.method for call in running.slack.calls) - before

    wait_until(lambda: all(made()[method] >= count for method, count in expected.items()), timeout=60)
    running.settle()


def _set_up(running: RunningBot, number: int) -> Any:
    incident = running.incident(number)
    return incident if incident is not None and incident.setup_state != "pending" else None

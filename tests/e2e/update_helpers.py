"""Steps for update and nag tests: fill the update form as Slack would, find the bot's messages."""

from __future__ import annotations

import json
from typing import Any

from tests.support import signing
from tests.support.fake_slack import Call
from tests.support.harness import RunningBot
from tests.support.signing import Response


def update_state(
    status: str = "investigating",
    severity: str = "1",
    theory: str = "Errors started with the 11:50 deploy (unconfirmed)",
    tried: str = "",
    doing: str = "",
    impact: str = "",
    customer: str = "",
    preset: str | None = "30",
    exact: int | None = None,
) -> dict[str, Any]:
    return {
        "status": {"value": signing.static_select(status)},
        "severity": {"value": signing.static_select(severity)},
        "theory": {"value": signing.plain(theory)},
        "tried": {"value": signing.plain(tried)},
        "doing": {"value": signing.plain(doing)},
        "impact": {"value": signing.plain(impact)},
        "customer_text": {"value": signing.plain(customer)},
        "next_preset": {"value": signing.static_select(preset)},
        "next_at": {"value": signing.datetimepicker(exact)},
    }


def submit_update(running: RunningBot, incident: Any, user: str = "U002", **fields: Any) -> Response:
    metadata = json.dumps({"incident_id": incident.id, "channel": incident.channel_id})
    return running.client.submit(
        "post_update", update_state(**fields), user_id=user, private_metadata=metadata
    )


def modal_errors(response: Response) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors", body
    return dict(body["errors"])


def posts_to(running: RunningBot, channel: str) -> list[Call]:
    return [c for c in running.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == channel]


def wait_for_post(running: RunningBot, channel: str, fragment: str, count: int = 1) -> list[Call]:
    """Wait until `count` messages containing `fragment` were posted to `channel`."""

    def matching() -> list[Call]:
        return [c for c in posts_to(running, channel) if fragment in c.args["text"]]

    running.slack.wait_until(lambda: len(matching()) >= count, what=f"{count} x {fragment!r} in {channel}")
    return matching()


def action_ids(call: Call) -> list[str]:
    return [
        e["action_id"] for b in call.args.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]
    ]


def button_value(call: Call, action_id: str) -> str:
    for block in call.args.get("blocks") or []:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                return str(element["value"])
    raise AssertionError(f"no button {action_id} in {call.args}")


def wait_published(running: RunningBot, channel: str, fragment: str) -> Call:
    """Wait for the update post and the summary refresh after it (the last step of publishing)."""

    def done() -> bool:
        calls = running.slack.calls
        posted = [
            i for i, c in enumerate(calls) if c.method == "chat.postMessage" and fragment in c.args["text"]
        ]
        return bool(posted) and any(c.method == "conversations.setTopic" for c in calls[posted[0] :])

    running.slack.wait_until(done, what=f"{fragment!r} published in {channel}")
    return wait_for_post(running, channel, fragment)[0]

"""A nag and a kept customer text each reach the receivers as their own event, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_repeated_wrap_up_forms import GOOD, submit_twice, where
from tests.e2e.wrapup_helpers import posted
from tests.support import signing
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all, first_receipts, pending


def _data_of(hooks: Hooks, kind: str) -> list[dict[str, Any]]:
    wanted = {event_id for got_kind, event_id in first_receipts(hooks.public.accepted) if got_kind == kind}
    seen: dict[str, dict[str, Any]] = {}
    for got in hooks.public.accepted:
        if got.payload["id"] in wanted:
            seen.setdefault(got.payload["id"], got.payload["data"])
    return list(seen.values())


def test_a_missed_first_update_sends_nag_sent_once(hooks: Hooks) -> None:
    running = hooks.running
    declare(running, severity="1", comms="U002")
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    wait_until(lambda: pending(running) >= 4)  # declared and nagged, two endpoints
    running.fire_due()  # Nothing more is due: a second round must not nag again.

    deliver_all(running)

    [nag] = _data_of(hooks, "nag.sent")
    assert nag == {"to": "U002", "due_at": "2026-01-01T12:15:00Z"}


def test_a_kept_customer_text_sends_customer_update_published_once(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running)
    state = {"text": {"value": signing.plain(GOOD)}}
    metadata = {**where(incident), "audience": "customer", "stage": "investigating"}
    submit_twice(running, "comms_text", state, metadata, "VHOOKCOMMS1")
    posted(running, incident.channel_id, "Customer update (investigating)")

    deliver_all(running)

    [published] = _data_of(hooks, "customer_update.published")
    assert published["text"] == GOOD and isinstance(published["text_id"], int)

"""Incident events reach the webhook endpoints: signed, in order, once per id, whatever fails on the way."""

from __future__ import annotations

from tests.e2e.helpers import declare
from tests.e2e.update_helpers import submit_update, wait_for_post
from tests.e2e.wrapup_helpers import resolve
from tests.webhooks.conftest import PRIVATE_SECRET, SECRET, Hooks
from tests.webhooks.helpers import deliver_all, first_receipts, states, verified
from tests.webhooks.receiver import HANG, Answer

WATCHED = ("incident.declared", "update.posted", "incident.resolved")


def _declare_update_resolve(hooks: Hooks, private: bool = False) -> None:
    running = hooks.running
    incident = declare(running, private=private)
    answer = submit_update(running, incident, user="U001", status="identified")
    assert answer.status == 200, answer.body
    wait_for_post(running, incident.channel_id, "Errors started")
    resolve(running, incident)


def _watched(hooks_receiver: list[tuple[str, str]]) -> list[str]:
    return [kind for kind, _ in hooks_receiver if kind in WATCHED]


def test_each_event_is_taken_once_per_id_in_order_despite_500s_and_a_timeout(hooks: Hooks) -> None:
    hooks.public.answer_next(500, HANG, Answer(503, {"Retry-After": "30"}), 502)
    _declare_update_resolve(hooks)

    deliver_all(hooks.running)

    kept = first_receipts(hooks.public.accepted)
    assert _watched(kept) == list(WATCHED)
    assert len({event_id for _, event_id in kept}) == len(kept)
    assert all(verified(got, SECRET) for got in hooks.public.received)
    # A retry sends the same event: the same id, the same body.
    retried = [got for got in hooks.public.received if got.payload["id"] == kept[0][1]]
    assert len(retried) > 1 and len({got.body for got in retried}) == 1
    first = hooks.public.accepted[0].payload
    assert first["incident"]["number"] == 1 and first["incident"]["private"] is False
    assert first["created_at"].endswith("Z")
    assert hooks.public.accepted[0].headers["X-Incidentbot-Event"] == "incident.declared"
    assert all(state == "delivered" for _, state, _ in states(hooks.running))


def test_a_later_event_waits_until_the_earlier_one_is_taken(hooks: Hooks) -> None:
    hooks.public.answer_next(500)
    _declare_update_resolve(hooks)
    dispatcher = hooks.running.bot.webhooks
    assert dispatcher is not None

    dispatcher.run_due()

    sent_to_public = {got.payload["id"] for got in hooks.public.received}
    assert len(sent_to_public) == 1, "only the first event was tried while it failed"
    assert _watched(first_receipts(hooks.private.accepted)) == list(WATCHED)


def test_a_receiver_that_says_gone_or_bad_request_is_given_up_on_and_the_rest_follow(hooks: Hooks) -> None:
    hooks.public.answer_next(410, 400)
    _declare_update_resolve(hooks)

    deliver_all(hooks.running)

    public = [row for row in states(hooks.running)[::2]]
    assert public[0][1:] == ("failed", 410)
    assert public[1][1:] == ("failed", 400)
    assert all(state == "delivered" for _, state, _ in public[2:])
    assert "incident.resolved" in _watched(first_receipts(hooks.public.accepted))


def test_a_redirect_is_not_followed_and_is_recorded(hooks: Hooks) -> None:
    hooks.public.answer_next(Answer(302, {"Location": hooks.private.url + "?moved"}))
    _declare_update_resolve(hooks)

    deliver_all(hooks.running)

    assert not [got for got in hooks.private.received if "moved" in got.path]
    assert states(hooks.running)[0][1:] == ("failed", 302)


def test_a_private_incident_reaches_only_the_endpoints_that_take_private_ones(hooks: Hooks) -> None:
    _declare_update_resolve(hooks, private=True)

    deliver_all(hooks.running)

    assert hooks.public.received == []
    private = first_receipts(hooks.private.accepted)
    assert _watched(private) == list(WATCHED)
    assert hooks.private.accepted[0].payload["incident"]["private"] is True
    assert all(verified(got, PRIVATE_SECRET) for got in hooks.private.received)


def test_an_endpoint_that_hangs_holds_up_only_its_own_events(hooks: Hooks) -> None:
    hooks.public.down = HANG
    _declare_update_resolve(hooks)
    dispatcher = hooks.running.bot.webhooks
    assert dispatcher is not None

    dispatcher.run_due(parallel=4)

    assert _watched(first_receipts(hooks.private.accepted)) == list(WATCHED)
    assert hooks.public.accepted == []
    assert len({got.payload["id"] for got in hooks.public.received}) == 1, "the rest wait their turn"
    assert [row[1:] for row in states(hooks.running)[:1]] == [("pending", None)]

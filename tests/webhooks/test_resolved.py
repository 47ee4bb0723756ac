"""A receiver hears `incident.resolved` once per resolution, however the incident was resolved."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import resolve
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all, first_receipts, pending


def _kinds(hooks: Hooks) -> list[str]:
    return [kind for kind, _ in first_receipts(hooks.public.accepted)]


def _resolved_by_status(hooks: Hooks) -> object:
    running = hooks.running
    incident = declare(running)
    answer = running.client.command("status resolved", channel_id=incident.channel_id)
    assert answer.status == 200
    wait_until(lambda: running.incident(incident.number).status.value == "resolved")
    return incident


def test_status_resolved_sends_incident_resolved(hooks: Hooks) -> None:
    _resolved_by_status(hooks)

    deliver_all(hooks.running)

    assert _kinds(hooks).count("incident.resolved") == 1
    assert _kinds(hooks)[-1] == "incident.resolved"


def test_the_resolve_form_after_status_resolved_does_not_send_it_again(hooks: Hooks) -> None:
    incident = _resolved_by_status(hooks)
    resolve(hooks.running, incident)

    deliver_all(hooks.running)

    assert _kinds(hooks).count("incident.resolved") == 1


def test_resolved_again_after_a_reopen_is_sent_again(hooks: Hooks) -> None:
    running = hooks.running
    incident = _resolved_by_status(hooks)
    running.clock.advance(timedelta(minutes=10))
    assert running.client.command("status investigating", channel_id=incident.channel_id).status == 200
    wait_until(lambda: running.incident(incident.number).status.value == "investigating")
    running.clock.advance(timedelta(minutes=10))
    resolve(running, incident)
    wait_until(lambda: pending(running) > 0)

    deliver_all(running)

    assert _kinds(hooks).count("incident.resolved") == 2

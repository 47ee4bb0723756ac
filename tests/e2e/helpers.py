"""Steps shared by end-to-end tests: declaring an incident through the modal, as Slack would."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select

from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.store.sql_queue import _reminder
from incidentbot.store.tables import reminders
from tests.support import signing
from tests.support.harness import RunningBot

T = TypeVar("T")


def declare_state(
    title: str = "Checkout failing",
    severity: str = "1",
    impact: str = "Users cannot complete checkout",
    commander: str | None = None,
    comms: str | None = None,
    scribe: str | None = None,
    private: bool = False,
) -> dict[str, Any]:
    return {
        "title": {"value": signing.plain(title)},
        "severity": {"value": signing.static_select(severity)},
        "impact": {"value": signing.plain(impact)},
        "commander": {"value": signing.users_select(commander)},
        "comms": {"value": signing.users_select(comms)},
        "scribe": {"value": signing.users_select(scribe)},
        "options": {"value": signing.checkboxes(["private"] if private else [])},
    }


def submit_declare(running: RunningBot, user: str = "U001", **fields: Any) -> Any:
    return running.client.submit(
        "declare_incident",
        declare_state(**fields),
        user_id=user,
        private_metadata='{"channel": "C0GENERAL"}',
    )


def declare(running: RunningBot, user: str = "U001", **fields: Any) -> Any:
    """Declare through the modal and wait until the pinned summary exists; returns the incident."""
    response = submit_declare(running, user=user, **fields)
    assert response.status == 200, response.body
    return wait_until(lambda: _settled(running))


def _settled(running: RunningBot) -> Any:
    incident = running.incident()
    return incident if incident is not None and incident.setup_state != "pending" else None


def wait_until(probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """Listeners work after acknowledging: poll for the outcome instead of sleeping a fixed time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {probe}")


def pending_requests(running: RunningBot) -> list[Reminder]:
    """Journalled requests not yet applied (or given up on)."""
    kinds = [kind.value for kind in JournalKind]
    with running.services.store.transaction() as tx:
        rows = tx.db.execute(
            select(reminders).where(reminders.c.kind.in_(kinds), reminders.c.state == "pending")
        )
        return [_reminder(row) for row in rows]

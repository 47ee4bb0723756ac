"""Housekeeping forgets webhook deliveries delivered or given up past their retention, nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from incidentbot.kernel import housekeeping
from incidentbot.kernel.registry import KindRegisteredTwice, Registry
from incidentbot.webhooks import register as webhooks_rows
from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import resolve
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all, states

DAY = timedelta(days=1)


def _attempts(hooks: Hooks) -> int:
    with hooks.running.bot.engine.connect() as db:
        return int(db.execute(text("SELECT count(*) FROM webhook_attempts")).scalar_one())


def test_deliveries_older_than_the_retention_go_and_recent_and_pending_ones_stay(hooks: Hooks) -> None:
    running = hooks.running
    hooks.public.answer_next(410)  # the first event to the public endpoint is given up on
    old = declare(running)
    resolve(running, old)
    deliver_all(running)
    old_rows = states(running)
    assert {state for _, state, _ in old_rows} == {"delivered", "failed"}
    assert _attempts(hooks) >= len(old_rows)

    running.clock.advance(31 * DAY)
    hooks.private.answer_next(500, 500, 500)
    declare(running)
    wait_until(lambda: running.incident(2))
    wait_until(lambda: len(states(running)) > len(old_rows))
    running.bot.webhooks.run_due()  # type: ignore[union-attr]
    recent_rows = states(running)[len(old_rows) :]
    assert "pending" in {state for _, state, _ in recent_rows}

    report = housekeeping.sweep(running.services, batch=3)

    assert report.features == {"webhook deliveries": len(old_rows)}
    assert states(running) == recent_rows, "only the old finished deliveries went"
    with running.bot.engine.connect() as db:
        orphans = db.execute(
            text(
                "SELECT count(*) FROM webhook_attempts WHERE delivery_id NOT IN "
                "(SELECT id FROM webhook_deliveries)"
            )
        ).scalar_one()
    assert orphans == 0, "their attempts went with them"


def test_a_delivery_within_the_retention_stays(hooks: Hooks) -> None:
    running = hooks.running
    declare(running)
    deliver_all(running)
    kept = states(running)
    running.clock.advance(29 * DAY)

    report = housekeeping.sweep(running.services)

    assert report.features == {"webhook deliveries": 0}
    assert states(running) == kept


def test_the_retention_is_a_setting_and_must_be_positive() -> None:
    registry = Registry()
    webhooks_rows.register(registry, retention=timedelta(days=2))
    assert list(registry.sweeps) == ["webhook deliveries"]
    try:
        webhooks_rows.register(Registry(), retention=timedelta(0))
    except ValueError as error:
        assert "positive" in str(error)
    else:
        raise AssertionError("a retention of zero would delete every finished delivery at once")
    try:
        registry.add_sweep("webhook deliveries", lambda tx, now, limit: 0)
    except KindRegisteredTwice:
        pass
    else:
        raise AssertionError("a second sweep under one name would hide the first")

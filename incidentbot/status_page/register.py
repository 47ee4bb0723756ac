"""The rows the status page handles: its prompt, corrections, rewrites, and its part in customer texts."""

from __future__ import annotations

from datetime import datetime

from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.status_page.corrections import CORRECT
from incidentbot.status_page.notify import COMPONENT, CONFIRMATION, FAN_OUT, MAIL_BATCH, NOTIFY, Subscriptions
from incidentbot.status_page.prompt import deliver_prompt
from incidentbot.status_page.publishing import STATUS_PAGE_PROMPT
from incidentbot.status_page.render_site import REWRITE, StatusPage
from incidentbot.status_page.sql_subscribers import sql_of
from incidentbot.wrap_up.comms import CustomerTextKept


def register(
    registry: Registry, page: StatusPage | None = None, subscriptions: Subscriptions | None = None
) -> None:
    registry.add_delivery(STATUS_PAGE_PROMPT, deliver_prompt)
    registry.add_command(CORRECT)
    if page is None:
        registry.add_delivery(REWRITE, _nothing_to_rewrite)
        _register_subscribers(registry, None)
        return
    registry.on(CustomerTextKept, page.on_customer_text)
    registry.add_delivery(REWRITE, page.rewrite)
    _register_subscribers(registry, subscriptions)


def _register_subscribers(registry: Registry, subscriptions: Subscriptions | None) -> None:
    if subscriptions is None:
        # Rows owed while subscribers were set up are closed: nobody can be mailed any more.
        registry.add_delivery(FAN_OUT, _nobody_to_tell)
        registry.add_delivery(NOTIFY, _nobody_to_tell)
        registry.add_delivery(MAIL_BATCH, _nobody_to_tell)
        registry.add_delivery(COMPONENT, _nobody_to_tell)
        registry.add_delivery(CONFIRMATION, _nobody_to_tell)
        return
    # After the page's own part, which publishes the update the subscribers are told of.
    registry.on(CustomerTextKept, subscriptions.on_customer_text)
    registry.add_delivery(FAN_OUT, subscriptions.fan_out)
    registry.add_delivery(NOTIFY, subscriptions.notify)
    registry.add_delivery(MAIL_BATCH, subscriptions.mail_batch)
    registry.add_delivery(COMPONENT, subscriptions.component_update)
    registry.add_delivery(CONFIRMATION, subscriptions.confirmation)
    registry.add_sweep("status page form uses", _sweep_form_uses)


def _sweep_form_uses(tx: Transaction, now: datetime, batch: int) -> int:
    """The subscribe form's uses older than its window: they limit nobody any more."""
    return sql_of(tx).sweep_form_uses(now, batch)


def _nobody_to_tell(services: Services, reminder: Reminder) -> None:
    """Subscribers' mail owed before mail was switched off: it cannot be sent any more."""


def _nothing_to_rewrite(services: Services, reminder: Reminder) -> None:
    """A rewrite owed before the page was switched off: nothing is served any more."""

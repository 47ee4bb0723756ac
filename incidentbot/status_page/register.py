"""The rows the status page handles: its prompt, its rewrites, and its part in customer texts."""

from __future__ import annotations

from incidentbot.kernel.context import Services
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.status_page.prompt import deliver_prompt
from incidentbot.status_page.publishing import STATUS_PAGE_PROMPT
from incidentbot.status_page.render_site import REWRITE, StatusPage
from incidentbot.wrap_up.comms import CustomerTextKept


def register(registry: Registry, page: StatusPage | None = None) -> None:
    registry.add_delivery(STATUS_PAGE_PROMPT, deliver_prompt)
    if page is None:
        registry.add_delivery(REWRITE, _nothing_to_rewrite)
        return
    registry.on(CustomerTextKept, page.on_customer_text)
    registry.add_delivery(REWRITE, page.rewrite)


def _nothing_to_rewrite(services: Services, reminder: Reminder) -> None:
    """A rewrite owed before the page was switched off: nothing is served any more."""

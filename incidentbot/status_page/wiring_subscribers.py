"""Subscribers as the settings ask: on when the page is, and SMTP_URL and STATUS_PAGE_FROM are set."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from incidentbot.clock import Clock
from incidentbot.config import ConfigError, Settings
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox import send_now
from incidentbot.kernel.ports import Store
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.status_page.notify import Deliver, Subscriptions
from incidentbot.status_page.render_mail import MailSite
from incidentbot.status_page.smtp_mail import BadSmtpUrl, SmtpMailer, SmtpServer

LOCAL_PAGE = "http://localhost:{port}/status"
log = logging.getLogger(__name__)


def subscriptions(
    settings: Settings, config: StatusPageConfig, store: Store, clock: Clock
) -> Subscriptions | None:
    if not config.enabled or not settings.smtp_url or not settings.status_page_from:
        return None
    try:
        server = SmtpServer.parse(settings.smtp_url)
    except BadSmtpUrl as error:
        raise ConfigError(str(error)) from None
    # Links in mail must reach the bot: the page's configured address, else this machine's port.
    bot_url = (config.url or LOCAL_PAGE.format(port=settings.port)).rstrip("/")
    site = MailSite(config.title, bot_url, settings.status_page_from, config.time_zone)
    names = [c.name for c in config.components]
    return Subscriptions(
        store,
        clock,
        site,
        SmtpMailer(server, data_at_once=settings.smtp_data_at_once),
        names,
        config=config,
        allow_private_webhooks=settings.status_page_allow_private_webhooks,
    )


def sender(services: Services, pool: Executor) -> Deliver:
    """Send a form's outbox rows on `pool` (the threads that work after an answer)."""

    def deliver(rows: list[Reminder], worker: str) -> None:
        try:
            pool.submit(send_now, services, rows, worker)
        except RuntimeError:
            # Shutting down: the scheduler sends them once their leases run out.
            log.info("left %d outbox rows to the scheduler: the bot is stopping", len(rows))

    return deliver

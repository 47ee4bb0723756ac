"""Subscribers as the settings ask: on when the page is, and SMTP_URL and STATUS_PAGE_FROM are set."""

from __future__ import annotations

from incidentbot.clock import Clock
from incidentbot.config import ConfigError, Settings
from incidentbot.kernel.ports import Store
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.status_page.notify import Subscriptions
from incidentbot.status_page.render_mail import MailSite
from incidentbot.status_page.smtp_mail import BadSmtpUrl, SmtpMailer, SmtpServer

LOCAL_PAGE = "http://localhost:{port}/status"


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
        SmtpMailer(server),
        names,
        config=config,
        allow_private_webhooks=settings.status_page_allow_private_webhooks,
    )

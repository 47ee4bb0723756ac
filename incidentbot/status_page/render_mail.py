"""The subscribers' mails and pages from `templates/status_page/subscribers/`.

HTML is autoescaped; the plain-text parts and subjects are not (a mail's text is not markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from incidentbot.rendering.environment import _template_dirs
from incidentbot.status_page.model import ComponentState
from incidentbot.status_page.render_html import STATE_WORDS
from incidentbot.status_page.sql_subscribers import Notice


@cache
def environment(time_zone: str = "UTC") -> Environment:
    dirs = [str(Path(d) / "status_page" / "subscribers") for d in _template_dirs()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        auto_reload=False,
        keep_trailing_newline=False,
    )
    zone = ZoneInfo(time_zone)
    env.filters["local"] = lambda when: when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return env


@dataclass(frozen=True)
class MailSite:
    """What every mail and page needs: the page's name and where the bot answers."""

    title: str
    bot_url: str
    """The status page's address on the bot, without a trailing slash (`https://bot/status`)."""
    sender: str
    time_zone: str = "UTC"

    def render(self, name: str, **context: object) -> str:
        template = environment(self.time_zone).get_template(name)
        return template.render(title=self.title, home=self.bot_url + "/", **context)

    def page(self, name: str, **context: object) -> bytes:
        return self.render(f"{name}.html.j2", **context).encode()


def confirmation(
    site: MailSite, to: str, token: str, components: tuple[str, ...] | None, at: datetime, mail_id: str
) -> EmailMessage:
    """The mail with the link that confirms a subscription; `mail_id` makes its Message-ID, the
    same however often it is sent."""
    link = f"{site.bot_url}/subscribe/confirm?token={token}"
    context: dict[str, object] = {"link": link, "components": components or ()}
    message = _message(site, to, "confirm", context, None, at)
    message.replace_header("Message-ID", _message_id(site, mail_id))
    return message


def update(site: MailSite, notice: Notice, at: datetime) -> EmailMessage:
    unsubscribe = f"{site.bot_url}/unsubscribe?token={notice.subscriber.unsubscribe_token}"
    affected = [
        (name, STATE_WORDS[ComponentState(state)])
        for name, state in notice.components.items()
        if state != ComponentState.OPERATIONAL and _chose(notice, name)
    ]
    context = {
        "notice": notice,
        "stage": notice.stage,
        "affected": affected,
        "unsubscribe": unsubscribe,
        "incident_link": f"{site.bot_url}/incidents/{notice.incident_public_id}.html",
    }
    message = _message(site, notice.subscriber.address, "update", context, unsubscribe, at)
    # The same id however often it is sent: a mail sent twice (a crash just after the server took
    # it) is one message to the reader's client.
    message.replace_header("Message-ID", _message_id(site, f"{notice.update_public_id}.{notice.delivery_id}"))
    return message


def _message_id(site: MailSite, local: str) -> str:
    domain = site.sender.rsplit("@", 1)[-1].strip(">")
    return f"<{local}@{domain}>"


def _chose(notice: Notice, name: str) -> bool:
    chosen = notice.subscriber.components
    return chosen is None or name in chosen


def _message(
    site: MailSite, to: str, name: str, context: dict[str, object], unsubscribe: str | None, at: datetime
) -> EmailMessage:
    message = EmailMessage()
    subject = site.render(f"{name}_subject.txt.j2", **context)
    message["Subject"] = " ".join(subject.split())  # one line, whatever a name held
    message["From"] = site.sender
    message["To"] = to
    message["Message-ID"] = make_msgid()
    message["Date"] = format_datetime(at)
    if unsubscribe is not None:
        # RFC 8058: a mail client unsubscribes with one POST, no page to read.
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(site.render(f"{name}.txt.j2", **context) + "\n")
    message.add_alternative(site.render(f"{name}.html.j2", **context), subtype="html")
    return message

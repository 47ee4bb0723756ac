"""Subscribers: the form's three steps (subscribe, confirm, unsubscribe) and each update's notices.

Publishing an update owes one fan-out row, emitted in the unit of work that publishes it; the
fan-out owes one delivery row per subscriber, and outbox rows to send them: one per batch of
mails, one per webhook post (and one per component the update changed, for webhooks). So a
publication never waits on 10,000 subscribers, and a crash at any step loses nothing; the only
notice sent twice is a mail the server took just before a crash, before it was marked sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from functools import partial
from typing import Any, Protocol

from incidentbot.clock import Clock
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox import caller_worker, enqueue
from incidentbot.kernel.ports import Store
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import COMPLETED, ReminderObsolete, complete, keep_lease
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.status_page import overview, rate_limit, render_mail, webhook_post
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.status_page.overview import Overview
from incidentbot.status_page.smtp_mail import MailRefused
from incidentbot.status_page.sql_sent_marks import SentMarks, sent_marks
from incidentbot.status_page.sql_store import sql_of as page_sql_of
from incidentbot.status_page.sql_subscribers import Notice, Owed, sql_of
from incidentbot.status_page.subscribers import Channel, FormRefused, State, read_form
from incidentbot.status_page.webhook_guard import UnsafeWebhook, check_url
from incidentbot.status_page.webhook_payload import ComponentChange, component_payload, incident_payload
from incidentbot.wrap_up.comms import CustomerTextKept

log = logging.getLogger(__name__)

FAN_OUT = "status_page_fan_out"
NOTIFY = "status_page_notify"
"""One notice: a webhook post (each receiver answers in its own time), or a mail owed before
mail went in batches."""
MAIL_BATCH = "status_page_mail_batch"
"""Up to `MAIL_BATCH_SIZE` mails of one update, sent over one SMTP connection."""
MAIL_BATCH_SIZE = 25
"""Small, so a process killed mid-send leaves few mails waiting for its leases to expire."""
COMPONENT = "status_page_component"
"""A component's change of state, posted to one webhook subscriber."""
CONFIRMATION = "status_page_confirmation"
"""The mail with the link a subscriber follows to confirm (its token in the row until it is sent)."""
GONE = 410
FAN_OUT_BATCH = 500
"""Subscribers owed an update per transaction: short enough to keep the lease, few enough round trips."""


class MailSession(AbstractContextManager["MailSession"], Protocol):
    def send(self, message: EmailMessage, taken: Callable[[], None] | None = None) -> None: ...


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def session(self) -> MailSession: ...


@dataclass(frozen=True)
class Answer:
    """An HTML answer to the form or a link."""

    status: int
    body: bytes
    after: Callable[[], object] | None = None
    """What to start once the answer is written: sending the mail it owes."""


Deliver = Callable[[list[Reminder], str], object]
"""Send these outbox rows, written leased to this worker, on a thread of the bot's after the answer."""


@dataclass
class Subscriptions:
    store: Store
    clock: Clock
    site: render_mail.MailSite
    mailer: Mailer
    components: Sequence[str]
    config: StatusPageConfig = field(default_factory=StatusPageConfig)
    allow_private_webhooks: bool = False
    deliver: Deliver | None = None
    """Set when the bot is wired; without it, the confirmation waits for the scheduler's tick."""

    # The form. It is public and carries no CSRF token on purpose: it must work from a copy of
    # the page on a static host, and a forged submission subscribes nobody, since only the
    # address's owner can follow the confirmation link (double opt-in).

    def subscribe(self, fields: Mapping[str, Sequence[str]], client: str) -> Answer:
        """Record the subscriber and the confirmation mail it owes in one transaction, and answer.

        The mail goes through the outbox, sent once the answer is written, so the answer is the
        same whether the mail server is up or not, and whether the address was known or not.
        """
        now = self.clock.now()
        try:
            request = read_form(fields, self.components)
        except FormRefused as refused:
            return Answer(400, self.site.page("refused", field=refused.field, problem=refused.problem))
        with self.store.transaction() as tx:
            allowed = sql_of(tx).count_form_use(rate_limit.form_limits(client, request.address), now)
        if not allowed:
            return Answer(429, self.site.page("too_many", minutes=rate_limit.minutes_left()))
        if request.channel is Channel.WEBHOOK:
            try:
                check_url(request.address, allow_private=self.allow_private_webhooks)
            except UnsafeWebhook as unsafe:
                return Answer(400, self.site.page("refused", field="webhook", problem=str(unsafe)))
        worker = caller_worker() if self.deliver is not None else None
        row = None
        with self.store.transaction() as tx:
            subscriber_id, token = sql_of(tx).subscribe(request, now)
            if token is not None and request.channel is Channel.EMAIL:
                row = enqueue(tx, CONFIRMATION, None, subscriber_id, now, worker, payload=token)
        if request.channel is Channel.WEBHOOK:
            # A receiver cannot follow a link: it is confirmed by answering the posts (410 ends it).
            return Answer(200, self.site.page("webhook_added"))
        deliver = self.deliver
        after = None if row is None or deliver is None or worker is None else partial(deliver, [row], worker)
        return Answer(200, self.site.page("check_mail"), after)

    def confirmation(self, services: Services, reminder: Reminder) -> object:
        """Mail the confirmation link a subscriber asked for, unless a newer one was asked for since.

        The link's token is kept in the outbox row only until the mail is sent. A mail server that
        cannot take mail now leaves the row to be taken again after its backoff.
        """
        token = reminder.payload or ""
        with self.store.transaction() as tx:
            waiting = sql_of(tx).awaiting_confirmation(reminder.subject_id or 0, token)
        if waiting is None:
            raise ReminderObsolete  # confirmed or unsubscribed since, or a newer link was asked for
        mail = render_mail.confirmation(
            self.site, waiting.address, token, waiting.components, reminder.due_at, f"confirm.{reminder.id}"
        )
        try:
            self.mailer.send(mail)
        except MailRefused as refused:
            # Said nowhere: the page never tells who can subscribe.
            log.warning("subscriber %s refused the confirmation mail: %s", waiting.id, refused)
        with self.store.transaction() as tx:
            sql_of(tx).forget_link(reminder.id)
            complete(tx, reminder, self.clock.now())
        return COMPLETED

    def confirm(self, token: str) -> Answer:
        with self.store.transaction() as tx:
            confirmed = bool(token) and sql_of(tx).confirm(token, self.clock.now())
        if not confirmed:
            return Answer(404, self.site.page("bad_link"))
        return Answer(200, self.site.page("confirmed", components=()))

    def ask_to_unsubscribe(self, token: str) -> Answer:
        action = f"{self.site.bot_url}/unsubscribe"
        return Answer(200, self.site.page("unsubscribe", token=token, action=action))

    def unsubscribe(self, token: str) -> Answer:
        with self.store.transaction() as tx:
            removed = bool(token) and sql_of(tx).unsubscribe(token)
        return (
            Answer(200, self.site.page("unsubscribed"))
            if removed
            else Answer(404, self.site.page("bad_link"))
        )

    # Notices.

    def on_customer_text(self, uow: UnitOfWork, event: object) -> None:
        """Owe a fan-out for the update the status page has just published (`Registry.on`)."""
        if not isinstance(event, CustomerTextKept) or event.public is None:
            return
        if event.incident.is_private or event.incident.drill:
            return
        published = sql_of(uow.tx).update_of_text(event.text.id)
        if published is not None:
            update_id, incident_id = published
            uow.emit(FAN_OUT, incident_id, update_id)

    def fan_out(self, services: Services, reminder: Reminder) -> None:
        """Owe the update to every confirmed subscriber who hears of it, a batch per transaction."""
        update_id, after = reminder.subject_id or 0, 0
        while True:
            with self.store.transaction() as tx:
                last = sql_of(tx).fan_out(update_id, after, FAN_OUT_BATCH, OWED, self.clock.now())
            if last is None:
                return
            after = last
            keep_lease(services, reminder)

    def mail_batch(self, services: Services, reminder: Reminder) -> object:
        """Mail a batch of notices over one connection, each marked sent as soon as the server
        has taken it.

        That mark is one statement in a transaction of its own, made before the mailer lets any
        other message's data go (`SmtpMailer`), so a process killed after the server took a
        message and before its mark committed — at most one message per process — is the only
        way a notice is mailed twice. A mail server that cannot take mail now ends the batch: the
        row is taken again after its backoff, and only the notices not yet sent are sent then.
        """
        ids = [int(i) for i in json.loads(reminder.payload or "[]")]
        with self.store.transaction() as tx:
            notices = sql_of(tx).notices(ids)
        now = self.clock.now()
        # Rendered before the first is sent, so nothing slow stands between a mail and its mark.
        mails = [
            (notice, render_mail.update(self.site, notice, now))
            for notice in notices
            if not notice.done and notice.subscriber.state is State.CONFIRMED
        ]
        with self.mailer.session() as session, sent_marks(self.store) as marks:
            for notice, mail in mails:
                keep_lease(services, reminder)
                try:
                    session.send(mail, self._marker(marks, notice))
                except MailRefused as refused:
                    self._bounced(notice, self.clock.now(), refused)
        with self.store.transaction() as tx:
            complete(tx, reminder, self.clock.now())
        return COMPLETED

    def _marker(self, marks: SentMarks, notice: Notice) -> Callable[[], None]:
        subscriber = notice.subscriber

        def taken() -> None:
            marks.sent(notice.delivery_id, subscriber.id, subscriber.bounces, self.clock.now())

        return taken

    def _bounced(
        self, notice: Notice, now: datetime, refused: Exception, reminder: Reminder | None = None
    ) -> None:
        with self.store.transaction() as tx:
            suspended = sql_of(tx).bounced(notice.subscriber.id)
            sql_of(tx).mark(notice.delivery_id, "bounced", now)
            if reminder is not None:
                complete(tx, reminder, now)
        log.warning(
            "subscriber %s refused mail (suspended: %s): %s", notice.subscriber.id, suspended, refused
        )

    def notify(self, services: Services, reminder: Reminder) -> object:
        """Send one subscriber one update; a permanent refusal counts towards suspending them."""
        with self.store.transaction() as tx:
            notice = sql_of(tx).notice(reminder.subject_id or 0)
        if notice is None or notice.done or notice.subscriber.state is not State.CONFIRMED:
            raise ReminderObsolete
        now = self.clock.now()
        try:
            if notice.subscriber.channel is Channel.WEBHOOK:
                self._post(notice)
            else:
                self.mailer.send(render_mail.update(self.site, notice, now))
        except Gone:
            with self.store.transaction() as tx:
                sql_of(tx).unsubscribe(notice.subscriber.unsubscribe_token)
            raise ReminderObsolete from None
        except (MailRefused, UnsafeWebhook) as refused:
            self._bounced(notice, now, refused, reminder)
            return COMPLETED
        # MailUnavailable and WebhookUnavailable go up: the row is tried again after its backoff.
        with self.store.transaction() as tx:
            sql_of(tx).mark(notice.delivery_id, "sent", now)
            sql_of(tx).delivered_to(notice.subscriber.id)
            complete(tx, reminder, now)
        return COMPLETED

    def component_update(self, services: Services, reminder: Reminder) -> object:
        """Post one webhook subscriber one component's change of state, as Statuspage does."""
        with self.store.transaction() as tx:
            notice = sql_of(tx).notice(reminder.subject_id or 0)
        if notice is None or notice.subscriber.state is not State.CONFIRMED:
            raise ReminderObsolete
        asked = json.loads(reminder.payload or "{}")
        change = ComponentChange(
            notice.update_public_id,
            asked["name"],
            asked["old_status"],
            asked["new_status"],
            notice.published_at,
        )
        now = self.clock.now()
        try:
            self._post(notice, lambda page, unsubscribe: component_payload(page, change, unsubscribe))
        except Gone:
            with self.store.transaction() as tx:
                sql_of(tx).unsubscribe(notice.subscriber.unsubscribe_token)
            raise ReminderObsolete from None
        except UnsafeWebhook as refused:
            with self.store.transaction() as tx:
                suspended = sql_of(tx).bounced(notice.subscriber.id)
                complete(tx, reminder, now)
            log.warning("webhook %s refused (suspended: %s): %s", notice.subscriber.id, suspended, refused)
            return COMPLETED
        with self.store.transaction() as tx:
            sql_of(tx).delivered_to(notice.subscriber.id)
            complete(tx, reminder, now)
        return COMPLETED

    def _post(
        self,
        notice: Notice,
        payload_of: Callable[[Overview, str], dict[str, Any] | None] | None = None,
    ) -> None:
        """Post the update (or what `payload_of` makes of the page) as Statuspage would; Gone on
        410, UnsafeWebhook on any other refusal."""
        with self.store.transaction() as tx:
            incidents = page_sql_of(tx).public_incidents()
        page = overview.build(self.config, incidents, self.clock.now())
        unsubscribe = f"{self.site.bot_url}/unsubscribe?token={notice.subscriber.unsubscribe_token}"
        if payload_of is None:
            payload = incident_payload(page, notice.incident_public_id, unsubscribe)
        else:
            payload = payload_of(page, unsubscribe)
        if payload is None:
            raise ReminderObsolete
        status = webhook_post.post(
            notice.subscriber.address, payload, allow_private=self.allow_private_webhooks
        )
        if status == GONE:
            raise Gone
        if not 200 <= status < 300:
            # A redirect is not followed, and a 4xx would answer the same again.
            raise UnsafeWebhook(f"the receiver answered {status}")


OWED = Owed(notify=NOTIFY, mail_batch=MAIL_BATCH, mail_batch_size=MAIL_BATCH_SIZE, component=COMPONENT)


class Gone(Exception):
    """The receiver answered 410: it wants no more posts."""

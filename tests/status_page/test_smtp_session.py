"""Mail sent over one SMTP connection: reused between messages, taken again when it was dropped."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import pytest

from incidentbot.status_page.smtp_mail import MailRefused, SmtpMailer, SmtpServer
from tests.e2e.helpers import declare, wait_until
from tests.status_page.helpers import API
from tests.status_page.mailbox import Mailbox
from tests.status_page.subscriber_helpers import publish, subscribe
from tests.support.harness import RunningBot

READERS = [f"reader{n}@example.com" for n in range(3)]


def mail(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "status@acme.test"
    message["To"] = to
    message["Subject"] = "Checkout unavailable"
    message.set_content("We're investigating.")
    return message


def test_the_notices_of_an_update_share_one_connection(team: RunningBot, mailbox: Mailbox) -> None:
    for reader in READERS:
        subscribe(team, mailbox, reader)
    before = len(mailbox.peers)
    publish(team, declare(team), states={API: "major_outage"})
    notices = mailbox.peers[before:]
    assert len(notices) == len(READERS)
    assert len(set(notices)) == 1, notices
    assert len(set(mailbox.peers[:before])) == len(READERS), "each confirmation on its own connection"


def test_a_dropped_connection_is_taken_again_before_the_next_mail(mailbox: Mailbox) -> None:
    mailer = SmtpMailer(SmtpServer.parse(mailbox.url))
    with mailer.session() as session:
        session.send(mail(READERS[0]))
        assert session.smtp is not None
        session.smtp.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        session.send(mail(READERS[1]))
        session.send(mail(READERS[2]))
    assert [m["To"] for m in mailbox.received] == READERS, "each once"
    first, second, third = mailbox.peers
    assert first != second == third


def test_a_refused_address_leaves_the_connection_to_the_next_mail(mailbox: Mailbox) -> None:
    mailbox.refuse.add(READERS[0])
    mailer = SmtpMailer(SmtpServer.parse(mailbox.url))
    with mailer.session() as session:
        with pytest.raises(MailRefused):
            session.send(mail(READERS[0]))
        session.send(mail(READERS[1]))
        session.send(mail(READERS[2]))
    assert [m["To"] for m in mailbox.received] == READERS[1:]
    assert len(set(mailbox.peers)) == 1


def test_one_message_at_a_time_is_taken_and_not_yet_recorded(mailbox: Mailbox) -> None:
    """A process killed between the server's 250 and the record mails that message again: set to
    one, the mailer lets no other message's data go before the one the server has is recorded."""
    mailer = SmtpMailer(SmtpServer.parse(mailbox.url), data_at_once=1)
    mailbox.hold_data = True

    def send(to: str) -> None:
        with mailer.session() as session:
            session.send(mail(to), lambda: mailbox.events.append(f"recorded {to}"))

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(send, READERS[0])
        wait_until(lambda: mailbox.events == [f"data {READERS[0]}"])
        second = pool.submit(send, READERS[1])
        with pytest.raises(AssertionError):  # the second message's data waits at the gate
            wait_until(lambda: len(mailbox.events) > 1, timeout=0.5)
        mailbox.hold_data = False
        first.result(timeout=10)
        second.result(timeout=10)
    assert mailbox.events == [
        f"data {READERS[0]}",
        f"recorded {READERS[0]}",
        f"data {READERS[1]}",
        f"recorded {READERS[1]}",
    ]


def test_a_distant_relay_may_have_more_messages_awaiting_its_answer(mailbox: Mailbox) -> None:
    mailer = SmtpMailer(SmtpServer.parse(mailbox.url), data_at_once=2)
    mailbox.hold_data = True

    def send(to: str) -> None:
        with mailer.session() as session:
            session.send(mail(to), lambda: mailbox.events.append(f"recorded {to}"))

    with ThreadPoolExecutor(2) as pool:
        sent = [pool.submit(send, to) for to in READERS[:2]]
        wait_until(lambda: len(mailbox.events) == 2)  # both have their data at the server
        mailbox.hold_data = False
        for one in sent:
            one.result(timeout=10)
    assert sorted(mailbox.events) == sorted(
        [f"{what} {to}" for what in ("data", "recorded") for to in READERS[:2]]
    )

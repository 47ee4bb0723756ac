"""Sending mail over SMTP, as `SMTP_URL` says: the standard library's `smtplib`, nothing more.

`smtp://user:pass@host:port` sends in the clear, or upgrades with STARTTLS when the URL asks
(`?starttls=true`) or the port is 587 (submission); `smtps://…` speaks TLS from the start.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

TIMEOUT_SECONDS = 10.0
SUBMISSION_PORT = 587


class MailRefused(Exception):
    """The receiving server refused this address for good (a 5xx answer): sending again won't help."""


class MailUnavailable(Exception):
    """The mail server could not be reached or answered 4xx: the mail waits and is tried again."""


class BadSmtpUrl(ValueError):
    pass


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise BadSmtpUrl("SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
        tls = parts.scheme == "smtps"
        try:
            port = parts.port or (465 if tls else 25)
        except ValueError:
            raise BadSmtpUrl("SMTP_URL has a port that is not a number from 1 to 65535") from None
        asked = parse_qs(parts.query).get("starttls", ["false"])[-1].lower() in ("true", "1", "yes")
        return cls(
            host=parts.hostname,
            port=port,
            tls=tls,
            starttls=not tls and (asked or port == SUBMISSION_PORT),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


Taken = Callable[[], None]
"""Called once the server has answered 250 to a message's data: record that it was sent."""


class _Gated:
    """smtplib's client, with the DATA command (the data and the server's answer to it) taken
    under the mailer's gate, and `taken` called before the gate is let go."""

    gate: threading.Semaphore
    taken: Taken | None = None

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        with self.gate:
            code, reply = super().data(msg)  # type: ignore[misc]
            if code == 250 and self.taken is not None:
                self.taken()
        return code, reply


class _Smtp(_Gated, smtplib.SMTP):
    pass


class _SmtpSsl(_Gated, smtplib.SMTP_SSL):
    pass


class SmtpMailer:
    """`send` takes a connection of its own per message (a confirmation mail, asked on the form);
    `session` keeps one connection for many messages (the notices of an update).

    A message the server has taken (250) but the bot has not recorded as sent is sent again if
    the process dies in between: SMTP has no way to ask whether a message arrived. So at most
    `data_at_once` messages per mailer (per process; `SMTP_DATA_AT_ONCE`, 8 unless set) are
    in that state at any instant: the DATA command of every connection goes through one gate,
    and a message is recorded (`taken`) before the gate lets the next one in.
    """

    def __init__(
        self, server: SmtpServer, context: ssl.SSLContext | None = None, *, data_at_once: int = 8
    ) -> None:
        self.server = server
        self.context = context or ssl.create_default_context()
        self.gate = threading.BoundedSemaphore(data_at_once)

    def send(self, message: EmailMessage) -> None:
        """MailRefused on a permanent refusal of the recipient or the message, MailUnavailable otherwise."""
        with self.session() as session:
            session.send(message)

    def session(self) -> SmtpSession:
        return SmtpSession(self)

    def connect(self) -> _Smtp | _SmtpSsl:
        server = self.server
        smtp: _Smtp | _SmtpSsl
        if server.tls:
            smtp = _SmtpSsl(server.host, server.port, timeout=TIMEOUT_SECONDS, context=self.context)
        else:
            smtp = _Smtp(server.host, server.port, timeout=TIMEOUT_SECONDS)
        smtp.gate = self.gate
        try:
            if server.starttls:
                smtp.starttls(context=self.context)
            if server.user:
                smtp.login(server.user, server.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


class SmtpSession:
    """One connection reused for message after message: no handshake, TLS or login per mail.

    Between two messages the transaction is reset (RSET), which also proves the connection is
    still open; if it is not, a new one is taken before anything of the next message is sent, so
    a reconnection never sends a message twice. After any other failure the connection is
    dropped and the next message opens a new one.
    """

    def __init__(self, mailer: SmtpMailer) -> None:
        self.mailer = mailer
        self.smtp: _Smtp | _SmtpSsl | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage, taken: Taken | None = None) -> None:
        """MailRefused on a permanent refusal of the recipient or the message, MailUnavailable
        otherwise; `taken` is called as soon as the server has taken the message."""
        try:
            smtp = self._ready()
            smtp.taken = taken
            try:
                smtp.send_message(message)
            finally:
                smtp.taken = None
        except smtplib.SMTPRecipientsRefused as error:
            # smtplib has reset the transaction itself: the connection serves the next message.
            codes = [code for code, _ in error.recipients.values()]
            raise (MailRefused if all(code >= 500 for code in codes) else MailUnavailable)(
                str(error)
            ) from None
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            raise (MailRefused if error.smtp_code >= 500 else MailUnavailable)(str(error)) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise MailUnavailable(f"{type(error).__name__}: {error}") from None

    def _ready(self) -> _Smtp | _SmtpSsl:
        if self.smtp is not None:
            try:
                code, _ = self.smtp.rset()
                if code == 250:
                    return self.smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        self.smtp = self.mailer.connect()
        return self.smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

"""A real SMTP server for tests (aiosmtpd on a free port): what it receives, parsed as a mail client would."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from tests.e2e.helpers import wait_until


@dataclass
class Mailbox:
    """The server's handler: keeps every message, and refuses as told."""

    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    """Recipients answered 550 at RCPT: addresses that do not exist."""
    refused: list[str] = field(default_factory=list)
    """Every recipient answered 550, once per attempt."""
    peers: list[object] = field(default_factory=list)
    """The client's address and port of each message received: one per connection it came over."""
    busy: bool = False
    """While set, every recipient is answered 451: the server is up but takes nothing now."""
    hold: bool = False
    """While set, every recipient waits for its answer: a mail on its way, not taken yet."""
    holding: int = 0
    """Recipients waiting while `hold` is set."""
    hold_data: bool = False
    """While set, a message's data waits for its answer: the server has it, and has not said 250."""
    events: list[str] = field(default_factory=list)
    """"data <to>" when a message's data has arrived, in order."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.hold:
            with self.lock:
                self.holding += 1
            while self.hold:
                await asyncio.sleep(0.01)
        if self.busy:
            return "451 4.3.0 try again later"
        if address in self.refuse:
            with self.lock:
                self.refused.append(address)
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.events.extend(f"data {to}" for to in envelope.rcpt_tos)
        while self.hold_data:
            await asyncio.sleep(0.01)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(message)
            self.peers.append(session.peer)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if m["To"] == address]

    def wait_for(self, address: str, count: int = 1) -> list[EmailMessage]:
        return wait_until(lambda: found if len(found := self.to(address)) >= count else None)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part of a mail."""
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None, "a mail has both a text and an HTML part"
    return text.get_content(), html.get_content()


def path_of(link: str) -> str:
    """The path and query of a link in a mail, to follow it against the bot under test."""
    split = urlsplit(link)
    return f"{split.path}?{split.query}" if split.query else split.path

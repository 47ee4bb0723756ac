"""Subscribers' rules: what the subscribe form accepts, their tokens, and who hears of an update.

The form is public and anyone may post to it, so every field is checked here before anything is
stored, and its answer never says whether an address was already subscribed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

MAX_FIELD = 1000
"""Longer than any address or URL a person types; a 10 kB field is refused, not truncated."""
MAX_EMAIL = 254
"""RFC 5321's limit on a forward path."""
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
TOKEN_BYTES = 32
BOUNCES_TO_SUSPEND = 3
"""Permanent refusals (5xx) in a row before an address gets no more mail: mail providers rate
senders by how often they keep writing to addresses that do not exist."""
ALL = "all"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class State(StrEnum):
    PENDING = "pending"
    """Subscribed on the form; the confirmation link was not followed yet."""
    CONFIRMED = "confirmed"
    SUSPENDED = "suspended"
    """Its mail kept bouncing; it receives nothing more."""


class FormRefused(ValueError):
    """The subscribe form's input cannot be taken; `field` names what to correct."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Request:
    """A subscription as asked on the form, checked."""

    channel: Channel
    address: str
    components: tuple[str, ...] | None
    """The chosen components, None for all of them."""


def read_form(fields: Mapping[str, Sequence[str]], known_components: Sequence[str]) -> Request:
    """The subscription the form asks for; FormRefused naming the first field to correct."""
    for name, values in fields.items():
        if any(len(value) > MAX_FIELD for value in values):
            raise FormRefused(name, f"is longer than {MAX_FIELD} characters")
        if any("\r" in value or "\n" in value or "\0" in value for value in values):
            raise FormRefused(name, "holds a line break; give it on one line")
    email = _one(fields, "email")
    webhook = _one(fields, "webhook")
    if bool(email) == bool(webhook):
        raise FormRefused("email", "give an email address, or a webhook URL, but not both")
    components = _components(fields.get("components", []), known_components)
    if email:
        return Request(Channel.EMAIL, _email(email), components)
    return Request(Channel.WEBHOOK, webhook, components)


def _one(fields: Mapping[str, Sequence[str]], name: str) -> str:
    values = [value.strip() for value in fields.get(name, []) if value.strip()]
    if len(values) > 1:
        raise FormRefused(name, "was given more than once")
    return values[0] if values else ""


def _email(address: str) -> str:
    if len(address) > MAX_EMAIL or not _EMAIL.match(address):
        raise FormRefused("email", "is not an email address such as name@example.com")
    local, domain = address.rsplit("@", 1)
    # Domains are case-insensitive; the local part belongs to the receiving server, kept as typed.
    return f"{local}@{domain.lower()}"


def _components(chosen: Sequence[str], known: Sequence[str]) -> tuple[str, ...] | None:
    picked = [name for name in chosen if name != ALL]
    if not picked or len(picked) < len(chosen):
        return None
    by_key = {name.casefold(): name for name in known}
    unknown = [name for name in picked if name.casefold() not in by_key]
    if unknown:
        raise FormRefused("components", f"{unknown[0]!r} is not a component of this page")
    return tuple(dict.fromkeys(by_key[name.casefold()] for name in picked))


def new_token() -> str:
    """A link's secret: 256 random bits, so nobody guesses another's link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hashed(token: str) -> str:
    """What is stored of a confirmation token: a database read does not confirm anyone."""
    return hashlib.sha256(token.encode()).hexdigest()


def hears_of(chosen: Iterable[str] | None, affected: Iterable[str]) -> bool:
    """Whether a subscriber who chose `chosen` hears of an incident that affected `affected`."""
    return chosen is None or bool(set(chosen) & set(affected))

"""Which webhook URLs the bot may post to: none that reaches its own machine or private network.

The subscribe form is public, so without this anyone could make the bot send requests into the
network it runs in (server-side request forgery). Every address a name resolves to is checked
when subscribing, and the address actually connected to is checked again at each delivery, so a
name that later resolves elsewhere (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL = 1000


class UnsafeWebhook(ValueError):
    """The URL cannot be posted to; the message says why, for the person who gave it."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, if it is an http(s) URL every address of which is public (or private is allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise UnsafeWebhook("must be an http:// or https:// URL")
    if parts.username or parts.password:
        raise UnsafeWebhook("must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise UnsafeWebhook("names a host that could not be found") from None
    if not allow_private:
        check_addresses([str(info[4][0]) for info in found])
    return url


def check_addresses(addresses: list[str]) -> None:
    if not addresses or not all(is_public(address) for address in addresses):
        raise UnsafeWebhook("resolves to a private, loopback or reserved address; give a public URL")

"""`conversations.history` as Slack answers it, for the fake Slack (docs.slack.dev, the method's
reference and "Pagination"; "Rate limits" for the tiers).

- `channel` is required; one the token cannot see is `channel_not_found`, a public channel the
  bot is not a member of is `not_in_channel` (a bot token reads only conversations it is in).
- Messages come newest first, between `oldest` (default 0) and `latest` (default now), both ends
  excluded unless `inclusive`; a value that is no timestamp is `invalid_ts_oldest` /
  `invalid_ts_latest`.
- `limit`: default 100, at most 999 for an internal or Marketplace app; since 2025 an app
  distributed outside the Marketplace gets 15 as both default and maximum. A larger limit is
  cut to the maximum, not refused (the method documents no `invalid_limit`). Slack may also
  return fewer messages than asked before the end: only `has_more` and
  `response_metadata.next_cursor` say more are left.
- The cursor is opaque: it points at the last message returned (`next_ts:<ts>`, base64), so
  messages posted while a client pages through do not shift the pages. Anything else is
  `invalid_cursor`.
- Rate: Tier 3 (50+ calls a minute) for internal and Marketplace apps; 1 a minute outside the
  Marketplace. Enforced only when a test asks (`FakeSlack.enforce_rates`; off by default, as a
  test fires calls faster than any workspace would and the bot's client sleeps through
  `Retry-After`): answered 429 with `Retry-After`, as Slack does.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
Key = tuple[int, int]

DEFAULT_LIMIT = 100
MAX_LIMIT = 999
OUTSIDE_MARKETPLACE_LIMIT = 15
"""Default and maximum `limit` for an app distributed outside the Marketplace (since May 2025)."""
MAX_PAGE = 200
"""The fake never returns more at once, whatever the limit: fewer than asked is not the end."""
TIER_3_PER_MINUTE = 50
OUTSIDE_MARKETPLACE_PER_MINUTE = 1
_CURSOR_PREFIX = "next_ts:"
_NEWEST = (2**62, 0)


class HistoryFault(Exception):
    """An `ok: false` answer: `error` is Slack's code, `detail` the fake's hint."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail


def ts_key(ts: str) -> Key:
    """Slack timestamps compare as (seconds, microseconds); floats lose the last digits."""
    seconds, _, fraction = str(ts).partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not a Slack timestamp: {ts!r}")
    return int(seconds), int((fraction + "000000")[:6])


def _flag(args: Json, key: str) -> bool:
    value = args.get(key)
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip().lower() in {"1", "true", "yes"}


def _ts_arg(args: Json, key: str, default: Key) -> Key:
    value = args.get(key)
    if value in (None, ""):
        return default
    try:
        return ts_key(str(value))
    except ValueError:
        raise HistoryFault(f"invalid_ts_{key}") from None


def limit_of(args: Json, *, outside_marketplace: bool) -> int:
    """The number of messages asked for, cut to the app's maximum."""
    most = OUTSIDE_MARKETPLACE_LIMIT if outside_marketplace else MAX_LIMIT
    value = args.get("limit")
    if value in (None, ""):
        return min(DEFAULT_LIMIT, most)
    try:
        asked = int(value)
    except (TypeError, ValueError):
        raise HistoryFault("invalid_arguments", "limit must be an integer") from None
    if asked < 1:
        # Slack documents no answer for it; the fake refuses rather than guess one.
        raise HistoryFault("invalid_arguments", "limit must be at least 1")
    return min(asked, most)


def cursor_of(args: Json) -> Key | None:
    """The timestamp a cursor points at (pages continue with older messages), or None."""
    cursor = args.get("cursor")
    if cursor in (None, ""):
        return None
    try:
        decoded = base64.b64decode(str(cursor), validate=True).decode()
        if not decoded.startswith(_CURSOR_PREFIX):
            raise ValueError(decoded)
        return ts_key(decoded.removeprefix(_CURSOR_PREFIX))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HistoryFault("invalid_cursor") from None


def _cursor_at(ts: str) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{ts}".encode()).decode()


def history(
    messages: list[Json], args: Json, *, outside_marketplace: bool, render: Callable[[Json], Json]
) -> Json:
    """One page of the channel's top-level `messages` (any order), as Slack answers it."""
    oldest = _ts_arg(args, "oldest", (0, 0))
    latest = _ts_arg(args, "latest", _NEWEST)
    inclusive = _flag(args, "inclusive")
    limit = limit_of(args, outside_marketplace=outside_marketplace)
    after = cursor_of(args)

    def wanted(key: Key) -> bool:
        above = oldest <= key if inclusive else oldest < key
        below = key <= latest if inclusive else key < latest
        return above and below and (after is None or key < after)

    found = sorted(
        (m for m in messages if wanted(ts_key(m["ts"]))), key=lambda m: ts_key(m["ts"]), reverse=True
    )
    page = found[: min(limit, MAX_PAGE)]
    more = len(found) > len(page)
    rendered = [render(m) for m in page]
    if not _flag(args, "include_all_metadata"):
        # A message's metadata comes back only when asked for.
        rendered = [{k: v for k, v in m.items() if k != "metadata"} for m in rendered]
    return {
        "messages": rendered,
        "has_more": more,
        "response_metadata": {"next_cursor": _cursor_at(page[-1]["ts"]) if more else ""},
    }


def per_minute(method: str, *, outside_marketplace: bool) -> int | None:
    """The method's rate limit, for the methods the fake knows the tier of."""
    if method != "conversations.history":
        return None
    return OUTSIDE_MARKETPLACE_PER_MINUTE if outside_marketplace else TIER_3_PER_MINUTE


@dataclass
class RateWindows:
    """The calls of each method over the last minute, to answer those over its limit with 429."""

    _calls: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, method: str, allowed: int, now: float) -> int | None:
        """Seconds to wait when this call is over `allowed` a minute; else None (and it counts)."""
        window = self._calls.setdefault(method, deque())
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= allowed:
            return max(1, math.ceil(60 - (now - window[0])))
        window.append(now)
        return None

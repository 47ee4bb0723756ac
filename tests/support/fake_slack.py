"""A fake Slack Web API served over real local HTTP.

The bot under test talks to it through an unmodified ``slack_sdk.WebClient(base_url=fake.url)``,
so the real request encoding, retry handlers and error mapping are exercised. slack_sdk joins
``base_url`` and the method name and POSTs either a form body (nested values such as ``blocks``
arrive as JSON strings) or a JSON body, with the token in ``Authorization: Bearer``.

The fake keeps just enough state (users, channels, messages, reactions, pins, views, files) to
answer the way Slack does, records every call, and can be told to fail (``inject``, ``outage``,
``fail_ratio``) or to be slow (``latency``).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import itertools
import json
import mimetypes
import random
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.support import manifest, scopes
from tests.support.composer import Directory
from tests.support.fake_slack_blockkit import blocks_element_problem, view_problem
from tests.support.fake_slack_history import HistoryFault, RateWindows, history, per_minute, ts_key
from tests.support.fake_usergroups import FakeUserGroups
from tests.support.slack_holds import CallHolds

Json = dict[str, Any]
Handler = Callable[[Json], Json]

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
BOT_NAME = "incidentbot"
TEAM_ID = "T0001"
TEAM_NAME = "Example"
TEAM_DOMAIN = "example"
TEAM_URL = "https://example.slack.com/"
APP_ID = "A0001"
GENERAL_CHANNEL_ID = "C0000"
GENERAL_CHANNEL_NAME = "general"
# (id, name) of the humans every fresh fake knows.
DEFAULT_USERS: tuple[tuple[str, str], ...] = (
    ("U001", "alice"),
    ("U002", "bob"),
    ("U003", "carol"),
    ("U004", "dave"),
)

# Slack's documented limits; exceeding them is what makes real Slack reject a payload.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELD_TEXT = 2000
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_MESSAGE_TEXT = 40_000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_VIEW_BYTES = 250_000  # views.* answer view_too_large past 250 kB of JSON
TRIGGER_LIFETIME = 3.0  # seconds a trigger_id opens a view for, after the click that issued it
MAX_TOPIC = 250
MAX_CHANNEL_NAME = 80
MAX_LIMIT = 1000  # cursor-paginated methods take a limit under 1000
MAX_PAGE = 200  # the page size Slack recommends; the fake never returns more at once

# Form-encoded requests carry these as JSON strings; decoded so tests can inspect them.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks", "unfurls"})
# Comma-separated id lists, turned into Python lists.
LIST_FIELDS = frozenset({"users", "channels"})
# Methods that answer without a token.
NO_AUTH_METHODS = frozenset({"api.test"})
# Slack answers invalid_auth for anything that is not a token it issued; these are the shapes it issues.
TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")
# Methods that take only an app-level token (xapp-), and those that refuse one.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
BLOCK_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})

_TS_BASE_MICROS = 1_700_000_000_000_000
_CHANNEL_NAME_RE = re.compile(r"[a-z0-9_-]+")
_TRIGGER_RE = re.compile(r"\d+\.\d+\.[0-9a-z]+")
"""Slack's documented shape of a trigger_id, `132456.7890123.abcdef`; others are `invalid_trigger_id`."""
_DEFAULT_SEED = 20_240_101


@dataclass(frozen=True)
class Call:
    """One request the fake answered. ``at`` is ``time.monotonic()`` (comparable with outages)."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class SlackFault(Exception):
    """Raised inside a handler to answer ``{"ok": false, "error": ...}`` at HTTP 200."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Json | None = None
    text: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None

    def encode(self) -> tuple[bytes, str]:
        if self.payload is not None:
            return json.dumps(self.payload).encode(), "application/json; charset=utf-8"
        return (self.text or "").encode(), "text/plain; charset=utf-8"


def ok_reply(result: Json) -> Reply:
    return Reply(200, {"ok": True, **result})


def error_reply(
    status: int, error: str, *, detail: str | None = None, headers: Mapping[str, str] | None = None
) -> Reply:
    payload: Json = {"ok": False, "error": error}
    if detail:
        # slack_sdk puts response_metadata.messages into SlackApiError's text, which helps tests.
        payload["errors"] = [detail]
        payload["response_metadata"] = {"messages": [f"[ERROR] {detail}"]}
    return Reply(status, payload, headers=headers or {}, error=error)


@dataclass
class _Injection:
    method: str
    status: int
    error: str
    retry_after: int | None
    body: str | None
    remaining: int | None  # None: until cleared

    def reply(self) -> Reply:
        return _failure_reply(self.status, self.error, self.retry_after, self.body)


@dataclass(frozen=True)
class _FailRatio:
    ratio: float
    status: int
    retry_after: int


def _default_error_for(status: int) -> str:
    if status == 429:
        return "ratelimited"
    if status == 503:
        return "service_unavailable"
    return "internal_error" if status >= 500 else "invalid_request"


def _failure_reply(status: int, error: str, retry_after: int | None, body: str | None) -> Reply:
    headers: dict[str, str] = {}
    if status == 429 or retry_after is not None:
        # Slack always sends Retry-After with a 429; slack_sdk sleeps that long (plus jitter).
        headers["Retry-After"] = str(1 if retry_after is None else retry_after)
    if body is not None:
        return Reply(status, text=body, headers=headers, error=error)
    return error_reply(status, error, headers=headers)


# --------------------------------------------------------------------------------------------
# request parsing


def parse_args(query: str, content_type: str, raw: bytes) -> Json:
    """Merge query string and body (form, JSON or multipart) into one normalised dict."""
    args: Json = dict(parse_qsl(query, keep_blank_values=True))
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        body = json.loads(raw or b"{}")
        if not isinstance(body, dict):
            raise SlackFault("invalid_json", "the JSON body must be an object")
        args.update(body)
    elif mime == "multipart/form-data":
        args.update(_parse_multipart(content_type, raw))
    elif raw:
        args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return _normalise(args)


def _parse_multipart(content_type: str, raw: bytes) -> Json:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    parts: Json = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        parts[name] = payload if part.get_filename() else payload.decode("utf-8")
    return parts


def _normalise(args: Json) -> Json:
    for key in JSON_FIELDS & args.keys():
        args[key] = _maybe_json(args[key])
    for key in LIST_FIELDS & args.keys():
        value = _maybe_json(args[key])
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        args[key] = value
    return args


def _check_metadata(metadata: Any) -> None:
    """chat.postMessage's `metadata`: an object with a string `event_type` and an object
    `event_payload`, as Slack's message metadata requires."""
    if metadata in (None, ""):
        return
    if not isinstance(metadata, dict):
        raise SlackFault("invalid_metadata_format")
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackFault("invalid_metadata_schema")


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


def _flag(args: Json, key: str, default: bool = False) -> bool:
    value = args.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes"}


def _str(args: Json, key: str, error: str) -> str:
    value = args.get(key)
    if value is None or value == "":
        raise SlackFault(error, f"missing required field: {key}")
    return str(value)


def _int(args: Json, key: str, default: int) -> int:
    try:
        return int(args.get(key) or default)
    except (TypeError, ValueError) as exc:
        raise SlackFault("invalid_arguments", f"{key} must be an integer") from exc


# --------------------------------------------------------------------------------------------
# timestamps


def _ts_arg(args: Json, key: str, default: tuple[int, int]) -> tuple[int, int]:
    value = args.get(key)
    if value in (None, ""):
        return default
    try:
        return ts_key(str(value))
    except ValueError as exc:
        raise SlackFault(f"invalid_ts_{key}") from exc


def _format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


# --------------------------------------------------------------------------------------------
# Block Kit validation (the subset of Slack's rules the bot can plausibly break)


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _section_problem(block: Json) -> str | None:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        return "must provide either text or fields"
    if text is not None and not 0 < len(_text_of(text)) <= MAX_SECTION_TEXT:
        return f"text must be between 1 and {MAX_SECTION_TEXT} characters"
    fields = fields or []
    if len(fields) > MAX_SECTION_FIELDS:
        return f"fields must have no more than {MAX_SECTION_FIELDS} items"
    for item in fields:
        if not 0 < len(_text_of(item)) <= MAX_SECTION_FIELD_TEXT:
            return f"each field must be between 1 and {MAX_SECTION_FIELD_TEXT} characters"
    return None


def _block_problem(block: Any) -> str | None:
    if not isinstance(block, dict) or not block.get("type"):
        return "missing required field: type"
    kind = block["type"]
    if kind == "section":
        return _section_problem(block)
    if kind == "header" and not 0 < len(_text_of(block.get("text"))) <= MAX_HEADER_TEXT:
        return f"header text must be between 1 and {MAX_HEADER_TEXT} characters"
    if kind == "context" and not 0 < len(block.get("elements") or []) <= MAX_CONTEXT_ELEMENTS:
        return f"context must have between 1 and {MAX_CONTEXT_ELEMENTS} elements"
    if kind == "actions" and not 0 < len(block.get("elements") or []) <= MAX_ACTIONS_ELEMENTS:
        return f"actions must have between 1 and {MAX_ACTIONS_ELEMENTS} elements"
    return None


def blocks_problem(blocks: Any, limit: int) -> str | None:
    """Why Slack would answer ``invalid_blocks``, or None if it would accept them."""
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return "blocks must be an array [json-pointer:/blocks]"
    if len(blocks) > limit:
        return f"no more than {limit} items allowed [json-pointer:/blocks]"
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        problem = _block_problem(block)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if problem is None and block_id is not None:
            problem = f"duplicate block_id {block_id!r}" if block_id in seen else None
            seen.add(str(block_id))
        if problem:
            return f"{problem} [json-pointer:/blocks/{index}]"
    return None


# Slack's date formatting: <!date^timestamp^token_string^optional_link|fallback_text>
DATE_TOKENS = frozenset(
    [
        "date_num",
        "date",
        "date_short",
        "date_long",
        "date_pretty",
        "date_short_pretty",
        "date_long_pretty",
        "time",
        "time_secs",
        "ago",
        "day_divider_pretty",
        "date_slash",
        "date_long_full",
    ]
)
_DATE_TOKEN = re.compile(r"<!date\^(?P<ts>\d+)\^(?P<format>[^^|>]+)(?:\^[^|>]+)?\|(?P<fallback>[^|>]+)>")


def date_token_problem(text: str) -> str | None:
    """Why a `<!date` in `text` is malformed, or None.

    Slack renders a malformed token literally, a raw `<!date^…>` in front of everyone; the
    fake refuses it so a test sees the mistake.
    """
    for start in (m.start() for m in re.finditer("<!date", text)):
        token = _DATE_TOKEN.match(text, start)
        if token is None:
            return f"malformed date token at {start}: {text[start : start + 60]!r}"
        named = re.findall(r"\{(\w*)\}", token["format"])
        if not named or set(named) - DATE_TOKENS or "{" in re.sub(r"\{\w*\}", "", token["format"]):
            return f"unknown date format {token['format']!r}"
    return None


def _texts_in(blocks: Any) -> Iterable[str]:
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            yield _text_of(block.get("text"))
            yield from (_text_of(item) for item in block.get("fields") or [])
            yield from (_text_of(item) for item in block.get("elements") or [] if block["type"] == "context")


def _check_message_payload(args: Json, *, require_content: bool) -> None:
    text = args.get("text")
    if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
        raise SlackFault("msg_too_long")
    problem = blocks_problem(args.get("blocks"), MAX_MESSAGE_BLOCKS) or blocks_element_problem(
        args.get("blocks")
    )
    if problem:
        raise SlackFault("invalid_blocks", problem)
    for shown in [str(text or ""), *_texts_in(args.get("blocks"))]:
        if problem := date_token_problem(shown):
            raise SlackFault("invalid_arguments", problem)
    if require_content and not (text or args.get("blocks") or args.get("attachments")):
        raise SlackFault("no_text")


def check_view(view: Any) -> Json:
    if not isinstance(view, dict) or not view.get("type"):
        raise SlackFault("invalid_arguments", "view must be an object with a type")
    if len(json.dumps(view, ensure_ascii=False).encode()) > MAX_VIEW_BYTES:
        raise SlackFault("view_too_large")
    # Views answer invalid_arguments for a block Slack refuses (messages answer invalid_blocks).
    problem = blocks_problem(view.get("blocks", []), MAX_VIEW_BLOCKS)
    if problem:
        raise SlackFault("invalid_arguments", problem)
    if view["type"] == "modal" and not 0 < len(_text_of(view.get("title"))) <= MAX_VIEW_TITLE:
        raise SlackFault("invalid_arguments", f"title must be 1..{MAX_VIEW_TITLE} characters")
    if len(str(view.get("private_metadata") or "")) > MAX_PRIVATE_METADATA:
        raise SlackFault("invalid_arguments", "private_metadata is too long")
    if problem := view_problem(view):
        raise SlackFault("invalid_arguments", problem)
    return view


def issued_at(trigger_id: str) -> float | None:
    """When the test client issued a trigger (its first part, in epoch milliseconds); None for
    one a test wrote by hand, which does not expire."""
    first = trigger_id.partition(".")[0]
    return int(first) / 1000 if len(first) == 13 and first.isdigit() else None


def channel_name_problem(name: str) -> str | None:
    """Slack's channel-name rules; all the error codes start with ``invalid_name``."""
    if not name:
        return "invalid_name_required"
    if len(name) > MAX_CHANNEL_NAME:
        return "invalid_name_maxlength"
    if not _CHANNEL_NAME_RE.fullmatch(name):
        return "invalid_name_specials"
    if not re.search(r"[a-z0-9]", name):
        return "invalid_name_punctuation"
    return None


# --------------------------------------------------------------------------------------------
# workspace state


def user_record(
    user_id: str,
    name: str,
    real_name: str | None = None,
    *,
    is_bot: bool = False,
    deleted: bool = False,
    tz: str = "Europe/London",
    tz_offset: int = 0,
    display_name: str | None = None,
) -> Json:
    """A user as `users.info` returns it; the display name, a free profile field, defaults to `name`."""
    real = real_name or name.capitalize()
    display = display_name or name
    profile: Json = {
        "display_name": display,
        "display_name_normalized": display,
        "real_name": real,
        "real_name_normalized": real,
    }
    if is_bot:
        profile["bot_id"] = BOT_ID if user_id == BOT_USER_ID else f"B{user_id}"
    else:
        profile["email"] = f"{name}@example.com"
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "real_name": real,
        "deleted": deleted,
        "is_bot": is_bot,
        "is_app_user": False,
        "is_admin": False,
        "is_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": tz_offset,
        "profile": profile,
    }


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None
    members: list[str] = field(default_factory=list)
    topic: str = ""
    purpose: str = ""
    is_archived: bool = False
    created: int = field(default_factory=lambda: int(time.time()))
    creator: str = BOT_USER_ID

    @property
    def kind(self) -> str:
        """Which family of scopes covers it: public channels, private ones (and group DMs), DMs."""
        if self.is_im:
            return "im"
        return "private" if self.is_private or self.is_mpim else "public"

    def to_slack(self) -> Json:
        base: Json = {
            "id": self.id,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_im": self.is_im,
            "is_org_shared": False,
            "is_shared": False,
            "is_ext_shared": False,
            "context_team_id": TEAM_ID,
        }
        if self.is_im:
            return {**base, "user": self.user, "is_open": True}
        return {
            **base,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not (self.is_private or self.is_mpim),
            "is_group": self.is_private,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_mpim,
            "is_general": self.id == GENERAL_CHANNEL_ID,
            "is_member": BOT_USER_ID in self.members,
            "creator": self.creator,
            "topic": self._about(self.topic),
            "purpose": self._about(self.purpose),
            "num_members": len(self.members),
        }

    def _about(self, value: str) -> Json:
        return {"value": value, "creator": self.creator if value else "", "last_set": 0}


def _is_top_level(message: Json) -> bool:
    thread_ts = message.get("thread_ts")
    return thread_ts in (None, message["ts"]) or message.get("subtype") == "thread_broadcast"


def _in_range(ts: str, oldest: tuple[int, int], latest: tuple[int, int], inclusive: bool) -> bool:
    key = ts_key(ts)
    if inclusive:
        return oldest <= key <= latest
    return oldest < key < latest


def _page(items: list[Json], args: Json, default_limit: int) -> tuple[list[Json], str]:
    """Cursors as opaque as Slack's (base64), so a client can only echo next_cursor back."""
    cursor = str(args.get("cursor") or "")
    try:
        offset = base64.b64decode(cursor, validate=True).decode() if cursor else "offset:0"
    except (ValueError, UnicodeDecodeError):
        raise SlackFault("invalid_cursor") from None
    if not offset.startswith("offset:") or not offset.removeprefix("offset:").isdigit():
        raise SlackFault("invalid_cursor")
    start = int(offset.removeprefix("offset:"))
    limit = _int(args, "limit", default_limit) if "limit" in args else min(default_limit, MAX_PAGE)
    if not 0 < limit < MAX_LIMIT:
        raise SlackFault("invalid_limit")  # Slack: "specify a limit value under 1000"
    # Slack may return fewer items than asked for before the end: only next_cursor says when to stop.
    limit = min(limit, MAX_PAGE)
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""


# --------------------------------------------------------------------------------------------
# the fake


class FakeSlack:
    """A stateful fake of Slack's Web API on ``http://127.0.0.1:<port>/api/``."""

    def __init__(self, *, strict_channels: bool = False, seed: int = _DEFAULT_SEED, port: int = 0) -> None:
        # strict_channels=False lets chat.* post to channel ids the fake has never seen (they are
        # registered on the fly) so tests need not pre-create e.g. an announcements channel.
        self.strict_channels = strict_channels
        self._port = port
        """0: any free port; a fixed one lets a test start Slack where a bot already looks for it."""
        self._seed = seed
        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers = self._handler_table()
        self.holds = CallHolds()
        """Calls kept waiting and then dropped unapplied (`kill -9` tests)."""
        self.reset()

    # lifecycle ---------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        self._server = _Server(self, self._port)
        # A short poll interval keeps stop() quick: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-slack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``."""
        return f"{self.base}/api/"

    def response_url(self, key: str = "1") -> str:
        """A response_url that records POSTs as calls to method ``"response_url"``."""
        return f"{self.base}/response/{key}"

    def reset(self) -> None:
        """Forget calls, faults and workspace state; the server (and its port) stays up."""
        with self._cond:
            self.latency = 0.0
            self.trigger_lifetime = TRIGGER_LIFETIME
            """How long a trigger the test client issued (`interaction_ids.fresh_trigger_id`) opens a view."""
            self._calls: list[Call] = []
            self._injections: list[_Injection] = []
            self._fail_ratios: dict[str, _FailRatio] = {}
            self._rng = random.Random(self._seed)
            self._outage_until = 0.0
            self.server_errors: list[str] = []
            self.bot_scopes: set[str] = set(manifest.bot_scopes())
            """What the shipped manifest grants: a call needing anything else is refused, as by
            Slack (`missing_scope`); `chat:write.public` lets the bot post where it is no member."""
            self.refused_tokens: set[str] = set()
            """Tokens Slack answers `invalid_auth` for (revoked, or from another app)."""
            self._ts_seq = itertools.count(1)
            self._ids = itertools.count(1)
            self._users: dict[str, Json] = {}
            self.user_groups = FakeUserGroups()
            """usergroups.list: seed groups with `user_groups.add`."""
            self._channels: dict[str, Channel] = {}
            self._messages: dict[str, dict[str, Json]] = {}
            self._reactions: dict[tuple[str, str], dict[str, list[str]]] = {}
            self._pins: dict[str, list[str]] = {}
            self._views: dict[str, Json] = {}
            self._exchanged_triggers: set[str] = set()
            self.home_views: dict[str, Json] = {}
            self._file_meta: dict[str, Json] = {}
            self.uploaded_files: dict[str, bytes] = {}
            self.expired_upload_urls = 0
            self.outside_marketplace = True
            """Slack's limits for an app distributed outside its Marketplace (since 2025), the
            strictest: `conversations.history` gives 15 messages a call and, when rates are
            enforced, 1 call a minute. False: an internal app's (999 a call, Tier 3)."""
            self.enforce_rates = False
            """Answer calls over a method's documented rate with 429 and `Retry-After`."""
            self._rate_windows = RateWindows()
            """How many upload URLs to answer 404 as if they had expired before the bytes came."""
            self._seed_workspace()

    def _seed_workspace(self) -> None:
        self.add_user(BOT_USER_ID, BOT_NAME, "Incident Bot", is_bot=True)
        for user_id, name in DEFAULT_USERS:
            self.add_user(user_id, name)
        members = [BOT_USER_ID, *(user_id for user_id, _ in DEFAULT_USERS)]
        self.add_channel(GENERAL_CHANNEL_NAME, channel_id=GENERAL_CHANNEL_ID, members=members)

    # seeding helpers -----------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Europe/London",
        tz_offset: int = 0,
        display_name: str | None = None,
    ) -> None:
        record = user_record(
            id,
            name,
            real_name,
            is_bot=is_bot,
            deleted=deleted,
            tz=tz,
            tz_offset=tz_offset,
            display_name=display_name,
        )
        with self._cond:
            self._users[id] = record

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        members: Iterable[str] = (BOT_USER_ID,),
        topic: str = "",
    ) -> str:
        with self._cond:
            cid = channel_id or self._new_channel_id("G" if is_private else "C")
            self._channels[cid] = Channel(
                cid, name, is_private=is_private, members=list(members), topic=topic
            )
            return cid

    def add_message(
        self,
        channel: str,
        ts: str,
        user: str | None = None,
        text: str = "",
        thread_ts: str | None = None,
        bot_id: str | None = None,
        files: list[Json] | None = None,
        edited: Json | None = None,
        *,
        blocks: list[Json] | None = None,
        subtype: str | None = None,
    ) -> None:
        """A message in the channel; a person's `text` is what they typed (`@carol`, `a & b`)."""
        ts_key(ts)  # fail fast on malformed timestamps
        if user and not bot_id:
            # A person's text, as typed: stored the way their Slack client sends it.
            text = self.directory().message_text(text)
        message: Json = {"type": "message", "ts": ts, "text": text}
        optional = {
            "user": user,
            "thread_ts": thread_ts,
            "bot_id": bot_id,
            "files": files,
            "edited": edited,
            "blocks": blocks,
            "subtype": subtype,
        }
        message.update({k: v for k, v in optional.items() if v is not None})
        with self._cond:
            if channel not in self._channels:
                # As a channel first named in a post: the bot is in it (`strict_channels=False`).
                self._channels[channel] = Channel(channel, channel.lower(), members=[BOT_USER_ID])
            self._messages.setdefault(channel, {})[ts] = message

    def add_reaction(self, channel: str, ts: str, name: str, user: str) -> None:
        with self._cond:
            users = self._reactions.setdefault((channel, ts), {}).setdefault(name.strip(":"), [])
            if user not in users:
                users.append(user)

    # inspecting state ----------------------------------------------------------------------------

    def directory(self) -> Directory:
        """The people and channels a person's Slack client completes `@name` and `#name` to."""
        with self._cond:
            users = {str(u["name"]): user_id for user_id, u in self._users.items() if not u.get("deleted")}
            channels = {c.name: c.id for c in self._channels.values() if not c.is_im}
            return Directory(users=users, channels=channels, groups=self.user_groups.handles())

    def channel(self, channel_id: str) -> Json:
        with self._cond:
            return self._channels[channel_id].to_slack()

    def channel_by_name(self, name: str) -> Json | None:
        with self._cond:
            found = [c for c in self._channels.values() if c.name == name and not c.is_im]
            return found[0].to_slack() if found else None

    def members(self, channel_id: str) -> list[str]:
        with self._cond:
            return list(self._channels[channel_id].members)

    def messages(self, channel_id: str) -> list[Json]:
        """Every stored message of a channel (threads included), oldest first."""
        with self._cond:
            stored = self._messages.get(channel_id, {})
            ordered = sorted(stored.values(), key=lambda m: ts_key(m["ts"]))
            return [self._render(channel_id, m) for m in ordered]

    def message(self, channel_id: str, ts: str) -> Json | None:
        with self._cond:
            found = self._messages.get(channel_id, {}).get(ts)
            return self._render(channel_id, found) if found else None

    def reactions_on(self, channel_id: str, ts: str) -> dict[str, list[str]]:
        with self._cond:
            return {k: list(v) for k, v in self._reactions.get((channel_id, ts), {}).items() if v}

    def pins_in(self, channel_id: str) -> list[str]:
        with self._cond:
            return list(self._pins.get(channel_id, []))

    def view(self, view_id: str) -> Json:
        with self._cond:
            return dict(self._views[view_id])

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id ``conversations.open`` (or posting to a user) yields."""
        return f"D{user_id}"

    # recorded calls ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def ok_calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls_to(method) if c.ok]

    def count(self, method: str) -> int:
        return len(self.calls_to(method))

    def last(self, method: str) -> Call:
        calls = self.calls_to(method)
        if not calls:
            raise AssertionError(f"no call to {method!r}; recorded: {self._summary()}")
        return calls[-1]

    def clear_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, *, ok_only: bool = False
    ) -> list[Call]:
        """Wait until ``count`` calls to ``method`` were recorded; the bot acts after acking."""
        pick = self.ok_calls_to if ok_only else self.calls_to
        self.wait_until(lambda: len(pick(method)) >= count, timeout, f"{count} x {method}")
        return pick(method)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what or predicate!r}; "
                        f"recorded: {self._summary()}"
                    )
                # Notified on every call; the cap keeps predicates over other state polled too.
                self._cond.wait(min(remaining, 0.05))

    def _summary(self) -> str:
        with self._cond:
            names = [c.method if c.ok else f"{c.method}!{c.status}:{c.error}" for c in self._calls]
        return ", ".join(names) or "(nothing)"

    # fault injection -----------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int | None = 1,
        body: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` ("*" = any) fail; ``times=None``: forever.

        At status 200 the answer is ``{"ok": false, "error": error}``; otherwise the HTTP status
        with a JSON error body (``ratelimited`` for 429) or, if given, the raw ``body`` text.
        """
        if status == 200 and error is None:
            raise ValueError("inject() needs error=... or a non-200 status")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1, or None for 'until clear_faults()'")
        with self._cond:
            self._injections.append(
                _Injection(
                    method,
                    status,
                    error or _default_error_for(status),
                    retry_after,
                    body,
                    times,
                )
            )

    def outage(self, seconds: float) -> None:
        self.outage_until(time.monotonic() + seconds)

    def outage_until(self, t: float) -> None:
        """Answer every API call with 503 until ``time.monotonic()`` reaches ``t``."""
        with self._cond:
            self._outage_until = t

    def fail_ratio(
        self,
        method_or_star: str,
        ratio: float,
        status: int = 429,
        retry_after: int = 0,
        *,
        seed: int | None = None,
    ) -> None:
        """Fail about ``ratio`` of calls, drawn from a seeded random so runs repeat."""
        with self._cond:
            if seed is not None:
                self._rng = random.Random(seed)
            if ratio <= 0:
                self._fail_ratios.pop(method_or_star, None)
            else:
                self._fail_ratios[method_or_star] = _FailRatio(ratio, status, retry_after)

    def clear_faults(self) -> None:
        with self._cond:
            self._injections.clear()
            self._fail_ratios.clear()
            self._outage_until = 0.0

    def _fault_for(self, method: str, now: float) -> Reply | None:
        if now < self._outage_until:
            return _failure_reply(503, "service_unavailable", None, None)
        for injection in self._injections:
            if injection.method in (method, "*"):
                if injection.remaining is not None:
                    injection.remaining -= 1
                    if injection.remaining <= 0:
                        self._injections.remove(injection)
                return injection.reply()
        rule = self._fail_ratios.get(method) or self._fail_ratios.get("*")
        if rule and self._rng.random() < rule.ratio:
            error = _default_error_for(rule.status)
            return _failure_reply(rule.status, error, rule.retry_after, None)
        return None

    # HTTP entry points (called from server threads) --------------------------------------------

    def handle_http(self, path: str, query: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        if self.latency > 0:
            time.sleep(self.latency)
        content_type = headers.get("Content-Type") or ""
        try:
            if path.startswith("/api/"):
                return self._api_call(path.removeprefix("/api/"), query, headers, raw)
            if path.startswith("/upload/"):
                return self._store_upload(path.removeprefix("/upload/"), content_type, raw)
            if path.startswith("/response/"):
                args = parse_args(query, content_type, raw)
                self._record(Call("response_url", {**args, "_key": path[10:]}, None, _now()))
                return ok_reply({})
        except Exception:
            trace = traceback.format_exc()
            with self._cond:
                self.server_errors.append(trace)
            return Reply(500, text=trace, error="fake_slack_internal_error")
        return Reply(404, text=f"FakeSlack: no route for {path}", error="not_found")

    def _api_call(self, method: str, query: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        now = _now()
        try:
            args = parse_args(query, headers.get("Content-Type") or "", raw)
        except (json.JSONDecodeError, UnicodeDecodeError, SlackFault):
            args = {"_raw": raw.decode("utf-8", "replace")}
            reply = error_reply(200, "invalid_json")
        else:
            reply = Reply(200)
        body_token = args.pop("token", None)
        token = bearer_token(headers.get("Authorization")) or body_token
        if reply.error is None and self.holds.dropped(method, args):
            reply = error_reply(503, "service_unavailable")
        with self._cond:
            if reply.error is None:
                reply = (
                    self._fault_for(method, now)
                    or self._over_rate(method, now)
                    or self._answer(method, args, token)
                )
            self._record(Call(method, args, token, now, reply.status, reply.error))
        return reply

    def _over_rate(self, method: str, now: float) -> Reply | None:
        allowed = per_minute(method, outside_marketplace=self.outside_marketplace)
        if not self.enforce_rates or allowed is None:
            return None
        wait = self._rate_windows.retry_after(method, allowed, now)
        return None if wait is None else _failure_reply(429, "ratelimited", wait, None)

    def _answer(self, method: str, args: Json, token: str | None) -> Reply:
        if token is None and method not in NO_AUTH_METHODS:
            return error_reply(200, "not_authed")
        if token is not None and (token in self.refused_tokens or not token.startswith(TOKEN_PREFIXES)):
            return error_reply(200, "invalid_auth")
        if token is not None and (method in APP_TOKEN_METHODS) != token.startswith("xapp-"):
            return error_reply(200, "not_allowed_token_type")
        handler = self._handlers.get(method)
        missing = self._missing_scope(method, args)
        if missing:
            reply = error_reply(200, "missing_scope")
            assert reply.payload is not None
            reply.payload.update(needed=missing, provided=",".join(sorted(self.bot_scopes)))
            return reply
        try:
            if method in BLOCK_METHODS:
                _check_message_payload(args, require_content=method != "chat.update")
            if method in VIEW_METHODS:
                check_view(args.get("view"))
            result = handler(args) if handler else {}
        except SlackFault as fault:
            return error_reply(200, fault.error, detail=fault.detail)
        except Exception:
            # A bug in the fake must be loud, not a puzzling answer: 500 plus the kept trace.
            trace = traceback.format_exc()
            self.server_errors.append(trace)
            return Reply(500, text=trace, error="fake_slack_internal_error")
        return ok_reply(result)

    def _missing_scope(self, method: str, args: Json) -> str | None:
        if method not in scopes.SCOPES:
            return None
        if method == "conversations.create":
            kind: str | None = "private" if _flag(args, "is_private") else "public"
        else:
            with self._cond:
                channel = self._channels.get(str(args.get("channel") or args.get("channel_id") or ""))
            kind = channel.kind if channel else None
        needed = scopes.needed(method, kind)
        return needed if needed and needed not in self.bot_scopes else None

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _store_upload(self, file_id: str, content_type: str, raw: bytes) -> Reply:
        # slack_sdk POSTs the raw bytes; other clients send multipart with a "file" part.
        if content_type.lower().startswith("multipart/form-data"):
            parts = _parse_multipart(content_type, raw)
            found = next((v for v in parts.values() if isinstance(v, bytes)), b"")
            raw = found
        with self._cond:
            if self.expired_upload_urls > 0:
                self.expired_upload_urls -= 1
                self._file_meta.pop(file_id, None)
            if file_id not in self._file_meta or self._file_meta[file_id].get("completed"):
                # An upload URL takes bytes until its upload is completed, and then no more.
                return Reply(404, text="file not found", error="file_not_found")
            self.uploaded_files[file_id] = raw
        return Reply(200, text=f"OK - {len(raw)}")

    # ids -----------------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        return _format_ts(_TS_BASE_MICROS + next(self._ts_seq) * 100)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    def _new_channel_id(self, prefix: str) -> str:
        while True:
            candidate = self._new_id(prefix)
            if candidate not in self._channels:
                return candidate

    # handler table -------------------------------------------------------------------------------

    def _handler_table(self) -> dict[str, Handler]:
        return {
            "api.test": lambda args: {"args": args},
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.create": self._conversations_create,
            "conversations.rename": self._conversations_rename,
            "conversations.invite": self._conversations_invite,
            "conversations.setTopic": self._conversations_set_topic,
            "conversations.setPurpose": self._conversations_set_purpose,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "conversations.archive": self._conversations_archive,
            "conversations.unarchive": self._conversations_unarchive,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.delete": self._chat_delete,
            "pins.add": self._pins_add,
            "pins.remove": self._pins_remove,
            "pins.list": self._pins_list,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "reactions.get": self._reactions_get,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "apps.connections.open": self._apps_connections_open,
        }

    # auth & users --------------------------------------------------------------------------------

    def _auth_test(self, args: Json) -> Json:
        return {
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: Json) -> Json:
        # Nothing listens there: a Socket Mode client gets no further than this answer.
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket=fake"}

    def _users_info(self, args: Json) -> Json:
        user = self._users.get(str(args.get("user") or ""))
        if user is None:
            raise SlackFault("user_not_found")
        return {"user": user}

    def _users_list(self, args: Json) -> Json:
        page, cursor = _page(list(self._users.values()), args, 200)
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _usergroups_list(self, args: Json) -> Json:
        refused = self.user_groups.refusal
        if refused:
            raise SlackFault(refused)
        return {
            "usergroups": self.user_groups.listed(
                include_disabled=_flag(args, "include_disabled"),
                include_count=_flag(args, "include_count"),
                include_users=_flag(args, "include_users"),
            )
        }

    def _usergroups_users_list(self, args: Json) -> Json:
        group_id = str(args.get("usergroup") or "")
        if not group_id:
            raise SlackFault("invalid_arguments", "usergroup is required")
        refused = self.user_groups.refusal
        if refused:
            raise SlackFault(refused)
        try:
            users = self.user_groups.members(group_id, include_disabled=_flag(args, "include_disabled"))
        except LookupError as missing:
            raise SlackFault(str(missing.args[0])) from None
        return {"users": users}

    def _users_lookup_by_email(self, args: Json) -> Json:
        email = str(args.get("email") or "")
        for user in self._users.values():
            if user["profile"].get("email") == email:
                return {"user": user}
        raise SlackFault("users_not_found")

    # conversations -------------------------------------------------------------------------------

    def _get_channel(self, args: Json, key: str = "channel") -> Channel:
        found = self._channels.get(str(args.get(key) or ""))
        if found is None:
            raise SlackFault("channel_not_found")
        return found

    def _name_check(self, name: str) -> None:
        problem = channel_name_problem(name)
        if problem:
            raise SlackFault(problem)
        # Archived channels keep their names, as in Slack.
        if any(c.name == name and not c.is_im for c in self._channels.values()):
            raise SlackFault("name_taken")

    def _conversations_create(self, args: Json) -> Json:
        name = str(args.get("name") or "")
        self._name_check(name)
        is_private = _flag(args, "is_private")
        cid = self._new_channel_id("C")
        channel = Channel(cid, name, is_private=is_private, members=[BOT_USER_ID])
        self._channels[cid] = channel
        return {"channel": channel.to_slack()}

    def _conversations_rename(self, args: Json) -> Json:
        channel = self._get_channel(args)
        name = str(args.get("name") or "")
        if name != channel.name:
            self._name_check(name)
        channel.name = name
        return {"channel": channel.to_slack()}

    def _conversations_invite(self, args: Json) -> Json:
        channel = self._get_channel(args)
        users: list[str] = list(args.get("users") or [])
        if not users:
            raise SlackFault("no_user")
        if channel.is_archived:
            raise SlackFault("is_archived")
        if _flag(args, "force"):
            # force=true: Slack invites the valid ids and skips the rest.
            users = [u for u in users if u != BOT_USER_ID and u in self._users]
        # Without force one bad id fails the whole call, as in Slack.
        if BOT_USER_ID in users:
            raise SlackFault("cant_invite_self")
        if any(u not in self._users for u in users):
            raise SlackFault("user_not_found")
        fresh = [u for u in dict.fromkeys(users) if u not in channel.members]
        if not fresh:
            raise SlackFault("already_in_channel")
        channel.members.extend(fresh)
        return {"channel": channel.to_slack()}

    def _conversations_set_topic(self, args: Json) -> Json:
        channel = self._get_channel(args)
        topic = str(args.get("topic") or "")
        if len(topic) > MAX_TOPIC:
            raise SlackFault("too_long")
        channel.topic = topic
        return {"channel": channel.to_slack()}

    def _conversations_set_purpose(self, args: Json) -> Json:
        channel = self._get_channel(args)
        purpose = str(args.get("purpose") or "")
        if len(purpose) > MAX_TOPIC:
            raise SlackFault("too_long")
        channel.purpose = purpose
        return {"channel": channel.to_slack()}

    def _conversations_info(self, args: Json) -> Json:
        return {"channel": self._get_channel(args).to_slack()}

    def _conversations_members(self, args: Json) -> Json:
        # Slack: "specify a limit value under 1000"; the default page is 100.
        if _int(args, "limit", 100) >= 1000:
            raise SlackFault("invalid_limit")
        members = [{"id": m} for m in self._get_channel(args).members]
        page, cursor = _page(members, args, 100)
        return {"members": [m["id"] for m in page], "response_metadata": {"next_cursor": cursor}}

    def _conversations_join(self, args: Json) -> Json:
        channel = self._get_channel(args)
        if channel.is_archived:
            raise SlackFault("is_archived")
        if channel.is_private or channel.is_im:
            raise SlackFault("method_not_supported_for_channel_type")
        result: Json = {"channel": channel.to_slack()}
        if BOT_USER_ID in channel.members:
            result["warning"] = "already_in_channel"
        else:
            channel.members.append(BOT_USER_ID)
            result["channel"] = channel.to_slack()
        return result

    def _open_dm(self, user_id: str) -> tuple[Channel, bool]:
        cid = self.dm_channel_id(user_id)
        existing = self._channels.get(cid)
        if existing is not None:
            return existing, True
        channel = Channel(cid, cid.lower(), is_im=True, user=user_id, members=[BOT_USER_ID, user_id])
        self._channels[cid] = channel
        return channel, False

    def _conversations_open(self, args: Json) -> Json:
        users: list[str] = list(args.get("users") or [])
        if not users:
            return {"channel": self._get_channel(args).to_slack()}
        if any(u not in self._users for u in users):
            raise SlackFault("user_not_found")
        if len(users) == 1:
            channel, already = self._open_dm(users[0])
        else:
            cid = "G" + "".join(sorted(users))
            already = cid in self._channels
            if not already:
                name = f"mpdm-{'--'.join(sorted(users))}-1"
                members = [BOT_USER_ID, *users]
                self._channels[cid] = Channel(cid, name, is_mpim=True, members=members)
            channel = self._channels[cid]
        full = _flag(args, "return_im")
        body: Json = channel.to_slack() if full else {"id": channel.id}
        return {"channel": body, "already_open": already, "no_op": already}

    def _conversations_archive(self, args: Json) -> Json:
        channel = self._get_channel(args)
        if channel.id == GENERAL_CHANNEL_ID:
            raise SlackFault("cant_archive_general")
        if channel.is_archived:
            raise SlackFault("already_archived")
        channel.is_archived = True
        return {}

    def _conversations_unarchive(self, args: Json) -> Json:
        channel = self._get_channel(args)
        if not channel.is_archived:
            raise SlackFault("not_archived")
        channel.is_archived = False
        return {}

    def _conversations_list(self, args: Json) -> Json:
        wanted = set(str(args.get("types") or "public_channel").split(","))
        exclude_archived = _flag(args, "exclude_archived")
        found = [
            c.to_slack()
            for c in self._channels.values()
            if _channel_type(c) in wanted and not (exclude_archived and c.is_archived)
        ]
        page, cursor = _page(found, args, 100)
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _render(self, channel: str, message: Json) -> Json:
        """A stored message as Slack returns it: with reactions and thread bookkeeping."""
        rendered = dict(message)
        reactions = self._reactions.get((channel, message["ts"]), {})
        if any(reactions.values()):
            rendered["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in reactions.items()
                if users
            ]
        replies = [
            m
            for m in self._messages.get(channel, {}).values()
            if m.get("thread_ts") == message["ts"] and m["ts"] != message["ts"]
        ]
        if replies:
            replies.sort(key=lambda m: ts_key(m["ts"]))
            rendered["thread_ts"] = message["ts"]
            rendered["reply_count"] = len(replies)
            rendered["reply_users"] = sorted({str(m.get("user")) for m in replies if m.get("user")})
            rendered["latest_reply"] = replies[-1]["ts"]
        return rendered

    def _conversations_history(self, args: Json) -> Json:
        channel = self._get_channel(args)
        self._check_can_read(channel)
        messages = [m for m in self._messages.get(channel.id, {}).values() if _is_top_level(m)]
        try:
            page = history(
                messages,
                args,
                outside_marketplace=self.outside_marketplace,
                render=lambda m: self._render(channel.id, m),
            )
        except HistoryFault as fault:
            raise SlackFault(fault.error, fault.detail) from None
        return {**page, "pin_count": len(self._pins.get(channel.id, []))}

    def _check_can_read(self, channel: Channel) -> None:
        """A bot token reads the history of conversations the bot is in (its DMs included)."""
        if channel.is_im or BOT_USER_ID in channel.members:
            return
        if channel.is_private or channel.is_mpim:
            raise SlackFault("channel_not_found")  # a private channel the bot is not in is invisible to it
        raise SlackFault("not_in_channel")

    def _conversations_replies(self, args: Json) -> Json:
        channel = str(args.get("channel") or "")
        stored = self._messages.get(channel, {})
        asked = stored.get(str(args.get("ts") or ""))
        if asked is None:
            raise SlackFault("thread_not_found")
        root_ts = str(asked.get("thread_ts") or asked["ts"])
        parent = stored.get(root_ts)
        if parent is None:
            raise SlackFault("thread_not_found")
        oldest = _ts_arg(args, "oldest", (0, 0))
        latest = _ts_arg(args, "latest", (2**62, 0))
        inclusive = _flag(args, "inclusive", default=True)
        replies = [
            m
            for m in stored.values()
            if m.get("thread_ts") == root_ts
            and m["ts"] != root_ts
            and _in_range(m["ts"], oldest, latest, inclusive)
        ]
        replies.sort(key=lambda m: ts_key(m["ts"]))
        # Slack always leads with the parent, whatever the range.
        thread = [self._render(channel, parent), *(self._render(channel, m) for m in replies)]
        page, cursor = _page(thread, args, 1000)
        return {
            "messages": page,
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    # chat ----------------------------------------------------------------------------------------

    def _target_channel(self, args: Json) -> Channel:
        """Resolve chat.* ``channel``: an id, a user id (their DM) or ``#name``."""
        raw = str(args.get("channel") or "")
        if not raw:
            raise SlackFault("channel_not_found")
        if raw in self._channels:
            found = self._channels[raw]
        elif raw in self._users:
            found = self._open_dm(raw)[0]
        elif raw.startswith("#"):
            matches = [c for c in self._channels.values() if c.name == raw[1:]]
            if not matches:
                raise SlackFault("channel_not_found")
            found = matches[0]
        elif self.strict_channels or raw[0] not in "CGD":
            raise SlackFault("channel_not_found")
        else:
            found = Channel(raw, raw.lower(), members=[BOT_USER_ID])
            self._channels[raw] = found
        if found.is_archived:
            raise SlackFault("is_archived")
        return found

    def _check_can_post(self, channel: Channel) -> None:
        """As Slack: a bot posts where it is a member, or in any public channel with chat:write.public."""
        if channel.is_im or BOT_USER_ID in channel.members:
            return
        if channel.is_private or channel.is_mpim:
            raise SlackFault("channel_not_found")  # a private channel the bot is not in is invisible to it
        if "chat:write.public" not in self.bot_scopes:
            raise SlackFault("not_in_channel")

    def _chat_post_message(self, args: Json) -> Json:
        channel = self._target_channel(args)
        self._check_can_post(channel)
        _check_metadata(args.get("metadata"))
        ts = self._next_ts()
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": str(args.get("text") or ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts", "username", "icon_emoji"):
            if args.get(key) not in (None, ""):
                message[key] = args[key]
        if message.get("thread_ts") and _flag(args, "reply_broadcast"):
            message["subtype"] = "thread_broadcast"
        self._messages.setdefault(channel.id, {})[ts] = message
        return {"channel": channel.id, "ts": ts, "message": dict(message)}

    def _own_message(self, args: Json, ts_field: str, refusal: str) -> tuple[Channel, Json]:
        channel = self._target_channel(args)
        message = self._messages.get(channel.id, {}).get(str(args.get(ts_field) or ""))
        if message is None:
            raise SlackFault("message_not_found")
        if message.get("user") != BOT_USER_ID and message.get("bot_id") != BOT_ID:
            raise SlackFault(refusal)
        return channel, message

    def _chat_update(self, args: Json) -> Json:
        channel, message = self._own_message(args, "ts", "cant_update_message")
        # As in Slack, blocks/attachments left out of the update are kept.
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": dict(message),
        }

    def _chat_post_ephemeral(self, args: Json) -> Json:
        channel = self._target_channel(args)
        user = str(args.get("user") or "")
        if user not in self._users:
            raise SlackFault("user_not_found")
        if (channel.is_private or channel.is_mpim) and BOT_USER_ID not in channel.members:
            raise SlackFault("channel_not_found")  # a private channel the bot is not in is invisible to it
        if channel.members and user not in channel.members and not channel.is_im:
            raise SlackFault("user_not_in_channel")
        return {"message_ts": self._next_ts()}

    def _chat_get_permalink(self, args: Json) -> Json:
        channel = self._target_channel(args)
        ts = _str(args, "message_ts", "message_not_found")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        message = self._messages.get(channel.id, {}).get(ts)
        thread_ts = message.get("thread_ts") if message else None
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _chat_delete(self, args: Json) -> Json:
        channel, message = self._own_message(args, "ts", "cant_delete_message")
        del self._messages[channel.id][message["ts"]]
        return {"channel": channel.id, "ts": message["ts"]}

    # pins & reactions ----------------------------------------------------------------------------

    def _message_ref(self, args: Json) -> tuple[str, str]:
        channel = self._target_channel(args)
        ts = _str(args, "timestamp", "no_item_specified")
        if ts not in self._messages.get(channel.id, {}):
            raise SlackFault("message_not_found")  # pins.* and reactions.* need a message that exists
        return channel.id, ts

    def _pins_add(self, args: Json) -> Json:
        channel, ts = self._message_ref(args)
        pinned = self._pins.setdefault(channel, [])
        if ts in pinned:
            raise SlackFault("already_pinned")
        pinned.append(ts)
        return {}

    def _pins_remove(self, args: Json) -> Json:
        channel, ts = self._message_ref(args)
        pinned = self._pins.get(channel, [])
        if ts not in pinned:
            raise SlackFault("no_pin")
        pinned.remove(ts)
        return {}

    def _pins_list(self, args: Json) -> Json:
        channel = self._target_channel(args).id
        items = [
            {"type": "message", "channel": channel, "message": self._message_or_stub(channel, ts)}
            for ts in self._pins.get(channel, [])
        ]
        return {"items": items}

    def _message_or_stub(self, channel: str, ts: str) -> Json:
        stored = self._messages.get(channel, {}).get(ts)
        return self._render(channel, stored or {"type": "message", "ts": ts, "text": ""})

    def _reactions_add(self, args: Json) -> Json:
        channel, ts = self._message_ref(args)
        name = _str(args, "name", "invalid_name").strip(":")
        users = self._reactions.setdefault((channel, ts), {}).setdefault(name, [])
        if BOT_USER_ID in users:
            raise SlackFault("already_reacted")
        users.append(BOT_USER_ID)
        return {}

    def _reactions_remove(self, args: Json) -> Json:
        channel, ts = self._message_ref(args)
        name = _str(args, "name", "invalid_name").strip(":")
        users = self._reactions.get((channel, ts), {}).get(name, [])
        if BOT_USER_ID not in users:
            raise SlackFault("no_reaction")
        users.remove(BOT_USER_ID)
        return {}

    def _reactions_get(self, args: Json) -> Json:
        channel, ts = self._message_ref(args)
        return {
            "type": "message",
            "channel": channel,
            "message": self._message_or_stub(channel, ts),
        }

    # views ---------------------------------------------------------------------------------------

    def _store_view(self, view: Json, view_id: str, root: str | None, previous: str | None) -> Json:
        n = next(self._ids)
        stored = {
            **view,
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{1_700_000_000 + n}.fake{n:04d}",
            "state": {"values": {}},
            "callback_id": view.get("callback_id", ""),
            "private_metadata": view.get("private_metadata", ""),
            "external_id": view.get("external_id", ""),
            "root_view_id": root or view_id,
            "previous_view_id": previous,
        }
        self._views[view_id] = stored
        return stored

    def _views_open(self, args: Json) -> Json:
        self._exchange_trigger(args)
        view_id = self._new_id("V")
        return {"view": self._store_view(args["view"], view_id, None, None)}

    def _views_push(self, args: Json) -> Json:
        self._exchange_trigger(args)
        view_id = self._new_id("V")
        return {"view": self._store_view(args["view"], view_id, None, None)}

    def _exchange_trigger(self, args: Json) -> None:
        """A trigger id opens or pushes one view, within 3 seconds of the click that issued it:
        Slack answers a second use `exchanged_trigger_id`, a late one `expired_trigger_id`."""
        trigger_id = _str(args, "trigger_id", "invalid_trigger_id")
        if not _TRIGGER_RE.fullmatch(trigger_id):
            raise SlackFault("invalid_trigger_id", "expected a trigger_id like 132456.7890123.abcdef")
        if trigger_id in self._exchanged_triggers:
            raise SlackFault("exchanged_trigger_id")
        issued = issued_at(trigger_id)
        if issued is not None and time.time() - issued > self.trigger_lifetime:
            raise SlackFault("expired_trigger_id")
        self._exchanged_triggers.add(trigger_id)

    def _views_update(self, args: Json) -> Json:
        target = self._find_view(args)
        expected = args.get("hash")
        if expected and expected != target["hash"]:
            raise SlackFault("hash_conflict")
        stored = self._store_view(
            args["view"], target["id"], target["root_view_id"], target["previous_view_id"]
        )
        return {"view": stored}

    def _find_view(self, args: Json) -> Json:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if view_id and view_id in self._views:
            return self._views[view_id]
        for view in self._views.values():
            if external_id and view.get("external_id") == external_id:
                return view
        raise SlackFault("not_found")

    def _views_publish(self, args: Json) -> Json:
        user = _str(args, "user_id", "invalid_arguments")
        if user not in self._users:
            raise SlackFault("user_not_found")
        previous = self.home_views.get(user)
        view_id = previous["id"] if previous else self._new_id("V")
        stored = self._store_view(args["view"], view_id, None, None)
        self.home_views[user] = stored
        return {"view": stored}

    # files (upload v2) ---------------------------------------------------------------------------

    def _files_get_upload_url(self, args: Json) -> Json:
        filename = _str(args, "filename", "invalid_arguments")
        length = _int(args, "length", -1)
        if length < 0:
            raise SlackFault("invalid_arguments", "length is required")
        file_id = self._new_id("F")
        self._file_meta[file_id] = {"name": filename, "length": length}
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Json) -> Json:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise SlackFault("invalid_arguments", "files must be a non-empty JSON array")
        channels = list(args.get("channels") or [])
        if isinstance(args.get("channels"), str):
            channels = [c for c in str(args["channels"]).split(",") if c]
        if args.get("channel_id"):
            channels.insert(0, str(args["channel_id"]))
        for channel_id in channels:
            self._check_can_share(channel_id)
        described = [self._describe_file(f, channels) for f in files]
        for file in described:
            self._file_meta[file["id"]]["completed"] = True
        for channel_id in channels:
            self._share_files(channel_id, described, args)
        return {"files": described}

    def _check_can_share(self, channel_id: str) -> None:
        """As Slack: a file is shared only in a channel that exists and the bot is a member of."""
        channel = self._target_channel({"channel": channel_id})  # channel_not_found, is_archived
        if channel.is_private and BOT_USER_ID not in channel.members:
            raise SlackFault("channel_not_found")
        if not channel.is_im and BOT_USER_ID not in channel.members:
            raise SlackFault("not_in_channel")

    def _describe_file(self, item: Any, channels: list[str]) -> Json:
        file_id = str(item.get("id") if isinstance(item, dict) else "")
        meta = self._file_meta.get(file_id)
        if meta is None or file_id not in self.uploaded_files:
            raise SlackFault("file_not_found", f"file {file_id!r} was not uploaded")
        if len(self.uploaded_files[file_id]) != meta["length"]:
            # The bytes sent must be exactly the `length` promised when the URL was asked for.
            raise SlackFault(
                "invalid_arguments",
                f"{file_id!r}: {len(self.uploaded_files[file_id])} bytes uploaded, length {meta['length']}",
            )
        name = str(meta["name"])
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return {
            "id": file_id,
            "name": name,
            "title": item.get("title") or name,
            "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[-1] if "." in name else "binary",
            "size": len(self.uploaded_files[file_id]),
            "user": BOT_USER_ID,
            "channels": channels,
            "url_private": f"https://files.example.slack.com/files-pri/{TEAM_ID}-{file_id}/{name}",
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}/{name}",
        }

    def _share_files(self, channel_id: str, files: list[Json], args: Json) -> None:
        # Slack shares completed uploads as a bot message; capture tests read it back.
        channel = self._target_channel({"channel": channel_id})
        ts = self._next_ts()
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": str(args.get("initial_comment") or ""),
            "ts": ts,
            "files": files,
            "upload": True,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        self._messages.setdefault(channel.id, {})[ts] = message


def _channel_type(channel: Channel) -> str:
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


def _now() -> float:
    return time.monotonic()


# --------------------------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeSlack, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _RequestHandler)
        self.fake = fake


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(self.rfile.read(length) if length else b"")

    def do_GET(self) -> None:
        self._answer(b"")

    def _answer(self, raw: bytes) -> None:
        parts = urlsplit(self.path)
        headers = _header_map(self.headers)
        reply = self.server.fake.handle_http(parts.path, parts.query, headers, raw)
        body, content_type = reply.encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout); nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


def _header_map(message: Message) -> dict[str, str]:
    # Case-insensitive lookups for the two headers the fake reads.
    found = {"Content-Type": "", "Authorization": ""}
    for name in found:
        value = message.get(name)
        if value:
            found[name] = str(value)
    return found

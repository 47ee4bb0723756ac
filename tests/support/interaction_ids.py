"""The ids Slack gives each interaction: a repeat of one carries the same, a new one new ones."""

from __future__ import annotations

import itertools
import threading
import time

_serials = itertools.count(1)
_last_action_us = [0]
_action_ts_lock = threading.Lock()


def fresh_trigger_id() -> str:
    """Slack issues a new trigger id with every interaction, and each opens at most one view,
    within 3 seconds: it starts with the moment it was issued (epoch milliseconds), which the fake
    reads to answer `expired_trigger_id` (`fake_slack.issued_at`)."""
    return f"{int(time.time() * 1000)}.{next(_serials)}.faketrigger"


def fresh_view_id() -> str:
    """Slack gives every opened view its own id; a submission carries its view's id and hash."""
    return f"VS{next(_serials):08d}"


def fresh_action_ts() -> str:
    """Unique per click, as Slack's are: two clicks never share an ``action_ts``."""
    with _action_ts_lock:
        micros = max(int(time.time() * 1_000_000), _last_action_us[0] + 1)
        _last_action_us[0] = micros
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

"""Reading what people typed out of Slack payloads, tolerating missing and malformed parts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from incidentbot.slack.ids import VALUE


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = values.get(VALUE) or {}
    return element if isinstance(element, dict) else {}


def text_value(view: dict[str, Any], block_id: str) -> str:
    value = _element(view, block_id).get("value")
    return value.strip() if isinstance(value, str) else ""


def selected_value(view: dict[str, Any], block_id: str) -> str | None:
    option = _element(view, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def selected_user(view: dict[str, Any], block_id: str) -> str | None:
    user = _element(view, block_id).get("selected_user")
    return user if isinstance(user, str) and user else None


def checked_values(view: dict[str, Any], block_id: str) -> set[str]:
    options = _element(view, block_id).get("selected_options") or []
    return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}


def selected_datetime(view: dict[str, Any], block_id: str) -> datetime | None:
    epoch = _element(view, block_id).get("selected_date_time")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool):
        try:
            return datetime.fromtimestamp(epoch, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

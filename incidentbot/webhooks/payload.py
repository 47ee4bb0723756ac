"""The body of a delivery and its signature.

The body is written once, when the event is recorded, so every retry (and a redelivery) sends
the same bytes with the same `id`; only the signature's timestamp is new on each attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import datetime

from incidentbot.incident.events import IncidentEvent
from incidentbot.incident.models import Incident

SIGNATURE_HEADER = "X-Incidentbot-Signature"
EVENT_HEADER = "X-Incidentbot-Event"
DELIVERY_HEADER = "X-Incidentbot-Delivery"


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def body(event_id: str, event: IncidentEvent, incident: Incident | None, at: datetime) -> str:
    return json.dumps(
        {
            "id": event_id,
            "type": event.type,
            "created_at": at.isoformat().replace("+00:00", "Z"),
            "incident": _incident(incident),
            "data": event.data(),
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def _incident(incident: Incident | None) -> dict[str, object] | None:
    if incident is None:
        return None
    return {
        "number": incident.number,
        "title": incident.title,
        "severity": incident.severity.label,
        "status": incident.status.value,
        "private": incident.is_private,
        "channel": incident.channel_id,
    }


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs its webhooks."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"

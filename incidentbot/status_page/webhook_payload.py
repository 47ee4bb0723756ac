"""An update as Atlassian Statuspage posts it to webhook subscribers, so their receivers read ours.

Statuspage documents `meta` (`unsubscribe`, `documentation`), `page` (`id`, `status_indicator`,
`status_description`) and `incident` as its API shows an incident, with `incident_updates`.
"""

from __future__ import annotations

from typing import Any

from incidentbot.status_page import api
from incidentbot.status_page.overview import Overview

DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"


def incident_payload(page: Overview, incident_id: str, unsubscribe: str) -> dict[str, Any] | None:
    """The payload for the incident with public id `incident_id`, as the page shows it now."""
    incident = next((i for i in page.history if i.id == incident_id), None)
    if incident is None:
        return None
    return {
        "meta": {"unsubscribe": unsubscribe, "documentation": DOCUMENTATION},
        "page": {
            "id": api.page_id(page),
            "status_indicator": page.indicator.value,
            "status_description": page.description,
        },
        "incident": api.incident_json(page, incident),
    }

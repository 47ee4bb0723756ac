"""Steps shared by the status page tests: a team with components, and the customer-text form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from incidentbot.config import TeamConfig
from incidentbot.status_page.model import Component, StatusPageConfig, component_key
from incidentbot.status_page.sql_store import sql_of
from tests.e2e.helpers import wait_until
from tests.e2e.wrapup_helpers import STAKEHOLDERS
from tests.support import signing
from tests.support.fake_slack import MAX_VIEW_BLOCKS, blocks_problem
from tests.support.fake_slack_blockkit import view_problem
from tests.support.harness import RunningBot

API = "API"
DASHBOARD = "Dashboard"
GOOD = (
    "We're investigating failed checkouts affecting some customers. Our team is working on it; "
    "the next update will be posted by 12:30 UTC."
)


JARGON_FREE_REVIEW = "Our database connection pool is exhausted; the next update will be posted by 12:30 UTC."
"""A customer text the checker flags (jargon), so the form comes back as a review."""


def page_config(*names: str, **settings: Any) -> StatusPageConfig:
    components = [Component(name=name) for name in names or (API, DASHBOARD)]
    return StatusPageConfig(title="Acme status", components=tuple(components), **settings)


def team_with_page(*names: str, **settings: Any) -> TeamConfig:
    return TeamConfig(stakeholder_channel=STAKEHOLDERS, status_page=page_config(*names, **settings))


def as_slack_takes(view: dict[str, Any]) -> dict[str, Any]:
    """The view, after checking Slack would show it (views.open checks this; a form's answer too)."""
    problem = blocks_problem(view.get("blocks", []), MAX_VIEW_BLOCKS) or view_problem(view)
    assert problem is None, problem
    return view


def open_customer_form(running: RunningBot, channel: str) -> dict[str, Any]:
    """The form this command opens: the first view opened after it, not merely the latest one
    (a retried `views.open` of an earlier form would otherwise stand in for it)."""
    opened_before = len(running.slack.ok_calls_to("views.open"))
    running.client.command("comms customer", channel_id=channel, user_id="U002")
    opened = running.slack.wait_for("views.open", count=opened_before + 1, ok_only=True)
    return as_slack_takes(opened[opened_before].args["view"])


def form_state(
    text: str, name: str | None = "Checkout unavailable", states: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    state: dict[str, Any] = {"text": {"value": signing.plain(text)}}
    if name is not None:
        state["status_page_name"] = {"value": signing.plain(name)}
    for component, value in (states or {}).items():
        state[f"status_page_component:{component_key(component)}"] = {"value": signing.static_select(value)}
    return state


def submit_customer(
    running: RunningBot,
    view: dict[str, Any],
    text: str = GOOD,
    name: str | None = "Checkout unavailable",
    states: Mapping[str, str | None] | None = None,
) -> Any:
    # Slack submits every select with its option, the preselected one when nobody changed it.
    chosen = {**shown_states(view), **(states or {})}
    return running.client.submit(
        "comms_text",
        form_state(text, name, chosen),
        user_id="U002",
        private_metadata=view["private_metadata"],
    )


def shown_states(view: dict[str, Any]) -> dict[str, str | None]:
    return {
        block["label"]["text"]: block["element"]["initial_option"]["value"]
        for block in view["blocks"]
        if block.get("block_id", "").startswith("status_page_component:")
    }


def published(running: RunningBot, incident_id: int, count: int = 1) -> Any:
    """The incident as the status page has it, once it shows `count` updates."""

    def found() -> Any:
        with running.services.store.transaction() as tx:
            public = sql_of(tx).public_incident(incident_id)
        return public if public is not None and len(public.updates) >= count else None

    return wait_until(found)


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(view["private_metadata"])
    return data


def get(running: RunningBot, path: str) -> str:
    """A page of the site, as text; it must answer 200."""
    response = running.client.get(path)
    assert response.status == 200, (path, response.status)
    return response.body.decode()


def get_json(running: RunningBot, name: str) -> Any:
    """A document of the Statuspage API (`summary.json` …), served as JSON to any origin."""
    response = running.client.get(f"/status/api/v2/{name}")
    assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.body)

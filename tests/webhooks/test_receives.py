"""Which endpoint hears of which incident: the one rule every event goes through."""

from __future__ import annotations

from incidentbot.incident.models import Incident
from incidentbot.webhooks.model import WebhookEndpoint, receives

URL = "https://hooks.example.com/incidents"
SECRET = "a-secret-of-sixteen-or-more"


def _incident(*, private: bool = False, drill: bool = False) -> Incident:
    # Only the fields the rule reads: the rest of an incident does not decide who hears of it.
    return Incident.model_construct(is_private=private, drill=drill)


def test_a_drill_reaches_no_endpoint_not_even_one_that_takes_private_incidents() -> None:
    everything = WebhookEndpoint(url=URL, secret=SECRET, include_private=True)
    assert receives(everything, "incident.declared", _incident())
    assert receives(everything, "incident.declared", _incident(private=True))
    assert not receives(everything, "incident.declared", _incident(drill=True))
    assert not receives(everything, "update.posted", _incident(private=True, drill=True))


def test_a_private_incident_reaches_only_endpoints_that_take_them() -> None:
    public_only = WebhookEndpoint(url=URL, secret=SECRET)
    assert receives(public_only, "incident.declared", _incident())
    assert not receives(public_only, "incident.declared", _incident(private=True))

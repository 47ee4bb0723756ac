"""Providers named by a proper name the checker was never told about: blamed when the text says
the trouble is theirs, passed when it is our own product or the provider confirmed it."""

from __future__ import annotations

import pytest

from incidentbot.checker import Audience, check

INTERNAL = Audience.INTERNAL
STAKEHOLDER = Audience.STAKEHOLDER


def rules(text: str, audience: Audience = INTERNAL) -> set[str]:
    return {finding.rule for finding in check(text, audience)}


@pytest.mark.parametrize(
    "text",
    [
        "Drumlin Compute is having trouble again, so we are waiting on them.",
        "Ostrava Mail's relay is down; nothing on our side.",
        "Fennick, who run our payment pages, is experiencing an outage.",
        "Our CDN partner Lauterra is degraded.",
        "Kestral seems to be having a bad day and it's their problem, not ours.",
        "Uploads will work once they fix their side.",
        "A glitch at the company that hosts our videos slowed playback.",
        "There was a hiccup at our SMS provider earlier.",
        "Note for the execs: 'a blip at our email provider slowed password resets'.",
        "Marlow Pay, our card processor, is failing for Visa cards.",
        "Tindra, the service that delivers our push alerts, has been down all morning.",
        "Their region is out and we are waiting for them to restore it.",
    ],
)
def test_an_unknown_provider_blamed_for_the_trouble_is_flagged(text: str) -> None:
    assert "third-party-blame" in rules(text, STAKEHOLDER)


@pytest.mark.parametrize(
    "text",
    [
        "Orion's object storage is down, so we are waiting on them.",
        "Our partner Velda's webhook queue is broken on their side.",
    ],
)
def test_a_company_whose_service_is_down_is_not_a_person_to_blame(text: str) -> None:
    assert rules(text) == {"third-party-blame"}


@pytest.mark.parametrize(
    "text",
    [
        # our own products, with no sign the trouble is someone else's
        "Checkout is down for card payments.",
        "Invoices is having trouble rendering PDFs since the deploy.",
        "Atlas's nightly export is degraded after our schema change.",
        "Exports is down and nothing on our side has changed, so we are reading the logs.",
        "Exports is down; we are waiting on them to confirm which files are affected.",
        # the provider confirmed it
        "Drumlin Compute has confirmed an outage on their status page; nothing on our side.",
        "Fennick, who run our payment pages, confirmed on their status page that they are down.",
    ],
)
def test_our_products_and_confirmed_outages_pass(text: str) -> None:
    assert rules(text) == set()


def test_a_possession_that_goes_on_to_do_harm_is_still_a_person_s_act() -> None:
    assert "personal-blame" in rules(
        "Omar's script is broken and wiped the staging data.", Audience.POSTMORTEM
    )

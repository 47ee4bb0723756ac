"""The status page's part in the customer-text form's submission, as one object for the listener."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from incidentbot.slack import parse
from incidentbot.status_page.render_site import StatusPage, public_part_of
from incidentbot.status_page.slack_form import NEXT_UPDATE_KEY, FormAnswer
from incidentbot.wrap_up.comms_rules import CommsAudience


@dataclass(frozen=True)
class PublicPart:
    """Errors to show inline, blocks to keep in a review, and who publishes the text."""

    errors: dict[str, str] = field(default_factory=dict)
    extra: tuple[Sequence[dict[str, Any]], Mapping[str, Any]] = ((), {})
    public: dict[str, Any] | None = None
    """What the customer text's command carries for the status page."""


def public_part(
    page: StatusPage | None, view: dict[str, Any], audience: CommsAudience, incident_id: int
) -> PublicPart:
    """Read the form's status page fields, when the form showed them (customer texts of public incidents)."""
    shown = NEXT_UPDATE_KEY in parse.metadata(view)
    if page is None or audience is not CommsAudience.CUSTOMER or not shown:
        return PublicPart()
    answer: FormAnswer = page.read_form(view, incident_id)
    again = page.review_part(answer)
    return PublicPart(answer.errors, (again.blocks, again.metadata), public_part_of(answer))

"""The status page's part in the customer-text form's submission, as one object for the listener."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from incidentbot.domain.comms import CommsAudience
from incidentbot.slack import parse
from incidentbot.status_page.form import NEXT_UPDATE_KEY, FormAnswer
from incidentbot.status_page.site import Publisher, StatusPage


@dataclass(frozen=True)
class PublicPart:
    """Errors to show inline, blocks to keep in a review, and who publishes the text."""

    errors: dict[str, str] = field(default_factory=dict)
    extra: tuple[Sequence[dict[str, Any]], Mapping[str, Any]] = ((), {})
    publisher: Publisher | None = None


def public_part(
    page: StatusPage | None, view: dict[str, Any], audience: CommsAudience, incident_id: int
) -> PublicPart:
    """Read the form's status page fields, when the form showed them (customer texts of public incidents)."""
    shown = NEXT_UPDATE_KEY in parse.metadata(view)
    if page is None or audience is not CommsAudience.CUSTOMER or not shown:
        return PublicPart()
    answer: FormAnswer = page.read_form(view, incident_id)
    again = page.review_part(answer)
    return PublicPart(answer.errors, (again.blocks, again.metadata), page.publisher(answer))

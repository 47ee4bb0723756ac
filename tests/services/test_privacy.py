"""A private incident shows only to the members of its channel, in lists and in the numbers."""

from __future__ import annotations

import pytest

from incidentbot.incident.models import Severity
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.listing import queries
from incidentbot.wrap_up import metrics
from tests.support.declarations import declared
from tests.support.memory import RecordingWorkspace


def _declared(services: Services, title: str, *, private: bool) -> int:
    return declared(
        services, title=title, severity=Severity.SEV2, impact="Logins fail", is_private=private
    ).id


def test_period_numbers_leave_out_private_incidents_for_non_members(services: Services) -> None:
    _declared(services, "Public one", private=False)
    _declared(services, "Secret one", private=True)
    assert metrics.period_metrics(services, "T1", "U001").incidents == 2
    assert metrics.period_metrics(services, "T1", "U004").incidents == 1


def test_open_incidents_leave_out_private_ones_for_non_members(services: Services) -> None:
    _declared(services, "Public one", private=False)
    _declared(services, "Secret one", private=True)
    titles = {v.incident.title for v in queries.visible_open_incidents(services, "T1", "U004")}
    assert titles == {"Public one"}


def test_membership_is_never_guessed(
    services: Services, workspace: RecordingWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _declared(services, "Secret one", private=True)
    monkeypatch.setattr(workspace, "channel_members", _unavailable)
    with pytest.raises(SlackUnavailable):
        metrics.period_metrics(services, "T1", "U004")


def _unavailable(channel_id: str) -> set[str]:
    raise SlackUnavailable(f"conversations.members {channel_id}")

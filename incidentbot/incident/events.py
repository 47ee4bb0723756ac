"""What happened to an incident, as other systems hear of it: one small event per kind of change.

A command announces its event inside its own unit of work (`uow.announce`), so whatever a
feature records about it (the outgoing webhooks' deliveries) is written in the same transaction
as the change: once per change, and lost only if the change is. Each event names its public
`type` and carries the ids and fields a receiver needs; `data()` is what it says beyond the
incident itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar

from incidentbot.incident.models import Incident


@dataclass(frozen=True)
class IncidentEvent:
    type: ClassVar[str]
    incident_id: int | None

    def data(self) -> dict[str, object]:
        fields = asdict(self)
        fields.pop("incident_id")
        return fields


@dataclass(frozen=True)
class IncidentDeclared(IncidentEvent):
    type: ClassVar[str] = "incident.declared"
    declared_by: str = ""


@dataclass(frozen=True)
class IncidentUpdated(IncidentEvent):
    """A change of severity, status or role."""

    type: ClassVar[str] = "incident.updated"
    changed: str = ""
    """`severity`, `status` or `role`."""
    old: str | None = None
    new: str | None = None
    role: str | None = None
    by: str | None = None

    @classmethod
    def each_between(cls, before: Incident, after: Incident, by: str) -> list[IncidentUpdated]:
        """One event per field that changed: an update may change severity and status at once."""
        changes = []
        if before.severity is not after.severity:
            old, new = before.severity.label, after.severity.label
            changes.append(cls(after.id, changed="severity", old=old, new=new, by=by))
        if before.status is not after.status:
            old, new = before.status.value, after.status.value
            changes.append(cls(after.id, changed="status", old=old, new=new, by=by))
        return changes


@dataclass(frozen=True)
class UpdatePosted(IncidentEvent):
    type: ClassVar[str] = "update.posted"
    update_id: int = 0
    author: str = ""


@dataclass(frozen=True)
class CustomerUpdatePublished(IncidentEvent):
    type: ClassVar[str] = "customer_update.published"
    text_id: int = 0
    text: str = ""


@dataclass(frozen=True)
class TimelineEntryAdded(IncidentEvent):
    type: ClassVar[str] = "timeline.entry_added"
    entry_id: int = 0
    kind: str = ""
    text: str = ""


@dataclass(frozen=True)
class NagSent(IncidentEvent):
    type: ClassVar[str] = "nag.sent"
    to: str | None = None
    due_at: str = ""


@dataclass(frozen=True)
class IncidentResolved(IncidentEvent):
    type: ClassVar[str] = "incident.resolved"
    resolved_by: str = ""
    fix: str = ""


@dataclass(frozen=True)
class ActionItemCreated(IncidentEvent):
    type: ClassVar[str] = "action_item.created"
    item_id: int = 0
    text: str = ""
    owner: str | None = None


@dataclass(frozen=True)
class ActionItemUpdated(IncidentEvent):
    type: ClassVar[str] = "action_item.updated"
    item_id: int = 0
    done: bool = False


@dataclass(frozen=True)
class AlertReceived(IncidentEvent):
    """An alert group took alerts; `incident_id` once it is attached to one."""

    type: ClassVar[str] = "alert.received"
    group_id: int = 0
    title: str = ""
    status: str = ""
    labels: dict[str, str] = field(default_factory=dict)


EVENT_TYPES: tuple[type[IncidentEvent], ...] = (
    IncidentDeclared,
    IncidentUpdated,
    UpdatePosted,
    CustomerUpdatePublished,
    TimelineEntryAdded,
    NagSent,
    IncidentResolved,
    ActionItemCreated,
    ActionItemUpdated,
    AlertReceived,
)
EVENT_NAMES = tuple(event.type for event in EVENT_TYPES)

"""An alert's severity label, read as an incident severity for the declare form."""

from __future__ import annotations

from incidentbot.incident.models import Severity

SEVERITY_LABELS = ("severity", "priority")
BY_NAME = {
    "critical": Severity.SEV1,
    "page": Severity.SEV1,
    "p1": Severity.SEV1,
    "high": Severity.SEV2,
    "error": Severity.SEV2,
    "p2": Severity.SEV2,
    "warning": Severity.SEV3,
    "medium": Severity.SEV3,
    "p3": Severity.SEV3,
    "info": Severity.SEV4,
    "low": Severity.SEV4,
    "p4": Severity.SEV4,
}


def severity_of(labels: dict[str, str]) -> Severity | None:
    """`severity="critical"` → SEV-1 … `info` → SEV-4; `sev2`, `2` as the bot reads them; None if unknown."""
    for name in SEVERITY_LABELS:
        value = labels.get(name, "").strip().lower()
        if not value:
            continue
        found = BY_NAME.get(value) or Severity.parse(value)
        if found is not None:
            return found
    return None

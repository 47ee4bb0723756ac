"""An export rewrites only what changed, and gives the same bytes as an export from scratch."""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidentbot.incident.models import Status
from incidentbot.status_page.export import write_site
from incidentbot.status_page.model import ComponentState, Impact, PublicIncident, PublishedUpdate
from incidentbot.status_page.overview import Overview, build
from tests.status_page.helpers import API, page_config

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CONFIG = page_config()


def incident(number: int, *bodies: str, resolved: bool = False) -> PublicIncident:
    """An incident with one update per body, published ten minutes apart (newest first)."""
    started = NOW - timedelta(days=number)
    stages = [Status.INVESTIGATING] * len(bodies)
    if resolved:
        stages[-1] = Status.RESOLVED
    updates = [
        PublishedUpdate(
            id=f"u{number}x{step}",
            incident_id=number,
            stage=stage,
            body=body,
            next_update_at=None if stage is Status.RESOLVED else started + timedelta(minutes=10 * step + 30),
            components={API: ComponentState.OPERATIONAL if resolved else ComponentState.MAJOR_OUTAGE},
            published_at=started + timedelta(minutes=10 * step),
            updated_at=started + timedelta(minutes=10 * step),
        )
        for step, (stage, body) in enumerate(zip(stages, bodies, strict=True))
    ]
    return PublicIncident(
        id=f"inc{number}",
        incident_id=number,
        name=f"Checkout {number}",
        stage=stages[-1],
        impact=Impact.MAJOR,
        created_at=started,
        updated_at=updates[-1].updated_at,
        resolved_at=updates[-1].published_at if resolved else None,
        updates=tuple(reversed(updates)),
    )


def page(*incidents: PublicIncident) -> Overview:
    return build(CONFIG, sorted(incidents, key=lambda i: i.created_at, reverse=True), NOW)


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


def inode(target: Path, relative: str) -> int:
    return (target / relative).stat().st_ino


BEFORE = page(incident(1, "One."), incident(2, "Two."), incident(3, "Three."))
AFTER = page(
    incident(1, "One."),
    incident(2, "Two, corrected."),
    incident(3, "Three.", "Three is resolved.", resolved=True),
    incident(4, "Four."),
)


def test_an_export_rewrites_only_the_pages_of_changed_incidents(tmp_path: Path) -> None:
    target = tmp_path / "site"
    write_site(BEFORE, target)
    unchanged, corrected = inode(target, "incidents/inc1.html"), inode(target, "incidents/inc2.html")
    write_site(AFTER, target)
    assert inode(target, "incidents/inc1.html") == unchanged, "an unchanged page is the same file"
    assert inode(target, "incidents/inc2.html") != corrected
    assert "Two, corrected." in (target / "incidents/inc2.html").read_text()


def test_an_incremental_export_equals_one_from_scratch_byte_for_byte(tmp_path: Path) -> None:
    incremental, scratch = tmp_path / "incremental", tmp_path / "scratch"
    write_site(BEFORE, incremental)
    write_site(AFTER, incremental)
    write_site(AFTER, scratch)
    assert tree(incremental) == tree(scratch)
    assert len(tree(scratch)) == 11 + 4


def test_a_manifest_of_another_copy_is_not_trusted(tmp_path: Path) -> None:
    target = tmp_path / "site"
    write_site(BEFORE, target)
    manifest = tmp_path / ".site.manifest.json"
    pages = json.loads(manifest.read_text())["pages"]
    manifest.write_text(json.dumps({"copy": ".site.site-elsewhere", "pages": pages}))
    unchanged = inode(target, "incidents/inc1.html")
    write_site(AFTER, target)
    assert inode(target, "incidents/inc1.html") != unchanged, "rendered again, not linked"
    write_site(AFTER, tmp_path / "scratch")
    assert tree(target) == tree(tmp_path / "scratch")


def test_a_reader_during_incremental_exports_finds_every_page_the_index_links(tmp_path: Path) -> None:
    target = tmp_path / "site"
    write_site(BEFORE, target)
    stop = threading.Event()
    problems: list[str] = []

    def read() -> None:
        while not stop.is_set():
            try:
                index = (target / "index.html").read_text()
                linked = re.findall(r'href="(incidents/[a-z0-9]+\.html)"', index)
                pages = [(target / link).read_text() for link in linked]
                json.loads((target / "api/v2/summary.json").read_text())
            except (OSError, ValueError) as error:
                problems.append(repr(error))
                continue
            if not all(text.rstrip().endswith("</html>") for text in [index, *pages]):
                problems.append("a partial page")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    first, _, *rest = AFTER.history
    corrected_again = page(first, incident(2, "Two, corrected again."), *rest)
    for turn in range(30):  # incidents are added and corrected, never removed
        write_site(AFTER if turn % 2 else corrected_again, target)
    stop.set()
    for reader in readers:
        reader.join()
    assert problems == []
    assert not any(
        p.name.startswith(".site.site-") and p.name != os.readlink(target) for p in tmp_path.iterdir()
    )

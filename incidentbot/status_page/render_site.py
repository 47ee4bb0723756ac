"""The status page as the bot runs it: the form's part, publishing, and reading the page back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidentbot.clock import Clock
from incidentbot.incident.models import Incident, Status
from incidentbot.kernel.ports import Store
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.rendering import Renderer
from incidentbot.status_page import files, overview, publishing
from incidentbot.status_page import slack_form as form
from incidentbot.status_page.export import ExportError, write_site
from incidentbot.status_page.model import Publication, PublicIncident, StatusPageConfig
from incidentbot.status_page.overview import Overview
from incidentbot.status_page.site_cache import SiteCache, Version
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms import CustomerTextKept

log = logging.getLogger(__name__)


RECHECK = timedelta(seconds=1)
"""How long readers trust the rendering before asking the database whether another process
published since (a publication in this process is seen at once)."""


@dataclass(frozen=True)
class StatusPage:
    config: StatusPageConfig
    store: Store
    clock: Clock
    renderer: Renderer
    export_dir: Path | None = None
    _cache: SiteCache = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        cache = SiteCache(self._read, self._read_version, self._build, RECHECK)
        object.__setattr__(self, "_cache", cache)  # frozen: set once, here

    @property
    def enabled(self) -> bool:
        return self.config.enabled

    def form_part(self, incident: Incident, stage: Status, next_update_at: datetime | None) -> form.FormPart:
        """The title and component selects, preselected with what the incident last published."""
        with self.store.transaction() as tx:
            public = sql_of(tx).public_incident(incident.id)
        latest = public.latest if public else None
        names = [c.name for c in self.config.components]
        choices = publishing.initial_choices(names, latest, resolving=not stage.is_open)
        name = public.name if public else incident.impact or incident.title
        return form.form_part(self.renderer, self.config, name, choices, next_update_at)

    def read_form(self, view: dict[str, Any], incident_id: int) -> form.FormAnswer:
        with self.store.transaction() as tx:
            public = sql_of(tx).public_incident(incident_id)
        current = public.latest.components if public else {}
        return form.read(self.renderer, self.config, view, current)

    def review_part(self, answer: form.FormAnswer) -> form.FormPart:
        """The form's part again as submitted, for the checker's review."""
        return form.form_part(self.renderer, self.config, answer.name, answer.choices, answer.next_update_at)

    def on_customer_text(self, uow: UnitOfWork, event: object) -> None:
        """Publish a customer text in the unit of work that keeps it (`Registry.on`)."""
        if not isinstance(event, CustomerTextKept) or event.public is None:
            return
        if event.incident.is_private or event.incident.drill:
            return  # Kept and posted in its own channel as before; never public.
        publication, next_update_at = public_of(event.public)
        publishing.publish_in(sql_of(uow.tx), event.incident, event.text, publication, next_update_at)
        uow.emit(REWRITE, event.incident.id, event.text.id)

    def rewrite(self, services: object, reminder: object) -> None:
        """The `status_page_rewrite` outbox handler: what was just published shows everywhere."""
        self.published()

    def overview(self) -> overview.Overview:
        """The page as of now, from the newest version of what was published."""
        return self._cache.overview(self.clock.now())

    def file(self, path: str) -> files.File | None:
        """The site's file at `path`, rendered once per version of what was published."""
        return self._cache.file(path, self.clock.now())

    def rendered(self, path: str) -> files.File | None:
        """The file at `path` when it is already rendered and current, else None (`SiteCache`)."""
        return self._cache.rendered(path, self.clock.now())

    def _read(self, after: int | None) -> tuple[Version, list[PublicIncident]]:
        with self.store.transaction() as tx:
            sql = sql_of(tx)
            version = sql.version()
            return version, sql.public_incidents() if after is None else sql.changed_incidents(after)

    def _read_version(self) -> Version:
        with self.store.transaction() as tx:
            return sql_of(tx).version()

    def _build(self, incidents: Sequence[PublicIncident], now: datetime) -> Overview:
        return overview.build(self.config, incidents, now)

    def published(self) -> None:
        """Show what was just published, and rewrite the static copy, when there is one.

        A failure writing the copy never loses the text: it is kept and shown under /status/.
        """
        self._cache.forget()
        if self.export_dir is None:
            return
        try:
            write_site(self.overview(), self.export_dir)
        except (OSError, ExportError):
            # The text is kept and public under /status/; the next publication writes the copy again.
            log.exception("could not rewrite the static status page in %s", self.export_dir)


REWRITE = "status_page_rewrite"
"""Owed after a publication commits: readers see it at once, and the static copy is rewritten."""


def public_part_of(answer: form.FormAnswer) -> dict[str, Any] | None:
    """What a customer text carries for the status page, as its command keeps it (JSON)."""
    publication = answer.publication()
    if publication is None:
        return None
    next_update_at = answer.next_update_at.isoformat() if answer.next_update_at else None
    return {"publication": publication.model_dump(mode="json"), "next_update_at": next_update_at}


def public_of(public: dict[str, Any]) -> tuple[Publication, datetime | None]:
    publication = Publication.model_validate(public["publication"])
    next_update_at = public.get("next_update_at")
    return publication, datetime.fromisoformat(next_update_at) if isinstance(next_update_at, str) else None

"""The status page as the bot runs it: the form's part, publishing, and reading the page back."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentbot.clock import Clock
from incidentbot.domain.comms import CommsText
from incidentbot.domain.models import Incident, Status
from incidentbot.rendering import Renderer
from incidentbot.services.ports import Store, Transaction
from incidentbot.status_page import form, overview, publishing
from incidentbot.status_page.export import ExportError, write_site
from incidentbot.status_page.model import Publication, StatusPageConfig
from incidentbot.status_page.store import sql_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusPage:
    config: StatusPageConfig
    store: Store
    clock: Clock
    renderer: Renderer
    export_dir: Path | None = None

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

    def publisher(self, answer: form.FormAnswer) -> Publisher | None:
        publication = answer.publication()
        return Publisher(self, publication, answer.next_update_at) if publication else None

    def overview(self) -> overview.Overview:
        with self.store.transaction() as tx:
            incidents = sql_of(tx).public_incidents()
        return overview.build(self.config, incidents, self.clock.now())

    def published(self) -> None:
        """Rewrite the static copy, when there is one; a failure there never loses the text."""
        if self.export_dir is None:
            return
        try:
            write_site(self.overview(), self.export_dir)
        except (OSError, ExportError):
            # The text is kept and public under /status/; the next publication writes the copy again.
            log.exception("could not rewrite the static status page in %s", self.export_dir)


@dataclass(frozen=True)
class Publisher:
    """`services.comms.Publisher` for the status page."""

    page: StatusPage
    publication: Publication
    next_update_at: datetime | None

    def record(self, tx: Transaction, incident: Incident, text: CommsText) -> None:
        if incident.is_private:
            return  # Kept and posted in its own channel as before; never public.
        publishing.publish_in(sql_of(tx), incident, text, self.publication, self.next_update_at)

    def published(self) -> None:
        self.page.published()

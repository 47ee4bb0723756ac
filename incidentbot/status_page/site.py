"""The status page as the bot runs it: the form's part, publishing, and reading the page back."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidentbot.clock import Clock
from incidentbot.domain.comms import CommsText
from incidentbot.domain.models import Incident, Status
from incidentbot.rendering import Renderer
from incidentbot.services.ports import Store, Transaction
from incidentbot.status_page import files, form, overview, publishing
from incidentbot.status_page.export import ExportError, write_site
from incidentbot.status_page.model import Publication, StatusPageConfig
from incidentbot.status_page.store import sql_of

log = logging.getLogger(__name__)


CACHE_SECONDS = 60
"""A rendered page is reused while nothing was published and the minute has not changed."""
RECHECK = timedelta(seconds=1)
"""How long readers trust the rendering before asking the database whether another process
published since (a publication in this process is seen at once)."""


class _Rendered:
    """What the readers of one version of the page share: rendered once, read many times."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[object, ...] | None = None
        self.checked_at: datetime | None = None
        self.overview: overview.Overview | None = None
        self.files: dict[str, files.File] = {}


@dataclass(frozen=True)
class StatusPage:
    config: StatusPageConfig
    store: Store
    clock: Clock
    renderer: Renderer
    export_dir: Path | None = None
    _rendered: _Rendered = field(default_factory=_Rendered, compare=False, repr=False)

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

    def file(self, path: str) -> files.File | None:
        """The site's file at `path`, rendered once per version of what was published.

        A status page is read hardest when something is wrong: readers share one rendering
        instead of each reading every incident. The version is read from the database, so a
        publication through another process shows at once too.
        """
        cache = self._rendered
        now = self.clock.now()
        with cache.lock:
            if cache.key is None or cache.checked_at is None or now - cache.checked_at >= RECHECK:
                with self.store.transaction() as tx:
                    key = (*sql_of(tx).version(), int(now.timestamp()) // CACHE_SECONDS)
                cache.checked_at = now
                if cache.key != key or cache.overview is None:
                    cache.key, cache.overview, cache.files = key, self.overview(), {}
            assert cache.overview is not None
            if path in cache.files:
                return cache.files[path]
            found = files.one(cache.overview, path)
            if found is not None:  # Not the misses: any number of made-up paths would fill memory.
                cache.files[path] = found
            return found

    def published(self) -> None:
        """Show what was just published, and rewrite the static copy, when there is one.

        A failure writing the copy never loses the text: it is kept and shown under /status/.
        """
        with self._rendered.lock:  # after any rendering in progress, which may predate it
            self._rendered.key = None
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

"""The whole site as files: each path under `/status/` with its bytes and content type.

The bot serves these paths and the static export writes them, so both are the same site.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from incidentbot.status_page import api
from incidentbot.status_page import render_html as html
from incidentbot.status_page.model import PublicIncident
from incidentbot.status_page.overview import Overview

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
_INCIDENT_PAGE = re.compile(r"incidents/([a-z0-9]{1,16})\.html")


@dataclass(frozen=True)
class File:
    body: bytes
    content_type: str


def _json(render: Callable[[Overview], api.Json]) -> Callable[[Overview], File]:
    return lambda page: File(json.dumps(render(page), ensure_ascii=False).encode(), JSON)


FIXED: dict[str, Callable[[Overview], File]] = {
    "index.html": lambda page: File(html.index(page).encode(), HTML),
    "history.html": lambda page: File(html.history(page).encode(), HTML),
    "status.css": lambda _page: File(html.asset("status.css").encode(), "text/css; charset=utf-8"),
    "favicon.svg": lambda _page: File(html.asset("favicon.svg").encode(), "image/svg+xml"),
    "history.atom": lambda page: File(api.atom(page), "application/atom+xml; charset=utf-8"),
    "history.rss": lambda page: File(api.rss(page), "application/rss+xml; charset=utf-8"),
    "api/v2/summary.json": _json(api.summary),
    "api/v2/status.json": _json(api.status),
    "api/v2/components.json": _json(api.components),
    "api/v2/incidents.json": _json(api.incidents),
    "api/v2/incidents/unresolved.json": _json(api.unresolved),
}


def one(page: Overview, path: str) -> File | None:
    """The file at `path` (relative to the site's root), or None when there is none."""
    path = path or "index.html"
    if path in FIXED:
        return FIXED[path](page)
    match = _INCIDENT_PAGE.fullmatch(path)
    shown = next((i for i in page.history if match and i.id == match.group(1)), None)
    return File(html.incident(page, shown).encode(), HTML) if shown else None


def every(page: Overview) -> Iterator[tuple[str, File]]:
    yield from shared(page)
    for path, _, render in incident_pages(page):
        yield path, render()


def shared(page: Overview) -> Iterator[tuple[str, File]]:
    """The files that show every incident or the current state: any publication changes them."""
    for path, render in FIXED.items():
        yield path, render(page)


def incident_pages(page: Overview) -> Iterator[tuple[str, str, Callable[[], File]]]:
    """Each incident's page: its path, what it is rendered from (a digest), and how to render it.

    An incident page shows its incident and the page's settings alone, so the same digest means
    the same bytes (the templates are part of it: a new version of the bot renders again).
    """
    settings = page.config.model_dump_json() + html.templates_digest()
    known: _Digests = _DIGESTS_SEEN[0]
    digests: _Digests = {}
    for incident in page.history:
        digest = _digest(settings, incident, known)
        digests[id(incident)] = (settings, incident, digest)
        yield f"incidents/{incident.id}.html", digest, partial(_incident_page, page, incident)
    _DIGESTS_SEEN[0] = digests


_Digests = dict[int, tuple[str, PublicIncident, str]]
_DIGESTS_SEEN: list[_Digests] = [{}]
"""The digests of the last export, by incident object: readers keep the incidents that did not
change as the same objects (`site_cache.py`), so the next export needs only the new ones."""


def _digest(settings: str, incident: PublicIncident, known: _Digests) -> str:
    seen = known.get(id(incident))
    if seen is not None and seen[0] == settings and seen[1] is incident:
        return seen[2]
    return hashlib.sha256((settings + incident.model_dump_json()).encode()).hexdigest()


def _incident_page(page: Overview, incident: PublicIncident) -> File:
    return File(html.incident(page, incident).encode(), HTML)

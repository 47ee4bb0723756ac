"""Atlassian Statuspage's public API shapes (`/api/v2/*.json`) and the history feeds (Atom, RSS).

Field names and enums are Statuspage's, so the tools that poll those pages read this one too.
Only published incidents appear, and of them only what was published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from incidentbot.status_page.model import ComponentState, PublicIncident, component_key, worst
from incidentbot.status_page.overview import ComponentView, Overview

Json = dict[str, Any]
RECENT_INCIDENTS = 50
"""incidents.json lists the 50 most recent incidents, as Statuspage does."""
ATOM = "http://www.w3.org/2005/Atom"


def timestamp(when: datetime | None) -> str | None:
    if when is None:
        return None
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def page_id(page: Overview) -> str:
    return component_key("page:" + page.config.title)


def page_json(page: Overview) -> Json:
    return {
        "id": page_id(page),
        "name": page.config.title,
        "url": page.config.url or "",
        "time_zone": page.config.time_zone,
        "updated_at": timestamp(page.updated_at),
    }


def status_json(page: Overview) -> Json:
    return {"indicator": page.indicator.value, "description": page.description}


def components_list(page: Overview) -> list[Json]:
    """Components, each group as a component of its own with `group: true`, as Statuspage lists them."""
    created = timestamp(min((i.created_at for i in page.history), default=page.now))
    listed: list[Json] = []
    groups: dict[str, Json] = {}
    for position, view in enumerate(page.components, start=1):
        group = view.component.group
        if group and group not in groups:
            groups[group] = _group(page, group, created, len(listed) + 1)
            listed.append(groups[group])
        listed.append(_component(page, view, created, position, groups.get(group or "")))
    return listed


def _component(
    page: Overview, view: ComponentView, created: str | None, position: int, group: Json | None
) -> Json:
    if group is not None:
        group["components"].append(view.component.key)
    return {
        "id": view.component.key,
        "name": view.component.name,
        "status": view.state.value,
        "created_at": created,
        "updated_at": timestamp(view.updated_at) or created,
        "position": position,
        "description": view.component.description,
        "showcase": True,
        "start_date": None,
        "group_id": group["id"] if group else None,
        "page_id": page_id(page),
        "group": False,
        "only_show_if_degraded": False,
    }


def _group(page: Overview, name: str, created: str | None, position: int) -> Json:
    members = [v for v in page.components if v.component.group == name]
    return {
        "id": component_key("group:" + name),
        "name": name,
        "status": worst([v.state for v in members]).value,
        "created_at": created,
        "updated_at": timestamp(max((v.updated_at for v in members if v.updated_at), default=None))
        or created,
        "position": position,
        "description": None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": page_id(page),
        "group": True,
        "only_show_if_degraded": False,
        "components": [],
    }


def incident_json(page: Overview, incident: PublicIncident) -> Json:
    by_name = {c.name: c for c in page.config.components}
    chronological = list(reversed(incident.updates))
    previous: dict[str, ComponentState] = {}
    updates: list[Json] = []
    for update in chronological:
        affected = [
            {
                "code": by_name[name].key,
                "name": name,
                "old_status": previous.get(name, ComponentState.OPERATIONAL).value,
                "new_status": state.value,
            }
            for name, state in update.components.items()
            if name in by_name and previous.get(name, ComponentState.OPERATIONAL) is not state
        ]
        previous = dict(update.components)
        updates.append(
            {
                "id": update.id,
                "status": update.stage.value,
                "body": update.body,
                "incident_id": incident.id,
                "created_at": timestamp(update.published_at),
                "updated_at": timestamp(update.updated_at),
                "display_at": timestamp(update.published_at),
                "affected_components": affected or None,
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            }
        )
    touched = {
        name
        for u in incident.updates
        for name, s in u.components.items()
        if s is not ComponentState.OPERATIONAL
    }
    views = [v for v in page.components if v.component.name in touched]
    return {
        "id": incident.id,
        "name": incident.name,
        "status": incident.stage.value,
        "created_at": timestamp(incident.created_at),
        "updated_at": timestamp(incident.updated_at),
        "monitoring_at": timestamp(incident.monitoring_at),
        "resolved_at": timestamp(incident.resolved_at),
        "impact": incident.impact.value,
        "shortlink": _incident_url(page, incident),
        "started_at": timestamp(incident.created_at),
        "page_id": page_id(page),
        "incident_updates": list(reversed(updates)),
        "components": [
            _component(page, v, timestamp(incident.created_at), n, None) for n, v in enumerate(views, 1)
        ],
    }


def _incident_url(page: Overview, incident: PublicIncident) -> str:
    base = (page.config.url or "").rstrip("/")
    return f"{base}/incidents/{incident.id}.html" if base else f"incidents/{incident.id}.html"


def summary(page: Overview) -> Json:
    return {
        "page": page_json(page),
        "components": components_list(page),
        "incidents": [incident_json(page, i) for i in page.active],
        "scheduled_maintenances": [],
        "status": status_json(page),
    }


def status(page: Overview) -> Json:
    return {"page": page_json(page), "status": status_json(page)}


def components(page: Overview) -> Json:
    return {"page": page_json(page), "components": components_list(page)}


def incidents(page: Overview) -> Json:
    return {
        "page": page_json(page),
        "incidents": [incident_json(page, i) for i in page.history[:RECENT_INCIDENTS]],
    }


def unresolved(page: Overview) -> Json:
    return {"page": page_json(page), "incidents": [incident_json(page, i) for i in page.active]}


_TEXTS: dict[int, tuple[PublicIncident, str, str]] = {}
"""Feed texts by incident object: both feeds show each, and an incident that did not change is
the same object from one version of the page to the next (`site_cache.py`)."""
_TEXTS_KEPT = 20_000


def _text_of(incident: PublicIncident, page: Overview) -> str:
    """An incident's updates as plain text, newest first, for a feed entry."""
    seen = _TEXTS.get(id(incident))
    if seen is not None and seen[0] is incident and seen[1] == page.config.time_zone:
        return seen[2]
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    text = _written_text_of(incident, page)
    _TEXTS[id(incident)] = (incident, page.config.time_zone, text)
    return text


def _written_text_of(incident: PublicIncident, page: Overview) -> str:
    zone = page.config.zone
    lines = []
    for update in incident.updates:
        when = update.published_at.astimezone(zone).strftime("%d %b %Y %H:%M %Z")
        lines.append(f"{update.stage.value.capitalize()} ({when}): {update.body}")
        if update.next_update_at:
            lines.append(
                f"Next update by {update.next_update_at.astimezone(zone).strftime('%d %b %Y %H:%M %Z')}"
            )
    return "\n\n".join(lines)


def atom(page: Overview) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "en"})
    base = (page.config.url or "").rstrip("/")
    _sub(feed, "id", f"{base or 'urn:incidentbot:status'}/history.atom")
    _sub(feed, "title", f"{page.config.title} - Incident history")
    _sub(feed, "updated", timestamp(page.updated_at) or "")
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "alternate", "type": "text/html", "href": f"{base}/index.html" if base else "index.html"},
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", page.config.title)
    for incident in page.history:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "id", f"urn:incidentbot:incident:{incident.id}")
        _sub(entry, "title", incident.name)
        _sub(entry, "published", timestamp(incident.created_at) or "")
        _sub(entry, "updated", timestamp(incident.updated_at) or "")
        ET.SubElement(
            entry,
            f"{{{ATOM}}}link",
            {"rel": "alternate", "type": "text/html", "href": _incident_url(page, incident)},
        )
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "text"}).text = _text_of(incident, page)
    return _document(feed)


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def rss(page: Overview) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    base = (page.config.url or "").rstrip("/")
    ET.SubElement(channel, "title").text = f"{page.config.title} - Incident history"
    ET.SubElement(channel, "link").text = f"{base}/index.html" if base else "index.html"
    ET.SubElement(channel, "description").text = f"Incident history of {page.config.title}"
    ET.SubElement(channel, "language").text = "en"
    ET.SubElement(channel, "lastBuildDate").text = _rfc822(page.updated_at)
    for incident in page.history:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = incident.name
        ET.SubElement(item, "description").text = _text_of(incident, page)
        ET.SubElement(item, "pubDate").text = _rfc822(incident.created_at)
        ET.SubElement(item, "link").text = _incident_url(page, incident)
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = f"urn:incidentbot:incident:{incident.id}"
    return _document(root)


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _rfc822(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")

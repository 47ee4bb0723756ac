"""The scorecard as a Markdown file: printed by `python -m incidentbot drill report N`, and shared
in the drill's channel when the drill ends.

The share is an outbox row delivered in Slack's three steps (`slack/gateway_files.py`). The file
id of step one is committed before the bytes are sent, so a retried delivery, on this process or
another, completes that same upload rather than starting another; and one whose last step went
through before its process died finds the file in the channel and shares nothing more.
"""

from __future__ import annotations

from incidentbot.drills.ports import ScorecardFiles, Upload
from incidentbot.drills.scorecard import Scorecard, scorecard_of
from incidentbot.drills.sql_store import drills_of
from incidentbot.incident.models import Incident
from incidentbot.incident.policy import Policy
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete, keep_lease
from incidentbot.rendering.markdown import markdown_renderer, plain_renderer


def markdown(card: Scorecard, incident: Incident, policy: Policy) -> str:
    """The same text each time for an ended drill: times are written from the drill's own end."""
    now = card.drill.ended_at or card.drill.started_at
    text = markdown_renderer().render(
        "drills/scorecard.md.j2", card=card, incident=incident, policy=policy, now=now
    )
    return text + "\n"


def filename(incident: Incident) -> str:
    return f"drill-{incident.number}-scorecard.md"


def deliver_scorecard_file(services: Services, reminder: Reminder) -> None:
    files = services.workspace
    if not isinstance(files, ScorecardFiles):
        raise ReminderObsolete  # a workspace that cannot share files
    incident_id = reminder.subject_id or 0
    card = scorecard_of(services.store, incident_id)
    view = services.view_of(incident_id) if card is not None else None
    channel = view.incident.channel_id if view is not None else None
    if card is None or view is None or channel is None:
        raise ReminderObsolete
    content = markdown(card, view.incident, services.policy).encode("utf-8")
    with services.store.transaction() as tx:
        upload = drills_of(tx).scorecard_upload(incident_id)
    if upload is not None and files.file_shared(channel, upload.file_id):
        return  # completed before the process that did it could say so
    if upload is None:
        file_id, url = files.start_upload(filename(view.incident), len(content))
        upload = Upload(file_id, url)
        with services.store.transaction() as tx:
            drills_of(tx).remember_upload(incident_id, upload)
    keep_lease(services, reminder)
    if not files.send_upload(upload.upload_url, content):
        # The URL is spent or has expired: the next try starts a new upload.
        with services.store.transaction() as tx:
            drills_of(tx).remember_upload(incident_id, None)
        raise SlackUnavailable("file upload: the upload URL was refused")
    keep_lease(services, reminder)
    words = plain_renderer().render("drills/scorecard_file.j2", incident=view.incident)
    title, _, comment = words.partition("\n")
    files.complete_upload(upload.file_id, title.strip(), channel, comment.strip())

"""Build the running bot from settings. Nothing here runs at import time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from slack_bolt import App
from sqlalchemy import Engine

from incidentbot.alerts import register as alerts_rows
from incidentbot.alerts import slack_triage
from incidentbot.alerts.intake import AlertIntake
from incidentbot.alerts.slack_team import WorkspaceTeam
from incidentbot.alerts.sql_handlers import RECEIVE_ALERTS
from incidentbot.cadence import register as cadence
from incidentbot.changes import register as changes
from incidentbot.clock import Clock, SystemClock
from incidentbot.config import Settings, TeamConfig
from incidentbot.declare import register as declare
from incidentbot.drills import deliver as drills
from incidentbot.drills.marking import DrillChannels
from incidentbot.handoff import deliver as handoff
from incidentbot.kernel.context import Services
from incidentbot.kernel.registry import Registry
from incidentbot.rendering import Renderer
from incidentbot.roles import register as roles
from incidentbot.slack.ack_first import AckFirst
from incidentbot.slack.app import build_app
from incidentbot.slack.drill_marking import MarkingWorkspace
from incidentbot.slack.gateway import make_client
from incidentbot.slack.listeners.deps import Deps
from incidentbot.status_page import register as status_page_rows
from incidentbot.status_page import wiring_subscribers
from incidentbot.status_page.notify import Subscriptions
from incidentbot.status_page.render_site import StatusPage
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.journal import BatchingJournal
from incidentbot.store.sql import SqlStore
from incidentbot.timeline import register as timeline
from incidentbot.webhooks import register as webhooks_rows
from incidentbot.webhooks.dispatch import Dispatcher
from incidentbot.webhooks.model import WebhookEndpoint
from incidentbot.webhooks.sql_webhooks import deliveries_in
from incidentbot.wrap_up import register as wrap_up

BACKGROUND_THREADS = 4
ALERT_THREADS = 1
"""Applying received alerts and posting their triage messages, paced per channel: a pool of its own,
so an alert storm never keeps people's requests waiting for a thread. One is enough: it applies
every alert waiting in one transaction (`alerts/applying.py`)."""
MODAL_THREADS = 4
FEATURES = (declare, roles, changes, cadence, timeline, wrap_up, handoff, alerts_rows, drills)
"""Each registers the kinds of row it handles (`<feature>/register.py`, the hand-over's `deliver.py`)."""


def build_registry(
    status_page: StatusPage | None = None,
    subscriptions: Subscriptions | None = None,
    webhooks: Sequence[WebhookEndpoint] = (),
    webhook_retention: timedelta = webhooks_rows.DEFAULT_RETENTION,
) -> Registry:
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    # The status page publishes through the page it serves, so it is handed that page.
    status_page_rows.register(registry, status_page, subscriptions)
    webhooks_rows.register(registry, webhooks, webhook_retention)
    return registry


@dataclass
class Bot:
    settings: Settings
    engine: Engine
    journal: BatchingJournal
    alert_journal: BatchingJournal
    """The alert intake's own writer (`build_bot`)."""
    deps: Deps
    app: App
    alerts: AlertIntake
    alert_pool: ThreadPoolExecutor
    subscriptions: Subscriptions | None = None
    webhooks: Dispatcher | None = None
    """Delivers the outgoing webhooks, when the team config lists any (`main.py` starts it)."""

    @property
    def services(self) -> Services:
        return self.deps.services

    def close(self) -> None:
        if self.webhooks is not None:
            self.webhooks.stop()
        self.deps.modals.shutdown(wait=True)
        self.deps.background.shutdown(wait=True)
        self.alert_pool.shutdown(wait=True)
        self.journal.close()
        self.alert_journal.close()
        self.engine.dispose()


def build_bot(settings: Settings, team: TeamConfig, *, clock: Clock | None = None) -> Bot:
    engine = make_engine(settings.database_url)
    migrate(engine)
    renderer = Renderer()
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    ack_first = AckFirst()
    workspace = MarkingWorkspace(
        client, renderer, reaction=team.timeline_reaction, before_call=ack_first.give_way
    )
    journal = BatchingJournal(engine)
    store, the_clock = SqlStore(engine), clock or SystemClock()
    workspace.is_drill_channel = drill_channels = DrillChannels(store)
    workspace.channel_created = drill_channels.created
    status_page = _status_page(settings, team, store, the_clock, renderer)
    subscriptions = wiring_subscribers.subscriptions(settings, team.status_page, store, the_clock)
    registry = build_registry(
        status_page,
        subscriptions,
        team.webhooks,
        timedelta(days=settings.webhook_deliveries_retention_days),
    )
    services = Services(
        store=store,
        workspace=workspace,
        policy=team.policy,
        clock=the_clock,
        channel_prefix=team.channel_prefix,
        announcement_channel=team.announcement_channel,
        stakeholder_channel=team.stakeholder_channel,
        journal=journal,
        handlers=registry,
        timed_kinds=registry.timed_kinds,
        subscribers=registry.subscribers,
        status_page=team.status_page,
        view_parts=registry.view_parts,
        sweeps=registry.sweeps,
        messages=registry.build_messages(workspace, renderer),
    )
    deps = Deps(
        services=services,
        workspace=workspace,
        renderer=renderer,
        team=team,
        background=ThreadPoolExecutor(BACKGROUND_THREADS, thread_name_prefix="after-ack"),
        # A trigger_id dies 3 s after the click: opening modals counts as answering.
        modals=ThreadPoolExecutor(
            MODAL_THREADS, thread_name_prefix="modals", initializer=ack_first.mark_foreground
        ),
        ack_first=ack_first,
        status_page=status_page,
    )
    if subscriptions is not None:
        subscriptions.deliver = wiring_subscribers.sender(services, deps.background)
    app = build_app(deps, client, settings.slack_signing_secret)
    alert_pool = ThreadPoolExecutor(
        ALERT_THREADS, thread_name_prefix="alerts", initializer=slack_triage.mark_applying_thread
    )
    # The alert intake's own journal writer writes what is waiting at once: at 100 alerts a second
    # a row comes every 10 ms, and the gathering that lets a burst of Slack's requests share
    # commits would hold every alert for the whole gather time, in commits of a row or two.
    alert_journal = BatchingJournal(engine, gather_seconds=0.0)
    alerts = AlertIntake(
        replace(services, journal=alert_journal),
        team.alerts,
        settings.alert_intake_token,
        RECEIVE_ALERTS,
        alert_pool.submit,
        renderer.label,
        team_id=WorkspaceTeam(client),
    )
    return Bot(
        settings=settings,
        engine=engine,
        journal=journal,
        deps=deps,
        app=app,
        alert_journal=alert_journal,
        alerts=alerts,
        alert_pool=alert_pool,
        subscriptions=subscriptions,
        webhooks=_webhooks(team, store, the_clock),
    )


def _webhooks(team: TeamConfig, store: SqlStore, clock: Clock) -> Dispatcher | None:
    if not team.webhooks:
        return None
    return Dispatcher(
        lambda: deliveries_in(store), team.webhooks, clock, worker=f"webhooks:{uuid.uuid4().hex}"
    )


def _status_page(
    settings: Settings, team: TeamConfig, store: SqlStore, clock: Clock, renderer: Renderer
) -> StatusPage | None:
    if not team.status_page.enabled:
        return None
    export_dir = Path(settings.status_page_dir) if settings.status_page_dir else None
    return StatusPage(team.status_page, store, clock, renderer, export_dir)

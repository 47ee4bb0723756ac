"""Build the running bot from settings. Nothing here runs at import time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from slack_bolt import App
from sqlalchemy import Engine

from incidentbot.clock import Clock, SystemClock
from incidentbot.config import Settings, TeamConfig
from incidentbot.rendering import Renderer
from incidentbot.services.context import Services
from incidentbot.slack.ack_first import AckFirst
from incidentbot.slack.app import build_app
from incidentbot.slack.gateway import SlackWorkspace, make_client
from incidentbot.slack.listeners.deps import Deps
from incidentbot.status_page.site import StatusPage
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.journal import BatchingJournal
from incidentbot.store.sql import SqlStore

BACKGROUND_THREADS = 4
MODAL_THREADS = 4


@dataclass
class Bot:
    settings: Settings
    engine: Engine
    journal: BatchingJournal
    deps: Deps
    app: App

    @property
    def services(self) -> Services:
        return self.deps.services

    def close(self) -> None:
        self.deps.modals.shutdown(wait=True)
        self.deps.background.shutdown(wait=True)
        self.journal.close()
        self.engine.dispose()


def build_bot(settings: Settings, team: TeamConfig, *, clock: Clock | None = None) -> Bot:
    engine = make_engine(settings.database_url)
    migrate(engine)
    renderer = Renderer()
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    ack_first = AckFirst()
    workspace = SlackWorkspace(
        client, renderer, reaction=team.timeline_reaction, before_call=ack_first.give_way
    )
    journal = BatchingJournal(engine)
    services = Services(
        store=SqlStore(engine),
        workspace=workspace,
        policy=team.policy,
        clock=clock or SystemClock(),
        channel_prefix=team.channel_prefix,
        announcement_channel=team.announcement_channel,
        journal=journal,
        status_page=team.status_page,
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
        status_page=_status_page(settings, team, services, renderer),
    )
    app = build_app(deps, client, settings.slack_signing_secret)
    return Bot(settings=settings, engine=engine, journal=journal, deps=deps, app=app)


def _status_page(
    settings: Settings, team: TeamConfig, services: Services, renderer: Renderer
) -> StatusPage | None:
    if not team.status_page.enabled:
        return None
    export_dir = Path(settings.status_page_dir) if settings.status_page_dir else None
    return StatusPage(team.status_page, services.store, services.clock, renderer, export_dir)

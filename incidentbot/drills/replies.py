"""Replies to injects: a person's message in a drill channel, kept when it answers an inject.

A message answers an inject that needs a reply when it is in that inject's thread, or when its
author holds, as they write it, a role one of the delivered injects asked a reply from (the
latest such inject). Only who, when and where is kept, never the words; a message that answers
nothing, or comes before the drill starts or after it ends, is not kept at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.drills import kinds
from incidentbot.drills.ports import DrillInject, Reply
from incidentbot.drills.scenario import Artifact
from incidentbot.drills.sql_store import drills_of
from incidentbot.incident.models import Role, RoleAssignment
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.unit_of_work import UnitOfWork


class RecordReply(Command):
    """A person's message in a drill channel, as the Events API delivered it (without its words)."""

    kind: ClassVar[str] = kinds.REPLY
    channel_id: str
    ts: str
    thread_ts: str | None = None


def record(uow: UnitOfWork, asked: RecordReply) -> Reply | None:
    incident = uow.tx.incident_by_channel(asked.channel_id)
    if incident is None or not incident.drill:
        return None
    records = drills_of(uow.tx)
    run = records.run(incident.id)
    at = asked.received_at or uow.now
    if run is None or (run.ended_at is not None and run.ended_at <= at):
        return None  # a message written after the end; one journalled before it still counts
    asking = [
        inject
        for inject in records.injects(incident.id)
        if inject.delivered_at is not None and inject.delivered_at <= at and reply_roles(inject)
    ]
    inject = answered(asking, asked, held_at(uow.tx.role_history(incident.id), asked.user_id, at))
    if inject is None:
        return None
    reply = Reply(inject.id, asked.user_id, asked.ts, asked.thread_ts, at)
    return reply if records.add_reply(incident.id, reply) else None


RECORD = CommandHandler(RecordReply, record, tells_the_actor=False)


def reply_roles(inject: DrillInject) -> set[Role]:
    return {r.role for r in inject.requires if r.artifact is Artifact.REPLY and r.role is not None}


def held_at(history: list[RoleAssignment], user_id: str, at: datetime) -> set[Role]:
    """The roles `user_id` held at `at`."""
    return {
        a.role
        for a in history
        if a.user_id == user_id and a.started_at <= at and (a.ended_at is None or a.ended_at > at)
    }


def answered(asking: list[DrillInject], asked: RecordReply, roles: set[Role]) -> DrillInject | None:
    """The inject a message answers: the one whose thread it is in, else the latest one asking a
    reply from a role its author holds."""
    if asked.thread_ts is not None:
        in_thread = next((i for i in asking if i.message_ts == asked.thread_ts), None)
        if in_thread is not None:
            return in_thread
    mine = [inject for inject in asking if reply_roles(inject) & roles]
    return mine[-1] if mine else None

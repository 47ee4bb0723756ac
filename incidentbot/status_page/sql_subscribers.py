"""SQL for subscribers: the form's changes, the fan-out of an update, and each notification."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.status_page import sql_form_uses as form_uses
from incidentbot.status_page.rate_limit import Limit
from incidentbot.status_page.sql_subscriber_tables import status_page_deliveries, status_page_subscribers
from incidentbot.status_page.sql_tables import status_page_incidents, status_page_updates
from incidentbot.status_page.subscribers import (
    BOUNCES_TO_SUSPEND,
    Channel,
    Request,
    State,
    hashed,
    hears_of,
    new_token,
)
from incidentbot.store.rows import dialect_insert
from incidentbot.store.tables import reminders

subs, deliveries = status_page_subscribers, status_page_deliveries
OPERATIONAL = "operational"


def sql_of(tx: object) -> SubscriberSql:
    connection = getattr(tx, "db", None)
    if not isinstance(connection, Connection):
        raise TypeError(f"subscribers need a SQL transaction, not {type(tx).__name__}")
    return SubscriberSql(connection)


@dataclass(frozen=True)
class Subscriber:
    id: int
    channel: Channel
    address: str
    components: tuple[str, ...] | None
    state: State
    unsubscribe_token: str
    created_at: datetime
    confirmed_at: datetime | None
    bounces: int = 0


@dataclass(frozen=True)
class Owed:
    """The rows a fan-out owes: a row per webhook post, a row per batch of mails."""

    notify: str
    mail_batch: str
    mail_batch_size: int
    component: str
    """A webhook post per component whose state the update changed."""


@dataclass(frozen=True)
class Notice:
    """One notification owed: to whom, and the update as published."""

    delivery_id: int
    subscriber: Subscriber
    done: bool
    incident_public_id: str
    incident_name: str
    update_public_id: str
    stage: str
    impact: str
    body: str
    next_update_at: datetime | None
    components: dict[str, str]
    published_at: datetime


class SubscriberSql:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def subscribe(self, request: Request, now: datetime) -> tuple[int, str | None]:
        """The subscriber's id and the confirmation token to mail, None when the address is
        confirmed already.

        Asking again for an unconfirmed (or suspended) address sends a new link, and the links
        mailed before stop working; the answer on the page is the same either way.
        """
        token = new_token()
        # A webhook receiver cannot follow a link; it is confirmed at once (a 410 ends it).
        webhook = request.channel is Channel.WEBHOOK
        first_state = State.CONFIRMED if webhook else State.PENDING
        same = select(subs.c.id, subs.c.state).where(
            subs.c.channel == request.channel.value, subs.c.address == request.address
        )
        found = self.db.execute(same).one_or_none()
        values: dict[str, Any] = {
            "components": list(request.components) if request.components is not None else None,
            "confirm_hash": None if webhook else hashed(token),
        }
        if found is None:
            added = self.db.execute(
                dialect_insert(self.db)(subs)
                .values(
                    channel=request.channel.value,
                    address=request.address,
                    state=first_state.value,
                    unsubscribe_token=new_token(),
                    bounces=0,
                    created_at=now,
                    confirmed_at=now if webhook else None,
                    **values,
                )
                # Another replica may be adding the same address: then this one is updated below.
                .on_conflict_do_nothing(index_elements=["channel", "address"])
                .returning(subs.c.id)
            ).scalar_one_or_none()
            if added is not None:
                return int(added), token
            found = self.db.execute(same).one()
        if found.state == State.CONFIRMED.value:
            return int(found.id), None
        self.db.execute(
            update(subs).where(subs.c.id == found.id).values(state=first_state.value, bounces=0, **values)
        )
        return int(found.id), token

    def awaiting_confirmation(self, subscriber_id: int, token: str) -> Subscriber | None:
        """The subscriber, if it still waits for the link with this token (the latest it asked for)."""
        row = self.db.execute(
            select(subs).where(
                subs.c.id == subscriber_id,
                subs.c.state == State.PENDING.value,
                subs.c.confirm_hash == hashed(token),
            )
        ).one_or_none()
        return _subscriber(row) if row else None

    def forget_link(self, row_id: int) -> None:
        """Erase the token from the outbox row that mailed it: once sent, only the mail holds it."""
        self.db.execute(update(reminders).where(reminders.c.id == row_id).values(payload=None))

    def count_form_use(self, limits: Sequence[Limit], now: datetime) -> bool:
        """Count one use of the form against each limit; False (nothing counted) when one is used up."""
        return form_uses.take(self.db, limits, now)

    def sweep_form_uses(self, now: datetime, batch: int) -> int:
        return form_uses.sweep(self.db, now, batch)

    def confirm(self, token: str, now: datetime) -> bool:
        done = self.db.execute(
            update(subs)
            .where(subs.c.confirm_hash == hashed(token), subs.c.state == State.PENDING.value)
            .values(state=State.CONFIRMED.value, confirm_hash=None, confirmed_at=now, bounces=0)
        )
        return done.rowcount == 1

    def unsubscribe(self, token: str) -> bool:
        return self.db.execute(delete(subs).where(subs.c.unsubscribe_token == token)).rowcount == 1

    def remove(self, id_or_address: str) -> int:
        which = (
            subs.c.id == int(id_or_address) if id_or_address.isdigit() else subs.c.address == id_or_address
        )
        return self.db.execute(delete(subs).where(which)).rowcount

    def all(self) -> list[Subscriber]:
        return [_subscriber(row) for row in self.db.execute(select(subs).order_by(subs.c.id))]

    def update_of_text(self, comms_text_id: int) -> tuple[int, int] | None:
        """The published update (its row id) and incident of a customer text, if it was published."""
        row = self.db.execute(
            select(status_page_updates.c.id, status_page_updates.c.incident_id).where(
                status_page_updates.c.comms_text_id == comms_text_id
            )
        ).one_or_none()
        return (row.id, row.incident_id) if row else None

    def fan_out(self, update_id: int, after: int, limit: int, owed: Owed, now: datetime) -> int | None:
        """Owe the update to the next `limit` confirmed subscribers after id `after`.

        Returns the last subscriber id looked at, None when there were none left. A subscriber
        already owed this update is skipped, so running this again after a crash doubles nothing.
        """
        incident_id = self.db.execute(
            select(status_page_updates.c.incident_id).where(status_page_updates.c.id == update_id)
        ).scalar_one()
        affected = self._affected(incident_id)
        batch = self.db.execute(
            select(subs.c.id, subs.c.channel, subs.c.components)
            .where(subs.c.state == State.CONFIRMED.value, subs.c.id > after)
            .order_by(subs.c.id)
            .limit(limit)
        ).all()
        if not batch:
            return None
        already = {
            row.subscriber_id
            for row in self.db.execute(
                select(deliveries.c.subscriber_id).where(
                    deliveries.c.update_id == update_id,
                    deliveries.c.subscriber_id.in_([row.id for row in batch]),
                )
            )
        }
        chosen = [row for row in batch if row.id not in already and hears_of(row.components, affected)]
        mail = self._owe(update_id, [row.id for row in chosen if row.channel == Channel.EMAIL.value], now)
        hooks = [row for row in chosen if row.channel != Channel.EMAIL.value]
        posts = self._owe(update_id, [row.id for row in hooks], now)
        size, ids = owed.mail_batch_size, list(mail.values())
        rows: list[tuple[str, int, str | None]] = [
            (owed.mail_batch, ids[n], json.dumps(ids[n : n + size])) for n in range(0, len(ids), size)
        ]
        changes = self.component_changes(update_id) if hooks else []
        for row in hooks:
            rows.append((owed.notify, posts[row.id], None))
            rows += [
                (owed.component, posts[row.id], json.dumps(change))
                for change in changes
                if hears_of(row.components, [change["name"]])
            ]
        if rows:
            self.db.execute(
                insert(reminders),
                [
                    {
                        "kind": kind,
                        "incident_id": incident_id,
                        "subject_id": subject_id,
                        "due_at": now,
                        "state": ReminderState.PENDING.value,
                        "attempts": 0,
                        "payload": payload,
                    }
                    for kind, subject_id, payload in rows
                ],
            )
        return int(batch[-1].id)

    def component_changes(self, update_id: int) -> list[dict[str, str]]:
        """Each component whose state the update changed from the incident's update before it
        (from operational, for its first), by name."""
        row = self.db.execute(
            select(status_page_updates.c.incident_id, status_page_updates.c.components).where(
                status_page_updates.c.id == update_id
            )
        ).one()
        before = (
            self.db.execute(
                select(status_page_updates.c.components)
                .where(
                    status_page_updates.c.incident_id == row.incident_id, status_page_updates.c.id < update_id
                )
                .order_by(status_page_updates.c.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            or {}
        )
        now = dict(row.components)
        return [
            {"name": name, "old_status": old, "new_status": new}
            for name in sorted(set(now) | set(before))
            if (old := before.get(name, OPERATIONAL)) != (new := now.get(name, OPERATIONAL))
        ]

    def _owe(self, update_id: int, subscriber_ids: list[int], now: datetime) -> dict[int, int]:
        """The delivery rows owed to these subscribers: each one's row id, in the order of the rows."""
        if not subscriber_ids:
            return {}
        self.db.execute(
            insert(deliveries),
            [
                {"update_id": update_id, "subscriber_id": sid, "state": "pending", "created_at": now}
                for sid in subscriber_ids
            ],
        )
        found = self.db.execute(
            select(deliveries.c.id, deliveries.c.subscriber_id)
            .where(deliveries.c.update_id == update_id, deliveries.c.subscriber_id.in_(subscriber_ids))
            .order_by(deliveries.c.id)
        )
        return {int(row.subscriber_id): int(row.id) for row in found}

    def _affected(self, incident_id: int) -> set[str]:
        """Every component any update of the incident showed as not operational."""
        found: set[str] = set()
        for (components,) in self.db.execute(
            select(status_page_updates.c.components).where(status_page_updates.c.incident_id == incident_id)
        ):
            found.update(name for name, state in components.items() if state != "operational")
        return found

    def notice(self, delivery_id: int) -> Notice | None:
        found = self.notices([delivery_id])
        return found[0] if found else None

    def notices(self, delivery_ids: list[int]) -> list[Notice]:
        """The notices of these delivery rows that still exist, in the order of their ids."""
        rows = self.db.execute(
            select(
                deliveries.c.id.label("delivery_id"),
                deliveries.c.state.label("delivery_state"),
                subs,
                status_page_incidents.c.public_id.label("incident_public_id"),
                status_page_incidents.c.name.label("incident_name"),
                status_page_updates.c.public_id.label("update_public_id"),
                status_page_updates.c.stage.label("stage"),
                status_page_incidents.c.impact.label("impact"),
                status_page_updates.c.body,
                status_page_updates.c.next_update_at,
                status_page_updates.c.components.label("update_components"),
                status_page_updates.c.published_at,
            )
            .join(subs, subs.c.id == deliveries.c.subscriber_id)
            .join(status_page_updates, status_page_updates.c.id == deliveries.c.update_id)
            .join(
                status_page_incidents,
                status_page_incidents.c.incident_id == status_page_updates.c.incident_id,
            )
            .where(deliveries.c.id.in_(delivery_ids))
            .order_by(deliveries.c.id)
        ).all()
        return [_notice(row) for row in rows]

    def mark(self, delivery_id: int, state: str, now: datetime) -> None:
        self.db.execute(
            update(deliveries).where(deliveries.c.id == delivery_id).values(state=state, sent_at=now)
        )

    def delivered_to(self, subscriber_id: int) -> None:
        """A mail was taken: the bounces counted so far were not the address's fault."""
        self.db.execute(update(subs).where(subs.c.id == subscriber_id, subs.c.bounces > 0).values(bounces=0))

    def bounced(self, subscriber_id: int) -> bool:
        """Count a permanent refusal; True when the subscriber is suspended by it."""
        self.db.execute(update(subs).where(subs.c.id == subscriber_id).values(bounces=subs.c.bounces + 1))
        suspended = self.db.execute(
            update(subs)
            .where(
                subs.c.id == subscriber_id,
                subs.c.bounces >= BOUNCES_TO_SUSPEND,
                subs.c.state == State.CONFIRMED.value,
            )
            .values(state=State.SUSPENDED.value)
        )
        return suspended.rowcount == 1

    def pending_count(self) -> int:
        return len(self.db.execute(select(deliveries.c.id).where(deliveries.c.state == "pending")).all())


def _notice(row: Any) -> Notice:
    return Notice(
        delivery_id=row.delivery_id,
        subscriber=_subscriber(row),
        done=row.delivery_state != "pending",
        incident_public_id=row.incident_public_id,
        incident_name=row.incident_name,
        update_public_id=row.update_public_id,
        stage=row.stage,
        impact=row.impact,
        body=row.body,
        next_update_at=row.next_update_at,
        components=dict(row.update_components),
        published_at=row.published_at,
    )


def _subscriber(row: Any) -> Subscriber:
    components = row.components
    return Subscriber(
        id=row.id,
        channel=Channel(row.channel),
        address=row.address,
        components=tuple(components) if components is not None else None,
        state=State(row.state),
        unsubscribe_token=row.unsubscribe_token,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        bounces=row.bounces,
    )

"""The subscribe form's uses per key, shared by every replica: one row per client or address.

A submission locks the rows of its keys (in the order of the keys, so two submissions never wait
for each other in a circle), so two replicas counting the same key at once count one after the
other and a limit is never passed by a race. A key not seen before is inserted first, doing
nothing if another transaction inserted it meanwhile; on SQLite that insert takes the single
write lock, which orders the submissions the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from incidentbot.status_page.rate_limit import WINDOW, Limit, recent
from incidentbot.status_page.sql_subscriber_tables import status_page_form_uses as uses_table
from incidentbot.store.rows import delete_chosen, dialect_insert


def take(db: Connection, limits: Sequence[Limit], now: datetime, window: timedelta = WINDOW) -> bool:
    """Count one use of every key now; False, and nothing counted, when one has used up its window."""
    keys = sorted(limit.key for limit in limits)
    insert = dialect_insert(db)(uses_table).values(
        [{"key": key, "uses": [], "last_used": now} for key in keys]
    )
    db.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
    rows = db.execute(
        select(uses_table.c.key, uses_table.c.uses)
        .where(uses_table.c.key.in_(keys))
        .order_by(uses_table.c.key)
        .with_for_update()
    ).all()
    kept = {row.key: recent([datetime.fromisoformat(used) for used in row.uses], now, window) for row in rows}
    if any(len(kept[limit.key]) >= limit.limit for limit in limits):
        return False
    for key in keys:
        times = [*kept[key], now]
        db.execute(
            update(uses_table)
            .where(uses_table.c.key == key)
            .values(uses=[used.isoformat() for used in times], last_used=now)
        )
    return True


def sweep(db: Connection, now: datetime, batch: int, window: timedelta = WINDOW) -> int:
    """Delete up to `batch` keys not used for a whole window: they count nothing any more."""
    stale = select(uses_table.c.key).where(uses_table.c.last_used < now - window).limit(batch)
    return delete_chosen(db, uses_table.c.key, stale)

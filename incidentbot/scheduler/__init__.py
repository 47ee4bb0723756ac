"""APScheduler drives the reminder engine in-process; the database stays the source of truth."""

from incidentbot.scheduler.runner import ReminderScheduler, worker_name

__all__ = ["ReminderScheduler", "worker_name"]

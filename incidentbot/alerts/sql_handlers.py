"""The alert commands bound to the SQL store's repository of alert groups."""

from __future__ import annotations

from incidentbot.alerts import receive
from incidentbot.alerts.sql_alerts import SqlAlerts

RECEIVE_ALERTS = receive.handler(SqlAlerts)

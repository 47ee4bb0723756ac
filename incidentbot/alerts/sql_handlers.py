"""The alert commands bound to the SQL store's repository of alert groups."""

from __future__ import annotations

from incidentbot.alerts import declare, receive, triage
from incidentbot.alerts.sql_alerts import SqlAlerts

RECEIVE_ALERTS = receive.handler(SqlAlerts)
DISMISS_ALERTS = triage.dismiss_handler(SqlAlerts)
ATTACH_ALERTS = triage.attach_handler(SqlAlerts)
DECLARE_FROM_ALERT = declare.handler(SqlAlerts)

"""Alert intake: alerts from Alertmanager, Grafana and PagerDuty-style senders, triaged in Slack."""

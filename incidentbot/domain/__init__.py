"""The incident practice as plain Python: models, enums and rules. No Slack, SQL or templates here."""

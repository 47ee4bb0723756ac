"""incidentbot: a Slack incident bot that keeps the team's promises to the people waiting on them."""

__version__ = "0.1.0"

"""Outgoing webhooks: every incident event, signed, delivered in order to the team's endpoints."""

"""The incident's roles: commander, communications lead and scribe."""

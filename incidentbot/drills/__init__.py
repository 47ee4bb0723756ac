"""Tabletop drills: a scenario delivered in timed injects in a channel of its own, then scored."""

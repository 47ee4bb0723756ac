"""Bolt listeners, one module per kind: commands, views, actions, events, shortcuts."""

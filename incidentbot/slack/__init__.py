"""The Slack adapter: thin Bolt listeners, one Block Kit builder, and the Web API gateway."""

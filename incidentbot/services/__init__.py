"""Use cases: what people do with incidents, expressed against ports (no Slack, SQL or templates)."""

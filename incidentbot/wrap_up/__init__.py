"""Wrapping up: resolve, texts for other audiences, analysis, action items, postmortem, metrics."""

"""The ids every feature's forms share. Each feature declares its own action, callback and block
ids in its `slack_ids.py` (`timeline/slack_ids.py`): Bolt routes by them, so no two may be equal
(`tests/slack/test_interaction_ids.py`)."""

from __future__ import annotations

VALUE = "value"
"""The action_id of the single element inside every input block."""

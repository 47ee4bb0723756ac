"""Text every database stores alike: no control characters but tab and line breaks, no lone surrogates.

PostgreSQL refuses a NUL in text and any lone UTF-16 surrogate (which JSON can carry as
`"\\ud800"`); SQLite keeps both. Other C0 controls print as nothing or garble a terminal. Text
from Slack goes through `storable` once, where it enters, so both databases hold the same words.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` without NUL, the other C0 controls except tab, newline and carriage return, and surrogates."""
    return _UNSTORABLE.sub("", text)

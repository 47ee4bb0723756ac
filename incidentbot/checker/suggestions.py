"""System-framed rewrites for blame: what in the process let it happen, not who did it.

A finding quotes "<person> <verb> <object>"; where the verb says what kind of failure it was, the
suggestion reuses the object in a sentence about the system ("Priya pushed an untested config"
becomes "Our release process let an untested config reach production without a check that would
have caught it."). Where the shape gives nothing to reuse, the rule's general suggestion stands.
The sentences are in `templates/checker/findings.toml`.
"""

from __future__ import annotations

import re

from incidentbot.checker.messages import BLAME_REWRITE, BLAME_REWRITES

RELEASED = r"pushed|deployed|merged|shipped|released|rushed|applied|ran|run|approved|signed\s+off"
SKIPPED = (
    r"forgot\s+to|neglected\s+to|failed\s+to|did\s+not|didn['\u2019]t|never|should\s+have"
    r"|should['\u2019]ve"
)
UNNOTICED = r"ignored|missed|overlooked|skipped"
DESTROYED = r"deleted|dropped|wiped|removed|nuked|blew\s+away"
BROKEN = r"misconfigured|mis-configured|broke|took\s+down|brought\s+down"

SHAPE = re.compile(
    rf"\b(?:(?P<released>{RELEASED})|(?P<skipped>{SKIPPED})|(?P<unnoticed>{UNNOTICED})"
    rf"|(?P<destroyed>{DESTROYED})|(?P<broken>{BROKEN}))\b\s*(?P<object>[^.!?;,]*)",
    re.IGNORECASE,
)
TRAILING = re.compile(r"\s+(?:at|on|to|by|in|during|while|when|after|before)\s+.*$", re.IGNORECASE)
PRONOUN_OBJECT = re.compile(r"^(?:it|this|that|them|things)\b", re.IGNORECASE)

KINDS = ("released", "skipped", "unnoticed", "destroyed", "broken")


def system_framed(quoted: str) -> str | None:
    """A suggested rewrite for one blaming phrase, or None when its shape gives nothing to reuse."""
    found = SHAPE.search(quoted)
    kind = next((kind for kind in KINDS if found and found.group(kind)), None)
    if found is None or kind is None:
        return None
    target = TRAILING.sub("", found.group("object")).strip()
    if not target or PRONOUN_OBJECT.match(target) or len(target.split()) > 10:
        return None
    rewrite = BLAME_REWRITES[kind].format(object=target, Object=target[0].upper() + target[1:])
    return BLAME_REWRITE.format(rewrite=rewrite)

"""Compressed copies of the site's text files, and whether a reader takes one (RFC 9110 §12.5.3).

A status page is read hardest when something is wrong; its HTML, JSON and feeds shrink to a
fifth or less with gzip. Each copy is made once per file (as the file's other answers are), with
a fixed timestamp so the same file always compresses to the same bytes.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

COMPRESSED_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "application/json",
        "application/atom+xml",
        "application/rss+xml",
        "image/svg+xml",
    }
)
MIN_BYTES = 512
"""Smaller files go as they are: the header lines would be most of what is saved."""
LEVEL = 6
"""zlib's default: the larger levels cost far more time for a few bytes less."""


def gzipped(body: bytes, content_type: str) -> bytes | None:
    """The gzip copy of `body`, or None when it is not text, too small, or does not get smaller."""
    if content_type.split(";", 1)[0].strip().lower() not in COMPRESSED_TYPES or len(body) < MIN_BYTES:
        return None
    packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    return packed if len(packed) < len(body) else None


@lru_cache(maxsize=64)
def takes_gzip(accept_encoding: str | None) -> bool:
    """Whether a request with this `Accept-Encoding` takes a gzip body.

    No header means no preference, which RFC 9110 allows to be answered either way; the bot
    answers as it is (a reader that wants gzip says so, as every browser does). `gzip;q=0` (or
    `*;q=0` without gzip) refuses it; `identity` asked for with a higher weight than gzip wins.
    A weight that is not a number from 0 to 1 makes its entry count as refused.
    """
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for entry in accept_encoding.split(","):
        coding, _, parameters = entry.partition(";")
        coding = coding.strip().lower()
        if coding:
            weights.setdefault("gzip" if coding == "x-gzip" else coding, _weight(parameters))
    wanted = weights.get("gzip", weights.get("*", 0.0))
    identity = weights.get("identity")
    return wanted > 0 and (identity is None or wanted >= identity)


def _weight(parameters: str) -> float:
    """The `q` of one entry's parameters: 1 when absent, 0 when it is not a valid qvalue."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0

"""What each finding says: the problem in one sentence, and what to write instead.

The words live with every other word a person reads, in `templates/checker/findings.toml`
(shipped inside the package as `incidentbot.templates`). Read with the standard library's TOML
parser, so `python -m incidentbot lint` stays quick and the domain stays free of Jinja.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

FINDINGS_FILE = ("checker", "findings.toml")
SOURCE_FINDINGS = Path(__file__).resolve().parents[2] / "templates" / Path(*FINDINGS_FILE)


def _read() -> dict[str, dict[str, object]]:
    """The source checkout's file first, as the renderer does, else the installed package's."""
    if SOURCE_FINDINGS.is_file():
        text = SOURCE_FINDINGS.read_text(encoding="utf-8")
    else:
        text = resources.files("incidentbot.templates").joinpath(*FINDINGS_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


_WORDS = _read()


def message(rule: str) -> str:
    return str(_WORDS[rule]["message"])


def suggestion(rule: str) -> str:
    return str(_WORDS[rule]["suggestion"])


def _blame_rewrites() -> dict[str, str]:
    table = _WORDS["personal-blame"]["rewrites"]
    assert isinstance(table, dict), "[personal-blame.rewrites] is a table of sentences"
    return {str(kind): str(sentence) for kind, sentence in table.items()}


PERSONAL_BLAME_MESSAGE = message("personal-blame")
PERSONAL_BLAME_SUGGESTION = suggestion("personal-blame")
SPECULATION_MESSAGE = message("speculation")
SPECULATION_SUGGESTION = suggestion("speculation")
THIRD_PARTY_MESSAGE = message("third-party-blame")
THIRD_PARTY_SUGGESTION = suggestion("third-party-blame")
FIX_TIME_MESSAGE = message("fix-time-promise")
FIX_TIME_SUGGESTION = suggestion("fix-time-promise")
JARGON_MESSAGE = message("jargon")
JARGON_SUGGESTION = suggestion("jargon")
PERFORMATIVE_APOLOGY_MESSAGE = message("performative-apology")
PERFORMATIVE_APOLOGY_SUGGESTION = suggestion("performative-apology")
MINIMISING_MESSAGE = message("minimising")
MINIMISING_SUGGESTION = suggestion("minimising")
MISSING_NEXT_UPDATE_MESSAGE = message("missing-next-update")
MISSING_NEXT_UPDATE_SUGGESTION = suggestion("missing-next-update")
BLAME_REWRITE = str(_WORDS["personal-blame"]["rewrite"])
"""Wraps a system-framed rewrite: `{rewrite}` is one of `BLAME_REWRITES`."""
BLAME_REWRITES = _blame_rewrites()
"""Rewrites by the kind of failure the verb names, with `{object}` (`{Object}` capitalised)."""

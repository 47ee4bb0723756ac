"""What each finding says: the problem in one sentence, and what to write instead."""

from __future__ import annotations

PERSONAL_BLAME_MESSAGE = (
    "This points at a person as the cause, which teaches people to hide mistakes instead of surfacing them."
)
PERSONAL_BLAME_SUGGESTION = (
    "Describe the gap in the system that let it happen, e.g. 'the release checklist had no step "
    "for testing config changes'."
)
SPECULATION_MESSAGE = (
    "This guesses at the cause before it is confirmed, and a wrong guess costs more trust than "
    "saying you are still investigating."
)
SPECULATION_SUGGESTION = (
    "State only what is confirmed, e.g. 'We are still investigating the cause and will share it "
    "once we have confirmed it.'"
)
THIRD_PARTY_MESSAGE = "This blames a third party, which reads as deflection and may not be confirmed by them."
THIRD_PARTY_SUGGESTION = (
    "Describe what your users experience and what you are doing about it; name a provider only "
    "once they have confirmed the problem."
)
FIX_TIME_MESSAGE = "This promises when the fix will land; if it slips, every later update is believed less."
FIX_TIME_SUGGESTION = "Commit to the next update instead, e.g. 'We will post the next update by 15:00 UTC.'"
JARGON_MESSAGE = "Customers may not know this technical term."
JARGON_SUGGESTION = (
    "Say what users experience instead, e.g. 'some pages are loading slowly' or 'payments are "
    "failing for some customers'."
)
PERFORMATIVE_APOLOGY_MESSAGE = (
    "An apology for 'any inconvenience' reads as a formality and says nothing about the harm "
    "people actually had."
)
PERFORMATIVE_APOLOGY_SUGGESTION = (
    "Apologise once, for the specific impact, e.g. 'We know this kept you from sending invoices "
    "this morning, and we're sorry.'"
)
MINIMISING_MESSAGE = (
    "This plays down an impact that is real to the people it hit, and sounds like false calm."
)
MINIMISING_SUGGESTION = (
    "State the scope plainly, with a number if you have one, e.g. 'about 3% of sign-ins failed "
    "between 09:10 and 09:40 UTC'."
)
MISSING_NEXT_UPDATE_MESSAGE = (
    "This in-progress update does not say when the next one comes, so readers assume you went quiet."
)
MISSING_NEXT_UPDATE_SUGGESTION = (
    "End with a commitment, e.g. 'Next update by 15:30 UTC, even if nothing has changed.'"
)

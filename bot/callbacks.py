"""Button data: short versioned strings (`1:<kind>:<args>`), with the strict patterns handlers register with.

Anyone can send any callback data, so a handler only sees data that matched its pattern; everything else
(garbage, forged, or from an older version of the bot) lands in the "expired" fallback.
"""

from __future__ import annotations

import re

VERSION = "1"
_ID = r"([0-9]{1,18})"  # ASCII digits: `\d` would take any script's digits

QUEUE_TEXT = rf"^{VERSION}:q:{_ID}$"  # "not what I meant" / "none of these": queue that submission
# "not what I meant" under a similar pending claim: make the text a claim of its own
QUEUE_ALONE = rf"^{VERSION}:own:{_ID}$"
PICK = rf"^{VERSION}:pick:{_ID}:{_ID}$"  # a person chose a suggested claim
UNSUBSCRIBE = rf"^{VERSION}:unsub:{_ID}$"
LANGUAGE = rf"^{VERSION}:lang:([a-z]{{2}})$"
PAGE = rf"^{VERSION}:page:([0-9]{{1,9}})$"  # reviewers' queue, from this offset
CLAIM = rf"^{VERSION}:claim:{_ID}$"  # reviewers: open a claim's details


def queue_text(submission_id: int) -> str:
    return f"{VERSION}:q:{submission_id}"


def queue_alone(submission_id: int) -> str:
    return f"{VERSION}:own:{submission_id}"


def pick(submission_id: int, claim_id: int) -> str:
    return f"{VERSION}:pick:{submission_id}:{claim_id}"


def unsubscribe(claim_id: int) -> str:
    return f"{VERSION}:unsub:{claim_id}"


def language(code: str) -> str:
    return f"{VERSION}:lang:{code}"


def page(offset: int) -> str:
    return f"{VERSION}:page:{offset}"


def claim(claim_id: int) -> str:
    return f"{VERSION}:claim:{claim_id}"


_KNOWN = tuple(
    re.compile(pattern) for pattern in (QUEUE_TEXT, QUEUE_ALONE, PICK, UNSUBSCRIBE, LANGUAGE, PAGE, CLAIM)
)


def is_unknown(data: object) -> bool:
    """True for data no handler accepts; registered first, since PTB routes a query without data anywhere."""
    return not isinstance(data, str) or not any(pattern.match(data) for pattern in _KNOWN)

"""Reading command arguments: claim ids (`#12` or `12`), user ids, and the parts of `/verdict`."""

from __future__ import annotations

import re
from typing import NamedTuple

# ASCII digits only: `str.isdigit` and `\d` accept "²" or "١٢", which are not ids (and "²" breaks `int`).
_ID = re.compile(r"#?([0-9]{1,18})")
_USER_ID = re.compile(r"[0-9]{1,18}")
MAX_ID = 2**63 - 1


class VerdictArgs(NamedTuple):
    claim_id: int
    rating: str
    url: str
    summary: str | None


def claim_id(token: str | None) -> int | None:
    """A claim id written `#12` or `12`, or None when it is not one."""
    match = _ID.fullmatch((token or "").strip())
    value = int(match.group(1)) if match else 0
    return value if 0 < value <= MAX_ID else None


def user_id(token: str | None) -> int | None:
    """A Telegram user id (a positive integer), or None."""
    token = (token or "").strip()
    value = int(token) if _USER_ID.fullmatch(token) else 0
    return value if 0 < value <= MAX_ID else None


def rest(text: str | None, skip: int) -> str:
    """What follows the command and its first `skip` arguments, spacing and line breaks kept."""
    parts = (text or "").split(maxsplit=skip + 1)
    return parts[skip + 1].strip() if len(parts) > skip + 1 else ""


def verdict(text: str | None) -> VerdictArgs | None:
    """`/verdict ID RATING URL [summary…]`; the rating may be several words ("plutôt faux"), up to the URL."""
    words = (text or "").split()
    if len(words) < 4 or (cid := claim_id(words[1])) is None:
        return None
    url_at = next((i for i in range(3, len(words)) if "://" in words[i] or words[i].startswith("www.")), 3)
    summary = rest(text, url_at)
    return VerdictArgs(cid, " ".join(words[2:url_at]), words[url_at], summary or None)

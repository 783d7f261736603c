"""Small text helpers the store needs whatever the matcher does: sanitising and fingerprints."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def sanitize(text: str) -> str:
    """Text safe to store and show: control and bidi-override characters removed, line ends kept, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text).strip()


def fingerprint(text: str) -> str:
    """A key equal for texts that differ only in case, accents, punctuation and spacing."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return hashlib.sha1(" ".join(_WORD.findall(folded)).encode()).hexdigest()


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces."""
    if not url or any(ch.isspace() for ch in url) or len(url) > 2048:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)

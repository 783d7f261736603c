"""The canonical ratings, their synonyms (English and French) and mapping from publishers' textual ratings."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache


class Rating(StrEnum):
    TRUE = "true"
    MOSTLY_TRUE = "mostly-true"
    MIXED = "mixed"
    MISLEADING = "misleading"
    MOSTLY_FALSE = "mostly-false"
    FALSE = "false"
    UNPROVEN = "unproven"


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-’'.!]+", " ", folded).strip()


_SYNONYMS: dict[Rating, tuple[str, ...]] = {
    Rating.TRUE: (
        "true",
        "correct",
        "accurate",
        "vrai",
        "exact",
        "juste",
        "confirmed",
        "confirme",
        "verified",
    ),
    Rating.MOSTLY_TRUE: (
        "mostly true",
        "mostly-true",
        "largely true",
        "plutot vrai",
        "majoritairement vrai",
        "globalement vrai",
        "en grande partie vrai",
    ),
    Rating.MIXED: (
        "mixed",
        "mixture",
        "half true",
        "half-true",
        "partly true",
        "partially true",
        "mitige",
        "en partie vrai",
        "a moitie vrai",
        "moitie vrai",
        "nuance",
        "vrai mais",
        "partiellement vrai",
    ),
    Rating.MISLEADING: (
        "misleading",
        "missing context",
        "out of context",
        "trompeur",
        "hors contexte",
        "manque de contexte",
        "exagere",
        "exaggerated",
        "trompeuse",
        "deforme",
        "distorted",
    ),
    Rating.MOSTLY_FALSE: (
        "mostly false",
        "mostly-false",
        "largely false",
        "plutot faux",
        "majoritairement faux",
        "globalement faux",
        "en grande partie faux",
    ),
    Rating.FALSE: (
        "false",
        "fake",
        "incorrect",
        "wrong",
        "faux",
        "fausse",
        "infox",
        "intox",
        "pants on fire",
        "four pinocchios",
        "hoax",
        "canular",
        "fabricated",
        "invente",
        "scam",
        "arnaque",
        "inexact",
    ),
    Rating.UNPROVEN: (
        "unproven",
        "unverified",
        "unsupported",
        "no evidence",
        "non prouve",
        "invérifiable",
        "inverifiable",
        "non verifie",
        "non vérifié",
        "incertain",
        "unclear",
        "research in progress",
        "sans preuve",
        "pas de preuve",
        "unknown",
    ),
}

_LOOKUP: dict[str, Rating] = {}
for _rating, _words in _SYNONYMS.items():
    for _word in (_rating.value, *_words):
        _LOOKUP[_key(_word)] = _rating

# Ordinal position of each rating on a 1..5 truth scale, for `ratingValue` conversion.
_SCALE = (Rating.FALSE, Rating.MOSTLY_FALSE, Rating.MIXED, Rating.MOSTLY_TRUE, Rating.TRUE)


@lru_cache(maxsize=1024)
def parse_rating(text: str) -> Rating | None:
    """The canonical rating for a reviewer's word (English or French synonym), or None if unknown."""
    return _LOOKUP.get(_key(text)) if text else None


# Longest synonym first so "mostly false" wins over "false".
_PATTERNS = [
    (re.compile(rf"\b{re.escape(word)}\b"), rating)
    for word, rating in sorted(_LOOKUP.items(), key=lambda kv: -len(kv[0]))
]


@lru_cache(maxsize=4096)
def rating_from_textual(text: str | None) -> Rating | None:
    """Best-effort canonical rating for a publisher's free-text rating ("Pants on Fire!", "Faux").

    Cached: an import repeats the same few hundred textual ratings, and each miss tries every synonym."""
    if not text:
        return None
    exact = parse_rating(text)
    if exact is not None:
        return exact
    key = _key(text)
    for pattern, rating in _PATTERNS:
        if pattern.search(key):
            return rating
    return None


def rating_from_value(value: float, best: float = 5.0, worst: float = 1.0) -> Rating | None:
    """Canonical rating from schema.org `ratingValue` on a `worstRating`..`bestRating` scale."""
    if best == worst:
        return None
    position = (value - worst) / (best - worst)
    if not 0.0 <= position <= 1.0:
        return None
    return _SCALE[round(position * (len(_SCALE) - 1))]


def rating_to_value(rating: Rating) -> int | None:
    """The 1..5 `ratingValue` for a canonical rating, or None for ratings off the truth scale."""
    return _SCALE.index(rating) + 1 if rating in _SCALE else None

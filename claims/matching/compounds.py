"""Splitting glued words the index does not know into two it does: "pnbrock" → "pnb rock".

Handles and lower-case hashtags glue words together ("#daytonshooting", "@tedcruz"), and CamelCase splitting
cannot see inside them. A term no wording contains can only ever match by accident, so it is worth trying as
two known terms instead; the most frequent such pair is the likeliest reading (a classic hashtag segmenter's
rule, with the index itself as the vocabulary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from claims.matching.normalise import analyse

__all__ = ["split_unknown"]

# Shorter terms are rarely two words, and every part must be a real word rather than a stray syllable.
MIN_LENGTH = 6
MIN_PART = 3


def split_unknown(terms: Iterable[str], lang: str, doc_freq: Callable[[str], int]) -> list[str]:
    """For each alphabetic term of `terms` absent from the index, the two indexed terms it splits into best."""
    found: list[str] = []
    for term in dict.fromkeys(terms):
        if len(term) < MIN_LENGTH or not term.isalpha() or doc_freq(term) > 0:
            continue
        best: tuple[int, str, str] | None = None
        for cut in range(MIN_PART, len(term) - MIN_PART + 1):
            left, right = analyse(term[:cut], lang), analyse(term[cut:], lang)
            if len(left) != 1 or len(right) != 1:
                continue  # a stop word or nothing: not a split into two content words
            rarer = min(doc_freq(left[0]), doc_freq(right[0]))
            if rarer > 0 and (best is None or rarer > best[0]):
                best = (rarer, left[0], right[0])
        if best is not None:
            found += best[1:]
    return found

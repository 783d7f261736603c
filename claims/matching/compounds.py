"""Splitting glued words the index does not know into two it does: "pnbrock" → "pnb rock".

Handles and lower-case hashtags glue words together ("#daytonshooting", "@tedcruz"), and CamelCase splitting
cannot see inside them. A term no wording contains can only ever match by accident, so it is worth trying as
two known terms instead; the most frequent such pair is the likeliest reading (a classic hashtag segmenter's
rule, with the index itself as the vocabulary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from claims.matching.normalise import analyse

__all__ = ["GATE_LENGTH", "split_unknown"]

# Shorter terms are rarely two words, and every part must be a real word rather than a stray syllable.
MIN_LENGTH = 6
MIN_PART = 3
# A query term this long, unknown to the index, is worth looking for as written: the stem of a word of
# MIN_LENGTH letters or more keeps at least this many.
GATE_LENGTH = 4


def split_unknown(words: Iterable[str], lang: str, doc_freq: Callable[[str], int]) -> list[str]:
    """For each alphabetic word of `words` whose term is absent from the index, the two indexed terms it splits
    into best. Words as written (lowercased, not stemmed): a stem can end inside the second word, where no cut
    finds it ("cornflakes" stems to "cornflak", while "flakes" is indexed as "flake")."""
    found: list[str] = []
    for word in dict.fromkeys(words):
        if len(word) < MIN_LENGTH or not word.isalpha():
            continue
        whole = analyse(word, lang)
        if len(whole) != 1 or doc_freq(whole[0]) > 0:
            continue
        best: tuple[int, str, str] | None = None
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = analyse(word[:cut], lang), analyse(word[cut:], lang)
            if len(left) != 1 or len(right) != 1:
                continue  # a stop word or nothing: not a split into two content words
            rarer = min(doc_freq(left[0]), doc_freq(right[0]))
            if rarer > 0 and (best is None or rarer > best[0]):
                best = (rarer, left[0], right[0])
        if best is not None:
            found += best[1:]
    return found

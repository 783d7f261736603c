"""langdetect's detection of a text's language, with the same results and about twice as fast.

langdetect (`Detector.get_probabilities`) reads a text's character 1- to 3-grams, then averages a few random
walks: each multiplies the languages' probabilities by those of n-grams drawn at random, until one language
holds almost all of it. The walk is most of a detection's time, and it runs on every check in a match worker,
so it is written here again with the same arithmetic in the same order and the same random draws:
- the walk's six probabilities live in local variables instead of a list indexed in a loop;
- the n-grams are cut from the text in one pass over langdetect's normalised characters, and not by feeding its
  `NGram` buffer one character at a time. Each character is normalised once per process.

The results are the same floats as langdetect's, which `tests/test_matching_ngram_walk.py` checks. langdetect
still supplies the profiles, the text's preparation (`Detector.append`, `cleaning_text`), the normalisation
of characters and the constants. What this module does not handle goes to langdetect's own code: profile sets of
another size than six (the benchmark's 55) and texts whose normalised characters include capitals (langdetect
skips the n-grams of words in capitals, and texts arrive lowercased). `benchmarks/language_speed.py` times
the two side by side.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from langdetect import DetectorFactory, LangDetectException
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode
from langdetect.language import Language
from langdetect.utils.ngram import NGram

__all__ = ["WALKED_LANGUAGES", "langdetect_probabilities", "probabilities"]

# How many languages the unrolled walk holds (the matcher's detected set).
WALKED_LANGUAGES = 6
# Characters normalised so far (at most this many kept: a text of every Unicode character stays cheap to hold).
_MAX_NORMALISED = 20_000
_normalised: dict[str, str] = {}


def _normalise(text: str) -> str:
    """`text` with each character as langdetect's `NGram.normalize` makes it."""
    table = _normalised
    out = []
    for ch in text:
        normal = table.get(ch)
        if normal is None:
            normal = NGram.normalize(ch)
            if len(table) < _MAX_NORMALISED:
                table[ch] = normal
        out.append(normal)
    return "".join(out)


def _ngram_rows(text: str, profiles: dict[str, list[float]]) -> list[list[float]] | None:
    """The profile rows of `text`'s n-grams, in the order langdetect's `_extract_ngrams` lists the n-grams; None
    when the normalised text holds a capital (that case is left to langdetect).

    langdetect's buffer holds the last three characters of " " + word, then of " " + word + " " once a space
    follows; after each character it takes the buffer's last 1, 2 and 3 characters, skipping " " alone and
    what no profile knows."""
    normal = _normalise(text)
    if any(ch.isupper() for ch in normal):
        return None
    rows: list[list[float]] = []
    add = rows.append
    words = normal.split(" ")
    last = len(words) - 1
    for k, word in enumerate(words):
        if not word:
            continue
        padded = f" {word} " if k < last else f" {word}"
        for end in range(1, len(padded)):
            gram = padded[end]
            if gram != " " and gram in profiles:
                add(profiles[gram])
            gram = padded[end - 1 : end + 1]
            if gram in profiles:
                add(profiles[gram])
            if end >= 2:
                gram = padded[end - 2 : end + 1]
                if gram in profiles:
                    add(profiles[gram])
    return rows


def _walk(rows: Sequence[Sequence[float]], trials: int, rng: random.Random) -> list[float]:
    """langdetect's `_detect_block` loop for six languages: `trials` walks averaged. `rng._randbelow` is
    `getrandbits` drawn until below the count, inlined; `random.choice` draws the same way."""
    getrandbits = rng.getrandbits
    count = len(rows)
    bits = count.bit_length()
    converged, limit = Detector.CONV_THRESHOLD, Detector.ITERATION_LIMIT
    t0 = t1 = t2 = t3 = t4 = t5 = 0.0
    for _ in range(trials):
        p0 = p1 = p2 = p3 = p4 = p5 = 1.0 / 6
        alpha = Detector.ALPHA_DEFAULT + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        i = 0
        while True:
            r = getrandbits(bits)
            while r >= count:
                r = getrandbits(bits)
            x0, x1, x2, x3, x4, x5 = rows[r]
            p0 *= weight + x0
            p1 *= weight + x1
            p2 *= weight + x2
            p3 *= weight + x3
            p4 *= weight + x4
            p5 *= weight + x5
            if i % 5 == 0:
                total = p0 + p1 + p2 + p3 + p4 + p5  # what `sum` of the list adds, in that order
                p0 /= total
                p1 /= total
                p2 /= total
                p3 /= total
                p4 /= total
                p5 /= total
                if max(p0, p1, p2, p3, p4, p5) > converged or i >= limit:
                    break
            i += 1
        t0 += p0 / trials
        t1 += p1 / trials
        t2 += p2 / trials
        t3 += p3 / trials
        t4 += p4 / trials
        t5 += p5 / trials
    return [t0, t1, t2, t3, t4, t5]


def _detector(text: str, factory: DetectorFactory, trials: int, seed: int) -> Detector:
    """A langdetect detector holding `text`, set for `trials` walks from random `seed`."""
    detector = factory.create()
    detector.n_trial = trials
    detector.seed = seed
    detector.append(text)
    return detector


def langdetect_probabilities(
    text: str, factory: DetectorFactory, *, trials: int, seed: int = 0
) -> list[Language]:
    """langdetect's own answer, from its own walk: what `probabilities` computes faster."""
    return list(_detector(text, factory, trials, seed).get_probabilities())


def probabilities(text: str, factory: DetectorFactory, *, trials: int, seed: int = 0) -> list[Language]:
    """What `Detector.get_probabilities` answers for `text` with `factory`'s profiles, `trials` walks and
    random `seed`: languages above langdetect's threshold, likeliest first. Raises LangDetectException as it
    does (a text with no n-gram any profile knows)."""
    detector = _detector(text, factory, trials, seed)
    if len(factory.langlist) != WALKED_LANGUAGES:
        return list(detector.get_probabilities())
    detector.cleaning_text()  # as `_detect_block` does first (it is idempotent: the fallback does it again)
    rows = _ngram_rows(detector.text, factory.word_lang_prob_map)
    if rows is None:
        return list(detector.get_probabilities())
    if not rows:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    walked = _walk(rows, trials, random.Random(seed))  # seeded as `_detect_block` seeds its generator
    found = [
        Language(lang, p)
        for lang, p in zip(factory.langlist, walked, strict=True)
        if p > Detector.PROB_THRESHOLD
    ]
    found.sort(reverse=True)
    return found

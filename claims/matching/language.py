"""Language of a text: langdetect, made deterministic, trusted only on enough text.

langdetect samples at random: without a fixed seed the same message could be read as French one day and
Catalan the next, and so be stemmed differently. On a few words it is mostly wrong, so short text takes the
caller's hint (the person's Telegram language) instead.
"""

from __future__ import annotations

import re
import threading

from langdetect import DetectorFactory, LangDetectException
from langdetect import detector_factory as _langdetect

__all__ = ["MIN_DETECT_LETTERS", "MIN_DETECT_WORDS", "detect_language"]

MIN_DETECT_LETTERS = 20
MIN_DETECT_WORDS = 3
DEFAULT_LANGUAGE = "en"
# Below this probability the detector is guessing; the hint is a better bet.
_MIN_PROBABILITY = 0.5

_WORD = re.compile(r"[^\W\d_]+")
# langdetect's factory is a module global that loads its profiles lazily; two threads must not both load it.
_load_lock = threading.Lock()
DetectorFactory.seed = 0


def _factory() -> DetectorFactory:
    with _load_lock:
        _langdetect.init_factory()
    return _langdetect._factory


def _normalise_code(code: str) -> str:
    # langdetect answers "zh-cn"/"zh-tw"; the bot speaks ISO 639-1.
    return code.split("-", 1)[0].lower()


def detect_language(text: str, *, hint: str | None = None) -> str:
    """ISO 639-1 code of `text`; `hint` (else "en") when the text is too short or the detector is unsure."""
    fallback = _normalise_code(hint) if hint and hint.strip() else DEFAULT_LANGUAGE
    words = _WORD.findall(text)
    if len(words) < MIN_DETECT_WORDS or sum(len(w) for w in words) < MIN_DETECT_LETTERS:
        return fallback
    try:
        detector = _factory().create()
        # Each detector re-seeds its own generator from this: detection never depends on earlier calls.
        detector.seed = 0
        # Lowercased: langdetect reads an all-caps English rant as German.
        detector.append(text.lower())
        candidates = detector.get_probabilities()
    except LangDetectException:
        return fallback
    if not candidates or candidates[0].prob < _MIN_PROBABILITY:
        return fallback
    return _normalise_code(candidates[0].lang)

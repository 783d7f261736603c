"""Confidence scores and the tiers they earn."""

import pytest

from claims.matching import MatchConfig, Matcher, Tier, prepare_query
from tests.conftest import matcher_over

CLAIMS = [
    "Russia will send a North Korean cosmonaut into space next year",
    "The government will ban cash payments above 1,000 euros from January",
    "A photo shows sharks swimming on a flooded highway in Houston",
    "Eating garlic protects you against the coronavirus infection",
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return matcher_over(CLAIMS)


def test_a_tweet_repeating_a_claim_is_answered(matcher):
    query = prepare_query(
        "WOW!! Russia will send a North Korean cosmonaut into space next year, unbelievable "
        "https://t.co/abc — Some One (@someone) March 3, 2020"
    )
    hit = matcher.search(query)[0]
    assert hit.claim_id == 1
    assert hit.tier is Tier.ANSWER


def test_short_text_is_never_answered_even_when_it_matches(matcher):
    query = prepare_query("garlic coronavirus")
    hits = matcher.search(query)
    assert hits[0].claim_id == 4
    assert all(h.tier is not Tier.ANSWER for h in hits)


def test_unrelated_text_is_not_answered(matcher):
    hits = matcher.search(prepare_query("My cat likes to sleep on the warm laptop keyboard every afternoon"))
    assert all(h.tier is not Tier.ANSWER for h in hits)


def test_scores_are_confidences_in_the_unit_interval_best_first(matcher):
    hits = matcher.search(
        prepare_query("sharks swimming on the highway in Houston after the flood photo"), limit=4
    )
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_pairwise_score_agrees_with_search(matcher):
    query = prepare_query("Eating garlic protects you against the coronavirus infection, doctors say")
    assert matcher.score(query, CLAIMS[3]) > 0.8
    assert matcher.score(query, CLAIMS[0]) < 0.2
    assert matcher.score(query, "") == 0.0


def test_tier_rule_uses_both_thresholds_and_the_word_guard():
    m = Matcher(MatchConfig(answer_threshold=0.8, suggest_threshold=0.4, min_answer_words=4))
    long_query = prepare_query("one two three four five words here")
    short_query = prepare_query("two words")
    assert m.tier(0.9, long_query) is Tier.ANSWER
    assert m.tier(0.9, short_query) is Tier.SUGGEST
    assert m.tier(0.5, long_query) is Tier.SUGGEST
    assert m.tier(0.39, long_query) is Tier.NONE


def test_inconsistent_thresholds_are_rejected():
    with pytest.raises(ValueError):
        MatchConfig(answer_threshold=0.3, suggest_threshold=0.5)
    with pytest.raises(ValueError):
        MatchConfig(min_answer_words=0)


def test_tier_values_are_the_strings_other_code_stores():
    assert [t.value for t in Tier] == ["answer", "suggest", "none"]


def test_a_text_sharing_only_names_with_a_claim_is_suggested_not_answered():
    m = Matcher()
    m.add_many(
        [
            (1, 1, "Putin and Kim Jong-un met in Moscow", "en"),
            (2, 1, "The meeting took place at the Vostochny cosmodrome, not Moscow", "en"),
            (3, 2, "North Korea will send troops to fight in Ukraine", "en"),
            (4, 3, "Kim Jong-un said relations with Russia are North Korea's top priority", "en"),
            (5, 4, "Kim Jong-un travelled to Russia in an armoured train", "en"),
            (6, 5, "Kim Jong-un gave Vladimir Putin a tank as a present", "en"),
        ]
    )
    hits = m.search(prepare_query("Kim Jong-un brought his own toilet to the Vostochny cosmodrome"))
    assert hits[0].claim_id == 1
    assert hits[0].tier is Tier.SUGGEST


def test_the_coverage_guard_can_be_turned_off():
    m = Matcher(MatchConfig(min_answer_coverage=0.0))
    query = prepare_query("one two three four five words here")
    assert m.tier(0.99, query, coverage=0.1) is Tier.ANSWER
    assert Matcher().tier(0.99, query, coverage=0.1) is Tier.SUGGEST


def test_a_lone_hit_sharing_names_in_a_small_database_is_not_confident():
    # In fifteen claims the nearest one leads by far; its lead must not turn two shared names into certainty.
    m = Matcher()
    m.add_many(
        [
            (1, 1, "Putin and Kim Jong-un met in Moscow", "en"),
            (2, 1, "The meeting took place at the Vostochny cosmodrome, not Moscow", "en"),
            (3, 2, "Russia will send a North Korean cosmonaut into space", "en"),
            (4, 3, "The Kremlin officially announced a deal to buy weapons from North Korea", "en"),
        ]
    )
    hit = m.search(prepare_query("Kim Jong-un brought his own toilet to the Vostochny cosmodrome"))[0]
    assert hit.claim_id == 1
    assert hit.score < MatchConfig().answer_threshold
    exact = m.search(prepare_query("Putin and Kim Jong-un met in Moscow"))[0]
    assert exact.claim_id == 1 and exact.tier is Tier.ANSWER


SHORT_CLAIMS = [
    "Putin will visit Pyongyang",
    "Chemtrails",
    "Eating garlic protects you against the coronavirus",
]


def test_a_short_text_that_is_the_claim_word_for_word_is_answered():
    matcher = matcher_over(SHORT_CLAIMS)
    for text in ("Putin will visit Pyongyang", "putin WILL visit pyongyang!!"):
        hit = matcher.search(prepare_query(text))[0]
        assert (hit.claim_id, hit.tier) == (1, Tier.ANSWER)


@pytest.mark.parametrize(
    "text",
    [
        "Pyongyang will visit Putin",  # the same words in another order
        "Putin visit",  # part of it
        "Putin will visit Seoul",  # one swapped
    ],
)
def test_a_short_text_that_is_not_the_claim_word_for_word_is_only_suggested(text):
    hits = matcher_over(SHORT_CLAIMS).search(prepare_query(text))
    assert all(h.tier is not Tier.ANSWER for h in hits)


def test_one_word_is_never_answered_even_when_it_is_a_wording():
    hits = matcher_over(SHORT_CLAIMS).search(prepare_query("chemtrails"))
    assert hits[0].claim_id == 2
    assert hits[0].tier is not Tier.ANSWER


def test_a_short_french_claim_repeated_is_answered():
    matcher = matcher_over(["Poutine visitera Pyongyang", "La Russie construira des satellites"], lang="fr")
    hit = matcher.search(prepare_query("Poutine visitera Pyongyang", lang_hint="fr"))[0]
    assert (hit.claim_id, hit.tier) == (1, Tier.ANSWER)

"""One thing swapped: a text that repeats a claim with another person, place or thing in the place of one of
its own ("... met in Vladivostok" for "... met in Moscow") says something else, and is at most suggested;
texts that only add to the claim, leave some of it out, or reword it more widely are still answered."""

from __future__ import annotations

import pytest

from claims.matching import MatchConfig, Matcher, Tier, prepare_query
from claims.matching.features import substitution
from claims.service import ClaimService
from claims.views import Outcome
from tests.conftest import ADMIN_ID, matcher_over

ALICE = 21

CLAIMS = [
    "Putin and Kim Jong-un met in Moscow",
    "Putin will visit Pyongyang",
    "The Kremlin officially announced a deal to buy weapons from North Korea",
    "Kim Jong-un said relations with Russia are North Korea's top foreign policy priority",
]


def _idf(term: str) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("text", "wording", "changes", "swapped"),
    [
        # One place differs, and there the text puts its own terms for the wording's: a swap.
        (["putin", "kim", "met", "vladivostok"], ["putin", "kim", "met", "moscow"], 1, 0.25),
        (["xi", "jinp", "visit", "pyongyang"], ["putin", "visit", "pyongyang"], 1, 1 / 3),
        (
            ["russ", "construir", "central", "nucleair", "nord"],
            ["russ", "construir", "satellit", "nord"],
            1,
            0.25,
        ),
        # The same terms: nothing changed.
        (["putin", "kim", "met", "moscow"], ["putin", "kim", "met", "moscow"], 0, 0.0),
        # Only added or only left out: nothing of the claim is replaced.
        (["putin", "kim", "met", "moscow", "yesterday"], ["putin", "kim", "met", "moscow"], 1, 0.0),
        (["putin", "kim", "met"], ["putin", "kim", "met", "moscow"], 1, 0.0),
        # Two stretches in each other's place around what stands between them: roles reversed, a swap.
        (["kim", "gave", "putin", "tank"], ["putin", "gave", "kim", "tank"], 2, 0.5),
        (
            ["kim", "jong", "un", "gave", "putin", "tank"],
            ["putin", "gave", "kim", "jong", "un", "tank"],
            2,
            4 / 6,
        ),
        # A stretch moved to the other end, or names exchanged around "and" (a stop word): the same claim.
        (["moscow", "putin", "kim", "met"], ["putin", "kim", "met", "moscow"], 2, 0.0),
        (["kim", "putin", "met", "moscow"], ["putin", "kim", "met", "moscow"], 2, 0.0),
        # Moved and added to: no reversal to tell.
        (["moscow", "putin", "kim", "met", "today"], ["putin", "kim", "met", "moscow"], 2, 0.0),
        # Two places differ, each a thing for another: two swaps ("Xi" for "Kim", "Beijing" for "Moscow").
        (["putin", "xi", "met", "beij"], ["putin", "kim", "met", "moscow"], 2, 0.5),
        # Two places, one of them only an addition: no second swap, so none.
        (["putin", "xi", "met", "moscow", "today"], ["putin", "kim", "met", "moscow"], 2, 0.0),
        # Three places differ: a rewording, not a swap.
        (["biden", "visit", "xi", "moscow", "may"], ["putin", "visit", "kim", "moscow", "june"], 3, 0.0),
        # Too long a stretch to be one thing for another.
        (["putin", "said", "noth", "new", "today"], ["putin", "kim", "met", "moscow"], 1, 0.0),
        # Numbers are the numbers features' to compare.
        (["unemploy", "fell", "7"], ["unemploy", "fell", "17"], 0, 0.0),
    ],
)
def test_substitution_finds_one_thing_put_in_the_place_of_another(
    text: list[str], wording: list[str], changes: int, swapped: float
) -> None:
    found = substitution(text, wording, _idf)
    assert found.changes == changes
    assert found.swapped == pytest.approx(swapped)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return matcher_over(CLAIMS)


SWAPS = [
    ("Putin and Kim Jong-un met in Vladivostok", 1),
    ("Putin and Biden met in Moscow", 1),
    ("Xi Jinping will visit Pyongyang", 2),
    ("The Kremlin officially announced a deal to sell weapons to North Korea", 3),
    ("Kim Jong-un said relations with China are North Korea's top foreign policy priority", 4),
]


@pytest.mark.parametrize(("text", "claim_id"), SWAPS)
def test_a_claim_with_one_thing_swapped_is_suggested_not_answered(
    matcher: Matcher, text: str, claim_id: int
) -> None:
    hit = matcher.search(prepare_query(text))[0]
    assert hit.claim_id == claim_id  # still the claim to show: the person can see it is not theirs
    assert hit.tier is Tier.SUGGEST


@pytest.mark.parametrize(("text", "claim_id"), SWAPS)
def test_the_swap_guard_is_what_keeps_them_from_an_answer(text: str, claim_id: int) -> None:
    unguarded = matcher_over(CLAIMS, config=MatchConfig(max_answer_substitution=1.0))
    hit = unguarded.search(prepare_query(text))[0]
    assert (hit.claim_id, hit.tier) == (claim_id, Tier.ANSWER)


@pytest.mark.parametrize(
    ("text", "claim_id"),
    [
        ("Putin and Kim Jong-un met in Moscow yesterday", 1),  # adds to it
        ("Putin and Kim met in Moscow", 1),  # leaves some out
        ("Is it true that the Kremlin officially announced a deal to buy weapons from North Korea?", 3),
        (
            "Kim said relations with Russia are the top priority of North Korea's foreign policy",
            4,
        ),  # reworded
    ],
)
def test_texts_that_repeat_the_claim_without_a_swap_are_answered(
    matcher: Matcher, text: str, claim_id: int
) -> None:
    hit = matcher.search(prepare_query(text))[0]
    assert (hit.claim_id, hit.tier) == (claim_id, Tier.ANSWER)


def test_wordings_in_another_language_are_not_compared_term_by_term() -> None:
    # French and English terms never align: the English wording alone decides, and it is no near copy.
    matcher = Matcher()
    matcher.add(
        wording_id=1, claim_id=1, text="Poutine et Kim Jong-un se sont rencontrés à Moscou", lang="fr"
    )
    matcher.add(wording_id=2, claim_id=1, text="Putin and Kim Jong-un met in Moscow", lang="en")
    hit = matcher.search(prepare_query("Putin and Kim Jong-un met in Moscow last week"))[0]
    assert (hit.claim_id, hit.tier) == (1, Tier.ANSWER)


@pytest.mark.parametrize(
    ("text", "claim_text"),
    [
        (
            "Roustem Oumerov est le nouveau ministre ukrainien des Finances",
            "Roustem Oumerov est le nouveau ministre ukrainien de la Défense",
        ),
        (
            "La Russie va construire une centrale nucléaire pour la Corée du Nord",
            "La Russie va construire des satellites pour la Corée du Nord",
        ),
        (  # two things at once: the country and its leader
            "La Russie et la Chine ont signé un accord de livraison d'armes pendant la visite de Xi Jinping",
            "La Russie et la Corée du Nord ont signé un accord de livraison d'armes pendant la visite de Kim Jong-un",
        ),
        (
            "Kim Jong-un a prédit une grande défaite de la Russie en Ukraine",
            "Kim Jong-un a prédit une grande victoire de la Russie en Ukraine",
        ),
    ],
)
def test_demo_claim_with_one_thing_swapped_gets_it_as_a_suggestion(
    demo: ClaimService, text: str, claim_text: str
) -> None:
    result = demo.check(text=text, user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.SUGGESTED
    assert result.answer is None
    assert result.suggestions[0].claim.text == claim_text


def test_demo_synonym_for_one_word_is_the_price_a_suggestion_of_the_right_claim(demo: ClaimService) -> None:
    # "fabriquer" for "construire" looks to the guard as "une centrale nucléaire" for "des satellites" does.
    result = demo.check(
        text="La Russie va fabriquer des satellites pour la Corée du Nord", user_id=ALICE, chat_id=ALICE
    )
    assert result.outcome == Outcome.SUGGESTED
    assert result.suggestions[0].claim.text == "La Russie va construire des satellites pour la Corée du Nord"


def test_demo_swap_of_a_pending_claim_is_a_claim_of_its_own(demo: ClaimService) -> None:
    # The demo's pending "Kim Jong-un a offert un char d'assaut à Vladimir Poutine", another gift: reviewers
    # must see it apart, and its asker must not be told the tank's verdict.
    pending = demo.check(
        text="Kim Jong-un a offert un char d'assaut à Vladimir Poutine", user_id=ALICE, chat_id=ALICE
    )
    result = demo.check(
        text="Kim Jong-un a offert un avion de chasse à Vladimir Poutine",
        user_id=ALICE + 1,
        chat_id=ALICE + 1,
    )
    assert result.outcome == Outcome.QUEUED and result.new_claim and not result.similar
    assert result.queued.id != pending.queued.id


@pytest.mark.parametrize(
    ("text", "claim_id", "swap"),
    [
        ("Putin and Kim Jong-un met in Vladivostok", 1, ("Moscow", "Vladivostok")),
        ("Xi Jinping will visit Pyongyang", 2, ("Putin", "Xi Jinping")),
        ("The Kremlin officially announced a deal to sell weapons to North Korea", 3, ("buy", "sell")),
        ("Putin and Kim Jong-un met in Moscow yesterday", 1, None),  # no swap
        # Two things swapped: each place as written, apart.
        ("Putin and Xi Jinping met in Beijing", 1, ("Kim Jong-un … Moscow", "Xi Jinping … Beijing")),
    ],
)
def test_swap_names_what_the_text_puts_in_the_claims_place_as_written(
    matcher: Matcher, text: str, claim_id: int, swap: tuple[str, str] | None
) -> None:
    assert matcher.swap(prepare_query(text), claim_id) == swap


def test_demo_suggestion_of_a_swapped_claim_says_what_differs(demo: ClaimService) -> None:
    result = demo.check(
        text="Kim Jong-un a visité des usines de voitures à Komsomolsk-sur-l'Amour",
        user_id=ALICE,
        chat_id=ALICE,
    )
    # "avions" is a noun here (planes), not a form of "avoir": the French stop words keep it.
    assert result.suggestions[0].swap == ("avions militaires", "voitures")
    # A suggestion that is no swap says nothing of the kind.
    vague = demo.check(text="Kim Jong-un", user_id=ALICE, chat_id=ALICE)
    assert vague.suggestions and all(s.swap is None for s in vague.suggestions)


def test_texts_far_longer_than_the_wording_are_no_swap_without_aligning() -> None:
    found = substitution(
        ["putin", "kim", "met", "vladivostok", "a", "b", "c", "d", "e", "f", "g"],
        ["putin", "kim", "met", "moscow"],
        _idf,
    )
    assert (found.changes, found.swapped) == (-1, 0.0)
    assert found.overlap == pytest.approx(3 / 12)


def test_demo_reviewer_sees_the_claim_a_pending_swap_resembles_and_what_differs(demo: ClaimService) -> None:
    queued = demo.check(
        text="Roustem Oumerov est le nouveau ministre ukrainien des Finances", user_id=ALICE, chat_id=ALICE
    )
    # "None of these": the text becomes a claim of its own, which a reviewer opens.
    pending = demo.queue_submission(submission_id=queued.submission_id, user_id=ALICE).queued
    details = demo.claim_details(actor_id=ADMIN_ID, claim_id=pending.id)
    first = details.similar[0]
    assert first.claim.text == "Roustem Oumerov est le nouveau ministre ukrainien de la Défense"
    assert first.claim.id != pending.id
    assert first.swap == ("Défense", "Finances")  # another claim: not one to merge
    # A published claim's details list nothing of the kind.
    assert demo.claim_details(actor_id=ADMIN_ID, claim_id=first.claim.id).similar == ()


def test_a_pending_claim_unlike_any_other_lists_no_similar_claims(demo: ClaimService) -> None:
    queued = demo.check(
        text="The mayor of Lyon banned bicycles on every bridge of the city last week",
        user_id=ALICE,
        chat_id=ALICE,
    ).queued
    assert demo.claim_details(actor_id=ADMIN_ID, claim_id=queued.id).similar == ()


def test_the_queue_shows_reviewers_the_claim_a_pending_one_is_close_to(demo: ClaimService) -> None:
    swapped = demo.check(
        text="Roustem Oumerov est le nouveau ministre ukrainien des Finances", user_id=ALICE, chat_id=ALICE
    )
    pending = demo.queue_submission(submission_id=swapped.submission_id, user_id=ALICE).queued
    unlike = demo.check(
        text="The mayor of Lyon banned bicycles on every bridge of the city last week",
        user_id=ALICE,
        chat_id=ALICE,
    ).queued
    page = demo.queue(actor_id=ADMIN_ID)
    assert {claim.id for claim in page.claims} >= {pending.id, unlike.id}
    close = page.close[pending.id]
    assert close.claim.text == "Roustem Oumerov est le nouveau ministre ukrainien de la Défense"
    assert close.swap == ("Défense", "Finances")
    assert unlike.id not in page.close  # nothing matches it as confidently as an answer


def test_a_claim_with_its_roles_reversed_is_suggested_saying_which_way_round() -> None:
    matcher = matcher_over(["Putin gave Kim Jong-un a tank as a gift", "Putin will visit Pyongyang"])
    query = prepare_query("Kim Jong-un gave Putin a tank as a gift")
    hit = matcher.search(query)[0]
    assert (hit.claim_id, hit.tier) == (1, Tier.SUGGEST)
    # Told as the two stretches, each side in its own order.
    assert matcher.swap(query, 1) == ("Putin … Kim Jong-un", "Kim Jong-un … Putin")
    unguarded = matcher_over(
        ["Putin gave Kim Jong-un a tank as a gift"], config=MatchConfig(max_answer_substitution=1.0)
    )
    assert unguarded.search(query)[0].tier == Tier.ANSWER


def test_demo_claim_the_other_way_round_is_suggested_and_the_same_claim_reordered_answered(
    demo: ClaimService,
) -> None:
    # Who builds satellites for whom, reversed: another claim, whose verdict the demo's is not.
    reversed_ = demo.check(
        text="La Corée du Nord va construire des satellites pour la Russie", user_id=ALICE, chat_id=ALICE
    )
    assert reversed_.outcome == Outcome.SUGGESTED
    assert reversed_.suggestions[0].swap == ("Russie … Corée du Nord", "Corée du Nord … Russie")
    assert (
        reversed_.suggestions[0].claim.text == "La Russie va construire des satellites pour la Corée du Nord"
    )
    # Names on either side of "and", or a phrase moved to the front: the same claim, answered.
    for text in ("Kim Jong-un and Putin met in Moscow", "In Moscow, Putin and Kim Jong-un met"):
        same = demo.check(text=text, user_id=ALICE, chat_id=ALICE)
        assert same.outcome == Outcome.ANSWERED
        assert same.answer.claim.text == "Putin and Kim Jong-un met in Moscow"

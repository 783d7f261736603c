"""A text that says less than the claim it is answered with ("Putin and Kim met" for "... met in Moscow"): the
verdict may rest on what it leaves out, so the answer names it, as the claim writes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render import answer_reply, check_reply
from claims.matching import Matcher, prepare_query
from claims.matching.normalise import left_out_words
from claims.ratings import Rating
from claims.service import ClaimService
from claims.views import Candidate, CheckResult, ClaimView, Outcome, Status, VerdictView
from tests.conftest import matcher_over

ALICE = 31

CLAIMS = [
    "Putin and Kim Jong-un met in Moscow",
    "Kim Jong-un is visiting Vladivostok for the first time",
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return matcher_over(CLAIMS)


@pytest.mark.parametrize(
    ("text", "claim_id", "left_out"),
    [
        ("Putin and Kim met", 1, ("Moscow",)),  # "Jong-un" is the rest of a name it wrote
        ("Is it true that Putin met Kim Jong-un?", 1, ("Moscow",)),  # one word of its own ("true")
        ("Kim Jong-un is visiting Vladivostok", 2, ("first time",)),
        ("Putin and Kim Jong-un met in Moscow", 1, ()),  # the claim whole
        ("Putin and Kim Jong-un met in Moscow yesterday", 1, ()),  # all of it, and more
        # It says the claim its own way: no telling what it leaves out.
        ("Reports say Vladimir Putin welcomed Kim at a summit", 1, ()),
    ],
)
def test_left_out_names_what_a_shorter_text_lacks_as_the_claim_writes_it(
    matcher: Matcher, text: str, claim_id: int, left_out: tuple[str, ...]
) -> None:
    assert matcher.left_out(prepare_query(text), claim_id) == left_out


def test_left_out_compares_only_wordings_in_the_texts_language() -> None:
    matcher = matcher_over(["Poutine et Kim Jong-un se sont rencontrés à Moscou"], lang="fr")
    assert matcher.left_out(prepare_query("Putin and Kim met", lang_hint="en"), 1) == ()


def test_left_out_words_keeps_stop_words_only_inside_a_stretch() -> None:
    text = "Putin gave Kim Jong-un a spacesuit glove that has been to space"
    assert left_out_words(text, "en", prepare_query("Putin gave Kim a glove").terms) == ["spacesuit", "space"]


def test_demo_answer_to_a_text_saying_less_names_the_place_it_leaves_out(demo: ClaimService) -> None:
    result = demo.check(text="Kim Jong-un et Poutine se sont rencontrés", user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.ANSWERED
    assert result.answer.claim.text == "Putin and Kim Jong-un met in Moscow"
    assert result.answer.left_out == ("Moscou",)  # from its French wording, the text's language
    text, _ = check_reply(result, "fr")
    assert text.endswith("qui dit aussi « Moscou » : vous ne l’avez pas écrit.")
    # The claim as worded is answered with nothing more.
    whole = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    assert whole.outcome == Outcome.ANSWERED and whole.answer.left_out == ()
    assert "you did not write" not in check_reply(whole, "en")[0]


def test_the_left_out_words_are_escaped_in_the_answer() -> None:
    now = datetime(2026, 12, 4, tzinfo=UTC)
    verdict = VerdictView(1, 7, Rating.FALSE, "False", None, (), 1, "Desk", "Desk", None, now)
    claim = ClaimView(
        7, "They met in <b>Moscow</b>", "en", Status.PUBLISHED, 1, now, now, now, verdict=verdict
    )
    result = CheckResult(
        Outcome.ANSWERED,
        "they met",
        "en",
        5,
        answer=Candidate(claim, 0.9, "answer", left_out=("<b>Moscow</b>",)),
    )
    text, _ = check_reply(result, "en")
    assert "which also says “&lt;b&gt;Moscow&lt;/b&gt;”: you did not write that." in text
    assert answer_reply(claim, 5, "en")[0] in text  # the same card, the line under it

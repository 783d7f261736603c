"""People checking claims: answers, suggestions, queueing, demand and the claim log."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from claims.errors import InvalidInput, NotFound
from claims.matching import Tier, prepare_query
from claims.service import SEARCH_DEPTH, Banned, ClaimService
from claims.views import Outcome, PersonView, Role, Status
from tests import tables
from tests.conftest import ADMIN_ID

ALICE, BOB, CAROL = 11, 12, 13


def test_exact_wording_is_answered_with_its_verdict_and_source(demo: ClaimService) -> None:
    result = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.ANSWERED
    assert result.answer is not None
    assert result.answer.claim.text == "Putin and Kim Jong-un met in Moscow"
    assert result.answer.claim.verdict is not None
    assert result.answer.claim.verdict.rating == "false"
    assert result.answer.claim.verdict.sources[0].url.startswith("https://example.org/demo/")


def test_french_question_finds_french_claim(demo: ClaimService) -> None:
    result = demo.check(
        text="Est-ce vrai que la Russie va envoyer un cosmonaute nord-coréen dans l'espace ?",
        user_id=ALICE,
        chat_id=ALICE,
    )
    assert result.outcome == Outcome.ANSWERED
    assert result.lang == "fr"
    assert "cosmonaute" in result.answer.claim.text


def test_answer_counts_an_ask_and_subscribes_the_asker(demo: ClaimService) -> None:
    result = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    claim = demo.get_claim(result.answer.claim.id)
    assert claim.ask_count == 1
    assert result.subscribed is True


def test_the_answer_shows_the_claim_as_it_is_with_this_ask_counted(demo: ClaimService) -> None:
    first = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    again = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=BOB, chat_id=BOB)
    assert again.answer.claim == demo.get_claim(first.answer.claim.id)
    assert (first.answer.claim.ask_count, again.answer.claim.ask_count) == (1, 2)
    assert again.answer.claim.first_asked_at == first.answer.claim.last_asked_at
    assert again.answer.claim.last_asked_at > first.answer.claim.last_asked_at


def test_suggestions_show_whole_claims_with_their_verdicts(demo: ClaimService) -> None:
    result = demo.check(text="North Korean cosmonaut", user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.SUGGESTED and result.suggestions
    for suggestion in result.suggestions:
        assert suggestion.claim == demo.get_claim(suggestion.claim.id)
        assert suggestion.claim.verdict is not None and suggestion.claim.text


def test_unknown_claim_is_queued_and_a_repeat_adds_demand(demo: ClaimService) -> None:
    first = demo.check(
        text="Les pingouins de Sibérie votent aux élections russes depuis 2019", user_id=ALICE, chat_id=ALICE
    )
    again = demo.check(
        text="les pingouins de siberie votent aux elections russes depuis 2019 !!", user_id=BOB, chat_id=BOB
    )
    assert first.outcome == again.outcome == Outcome.QUEUED
    assert first.new_claim and not again.new_claim
    assert first.queued.id == again.queued.id
    assert demo.get_claim(first.queued.id).ask_count == 2
    assert demo.get_claim(first.queued.id).status == Status.PENDING


def test_a_new_claim_from_a_queued_text_is_stored_whole(demo: ClaimService, database_url: str) -> None:
    text = "Les pingouins de Sibérie votent aux élections russes depuis 2019"
    result = demo.check(text=text, user_id=ALICE, chat_id=ALICE)
    dump = tables.dump(database_url)
    claim = next(row for row in dump["claim"] if row["id"] == result.queued.id)
    (wording,) = (row for row in dump["wording"] if row["claim_id"] == claim["id"])
    (logged,) = dump["submission"]
    assert (claim["text"], claim["lang"], claim["status"]) == (result.text, "fr", Status.PENDING)
    assert (claim["ask_count"], claim["version"], claim["merged_into_id"]) == (1, 1, None)
    assert claim["first_asked_at"] == claim["last_asked_at"] == logged["created_at"]
    assert claim["created_at"] is not None and claim["updated_at"] is not None
    assert claim["appearances"] in ([], "[]")
    assert (wording["text"], wording["lang"], wording["kind"], wording["created_by"]) == (
        result.text,
        "fr",
        "user",
        ALICE,
    )
    assert (logged["outcome"], logged["claim_id"], logged["score"]) == (Outcome.QUEUED, claim["id"], 1.0)
    assert result.queued.ask_count == 1 and result.subscribed
    assert [row["claim_id"] for row in dump["subscription"]] == [claim["id"]]


def test_a_text_whose_claim_was_merged_away_counts_on_the_claim_it_was_merged_into(
    demo: ClaimService,
) -> None:
    text = "Les pingouins de Sibérie votent aux élections russes depuis 2019"
    merged = demo.check(text=text, user_id=ALICE, chat_id=ALICE).queued.id
    into = demo.check(
        text="Des ours polaires gardent la frontière nord-coréenne la nuit", user_id=BOB, chat_id=BOB
    ).queued.id
    # The target says it too, so the merged claim keeps its wording and the fingerprint still finds it first.
    demo.add_wording(actor_id=ADMIN_ID, claim_id=into, text=text)
    demo.merge(actor_id=ADMIN_ID, from_id=merged, into_id=into)
    again = demo.check(text=text, user_id=CAROL, chat_id=CAROL)
    assert again.outcome == Outcome.QUEUED and not again.new_claim
    assert again.queued.id == into and again.queued.ask_count == 3 and again.subscribed
    assert demo.log()[0].claim_id == into
    assert demo.get_claim(merged).id == into and demo.get_claim(into).ask_count == 3


def test_a_reworded_repeat_counts_on_the_pending_claim_it_matches(demo: ClaimService) -> None:
    first = demo.check(
        text="Les pingouins de Sibérie votent aux élections russes depuis 2019", user_id=ALICE, chat_id=ALICE
    )
    again = demo.check(
        text="Depuis 2019 les pingouins de Sibérie votent aux élections russes", user_id=BOB, chat_id=BOB
    )
    assert again.outcome == Outcome.QUEUED and not again.new_claim
    assert again.queued.id == first.queued.id and again.queued.ask_count == 2


def test_every_submission_is_logged_with_its_outcome(demo: ClaimService) -> None:
    demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    demo.check(text="Zebras have been elected to the Bundestag in a landslide", user_id=BOB, chat_id=BOB)
    rows = demo.log()
    assert [r.outcome for r in rows] == [Outcome.QUEUED, Outcome.ANSWERED]
    assert rows[0].user_id == BOB and rows[0].claim_status == Status.PENDING


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\x01\x02", "https://t.co/abc"])
def test_text_with_nothing_to_match_is_refused(demo: ClaimService, text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        demo.check(text=text, user_id=ALICE, chat_id=ALICE)
    assert err.value.code == "empty_text"
    assert demo.log() == []


def test_too_long_text_is_refused_without_logging(demo: ClaimService) -> None:
    with pytest.raises(InvalidInput) as err:
        demo.check(text="a" * 5000, user_id=ALICE, chat_id=ALICE)
    assert err.value.code == "too_long"
    assert demo.log() == []


def test_control_characters_are_stripped_before_storing(demo: ClaimService) -> None:
    result = demo.check(
        text="Les\x00 girafes\x07 parlent <b>russe</b> couramment depuis peu", user_id=ALICE, chat_id=ALICE
    )
    assert "\x00" not in demo.log()[0].text
    assert result.outcome == Outcome.QUEUED


def test_groups_never_queue(demo: ClaimService) -> None:
    result = demo.check(
        text="Flying saucers landed in Pyongyang during the parade",
        user_id=ALICE,
        chat_id=-5,
        chat_type="group",
        queue=False,
    )
    assert result.outcome == Outcome.UNMATCHED
    assert demo.queue(actor_id=ADMIN_ID).total == 3  # only the demo's pending claims


def test_banned_person_is_refused_and_adds_no_demand(demo: ClaimService) -> None:
    demo.ban(actor_id=ADMIN_ID, user_id=ALICE)
    with pytest.raises(Banned):
        demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    assert demo.log() == []


def _refused_with_view(service: ClaimService, view_of: int, *, banned: bool) -> None:
    """Alice's check, handed a caller's view of `view_of`, is refused as banned, and nothing is logged."""
    view = PersonView(
        user_id=view_of, role=Role.USER, banned=banned, language=None, granted_by=None, granted_at=None
    )
    with pytest.raises(Banned):
        service.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE, person=view)
    assert service.log() == []


def test_a_check_refuses_whom_the_caller_read_as_banned(demo: ClaimService) -> None:
    # The row says Alice may ask; the caller's read of her for this request says banned: that read is used.
    _refused_with_view(demo, ALICE, banned=True)


def test_a_check_reads_the_person_when_the_callers_view_is_of_someone_else(demo: ClaimService) -> None:
    demo.ban(actor_id=ADMIN_ID, user_id=ALICE)
    _refused_with_view(demo, BOB, banned=False)


def test_none_of_these_queues_the_original_text(demo: ClaimService) -> None:
    result = demo.check(text="North Korean cosmonaut", user_id=ALICE, chat_id=ALICE)
    assert result.outcome in (Outcome.SUGGESTED, Outcome.QUEUED)
    queued = demo.queue_submission(submission_id=result.submission_id, user_id=ALICE)
    assert queued.outcome == Outcome.QUEUED
    assert queued.queued.status == Status.PENDING
    assert demo.log()[0].outcome == Outcome.QUEUED


# Counted on the demo's pending "Kim Jong-un a offert un char d'assaut à Vladimir Poutine": same names, and the
# verb, beyond them; another gift.
SIMILAR_TO_PENDING = "Vladimir Poutine a offert une voiture Aurus à Kim Jong-un"


def _pending_ids(service: ClaimService) -> set[int]:
    return {c.id for c in service.queue(actor_id=ADMIN_ID, limit=50).claims}


def test_a_text_counted_on_a_similar_pending_claim_says_so(demo: ClaimService) -> None:
    tank = demo.check(
        text="Kim Jong-un a offert un char d'assaut à Vladimir Poutine", user_id=BOB, chat_id=BOB
    )
    assert not tank.similar  # its own words: nothing to show
    result = demo.check(text=SIMILAR_TO_PENDING, user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.QUEUED and not result.new_claim
    assert result.similar and result.queued.id == tank.queued.id


def test_not_what_i_meant_under_a_similar_pending_claim_makes_a_claim_of_its_own(demo: ClaimService) -> None:
    counted = demo.check(text=SIMILAR_TO_PENDING, user_id=ALICE, chat_id=ALICE)
    tank = demo.get_claim(counted.queued.id)
    before = _pending_ids(demo)
    alone = demo.queue_submission(submission_id=counted.submission_id, user_id=ALICE, alone=True)
    assert alone.outcome == Outcome.QUEUED and alone.new_claim and not alone.similar
    assert alone.queued.text == SIMILAR_TO_PENDING and alone.queued.ask_count == 1
    assert _pending_ids(demo) == before | {alone.queued.id}
    assert demo.get_claim(tank.id).ask_count == tank.ask_count - 1  # the ask moved with the text
    assert demo.log()[0].claim_id == alone.queued.id
    # Pressed again (a second tap, another device): nothing moves.
    again = demo.queue_submission(submission_id=counted.submission_id, user_id=ALICE, alone=True)
    assert again.queued.id == alone.queued.id and not again.new_claim
    assert demo.get_claim(alone.queued.id).ask_count == 1
    # Alice hears about her own claim's verdict, not about the tank's.
    assert ALICE not in _notified(demo, tank.id)
    assert ALICE in _notified(demo, alone.queued.id)


def _notified(service: ClaimService, claim_id: int) -> set[int]:
    published = service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=claim_id, rating="faux", url=f"https://example.org/check/{claim_id}"
    )
    return {recipient.user_id for recipient in published.notify}


def test_not_what_i_meant_under_a_verdict_stops_its_correction_notices(demo: ClaimService) -> None:
    answered = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    assert answered.outcome == Outcome.ANSWERED and answered.subscribed
    demo.queue_submission(submission_id=answered.submission_id, user_id=ALICE)
    assert ALICE not in _notified(demo, answered.answer.claim.id)  # a correction of the claim she disowned


def test_moving_off_a_claim_keeps_the_subscription_another_ask_of_mine_holds(demo: ClaimService) -> None:
    tank = demo.check(
        text="Kim Jong-un a offert un char d'assaut à Vladimir Poutine", user_id=ALICE, chat_id=ALICE
    )
    counted = demo.check(text=SIMILAR_TO_PENDING, user_id=ALICE, chat_id=ALICE)
    assert counted.queued.id == tank.queued.id
    demo.queue_submission(submission_id=counted.submission_id, user_id=ALICE, alone=True)
    assert ALICE in _notified(demo, tank.queued.id)


def test_someone_else_cannot_queue_my_submission(demo: ClaimService) -> None:
    result = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    with pytest.raises(NotFound):
        demo.queue_submission(submission_id=result.submission_id, user_id=BOB)


def test_mine_lists_what_i_asked(demo: ClaimService) -> None:
    demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE)
    demo.check(text="Les girafes parlent russe couramment depuis la visite", user_id=ALICE, chat_id=ALICE)
    statuses = sorted(e.claim.status for e in demo.mine(user_id=ALICE))
    assert statuses == [Status.PENDING, Status.PUBLISHED]


def test_unsubscribe_stops_notifications(demo: ClaimService) -> None:
    result = demo.check(
        text="Des dauphins ont été nommés ambassadeurs à Pyongyang", user_id=ALICE, chat_id=ALICE
    )
    assert demo.unsubscribe(user_id=ALICE, claim_id=result.queued.id) is True
    published = demo.publish_verdict(
        actor_id=ADMIN_ID, claim_id=result.queued.id, rating="faux", url="https://example.org/check"
    )
    assert published.notify == ()


def test_asking_again_after_unsubscribing_subscribes_the_chat_asked_from(demo: ClaimService) -> None:
    text = "Des dauphins ont été nommés ambassadeurs à Pyongyang"
    claim_id = demo.check(text=text, user_id=ALICE, chat_id=ALICE).queued.id
    demo.unsubscribe(user_id=ALICE, claim_id=claim_id)
    again = demo.check(text=text, user_id=ALICE, chat_id=ALICE + 1000)
    assert again.queued.id == claim_id and again.subscribed
    published = demo.publish_verdict(
        actor_id=ADMIN_ID, claim_id=claim_id, rating="faux", url="https://example.org/check"
    )
    assert [(r.user_id, r.chat_id) for r in published.notify] == [(ALICE, ALICE + 1000)]


def test_new_wording_is_searchable_at_once(demo: ClaimService) -> None:
    claim = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ALICE, chat_id=ALICE).answer.claim
    demo.add_wording(actor_id=ADMIN_ID, claim_id=claim.id, text="Le sommet Poutine Kim a eu lieu au Kremlin")
    result = demo.check(text="le sommet Poutine Kim a eu lieu au Kremlin", user_id=BOB, chat_id=BOB)
    assert result.outcome == Outcome.ANSWERED and result.answer.claim.id == claim.id


def test_claims_written_by_another_process_are_found(demo: ClaimService, settings) -> None:
    other = ClaimService.from_settings(settings, migrate=False)
    try:
        other.check(
            text="A bakery in Lyon sells croissants covered in gold leaf",
            user_id=ALICE,
            chat_id=ALICE,
        )
    finally:
        other.close()
    result = demo.check(
        text="A bakery in Lyon sells croissants covered in gold leaf", user_id=BOB, chat_id=BOB
    )
    assert result.outcome == Outcome.QUEUED and not result.new_claim


def test_set_language_rejects_unknown_language(demo: ClaimService) -> None:
    with pytest.raises(InvalidInput):
        demo.set_language(user_id=ALICE, lang="xx")
    demo.set_language(user_id=ALICE, lang="fr")
    assert demo.person(ALICE).language == "fr"


def test_demo_translations_are_stored_in_their_own_language(demo: ClaimService) -> None:
    # Each demo alias translates the claim into the other language; langdetect alone calls one of them German.
    result = demo.check(text="Rustem Umerov is Ukraine's new defence minister", user_id=ALICE, chat_id=ALICE)
    assert result.answer is not None
    details = demo.claim_details(actor_id=ADMIN_ID, claim_id=result.answer.claim.id)
    langs = {w.text: w.lang for w in details.wordings}
    assert langs["Rustem Umerov is Ukraine's new defence minister"] == "en"
    assert langs["Roustem Oumerov est le nouveau ministre ukrainien de la Défense"] == "fr"


def _claim_ids_read(service: ClaimService, **check: object) -> list[int]:
    """The claim ids the check's reads of claims by id asked for (`WHERE claim.id IN (...)`), in order."""
    asked: list[int] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: object, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "claim.id IN (" in statement:
            # Positional on SQLite, named on PostgreSQL.
            values = parameters.values() if isinstance(parameters, dict) else parameters
            asked.extend(v for v in values if isinstance(v, int))

    event.listen(service.db.engine, "before_cursor_execute", record)
    try:
        service.check(**check)
    finally:
        event.remove(service.db.engine, "before_cursor_execute", record)
    return asked


def test_a_check_reads_only_the_claims_of_hits_it_may_show(demo: ClaimService) -> None:
    text = "Putin and Kim Jong-un met in Moscow"
    demo.sync_index()
    hits = demo.matcher.search(prepare_query(text), limit=SEARCH_DEPTH)
    shown = {h.claim_id for h in hits if h.tier != Tier.NONE}
    assert shown and len(shown) < len({h.claim_id for h in hits})  # some hits are too weak to show
    assert set(_claim_ids_read(demo, text=text, user_id=ALICE, chat_id=ALICE)) == shown


def test_a_check_whose_hits_are_all_too_weak_reads_no_claim(demo: ClaimService) -> None:
    text = "Flying saucers landed in Pyongyang during the parade"
    demo.sync_index()
    hits = demo.matcher.search(prepare_query(text), limit=SEARCH_DEPTH)
    assert hits and all(h.tier == Tier.NONE for h in hits)  # found, but nothing to show
    assert _claim_ids_read(demo, text=text, user_id=ALICE, chat_id=ALICE, queue=False) == []

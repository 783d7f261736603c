"""Reviewers: roles, verdicts, corrections, rejections, merges, aliases, and the outbox they fill."""

from __future__ import annotations

import pytest

from claims.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from claims.ratings import Rating
from claims.records import ReviewRecord, SourceRecord
from claims.service import ClaimService
from claims.views import Outcome, Role, Status
from tests.conftest import ADMIN_ID, REVIEWER_ID

ALICE, BOB, CAROL = 11, 12, 13
NEW_CLAIM = "Un ours polaire a été aperçu dans le métro de Vladivostok hier soir"


@pytest.fixture
def pending(service: ClaimService) -> int:
    first = service.check(text=NEW_CLAIM, user_id=ALICE, chat_id=ALICE)
    service.check(text=NEW_CLAIM, user_id=BOB, chat_id=BOB)
    return first.queued.id


def test_admin_grants_reviewer_role_and_it_is_audited(service: ClaimService) -> None:
    person = service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    assert person.role == Role.REVIEWER and person.granted_by == ADMIN_ID
    assert service.role_of(REVIEWER_ID) == Role.REVIEWER


@pytest.mark.parametrize("action", ["grant", "revoke", "ban", "unban"])
def test_non_admin_cannot_change_roles(service: ClaimService, action: str) -> None:
    service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    with pytest.raises(PermissionDenied):
        getattr(service, action)(actor_id=REVIEWER_ID, user_id=CAROL)
    assert service.person(CAROL).role == Role.USER and not service.person(CAROL).banned


def test_people_without_the_role_cannot_review(service: ClaimService, pending: int) -> None:
    calls = [
        lambda: service.publish_verdict(
            actor_id=ALICE, claim_id=pending, rating="false", url="https://e.org/x"
        ),
        lambda: service.reject(actor_id=ALICE, claim_id=pending),
        lambda: service.merge(actor_id=ALICE, from_id=pending, into_id=pending),
        lambda: service.add_wording(actor_id=ALICE, claim_id=pending, text="un autre texte assez long"),
        lambda: service.queue(actor_id=ALICE),
        lambda: service.log(actor_id=ALICE),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert service.get_claim(pending).status == Status.PENDING


def test_queue_ranks_by_demand(service: ClaimService, pending: int) -> None:
    lone = service.check(
        text="Des licornes gardent la frontière nord-coréenne la nuit", user_id=CAROL, chat_id=CAROL
    ).queued.id
    page = service.queue(actor_id=ADMIN_ID)
    assert [c.id for c in page.claims] == [pending, lone]
    assert page.claims[0].ask_count == 2


def test_verdict_notifies_everyone_who_asked(service: ClaimService, pending: int) -> None:
    result = service.publish_verdict(
        actor_id=ADMIN_ID,
        claim_id=pending,
        rating="faux",
        url="https://example.org/ours",
        summary="Aucune trace d'ours.",
    )
    assert result.verdict.rating == "false" and not result.is_correction
    assert {r.user_id for r in result.notify} == {ALICE, BOB}
    due = service.due_notifications()
    assert {(n.user_id, n.kind) for n in due} == {(ALICE, "verdict"), (BOB, "verdict")}
    assert due[0].claim.verdict.sources[0].url == "https://example.org/ours"


def test_later_asker_gets_the_answer(service: ClaimService, pending: int) -> None:
    service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/ours"
    )
    result = service.check(text=NEW_CLAIM, user_id=CAROL, chat_id=CAROL)
    assert result.outcome == Outcome.ANSWERED and result.answer.claim.id == pending


def test_correction_keeps_history_and_says_so(service: ClaimService, pending: int) -> None:
    service.publish_verdict(actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/a")
    for n in service.due_notifications():
        service.mark_delivered(n.id)
    result = service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=pending, rating="misleading", url="https://example.org/b"
    )
    assert result.is_correction and result.previous.rating == "false"
    details = service.claim_details(actor_id=ADMIN_ID, claim_id=pending)
    assert [v.rating for v in details.history] == ["false", "misleading"]
    assert {n.kind for n in service.due_notifications()} == {"correction"}


def test_concurrent_reviewer_is_told_of_the_other_verdict(service: ClaimService, pending: int) -> None:
    service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    service.publish_verdict(actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/a")
    second = service.publish_verdict(
        actor_id=REVIEWER_ID, claim_id=pending, rating="true", url="https://example.org/b"
    )
    assert second.raced_with is not None and second.raced_with.reviewer_id == ADMIN_ID
    assert service.get_claim(pending).verdict.rating == "true"


@pytest.mark.parametrize(
    ("rating", "url", "code"),
    [
        ("bogus", "https://example.org", "bad_rating"),
        ("false", "ftp://example.org", "bad_url"),
        ("false", "javascript:alert(1)", "bad_url"),
        ("false", "not a url", "bad_url"),
    ],
)
def test_bad_verdicts_are_refused(
    service: ClaimService, pending: int, rating: str, url: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        service.publish_verdict(actor_id=ADMIN_ID, claim_id=pending, rating=rating, url=url)
    assert err.value.code == code
    assert service.get_claim(pending).status == Status.PENDING


def test_unknown_claim_is_not_found(service: ClaimService) -> None:
    with pytest.raises(NotFound):
        service.publish_verdict(
            actor_id=ADMIN_ID, claim_id=999_999, rating="false", url="https://example.org"
        )


def test_reject_notifies_and_closes(service: ClaimService, pending: int) -> None:
    result = service.reject(actor_id=ADMIN_ID, claim_id=pending, reason="opinion, not checkable")
    assert result.claim.status == Status.REJECTED
    assert {r.user_id for r in result.notify} == {ALICE, BOB}
    with pytest.raises(Conflict):
        service.reject(actor_id=ADMIN_ID, claim_id=pending)


def test_merge_moves_wordings_asks_and_subscribers(service: ClaimService, pending: int) -> None:
    other = service.check(
        text="Des pandas géants conduisent les trains de Vladivostok", user_id=CAROL, chat_id=CAROL
    ).queued.id
    result = service.merge(actor_id=ADMIN_ID, from_id=other, into_id=pending)
    assert result.into.ask_count == 3
    assert result.moved_subscribers == 1
    assert service.get_claim(other).id == pending  # follows the merge
    published = service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/x"
    )
    assert {r.user_id for r in published.notify} == {ALICE, BOB, CAROL}
    again = service.check(
        text="Des pandas géants conduisent les trains de Vladivostok", user_id=99, chat_id=99
    )
    assert again.outcome == Outcome.ANSWERED and again.answer.claim.id == pending


def test_merge_into_itself_is_refused(service: ClaimService, pending: int) -> None:
    with pytest.raises(Conflict):
        service.merge(actor_id=ADMIN_ID, from_id=pending, into_id=pending)


def test_outbox_failures_back_off_then_give_up(service: ClaimService, pending: int) -> None:
    service.publish_verdict(actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/x")
    due = service.due_notifications()
    assert service.due_notifications() == []  # leased
    service.mark_failed(due[0].id, error="Forbidden: bot was blocked by the user", permanent=True)
    service.mark_failed(due[1].id, error="Too Many Requests", retry_after=30)
    assert service.due_notifications() == []
    assert service.stats().notifications_by_status == {"undeliverable": 1, "pending": 1}


def test_forget_removes_personal_data_but_keeps_counts(service: ClaimService, pending: int) -> None:
    service.forget(ALICE)
    assert all(row.user_id != ALICE for row in service.log())
    assert service.get_claim(pending).ask_count == 2
    assert len(service.log()) == 2


@pytest.mark.parametrize("huge", [2**31, 2**40, 10**17, 2**63 - 1])
def test_ids_beyond_the_key_columns_are_simply_not_found(service: ClaimService, huge: int) -> None:
    # PostgreSQL's 32-bit keys reject such a number outright (an error, not "no row"): it never gets there.
    for call in (
        lambda: service.get_claim(huge),
        lambda: service.claim_details(actor_id=ADMIN_ID, claim_id=huge),
        lambda: service.publish_verdict(
            actor_id=ADMIN_ID, claim_id=huge, rating="false", url="https://e.org"
        ),
        lambda: service.merge(actor_id=ADMIN_ID, from_id=huge, into_id=huge - 1),
        lambda: service.unsubscribe(user_id=ALICE, claim_id=huge),
        lambda: service.queue_submission(submission_id=huge, user_id=ALICE),
        lambda: service.choose_suggestion(submission_id=huge, claim_id=1, user_id=ALICE),
    ):
        with pytest.raises(NotFound):
            call()


def test_views_show_each_verdict_with_its_own_sources_in_order(service: ClaimService) -> None:
    sourced = "Giraffes were seen voting in the Helsinki city council elections"
    bare = "Zebras were appointed to the board of the Bank of Finland last spring"
    service.import_records(
        [
            ReviewRecord(
                claim_text=sourced,
                rating=Rating.FALSE,
                sources=[
                    SourceRecord(url="https://a.example/1", publisher="A", title="one"),
                    SourceRecord(url="https://b.example/2", publisher="B", title="two"),
                    SourceRecord(url="https://c.example/3"),
                ],
            ),
            ReviewRecord(claim_text=bare, rating=Rating.TRUE),  # no review URL, no sources
        ]
    )
    first = service.match(sourced, limit=1)[1][0].claim.id
    second = service.match(bare, limit=1)[1][0].claim.id
    service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=first, rating="mostly-false", url="https://fix.example/x"
    )
    details = service.claim_details(actor_id=ADMIN_ID, claim_id=first)
    assert [v.rating for v in details.history] == [Rating.FALSE, Rating.MOSTLY_FALSE]
    assert [(s.url, s.publisher, s.title) for s in details.history[0].sources] == [
        ("https://a.example/1", "A", "one"),
        ("https://b.example/2", "B", "two"),
        ("https://c.example/3", None, None),
    ]
    assert [s.url for s in details.history[1].sources] == ["https://fix.example/x"]
    assert details.verdict == details.history[1] == service.get_claim(first).verdict
    plain = service.get_claim(second)
    assert plain.verdict is not None and plain.verdict.rating == Rating.TRUE and plain.verdict.sources == ()

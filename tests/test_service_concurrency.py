"""Races: identical claims arriving at once, reviewers acting on the same claim at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from claims.demo import load_demo
from claims.matching.index import index_in_use
from claims.service import ClaimService
from claims.settings import Settings
from claims.views import CheckResult, Outcome
from tests.conftest import ADMIN_ID, REVIEWER_ID
from tests.invariants import violations

T = TypeVar("T")

TEXT = "Kim Jong-un a offert un hippopotame nain au zoo de Moscou pendant sa visite"
# Texts sharing no word from one round to the next, so no round's claim is suggested for another's.
ROUNDS = [
    ("penguins elected mayor Oslo landslide", "giraffes delivered Pyongyang armoured train"),
    ("volcano erupted chocolate Lisbon harbour", "astronauts planted potatoes lunar crater"),
    ("dolphins learned Latin aquarium Marseille", "zeppelin crashed cathedral roof Cologne"),
    ("robots replaced judges supreme court Peru", "glacier melted overnight flooding Bern"),
    ("parrots elected senator Brasilia upset", "submarine surfaced inside Geneva fountain"),
    ("lobsters unionised fishermen strike Maine", "emerald meteor landed vineyard Bordeaux"),
]


def _at_once(count: int, call) -> list:
    barrier = threading.Barrier(count)

    def run(i: int):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_fifteen_identical_new_claims_at_once_make_one_claim(
    service: ClaimService, settings: Settings
) -> None:
    # Two service objects stand for two processes sharing the database (separate indexes, separate locks).
    other = ClaimService.from_settings(settings, migrate=False)
    try:
        results = _at_once(
            15, lambda i: (service if i % 2 else other).check(text=TEXT, user_id=100 + i, chat_id=100 + i)
        )
    finally:
        other.close()
    assert {r.outcome for r in results} == {Outcome.QUEUED}
    assert len({r.queued.id for r in results}) == 1
    assert sum(r.new_claim for r in results) == 1
    claim = service.get_claim(results[0].queued.id)
    assert claim.ask_count == 15
    page = service.queue(actor_id=ADMIN_ID)
    assert page.total == 1


def test_two_reviewers_correcting_at_once_lose_neither_verdict(service: ClaimService) -> None:
    service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    claim_id = service.check(text=TEXT, user_id=5, chat_id=5).queued.id
    actors = [ADMIN_ID, REVIEWER_ID]
    results = _at_once(
        2,
        lambda i: service.publish_verdict(
            actor_id=actors[i],
            claim_id=claim_id,
            rating=["false", "misleading"][i],
            url=f"https://example.org/{i}",
        ),
    )
    history = service.claim_details(actor_id=ADMIN_ID, claim_id=claim_id).history
    assert len(history) == 2
    assert service.get_claim(claim_id).verdict.id == max(v.id for v in history)
    assert sum(r.is_correction for r in results) == 1
    assert sum(r.raced_with is not None for r in results) == 1


def test_merge_and_verdict_at_once_leave_a_consistent_claim(
    service: ClaimService, settings: Settings
) -> None:
    # Several races, so both orders happen: whichever lands first wins, the other is refused, nothing is lost.
    for first, second in ROUNDS:
        a = service.check(text=first, user_id=5, chat_id=5).queued.id
        b = service.check(text=second, user_id=6, chat_id=6).queued.id
        outcomes = _at_once(
            2,
            lambda i, a=a, b=b: _try(
                lambda: (
                    service.merge(actor_id=ADMIN_ID, from_id=b, into_id=a)
                    if i == 0
                    else service.publish_verdict(
                        actor_id=ADMIN_ID, claim_id=b, rating="false", url="https://example.org/b"
                    )
                )
            ),
        )
        assert outcomes in ([None, "merged"], ["has_verdict", None]), outcomes
        merged_first = outcomes[0] is None
        assert service.get_claim(b).id == (a if merged_first else b)
        assert service.get_claim(a).ask_count == (2 if merged_first else 1)
        assert service.get_claim(b).status == ("pending" if merged_first else "published")
    assert violations(settings.database_url) == []


def _try(call):
    try:
        call()
    except Exception as exc:
        return getattr(exc, "code", repr(exc))
    return None


def _while_it_waits_for_the_queue(
    service: ClaimService, meanwhile: Callable[[], T], **check: Any
) -> tuple[Any, T]:
    """`service.check(**check)` made in a thread while the queue's lock is held, so that it searches and then
    waits for the queue; `meanwhile()` runs then, before the lock is let go. Both results, the check's first."""
    with ThreadPoolExecutor(1) as pool:
        with service._queue_lock:
            waiting = pool.submit(service.check, **check)
            time.sleep(1.0)
            during = meanwhile()
        return waiting.result(timeout=30), during


def test_a_claim_published_while_a_repeat_waits_for_the_queue_is_not_counted_on(
    service: ClaimService,
) -> None:
    text = "Les pingouins de Sibérie votent aux élections russes depuis 2019"
    first = service.check(text=text, user_id=100, chat_id=100).queued.id
    # The repeat (another wording, so no fingerprint match) searches and finds the pending claim, then waits
    # for the queue while a reviewer publishes that claim.
    result, _ = _while_it_waits_for_the_queue(
        service,
        lambda: service.publish_verdict(
            actor_id=ADMIN_ID, claim_id=first, rating="false", url="https://e.org/p"
        ),
        text="Depuis 2019 les pingouins de Sibérie votent aux élections russes",
        user_id=101,
        chat_id=101,
    )
    # Searched while the claim was pending (else it would have been answered), queued after it was published:
    # a published claim takes no queued ask, so the text opens a claim of its own.
    assert result.outcome == Outcome.QUEUED and result.new_claim and result.queued.id != first
    assert service.get_claim(first).ask_count == 1


def test_a_closed_service_lets_go_of_its_index_for_the_next_writer(settings: Settings, tmp_path) -> None:
    # An import, then the bot (another process) on the same INDEX_DIR: the import's service must release the
    # index's writer lock when closed, not whenever its objects happen to be freed.
    on_disk = settings.model_copy(update={"index_dir": tmp_path / "index"})
    importer = ClaimService.from_settings(on_disk, migrate=False)
    load_demo(importer)
    importer.sync_index()
    assert index_in_use(tmp_path / "index" / "lexical")
    importer.close()
    assert not index_in_use(tmp_path / "index" / "lexical")  # though `importer` is still referenced


def test_a_similar_claim_queued_while_a_text_waits_for_the_queue_is_counted_on(
    service: ClaimService, settings: Settings
) -> None:
    # The text searches while nothing like it is pending, then waits for the queue; meanwhile another process
    # queues a reworded version of it. Its search is then out of date (a wording since shares its terms), so the
    # queue searches again and counts the text there, as a repeat, instead of opening a duplicate claim.
    result, first, _ = _while_another_process_queues(
        service,
        settings,
        "Depuis 2019 les pingouins de Sibérie votent aux élections russes",
        100,
        text="Les pingouins de Sibérie votent aux élections russes depuis 2019",
        user_id=101,
        chat_id=101,
    )
    assert first.new_claim
    assert result.outcome == Outcome.QUEUED and not result.new_claim
    assert result.queued.id == first.queued.id
    assert service.get_claim(first.queued.id).ask_count == 2


def _count_searches(service: ClaimService, searched: list[str]) -> None:
    """From now on, add to `searched` each text `service`'s own index is searched for (the search still runs)."""
    search = service.matcher.search

    def counted(query, **kwargs):
        searched.append(query.text)
        return search(query, **kwargs)

    service.matcher.search = counted  # type: ignore[method-assign]


def _while_another_process_queues(
    service: ClaimService, settings: Settings, queued: str, by: int, /, **check: Any
) -> tuple[CheckResult, CheckResult, list[str]]:
    """`service.check(**check)` waiting for the queue while another process queues the text `queued` from person
    `by`: both results, and the texts `service`'s own index was searched for from then on."""
    other = ClaimService.from_settings(settings, migrate=False)
    searched: list[str] = []

    def meanwhile() -> CheckResult:
        _count_searches(service, searched)
        return other.check(text=queued, user_id=by, chat_id=by)

    try:
        result, queued = _while_it_waits_for_the_queue(service, meanwhile, **check)
    finally:
        other.close()
    return result, queued, searched


def test_a_word_for_word_repeat_counts_on_its_pending_claim_without_searching_again(
    service: ClaimService, settings: Settings
) -> None:
    # The repeat searches, then waits for the queue while another process gives another claim a wording that says
    # the same in another order: its search is out of date (a search now would propose that wording), but a text
    # repeating a pending claim word for word counts on it whatever a search would say, so the queue does not
    # search again.
    text = "Les pingouins de Sibérie votent aux élections russes depuis 2019"
    first = service.check(text=text, user_id=100, chat_id=100).queued.id
    other = ClaimService.from_settings(settings, migrate=False)
    searched: list[str] = []

    def meanwhile() -> int:
        elsewhere = other.check(
            text="Des girafes livrées à Pyongyang dans un train blindé", user_id=102, chat_id=102
        )
        _count_searches(service, searched)
        other.add_wording(
            actor_id=ADMIN_ID,
            claim_id=elsewhere.queued.id,
            text="Depuis 2019 les pingouins de Sibérie votent aux élections russes",
        )
        return elsewhere.queued.id

    try:
        result, elsewhere = _while_it_waits_for_the_queue(
            service, meanwhile, text=text, user_id=101, chat_id=101
        )
    finally:
        other.close()
    assert elsewhere != first
    assert result.outcome == Outcome.QUEUED and not result.new_claim and result.queued.id == first
    assert service.get_claim(first).ask_count == 2
    assert searched == []


def test_a_word_for_word_repeat_of_a_claim_published_while_it_waits_opens_a_claim_of_its_own(
    service: ClaimService,
) -> None:
    text = "Les pingouins de Sibérie votent aux élections russes depuis 2019"
    first = service.check(text=text, user_id=100, chat_id=100).queued.id
    result, _ = _while_it_waits_for_the_queue(
        service,
        lambda: service.publish_verdict(
            actor_id=ADMIN_ID, claim_id=first, rating="false", url="https://e.org/p"
        ),
        text=text,
        user_id=101,
        chat_id=101,
    )
    # The repeat searched while the claim was pending; by the time it is queued the claim is published, so it
    # repeats no pending claim, the queue looks for similar ones (a published claim is not one) and opens one.
    assert result.outcome == Outcome.QUEUED and result.new_claim and result.queued.id != first
    assert service.get_claim(first).ask_count == 1


def test_a_text_too_short_to_answer_is_queued_without_a_search_under_the_queue_lock(
    service: ClaimService, settings: Settings
) -> None:
    # Three words: no claim can be an answer for it, so none can be one it counts on; a claim sharing its words
    # queued meanwhile makes its search out of date, and still the queue does not search again.
    result, near, searched = _while_another_process_queues(
        service,
        settings,
        "Des pingouins sibériens votants ont envahi la mairie de Novossibirsk",
        100,
        text="pingouins sibériens votants",
        user_id=101,
        chat_id=101,
    )
    assert near.new_claim
    assert result.outcome == Outcome.QUEUED and result.new_claim and result.queued.id != near.queued.id
    assert searched == []

"""Searching in worker processes (`MATCH_WORKERS`): the same hits as the service's own search, kept up to date
with new claims and merges, and never a failed check when a worker is missing or dies."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims import matchpool
from claims.aio import AsyncClaimService
from claims.demo import load_demo
from claims.errors import InvalidInput
from claims.matchpool import MatchPool
from claims.service import Banned, ClaimService, _prepared_query
from claims.settings import Settings
from claims.views import Outcome
from tests.conftest import ADMIN_ID, REVIEWER_ID

ALICE, BOB = 11, 12
TEXTS = (
    "Putin and Kim Jong-un met in Moscow",
    "Est-ce vrai que la Russie va envoyer un cosmonaute nord-coréen dans l'espace ?",
    "Kim Jong-un travelled to Russia by armoured train — Someone (@someone) September 12, 2023",
    "Zebras have been elected to the Bundestag in a landslide",
    "Poutine",
)


@pytest.fixture(params=["in memory", "persisted"])
def pooled(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Iterator[ClaimService]:
    """The demo service searching in one worker process, which has its index: built from the database when the
    service's index is in memory, a linked copy of it when it is persisted (INDEX_DIR)."""
    if request.param == "persisted":
        settings = settings.model_copy(update={"index_dir": tmp_path / "index"})
    service = ClaimService.from_settings(settings, migrate=False)
    try:
        load_demo(service)
        assert service.start_match_workers(1)
        pool = service.match_pool
        assert pool is not None and pool.wait_ready(60)
        yield service
    finally:
        service.close()


def _search(pool: MatchPool, text: str) -> list[tuple[int, int, str, float]]:
    found = pool.search(text=text, limit=20)
    assert found is not None, "the worker did not search"
    return [(hit.claim_id, hit.wording_id, hit.tier.value, hit.score) for hit in found[1]]


def _local(service: ClaimService, text: str) -> list[tuple[int, int, str, float]]:
    service.sync_index()
    hits = service.matcher.search(_prepared_query(text, lang_hint=None), limit=20)
    return [(hit.claim_id, hit.wording_id, hit.tier.value, hit.score) for hit in hits]


def _same(found: list[tuple[int, int, str, float]], expected: list[tuple[int, int, str, float]]) -> None:
    # To the last bit: sums over sets are exact (math.fsum), so the order string hashing gives them in each
    # process does not matter.
    assert found == expected


def test_a_worker_finds_what_the_service_finds(pooled: ClaimService) -> None:
    pool = pooled.match_pool
    assert pool is not None and pool.ready == 1
    for text in TEXTS:
        found = pool.search(text=text, limit=20)
        assert found is not None
        query, _ = found
        assert query == _prepared_query(text, lang_hint=None)
        _same(_search(pool, text), _local(pooled, text))
    # A prepared query is searched as it is.
    query = _prepared_query(TEXTS[0], lang_hint="fr")
    found = pool.search(query=query, limit=20)
    assert found is not None and found[0] is not query and found[0] == query
    pooled.sync_index()
    assert found[1][0].claim_id == pooled.matcher.search(query, limit=20)[0].claim_id


def test_checks_through_the_worker_answer_queue_and_refuse_as_before(pooled: ClaimService) -> None:
    answered = pooled.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE)
    assert answered.outcome == Outcome.ANSWERED
    assert answered.answer is not None and answered.answer.claim.text == TEXTS[0]
    french = pooled.check(text=TEXTS[1], user_id=ALICE, chat_id=ALICE)
    assert french.outcome == Outcome.ANSWERED and french.lang == "fr"
    queued = pooled.check(text=TEXTS[3], user_id=BOB, chat_id=BOB)
    assert queued.outcome == Outcome.QUEUED and queued.new_claim
    for nothing in ("🙂🙂🙂", "https://example.org/x", "!!!"):
        with pytest.raises(InvalidInput):
            pooled.check(text=nothing, user_id=ALICE, chat_id=ALICE)


def test_a_claim_queued_after_the_worker_started_is_found_by_it(pooled: ClaimService) -> None:
    pool = pooled.match_pool
    assert pool is not None
    text = "A bakery in Lyon sells croissants covered in gold leaf"
    assert all(row[2] == "none" for row in _search(pool, text))
    first = pooled.check(text=text, user_id=ALICE, chat_id=ALICE)
    assert first.outcome == Outcome.QUEUED and first.new_claim
    top = _search(pool, text)[0]
    assert top[0] == first.queued.id and top[2] == "answer"
    again = pooled.check(
        text="a bakery in Lyon sells croissants covered with gold leaf!", user_id=BOB, chat_id=BOB
    )
    assert again.outcome == Outcome.QUEUED and not again.new_claim and again.queued.id == first.queued.id


def test_claims_written_by_another_process_reach_the_worker(pooled: ClaimService, settings: Settings) -> None:
    other = ClaimService.from_settings(settings, migrate=False)
    try:
        queued = other.check(
            text="Penguins in Siberia vote in Russian elections", user_id=ALICE, chat_id=ALICE
        )
    finally:
        other.close()
    pool = pooled.match_pool
    assert pool is not None
    assert _search(pool, "penguins in siberia vote in russian elections")[0][0] == queued.queued.id


def test_a_merge_reaches_the_worker(pooled: ClaimService) -> None:
    first = pooled.check(
        text="A bakery in Lyon sells croissants covered in gold leaf", user_id=ALICE, chat_id=ALICE
    )
    second = pooled.check(
        text="Golden croissants are the speciality of a Lyon baker", user_id=BOB, chat_id=BOB
    )
    assert first.queued.id != second.queued.id
    pooled.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    pooled.merge(actor_id=REVIEWER_ID, from_id=second.queued.id, into_id=first.queued.id)
    pool = pooled.match_pool
    assert pool is not None
    found = _search(pool, "Golden croissants are the speciality of a Lyon baker")
    assert found[0][0] == first.queued.id
    assert second.queued.id not in [row[0] for row in found]
    # The same claims and tiers; not quite the same scores: the service's index counted the moved wording's
    # length twice (replacements are not subtracted from BM25's mean length), the worker's read it once.
    expected = _local(pooled, "Golden croissants are the speciality of a Lyon baker")
    assert [row[:3] for row in found] == [row[:3] for row in expected]


def test_a_worker_that_dies_is_replaced_and_checks_never_fail(
    pooled: ClaimService, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = pooled.match_pool
    assert pool is not None
    (pid,) = pool.pids
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    # The search it was asked for comes back empty-handed; the check searches in the bot instead.
    result = pooled.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE)
    assert result.outcome == Outcome.ANSWERED and result.answer.claim.text == TEXTS[0]
    assert pool.ready == 0 and pool.search(text=TEXTS[0], limit=20) is None
    # Restarted once its pause is over, with its own index built afresh.
    monkeypatch.setattr(matchpool, "RESTART_AFTER", 0.0)
    assert pool.ready == 0  # noticed now, started now
    assert pool.wait_ready(60)
    (new_pid,) = pool.pids
    assert new_pid != pid
    _same(_search(pool, TEXTS[0]), _local(pooled, TEXTS[0]))
    index_dir = pooled.matcher.index_dir
    if index_dir is not None:  # the killed worker's copy of the index is removed, the new one's made
        assert not matchpool._copy_dir(index_dir, pid).exists()
        assert matchpool._copy_dir(index_dir, new_pid).is_dir()


def test_workers_are_stopped_with_the_service(demo: ClaimService) -> None:
    assert demo.start_match_workers(2)
    pool = demo.match_pool
    assert pool is not None and pool.wait_ready(60)
    pids = pool.pids
    assert len(set(pids)) == 2
    demo.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_no_workers_for_an_in_memory_database() -> None:
    settings = Settings(_env_file=None, database_url="sqlite://")
    service = ClaimService.from_settings(settings, migrate=False)
    try:
        assert not service.start_match_workers(2)
        assert service.match_pool is None
        assert not service.start_match_workers(0)
    finally:
        service.close()


def test_a_worker_opens_a_linked_copy_of_a_persisted_index(settings: Settings, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    stale = tmp_path / ".index.match-worker-999999999"  # a worker killed before it could remove its copy
    stale.mkdir()
    service = ClaimService.from_settings(settings.model_copy(update={"index_dir": index_dir}), migrate=False)
    try:
        load_demo(service)
        service.matcher.save()  # committed: what a copy is made of
        assert service.start_match_workers(1)
        pool = service.match_pool
        assert pool is not None and pool.wait_ready(60)
        assert not stale.exists()
        (pid,) = pool.pids
        copy = tmp_path / f".index.match-worker-{pid}" / "lexical"
        # Links, not copies: the same files (inodes) as the service's segments.
        segments = [path for path in (index_dir / "lexical").iterdir() if path.suffix == ".idx"]
        assert segments
        for segment in segments:
            assert (copy / segment.name).stat().st_ino == segment.stat().st_ino
        for text in TEXTS:
            _same(_search(pool, text), _local(service, text))
        # What the service adds after the copy was made is found by the worker (from the database).
        queued = service.check(text="Giraffes learned to swim across the Rhine", user_id=ALICE, chat_id=ALICE)
        assert _search(pool, "giraffes learned to swim across the Rhine")[0][0] == queued.queued.id
    finally:
        service.close()
    assert not copy.parent.exists()  # removed by the worker as it stopped


@contextlib.contextmanager
def _stopped(pid: int) -> Iterator[None]:
    """The worker frozen (it reads nothing and answers nothing) until the block ends."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def test_a_search_that_might_wait_to_be_sent_is_declined_without_blocking(pooled: ClaimService) -> None:
    pool = pooled.match_pool
    assert pool is not None
    (pid,) = pool.pids
    text = ("Putin and Kim Jong-un met in Moscow " * 60)[:2000]
    calls = []
    with _stopped(pid):
        started = time.monotonic()
        while (call := pool.submit(text=text, limit=20, block=False)) is not None:
            calls.append(call)
            assert len(calls) < 1000, "never declined"
        assert time.monotonic() - started < 5  # none of the sends waited on the frozen worker
        # Declined once its requests would pass the budget, well under what the pipe holds.
        assert sum(call.size for call in calls) <= matchpool.UNANSWERED_BYTES
        assert len(calls) >= matchpool.UNANSWERED_BYTES // calls[0].size - 1
        assert not any(call.done.is_set() for call in calls)
    # Thawed, the worker answers every one of them, and takes new ones without blocking again.
    for call in calls:
        found = pool.result(call)
        assert found is not None and found[1][0].claim_id == _search(pool, TEXTS[0])[0][0]
    assert pool.submit(text=text, limit=20, block=False) is not None


async def test_a_check_holds_no_thread_while_the_worker_searches(pooled: ClaimService) -> None:
    pool = pooled.match_pool
    assert pool is not None
    (pid,) = pool.pids
    expected = pooled.check(text=TEXTS[0], user_id=BOB, chat_id=BOB)
    service = AsyncClaimService(pooled, threads=1)
    alice = pooled.person(ALICE)
    with _stopped(pid):
        check = asyncio.create_task(service.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE, person=alice))
        await asyncio.sleep(0.3)
        assert not check.done()  # waiting for the frozen worker...
        # ...without the service's only thread: other calls go on meanwhile.
        person = await asyncio.wait_for(service.person(BOB), 5)
        assert person.user_id == BOB
    result = await asyncio.wait_for(check, 30)
    assert result.outcome == Outcome.ANSWERED == expected.outcome
    assert result.answer.claim.id == expected.answer.claim.id and result.answer.score == expected.answer.score
    # Refused or invalid as ever, before anything is sent.
    for nothing in ("🙂🙂🙂", "   "):
        with pytest.raises(InvalidInput):
            await service.check(text=nothing, user_id=ALICE, chat_id=ALICE, person=alice)


async def test_a_check_whose_worker_never_answers_is_answered_by_the_bot(
    pooled: ClaimService, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = pooled.match_pool
    assert pool is not None
    (pid,) = pool.pids
    monkeypatch.setattr(matchpool, "REPLY_TIMEOUT", 0.5)
    service = AsyncClaimService(pooled, threads=1)
    with _stopped(pid):
        result = await asyncio.wait_for(
            service.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE, person=pooled.person(ALICE)), 30
        )
    assert result.outcome == Outcome.ANSWERED and result.answer.claim.text == TEXTS[0]
    assert pool.ready == 0  # given up on (killed), to be restarted after its pause


async def test_a_check_without_the_senders_row_reads_it_after_the_search_and_refuses_a_ban(
    pooled: ClaimService,
) -> None:
    # The bot's guard leaves a plain text's sender to the check: the search goes to the worker all the same
    # (no thread held), and the row is read where the check is written down.
    service = AsyncClaimService(pooled, threads=1)
    pooled.set_language(user_id=ALICE, lang="fr")
    result = await asyncio.wait_for(service.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE), 30)
    assert result.outcome == Outcome.ANSWERED
    assert result.person is not None and (result.person.user_id, result.person.language) == (ALICE, "fr")
    # Handed the caller's read, the check reads nothing and returns none.
    again = await service.check(text=TEXTS[0], user_id=ALICE, chat_id=ALICE, person=pooled.person(ALICE))
    assert again.outcome == Outcome.ANSWERED and again.person is None
    pooled.ban(actor_id=ADMIN_ID, user_id=BOB)
    logged = len(pooled.log())
    started = pooled.start_check(text=TEXTS[0], user_id=BOB, person=None, notify=lambda: None)
    assert started is not None  # sent to the worker without the row...
    with pytest.raises(Banned):  # ...and refused once it is read, before anything is written
        pooled.finish_check(started, user_id=BOB, chat_id=BOB)
    assert len(pooled.log()) == logged

"""The match index takes new wordings by id (its watermark), so ids must follow the order transactions commit in.

On SQLite one writer at a time makes it so. On PostgreSQL ids are handed out at insert time: a wording whose
transaction committed after one with a higher id was never indexed, by the bot, its workers or a persisted index.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from claims.db import WORDING_LOCK_KEY, is_sqlite
from claims.demo import load_demo
from claims.errors import DatabaseUnavailable
from claims.ratings import Rating
from claims.records import ReviewRecord
from claims.service import ClaimService
from claims.settings import Settings
from claims.text import fingerprint
from claims.transfer import BATCH
from claims.views import CheckResult, Outcome
from tests.conftest import ADMIN_ID

SLOW = "Des pingouins ont élu le maire d'Oslo lors d'un scrutin surprise en Norvège"
FAST = "Un sous-marin a fait surface dans le jet d'eau de Genève au petit matin"


def _wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _someone_waits_for_a_lock(service: ClaimService) -> bool:
    waiting = service.db.rows(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )
    return bool(waiting[0][0])


def _insert_claim_with_wording(connection: Connection, claim_text: str) -> int:
    """What an import or another program writing SQL does: a claim and its wording, by hand."""
    claim_id = connection.execute(
        text(
            "INSERT INTO claim (text, lang, status, ask_count, created_at, updated_at, appearances, version) "
            "VALUES (:t, 'fr', 'pending', 0, now(), now(), '[]', 1) RETURNING id"
        ),
        {"t": claim_text},
    ).scalar_one()
    connection.execute(
        text(
            "INSERT INTO wording (claim_id, text, lang, kind, fingerprint, created_at) "
            "VALUES (:c, :t, 'fr', 'claim', md5(:t), now())"
        ),
        {"c": claim_id, "t": claim_text},
    )
    return claim_id


def _best_match(service: ClaimService, claim_text: str) -> int | None:
    _, candidates = service.match(claim_text, limit=1)
    return candidates[0].claim.id if candidates else None


def test_a_wording_committed_after_one_with_a_higher_id_is_still_indexed(service: ClaimService) -> None:
    if service.db.sqlite:
        pytest.skip("SQLite has one writer at a time: its ids follow commit order already")
    service.sync_index()
    slow = service.db.engine.connect()
    slow_tx = slow.begin()
    slow_claim = _insert_claim_with_wording(slow, SLOW)  # and the transaction stays open
    results: list[CheckResult] = []
    # Meanwhile a person's unknown text is queued: a new claim and a new wording.
    fast = threading.Thread(target=lambda: results.append(service.check(text=FAST, user_id=5, chat_id=5)))
    fast.start()
    _wait_until(lambda: not fast.is_alive() or _someone_waits_for_a_lock(service))
    service.sync_index()  # the bot's next search: it used to take the queued wording's id and move past SLOW's
    slow_tx.commit()
    slow.close()
    fast.join(10)
    assert results and results[0].outcome == Outcome.QUEUED
    assert _best_match(service, FAST) == results[0].queued.id
    assert _best_match(service, SLOW) == slow_claim


def test_a_reviewer_adding_a_wording_during_an_import_that_updates_the_claim_waits_for_it(
    service: ClaimService,
) -> None:
    # The alias locks the claim, then inserts a wording; the import inserts wordings, then updates the claim in
    # its next batch. Each holding what the other waits for was a deadlock: PostgreSQL aborts one of them.
    if service.db.sqlite:
        pytest.skip("SQLite has one writer at a time")
    target = ReviewRecord(
        claim_text=SLOW, rating=Rating.FALSE, review_url="https://factcheck.example/penguins"
    )
    service.import_records([target])
    claim_id = service.match(SLOW, limit=1)[1][0].claim.id
    first_batch = [
        ReviewRecord(claim_text=f"Filler claim {n} about harbour cranes", review_url=f"https://f.example/{n}")
        for n in range(BATCH)
    ]
    update = ReviewRecord(claim_text=SLOW, rating=Rating.MISLEADING, review_url=target.review_url)
    first_batch_done, go_on = threading.Event(), threading.Event()

    def pause_after_the_first_batch(_count: int) -> None:
        if not first_batch_done.is_set():
            first_batch_done.set()
            go_on.wait(10)

    outcome: dict[str, object] = {}

    def run(name: str, call: Callable[[], object]) -> threading.Thread:
        def body() -> None:
            try:
                outcome[name] = call()
            except Exception as exc:  # the assertions below name it
                outcome[name] = exc

        thread = threading.Thread(target=body)
        thread.start()
        return thread

    importing = run(
        "import",
        lambda: service.import_records([*first_batch, update], progress=pause_after_the_first_batch),
    )
    assert first_batch_done.wait(10)
    aliasing = run(
        "alias", lambda: service.add_wording(actor_id=ADMIN_ID, claim_id=claim_id, text=FAST, lang="fr")
    )
    _wait_until(lambda: not aliasing.is_alive() or _someone_waits_for_a_lock(service))
    go_on.set()
    importing.join(20)
    aliasing.join(20)
    assert not isinstance(outcome["import"], Exception), outcome["import"]
    assert not isinstance(outcome["alias"], Exception), outcome["alias"]
    assert _best_match(service, FAST) == claim_id
    assert service.get_claim(claim_id).verdict.rating == Rating.MISLEADING


def test_a_text_queued_while_an_import_holds_the_wordings_waits_no_longer_than_the_database_timeout(
    settings: Settings,
) -> None:
    if is_sqlite(settings.database_url):
        pytest.skip("SQLite's own busy timeout bounds the wait (tests/test_db_writes.py)")
    service = ClaimService.from_settings(settings.model_copy(update={"database_timeout": 1.0}), migrate=False)
    try:
        with service.db.engine.connect() as importing, importing.begin():
            _insert_claim_with_wording(importing, SLOW)
            outcome: list[object] = []

            def check() -> None:
                try:
                    outcome.append(service.check(text=FAST, user_id=5, chat_id=5))
                except DatabaseUnavailable as exc:
                    outcome.append(exc)

            thread = threading.Thread(target=check)
            thread.start()
            thread.join(15)  # without a bound it waits for the import however long that takes
            assert not thread.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], DatabaseUnavailable)
        # Nothing of it was written: sent again once the import is over, it is queued as new.
        again = service.check(text=FAST, user_id=5, chat_id=5)
        assert again.outcome == Outcome.QUEUED and again.new_claim
    finally:
        service.close()


def _insert_wording_with_id(service: ClaimService, wording_id: int, claim_id: int, wording: str) -> None:
    with service.db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO wording (id, claim_id, text, lang, kind, fingerprint, created_at) "
                "VALUES (:id, :c, :t, 'fr', 'alias', :f, CURRENT_TIMESTAMP)"
            ),
            {"id": wording_id, "c": claim_id, "t": wording, "f": fingerprint(wording)},
        )


def test_a_restart_indexes_what_a_persisted_index_missed_below_its_watermark(
    settings: Settings, tmp_path: Path
) -> None:
    # What an index persisted before the commit-order lock looks like: a wording below the watermark, unseen.
    settings = settings.model_copy(update={"index_dir": tmp_path / "index"})
    first = ClaimService.from_settings(settings, migrate=False)
    try:
        load_demo(first)
        first.sync_index()
        claim_id = first.match("Kim Jong-un a visité la Russie", limit=1)[1][0].claim.id
        top = first.matcher.watermark
        _insert_wording_with_id(first, top + 5, claim_id, "Le train blindé est arrivé à Vladivostok")
        first.sync_index()
        _insert_wording_with_id(first, top + 2, claim_id, FAST)  # committed late, below the watermark now
        assert first.sync_index() == 0  # the sync by id cannot see it
        assert _best_match(first, FAST) != claim_id
    finally:
        first.close()
    restarted = ClaimService.from_settings(settings, migrate=False)
    try:
        assert _best_match(restarted, FAST) == claim_id
        assert len(restarted.matcher) == restarted.stats().wordings
    finally:
        restarted.close()


def test_the_trigger_and_the_service_take_the_same_lock(service: ClaimService) -> None:
    # Migration 0003 freezes the key; `hold_wording_ids` must take that one, or it orders nothing.
    if service.db.sqlite:
        pytest.skip("no trigger on SQLite")
    source = service.db.rows(
        text("SELECT prosrc FROM pg_proc WHERE proname = 'wording_ids_in_commit_order'")
    )[0][0]
    assert f"pg_advisory_xact_lock({WORDING_LOCK_KEY})" in source

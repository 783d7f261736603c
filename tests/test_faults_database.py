"""The database goes away: people are told to retry, and the service recovers by itself when it is back."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import TextClause, text

from claims.db import Database, Prepared, upgrade
from claims.errors import DatabaseUnavailable
from claims.service import ClaimService
from claims.settings import Settings
from claims.views import Outcome
from tests.pg_cluster import Cluster, started_cluster

TEXT = "Kim Jong-un a offert un hippopotame nain au zoo de Moscou pendant sa visite"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from started_cluster()


def test_postgres_stopped_gives_unavailable_then_recovers(cluster: Cluster) -> None:
    service = ClaimService.from_settings(
        Settings(_env_file=None, database_url=cluster.url, database_timeout=2), migrate=False
    )
    try:
        assert service.check(text=TEXT, user_id=1, chat_id=1).outcome == Outcome.QUEUED
        cluster.stop()
        with pytest.raises(DatabaseUnavailable):
            service.check(text=TEXT, user_id=2, chat_id=2)
        cluster.start()
        again = service.check(text=TEXT, user_id=3, chat_id=3)
        assert again.outcome == Outcome.QUEUED and not again.new_claim
        assert service.get_claim(again.queued.id).ask_count == 2  # the failed ask was not half-written
    finally:
        service.close()


def test_locked_sqlite_gives_unavailable_then_recovers(tmp_path: Path) -> None:
    path = tmp_path / "claims.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    service = ClaimService.from_settings(
        Settings(_env_file=None, database_url=url, database_timeout=0.3), migrate=False
    )
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseUnavailable):
            service.check(text=TEXT, user_id=1, chat_id=1)
        with pytest.raises(DatabaseUnavailable):
            service.db.rows(Prepared(text("SELECT count(*) FROM wording WHERE id > :after")), {"after": 0})
        blocker.execute("ROLLBACK")
        assert service.check(text=TEXT, user_id=1, chat_id=1).outcome == Outcome.QUEUED
    finally:
        blocker.close()
        service.close()


@pytest.mark.parametrize("through", [text, lambda sql: Prepared(text(sql))], ids=["sqlalchemy", "prepared"])
def test_postgres_restarted_under_kept_connections_answers_the_next_read(
    cluster: Cluster, through: Callable[[str], TextClause | Prepared]
) -> None:
    db = Database(cluster.url, timeout=2)
    try:
        # Three connections kept idle by reads made at once (the server will have dropped them all).
        with ThreadPoolExecutor(3) as pool:
            barrier = threading.Barrier(3)

            def read(_: int) -> int:
                barrier.wait(10)
                return db.rows(through("SELECT 1 FROM pg_sleep(:t)"), {"t": 0.2})[0][0]

            assert list(pool.map(read, range(3))) == [1, 1, 1]
        cluster.stop()
        with pytest.raises(DatabaseUnavailable):
            db.rows(through("SELECT 1"))
        cluster.start()
        # The first read meets a dropped connection, replaces it and runs again: nobody sees the restart.
        assert [db.rows(through("SELECT 1"))[0][0] for _ in range(3)] == [1, 1, 1]
    finally:
        db.dispose()

"""Write transactions of one process on SQLite: taken in turn, and a turn that does not come is reported."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, text

from claims.db import _MAX_IDLE, Database, upgrade
from claims.errors import DatabaseUnavailable


@pytest.fixture
def database(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'claims.sqlite3'}"
    upgrade(url)
    db = Database(url, timeout=0.3)
    yield db
    db.dispose()


def _add_person(db: Database, user_id: int) -> None:
    with db.write() as session:
        session.exec(
            text(
                "INSERT INTO person (user_id, role, banned, first_seen) VALUES (:id, 'user', 0, '2024-01-01')"
            ),
            params={"id": user_id},
        )


@contextlib.contextmanager
def _held(database: Database, *, core: bool = False) -> Iterator[None]:
    """A write transaction (a session's, or with `core` a connection's) open in another thread meanwhile."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with database.transaction() if core else database.write() as writer:
            writer.execute(text("SELECT 1"))  # the transaction has begun: SQLite's write lock is taken
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        holder.join()


def test_a_write_waiting_longer_than_the_timeout_is_unavailable_and_changes_nothing(
    database: Database,
) -> None:
    with _held(database), pytest.raises(DatabaseUnavailable):
        _add_person(database, 1)
    _add_person(database, 2)
    with database.read() as session:
        assert session.exec(text("SELECT user_id FROM person")).scalars().all() == [2]


def test_many_threads_writing_at_once_all_get_their_turn(database: Database) -> None:
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def write(user_id: int) -> None:
        barrier.wait()
        try:
            _add_person(database, user_id)
        except BaseException as exc:  # collected: an assertion in a thread would go unnoticed
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.read() as session:
        assert session.exec(text("SELECT count(*) FROM person")).scalar_one() == 16


def test_a_hot_path_read_holds_no_transaction_on_postgresql(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        # Two reads on the same kept connection: each statement is a transaction of its own (autocommit), so
        # nothing stays open on the server between them.
        first = db.rows(text("SELECT pg_current_xact_id()::text"))[0][0]
        second = db.rows(text("SELECT pg_current_xact_id()::text"))[0][0]
        assert first != second
        assert len(db._idle_reads) == 1  # the one connection, kept for the next read
        with db.read() as session:  # several reads that must agree still share one transaction
            one = session.exec(text("SELECT pg_current_xact_id()::text")).one()[0]
            assert session.exec(text("SELECT pg_current_xact_id()::text")).one()[0] == one
    finally:
        db.dispose()


def test_a_hot_path_read_sends_no_begin_on_sqlite(database: Database) -> None:
    _add_person(database, 7)
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement.split()[0].upper())

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        assert database.rows(text("SELECT count(*) FROM person"))[0][0] == 1
        assert sent == ["SELECT"]  # no transaction around it: a writer is not held up by this reader
        sent.clear()
        with database.read() as session:  # several reads that must agree still share one transaction
            session.exec(text("SELECT count(*) FROM person")).one()
            assert session.connection().connection.dbapi_connection.in_transaction is True
        assert sent == ["BEGIN", "SELECT"]
        sent.clear()
        _add_person(database, 8)  # and writes still take the write lock up front
        assert sent == ["BEGIN", "INSERT"]
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


_INSERT_PERSON = text(
    "INSERT INTO person (user_id, role, banned, first_seen) VALUES (:id, 'user', 0, '2024-01-01')"
)


def _people(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.exec(text("SELECT user_id FROM person ORDER BY user_id")).scalars())


def test_a_core_transaction_commits_on_success_and_changes_nothing_on_error(database: Database) -> None:
    with database.transaction() as connection:
        connection.execute(_INSERT_PERSON, {"id": 1})
    with pytest.raises(RuntimeError), database.transaction() as connection:
        connection.execute(_INSERT_PERSON, {"id": 2})
        raise RuntimeError("after the insert")
    assert _people(database) == [1]


def test_a_core_transaction_takes_the_write_lock_up_front_and_waits_its_turn(database: Database) -> None:
    other = Database(database.url, timeout=0.3)  # another process: its own connections, none of our locks
    try:
        with _held(database, core=True):
            with pytest.raises(DatabaseUnavailable):  # a session's write waits for it as for another session
                _add_person(database, 1)
            with pytest.raises(DatabaseUnavailable), other.transaction() as connection:  # SQLite's lock
                connection.execute(_INSERT_PERSON, {"id": 2})
    finally:
        other.dispose()
    _add_person(database, 3)
    assert _people(database) == [3]


def _checkouts(db: Database) -> list[int]:
    """A list that counts the pool checkouts of `db` from now on (one item per checkout)."""
    taken: list[int] = []
    event.listen(db.engine.pool, "checkout", lambda *_args: taken.append(1))
    return taken


def test_hot_path_reads_and_core_writes_reuse_their_connections_and_see_each_others_writes(
    database: Database,
) -> None:
    taken = _checkouts(database)
    for user_id in range(1, 21):
        with database.transaction() as connection:
            connection.execute(_INSERT_PERSON, {"id": user_id})
        # Each read sees the write committed just before it.
        assert database.rows(text("SELECT count(*) FROM person"))[0][0] == user_id
    assert len(taken) == 2  # one connection for the reads, one for the writes, kept between uses


def test_a_read_or_write_that_fails_leaves_no_broken_connection_behind(database: Database) -> None:
    database.rows(text("SELECT 1"))
    taken = _checkouts(database)
    with pytest.raises(DatabaseUnavailable):
        database.rows(text("SELECT * FROM no_such_table"))
    with pytest.raises(RuntimeError), database.transaction() as connection:
        connection.execute(_INSERT_PERSON, {"id": 1})
        raise RuntimeError("after the insert")
    # Each failure closed its connection: the next read and write start from fresh ones, and work.
    with database.transaction() as connection:
        connection.execute(_INSERT_PERSON, {"id": 2})
    assert [row[0] for row in database.rows(text("SELECT user_id FROM person"))] == [2]
    # Three checkouts: the failed write's own (no write had been made before), the next write's, and the
    # next read's; the read connection kept from before the failed read went with it.
    assert len(taken) == 3


def test_threads_reading_at_once_never_share_a_connection(database: Database) -> None:
    _add_person(database, 1)
    in_use: set[int] = set()
    shared: list[int] = []
    guard = threading.Lock()

    # Every statement of a read marks its connection busy from the moment the driver runs it until the rows
    # are fetched; two threads on one connection at once would show up here.
    def started(conn: Connection, *_args: object) -> None:
        with guard:
            key = id(conn.connection.dbapi_connection)
            if key in in_use:
                shared.append(key)
            in_use.add(key)

    def ended(conn: Connection, *_args: object) -> None:
        with guard:
            in_use.discard(id(conn.connection.dbapi_connection))

    start = threading.Barrier(8)
    counts: list[int] = []

    def read() -> None:
        start.wait(10)
        for _ in range(50):
            counts.append(database.rows(text("SELECT count(*) FROM person"))[0][0])

    event.listen(database.engine, "before_cursor_execute", started)
    event.listen(database.engine, "after_cursor_execute", ended)
    try:
        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        event.remove(database.engine, "before_cursor_execute", started)
        event.remove(database.engine, "after_cursor_execute", ended)
    assert shared == []
    assert counts == [1] * 400
    # Eight readers at once; only a few connections stay out of the pool for the next reads.
    assert database.engine.pool.checkedout() <= _MAX_IDLE < 8


def test_idle_connections_keep_no_snapshot_that_would_stop_a_checkpoint(database: Database) -> None:
    database.rows(text("SELECT count(*) FROM person"))
    _add_person(database, 1)  # the write connection is idle too, now
    other = sqlite3.connect(database.engine.url.database, isolation_level=None)
    try:
        busy, _log, _done = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        other.close()
    assert busy == 0  # no reader or writer of ours held the WAL back


def test_dispose_closes_the_idle_connections(database: Database) -> None:
    database.rows(text("SELECT 1"))
    with database.transaction() as connection:
        connection.execute(_INSERT_PERSON, {"id": 1})
    pool = database.engine.pool
    assert pool.checkedout() == 2  # kept out of the pool between uses
    database.dispose()
    assert pool.checkedout() == 0
    assert _people(database) == [1]  # and the database opens again on the next use

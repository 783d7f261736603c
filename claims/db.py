"""Engines, sessions and migrations for SQLite (default) and PostgreSQL, behind one small class.

The store is synchronous (SQLModel sessions); the bot reaches it through `claims.aio`, which runs every call in a
bounded thread pool. SQLite has no asyncio driver that avoids threads anyway, and one code path for both databases
keeps the CLI, the bot and the tests on the same code.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Executable, Row, create_engine, event, text
from sqlalchemy.engine import Compiled, Dialect, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from claims.errors import DatabaseUnavailable

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock that a transaction inserting wordings holds until it ends (migration 0003's trigger
# takes it before the first id is drawn), so wording ids follow commit order, as the index's sync by id needs.
WORDING_LOCK_KEY = 7_204_118


def is_sqlite(url: str) -> bool:
    """True for SQLite URLs."""
    return make_url(url).get_backend_name() == "sqlite"


class Prepared:
    """A Core statement compiled once per dialect and run on the driver's own cursor (`Database.rows`,
    `run_prepared`). Parameters and values are converted by the columns' own types (`bind_processor`,
    `result_processor`), as SQLAlchemy converts them; rows come back as named tuples. The cursor events
    (`before_cursor_execute`, `after_cursor_execute`) are dispatched to whoever listens; no others.

    For the few statements that run on every check (the sender's row, the claim log's insert, the answer's
    verdict, the wordings sync before each search). Inside the running bot SQLAlchemy's execution path around a
    statement cost ~70 us of CPU on top of the driver's ~30 us (benchmarks/README.md, "SQLAlchemy's cost per
    statement"): a process that runs PTB, aiohttp and the event loop between two statements runs that long
    path with cold caches, where a tight loop measures ~20 us.

    `column_keys`: for an INSERT, the columns its parameters give (the statement is compiled for those). An
    expanding parameter (`IN` a list) is written out for each length of list it is given, once per length."""

    __slots__ = ("_expanding", "_plans", "column_keys", "statement")

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._plans: dict[tuple, _Plan] = {}
        self._expanding: tuple[str, ...] | None = None  # its expanding parameters, known once compiled

    def plan(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        """What running it on `dialect` with `params` takes, worked out once (per length of list given to an
        expanding parameter)."""
        key = (dialect.name, *(len(params[name]) for name in self._expanding or ()))
        plan = self._plans.get(key)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)  # type: ignore[attr-defined]
            self._expanding = tuple(bind.key for bind in compiled.bind_names if bind.expanding)
            key = (dialect.name, *(len(params[name]) for name in self._expanding))
            plan = self._plans[key] = _Plan.of(self.statement, compiled, dialect, self._expanding, params)
        return plan

    def __repr__(self) -> str:
        return f"Prepared({type(self.statement).__name__}, {self.column_keys!r})"


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    defaults: dict[
        str, Any
    ]  # every parameter, with the value the statement gives (a literal) or a placeholder
    expansions: tuple[tuple[str, tuple[str, ...]], ...]  # an expanding parameter: the names its items take
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]  # parameters the driver takes converted
    positional: tuple[str, ...] | None  # parameter names in order, for a driver taking `?`; None: by name
    row: type[tuple] | None  # a named tuple of the columns it returns; None: plain tuples (text, or no rows)
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # columns whose values are converted

    @classmethod
    def of(
        cls,
        statement: Executable,
        compiled: Compiled,
        dialect: Dialect,
        expanding: tuple[str, ...],
        params: Mapping[str, Any],
    ) -> _Plan:
        sql, positional = compiled.string, compiled.positiontup if compiled.positional else None  # type: ignore[attr-defined]
        expansions: dict[str, list[str]] = {}
        if expanding:
            state = compiled.construct_expanded_state({name: list(params[name]) for name in expanding})  # type: ignore[attr-defined]
            sql, positional, expansions = state.statement, state.positiontup, state.parameter_expansion
        processors = []
        for bind, name in compiled.bind_names.items():  # type: ignore[attr-defined]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:  # an expanding parameter's items take its type's conversion
                processors += [(item, process) for item in expansions.get(bind.key, [name])]
        columns = list(
            getattr(statement, "selected_columns", None) or getattr(statement, "exported_columns", ())
        )
        results = []
        for index, column in enumerate(columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                results.append((index, process))
        defaults = compiled.construct_params(_check=False)  # type: ignore[attr-defined]
        return cls(
            sql=sql,
            defaults={name: value for name, value in defaults.items() if name not in expansions},
            expansions=tuple((name, tuple(items)) for name, items in expansions.items()),
            processors=tuple(processors),
            positional=tuple(positional) if positional is not None else None,
            row=namedtuple("Row", [column.key for column in columns]) if columns else None,  # type: ignore[misc]
            results=tuple(results),
        )


def as_connection(reader: Session | Connection) -> Connection:
    """The connection a statement goes through: a session's own (inside its transaction), or the connection
    itself (a write made of Core statements has no session)."""
    return reader.connection() if isinstance(reader, Session) else reader


def run_prepared(executor: Connection | Session, prepared: Prepared, params: Mapping[str, Any]) -> list[Any]:
    """Run `prepared` on a connection, or on a session's connection (inside its transaction); its rows."""
    return _run_prepared(as_connection(executor), prepared, params)


def _rows_of(
    connection: Connection, statement: Executable | Prepared, params: Mapping[str, Any] | None
) -> list:
    """Every row of `statement` on `connection`: a prepared one through the driver, any other through SQLAlchemy."""
    if isinstance(statement, Prepared):
        return _run_prepared(connection, statement, params or {})
    return connection.execute(statement, params).all()


def _run_prepared(connection: Connection, prepared: Prepared, params: Mapping[str, Any]) -> list[Any]:
    """The driver runs it; its errors come out as SQLAlchemy's would (`DBAPIError` and its kinds, marked
    invalidated when the connection was lost, which then invalidates it)."""
    dialect = connection.dialect
    plan = prepared.plan(dialect, params)
    values = {**plan.defaults, **params}
    for name, items in plan.expansions:
        values.update(zip(items, values.pop(name), strict=True))
    for name, process in plan.processors:
        values[name] = process(values[name])
    arguments: Any = values if plan.positional is None else tuple([values[name] for name in plan.positional])
    dbapi_connection = connection.connection
    cursor = dbapi_connection.cursor()
    # Statement counters and timers (tests, benchmarks/statements.py) see it as they see any other.
    dispatch = connection.dispatch
    try:
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(connection, cursor, plan.sql, arguments, None, False)
        cursor.execute(plan.sql, arguments)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(connection, cursor, plan.sql, arguments, None, False)
        rows = cursor.fetchall() if cursor.description is not None else []
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, dbapi_connection, cursor)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            plan.sql, arguments, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect
        ) from exc
    finally:
        cursor.close()
    if plan.results:
        rows = [list(row) for row in rows]
        for row in rows:
            for index, process in plan.results:
                row[index] = process(row[index])
    make = plan.row._make if plan.row is not None else tuple
    return [make(row) for row in rows]


def make_engine(url: str, *, timeout: float = 5.0) -> Engine:
    """An engine tuned for the bot: WAL and a busy timeout on SQLite, pre-ping on PostgreSQL."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})
        _configure_sqlite(engine, timeout)
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=timeout,
        connect_args={"connect_timeout": max(1, round(timeout))},
    )
    _configure_postgres(engine, timeout)
    return engine


def _configure_postgres(engine: Engine, timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: psycopg.Connection, _record: object) -> None:
        # A lock (a row, the queue's, the wordings' while an import runs) is waited for as long as SQLite's
        # busy timeout lets a writer wait, then the person is told to retry: never a thread stuck for minutes.
        dbapi_connection.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        dbapi_connection.commit()


def advisory_xact_lock(connection: Connection, key: int) -> None:
    """Take PostgreSQL's advisory lock `key` until the transaction of `connection` ends."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def hold_wording_ids(session: Session) -> None:
    """Take the wordings' insert lock now (PostgreSQL), before any row lock, in a transaction that will insert
    wordings after locking or updating claims: taken at the first insert, the lock could wait on a transaction
    that waits for those rows (a deadlock)."""
    if session.get_bind().dialect.name == "postgresql":
        advisory_xact_lock(session.connection(), WORDING_LOCK_KEY)


def _configure_sqlite(engine: Engine, timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take over BEGIN from pysqlite so write transactions can start IMMEDIATE (see `_on_begin`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            _ensure_wal(cursor, timeout)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        # A writer takes the lock up front: two processes checking "is this claim already pending?" then
        # inserting cannot interleave, and there is no deadlock-prone lock upgrade mid-transaction.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")  # type: ignore[attr-defined]
        if mode is None:
            return  # a one-statement read (`Database.rows`): the statement is its own transaction
        connection.exec_driver_sql(f"BEGIN {mode}")  # type: ignore[attr-defined]


def _ensure_wal(cursor: sqlite3.Cursor, timeout: float) -> None:
    """Switch the file to WAL once; later connections only read the mode.

    WAL is a property of the file, so most connections find it set. Asking for it again is not free: SQLite can answer
    "database is locked" at once, without its busy handler, while another connection opens or checkpoints the WAL
    (seen with fifteen threads opening connections together), so both the read and the switch retry until `timeout`.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() not in {"wal", "memory"}:
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`."""
    try:
        if is_sqlite(url):
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        command.upgrade(alembic_config(url), revision)
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable(f"cannot migrate the database: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Database:
    """Sessions for reading and for writing, with database errors turned into `DatabaseUnavailable`."""

    def __init__(self, url: str, engine: Engine | None = None, *, timeout: float = 5.0) -> None:
        self.url = url
        self.engine = engine or make_engine(url, timeout=timeout)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.timeout = timeout
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.sqlite else self.engine
        )
        # The hot path's one-statement reads need no transaction. On PostgreSQL, autocommit spares the BEGIN
        # and ROLLBACK round trips around each one (a read costs ~0.27 ms instead of ~0.38 ms over loopback).
        # On SQLite switching SQLAlchemy's isolation level costs more than it saves (the driver's mode is set and
        # reset on every checkout); instead no BEGIN is sent (`_on_begin`): the driver is in autocommit mode
        # already, so the statement runs in a transaction of its own, and the ROLLBACK at the end is a no-op in
        # the driver (no statement). ~60 us less per read on this machine.
        self._read_engine = self.engine.execution_options(
            **({"sqlite_begin": None} if self.sqlite else {"isolation_level": "AUTOCOMMIT"})
        )
        # SQLite has one writer at a time. Threads of this process queue here for it, and the next one starts
        # as soon as the last commits; left to SQLite, they would poll its lock with sleeps of up to 100 ms
        # (its busy handler), which under load made most of a reply's latency. Other processes still meet
        # SQLite's busy timeout.
        self._write_lock = threading.Lock() if self.sqlite else None
        # Connections the hot path's one-statement reads (`rows`) and Core write transactions (`transaction`)
        # hand back for the next one: opening a SQLAlchemy connection from the pool and closing it (checkout, the
        # begin event, the reset's rollback, checkin; on PostgreSQL the pre-ping's round trip too) cost more than
        # the statement it served, ~70 of ~115 us per SQLite read on the 2-core machine. Each is used by one
        # thread at a time (taken off the list, put back after). Reads retry once on a connection the server
        # dropped, which the pool's pre-ping did for them; write transactions cannot be run again, so on
        # PostgreSQL they still check out a pinged connection. Not for an in-memory database, whose pool gives
        # each thread its own connection.
        self._reuse_reads = not self.in_memory
        self._reuse_writes = self.sqlite and not self.in_memory
        self._idle_reads: list[Connection] = []
        self._idle_writes: list[Connection] = []

    @property
    def in_memory(self) -> bool:
        """True for an SQLite database in memory, which no other process can open."""
        if not self.sqlite:
            return False
        url = make_url(self.url)
        return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; rolled back at the end."""
        with self._guard(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    def rows(
        self, statement: Executable | Prepared, params: Mapping[str, Any] | None = None
    ) -> Sequence[Row[Any] | tuple[Any, ...]]:
        """Every row of one read statement: the hot path's small reads (Core statements, no ORM session, which
        costs several times the query itself for a one-row lookup). The statement sees the database as of its
        own start (no transaction around it; autocommit on PostgreSQL): `read()` is for several reads that must
        agree. A connection the server dropped (a restart, a terminated backend) is replaced and the statement
        run once more, so a read only fails while the database is down."""
        if not self._reuse_reads:
            with self._guard(), self._read_engine.connect() as connection:
                return _rows_of(connection, statement, params)
        retried = False
        while True:
            connection: Connection | None = None
            # `_guard` written out: a generator around every read costs ~10 us.
            try:
                connection = _take(self._idle_reads, self._read_engine)
                found = _rows_of(connection, statement, params)
            except DBAPIError as exc:
                if connection is not None:
                    connection.close()
                if exc.connection_invalidated and not retried:
                    # The other idle connections went with it, most likely: the pool's (pinged at checkout) next.
                    _close_all(self._idle_reads)
                    retried = True
                    continue
                unavailable = _unavailable(exc)
                if unavailable is None:
                    raise
                raise unavailable from exc
            except BaseException:
                if connection is not None:
                    connection.close()  # whatever went wrong, the next read starts from a fresh connection
                raise
            _give(self._idle_reads, connection)
            return found

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction, committed on success and rolled back on any error."""
        with self._writer(), self._guard(), Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """`write()` without the ORM, for writes made of Core statements only: a connection in one write
        transaction, committed on success and rolled back on any error (a session's unit of work and its
        commit cost ~40 us more per transaction, here)."""
        with self._writer(), self._guard():
            if not self._reuse_writes:
                with self._write_engine.begin() as connection:
                    yield connection
                return
            connection = _take(self._idle_writes, self._write_engine)
            try:
                with connection.begin():
                    yield connection
            except BaseException:
                connection.close()
                raise
            _give(self._idle_writes, connection)

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """This process's turn to write (SQLite), waiting no longer than the database timeout."""
        if self._write_lock is None:
            yield
            return
        if not self._write_lock.acquire(timeout=self.timeout):
            log.warning("database unavailable: waited %.1f s for the write lock", self.timeout)
            raise DatabaseUnavailable("database is locked")
        try:
            yield
        finally:
            self._write_lock.release()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            unavailable = _unavailable(exc)
            if unavailable is None:
                raise
            raise unavailable from exc

    def refresh_statistics(self, tables: Sequence[str]) -> None:
        """Have PostgreSQL's planner re-read `tables` (`ANALYZE`), after a bulk change. Until autovacuum gets
        to it, the planner of freshly imported tables has no statistics and may scan a whole table where an
        index would do: an answer's verdict-and-sources read took 54 ms instead of 0.1 ms after importing
        100,000 claims. SQLite plans from its indexes without statistics: nothing to do there."""
        if self.sqlite:
            return
        with self.transaction() as connection:
            connection.execute(text("ANALYZE " + ", ".join(tables)))

    def dispose(self) -> None:
        """Close every pooled connection."""
        _close_all(self._idle_reads)
        _close_all(self._idle_writes)
        self.engine.dispose()


def _unavailable(exc: DBAPIError) -> DatabaseUnavailable | None:
    """What a database error becomes for the caller: `DatabaseUnavailable` when the database could not be
    reached or used (an operational error, a connection lost); None when it is raised as it is."""
    if isinstance(exc, OperationalError):
        log.warning("database unavailable: %s", _short(exc))
        return DatabaseUnavailable(_short(exc))
    if exc.connection_invalidated:
        return DatabaseUnavailable(_short(exc))
    return None


# Idle connections kept by one `Database`, per kind. Kept ones stay checked out of the pool (10 + 10 overflow on
# PostgreSQL, 5 + 10 on SQLite), so a few only: the bot's service threads (DB_THREADS: 1 on SQLite, 2 + one per
# match worker on PostgreSQL) reuse them; beyond that, connections go back to the pool as before.
_MAX_IDLE = 4


def _take(idle: list[Connection], engine: Engine) -> Connection:
    """An idle connection of `idle` (the last one put back), else a new one from `engine`'s pool."""
    try:
        return idle.pop()  # atomic: no two threads take the same one
    except IndexError:
        return engine.connect()


def _give(idle: list[Connection], connection: Connection) -> None:
    """Put `connection` back for the next use, or close it when enough are idle."""
    if len(idle) < _MAX_IDLE:
        idle.append(connection)
    else:
        connection.close()


def _close_all(idle: list[Connection]) -> None:
    """Close every connection of `idle`."""
    while idle:
        try:
            connection = idle.pop()
        except IndexError:  # another thread took the last one meanwhile
            return
        connection.close()

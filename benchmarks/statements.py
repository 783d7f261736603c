"""Time per SQL statement on the service's hot path, and the plans of the slowest: where a database spends a
check's time.

    python benchmarks/statements.py --claims 100000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/
    python benchmarks/statements.py --claims 20000            # SQLite
    python benchmarks/statements.py --claims 100000 --postgres URL --explain 5   # EXPLAIN ANALYZE the top 5

The service runs in this process on a fresh database (a throwaway PostgreSQL database, dropped afterwards, or
an SQLite file) holding `--claims` imported fact-checks, straight after the import, as a newsroom's bot would
start. It is driven with bot_load's traffic: checks of known claims and of texts nobody checked (queued and
asked again), a reviewer's verdict on the most-asked pending claim now and then, and the outbox delivering the
notifications. Every statement's wall time is taken from the driver's cursor events (SQLAlchemy's
`before/after_cursor_execute`), and statements are grouped by their SQL text. Reported per statement: calls,
median and 95th percentile, and its share of all the time spent in statements. `--explain N` runs
`EXPLAIN ANALYZE` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) on the N statements that take the most time in
all, with the parameters of their slowest call, and prints the plans: a sequential scan where an index should
serve shows up there.

bot_load measures the whole bot; this is the tool for the database's part of it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from check_cpu import PEOPLE_FROM, traffic
from harness import database, load_claims
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from synthetic import Corpus

from claims.errors import ClaimsError
from claims.service import ClaimService
from claims.settings import Settings

REVIEWER = 1
VERDICT_EVERY = 50  # one verdict per this many checks (bot_load's default share is 2%)


@dataclass
class Statement:
    """One SQL text's calls: their wall times, and the parameters of the slowest."""

    sql: str
    seconds: list[float] = field(default_factory=list)
    slowest: tuple[float, object] = (0.0, None)


class Timings:
    """Wall time of every statement the engine's connections run, grouped by SQL text."""

    def __init__(self, engine: Engine) -> None:
        self.statements: dict[str, Statement] = {}
        self.enabled = False
        self._started: dict[int, float] = {}  # by cursor, until its statement returns
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Connection, cursor: object, *_args: object) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(
        self, _conn: Connection, cursor: object, sql: str, parameters: object, _context: object, many: bool
    ) -> None:
        elapsed = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        if not self.enabled:
            return
        entry = self.statements.setdefault(sql, Statement(sql))
        entry.seconds.append(elapsed)
        if elapsed > entry.slowest[0] and not many:
            entry.slowest = (elapsed, parameters)


def drive(service: ClaimService, corpus: Corpus, checks: int, warmup: int, timings: Timings) -> None:
    """bot_load's traffic through the service: checks, a verdict every `VERDICT_EVERY`, the outbox's rounds."""
    people = random.Random(11)
    for number, (_kind, text_) in enumerate(traffic(corpus, warmup + checks, seed=7)):
        timings.enabled = number >= warmup
        user = PEOPLE_FROM + people.randrange(5_000)
        try:
            service.check(text=text_, user_id=user, chat_id=user, lang_hint="en")
        except ClaimsError:
            continue
        if number % VERDICT_EVERY == VERDICT_EVERY - 1:
            page = service.queue(actor_id=REVIEWER, limit=1)
            if page.claims:
                claim = page.claims[0].id
                service.publish_verdict(
                    actor_id=REVIEWER,
                    claim_id=claim,
                    rating="false",
                    url=f"https://factcheck.example/verdicts/{claim}",
                    summary="Checked for the statements benchmark",
                )
            for note in service.due_notifications():
                service.mark_delivered(note.id)


def _short(sql: str, width: int = 150) -> str:
    """A statement on one line, its SELECT list elided: the tables and conditions are what tell it apart."""
    line = " ".join(sql.split())
    select, found, rest = line.partition(" FROM ")
    if found and select.upper().startswith("SELECT ") and len(select) > 40:
        line = f"SELECT {select[7:30]}... FROM {rest}"
    return line[:width]


def report(timings: Timings) -> list[Statement]:
    """Print the table; the statements by total time, most first."""
    ranked = sorted(timings.statements.values(), key=lambda s: sum(s.seconds), reverse=True)
    total = sum(sum(s.seconds) for s in ranked) or 1.0
    print(f"{'calls':>7} {'p50 ms':>8} {'p95 ms':>8} {'share':>6}  statement")
    for number, entry in enumerate(ranked, start=1):
        ordered = sorted(entry.seconds)
        p50 = 1000 * ordered[len(ordered) // 2]
        p95 = 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        share = sum(ordered) / total
        print(f"{len(ordered):>7} {p50:>8.3f} {p95:>8.3f} {share:>6.1%}  #{number} {_short(entry.sql)}")
    print(f"total time in statements: {total:.2f} s")
    return ranked


def explain(engine: Engine, statements: Sequence[Statement]) -> None:
    """The plans of `statements`, each with the parameters of its slowest call."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    for number, entry in enumerate(statements, start=1):
        sql = " ".join(entry.sql.split())
        if not sql.upper().startswith("SELECT"):
            continue  # plans of writes would write
        print(f"\n#{number} ({1000 * entry.slowest[0]:.3f} ms at its slowest): {_short(entry.sql, 300)}")
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(prefix + entry.sql, entry.slowest[1] or ()).all()
        for row in rows:
            print("   ", " | ".join(str(value) for value in row))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=20_000, help="imported fact-checks")
    parser.add_argument("--checks", type=int, default=2_000, help="measured checks")
    parser.add_argument("--warmup", type=int, default=200, help="checks before measuring")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (a throwaway database on it)")
    parser.add_argument("--explain", type=int, default=0, metavar="N", help="plans of the N costliest")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    corpus = Corpus(args.claims, prose=True)
    kind = "postgres" if args.postgres else "sqlite"
    with (
        tempfile.TemporaryDirectory(prefix="statements-") as tmp,
        database(kind, Path(tmp), args.postgres) as url,
    ):
        started = time.perf_counter()
        load_claims(url, corpus)
        print(
            f"{kind}: imported {args.claims} claims in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        settings = Settings(_env_file=None, database_url=url, bot_admin_ids=str(REVIEWER))
        service = ClaimService.from_settings(settings, migrate=False)
        try:
            service.sync_index()
            timings = Timings(service.db.engine)
            drive(service, corpus, args.checks, args.warmup, timings)
            ranked = report(timings)
            if args.explain:
                explain(service.db.engine, ranked[: args.explain])
        finally:
            service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU per check inside the service, without the bot around it: `ClaimService.check` on bot_load's traffic.

    python benchmarks/check_cpu.py --claims 100000 --checks 500
    python benchmarks/check_cpu.py --claims 100000 --profile /tmp/check.prof   # cProfile of the checks
    python benchmarks/check_cpu.py --claims 100000 --workers 1   # matching in a worker process

With `--workers N` the service searches in N match worker processes (`MATCH_WORKERS`), as the bot does: the
report adds how long the workers took to build their index, their memory, and their CPU per check next to the
service's own (checks are sent one at a time here, so this measures the split of the work, not throughput).

The bot's load benchmark measures the whole path, but on a shared 2-core machine its figures move with the
load average. CPU time per call (`time.process_time`) moves much less, so this is the quick before/after
check for changes to the service, the store or the matcher. The traffic is bot_load's mix of checks: 70%
tweets quoting a known claim (answered), 30% texts nobody checked, a few of them asked again and again
(queued, new or counted again). The database and index are built once per corpus size under `--cache` and
copied for each run, so runs start from the same state.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import load_claims, process_cpu_seconds, rss_mb  # noqa: E402
from synthetic import Corpus  # noqa: E402

from claims.db import upgrade  # noqa: E402
from claims.service import ClaimService  # noqa: E402
from claims.settings import Settings  # noqa: E402

PEOPLE_FROM = 10_000_000
UNKNOWN_TEXTS = 2_000


def prepared(claims: int, cache: Path) -> Path:
    """A migrated SQLite database with `claims` published fact-checks and its persisted index (built once)."""
    base = cache / f"check-cpu-{claims}"
    if not (base / "ready").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        upgrade(f"sqlite:///{base / 'claims.sqlite3'}")
        load_claims(f"sqlite:///{base / 'claims.sqlite3'}", Corpus(claims, prose=True), base / "index")
        (base / "ready").touch()
    return base


def traffic(corpus: Corpus, count: int, seed: int) -> list[tuple[str, str]]:
    """`(kind, text)` as bot_load sends them: known claims quoted in tweets, and texts nobody checked."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        if rng.random() < 0.3:
            items.append(("unknown", corpus.unknown(int(UNKNOWN_TEXTS * rng.random() ** 3))))
        else:
            items.append(("known", corpus.query(rng)[1]))
    return items


@dataclass
class Workers:
    """What the match workers cost (`--workers`): start-up, memory, and CPU over the measured checks."""

    ready_s: float = 0.0
    rss_mb: list[float] = field(default_factory=list)
    private_mb: list[float] = field(default_factory=list)
    cpu_s: float = 0.0


def measure(args: argparse.Namespace, workers: Workers) -> dict[str, list[float]]:
    """CPU seconds of each measured check in the service's process, by kind (after `--warmup` unmeasured
    ones); what the match workers used goes to `workers`."""
    base = prepared(args.claims, args.cache)
    corpus = Corpus(args.claims, prose=True)
    items = traffic(corpus, args.warmup + args.checks, seed=7)
    people = random.Random(11)
    per_kind: dict[str, list[float]] = {"known": [], "unknown": []}
    with tempfile.TemporaryDirectory(prefix="check-cpu-") as tmp:
        work = Path(tmp) / "run"
        shutil.copytree(base, work)
        settings = Settings(
            _env_file=None, database_url=f"sqlite:///{work / 'claims.sqlite3'}", index_dir=work / "index"
        )
        service = ClaimService.from_settings(settings, migrate=False)
        try:
            service.sync_index()
            pids: list[int] = []
            if args.workers:
                started = time.monotonic()
                pool = service.match_pool if service.start_match_workers(args.workers) else None
                if pool is None or not pool.wait_ready(600):
                    raise SystemExit("the match workers did not start")
                workers.ready_s, pids = time.monotonic() - started, pool.pids
            profiler = cProfile.Profile() if args.profile else None
            for number, (kind, text) in enumerate(items):
                user = PEOPLE_FROM + people.randrange(5_000)
                measured = number >= args.warmup
                if number == args.warmup:
                    workers.cpu_s = -sum(map(process_cpu_seconds, pids))
                if measured and profiler is not None:
                    profiler.enable()
                started = time.process_time()
                service.check(text=text, user_id=user, chat_id=user, lang_hint="en")
                if measured:
                    per_kind[kind].append(time.process_time() - started)
                if profiler is not None:
                    profiler.disable()
            workers.cpu_s += sum(map(process_cpu_seconds, pids))
            workers.rss_mb = [rss_mb(pid) for pid in pids]
            workers.private_mb = [rss_mb(pid, "RssAnon") for pid in pids]
            if profiler is not None:
                profiler.dump_stats(args.profile)
        finally:
            service.close()
    return per_kind


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return 1000 * ordered[len(ordered) // 2] if ordered else float("nan")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000, help="published fact-checks in the database")
    parser.add_argument("--checks", type=int, default=500, help="measured checks")
    parser.add_argument("--warmup", type=int, default=100, help="checks before measuring")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()), help="where the prepared database is kept"
    )
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the measured checks")
    parser.add_argument("--workers", type=int, default=0, help="match worker processes (MATCH_WORKERS)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    workers = Workers()
    per_kind = measure(args, workers)
    every = [value for values in per_kind.values() for value in values]
    print(
        f"{args.claims} claims, {len(every)} checks: {1000 * sum(every) / len(every):.2f} ms CPU per check "
        f"(median {_median(every):.2f}); "
        + ", ".join(f"{kind} median {_median(values):.2f} ms" for kind, values in per_kind.items())
    )
    if args.workers:
        print(
            f"{args.workers} match worker(s): ready {workers.ready_s:.1f} s after starting, RSS "
            + ", ".join(f"{value:.0f}" for value in workers.rss_mb)
            + " MB (private: "
            + ", ".join(f"{value:.0f}" for value in workers.private_mb)
            + f" MB); their CPU {1000 * workers.cpu_s / len(every):.2f} ms per check (the service's above)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

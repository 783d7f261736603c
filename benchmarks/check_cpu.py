"""CPU per check inside the service, without the bot around it: `ClaimService.check` on bot_load's traffic.

    python benchmarks/check_cpu.py --claims 100000 --checks 500
    python benchmarks/check_cpu.py --claims 100000 --profile /tmp/check.prof   # cProfile of the checks

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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import load_claims  # noqa: E402
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


def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    """CPU seconds of each measured check, by kind (after `--warmup` unmeasured ones)."""
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
            profiler = cProfile.Profile() if args.profile else None
            for number, (kind, text) in enumerate(items):
                user = PEOPLE_FROM + people.randrange(5_000)
                measured = number >= args.warmup
                if measured and profiler is not None:
                    profiler.enable()
                started = time.process_time()
                service.check(text=text, user_id=user, chat_id=user, lang_hint="en")
                if measured:
                    per_kind[kind].append(time.process_time() - started)
                if profiler is not None:
                    profiler.disable()
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    per_kind = measure(args)
    every = [value for values in per_kind.values() for value in values]
    print(
        f"{args.claims} claims, {len(every)} checks: {1000 * sum(every) / len(every):.2f} ms CPU per check "
        f"(median {_median(every):.2f}); "
        + ", ".join(f"{kind} median {_median(values):.2f} ms" for kind, values in per_kind.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

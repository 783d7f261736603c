"""The whole bot under load: `python -m bot` answering many simulated people over the Bot API stand-in.

    python benchmarks/bot_load.py --claims 20000 --rates 25,50,300 --seconds 20
    python benchmarks/bot_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/

The bot runs as deployed, in its own process, long-polling the stand-in over loopback HTTP; this process serves
the stand-in and plays the people. The database holds `--claims` published fact-checks (synthetic, with the
match index persisted in INDEX_DIR); PostgreSQL runs use a throwaway database created and dropped here.

The traffic mixes, per update: a check of a known claim (a tweet-like text quoting one: answered), a check of
a claim nobody has checked (drawn from a pool where a few texts are asked by many people: queued, new or
counted again), and a reviewer's `/verdict` on the most-asked pending claim (every asker is notified).

Phases, after a warm-up:
- open loop, one per rate of `--rates`: updates offered at that rate for `--seconds`, whatever the bot's pace
  (as people do); reported: the rate achieved (replies per second during the phase) and reply latency
  p50/p95/p99 — from the update being queued for getUpdates to the bot's sendMessage reaching the stand-in;
- closed loop: `--concurrency` people each sending their next update as soon as the last is answered: the
  bot's saturation throughput.
Notifications fanned out by verdicts are counted, with their delay after the verdict was sent; "bot CPU" is
the CPU time of the bot process and its match workers (`--set MATCH_WORKERS=1`) over the phase (100% = one
core), "load CPU" this process's (the stand-in and the people: on 2 cores, what the load generator takes the
bot cannot have). The stand-in has no flood limit, so the bot runs with TELEGRAM_MAX_MESSAGES_PER_SECOND=0
(`--set TELEGRAM_MAX_MESSAGES_PER_SECOND=30` shows Telegram's cap). "host pace", before and after the phases,
is this machine's speed on a fixed piece of Python (`harness.host_pace`): compare runs made at the same pace.
Each phase also reports the pace sampled every 3 s during it (`harness.pace_sampled`, another process, ~1% of
a core): the host's slow spells come and go within a run, so compare phases, not runs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import (  # noqa: E402
    BotProcess,
    bot_env,
    database,
    host_pace,
    load_claims,
    outcome_of,
    pace_between,
    pace_sampled,
)
from synthetic import Corpus  # noqa: E402

from bot.standin import BotApiStandIn, Person, SentMessage, serve  # noqa: E402

PEOPLE_FROM = 10_000_000  # people's ids (reviewers' ids are below)
REVIEWERS = tuple(range(1, 6))
UNKNOWN_TEXTS = 2_000
TARGET_RATE = 300.0  # issue 4: >= 300 updates/s with p95 <= 100 ms on SQLite
TARGET_P95_MS = 100.0


@dataclass
class Pending:
    """An update waiting for its reply."""

    kind: str  # known | unknown | verdict
    pushed: float
    measured: bool
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    started: float = 0.0
    ended: float = 0.0
    sent: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    answered_in_phase: int = 0
    notifications: list[float] = field(default_factory=list)
    bot_cpu: float = 0.0
    worker_cpu: float = 0.0  # the match workers' share of `bot_cpu`
    load_cpu: float = 0.0
    others: list[str] = field(default_factory=list)
    paces: list[float] = field(default_factory=list)  # `harness.host_pace` sampled during the phase


class Crowd:
    """The simulated people: what they send, and matching each of the bot's messages to what it answers."""

    def __init__(
        self, api: BotApiStandIn, corpus: Corpus, people: int, seed: int, shares: tuple[float, float]
    ):
        self.api = api
        self.corpus = corpus
        self.rng = random.Random(seed)
        self.people = [
            Person(id=PEOPLE_FROM + n, first_name=f"P{n}", language_code="en") for n in range(people)
        ]
        self.reviewers = [Person(id=n, first_name=f"R{n}", language_code="en") for n in REVIEWERS]
        self.unknown_share, self.verdict_share = shares
        self.waiting: dict[int, deque[Pending]] = defaultdict(deque)
        self.asked: Counter[int] = Counter()  # pending claim id -> asks seen in replies
        self.verdict_sent: dict[int, float] = {}  # claim id -> when its verdict was sent
        self.phase = Phase("idle")
        self.unmatched = 0
        api.subscribe(self._on_message)

    # -- what people send ----------------------------------------------------------------------------------

    def send(self, person: Person | None = None) -> Pending:
        """One update from `person` (a random one when None): a check or, for a reviewer's turn, a verdict."""
        draw = self.rng.random()
        if draw < self.verdict_share and self.asked:
            claim = max(self.asked, key=self.asked.__getitem__)
            del self.asked[claim]
            who, kind = self.rng.choice(self.reviewers), "verdict"
            text = f"/verdict {claim} false https://factcheck.example/verdicts/{claim} Checked under load"
            self.verdict_sent[claim] = time.perf_counter()
        elif draw < self.verdict_share + self.unknown_share:
            # A few texts are asked by many people (a viral rumour), most by one or two.
            number = int(UNKNOWN_TEXTS * self.rng.random() ** 3)
            who, kind, text = person or self.rng.choice(self.people), "unknown", self.corpus.unknown(number)
        else:
            who, kind = person or self.rng.choice(self.people), "known"
            _, text = self.corpus.query(self.rng)
        pending = Pending(kind, time.perf_counter(), self.phase.name != "idle")
        self.waiting[who.id].append(pending)
        self.api.push_message(who, text)
        self.phase.sent += pending.measured
        return pending

    # -- what the bot sends --------------------------------------------------------------------------------

    def _on_message(self, kind: str, message: SentMessage) -> None:
        if kind != "sent":
            return
        now = time.perf_counter()
        if message.text.startswith("📬"):
            found = re.search(r"#(\d+)", message.text)
            sent = self.verdict_sent.get(int(found.group(1))) if found else None
            if sent is not None and self.phase.name != "idle":
                self.phase.notifications.append(now - sent)
            return
        queue = self.waiting.get(message.chat_id)
        if not queue:
            self.unmatched += 1
            return
        pending = queue.popleft()
        outcome = outcome_of(message)
        if outcome == "queued" and (found := re.search(r"#(\d+)", message.text)):
            claim = int(found.group(1))
            if claim not in self.verdict_sent:
                self.asked[claim] += 1
        if pending.measured:
            phase = self.phase
            phase.latencies[pending.kind].append(now - pending.pushed)
            phase.outcomes[(pending.kind, outcome)] += 1
            phase.answered_in_phase += phase.started <= now <= (phase.ended or now)
            if outcome == "other" and len(phase.others) < 5:
                phase.others.append(message.text[:100])
        if not pending.done.done():
            pending.done.set_result(None)

    @property
    def outstanding(self) -> int:
        return sum(len(q) for q in self.waiting.values())

    async def drain(self, stall: float) -> None:
        """Wait until every update sent has its reply, or until `stall` seconds pass without one."""
        while self.outstanding:
            left = self.outstanding
            if not await self.api.wait_for(
                lambda left=left: self.outstanding < left, timeout=stall, quiet=True
            ):
                return


async def open_loop(crowd: Crowd, rate: float, seconds: float) -> None:
    """Offer `rate` updates per second for `seconds`, whatever the replies' pace."""
    started = time.perf_counter()
    sent = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(int(elapsed * rate) - sent):
            crowd.send()
            sent += 1
        await asyncio.sleep(0.002)


async def closed_loop(crowd: Crowd, concurrency: int, seconds: float) -> None:
    """`concurrency` people, each sending again as soon as they are answered."""
    deadline = time.perf_counter() + seconds
    per_worker = max(1, len(crowd.people) // concurrency)

    async def person(number: int) -> None:
        own = crowd.people[number * per_worker : (number + 1) * per_worker] or crowd.people[:1]
        turn = 0
        while time.perf_counter() < deadline:
            pending = crowd.send(own[turn % len(own)])
            turn += 1
            try:
                await asyncio.wait_for(pending.done, 30)
            except TimeoutError:
                return

    await asyncio.gather(*(person(n) for n in range(concurrency)))


async def run_phase(crowd: Crowd, bot: BotProcess, name: str, driver: object) -> Phase:
    crowd.phase = phase = Phase(name)
    (main, workers), own = bot.cpu_split(), time.process_time()
    phase.started = time.perf_counter()
    await driver  # type: ignore[misc]
    phase.ended = time.perf_counter()
    main_after, workers_after = bot.cpu_split()
    phase.worker_cpu = (workers_after - workers) / (phase.ended - phase.started)
    phase.bot_cpu = (main_after - main) / (phase.ended - phase.started) + phase.worker_cpu
    phase.load_cpu = (time.process_time() - own) / (phase.ended - phase.started)
    await crowd.drain(20)
    await asyncio.sleep(1.5)  # notifications of the last verdicts (the outbox looks every second)
    crowd.phase = Phase("idle")
    return phase


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def report(kind: str, phase: Phase, label: str) -> None:
    seconds = phase.ended - phase.started
    every = [v for values in phase.latencies.values() for v in values]
    replies = len(every)
    print(
        f"{kind:<9} {label:<22} {phase.sent / seconds:>8.0f} {phase.answered_in_phase / seconds:>9.0f} "
        f"{_pct(every, 0.5):>7.1f} {_pct(every, 0.95):>7.1f} {_pct(every, 0.99):>7.1f} "
        f"{phase.sent - replies:>8} {100 * phase.bot_cpu:>6.0f}% {100 * phase.load_cpu:>7.0f}% "
        f"{len(phase.notifications):>6} {_pct(phase.notifications, 0.5):>9.0f} {_pct(phase.notifications, 0.95):>9.0f}",
        flush=True,
    )
    mix = ", ".join(f"{k}/{o} {n}" for (k, o), n in sorted(phase.outcomes.items()))
    per_kind = ", ".join(
        f"{k} p50 {_pct(v, 0.5):.1f} p95 {_pct(v, 0.95):.1f} ms" for k, v in sorted(phase.latencies.items())
    )
    print(f"{'':<9}   replies: {mix}\n{'':<9}   latency: {per_kind}")
    if phase.answered_in_phase:
        # CPU per update answered: the figure to cut, steadier than throughput on a busy machine.
        per = 1000 * seconds / phase.answered_in_phase
        main = phase.bot_cpu - phase.worker_cpu
        print(
            f"{'':<9}   CPU per update: bot {per * main:.2f} ms, workers {per * phase.worker_cpu:.2f} ms, "
            f"load generator {per * phase.load_cpu:.2f} ms"
        )
    if phase.paces:
        print(
            f"{'':<9}   host pace during the phase: median {statistics.median(phase.paces):.1f} ms "
            f"({min(phase.paces):.1f}-{max(phase.paces):.1f}, {len(phase.paces)} samples)"
        )
    if phase.others:
        print(f"{'':<9}   unrecognised replies: {phase.others}")


async def start_profiler(args: argparse.Namespace, bot: BotProcess) -> asyncio.subprocess.Process | None:
    """py-spy recording where the bot's process spends its GIL, for one open-loop phase (`--profile`)."""
    if not args.profile:
        return None
    return await asyncio.create_subprocess_exec(
        shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy",
        "record",
        "--gil",
        "--nonblocking",
        "--pid",
        str(bot.pid),
        "--duration",
        str(int(args.seconds)),
        "--rate",
        "200",
        "--format",
        args.profile_format,
        "-o",
        args.profile,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def measure(
    kind: str,
    url: str,
    args: argparse.Namespace,
    corpus: Corpus,
    scratch: Path,
    results: dict[tuple[str, float], Phase],
) -> None:
    api = BotApiStandIn(long_poll_cap=1.0)
    async with serve(api) as api_url:
        env = bot_env(
            api_url,
            url,
            index_dir=scratch / f"index-{kind}" if args.index == "disk" else None,
            bot_admin_ids=",".join(str(r) for r in REVIEWERS),
            # INFO: the match workers say when they are ready (the bot logs nothing per update at INFO). The
            # stand-in has no flood limit: the bot's own pace is measured, not Telegram's 30 messages/s.
            **{
                "LOG_LEVEL": "INFO",
                "TELEGRAM_MAX_MESSAGES_PER_SECOND": 0,
                **dict(item.split("=", 1) for item in args.set),
            },
        )
        bot = BotProcess(env, scratch / f"bot-{kind}.log")
        await bot.start()
        with pace_sampled() as paces:
            try:
                await api.wait_for(lambda: api.polls > 0, timeout=120, what=bot.tail)
                workers = int(env.get("MATCH_WORKERS", "0"))
                if workers:
                    # Measure the workers, not the bot matching alone while they build their indexes.
                    await api.wait_for(
                        lambda: bot.log.read_text(errors="replace").count("wordings indexed in") >= workers,
                        timeout=600,
                        what=bot.tail,
                    )
                pace = host_pace()
                crowd = Crowd(api, corpus, args.people, seed=7, shares=(args.unknown, args.verdicts))
                warm = asyncio.ensure_future(open_loop(crowd, min(args.rates[0], 100), args.warmup))
                await run_phase(crowd, bot, "warm-up", warm)
                for rate in args.rates:
                    profiler = await start_profiler(args, bot) if rate == args.rates[-1] else None
                    opened = await run_phase(crowd, bot, "open", open_loop(crowd, rate, args.seconds))
                    if profiler is not None:
                        await profiler.wait()
                    opened.paces = pace_between(paces, opened.started, opened.ended)
                    report(kind, opened, f"open loop, {rate:g}/s")
                    results[(kind, rate)] = opened
                closed = await run_phase(
                    crowd, bot, "closed", closed_loop(crowd, args.concurrency, args.seconds)
                )
                closed.paces = pace_between(paces, closed.started, closed.ended)
                report(kind, closed, f"closed loop, {args.concurrency} at once")
                if crowd.unmatched:
                    print(f"{'':<9}   {crowd.unmatched} messages matched no update")
                after = host_pace()
                print(
                    f"{kind:<9} host pace: {pace:.1f} ms before the phases, {after:.1f} ms after (`harness.host_pace`: "
                    "a fixed piece of Python; lower is faster, and the same code's figures move with it)"
                )
            finally:
                code = await bot.stop()
                if code not in (0, -15):
                    print(f"the bot exited with {code}:\n{bot.tail()}")


async def main_async(args: argparse.Namespace) -> dict[tuple[str, float], Phase]:
    """Run every phase; the open-loop phases by (database, rate)."""
    corpus = Corpus(args.claims, prose=True)
    print(
        f"{'database':<9} {'phase':<22} {'offered':>8} {'achieved':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'no reply':>8} {'bot CPU':>7} {'load CPU':>8} {'notes':>6} {'note p50':>9} {'note p95':>9}"
    )
    kinds = (["sqlite"] if not args.postgres_only else []) + (["postgres"] if args.postgres else [])
    results: dict[tuple[str, float], Phase] = {}
    with tempfile.TemporaryDirectory(prefix="bot-load-") as tmp:
        scratch = Path(tmp)
        for kind in kinds:
            with database(kind, scratch, args.postgres) as url:
                load_claims(url, corpus, scratch / f"index-{kind}")
                await measure(kind, url, args, corpus, scratch, results)
    phase = results.get(("sqlite", TARGET_RATE))
    if phase is not None:
        every = [v for values in phase.latencies.values() for v in values]
        achieved = phase.answered_in_phase / (phase.ended - phase.started)
        met = achieved >= 0.98 * TARGET_RATE and _pct(every, 0.95) <= TARGET_P95_MS
        print(
            f"target on SQLite, >= {TARGET_RATE:g} updates/s with p95 <= {TARGET_P95_MS:g} ms: "
            f"{'met' if met else 'missed'} ({achieved:.0f} updates/s, p95 {_pct(every, 0.95):.0f} ms)"
        )
    return results


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=20_000, help="published fact-checks in the database")
    parser.add_argument("--people", type=int, default=5_000, help="simulated people")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",")],
        default=[25.0, 50.0, TARGET_RATE],
        help="updates offered per second, one open-loop phase each (comma-separated; default 25,50,300)",
    )
    parser.add_argument("--concurrency", type=int, default=64, help="people at once (closed loop)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each measured phase")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of traffic before measuring")
    parser.add_argument("--unknown", type=float, default=0.3, help="share of checks of unknown claims")
    parser.add_argument("--verdicts", type=float, default=0.02, help="share of reviewers' verdicts")
    parser.add_argument(
        "--index",
        choices=("disk", "memory"),
        default="disk",
        help="INDEX_DIR set (default) or the index in memory",
    )
    parser.add_argument("--postgres", metavar="URL", help="also run on a throwaway database on this server")
    parser.add_argument("--postgres-only", action="store_true", help="with --postgres, skip the SQLite run")
    parser.add_argument("--profile", metavar="FILE", help="record the bot with py-spy during the open loop")
    parser.add_argument(
        "--profile-format", default="raw", help="py-spy output format (raw, flamegraph, speedscope)"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a bot setting (e.g. DB_THREADS=16)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.postgres_only and not args.postgres:
        parser.error("--postgres-only needs --postgres URL")
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

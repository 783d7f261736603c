"""Does one person flooding the bot delay everyone else? Others' reply latency with and without a flood.

    .venv/bin/python benchmarks/flood.py                       # ~2 minutes: 4 rounds of 12 s quiet + 12 s flood
    .venv/bin/python benchmarks/flood.py --flood-rate 300 --rounds 6

The bot runs as deployed (`python -m bot`, its own process, default settings: 20 messages a person a minute) on
a SQLite database holding the test claims, against the Bot API stand-in served over loopback HTTP. `--people`
others each send a claim (half known, answered with a verdict card; half new, queued) every `--period` seconds
— under the rate limit — and wait for the reply; the time from the update being queued at the stand-in to the
bot's reply arriving there is their latency. Rounds alternate a quiet phase and a phase in which one more person
sends `--flood-rate` messages a second (new claims: the expensive kind), so both are measured side by side on
the same bot process, and the machine's noise falls on both.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.standin import BotApiStandIn, Person, serve
from tests.bot.process import BotProcess, bot_env, run
from tests.bot.support import DATA, KNOWN_EN, KNOWN_FR, TOKEN

FLOODER = Person(id=666, first_name="Flood", language_code="en")
WORDS = [
    "mayor",
    "bridge",
    "penguin",
    "vaccine",
    "tower",
    "squid",
    "council",
    "robot",
    "train",
    "river",
    "zoo",
    "moon",
    "cheese",
]


async def person_loop(
    api: BotApiStandIn, person: Person, period: float, stop: float, out: list[float], rng: random.Random
) -> None:
    """Send a claim every `period` seconds until `stop`; record each reply's latency."""
    await asyncio.sleep(rng.random() * period)
    while time.monotonic() < stop:
        started = time.monotonic()
        known = rng.random() < 0.5
        text = rng.choice((KNOWN_EN, KNOWN_FR)) if known else " ".join(rng.sample(WORDS, 7))
        before = len(api.messages(person.id))
        api.push_message(person, text)
        await api.wait_for_messages(person.id, before + 1, timeout=60)
        out.append(time.monotonic() - started)
        await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))


async def flood_loop(api: BotApiStandIn, rate: float, stop: float, rng: random.Random) -> int:
    """One person sending `rate` new claims a second until `stop`; how many were sent."""
    sent, started = 0, time.monotonic()
    while (now := time.monotonic()) < stop:
        due = int((now - started) * rate)
        for _ in range(due - sent):
            api.push_message(FLOODER, " ".join(rng.sample(WORDS, 6)) + f" {sent}")
        sent = due
        await asyncio.sleep(0.01)
    return sent


async def bench(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="flood-"))
    api = BotApiStandIn(token=TOKEN, long_poll_cap=0.5)
    rng = random.Random(args.seed)
    people = [Person(id=100 + n, first_name=f"P{n}", language_code="en") for n in range(args.people)]
    latencies: dict[str, list[float]] = {"quiet": [], "flood": []}
    flooded = 0
    async with serve(api) as base_url:
        env = bot_env(base_url, f"sqlite:///{workdir / 'claims.sqlite3'}", LOG_LEVEL="WARNING")
        await run("-m", "claims", "import", str(DATA), env=env)
        bot = BotProcess(env, workdir / "bot.log")
        await bot.start(api)
        try:
            warm: list[float] = []
            await asyncio.gather(*(person_loop(api, p, 1.0, time.monotonic() + 3, warm, rng) for p in people))
            for round_no in range(args.rounds):
                for mode in ("quiet", "flood") if round_no % 2 == 0 else ("flood", "quiet"):
                    stop = time.monotonic() + args.phase
                    tasks = [person_loop(api, p, args.period, stop, latencies[mode], rng) for p in people]
                    if mode == "flood":
                        tasks.append(flood_loop(api, args.flood_rate, stop, rng))
                    results = await asyncio.gather(*tasks)
                    if mode == "flood":
                        flooded += results[-1]
                    # Let the flood's backlog drain before the next phase measures anything.
                    await api.wait_for(lambda: api.pending_updates == 0, timeout=120)
                    await asyncio.sleep(1.0)
        finally:
            await bot.stop()
    flood_replies = len(api.messages(FLOODER.id))
    print(
        f"{args.people} people, one claim every {args.period:g} s each; flood {args.flood_rate:g} messages/s; "
        f"{args.rounds} rounds of {args.phase:g} s per phase"
    )
    print(f"flood messages sent: {flooded}; replies the flooder got: {flood_replies}")
    print("| phase | replies | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for mode, values in latencies.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"| {mode} | {len(values)} | {statistics.median(values) * 1000:.0f} | {p95 * 1000:.0f} "
            f"| {values[-1] * 1000:.0f} |"
        )
    ratio = statistics.median(latencies["flood"]) / statistics.median(latencies["quiet"])
    print(f"median with the flood / median without: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--period", type=float, default=4.0, help="seconds between one person's claims")
    parser.add_argument("--flood-rate", type=float, default=100.0, help="the flooder's messages a second")
    parser.add_argument("--phase", type=float, default=12.0, help="seconds per quiet or flood phase")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()

"""Bot start-up with many claims: from `python -m bot` being launched to its first answer.

    python benchmarks/bot_startup.py --claims 100000 --runs 3

The database holds `--claims` published fact-checks (synthetic; imported once, untimed). A person's message
quoting one of them waits at the Bot API stand-in (over loopback HTTP) before the bot is launched; measured per
start, as the median of `--runs`:

- first poll: seconds until the bot's first getUpdates (settings read, database migrated, index ready);
- first answer: seconds until its answer to that message reaches the stand-in;
- RSS: the bot process's resident memory once it has answered.

Two ways to start: `persisted` (INDEX_DIR holds the match index the import built: the bot reopens it) and
`rebuilt` (no INDEX_DIR: the bot indexes every wording from the database as it starts).

Then, with the bot still running, what must be searchable at once without a rebuild is checked: a new claim
that one person queued is found by the next person's differently worded message (counted on the same claim),
and a reviewer's /alias is answered when someone sends that wording. Each prints the delay between the
reply that made the change and the answer that needed it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import BotProcess, bot_env, database, load_claims, outcome_of  # noqa: E402
from synthetic import Corpus  # noqa: E402

from bot.standin import BotApiStandIn, Person, SentMessage, serve  # noqa: E402

REVIEWER = Person(id=1, first_name="Rita", language_code="en")
PEOPLE = [Person(id=100 + n, first_name=f"P{n}", language_code="en") for n in range(10)]


async def ask(api: BotApiStandIn, person: Person, text: str, timeout: float = 60) -> SentMessage:
    """Send `text` as `person`; the bot's next message in their chat."""
    before = len(api.messages(person.id))
    api.push_message(person, text)
    return (await api.wait_for_messages(person.id, before + 1, timeout=timeout))[before]


def claim_id(message: SentMessage) -> int:
    found = re.search(r"#(\d+)", message.text)
    if found is None:
        raise AssertionError(f"no #id in {message.text[:100]!r}")
    return int(found.group(1))


async def start_once(
    env: dict[str, str], log: Path, text: str
) -> tuple[dict[str, float], BotProcess, BotApiStandIn]:
    """Launch the bot with a question already waiting; the timings, and the running bot with its stand-in."""
    api = BotApiStandIn(long_poll_cap=1.0)
    server = serve(api)
    env = {**env, "TELEGRAM_API_BASE_URL": await server.__aenter__()}
    api.server = server  # type: ignore[attr-defined]
    person = PEOPLE[0]
    api.push_message(person, text)
    bot = BotProcess(env, log)
    started = time.perf_counter()
    await bot.start()
    await api.wait_for(lambda: api.polls > 0, timeout=300, what=bot.tail)
    first_poll = time.perf_counter() - started
    reply = (await api.wait_for_messages(person.id, 1, timeout=300))[0]
    first_answer = time.perf_counter() - started
    if outcome_of(reply) != "answered":
        raise AssertionError(f"the first reply is not an answer: {reply.text[:200]!r}")
    return {"first_poll": first_poll, "first_answer": first_answer, "rss": bot.rss_mb()}, bot, api


async def stop(bot: BotProcess, api: BotApiStandIn) -> None:
    await bot.stop()
    await api.server.__aexit__(None, None, None)  # type: ignore[attr-defined]


async def searchable_at_once(api: BotApiStandIn, corpus: Corpus) -> list[tuple[str, float]]:
    """What a running bot must find without a rebuild; (what, seconds from the change to the answer)."""
    rng = random.Random(5)
    results = []
    # A claim nobody checked, asked by one person, then by another in other words around it.
    fresh = corpus.unknown(rng.randrange(10**6))
    queued = await ask(api, PEOPLE[1], fresh)
    assert outcome_of(queued) == "queued", queued.text[:200]
    changed = time.perf_counter()
    again = await ask(api, PEOPLE[2], f"Is it true? {fresh} Please check this")
    assert outcome_of(again) == "queued" and claim_id(again) == claim_id(queued), again.text[:200]
    results.append(("a new pending claim, asked again in other words", time.perf_counter() - changed))
    # A reviewer's new wording of a published claim; then someone sends that wording.
    target = corpus.claims // 2
    wording = corpus.unknown(10**6 + rng.randrange(10**6))
    published = await ask(api, PEOPLE[3], corpus.wording(target, False))
    assert outcome_of(published) == "answered", published.text[:200]
    alias = await ask(api, REVIEWER, f"/alias {claim_id(published)} {wording}")
    assert alias.text.startswith("Added to"), alias.text[:200]
    changed = time.perf_counter()
    answer = await ask(api, PEOPLE[4], wording)
    assert outcome_of(answer) == "answered" and claim_id(answer) == claim_id(published), answer.text[:200]
    results.append(("a reviewer's /alias, sent by someone", time.perf_counter() - changed))
    return results


async def main_async(args: argparse.Namespace) -> None:
    corpus = Corpus(args.claims, prose=True)
    question = corpus.query(random.Random(1), corpus.claims // 3)[1]
    kinds = ["sqlite"] + (["postgres"] if args.postgres else [])
    print(
        f"{'database':<9} {'index':<10} {'first poll s':>12} {'first answer s':>14} {'RSS MB':>7}"
        f"  (median of {args.runs})"
    )
    with tempfile.TemporaryDirectory(prefix="bot-startup-") as tmp:
        scratch = Path(tmp)
        for kind in kinds:
            with database(kind, scratch, args.postgres) as url:
                index_dir = scratch / f"index-{kind}"
                started = time.perf_counter()
                load_claims(url, corpus, index_dir)
                seconds = time.perf_counter() - started
                print(f"{kind:<9} (imported {args.claims:,} claims and built the index in {seconds:.0f} s)")
                checks: list[tuple[str, float]] = []
                for mode in ("persisted", "rebuilt"):
                    env = bot_env(
                        "",
                        url,
                        index_dir=index_dir if mode == "persisted" else None,
                        bot_admin_ids=REVIEWER.id,
                    )
                    runs = []
                    for run in range(args.runs):
                        timings, bot, api = await start_once(
                            env, scratch / f"bot-{kind}-{mode}.log", question
                        )
                        try:
                            runs.append(timings)
                            if run == 0 and mode == "persisted":
                                checks = await searchable_at_once(api, corpus)
                        finally:
                            await stop(bot, api)
                    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                    print(
                        f"{kind:<9} {mode:<10} {median['first_poll']:>12.2f} {median['first_answer']:>14.2f} "
                        f"{median['rss']:>7.0f}",
                        flush=True,
                    )
                for what, seconds in checks:
                    print(
                        f"{kind:<9} searchable at once: {what}: answered {1000 * seconds:.0f} ms after the change"
                    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000, help="published fact-checks in the database")
    parser.add_argument(
        "--runs", type=int, default=3, help="starts per way of starting (the median is reported)"
    )
    parser.add_argument("--postgres", metavar="URL", help="also run on a throwaway database on this server")
    args = parser.parse_args(argv)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

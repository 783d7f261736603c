"""Soak run: many random updates through the real Application, then the database is checked for consistency.

Run by hand (minutes, not part of `make test`):

    .venv/bin/python benchmarks/soak.py --updates 10000
    .venv/bin/python benchmarks/soak.py --updates 10000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/soak

The bot runs in-process against the Bot API stand-in (`bot/standin/`), with the test claims imported, an admin,
a reviewer and a banned person; updates go into the Application's update queue as polling would put them, so
several people are handled at once. Every update comes from `tests/bot/fuzz.py` (random Unicode, huge texts,
commands with garbage arguments, forged and stale buttons, inline queries, edits, stickers...). The run fails
(exit 1) on any exception other than a polite refusal reaching the error handler, on any warning logged, or on
any broken invariant (`tests/invariants.py`), checked every `--check-every` updates and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from claims.db import upgrade
from claims.service import ClaimService
from tests.bot.fuzz import ADMIN, BANNED, REVIEWER, Fuzzer, LogWatch, random_action
from tests.bot.support import bot_settings_for, load_claims, running_bot
from tests.invariants import snapshot, violations

IN_FLIGHT = 32  # updates handed to the Application before waiting for the oldest


def prepare(url: str) -> None:
    """A migrated, empty database holding the test claims, the reviewer and the ban."""
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        count = conn.execute(text("SELECT count(*) FROM claim")).scalar_one()
    engine.dispose()
    if count:
        raise SystemExit(f"{url} is not empty: the soak run wants a database of its own")


async def soak(url: str, updates: int, seed: int, check_every: int) -> int:
    # No rate limit to speak of: every update should reach the handlers (the limit has tests of its own).
    settings = bot_settings_for(Path("unused"), database_url=url, rate_limit_per_minute=1_000_000)
    service = ClaimService.from_settings(settings, migrate=False)
    load_claims(service)
    service.grant(actor_id=ADMIN.id, user_id=REVIEWER.id)
    service.ban(actor_id=ADMIN.id, user_id=BANNED.id)
    service.close()

    rng = random.Random(seed)
    kinds: Counter[str] = Counter()
    before = snapshot(url)
    broken: list[str] = []
    started = time.perf_counter()
    with LogWatch() as logs:
        async with running_bot(settings) as driver:
            fuzz = Fuzzer(driver.app, driver.stand_in)
            pending: list[int] = []
            for n in range(1, updates + 1):
                action = random_action(rng)
                kinds[action.kind] += 1
                pending.append(await fuzz.submit(action))
                if len(pending) >= IN_FLIGHT:
                    await fuzz.drained(pending.pop(0))
                if n % check_every == 0:
                    for update_id in pending:
                        await fuzz.drained(update_id)
                    pending.clear()
                    broken += violations(url, before)
                    before = snapshot(url, before)
                    print(
                        f"{n:>7} updates  {time.perf_counter() - started:7.1f} s  "
                        f"unexpected {len(fuzz.unexpected)}  warnings {len(logs.records)}  "
                        f"broken invariants {len(broken)}",
                        flush=True,
                    )
            for update_id in pending:
                await fuzz.drained(update_id)
            elapsed = time.perf_counter() - started
            stats = await driver.service.stats()
            replies = sum(1 for call in driver.stand_in.calls if call.status == 200)
            refused = [call for call in driver.stand_in.calls if call.status != 200]
    broken += violations(url, before)

    print(f"\nupdates: {fuzz.updates}  time: {elapsed:.1f} s  ({fuzz.updates / elapsed:.0f} updates/s)")
    print("kinds:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"polite refusals (ClaimsError in the error handler): {fuzz.expected}")
    print(f"Bot API calls answered 200: {replies}; refused by the stand-in: {len(refused)}")
    for (method, status), count in Counter((c.method, c.status) for c in refused).most_common():
        print(f"  {method} {status}: {count}")
    print(
        f"claims by status: {stats.claims_by_status}; submissions: {stats.submissions}; verdicts: {stats.verdicts}"
    )
    print(f"notifications: {stats.notifications_by_status}")
    print(f"unexpected exceptions: {len(fuzz.unexpected)}")
    for update, error in fuzz.unexpected[:10]:
        print(f"  {type(error).__name__}: {error}\n    update: {str(update)[:400]}")
    print(f"warnings logged: {len(logs.records)}")
    for record in logs.records[:10]:
        print(f"  {record.levelname} {record.name}: {record.getMessage()[:300]}")
    print(f"broken invariants: {len(broken)}")
    for line in broken[:20]:
        print(f"  {line}")
    return 1 if fuzz.unexpected or logs.records or broken else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--check-every", type=int, default=2_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.database_url or f"sqlite:///{workdir / 'claims.sqlite3'}"
    try:
        prepare(url)
        return asyncio.run(soak(url, args.updates, args.seed, args.check_every))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Faults, through the real Application: the database goes away and comes back, Telegram does not answer in
time, and the bot is restarted while it sends notifications."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import subprocess
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.standin import BotApiStandIn, Person
from claims.service import ClaimService
from tests import tables
from tests.bot.support import (
    ADMIN,
    ANN,
    BOB,
    KNOWN_EN,
    TOKEN,
    Driver,
    bot_settings_for,
    load_claims,
    running_bot,
)
from tests.pg_cluster import Cluster, started_cluster

BUSY = "The claims database is busy right now. Please try again shortly."
PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
NOTIFIED = "📬 A claim you asked about has been fact-checked"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of our own, which the tests stop and start (never the shared one)."""
    for pg in started_cluster():
        service = ClaimService.from_settings(
            bot_settings_for(Path("unused"), database_url=pg.url), migrate=False
        )
        load_claims(service)
        service.close()
        yield pg


@pytest.fixture
async def pg_driver(cluster: Cluster) -> AsyncIterator[Driver]:
    settings = bot_settings_for(Path("unused"), database_url=cluster.url, database_timeout=2.0)
    try:
        async with running_bot(settings) as driver:
            yield driver
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # running already, unless a test failed
            cluster.start()


async def test_postgres_stopped_means_try_again_shortly_then_the_bot_recovers_by_itself(
    pg_driver: Driver, cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    assert "#1" in (await pg_driver.reply(ANN, KNOWN_EN)).text
    cluster.stop()
    with caplog.at_level(logging.WARNING):
        assert (await pg_driver.reply(ANN, KNOWN_EN)).text == BUSY
        assert (await pg_driver.reply(ADMIN, "/verdict 1 true https://example.org/x")).text == BUSY
        await asyncio.sleep(2.5)  # the outbox looks every second meanwhile
    outbox = [r for r in caplog.records if r.name == "bot.handlers.notifications"]
    assert [r.getMessage().split(":")[0] for r in outbox] == [
        "notifications paused until the database is back"
    ]
    cluster.start()
    assert "#1" in (await pg_driver.reply(ANN, KNOWN_EN)).text  # same process, same engine
    reply = await pg_driver.reply(ADMIN, f"/verdict 1 false https://example.org/5g-{id(cluster)}")
    assert reply.text.startswith("Corrected #1")
    note = (await pg_driver.stand_in.wait_for_messages(ANN.id, 4))[-1]
    assert note.text.startswith("📬 The verdict on a claim you asked about has been updated (#1)")


async def test_a_locked_sqlite_database_means_try_again_shortly_then_recovers(
    driver: Driver, database: Path
) -> None:
    import sqlite3

    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert (await driver.reply(ANN, PENDING)).text == BUSY  # a write waits, then gives up politely
        assert (await driver.reply(ADMIN, "/queue")).text.startswith("No claim is waiting")  # reads go on
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "I logged it as" in (await driver.reply(ANN, PENDING)).text
    assert "1 of 1" in (await driver.reply(ADMIN, "/queue")).text


# ------------------------------------------------------------------------------------------ Telegram


async def asked(driver: Driver, person: Person, text: str = PENDING) -> int:
    return int(re.search(r"#(\d+)", (await driver.reply(person, text)).text).group(1))


async def test_a_notification_that_times_out_is_retried_and_delivered_once(
    make_driver: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    driver = await make_driver(read_timeout=0.5)
    claim_id = await asked(driver, ANN)
    driver.stand_in.fail(ANN.id, "delay", delay=2.0)  # Telegram does not answer the first send in time
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    messages = await driver.stand_in.wait_for_messages(ANN.id, 2, timeout=15)
    assert messages[-1].text.startswith(NOTIFIED)
    # The message reaches Telegram a moment before the bot records it as sent.
    for _ in range(100):
        if tables.dump(driver.database_url)["outbox"][0]["status"] == "sent":
            break
        await asyncio.sleep(0.05)
    (row,) = tables.dump(driver.database_url)["outbox"]
    assert (row["status"], row["attempts"]) == ("sent", 1)  # one failed attempt before
    assert "did not answer sendMessage within 0.5 s" in caplog.text
    await asyncio.sleep(2.5)
    assert len(driver.stand_in.messages(ANN.id)) == 2  # once


# ------------------------------------------------------------------------------------------ restart


async def test_a_restart_in_the_middle_of_notifications_loses_and_repeats_none(database: Path) -> None:
    settings = bot_settings_for(database, rate_limit_per_minute=1000)
    askers = [Person(id=5000 + n, first_name=f"A{n}") for n in range(120)]
    stand_in = BotApiStandIn(token=TOKEN)
    async with running_bot(settings, stand_in) as driver:
        for person in askers:
            await driver.send(person, PENDING)
        claim_id = await asked(driver, BOB)
        for person in askers:  # Telegram answers slowly: the sending is still under way when we stop
            stand_in.fail(person.id, "delay", delay=0.05, times=None)
        await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
        await stand_in.wait_for(lambda: _notified(stand_in, askers) >= 10, timeout=30)
    at_stop = _notified(stand_in, askers)
    assert 10 <= at_stop < len(askers)  # stopped mid-way

    async with running_bot(settings, stand_in) as driver:  # a new Application, same database and Telegram
        await stand_in.wait_for(lambda: _notified(stand_in, askers) >= len(askers), timeout=60)
        await asyncio.sleep(1.5)  # time enough for a duplicate to show up if one were coming
    counts = Counter(
        m.chat_id for p in askers for m in stand_in.messages(p.id) if m.text.startswith(NOTIFIED)
    )
    assert sorted(set(counts.values())) == [1] and len(counts) == len(askers)
    outbox = tables.dump(settings.database_url)["outbox"]
    assert Counter(row["status"] for row in outbox) == {"sent": len(askers) + 1}


def _notified(stand_in: BotApiStandIn, people: list[Person]) -> int:
    return sum(1 for p in people for m in stand_in.messages(p.id) if m.text.startswith(NOTIFIED))

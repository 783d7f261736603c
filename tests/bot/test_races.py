"""Races through the bot: reviewers acting on one claim at once, and many people sending one new claim at once
(in-process and over loopback with `python -m bot`, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from telegram import Update

from bot.standin import BotApiStandIn, Person, serve
from tests import tables
from tests.bot.process import BotProcess, bot_env
from tests.bot.support import ADMIN, ANN, BOB, TOKEN, Driver, bot_settings_for, running_bot
from tests.invariants import violations

PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
OTHER = "Scientists found a colony of penguins living inside the Sahara desert"
REPEATED = "The national railway will replace every train driver with robots before Christmas"


def claim_id(text: str) -> int:
    return int(re.search(r"#(\d+)", text).group(1))


async def at_once(driver: Driver, *messages: tuple[Person, str]) -> list[str]:
    """Several people's messages handled concurrently; each one's reply."""
    sent = {person.id: len(driver.stand_in.messages(person.id)) for person, _ in messages}
    await asyncio.gather(*(driver.send(person, text) for person, text in messages))
    return [driver.stand_in.messages(person.id)[sent[person.id]].text for person, _ in messages]


async def test_two_reviewers_correcting_at_once_both_kept_latest_wins_both_told(driver: Driver) -> None:
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    await driver.send(BOB, "/start")  # Bob's chat with the bot exists, as a reviewer's would
    claim = claim_id((await driver.reply(ANN, PENDING)).text)
    replies = await at_once(
        driver,
        (ADMIN, f"/verdict {claim} false https://example.org/admin"),
        (BOB, f"/verdict {claim} misleading https://example.org/bob"),
    )
    raced = [n for n, reply in enumerate(replies) if "while you were writing yours" in reply]
    assert len(raced) == 1, replies
    later, earlier = (ADMIN, BOB)[raced[0]], (ADMIN, BOB)[1 - raced[0]]
    latest_rating = ("false", "misleading")[raced[0]]

    details = await driver.service.claim_details(actor_id=ADMIN.id, claim_id=claim)
    assert [v.reviewer_id for v in details.history] == [earlier.id, later.id]  # both kept, in order
    assert details.verdict.rating == latest_rating
    told = driver.stand_in.messages(earlier.id)[-1].text
    assert told.startswith(f"⚠️ {later.first_name} published a verdict on #{claim}")
    assert "theirs is now the latest" in told
    notes = await driver.stand_in.wait_for_messages(ANN.id, 3)  # the verdict, then its correction
    assert "has been updated" in notes[-1].text
    assert violations(driver.database_url) == []


async def test_a_merge_and_a_verdict_at_once_leave_one_consistent_outcome(driver: Driver) -> None:
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    into = claim_id((await driver.reply(ANN, PENDING)).text)
    merged = claim_id((await driver.reply(ANN, OTHER)).text)
    merge_reply, verdict_reply = await at_once(
        driver,
        (ADMIN, f"/merge {merged} {into}"),
        (BOB, f"/verdict {merged} false https://example.org/penguins"),
    )
    if merge_reply.startswith("Merged"):  # the merge came first: the verdict is refused, and says where to go
        assert verdict_reply == f"That claim was merged into #{into}: use #{into}."
        assert (await driver.service.get_claim(merged)).id == into
    else:  # the verdict came first: the merge is refused, and says how to merge instead
        assert verdict_reply.startswith(f"Published on #{merged}")
        assert merge_reply.startswith(f"#{merged} already has a verdict")
        assert (await driver.service.get_claim(merged)).status == "published"
    assert violations(driver.database_url) == []


async def fifteen_at_once(driver: Driver) -> set[int]:
    people = [Person(id=700 + n, first_name=f"P{n}") for n in range(15)]
    for person in people:
        update = driver.stand_in.push_message(person, REPEATED)
        await driver.app.update_queue.put(Update.de_json(update, driver.app.bot))
    replies = await asyncio.gather(*(driver.stand_in.wait_for_messages(p.id, 1, timeout=30) for p in people))
    return {claim_id(messages[0].text) for messages in replies}


async def test_fifteen_identical_new_claims_at_once_make_one_claim_through_the_bot(database_url: str) -> None:
    # database_url is a fresh empty database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
    async with running_bot(bot_settings_for(Path("unused"), database_url=database_url)) as driver:
        ids = await fifteen_at_once(driver)
    assert len(ids) == 1
    (claim,) = tables.dump(database_url)["claim"]
    assert (claim["id"], claim["ask_count"], claim["status"]) == (ids.pop(), 15, "pending")
    assert violations(database_url) == []


async def test_fifteen_identical_new_claims_over_loopback_make_one_claim(
    database_url: str, tmp_path: Path
) -> None:
    api = BotApiStandIn(token=TOKEN, long_poll_cap=0.5)
    people = [Person(id=800 + n, first_name=f"P{n}") for n in range(15)]
    async with serve(api) as base_url:
        bot = BotProcess(bot_env(base_url, database_url), tmp_path / "bot.log")
        await bot.start(api)
        try:
            for person in people:
                api.push_message(person, REPEATED)
            replies = await asyncio.gather(*(api.wait_for_messages(p.id, 1, timeout=30) for p in people))
        finally:
            assert await bot.stop() == 0
    assert len({claim_id(messages[0].text) for messages in replies}) == 1
    (claim,) = tables.dump(database_url)["claim"]
    assert claim["ask_count"] == 15

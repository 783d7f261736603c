"""Abuse: the banned get nothing and count for nothing; a flood is capped per person and holds nobody up."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from bot import callbacks
from tests import tables
from tests.bot.support import (
    ADMIN,
    ANN,
    KNOWN_EN,
    MALLORY,
    VAGUE,
    Driver,
    queued_update,
    slow_person_then_ann,
)

PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"


async def banned_mallory(driver: Driver) -> list[Any]:
    """Mallory asked things and has buttons, then was banned; her earlier messages from the bot."""
    await driver.send(MALLORY, KNOWN_EN)
    await driver.send(MALLORY, PENDING)
    await driver.reply(ADMIN, f"/ban {MALLORY.id}")
    return driver.stand_in.messages(MALLORY.id)


async def test_the_banned_get_no_answer_of_any_kind_and_leave_no_trace(driver: Driver) -> None:
    earlier = await banned_mallory(driver)
    before = tables.dump(driver.database_url)
    calls = len(driver.stand_in.calls)
    stand_in = driver.stand_in
    updates = [
        stand_in.push_message(MALLORY, KNOWN_EN),
        stand_in.push_message(MALLORY, "A brand new claim about penguins voting in Oslo last night"),
        stand_in.push_message(MALLORY, f"/check {KNOWN_EN}"),
        stand_in.push_message(MALLORY, "/start"),
        stand_in.push_message(MALLORY, "/mine"),
        stand_in.push_message(MALLORY, None, caption=KNOWN_EN),
        stand_in.push_message(MALLORY, None, sticker="🙂"),
        stand_in.push_callback(MALLORY, earlier[0], earlier[0].buttons[0].callback_data),
        stand_in.push_callback(MALLORY, earlier[-1], callbacks.queue_text(1)),
        stand_in.push_callback(MALLORY, earlier[0], callbacks.language("fr")),
        stand_in.push_inline_query(MALLORY, KNOWN_EN),
    ]
    for update in updates:
        await driver.process(update)
    assert driver.stand_in.calls[calls:] == []  # not one Bot API call: no reply, no button answer
    assert tables.dump(driver.database_url) == before  # no submission, no ask, no subscription


async def test_each_update_reads_the_person_once_and_a_ban_stops_the_very_next_one(driver: Driver) -> None:
    # The guard reads who is asking before any handler runs, and the service is handed that read instead of
    # reading the row again: one read per update, and still a fresh one for each.
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM person" in statement:
            reads.append(statement)

    engine = driver.service.service.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        card = await driver.reply(MALLORY, KNOWN_EN)
        assert "#1" in card.text and len(reads) == 1
        suggestions = await driver.reply(MALLORY, VAGUE)
        assert len(reads) == 2
        await driver.press(MALLORY, suggestions, "wants to reduce")
        assert len(reads) == 3
        _, queued = await driver.press(MALLORY, card, "Not what I meant")
        assert "logged it as" in queued[-1].text and len(reads) == 4
        await driver.reply(ADMIN, f"/ban {MALLORY.id}")
        before = tables.dump(driver.database_url)
        assert await driver.send(MALLORY, PENDING) == []
        assert tables.dump(driver.database_url) == before
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_a_banned_asker_is_not_notified_of_the_verdict(driver: Driver) -> None:
    reply = await driver.reply(MALLORY, PENDING)
    claim_id = int(re.search(r"#(\d+)", reply.text).group(1))
    await driver.reply(ANN, PENDING)
    await driver.reply(ADMIN, f"/ban {MALLORY.id}")
    published = await driver.reply(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    assert published.text.endswith("1 person will be notified.")
    await driver.stand_in.wait_for_messages(ANN.id, 2)
    assert len(driver.stand_in.messages(MALLORY.id)) == 1
    assert {row["user_id"] for row in tables.dump(driver.database_url)["outbox"]} == {ANN.id}


async def test_a_flood_adds_no_demand_past_the_rate_limit(make_driver: Callable[..., Any]) -> None:
    driver = await make_driver(rate_limit_per_minute=5)
    for n in range(30):
        await driver.send(MALLORY, f"The penguins of Oslo voted {n} times for the harbour mayor")
    rows = tables.dump(driver.database_url)
    assert len([row for row in rows["submission"] if row["user_id"] == MALLORY.id]) == 5
    assert sum(row["ask_count"] for row in rows["claim"] if row["status"] == "pending") == 5
    assert len(driver.stand_in.messages(MALLORY.id)) == 6  # five answers, one "slow down", then silence


async def test_a_person_whose_replies_are_slow_holds_nobody_else_up(driver: Driver) -> None:
    # Ten updates from one person whose every reply takes Telegram a second, then one from Ann: updates are
    # handled at once across people (in order per person), so Ann's reply comes before the tenth of his.
    assert await slow_person_then_ann(driver, delay=1.0) < 10


async def test_a_burst_from_many_people_at_once_is_answered_in_full(driver: Driver) -> None:
    people = [type(ANN)(id=3000 + n, first_name=f"P{n}") for n in range(40)]
    for person in people:
        await driver.app.update_queue.put(queued_update(driver, person, KNOWN_EN))
    replies = await asyncio.gather(*(driver.stand_in.wait_for_messages(p.id, 1, timeout=30) for p in people))
    assert all("#1" in messages[0].text for messages in replies)

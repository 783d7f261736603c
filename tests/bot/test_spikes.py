"""A spike: the bot holds only so many people's updates at once; the others wait in the update queue, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.standin import Person
from bot.updates import PerPersonUpdateProcessor
from tests.bot.support import Driver, queued_update, slow_person_then_ann


def _processor(driver: Driver, max_people: int) -> PerPersonUpdateProcessor:
    processor = driver.app.update_processor
    assert isinstance(processor, PerPersonUpdateProcessor)
    processor.max_people = max_people
    return processor


async def _until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_past_the_people_in_hand_updates_wait_in_the_queue_and_are_all_answered(driver: Driver) -> None:
    processor = _processor(driver, max_people=3)
    people = [Person(id=4000 + n, first_name=f"P{n}") for n in range(8)]
    for person in people:
        driver.stand_in.fail(person.id, "delay", delay=0.5)  # each reply takes Telegram half a second
    for person in people:
        await driver.app.update_queue.put(queued_update(driver, person, "/help"))
    await _until(lambda: processor.people_in_hand == 3)
    assert driver.app.update_queue.qsize() == 5  # not taken yet: no task, nothing parsed past the queue
    await asyncio.gather(*(driver.stand_in.wait_for_messages(p.id, 1, timeout=10) for p in people))
    assert processor.people_in_hand == 0
    # Taken in the order they came: the first three people were answered before the last three.
    order = [call.params["chat_id"] for call in driver.stand_in.calls if call.method == "sendMessage"]
    assert {int(chat) for chat in order[:3]} == {p.id for p in people[:3]}


async def test_a_person_in_hand_counts_once_however_many_updates_they_sent(driver: Driver) -> None:
    # Ten updates from Bob, whose every reply takes Telegram half a second, and room for two people: Ann is the
    # second person, so her update is taken (and answered) while Bob's wait for their turn.
    _processor(driver, max_people=2)
    assert await slow_person_then_ann(driver, delay=0.5) < 5

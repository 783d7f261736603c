"""The outbox: askers are told in the background, and Telegram's refusals are retried or recorded."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from bot.standin import Person
from tests.bot.support import ADMIN, ANN, BOB, CLAIRE, Driver

PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
PENDING_FR = "Le maire de Lyon a interdit les vélos sur tous les ponts de la ville la semaine dernière"


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def asked(driver: Driver, person: Person, text: str = PENDING) -> int:
    reply = await driver.reply(person, text)
    return int(re.search(r"#(\d+)", reply.text).group(1))


async def outbox(driver: Driver, status: str) -> int:
    return (await driver.service.stats()).notifications_by_status.get(status, 0)


async def test_a_verdict_notifies_everyone_who_asked_with_its_source(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    await asked(driver, BOB)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon Bicycles are allowed.")
    for person in (ANN, BOB):
        note = (await driver.stand_in.wait_for_messages(person.id, 2))[-1]
        assert note.text.startswith(f"📬 A claim you asked about has been fact-checked (#{claim_id}):")
        assert "❌ False" in note.text and "Bicycles are allowed." in note.text
        assert note.links == ["https://example.org/lyon"]


async def test_the_reviewer_is_answered_before_the_askers_are_notified(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    reply = await driver.reply(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    assert reply.text.endswith("1 person will be notified.")
    assert len(driver.stand_in.messages(ANN.id)) == 1  # the notification is still on its way
    await driver.stand_in.wait_for_messages(ANN.id, 2)


async def test_a_correction_tells_askers_the_verdict_was_updated(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    await driver.stand_in.wait_for_messages(ANN.id, 2)
    await driver.send(
        ADMIN, f"/verdict {claim_id} mostly-true https://example.org/lyon-2 Only on two bridges."
    )
    note = (await driver.stand_in.wait_for_messages(ANN.id, 3))[-1]
    assert note.text.startswith(f"📬 The verdict on a claim you asked about has been updated (#{claim_id}):")
    assert "☑️ Mostly true" in note.text


async def test_a_rejection_sends_a_short_note_with_the_reason(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    await driver.send(ADMIN, f"/reject {claim_id} satire from a parody site")
    note = (await driver.stand_in.wait_for_messages(ANN.id, 2))[-1]
    assert note.text == (
        f"📬 Reviewers closed #{claim_id} without a fact-check: {PENDING}\nReason: satire from a parody site"
    )


async def test_notifications_are_in_the_askers_language(driver: Driver) -> None:
    claim_id = await asked(driver, CLAIRE, PENDING_FR)
    await driver.send(ADMIN, f"/verdict {claim_id} faux https://example.org/lyon")
    note = (await driver.stand_in.wait_for_messages(CLAIRE.id, 2))[-1]
    assert note.text.startswith(f"📬 Une affirmation que vous avez soumise a été vérifiée (#{claim_id})")


async def test_someone_who_turned_notifications_off_is_not_notified(driver: Driver) -> None:
    reply = await driver.reply(ANN, PENDING)
    await driver.press(ANN, reply, "Don't notify me")
    claim_id = await asked(driver, BOB)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    await driver.stand_in.wait_for_messages(BOB.id, 2)
    assert len(driver.stand_in.messages(ANN.id)) == 2  # the card and the "OK" only


async def test_a_later_asker_gets_the_published_verdict_at_once(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    card = await driver.reply(BOB, PENDING)
    assert f"#{claim_id}" in card.text and "❌ False" in card.text


async def test_a_person_who_blocked_the_bot_is_recorded_as_undeliverable(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    await asked(driver, BOB)
    driver.stand_in.fail(ANN.id, "blocked", times=None)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    await eventually(lambda: _equals(outbox(driver, "undeliverable"), 1))
    assert len(driver.stand_in.messages(BOB.id)) == 2


async def test_flood_control_retry_after_is_honoured_then_delivered(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    driver.stand_in.fail(ANN.id, "flood", retry_after=1)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    await eventually(lambda: _equals(outbox(driver, "pending"), 1))
    assert len(driver.stand_in.messages(ANN.id)) == 1
    await driver.stand_in.wait_for_messages(ANN.id, 2, timeout=8)
    assert [c.status for c in driver.stand_in.calls if c.params.get("chat_id") == str(ANN.id)][-2:] == [
        429,
        200,
    ]


async def test_a_server_error_is_retried_with_backoff(driver: Driver) -> None:
    claim_id = await asked(driver, ANN)
    driver.stand_in.fail(ANN.id, "server", status=502)
    await driver.send(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
    note = (await driver.stand_in.wait_for_messages(ANN.id, 2, timeout=8))[-1]
    assert "has been fact-checked" in note.text
    await eventually(lambda: _equals(outbox(driver, "sent"), 1))


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected

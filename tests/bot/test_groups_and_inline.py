"""Groups hear only confident answers to /check and mentions; inline mode offers verdict cards."""

from __future__ import annotations

from tests.bot.support import ADMIN, ANN, BOB, GROUP, KNOWN_EN, VAGUE, Driver

UNKNOWN = "The mayor of Lyon banned bicycles on every bridge of the city last week"


async def test_group_chatter_gets_no_reply(driver: Driver) -> None:
    assert await driver.send(ANN, KNOWN_EN, chat=GROUP) == []


async def test_group_chatter_is_not_logged(driver: Driver) -> None:
    await driver.send(ANN, KNOWN_EN, chat=GROUP)
    assert await driver.service.log(actor_id=ADMIN.id) == []


async def test_check_in_a_group_answers_a_confident_match(driver: Driver) -> None:
    card = await driver.reply(ANN, f"/check@factcheck_test_bot {KNOWN_EN}", chat=GROUP)
    assert "❌ False" in card.text and "#1" in card.text
    assert card.buttons == []


async def test_check_in_a_group_of_an_unknown_claim_stays_silent_and_queues_nothing(driver: Driver) -> None:
    assert await driver.send(ANN, f"/check {UNKNOWN}", chat=GROUP) == []
    assert (await driver.service.queue(actor_id=ADMIN.id)).total == 0


async def test_check_in_a_group_never_offers_suggestions(driver: Driver) -> None:
    assert await driver.send(ANN, f"/check {VAGUE}", chat=GROUP) == []


async def test_a_mention_in_a_group_is_checked(driver: Driver) -> None:
    card = await driver.reply(ANN, f"@factcheck_test_bot {KNOWN_EN}", chat=GROUP)
    assert "#1" in card.text


async def test_a_mention_of_someone_else_is_ignored(driver: Driver) -> None:
    assert await driver.send(ANN, f"@somebody_else {KNOWN_EN}", chat=GROUP) == []


async def test_check_replying_to_a_message_checks_that_message(driver: Driver) -> None:
    original = driver.stand_in.push_message(BOB, KNOWN_EN, chat=GROUP)
    await driver.process(original)
    update = driver.stand_in.push_message(ANN, "/check", chat=GROUP)
    update["message"]["reply_to_message"] = original["message"]
    await driver.process(update)
    assert "#1" in driver.stand_in.messages(GROUP.id)[-1].text


async def test_reviewer_commands_are_ignored_in_groups(driver: Driver) -> None:
    assert await driver.send(ADMIN, "/queue", chat=GROUP) == []


async def test_inline_mode_offers_verdict_cards(driver: Driver) -> None:
    update = driver.stand_in.push_inline_query(ANN, "Bill Gates vaccines")
    await driver.process(update)
    results = driver.stand_in.inline_answer(update["inline_query"]["id"])
    assert 1 <= len(results) <= 5
    gates = next(r for r in results if "Bill Gates wants to reduce" in r["title"])
    assert gates["title"].startswith("⚠️ Misleading · ")
    assert "Fact-check by Example Fact Desk" in gates["input_message_content"]["message_text"]


async def test_inline_mode_logs_nothing(driver: Driver) -> None:
    await driver.process(driver.stand_in.push_inline_query(ANN, KNOWN_EN))
    assert await driver.service.log(actor_id=ADMIN.id) == []


async def test_a_short_inline_query_gets_an_empty_answer(driver: Driver) -> None:
    update = driver.stand_in.push_inline_query(ANN, "5G")
    await driver.process(update)
    assert driver.stand_in.inline_answer(update["inline_query"]["id"]) == []

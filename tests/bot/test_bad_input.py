"""Bad input, forged buttons, floods, bans and a missing database: a polite answer, never a crash."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.bot.support import ADMIN, ANN, BOB, KNOWN_EN, MALLORY, VAGUE, Driver


async def test_check_without_text_shows_how_to_use_it(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/check")
    assert reply.text.startswith("Write the claim after the command")


async def test_a_5000_character_text_is_refused_politely(driver: Driver) -> None:
    reply = await driver.reply(ANN, "word " * 1000)
    assert reply.text == "That is too long to check (2000 characters at most). Send me just the claim."


async def test_emoji_only_is_refused_politely(driver: Driver) -> None:
    reply = await driver.reply(ANN, "🤔🤔🔥👀")
    assert reply.text == "I could not find a claim in that message. Send me the words of the claim."


async def test_user_html_is_shown_as_text_never_as_markup(driver: Driver) -> None:
    text = 'The <b>mayor</b> of <a href="http://evil.example">Lyon</a> & co banned <script>bikes</script>'
    reply = await driver.reply(ANN, "/start")
    await driver.reply(ADMIN, f"/alias 1 {text}")
    card = await driver.reply(ADMIN, "/claim 1")
    assert text in card.text
    assert "http://evil.example" not in card.links
    assert reply.text.startswith("Hi Ann")


async def test_control_characters_are_removed(driver: Driver) -> None:
    reply = await driver.reply(ANN, "Zebras\u202e were\x00 elected\x07 mayor of Paris in a landslide vote")
    assert "#" in reply.text
    entry = (await driver.service.log(actor_id=ADMIN.id))[0]
    assert entry.text == "Zebras were elected mayor of Paris in a landslide vote"


async def test_a_deep_link_to_an_unknown_claim_says_so(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/start c424242")
    assert reply.text == "There is no claim #424242."


@pytest.mark.parametrize(
    "data", ["garbage", "", "1:pick:x:y", "0:q:1", "1:q:99999999999999999999", "🙂" * 10]
)
async def test_forged_or_stale_button_data_gets_a_polite_answer(driver: Driver, data: str) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    answer, new = await driver.press(ANN, card, data=data)
    assert answer["text"] == "This button has expired. Send the claim again."
    assert new == []


async def test_a_button_for_someone_elses_question_is_refused(driver: Driver) -> None:
    suggestions = await driver.reply(ANN, VAGUE)
    data = suggestions.buttons[0].callback_data
    mallory_card = await driver.reply(MALLORY, KNOWN_EN)
    _, new = await driver.press(MALLORY, mallory_card, data=data)
    assert new[-1].text == "This button no longer works. Send the claim again."


async def test_a_forged_language_button_is_refused(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    _, new = await driver.press(ANN, card, data="1:lang:de")
    assert new[-1].text == "I can reply in English or French only."


async def test_a_flood_gets_one_friendly_reply_then_silence(make_driver: Callable[..., Any]) -> None:
    driver = await make_driver(rate_limit_per_minute=3)
    replies = [await driver.send(ANN, f"/help {n}") for n in range(6)]
    assert [len(r) for r in replies] == [1, 1, 1, 1, 0, 0]
    assert replies[3][0].text.startswith("You are sending messages very quickly")


async def test_the_rate_limit_is_per_person(make_driver: Callable[..., Any]) -> None:
    driver = await make_driver(rate_limit_per_minute=2)
    for _ in range(4):
        await driver.send(ANN, "/help")
    assert "Checking a claim" in (await driver.reply(BOB, "/help")).text


async def test_reviewers_are_not_rate_limited(make_driver: Callable[..., Any]) -> None:
    driver = await make_driver(rate_limit_per_minute=2)
    replies = [await driver.reply(ADMIN, "/claim 1") for _ in range(4)]
    assert all(reply.text.startswith("#1 ·") for reply in replies)


async def test_a_locked_database_means_try_again_shortly(driver: Driver, database: Path) -> None:
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        reply = await driver.reply(ANN, KNOWN_EN)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert reply.text == "The claims database is busy right now. Please try again shortly."
    assert "#1" in (await driver.reply(ANN, KNOWN_EN)).text


async def test_an_unexpected_error_is_logged_with_its_traceback_and_explained(
    driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    driver.stand_in.fail(ANN.id, "server")
    with caplog.at_level(logging.ERROR, logger="bot.handlers.errors"):
        reply = await driver.reply(ANN, KNOWN_EN)
    assert reply.text == "Sorry, something went wrong on my side. Please try again in a moment."
    assert caplog.records[0].exc_info is not None


async def test_a_channel_post_is_ignored(driver: Driver) -> None:
    await driver.process(
        {
            "update_id": 999,
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100999, "type": "channel", "title": "News"},
                "text": KNOWN_EN,
            },
        }
    )
    assert driver.stand_in.calls[-1].method != "sendMessage"

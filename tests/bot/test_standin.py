"""The Bot API stand-in answers like Telegram: through python-telegram-bot's real `Bot`, over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.standin import BotApiStandIn, serve
from tests.bot.support import STANDIN_ANN as ANN
from tests.bot.support import STANDIN_TOKEN as TOKEN


@pytest.fixture
async def base_url(stand_in: BotApiStandIn) -> AsyncIterator[str]:
    async with serve(stand_in) as url:
        yield url


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=base_url) as real_bot:
        yield real_bot


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.supports_inline_queries) == (123456, "factcheck_test_bot", True)


async def test_a_wrong_token_is_unauthorized(base_url: str) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=base_url) as intruder:
            await intruder.get_me()


async def test_an_unknown_method_answers_404_in_bot_api_style(base_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{base_url}{TOKEN}/sendDice", json={}) as response:
        body = await response.json()
    assert (response.status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_get_updates_waits_for_an_update_then_returns_it(stand_in: BotApiStandIn, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    stand_in.push_message(ANN, "/start")
    updates = await asyncio.wait_for(poll, 3)
    assert updates[0].message.text == "/start"
    assert updates[0].message.entities[0].type == "bot_command"


async def test_get_updates_with_an_offset_confirms_earlier_updates(stand_in: BotApiStandIn, bot: Bot) -> None:
    first = stand_in.push_message(ANN, "one")
    stand_in.push_message(ANN, "two")
    updates = await bot.get_updates(offset=first["update_id"] + 1, timeout=0)
    assert [u.message.text for u in updates] == ["two"]


async def test_send_message_parses_html_into_text_and_entities(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    sent = await bot.send_message(
        ANN.id, '<b>False</b> &lt;3 <a href="https://example.org/x">source</a>', parse_mode=ParseMode.HTML
    )
    seen = stand_in.messages(ANN.id)[0]
    assert (sent.text, seen.text) == ("False <3 source", "False <3 source")
    assert seen.links == ["https://example.org/x"]
    assert sent.entities[0].type == "bold"


async def test_unescaped_markup_is_refused_like_telegram(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ANN.id, "<script>alert(1)</script>", parse_mode=ParseMode.HTML)


async def test_a_message_over_4096_characters_is_refused(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ANN.id, "x" * 4097)


async def test_sending_to_a_chat_the_bot_never_saw_fails(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hello")


async def test_callback_data_over_64_bytes_is_refused(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ANN.id, "pick", reply_markup=markup)


async def test_editing_without_a_change_is_refused(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    sent = await bot.send_message(ANN.id, "same")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", chat_id=ANN.id, message_id=sent.message_id)


async def test_a_callback_query_can_be_answered_once(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    await bot.send_message(
        ANN.id,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("yes", callback_data="1:x")]]),
    )
    update = stand_in.push_callback(ANN, stand_in.messages(ANN.id)[0], "1:x")
    query_id = update["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id, "ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert stand_in.callback_answer(query_id)["text"] == "ok"


async def test_a_blocked_chat_answers_403(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    stand_in.fail(ANN.id, "blocked")
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(ANN.id, "verdict")


async def test_a_flood_answers_429_with_retry_after(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    stand_in.fail(ANN.id, "flood", retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ANN.id, "verdict")
    assert raised.value.retry_after in (7, timedelta(seconds=7))
    assert (await bot.send_message(ANN.id, "verdict")).text == "verdict"


async def test_a_server_fault_answers_5xx_once(stand_in: BotApiStandIn, bot: Bot) -> None:
    stand_in.push_message(ANN, "hi")
    stand_in.fail(ANN.id, "server", status=502)
    with pytest.raises(NetworkError):
        await bot.send_message(ANN.id, "verdict")
    assert (await bot.send_message(ANN.id, "verdict")).text == "verdict"


async def test_command_menus_are_kept_per_scope_and_language(stand_in: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand("check", "Vérifier")], scope=BotCommandScopeAllPrivateChats(), language_code="fr"
    )
    assert stand_in.commands({"type": "all_private_chats"}, "fr") == [
        {"command": "check", "description": "Vérifier"}
    ]
    assert stand_in.commands({"type": "all_private_chats"}, "en") == []


async def test_wait_for_messages_times_out_with_what_it_saw(stand_in: BotApiStandIn) -> None:
    with pytest.raises(TimeoutError, match="1 messages in chat 501"):
        await stand_in.wait_for_messages(ANN.id, 1, timeout=0.1)

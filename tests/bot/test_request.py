"""The bot's aiohttp client for the Bot API behaves as PTB's httpx one: answers, timeouts and network errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.request import AiohttpRequest
from bot.standin import BotApiStandIn, serve
from tests.bot.support import STANDIN_ANN as ANN
from tests.bot.support import STANDIN_TOKEN as TOKEN


@pytest.fixture
async def bot(stand_in: BotApiStandIn) -> AsyncIterator[Bot]:
    async with (
        serve(stand_in) as url,
        Bot(TOKEN, base_url=url, request=AiohttpRequest(read_timeout=1.0)) as real,
    ):
        yield real


async def test_calls_reach_the_bot_api_and_return_its_answer(bot: Bot, stand_in: BotApiStandIn) -> None:
    stand_in.push_message(ANN, "/start")  # the chat exists once Ann wrote
    assert (await bot.get_me()).username == "factcheck_test_bot"
    sent = await bot.send_message(ANN.id, "<b>Checked</b> &amp; done", parse_mode="HTML")
    assert sent.text == "Checked & done"
    assert [m.text for m in stand_in.messages(ANN.id)] == ["Checked & done"]


async def test_an_api_error_is_raised_as_telegram_does(bot: Bot, stand_in: BotApiStandIn) -> None:
    stand_in.fail(ANN.id, "flood", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ANN.id, "hello")
    assert caught.value.retry_after.total_seconds() == 7


async def test_a_reply_slower_than_the_read_timeout_is_timed_out(bot: Bot, stand_in: BotApiStandIn) -> None:
    stand_in.push_message(ANN, "/start")
    stand_in.fail(ANN.id, "delay", delay=3.0)
    with pytest.raises(TimedOut):
        await bot.send_message(ANN.id, "hello", read_timeout=0.2)


async def test_an_unreachable_server_is_a_network_error() -> None:
    unreachable = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError):
        async with unreachable:  # initialising asks getMe
            pass


async def test_the_proxy_named_in_the_environment_carries_the_calls(
    stand_in: BotApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Bot API's host does not resolve: only the proxy (the stand-in, which answers absolute-form requests
    # as a forward proxy passes them on) can get the call an answer.
    async with serve(stand_in) as url:
        monkeypatch.setenv("HTTP_PROXY", url.removesuffix("/bot"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with Bot(TOKEN, base_url="http://bot-api.invalid/bot", request=AiohttpRequest()) as bot:
            assert (await bot.get_me()).username == "factcheck_test_bot"
            assert (await bot.get_me()).username == "factcheck_test_bot"  # the second call too


async def test_no_proxy_sends_the_calls_direct(
    stand_in: BotApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(stand_in) as url:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with Bot(TOKEN, base_url=url, request=AiohttpRequest()) as bot:
            assert (await bot.get_me()).username == "factcheck_test_bot"

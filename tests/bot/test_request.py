"""The bot's aiohttp client for the Bot API behaves as PTB's httpx one: answers, timeouts and network errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
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


class _Recorder:
    """A Bot API that only records what each call sent, and answers with a message."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            body = await request.json()
        else:
            form = await request.post()
            # A file's content is read here: aiohttp closes it once the handler returns.
            body = {k: v if isinstance(v, str) else (v.filename, v.file.read()) for k, v in form.items()}
        self.calls.append((request.content_type, body))
        message = {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "ok"}
        return web.json_response({"ok": True, "result": message})


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[_Recorder, str]]:
    recorder = _Recorder()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", recorder.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield recorder, f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def test_calls_are_sent_as_json_with_typed_values(recorder: tuple[_Recorder, str]) -> None:
    api, url = recorder
    request = AiohttpRequest()  # the bot is not initialised: no getMe, the recorder answers messages only
    await request.initialize()
    try:
        bot = Bot(TOKEN, base_url=url, request=request)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ne plus suivre", callback_data="u:7")]])
        await bot.send_message(42, "« Faux » — <b>5G</b> 🙂", parse_mode="HTML", reply_markup=markup)
    finally:
        await request.shutdown()
    content_type, body = api.calls[-1]
    assert content_type == "application/json"
    assert body["chat_id"] == 42 and body["text"] == "« Faux » — <b>5G</b> 🙂"
    assert body["reply_markup"] == {"inline_keyboard": [[{"text": "Ne plus suivre", "callback_data": "u:7"}]]}


async def test_a_file_goes_as_a_multipart_form_with_the_other_parameters(
    recorder: tuple[_Recorder, str],
) -> None:
    api, url = recorder
    request = AiohttpRequest()
    await request.initialize()
    try:
        bot = Bot(TOKEN, base_url=url, request=request)
        await bot.send_document(42, b"id,text\n1,claim\n", filename="log.csv", caption="Claim log")
    finally:
        await request.shutdown()
    content_type, body = api.calls[-1]
    assert content_type == "multipart/form-data"
    assert body["chat_id"] == "42" and body["caption"] == "Claim log"
    assert body["document"] == ("log.csv", b"id,text\n1,claim\n")

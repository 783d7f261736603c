"""The stand-in over loopback HTTP, on the URL shape of the real Bot API: `{base}{token}/{method}`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.standin.core import BotApiStandIn


def make_app(stand_in: BotApiStandIn) -> web.Application:
    """An aiohttp application answering `/bot<token>/<method>` with GET or POST, JSON or form bodies."""

    async def handle(request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            elif request.can_read_body:
                form = await request.post()
                params.update({key: value for key, value in form.items() if isinstance(value, str)})
        status, payload = await stand_in.call(
            request.match_info["method"], params, token=request.match_info["token"]
        )
        return web.json_response(payload, status=status)

    async def not_found(_: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", handle)
    app.router.add_route("*", "/{tail:.*}", not_found)
    return app


@contextlib.asynccontextmanager
async def serve(stand_in: BotApiStandIn, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve the stand-in on a free loopback port; yields the base URL to give the bot (`.../bot`)."""
    runner = web.AppRunner(make_app(stand_in), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    pusher = asyncio.create_task(push_to_webhook(stand_in))
    try:
        yield f"http://{host}:{bound}/bot"
    finally:
        pusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pusher
        await runner.cleanup()


async def push_to_webhook(stand_in: BotApiStandIn) -> None:
    """Once the bot sets a webhook, POST it the updates one by one, as Telegram does, until it answers 200."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        while True:
            await stand_in.wait_for(
                lambda: stand_in.next_webhook_update() is not None, timeout=60, quiet=True
            )
            hook, update = stand_in.webhook, stand_in.next_webhook_update()
            if hook is None or update is None:
                continue
            headers = (
                {"X-Telegram-Bot-Api-Secret-Token": hook["secret_token"]} if hook["secret_token"] else {}
            )
            try:
                async with http.post(hook["url"], json=update, headers=headers) as response:
                    delivered = response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                delivered = False
            if delivered:
                stand_in.confirm_webhook_update(update["update_id"])
            else:
                await asyncio.sleep(0.2)

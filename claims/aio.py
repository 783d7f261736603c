"""The service for asyncio callers: every method runs in a bounded thread pool, never on the event loop.

A thread pool rather than an async engine: the matcher is CPU work that must leave the loop too, SQLite has no
truly asynchronous driver, and one synchronous code path serves the bot, the CLI and the tests alike.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from claims import matchpool
from claims.service import ClaimService
from claims.views import CheckResult, PersonView


class AsyncClaimService:
    """`await asvc.check(...)` runs `ClaimService.check(...)` in a worker thread (same names, same arguments)."""

    def __init__(self, service: ClaimService, *, threads: int = 2) -> None:
        self.service = service
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="claims")

    async def check(
        self,
        *,
        text: str,
        user_id: int | None,
        chat_id: int | None = None,
        chat_type: str = "private",
        lang_hint: str | None = None,
        queue: bool = True,
        person: PersonView | None = None,
    ) -> CheckResult:
        """`ClaimService.check`, holding no thread while a match worker searches: the search is sent from here
        (`start_check` neither reads nor waits), its reply wakes this coroutine, and only the reads and writes
        after it take a thread. A thread held through the search (most of a check's time, most of it waiting
        for the worker) capped the bot at a few checks at once, however idle the worker or the database."""
        loop = asyncio.get_running_loop()
        searched = loop.create_future()

        def notify() -> None:  # from the pool's reader thread
            loop.call_soon_threadsafe(_settle, searched)

        started = self.service.start_check(
            text=text, user_id=user_id, lang_hint=lang_hint, person=person, notify=notify
        )
        if started is None:  # no worker, or one that is behind: the whole check in a thread, as ever
            return await self._run(
                self.service.check,
                text=text,
                user_id=user_id,
                chat_id=chat_id,
                chat_type=chat_type,
                lang_hint=lang_hint,
                queue=queue,
                person=person,
            )
        try:
            await asyncio.wait_for(searched, matchpool.REPLY_TIMEOUT)
        except TimeoutError:
            started.give_up()
        return await self._run(
            self.service.finish_check,
            started,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            queue=queue,
        )

    async def _run(self, target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, functools.partial(target, *args, **kwargs)
        )

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        target = getattr(self.service, name)
        if name.startswith("_") or not callable(target):
            raise AttributeError(name)

        @functools.wraps(target)
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self._run(target, *args, **kwargs)

        setattr(self, name, call)  # cache: the next lookup skips __getattr__
        return call

    async def aclose(self) -> None:
        """Wait for running calls, then close the service."""
        await asyncio.get_running_loop().run_in_executor(None, self._pool.shutdown)
        self.service.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():  # not given up on meanwhile
        future.set_result(None)

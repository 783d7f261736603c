"""The service for asyncio callers: every method runs in a bounded thread pool, never on the event loop.

A thread pool rather than an async engine: the matcher is CPU work that must leave the loop too, SQLite has no
truly asynchronous driver, and one synchronous code path serves the bot, the CLI and the tests alike.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from claims import matchpool
from claims.service import ClaimService, StartedCheck
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
        (`start_check` neither reads nor waits), its reply hands the check to a thread for the reads and writes
        after it (`_Handoff`), and their outcome wakes this coroutine. A thread held through the search (most
        of a check's time, most of it waiting for the worker) capped the bot at a few checks at once, however
        idle the worker or the database."""
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[CheckResult] = loop.create_future()

        def finish(started: StartedCheck) -> None:  # from the pool's reader thread, or from here
            try:
                work = self._pool.submit(
                    self.service.finish_check,
                    started,
                    user_id=user_id,
                    chat_id=chat_id,
                    chat_type=chat_type,
                    queue=queue,
                )
            except RuntimeError as exc:  # the service is closing: its threads take nothing more
                work = Future()
                work.set_exception(exc)
            work.add_done_callback(lambda done: loop.call_soon_threadsafe(_copy_outcome, done, finished))

        handoff = _Handoff(finish)
        started = self.service.start_check(
            text=text, user_id=user_id, lang_hint=lang_hint, person=person, notify=handoff.replied
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
        handoff.started(started)
        try:
            return await asyncio.wait_for(asyncio.shield(finished), matchpool.REPLY_TIMEOUT)
        except TimeoutError:
            # No reply: the worker is given up, its reader thread answers the search as lost, and the check is
            # finished as usual (`finish_check` then searches here).
            started.give_up()
        return await finished

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


class _Handoff:
    """Starts a check's second half (`finish_check`, in the service's threads) as soon as both its search's reply
    has come (`replied`, on the pool's reader thread) and `start_check` has returned (`started`), whichever is
    last. Straight from the reader thread to a service thread: waking the event loop in between, to hand the
    check to a thread from there, cost a loop turn per check, and under load the reply waited behind every
    update the loop had in hand."""

    __slots__ = ("_check", "_finish", "_lock", "_replied")

    def __init__(self, finish: Callable[[StartedCheck], None]) -> None:
        self._finish = finish
        self._lock = threading.Lock()
        self._check: StartedCheck | None = None
        self._replied = False

    def replied(self) -> None:
        with self._lock:
            self._replied = True
            check = self._check
        if check is not None:
            self._finish(check)

    def started(self, check: StartedCheck) -> None:
        with self._lock:
            self._check = check
            replied = self._replied
        if replied:
            self._finish(check)


def _copy_outcome(done: Future[CheckResult], finished: asyncio.Future[CheckResult]) -> None:
    """On the event loop: the outcome of a thread's `finish_check` into the future the check awaits."""
    if finished.done():
        return
    exc = done.exception()
    if exc is not None:
        finished.set_exception(exc)
    else:
        finished.set_result(done.result())

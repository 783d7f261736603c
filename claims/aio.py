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

from claims.service import ClaimService


class AsyncClaimService:
    """`await asvc.check(...)` runs `ClaimService.check(...)` in a worker thread (same names, same arguments)."""

    def __init__(self, service: ClaimService, *, threads: int = 2) -> None:
        self.service = service
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="claims")

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        target = getattr(self.service, name)
        if name.startswith("_") or not callable(target):
            raise AttributeError(name)

        @functools.wraps(target)
        async def call(*args: Any, **kwargs: Any) -> Any:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, functools.partial(target, *args, **kwargs))

        setattr(self, name, call)  # cache: the next lookup skips __getattr__
        return call

    async def aclose(self) -> None:
        """Wait for running calls, then close the service."""
        await asyncio.get_running_loop().run_in_executor(None, self._pool.shutdown)
        self.service.close()

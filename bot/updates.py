"""How updates are scheduled: different people at once, one person's updates in the order they were sent."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across people (a slow or flooding person does not delay the others), ordered per person."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._finished: deque[int] = deque(maxlen=10_000)
        self._progress = asyncio.Event()

    async def process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Wait for the person's earlier updates first, then for a free slot (so a flood holds no slots)."""
        key = _person(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]
            if isinstance(update, Update):
                self._finished.append(update.update_id)
            self._progress.set()
            self._progress = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Run the handlers."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def wait_processed(self, update_id: int, timeout: float = 30.0) -> bool:
        """Wait until the update with this id has been handled (the emulator waits so before the next line)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while update_id not in self._finished:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            progress = self._progress
            try:
                await asyncio.wait_for(progress.wait(), remaining)
            except TimeoutError:
                return False
        return True


def _person(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0

"""How updates are scheduled: different people at once, one person's updates in the order they were sent, and
no more people in hand than the bot can serve (the others wait at Telegram, in the order they came).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates taken from Telegram ahead of the people in hand: one getUpdates batch. Past this the updater waits
# (and, with a webhook, Telegram's POST waits) until the bot has room again.
QUEUE_SIZE = 100


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across people (a slow or flooding person does not delay the others), ordered per person.

    Admission: the application must read its updates from `update_queue`, which hands one out only while fewer
    than `max_people` people have updates in hand. Under a spike the rest wait in that bounded queue and then at
    Telegram, which keeps them in order, instead of each becoming a task in this process: the bot keeps serving
    at its own pace, parses only what it is about to handle, and a person's next update waits behind at most
    `max_people` others, not behind the whole backlog again (a reviewer's second command came after the
    backlog twice). A person counts once however many updates they sent: a flood holds one place, not many.
    """

    def __init__(self, max_concurrent_updates: int = 64, *, max_people: int | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.max_people = 2 * max_concurrent_updates if max_people is None else max_people
        self.update_queue: asyncio.Queue[object] = AdmissionQueue(self, maxsize=QUEUE_SIZE)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        # Updates counted when they left `update_queue`, before their task started (ids of live objects).
        self._admitted: set[int] = set()
        self._finished: deque[int] = deque(maxlen=10_000)
        self._progress = asyncio.Event()

    @property
    def people_in_hand(self) -> int:
        """How many people have updates being handled or waiting for their turn in this process."""
        return len(self._users)

    def admit(self, update: object) -> None:
        """Count `update` as in hand from now (it left the queue; its task has not started yet)."""
        self._users[_person(update)] = self._users.get(_person(update), 0) + 1
        self._admitted.add(id(update))

    async def wait_for_room(self) -> None:
        """Return once fewer than `max_people` people have updates in hand."""
        while len(self._users) >= self.max_people:
            await self._progress.wait()

    async def process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Wait for the person's earlier updates first, then for a free slot (so a flood holds no slots)."""
        key = _person(update)
        if id(update) in self._admitted:
            self._admitted.discard(id(update))
        else:  # not through `update_queue` (a custom update put by other code): counted from here
            self._users[key] = self._users.get(key, 0) + 1
        lock = self._locks.setdefault(key, asyncio.Lock())
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


class AdmissionQueue(asyncio.Queue[object]):
    """The application's update queue: `get` waits for room among the people in hand before giving out an
    update, and counts it at once (the application starts its task only later)."""

    def __init__(self, processor: PerPersonUpdateProcessor, *, maxsize: int) -> None:
        super().__init__(maxsize)
        self._processor = processor

    async def get(self) -> object:
        """The next update, once the processor has room (anything else, such as the stop signal, at once)."""
        await self._processor.wait_for_room()
        item = await super().get()
        if isinstance(item, Update):
            self._processor.admit(item)
        return item


def _person(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0

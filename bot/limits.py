"""A per-person rate limit: a sliding window of one minute, in memory (a flood is stopped before the database)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Hashable
from enum import Enum


class Pace(Enum):
    OK = "ok"
    WARN = "warn"  # the first refusal in a window: say why, once
    DROP = "drop"  # later refusals: stay silent, so a flood gets no echo


class RateLimiter:
    """At most `per_minute` updates per person in any 60 seconds."""

    def __init__(self, per_minute: int, *, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._hits: dict[Hashable, deque[float]] = {}
        self._warned: dict[Hashable, float] = {}
        self._sweep_at = time.monotonic() + window

    def hit(self, key: Hashable, now: float | None = None) -> Pace:
        """Count one update from `key` and say whether to handle it."""
        now = time.monotonic() if now is None else now
        if now >= self._sweep_at:
            self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) < self.per_minute:
            hits.append(now)
            return Pace.OK
        if self._warned.get(key, float("-inf")) > now - self.window:
            return Pace.DROP
        self._warned[key] = now
        return Pace.WARN

    def _sweep(self, now: float) -> None:
        """Forget people who have been quiet for a whole window, so memory stays bounded."""
        cutoff = now - self.window
        self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > cutoff}
        self._warned = {k: v for k, v in self._warned.items() if v > cutoff}
        self._sweep_at = now + self.window

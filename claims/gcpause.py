"""Bulk work without Python's cyclic garbage collector: imports and index builds allocate millions of objects.

Reading a large file keeps every record alive until the end, and each collection of the oldest generation walks
all of them again: a third of an import's CPU time (100k ClaimReview records: 5.5 s -> 3.9 s without it).
Reference counting still frees everything that is not in a reference cycle; cycles wait for the collector, which
runs again as soon as the bulk work is over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (as it was before, afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The youngest generation's threshold once a process serves: CPython's 700 had the bot's process collect about
# every dozen updates under load, and measured as a whole (benchmarks/README.md, "the cyclic collector") the
# collector's CPU fell to a third at 10,000, with the same memory to within the few thousand objects it holds.
SERVING_THRESHOLD = 10_000


def settle_heap() -> int:
    """For a process done starting that now serves (the bot, a match worker): what start-up built (an index's
    tables, the ORM's and the libraries' objects) is left out of every later collection, since it lives as long
    as the process, yet each full collection walked all of it again (pauses of ~0.1 s in the bot's process with
    100,000 claims); and the youngest generation is collected less often (`SERVING_THRESHOLD`). Garbage is
    collected first so that none is kept. Returns how many objects are now left out."""
    gc.collect()
    gc.freeze()
    _, *older = gc.get_threshold()
    gc.set_threshold(SERVING_THRESHOLD, *older)
    return gc.get_freeze_count()

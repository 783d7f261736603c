"""Preparing many wordings at once (startup, imports): cleaning, language detection and analysis in parallel.

Analysis is pure Python, ~25 µs a wording (and ~3 ms when the language must be detected), so a million claims
would keep one core busy for a minute or more while tantivy's indexing thread waits. Large inputs are cut into
chunks prepared by worker processes; the caller indexes each chunk as it comes back, in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice

from claims.matching.cleaning import clean_text
from claims.matching.index import StoredWording
from claims.matching.language import detect_language
from claims.matching.normalise import analyse

__all__ = ["prepare_wording", "prepare_wordings"]

Item = tuple[int, int, str, str | None]
CHUNK = 5_000
# Below this many wordings the pool's start-up (~0.5 s to spawn and import) costs more than it saves.
PARALLEL_FROM = 50_000


def prepare_wording(wording_id: int, claim_id: int, text: str, lang: str | None) -> StoredWording:
    """Clean a claim wording, decide its language (detected when not given) and analyse it into terms."""
    cleaned = clean_text(text)
    language = lang or detect_language(cleaned)
    return StoredWording(
        wording_id=wording_id,
        claim_id=claim_id,
        lang=language,
        text=cleaned,
        terms=tuple(analyse(cleaned, language)),
    )


def _prepare_chunk(chunk: list[Item]) -> list[StoredWording]:
    return [prepare_wording(*item) for item in chunk]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def prepare_wordings(items: Iterable[Item], *, expected: int | None = None) -> Iterator[list[StoredWording]]:
    """Prepared wordings in input order, a chunk at a time; in worker processes when there are many.

    `expected` is the number of items when the caller knows it (a list); an unsized iterable is treated as
    large once its first chunks show it is.
    """
    workers = min(4, os.cpu_count() or 1)
    chunks = _chunks(items, CHUNK)
    head = list(islice(chunks, PARALLEL_FROM // CHUNK))
    large = (expected or 0) >= PARALLEL_FROM or len(head) >= PARALLEL_FROM // CHUNK
    # A daemon process (a match worker building its index) may not start processes of its own.
    if workers < 2 or not large or multiprocessing.current_process().daemon:
        for chunk in head:
            yield _prepare_chunk(chunk)
        for chunk in chunks:
            yield _prepare_chunk(chunk)
        return
    # "spawn": the parent runs tantivy's threads, and forking a threaded process can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[StoredWording]]] = deque()
        for chunk in chain(head, chunks):
            pending.append(pool.submit(_prepare_chunk, chunk))
            # A few chunks in flight per worker keep them busy without holding the whole input in memory.
            if len(pending) >= 3 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

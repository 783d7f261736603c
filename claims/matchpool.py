"""Searching in worker processes: the CPU-bound part of a check on the machine's other cores.

One Python process runs one core's worth of Python at most (the GIL), and in the bot more than half of that is
matching: cleaning a person's text, detecting its language, analysing it, asking the index and re-scoring the
candidates. `MatchPool` runs that part in `MATCH_WORKERS` processes, each with its own index of the wordings,
while the bot's process keeps Telegram, the database and its own index (its searches when no worker can take
one, and the queue's test of whether anything was indexed since a search).

What a worker finds is what the service itself would find:
- Its index is, when the bot's is persisted (INDEX_DIR), a copy of it made of hard links (`index.snapshot`):
  ready in milliseconds, and the same files, so the same pages in memory (with embeddings, the saved vectors are
  linked too: the worker embeds only the wordings saved after them). Otherwise (or when no consistent copy
  can be made) it is built from the database. Either way it is brought up to date before every search from the
  wordings table (`sync_matcher`, the same call the service makes), so a claim or wording added a moment ago by
  any process is found at once.
- Merges, the one change to the index that is not a new row, are passed with the worker's next request.
- Same matcher, same configuration, same preparation of the text: the hits are the same (tests compare them).

Until a worker has built its index, while it is busy with another search and the others are too, and whenever
one fails (it is restarted after `RESTART_AFTER` seconds), the caller gets None and searches itself: a worker
can make a check faster, never make one fail.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from claims.db import Database
from claims.gcpause import settle_heap
from claims.indexing import sync_matcher
from claims.matching import Hit, MatchConfig, Matcher, Query, Tier, prepare_query
from claims.matching.index import snapshot

__all__ = ["MatchPool", "SearchCall"]

log = logging.getLogger(__name__)

# Seconds a search may take in a worker before it is given up for dead (a search takes milliseconds; this is
# for a worker stuck in a way its process cannot report).
REPLY_TIMEOUT = 30.0
# Seconds before a failed worker is started again.
RESTART_AFTER = 30.0
# Bytes of requests a worker may have unanswered before `submit(block=False)` declines another: well under what
# its pipe (a socket pair) buffers, so that a caller on an event loop never waits on a send, even to a worker
# that has stopped reading. Forty of the longest texts people send (2,000 characters), hundreds of usual ones.
UNANSWERED_BYTES = 64 * 1024
_READY = "ready"

# (merges not yet applied, a prepared query or None, the raw text, its language hint, how many hits)
Request = tuple[list[tuple[int, int]], Query | None, str, str | None, int]
# (the query searched, its hits as (claim_id, wording_id, score, tier)): plain tuples cross the pipe, and the
# bot's process makes the hits again. Unpickling Hit objects (a dataclass's state and an enum member each) cost
# it three times as much (43 us against 15 us for a reply of 20 hits), on the process that is the bottleneck.
Reply = tuple[Query, list[tuple[int, int, float, str]]]
_TIERS = {tier.value: tier for tier in Tier}


def _copy_dir(index_dir: Path, pid: int) -> Path:
    """Where worker `pid` keeps its copy of the bot's persisted index (beside it: links need one file system)."""
    return index_dir.parent / f".{index_dir.name}.match-worker-{pid}"


def _remove_stale_copies(index_dir: Path) -> None:
    """Remove the copies of workers that are gone without removing theirs (killed)."""
    for path in index_dir.parent.glob(f".{index_dir.name}.match-worker-*"):
        try:
            os.kill(int(path.name.rsplit("-", 1)[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, OSError):
            continue  # not a pid, or someone else's process: not ours to judge


def _own_matcher(config: MatchConfig, index_dir: Path | None) -> tuple[Matcher, Path | None]:
    """The worker's matcher: on a linked copy of the bot's persisted index when there is one (ready at once,
    sharing its pages; with embeddings, the saved vectors too, so only the wordings they lack are embedded),
    else in memory, to be filled from the database. With the copy's directory."""
    if index_dir is None:
        return Matcher(config), None
    copy = _copy_dir(index_dir, os.getpid())
    if snapshot(index_dir / "lexical", copy / "lexical"):
        if config.semantic_model is not None:
            # Imported here, as the matcher imports the module: only with embeddings.
            from claims.matching.semantic import link_vectors

            link_vectors(index_dir / "semantic", copy / "semantic")
        try:
            return Matcher(config, index_dir=copy), copy
        except Exception as exc:  # a copy it cannot open is no reason not to search
            log.warning(
                "match worker could not open its copy of the index (%r); indexing from the database", exc
            )
    shutil.rmtree(copy, ignore_errors=True)
    return Matcher(config), None


def _serve(
    connection: Connection, database_url: str, timeout: float, config: MatchConfig, index_dir: Path | None
) -> None:
    """A worker's life: open a copy of the bot's index or build one from the database, bring it up to date,
    then answer searches until told to stop."""
    # Ctrl-C reaches the whole process group; the bot stops its workers itself, in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    db = Database(database_url, timeout=timeout)
    matcher, copy = _own_matcher(config, index_dir)
    prepared = lru_cache(maxsize=4096)(prepare_query)  # as the service's: a rumour is prepared once
    unmerged: list[tuple[int, int]] = []
    try:
        try:
            sync_matcher(db, matcher)
        except Exception as exc:
            connection.send(f"could not build the index: {exc!r}")
            return
        settle_heap()
        connection.send(
            (_READY, len(matcher), "a linked copy of the bot's index" if copy else "the database")
        )
        while True:
            try:
                request: Request | None = connection.recv()
            except (EOFError, OSError):
                return  # the bot is gone
            if request is None:
                return
            merges, query, raw, lang_hint, limit = request
            unmerged.extend(merges)
            try:
                # New rows first: a merge moves wordings written before it, which the service had indexed. Merges
                # stay to do until done (a database that was down for the sync is no reason to lose one).
                sync_matcher(db, matcher)
                while unmerged:
                    source, target = unmerged[0]
                    matcher.reassign(from_claim=source, into_claim=target)
                    unmerged.pop(0)
                if query is None:
                    query = prepared(raw, lang_hint=lang_hint)
                hits = matcher.search(query, limit=limit) if not query.empty else []
            except Exception as exc:  # the service searches itself, and meets the error itself if it is real
                connection.send(repr(exc))
            else:
                connection.send((query, [(h.claim_id, h.wording_id, h.score, h.tier.value) for h in hits]))
    finally:
        db.dispose()
        connection.close()
        if copy is not None:
            matcher.close()
            shutil.rmtree(copy, ignore_errors=True)


class SearchCall:
    """One search sent to a worker (`MatchPool.submit`); its reply arrives through the worker's reader thread,
    which then calls `notify` (from that thread) when one was given."""

    __slots__ = ("done", "notify", "reply", "size", "worker")

    def __init__(self, worker: _Worker, size: int, notify: Callable[[], None] | None = None) -> None:
        self.done = threading.Event()
        self.notify = notify
        self.reply: Reply | str = "lost"
        self.size = size  # of the request, in bytes
        self.worker = worker

    def resolve(self, reply: Reply | str) -> None:
        self.reply = reply
        self.done.set()
        if self.notify is not None:
            try:
                self.notify()
            except Exception as exc:  # the caller is gone (an event loop closed at shutdown): nobody waits
                log.debug("a search's reply found no one waiting: %r", exc)


@dataclass
class _Worker:
    """One worker process, the bot's end of its pipe, and the searches sent to it awaiting their replies."""

    process: BaseProcess
    connection: Connection
    started: float = field(default_factory=time.monotonic)
    ready: bool = False
    failed_at: float | None = None
    merges_seen: int = 0
    # Replies come back in the order the requests were sent: the first call here gets the next reply.
    pending: deque[SearchCall] = field(default_factory=deque)
    sending: threading.Lock = field(default_factory=threading.Lock)
    # Bytes of requests sent, and of those answered: each counter has one writer (the senders, under `sending`;
    # the reader thread), so their difference needs no lock.
    sent_bytes: int = 0
    answered_bytes: int = 0


class MatchPool:
    """`search()` in worker processes, or None when no worker can take it (the caller then searches itself).

    Thread-safe. A search goes to the ready worker with the fewest searches queued, and requests are pipelined:
    a worker finds the next request waiting in its pipe as soon as it has answered one, instead of idling until
    the bot's process (busy with Telegram and the database, and one GIL for all its threads) sends it. A reader
    thread per worker hands each reply to the thread that asked.
    """

    def __init__(
        self,
        *,
        database_url: str,
        timeout: float,
        config: MatchConfig,
        workers: int,
        index_dir: Path | None = None,
    ) -> None:
        """`index_dir`: the bot's persisted index (its INDEX_DIR), which workers copy by hard links instead of
        indexing every wording again; None to build each worker's index from the database."""
        # "spawn": the bot runs threads (tantivy's, the service's pool), and forking a threaded process can
        # deadlock the child.
        self._context = multiprocessing.get_context("spawn")
        self._args = (database_url, timeout, config, index_dir)
        self._index_dir = index_dir
        if index_dir is not None:
            _remove_stale_copies(index_dir)
        self._lock = threading.Condition()
        self._merges: list[tuple[int, int]] = []
        self._closed = False
        self._workers = [self._start() for _ in range(workers)]

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        # A daemon: it dies with the bot even if the bot is killed before it can stop it.
        process = self._context.Process(
            target=_serve, args=(theirs, *self._args), name="match-worker", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process=process, connection=ours)
        threading.Thread(target=self._read, args=(worker,), name="match-worker-replies", daemon=True).start()
        return worker

    def _read(self, worker: _Worker) -> None:
        """The reader thread of `worker`: its readiness, then every reply, until its pipe closes."""
        try:
            message = worker.connection.recv()
            with self._lock:
                if not (isinstance(message, tuple) and message[0] == _READY):
                    self._fail(worker, str(message))
                    return
                worker.ready = True
                log.info(
                    "match worker %s ready: %d wordings indexed in %.1f s (from %s)",
                    worker.process.pid,
                    message[1],
                    time.monotonic() - worker.started,
                    message[2],
                )
                self._lock.notify_all()
            while True:
                reply = worker.connection.recv()
                call = worker.pending.popleft()
                worker.answered_bytes += call.size
                call.resolve(reply)
        except (EOFError, OSError) as exc:
            with self._lock:
                if not self._closed:
                    self._fail(worker, f"exited ({exc!r}, code {worker.process.exitcode})")
        finally:
            with self._lock:
                while worker.pending:
                    worker.pending.popleft().resolve("lost (the worker exited)")
            worker.connection.close()

    # -- state -------------------------------------------------------------------------------------------------

    @property
    def ready(self) -> int:
        """How many workers can take a search now (built and alive)."""
        with self._lock:
            return sum(1 for worker in self._workers if self._usable(worker))

    def wait_ready(self, timeout: float) -> bool:
        """Wait until every worker has built its index (tests, benchmarks); False on timeout or a failure."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not all(worker.ready for worker in self._workers):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or any(worker.failed_at is not None for worker in self._workers):
                    return False
                self._lock.wait(remaining)
            return True

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (tests, and operators reading `ps`)."""
        with self._lock:
            return [worker.process.pid or 0 for worker in self._workers]

    def _usable(self, worker: _Worker) -> bool:
        """True when `worker` can take a search; restarts a failed one once its pause is over. Locked."""
        if worker.failed_at is not None:
            if time.monotonic() - worker.failed_at < RESTART_AFTER or self._closed:
                return False
            log.info("restarting a match worker")
            self._discard(worker)
            replacement = self._start()
            replacement.merges_seen = len(self._merges)  # its index is built after them
            self._workers[self._workers.index(worker)] = replacement
            return False
        return worker.ready

    def _fail(self, worker: _Worker, reason: str) -> None:
        """Stop using `worker` (locked); its reader thread answers what it still owed; replaced after
        `RESTART_AFTER` seconds."""
        if worker.failed_at is not None:
            return
        log.warning(
            "match worker %s failed (%s); the bot searches until it restarts", worker.process.pid, reason
        )
        worker.ready = False
        worker.failed_at = time.monotonic()
        if worker.process.is_alive():
            worker.process.kill()  # its pipe closes, and the reader thread sees the end of it

    # -- use ---------------------------------------------------------------------------------------------------

    def merged(self, *, from_claim: int, into_claim: int) -> None:
        """Tell the workers (with their next search) that `from_claim`'s wordings now belong to `into_claim`."""
        with self._lock:
            self._merges.append((from_claim, into_claim))

    def search(
        self, *, query: Query | None = None, text: str = "", lang_hint: str | None = None, limit: int
    ) -> tuple[Query, list[Hit]] | None:
        """Search `query` (or `text`, prepared in the worker) in a worker: (the query, its hits), or None when no
        worker could do it."""
        call = self.submit(query=query, text=text, lang_hint=lang_hint, limit=limit)
        return None if call is None else self.result(call)

    def submit(
        self,
        *,
        query: Query | None = None,
        text: str = "",
        lang_hint: str | None = None,
        limit: int,
        notify: Callable[[], None] | None = None,
        block: bool = True,
    ) -> SearchCall | None:
        """Send a search to a worker without waiting for it; `result()` gives its outcome, and `notify` (called
        from another thread) says when it is there. None when no worker can take it, or, with `block=False`,
        when sending might wait: the chosen worker already has `UNANSWERED_BYTES` of requests to answer."""
        with self._lock:
            usable = [worker for worker in self._workers if self._usable(worker)] if not self._closed else []
            if not usable:
                return None
            worker = min(usable, key=lambda candidate: len(candidate.pending))
            merges = self._merges[worker.merges_seen :]
            data = ForkingPickler.dumps((merges, query, text, lang_hint, limit))
            if not block and worker.sent_bytes - worker.answered_bytes + len(data) > UNANSWERED_BYTES:
                return None
            worker.merges_seen += len(merges)
            call = SearchCall(worker, len(data), notify)
            # Queued and sent in one order, so that replies (in the order of requests) find their calls.
            with worker.sending:
                worker.pending.append(call)
                try:
                    worker.connection.send_bytes(data)
                except Exception as exc:  # a broken pipe, or anything else: this worker is not to be trusted
                    worker.pending.remove(call)
                    self._fail(worker, f"lost ({exc!r})")
                    return None
                worker.sent_bytes += len(data)
        return call

    def result(self, call: SearchCall) -> tuple[Query, list[Hit]] | None:
        """The outcome of a submitted search, waiting for it if need be (up to `REPLY_TIMEOUT`, after which its
        worker is given up): (the query, its hits), or None when the worker could not search."""
        if not call.done.wait(REPLY_TIMEOUT):
            self.give_up(call)
            call.done.wait(5)
        if isinstance(call.reply, str):
            log.warning("match worker %s could not search: %s", call.worker.process.pid, call.reply)
            return None
        query, hits = call.reply
        return query, [Hit(claim, wording, score, _TIERS[tier]) for claim, wording, score, tier in hits]

    def give_up(self, call: SearchCall) -> None:
        """Stop using the worker of a search that got no reply in `REPLY_TIMEOUT` seconds (it is killed, and
        its reader thread answers what it owed as lost)."""
        if not call.done.is_set():
            with self._lock:
                self._fail(call.worker, f"no reply in {REPLY_TIMEOUT:.0f} s")

    def close(self) -> None:
        """Stop every worker (each finishes the searches queued to it)."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
            self._lock.notify_all()
        for worker in workers:
            with worker.sending, contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
            self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        """Wait for a stopped or killed worker to be gone, and remove its copy of the index if it could not."""
        worker.process.join(timeout=1)
        if self._index_dir is not None and worker.process.pid is not None:
            shutil.rmtree(_copy_dir(self._index_dir, worker.process.pid), ignore_errors=True)

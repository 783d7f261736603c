"""The lexical index: every wording's analysed terms in tantivy (BM25), on disk or in memory.

tantivy gives the candidate generation a real inverted index (a full fuzzy scan costs seconds at a million
claims), incremental adds and deletes, and segments on disk that reopen in milliseconds. Terms are analysed in
Python (`normalise.analyse`) and handed over space-separated, so tantivy only splits on whitespace: the same
analysis serves documents, queries and the re-scoring features.

Changes become visible at the next `refresh()` (a commit and a reader reload, ~20 ms at 100k claims): the
matcher calls it before each search that follows a change, which is what makes a new wording searchable at once.
New wordings alone (the bot's stream of new pending claims) do not pay that commit each: they wait in a small
buffer that every search scans beside the committed index, and are committed together once the buffer is
`BUFFER_DOCS` long or `BUFFER_SECONDS` old. Replacements and removals still commit at once, and so do new
wordings past a full buffer (a bulk import or a bot starting on a large database: the next search would commit
them anyway, and buffering a million of them kept every one in memory twice).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from claims.matching.stopwords import STOP_WORDS_DIGEST

__all__ = ["Candidate", "IndexLocked", "StoredWording", "TermIndex", "bm25", "index_in_use"]

log = logging.getLogger(__name__)

# Bumped whenever the schema or the analysis changes: an index written by another format is rebuilt from the
# database (the service sees watermark 0 and re-adds every wording) instead of silently matching badly.
FORMAT_VERSION = 1
# The format a persisted index records: the version and the stop words its terms were analysed with.
_FORMAT = f"{FORMAT_VERSION}/{STOP_WORDS_DIGEST}"
_META_FILE = "matcher-meta.json"
# tantivy's BM25 constants (fixed in tantivy); `bm25` uses them for the index's buffer and the features alike,
# so all agree on what a match weighs.
BM25_K1 = 1.2
BM25_B = 0.75
# The rarest terms of a query that the inverted index is asked for (see `TermIndex.search`).
MAX_QUERY_TERMS = 64
# New wordings searched by a scan until committed together (see the module's docstring): a scan of 64 short
# wordings costs a few tens of microseconds a search, a commit ~20 ms.
BUFFER_DOCS = 64
BUFFER_SECONDS = 2.0
# Terms whose IDF (and committed document frequency) are kept between changes: a working vocabulary.
_MAX_CACHED_TERMS = 200_000


class IndexLocked(RuntimeError):
    """Another process holds this index directory's writer lock."""


@dataclass(frozen=True, slots=True)
class StoredWording:
    """A wording as the index keeps it."""

    wording_id: int
    claim_id: int
    lang: str
    text: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A wording the inverted index returned for a query, with its BM25 score."""

    bm25: float
    wording: StoredWording


def bm25(
    terms: Iterable[str], idf: Callable[[str], float], tf: Callable[[str], int], length: int, average: float
) -> float:
    """Okapi BM25 with tantivy's constants of a wording of `length` terms (`tf`: how often it holds a term) for
    `terms`, each counted once. A sum by `math.fsum`: exact, so the same in every process whatever order a set
    of terms comes in (string hashing differs per process: the match workers')."""
    norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average)
    return math.fsum(idf(term) * (count := tf(term)) * (BM25_K1 + 1.0) / (count + norm) for term in terms)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("wording_id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("claim_id", stored=True, indexed=True, fast=True)
    # Frequencies without positions: BM25 needs no more, and positions would only serve phrase queries.
    builder.add_text_field("terms", stored=True, tokenizer_name="whitespace", index_option="freq")
    # Stored only (bytes fields are not indexed): the cleaned wording and its language, kept so a merge can
    # re-add it and a newly configured embedding model can embed it without going back to the database.
    builder.add_bytes_field("text", stored=True)
    builder.add_bytes_field("lang", stored=True)
    return builder.build()


class TermIndex:
    """tantivy behind a small, thread-safe API keyed by wording id."""

    def __init__(self, path: Path | None = None, *, writer_heap: int = 200_000_000) -> None:
        self._path = path
        self._schema = _schema()
        self._writer_heap = writer_heap
        self._lock = threading.RLock()
        self._writer: tantivy.IndexWriter | None = None
        self._dirty = False  # a replacement or removal waits for a commit
        self._recent: dict[int, StoredWording] = {}  # new wordings added since the last commit
        self._recent_since = 0.0
        self._recent_freq: dict[str, int] = {}  # in how many buffered wordings each term is
        self._watermark = 0
        self._total_terms = 0
        self._unbuffered_terms = 0  # terms of new wordings past a full buffer, counted once committed
        self._index = self._open()
        self._searcher = self._index.searcher()
        self._idf = _IdfTable(self)
        # Committed document frequencies, which change only with the searcher: kept beside it (one object,
        # swapped whole) while `_idf` is emptied by every new wording, which changes every term's IDF.
        self._committed_freq: tuple[tantivy.Searcher, dict[str, int]] = (self._searcher, {})

    # -- opening and persistence -------------------------------------------------------------------------

    def _open(self) -> tantivy.Index:
        if self._path is None:
            return tantivy.Index(self._schema)
        self._path.mkdir(parents=True, exist_ok=True)
        meta = self._read_meta()
        if tantivy.Index.exists(str(self._path)):
            if meta is not None and meta.get("format") == _FORMAT:
                self._watermark = int(meta.get("watermark", 0))
                self._total_terms = int(meta.get("total_terms", 0))
                return tantivy.Index.open(str(self._path))
            self._ensure_unlocked()
            log.warning("match index at %s has another format; starting an empty one", self._path)
            self._wipe()
        index = tantivy.Index(self._schema, path=str(self._path))
        self._write_meta()
        return index

    def _ensure_unlocked(self) -> None:
        """Refuse to wipe a directory another process is writing to."""
        assert self._path is not None
        if index_in_use(self._path):
            raise IndexLocked(f"match index {self._path} is being written by another process")

    def _wipe(self) -> None:
        assert self._path is not None
        for child in self._path.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _read_meta(self) -> dict[str, int] | None:
        assert self._path is not None
        try:
            data = json.loads((self._path / _META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_meta(self) -> None:
        if self._path is None:
            return
        meta = {"format": _FORMAT, "watermark": self._watermark, "total_terms": self._total_terms}
        tmp = self._path / (_META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        # Atomic on POSIX: a crash leaves the old or the new meta, never half of one.
        os.replace(tmp, self._path / _META_FILE)

    def _writer_or_open(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                # One indexing thread: the bot adds a wording at a time, and a bulk import is bound by
                # Python's analysis, not by tantivy.
                self._writer = self._index.writer(heap_size=self._writer_heap, num_threads=1)
            except ValueError as exc:
                raise IndexLocked(f"match index {self._path} is being written by another process") from exc
        return self._writer

    def close(self) -> None:
        """Commit what is pending and release the writer lock (other processes may then write)."""
        with self._lock:
            self.refresh()
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- changes -----------------------------------------------------------------------------------------

    @property
    def watermark(self) -> int:
        return self._watermark

    def add(self, wording: StoredWording, *, replace: bool = True) -> None:
        """Index `wording`; with `replace`, first drop any earlier version of the same wording id."""
        with self._lock:
            writer = self._writer_or_open()
            # An id above the watermark was never indexed: nothing to replace, and until the next commit the
            # wording is found by the buffer's scan, while the buffer has room (a full one is committed by the
            # next search anyway).
            fresh = wording.wording_id > self._watermark
            buffered = fresh and len(self._recent) < BUFFER_DOCS
            if replace and not fresh:
                writer.delete_documents_by_term("wording_id", wording.wording_id)
            doc = tantivy.Document()
            doc.add_integer("wording_id", wording.wording_id)
            doc.add_integer("claim_id", wording.claim_id)
            doc.add_text("terms", " ".join(wording.terms))
            doc.add_bytes("text", wording.text.encode("utf-8", "replace"))
            doc.add_bytes("lang", wording.lang.encode("ascii", "replace"))
            writer.add_document(doc)
            self._watermark = max(self._watermark, wording.wording_id)
            if buffered or not fresh:
                self._total_terms += len(wording.terms)
            else:  # invisible until the commit: the statistics count it from then on, as the searcher does
                self._unbuffered_terms += len(wording.terms)
            if buffered:
                if not self._recent:
                    self._recent_since = time.monotonic()
                self._recent[wording.wording_id] = wording
                for term in set(wording.terms):
                    self._recent_freq[term] = self._recent_freq.get(term, 0) + 1
                self._idf = _IdfTable(self)  # the statistics count buffered wordings too
            else:
                self._dirty = True

    def add_many(self, wordings: Iterable[StoredWording], *, commit: bool = True) -> int:
        """Index many wordings; ids above the watermark skip the delete (a fresh import). With `commit`, make
        them visible at once; without, at the next `refresh` (one commit for a whole import is much faster)."""
        count = 0
        with self._lock:
            for wording in wordings:
                self.add(wording, replace=wording.wording_id <= self._watermark)
                count += 1
            if commit:
                self.refresh()
        return count

    def remove(self, wording_id: int) -> None:
        with self._lock:
            self._writer_or_open().delete_documents_by_term("wording_id", wording_id)
            self._dirty = True

    def wordings_of(self, claim_id: int) -> list[StoredWording]:
        """Every indexed wording of `claim_id` (a merge moves them): the committed ones, then those waiting in
        the buffer (new wordings, which no committed document duplicates), as a search sees them. It commits
        only when a search would: the answer path asks this for every answer, and a commit each time (~6 ms,
        holding the GIL) cost the bot ~1 ms per check while new pending claims kept the buffer filled."""
        with self._lock:
            self.refresh(buffered=True)
            searcher = self._searcher
            recent = [wording for wording in self._recent.values() if wording.claim_id == claim_id]
        query = tantivy.Query.term_query(self._schema, "claim_id", claim_id)
        found = searcher.search(query, limit=max(1, searcher.num_docs), count=False)
        return [self._stored(searcher.doc(address)) for _, address in found.hits] + recent

    def all_wordings(self) -> Iterator[StoredWording]:
        """Every indexed wording (to rebuild a derived index, e.g. embeddings after a model change)."""
        with self._lock:
            self.refresh()
            searcher = self._searcher
        found = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs), count=False)
        for _, address in found.hits:
            yield self._stored(searcher.doc(address))

    def get(self, wording_id: int) -> StoredWording | None:
        """The indexed wording with this id, if any (from the buffer when it waits there)."""
        with self._lock:
            self.refresh(buffered=True)
            buffered = self._recent.get(wording_id)
            if buffered is not None:
                return buffered
            searcher = self._searcher
        query = tantivy.Query.term_query(self._schema, "wording_id", wording_id)
        hits = searcher.search(query, limit=1, count=False).hits
        return self._stored(searcher.doc(hits[0][1])) if hits else None

    def proposes_after(self, watermark: int, terms: Iterable[str], *, floor: float = 0.0) -> bool:
        """Whether a search for `terms` with this `floor` (see `search`) would now propose a wording indexed with
        an id above `watermark`: one holding any of them and scoring at least `floor` times the best score of
        any wording. One under it is left out of such a search whatever else is indexed, so a search made before
        it came stands. (`limit` and `claims` may leave out more: not asked, the answer errs towards True.)"""
        unique = self._query_terms(terms)
        with self._lock:
            if self._watermark <= watermark or not unique:
                return False
            self.refresh(buffered=True)  # as a search would: anything unbuffered becomes visible
            searcher = self._searcher
            recent = list(self._recent.values())
        buffered = [(score, wording_id) for score, wording_id, _, _ in self._scan(recent, unique)]
        newer = [score for score, wording_id in buffered if wording_id > watermark]
        any_term = self._terms_query(unique)
        # Committed since the watermark (the buffer was committed meanwhile), best first. The range scores 0, so
        # a hit's score is its BM25 for the terms, as in `search`.
        since = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(
                        tantivy.Query.range_query(
                            self._schema,
                            "wording_id",
                            tantivy.FieldType.Integer,
                            watermark,
                            None,
                            include_lower=False,
                        ),
                        0.0,
                    ),
                ),
                (tantivy.Occur.Must, any_term),
            ]
        )
        newer.extend(score for score, _ in searcher.search(since, limit=1, count=False).hits)
        if not newer:
            return False
        if floor <= 0.0:
            return True
        # The best wording of all: the buffer's best or the committed index's (new ones included in either).
        committed = searcher.search(any_term, limit=1, count=False).hits
        best = max([score for score, _ in buffered] + [score for score, _ in committed])
        # A hair under the floor counts too: tantivy scores in single precision, the buffer's scan in double.
        return max(newer) >= floor * best * (1.0 - 1e-6)

    def refresh(self, *, buffered: bool = False) -> None:
        """Make every change so far visible to searches (commit, then reload the reader). With `buffered`, new
        wordings may stay in the buffer `search` scans, unless it is full or old."""
        with self._lock:
            if not self._dirty and not self._recent:
                return
            if (
                buffered
                and not self._dirty
                and len(self._recent) < BUFFER_DOCS
                and time.monotonic() - self._recent_since < BUFFER_SECONDS
            ):
                return
            assert self._writer is not None
            self._writer.commit()
            self._index.reload()
            self._searcher = self._index.searcher()
            self._total_terms += self._unbuffered_terms
            self._unbuffered_terms = 0
            self._idf = _IdfTable(self)
            self._committed_freq = (self._searcher, {})
            self._dirty = False
            self._recent, self._recent_freq = {}, {}
            self._write_meta()

    # -- reading -----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._lock:
            self.refresh(buffered=True)
            return self._searcher.num_docs + len(self._recent)

    @staticmethod
    def _stored(doc: tantivy.Document) -> StoredWording:
        terms = doc.get_first("terms") or ""
        return StoredWording(
            wording_id=int(doc.get_first("wording_id")),
            claim_id=int(doc.get_first("claim_id")),
            lang=bytes(doc.get_first("lang") or b"").decode("ascii", "replace"),
            text=bytes(doc.get_first("text") or b"").decode("utf-8", "replace"),
            terms=tuple(terms.split()),
        )

    def search(
        self,
        terms: Sequence[str],
        *,
        limit: int,
        claims: int,
        exclude: Container[int] = (),
        floor: float = 0.0,
    ) -> list[Candidate]:
        """The best wordings for `terms` by BM25 (any term may match), best first: among the `limit` best, those
        of the first `claims` distinct claims not in `exclude`, and with `floor`, only those scoring at least
        that share of the best of them (the others' stored fields are not even read)."""
        unique = self._query_terms(terms)
        if not unique or limit <= 0 or claims <= 0:
            return []
        with self._lock:
            self.refresh(buffered=True)
            searcher = self._searcher
            recent = list(self._recent.values())
        query = self._terms_query(unique)
        # Over-fetch a little and cut after sorting on the wording id: equal scores (the same headline on two
        # claims is common) come back in segment order, which changes as segments merge, and results must be
        # reproducible. Ids come from fast fields; only the kept wordings' stored fields are read (~15 µs each).
        hits = searcher.search(query, limit=limit + limit // 4 + 1, count=False).hits
        addresses = [address for _, address in hits]
        wording_ids = searcher.fast_field_values("wording_id", addresses)
        claim_ids = searcher.fast_field_values("claim_id", addresses)
        ranked: list[tuple[float, int, int, int | StoredWording]] = [
            (score, wording_id, claim_id, address)
            for (score, address), wording_id, claim_id in zip(hits, wording_ids, claim_ids, strict=True)
        ]
        if recent:
            ranked.extend(self._scan(recent, unique))
        ranked.sort(key=lambda hit: (-hit[0], hit[1]))
        kept: set[int] = set()
        found: list[Candidate] = []
        least = 0.0
        for score, _, claim_id, where in ranked[:limit]:
            if claim_id in exclude:
                continue
            if not found:
                least = floor * score
            elif score < least:
                break  # best first: every later one is under the floor too
            if claim_id not in kept:
                if len(kept) >= claims:
                    continue
                kept.add(claim_id)
            wording = where if isinstance(where, StoredWording) else self._stored(searcher.doc(where))
            found.append(Candidate(bm25=score, wording=wording))
        return found

    def _query_terms(self, terms: Iterable[str]) -> list[str]:
        """The distinct terms a search asks the inverted index for, in order."""
        unique = list(dict.fromkeys(terms))
        if len(unique) > MAX_QUERY_TERMS:
            # A guard for very long messages: their commonest terms add little to BM25 but walk the longest
            # posting lists (the re-scoring still sees every term). Tweets stay under it: capping them at 16
            # cost 0.02 MAP@5 on CheckThat! train.
            unique = sorted(unique, key=self.idf, reverse=True)[:MAX_QUERY_TERMS]
        return unique

    def _terms_query(self, terms: Iterable[str]) -> tantivy.Query:
        """Any of `terms`, each scored by BM25."""
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "terms", term)) for term in terms]
        )

    def _scan(
        self, recent: list[StoredWording], terms: Sequence[str]
    ) -> Iterator[tuple[float, int, int, StoredWording]]:
        """BM25 of the buffered wordings holding any of `terms` (tantivy's formula, the committed statistics)."""
        wanted = set(terms)
        average = self.average_length
        for wording in recent:
            if wanted.isdisjoint(wording.terms):
                continue
            score = bm25(
                wanted.intersection(wording.terms), self.idf, wording.terms.count, len(wording.terms), average
            )
            yield score, wording.wording_id, wording.claim_id, wording

    def doc_freq(self, term: str) -> int:
        """How many wordings hold `term`."""
        searcher, committed = self._committed_freq
        freq = committed.get(term)
        if freq is None:
            if len(committed) > _MAX_CACHED_TERMS:
                committed.clear()
            freq = committed[term] = int(searcher.doc_freq("terms", term))
        return freq + self._recent_freq.get(term, 0)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of `term` (tantivy's formula), cached until the next change."""
        return self._idf[term]

    @property
    def idf_lookup(self) -> Callable[[str], float]:
        """`idf` as the statistics stand now, for one search's many calls: a dictionary lookup (no Python call
        once a term is cached), and every term valued against the same statistics even if a wording is added
        meanwhile."""
        return self._idf.__getitem__

    def _compute_idf(self, term: str) -> float:
        doc_freq = self.doc_freq(term)
        total = max(1, self._searcher.num_docs + len(self._recent))
        return math.log(1.0 + (total - doc_freq + 0.5) / (doc_freq + 0.5))

    @property
    def average_length(self) -> float:
        """Mean number of terms per wording (BM25's length normalisation), never zero.

        Counted as wordings are added (removals and replacements are not subtracted: their length is not at hand,
        and a mean over millions barely moves)."""
        docs = self._searcher.num_docs + len(self._recent)
        return self._total_terms / docs if docs and self._total_terms > 0 else 10.0


class _IdfTable(dict[str, float]):
    """IDF by term, computed on first lookup (`__missing__`) and kept until the index's statistics change
    (the index then starts a new table). It refers to its index weakly: no reference cycle, so an index
    dropped without `close` still lets go of its writer lock at once, as before."""

    __slots__ = ("_index",)

    def __init__(self, index: TermIndex) -> None:
        super().__init__()
        self._index = weakref.ref(index)

    def __missing__(self, term: str) -> float:
        index = self._index()
        if index is None:
            raise ReferenceError("the index of this IDF table is gone")
        value = index._compute_idf(term)
        if len(self) > _MAX_CACHED_TERMS:
            self.clear()
        self[term] = value
        return value


def index_in_use(path: Path) -> bool:
    """True when another process holds the writer lock of the tantivy index at `path` (a running bot does)."""
    # tantivy raises on a directory that does not exist yet (a new INDEX_DIR): nobody holds that one either.
    if not path.is_dir() or not tantivy.Index.exists(str(path)):
        return False
    try:
        writer = tantivy.Index.open(str(path)).writer(heap_size=15_000_000, num_threads=1)
    except ValueError as exc:
        # Anything else (an index this tantivy cannot read) is not a lock: nobody can be using it through us.
        return "LockBusy" in str(exc)
    del writer  # releases the lock
    return False


def snapshot(source: Path, target: Path, *, attempts: int = 5) -> bool:
    """Hard-link a copy of the persisted index at `source` into `target` (a new directory on the same file
    system), as of one commit and with the statistics that go with it; True when made.

    A match worker opens such a copy instead of indexing every wording again: it is ready at once, its segments
    are the same files (the same pages in memory as the bot's), and what it adds goes to its own writer. Files
    are linked, not copied: tantivy never changes a segment file, and replaces its meta.json and ours by a rename,
    so a link keeps the version it was made from. False (the caller indexes from the database) when the source
    is not a persisted index of this format, when links cannot be made, or when the bot kept committing while
    this copied (`attempts` tries): the copy's tantivy commit must not be newer than our meta's watermark, or
    the wordings in between would be indexed twice.
    """
    reason: Exception | str = "the bot kept committing"
    for _ in range(attempts):
        shutil.rmtree(target, ignore_errors=True)
        try:
            before = (source / _META_FILE).read_bytes()
            meta = json.loads(before)
            if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                return False
            target.mkdir(parents=True)
            # tantivy's meta.json first, then the files there now: every segment it lists was written before
            # it, so it is there unless a later commit deleted it (then linking or opening fails: try again).
            os.link(source / "meta.json", target / "meta.json")
            for path in source.iterdir():
                if path.is_file() and path.name not in ("meta.json", _META_FILE) and not _is_lock(path.name):
                    os.link(path, target / path.name)
            (target / _META_FILE).write_bytes(before)
            if (source / _META_FILE).read_bytes() != before:
                continue  # the bot committed meanwhile
            searcher = tantivy.Index.open(str(target)).searcher()
            if searcher.num_docs:
                newest = searcher.search(
                    tantivy.Query.all_query(), limit=1, count=False, order_by_field="wording_id"
                ).hits[0][0]
                if newest > int(meta.get("watermark", 0)):
                    continue  # tantivy's commit is newer than the watermark we read
            return True
        except (OSError, ValueError) as exc:
            reason = exc
    log.info("no copy of the match index at %s (%s); indexing from the database", source, reason)
    shutil.rmtree(target, ignore_errors=True)
    return False


def _is_lock(name: str) -> bool:
    """tantivy's lock files (the writer's and the meta's): a copy takes its own."""
    return name.startswith(".tantivy-") and name.endswith(".lock")

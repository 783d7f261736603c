"""Moving reviews in and out of the store in bulk: the database side of `claims import` and `claims export`.

Import is batched with multi-row INSERTs (the ORM's per-object path is ten times slower) inside the caller's
single transaction, so a file that fails half-way leaves the database exactly as it was.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import func, text, update
from sqlalchemy.sql import sqltypes
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, col, select

from claims.errors import InvalidInput
from claims.matching.cleaning import clean_text
from claims.matching.language import DECLARED, detect_language
from claims.models import Claim, Source, Verdict, Wording
from claims.ratings import Rating, rating_from_textual
from claims.records import ImportReport, ReviewRecord, SourceRecord
from claims.text import fingerprint as _fingerprint
from claims.text import sanitize as _sanitize
from claims.views import Status, WordingKind

BATCH = 2000
# A record's texts are sanitised and fingerprinted several times over (validation, wordings, verdict keys, rows);
# remembering the last few thousand results does each once, a fifth of an import's Python time.
fingerprint = lru_cache(maxsize=8192)(_fingerprint)
sanitize = lru_cache(maxsize=8192)(_sanitize)


@dataclass
class ImportEvents:
    """Verdicts an import added to claims people were waiting on (the service notifies them)."""

    corrections: list[tuple[int, int]] = field(default_factory=list)  # (claim_id, verdict_id)


def import_records(
    session: Session,
    records: Iterable[ReviewRecord],
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    events: ImportEvents | None = None,
) -> ImportReport:
    """Write records in batches; raises InvalidInput naming the record that cannot be stored."""
    report = ImportReport()
    events = events if events is not None else ImportEvents()
    iterator = iter(records)
    position = 0
    touched_ids = False
    while batch := list(islice(iterator, BATCH)):
        for offset, record in enumerate(batch, start=position + 1):
            _validate(record, offset)
        touched_ids |= _import_batch(session, batch, now, report, events)
        position += len(batch)
        if progress:
            progress(len(batch))
    if touched_ids and session.get_bind().dialect.name == "postgresql":
        # Explicit ids (a restored export) leave the sequence behind; move it past them.
        for table in ("claim", "verdict"):
            session.exec(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                )
            )
    return report


def _validate(record: ReviewRecord, number: int) -> None:
    if not sanitize(record.claim_text or ""):
        raise InvalidInput("bad_record", f"record {number}: the claim text is empty")
    if record.status not in (None, Status.PENDING, Status.PUBLISHED, Status.REJECTED):
        raise InvalidInput("bad_record", f"record {number}: unknown status {record.status!r}")


def _verdict_rating(record: ReviewRecord) -> Rating:
    return record.rating or rating_from_textual(record.textual_rating) or Rating.UNPROVEN


def _has_verdict(record: ReviewRecord) -> bool:
    if record.status in (Status.PENDING, Status.REJECTED):
        return False
    return bool(
        record.rating or record.textual_rating or record.review_url or record.status == Status.PUBLISHED
    )


def _status(record: ReviewRecord) -> str:
    if record.status:
        return str(record.status)
    return Status.PUBLISHED if _has_verdict(record) else Status.PENDING


def _verdict_key(record: ReviewRecord) -> tuple:
    return (
        _verdict_rating(record).value,
        record.textual_rating,
        sanitize(record.summary or "") or None,
        tuple(s.url for s in _sources(record)),
    )


def _sources(record: ReviewRecord) -> list[SourceRecord]:
    sources = list(record.sources)
    if record.review_url and all(s.url != record.review_url for s in sources):
        sources.insert(
            0, SourceRecord(url=record.review_url, publisher=record.publisher, title=record.headline)
        )
    return sources


def _wording_language(record: ReviewRecord, kind: str, wording: str) -> str | None:
    """The claim and its headlines are in the record's language; aliases are often translations."""
    if kind in (WordingKind.CLAIM, WordingKind.HEADLINE):
        return record.language
    given = record.wording_languages.get(wording)
    if given:
        return given
    if not record.language:
        return None
    return detect_language(clean_text(wording), hint=record.language, weighing=DECLARED)


def _wording_row(record: ReviewRecord, claim_id: int, kind: str, wording: str, now: datetime) -> dict:
    return {
        "claim_id": claim_id,
        "text": wording,
        "lang": _wording_language(record, kind, wording),
        "kind": kind,
        "fingerprint": fingerprint(wording),
        "created_at": now,
    }


def _wordings(record: ReviewRecord) -> list[tuple[str, str]]:
    """(kind, text) pairs a record brings, the claim's own wording first."""
    users = [sanitize(t) for t in record.user_texts if sanitize(t)]
    claim_text = sanitize(record.claim_text)
    pairs = (
        []
        if users and fingerprint(claim_text) in {fingerprint(u) for u in users}
        else [(WordingKind.CLAIM, claim_text)]
    )
    for verdict in (*record.history, record):
        if verdict.headline and sanitize(verdict.headline):
            pairs.append((WordingKind.HEADLINE, sanitize(verdict.headline)))
    pairs += [(WordingKind.ALIAS, sanitize(a)) for a in record.aliases if sanitize(a)]
    pairs += [(WordingKind.USER, u) for u in users]
    return pairs


def _import_batch(
    session: Session, batch: list[ReviewRecord], now: datetime, report: ImportReport, events: ImportEvents
) -> bool:
    urls = {r.review_url for r in batch if r.review_url}
    by_url: dict[str, int] = {}
    if urls:
        for url, claim_id in session.exec(
            select(Verdict.review_url, Verdict.claim_id).where(col(Verdict.review_url).in_(urls))
        ):
            by_url.setdefault(url, claim_id)
    wanted_ids = {r.claim_id for r in batch if r.claim_id}
    existing_ids = (
        set(session.exec(select(Claim.id).where(col(Claim.id).in_(wanted_ids)))) if wanted_ids else set()
    )
    by_text = _claims_by_text(session, [r for r in batch if not r.review_url and not r.claim_id])
    explicit_ids = False

    new_claims: list[tuple[ReviewRecord, dict]] = []
    updates: list[tuple[ReviewRecord, int]] = []
    batch_keys: dict[str, int] = {}  # review URL (or claim text, for a record without one) -> new claim
    for record in batch:
        text_key = None if record.review_url or record.claim_id else fingerprint(sanitize(record.claim_text))
        claim_id = (
            by_url.get(record.review_url or "")
            or (record.claim_id if record.claim_id in existing_ids else None)
            or by_text.get(text_key or "")
        )
        batch_key = record.review_url or text_key
        if claim_id is None and batch_key in batch_keys:
            updates.append((record, -batch_keys[batch_key]))  # resolved after the insert below
            continue
        if claim_id is not None:
            updates.append((record, claim_id))
            continue
        row = {
            "text": sanitize(record.claim_text),
            "lang": record.language,
            "status": _status(record),
            "ask_count": max(0, record.ask_count or 0),
            "created_at": now,
            "updated_at": now,
            "reject_reason": record.reject_reason,
            "claimant": record.claimant,
            "claim_date": record.claim_date,
            "appearances": list(record.appearances),
            "version": 1,
            "first_asked_at": None,
            "last_asked_at": None,
        }
        if record.claim_id and record.claim_id not in existing_ids:
            row["id"] = record.claim_id
            existing_ids.add(record.claim_id)
            explicit_ids = True
        if batch_key:
            batch_keys[batch_key] = len(new_claims) + 1
        new_claims.append((record, row))

    created_ids = _insert_claims(session, [row for _, row in new_claims])
    wording_rows, verdict_plan = [], []
    for (record, _), claim_id in zip(new_claims, created_ids, strict=True):
        for kind, wording in _unique_wordings(_wordings(record)):
            wording_rows.append(_wording_row(record, claim_id, kind, wording, now))
        if _has_verdict(record) or record.history:
            for verdict in [*record.history, *([record] if _has_verdict(record) else [])]:
                verdict_plan.append((claim_id, verdict))
    report.created += len(new_claims)

    resolved = [(record, created_ids[-cid - 1] if cid < 0 else cid) for record, cid in updates]
    created = set(created_ids)
    state = _ExistingState.load(session, {cid for _, cid in resolved if cid not in created})
    # What the new claims hold matters only to the records of this batch that update them again.
    again = {cid for _, cid in resolved}
    for row in wording_rows:
        if row["claim_id"] in again:
            state.fingerprints[row["claim_id"]].add(row["fingerprint"])
    for claim_id, record in verdict_plan:
        if claim_id in again:
            state.verdict_keys[claim_id] = _verdict_key(record)
    for record, claim_id in resolved:
        if _update_claim(session, record, claim_id, now, wording_rows, verdict_plan, state):
            report.updated += 1
        else:
            report.unchanged += 1

    _bulk_insert(session, Wording, wording_rows)
    verdict_ids = _insert_verdicts(session, verdict_plan, now, new_claims=created)
    report.verdicts_added += len(verdict_ids)
    updated_ids = {cid for _, cid in resolved}
    for (claim_id, _), verdict_id in zip(verdict_plan, verdict_ids, strict=True):
        if claim_id in updated_ids:
            events.corrections.append((claim_id, verdict_id))
    return explicit_ids


def _claims_by_text(session: Session, records: list[ReviewRecord]) -> dict[str, int]:
    """Claims already stored with the same wording as checked, for records that carry no review URL or id."""
    keys = {fingerprint(sanitize(r.claim_text)) for r in records}
    if not keys:
        return {}
    found: dict[str, int] = {}
    for key, claim_id in session.exec(
        select(Wording.fingerprint, Wording.claim_id)
        .join(Claim, col(Claim.id) == col(Wording.claim_id))
        .where(
            col(Wording.fingerprint).in_(keys),
            col(Wording.kind).in_((WordingKind.CLAIM, WordingKind.USER)),
            col(Claim.status) != Status.MERGED,
        )
        .order_by(col(Wording.claim_id))
    ):
        found.setdefault(key, claim_id)
    return found


def _unique_wordings(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for kind, wording in pairs:
        key = fingerprint(wording)
        if key not in seen:
            seen.add(key)
            out.append((kind, wording))
    return out


def _bulk_insert(session: Session, model: type, rows: list[dict]) -> None:
    """One driver-level executemany: SQLAlchemy's per-value type processing costs more than SQLite's insert.

    Values are converted a column at a time, and only in the columns whose type needs it (dates, JSON)."""
    if not rows:
        return
    conn = session.connection()
    sqlite_db = conn.dialect.name == "sqlite"
    names = list(rows[0])
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {model.__tablename__} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    )
    table_columns = model.__table__.columns  # type: ignore[attr-defined]
    columns = []
    for name in names:
        values = [row[name] for row in rows]
        convert = _converter(table_columns[name].type, sqlite_db)
        columns.append(values if convert is None else convert(values))
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _converter(kind: object, sqlite_db: bool) -> Callable[[list[Any]], list[Any]] | None:
    """How a column of type `kind` goes to the driver (its values converted in one call), or None when as it is."""
    if isinstance(kind, TypeDecorator):
        kind = kind.impl  # SQLModel's UTCDateTime is a DateTime underneath
    if isinstance(kind, sqltypes.JSON):
        return lambda values: [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
    if isinstance(kind, sqltypes.DateTime) and sqlite_db:
        return _sqlite_datetimes
    return None


def _sqlite_datetimes(values: list[datetime | None]) -> list[str | None]:
    """The text SQLAlchemy writes for SQLite (UTC, microseconds). Most rows share `now`: each distinct value is
    converted once and the column mapped through a dict (datetimes keep their hash)."""
    texts = dict.fromkeys(values)
    for value in texts:
        if value is not None:
            texts[value] = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return list(map(texts.__getitem__, values))


def _reserve_ids(session: Session, table: str, count: int, floor: int = 0) -> list[int]:
    """`count` fresh primary keys for `table`, so rows can be written with one executemany and no RETURNING."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        if floor:
            session.exec(
                text(f"SELECT setval({sequence}, GREATEST(:floor, (SELECT last_value FROM {table}_id_seq)))"),
                params={"floor": floor},
            )
        rows = session.exec(
            text(f"SELECT nextval({sequence}) FROM generate_series(1, :n)"), params={"n": count}
        )
        return [row[0] for row in rows]
    # SQLite: the write transaction holds the database lock (BEGIN IMMEDIATE), so nobody else takes these ids.
    top = session.exec(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).one()[0]
    start = max(top, floor) + 1
    return list(range(start, start + count))


def _insert_claims(session: Session, rows: list[dict]) -> list[int]:
    explicit = [r["id"] for r in rows if "id" in r]
    fresh = iter(_reserve_ids(session, "claim", len(rows) - len(explicit), max(explicit, default=0)))
    for row in rows:
        row.setdefault("id", next(fresh, None))
    _bulk_insert(session, Claim, rows)
    return [row["id"] for row in rows]


def _insert_verdicts(
    session: Session, plan: list[tuple[int, ReviewRecord]], now: datetime, *, new_claims: set[int]
) -> list[int]:
    if not plan:
        return []
    # Claims created by this batch have no verdict yet: only the others' latest verdict is looked up.
    claim_ids = {claim_id for claim_id, _ in plan} - new_claims
    latest: dict[int, int | None] = (
        dict(
            session.exec(
                select(Verdict.claim_id, func.max(Verdict.id))
                .where(col(Verdict.claim_id).in_(claim_ids))
                .group_by(col(Verdict.claim_id))
            ).all()
        )
        if claim_ids
        else {}
    )
    ids = _reserve_ids(session, "verdict", len(plan))
    rows, source_rows = [], []
    for (claim_id, record), verdict_id in zip(plan, ids, strict=True):
        rows.append(
            {
                "id": verdict_id,
                "claim_id": claim_id,
                "rating": _verdict_rating(record).value,
                "textual_rating": record.textual_rating,
                "summary": sanitize(record.summary or "") or None,
                "reviewer_id": record.reviewer_id,
                "reviewer_name": record.reviewer,
                "publisher": record.publisher,
                "publisher_url": record.publisher_url,
                "review_url": record.review_url,
                "headline": record.headline,
                "lang": record.language,
                "published_at": record.published_at or now,
                "created_at": now,
                "supersedes_id": latest.get(claim_id),
            }
        )
        latest[claim_id] = verdict_id
        for position, source in enumerate(_sources(record)):
            source_rows.append(
                {
                    "verdict_id": verdict_id,
                    "position": position,
                    "url": source.url,
                    "publisher": source.publisher,
                    "title": source.title,
                }
            )
    _bulk_insert(session, Verdict, rows)
    _bulk_insert(session, Source, source_rows)
    return ids


@dataclass
class _ExistingState:
    """What the claims a batch updates already hold, loaded in three queries instead of three per record."""

    fingerprints: dict[int, set[str]]
    verdict_keys: dict[int, tuple]

    @classmethod
    def load(cls, session: Session, claim_ids: set[int]) -> _ExistingState:
        fingerprints: dict[int, set[str]] = defaultdict(set)
        keys: dict[int, tuple] = {}
        if claim_ids:
            for claim_id, key in session.exec(
                select(Wording.claim_id, Wording.fingerprint).where(col(Wording.claim_id).in_(claim_ids))
            ):
                fingerprints[claim_id].add(key)
            latest = (
                select(func.max(Verdict.id))
                .where(col(Verdict.claim_id).in_(claim_ids))
                .group_by(col(Verdict.claim_id))
            )
            verdicts = session.exec(select(Verdict).where(col(Verdict.id).in_(latest))).all()
            urls: dict[int, list[str]] = defaultdict(list)
            for verdict_id, url in session.exec(
                select(Source.verdict_id, Source.url)
                .where(col(Source.verdict_id).in_([v.id for v in verdicts]))
                .order_by(col(Source.verdict_id), col(Source.position))
            ):
                urls[verdict_id].append(url)
            for v in verdicts:
                keys[v.claim_id] = (v.rating, v.textual_rating, v.summary, tuple(urls[v.id]))
        return cls(fingerprints=fingerprints, verdict_keys=keys)


def _update_claim(
    session: Session,
    record: ReviewRecord,
    claim_id: int,
    now: datetime,
    wording_rows: list[dict],
    verdict_plan: list[tuple[int, ReviewRecord]],
    state: _ExistingState,
) -> bool:
    """Bring an existing claim up to date with a record; True if anything changed."""
    changed = False
    have = state.fingerprints[claim_id]
    for kind, wording in _unique_wordings(_wordings(record)):
        key = fingerprint(wording)
        if key not in have:
            have.add(key)
            wording_rows.append(_wording_row(record, claim_id, kind, wording, now))
            changed = True
    if _has_verdict(record):
        key = _verdict_key(record)
        if state.verdict_keys.get(claim_id) != key:
            state.verdict_keys[claim_id] = key
            verdict_plan.append((claim_id, record))
            session.exec(
                update(Claim)
                .where(col(Claim.id) == claim_id)
                .values(status=Status.PUBLISHED, updated_at=now, version=col(Claim.version) + 1)
            )
            changed = True
    return changed


def export_records(session: Session) -> Iterator[ReviewRecord]:
    """Every claim not merged away, oldest first, with its verdict history and wordings."""
    last_id = 0
    while True:
        claims = session.exec(
            select(Claim)
            .where(col(Claim.id) > last_id, col(Claim.status) != Status.MERGED)
            .order_by(col(Claim.id))
            .limit(BATCH)
        ).all()
        if not claims:
            return
        ids = [c.id for c in claims]
        wordings: dict[int, list[Wording]] = defaultdict(list)
        for w in session.exec(
            select(Wording).where(col(Wording.claim_id).in_(ids)).order_by(col(Wording.id))
        ):
            wordings[w.claim_id].append(w)
        verdicts: dict[int, list[Verdict]] = defaultdict(list)
        for v in session.exec(
            select(Verdict).where(col(Verdict.claim_id).in_(ids)).order_by(col(Verdict.id))
        ):
            verdicts[v.claim_id].append(v)
        sources: dict[int, list[SourceRecord]] = defaultdict(list)
        verdict_ids = [v.id for vs in verdicts.values() for v in vs]
        if verdict_ids:
            for s in session.exec(
                select(Source)
                .where(col(Source.verdict_id).in_(verdict_ids))
                .order_by(col(Source.verdict_id), col(Source.position))
            ):
                sources[s.verdict_id].append(SourceRecord(url=s.url, publisher=s.publisher, title=s.title))
        for claim in claims:
            yield _claim_record(claim, wordings[claim.id], verdicts[claim.id], sources)
        last_id = claims[-1].id


def _claim_record(
    claim: Claim, wordings: list[Wording], verdicts: list[Verdict], sources: dict[int, list[SourceRecord]]
) -> ReviewRecord:
    verdict_headlines = {fingerprint(v.headline) for v in verdicts if v.headline}
    aliases = [
        w.text
        for w in wordings
        if w.kind == WordingKind.ALIAS
        or (w.kind == WordingKind.HEADLINE and fingerprint(w.text) not in verdict_headlines)
    ]
    users = [w.text for w in wordings if w.kind == WordingKind.USER]
    languages = {w.text: w.lang for w in wordings if w.text in {*aliases, *users} and w.lang}

    def as_record(verdict: Verdict | None) -> ReviewRecord:
        record = ReviewRecord(
            claim_text=claim.text,
            language=claim.lang,
            claimant=claim.claimant,
            claim_date=claim.claim_date,
            appearances=list(claim.appearances or []),
        )
        if verdict is not None:
            record.rating = Rating(verdict.rating)
            record.textual_rating = verdict.textual_rating
            record.summary = verdict.summary
            record.review_url = verdict.review_url
            record.headline = verdict.headline
            record.publisher = verdict.publisher
            record.publisher_url = verdict.publisher_url
            record.reviewer = verdict.reviewer_name
            record.reviewer_id = verdict.reviewer_id
            record.published_at = verdict.published_at
            record.sources = (
                [s for s in sources.get(verdict.id, []) if s.url != verdict.review_url]
                if verdict.review_url
                else list(sources.get(verdict.id, []))
            )
            if verdict.review_url:
                first = next((s for s in sources.get(verdict.id, []) if s.url == verdict.review_url), None)
                if first and (first.publisher != verdict.publisher or first.title != verdict.headline):
                    record.sources.insert(0, first)
        return record

    current = as_record(verdicts[-1] if verdicts else None)
    current.history = [as_record(v) for v in verdicts[:-1]]
    current.aliases, current.user_texts, current.wording_languages = aliases, users, languages
    current.status, current.reject_reason = claim.status, claim.reject_reason
    current.ask_count, current.claim_id = claim.ask_count, claim.id
    return current

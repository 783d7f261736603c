"""Turning table rows into the read-only views of `claims.views`, loading related rows in bulk.

Related rows are read as plain Core rows (same attribute names as the models): every answer builds a view, and
loading them as ORM objects cost several times the queries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Row, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from claims.db import Prepared, as_connection, run_prepared
from claims.models import Claim, Source, Submission, Subscription, Verdict, Wording
from claims.ratings import Rating
from claims.views import (
    ClaimView,
    Outcome,
    SourceView,
    Status,
    SubmissionView,
    VerdictView,
    WordingKind,
    WordingView,
)

_SOURCES = (
    core_select(Source.verdict_id, Source.url, Source.publisher, Source.title)
    .where(col(Source.verdict_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Source.position))
)
_VERDICT, _SOURCE = Verdict.__table__, Source.__table__
# Claims' verdicts with their sources, one row per source (or one for a verdict without): one statement where
# a verdict read and a sources read were two. The one-claim form (every answer) has no IN list to expand.
_VERDICTS_WITH_SOURCES = (
    core_select(
        _VERDICT,
        _SOURCE.c.url.label("source_url"),
        _SOURCE.c.publisher.label("source_publisher"),
        _SOURCE.c.title.label("source_title"),
    )
    .select_from(_VERDICT.outerjoin(_SOURCE, _SOURCE.c.verdict_id == _VERDICT.c.id))
    .order_by(_VERDICT.c.id, _SOURCE.c.position, _SOURCE.c.id)
)
_VERDICTS_OF_CLAIMS = Prepared(
    _VERDICTS_WITH_SOURCES.where(_VERDICT.c.claim_id.in_(bindparam("ids", expanding=True)))
)
# Every answer reads it: prepared for the driver (`Prepared`).
_VERDICTS_OF_CLAIM = Prepared(_VERDICTS_WITH_SOURCES.where(_VERDICT.c.claim_id == bindparam("claim")))


def verdict_views(session: Session, verdicts: Sequence[Verdict | Row]) -> list[VerdictView]:
    """Views of verdicts (models or rows) with their sources, in the given order."""
    ids = [v.id for v in verdicts]
    sources: dict[int, list[SourceView]] = defaultdict(list)
    if ids:
        rows = session.connection().execute(_SOURCES, {"ids": ids})
        for row in rows:
            sources[row.verdict_id].append(SourceView(url=row.url, publisher=row.publisher, title=row.title))
    return [_verdict_view(v, tuple(sources.get(v.id or 0, ()))) for v in verdicts]


def _verdict_view(v: Verdict | Row, sources: tuple[SourceView, ...]) -> VerdictView:
    return VerdictView(
        id=v.id or 0,
        claim_id=v.claim_id,
        rating=Rating(v.rating),
        textual_rating=v.textual_rating,
        summary=v.summary,
        sources=sources,
        reviewer_id=v.reviewer_id,
        reviewer_name=v.reviewer_name,
        publisher=v.publisher,
        review_url=v.review_url,
        published_at=v.published_at,
    )


def _verdicts_of(connection: Connection, claim_ids: list[int]) -> dict[int, list[VerdictView]]:
    """Each claim's verdicts (oldest first) with their sources, read in one statement."""
    if len(claim_ids) == 1:
        rows = run_prepared(connection, _VERDICTS_OF_CLAIM, {"claim": claim_ids[0]})
    else:
        rows = run_prepared(connection, _VERDICTS_OF_CLAIMS, {"ids": claim_ids})
    grouped: dict[int, list[tuple[Row, list[SourceView]]]] = defaultdict(list)
    last: tuple[Row, list[SourceView]] | None = None
    for row in rows:
        if last is None or last[0].id != row.id:
            last = (row, [])
            grouped[row.claim_id].append(last)
        if row.source_url is not None:  # the outer join's row for a verdict without sources has none
            last[1].append(
                SourceView(url=row.source_url, publisher=row.source_publisher, title=row.source_title)
            )
    return {
        claim_id: [_verdict_view(verdict, tuple(sources)) for verdict, sources in verdicts]
        for claim_id, verdicts in grouped.items()
    }


def claim_views(
    reader: Session | Connection, claims: Sequence[Claim | Row], *, details: bool = False
) -> list[ClaimView]:
    """Views of claims (models or rows) with their current verdict; `details` adds wordings, history and
    subscriber counts. `reader`: a session, or a connection (a write made of Core statements has no session)."""
    connection = as_connection(reader)
    ids = [c.id for c in claims if c.id is not None]
    history: dict[int, list[VerdictView]] = {}
    wordings: dict[int, list[WordingView]] = defaultdict(list)
    subscribers: dict[int, int] = {}
    if ids:
        history = _verdicts_of(connection, ids)
        if details:
            for w in connection.execute(
                core_select(Wording.__table__).where(col(Wording.claim_id).in_(ids)).order_by(col(Wording.id))
            ):
                wordings[w.claim_id].append(
                    WordingView(id=w.id or 0, text=w.text, lang=w.lang, kind=WordingKind(w.kind))
                )
            counts = connection.execute(
                core_select(Subscription.claim_id, func.count())
                .where(col(Subscription.claim_id).in_(ids), col(Subscription.active).is_(True))
                .group_by(col(Subscription.claim_id))
            )
            subscribers = {claim_id: count for claim_id, count in counts}
    views = []
    for c in claims:
        past = history.get(c.id or 0, [])
        views.append(
            ClaimView(
                id=c.id or 0,
                text=c.text,
                lang=c.lang,
                status=Status(c.status),
                ask_count=c.ask_count,
                first_asked_at=c.first_asked_at,
                last_asked_at=c.last_asked_at,
                created_at=c.created_at,
                verdict=past[-1] if past else None,
                reject_reason=c.reject_reason,
                merged_into_id=c.merged_into_id,
                subscribers=subscribers.get(c.id or 0, 0),
                claimant=c.claimant,
                wordings=tuple(wordings.get(c.id or 0, ())),
                history=tuple(past) if details else (),
            )
        )
    return views


def claim_view(reader: Session | Connection, claim: Claim | Row, *, details: bool = False) -> ClaimView:
    """The view of one claim."""
    return claim_views(reader, [claim], details=details)[0]


def submission_views(session: Session, rows: Iterable[Submission]) -> list[SubmissionView]:
    """Claim-log rows with the status of the claim each points to."""
    rows = list(rows)
    claim_ids = {r.claim_id for r in rows if r.claim_id is not None}
    statuses: dict[int, str] = {}
    if claim_ids:
        statuses = dict(
            session.exec(select(Claim.id, Claim.status).where(col(Claim.id).in_(claim_ids))).all()
        )
    return [
        SubmissionView(
            id=r.id or 0,
            created_at=r.created_at,
            user_id=r.user_id,
            chat_id=r.chat_id,
            chat_type=r.chat_type,
            text=r.text,
            lang=r.lang,
            outcome=Outcome(r.outcome),
            claim_id=r.claim_id,
            score=r.score,
            claim_status=Status(statuses[r.claim_id]) if r.claim_id in statuses else None,
        )
        for r in rows
    ]

"""Turning table rows into the read-only views of `claims.views`, loading related rows in bulk.

Related rows are read as plain Core rows (same attribute names as the models): every answer builds a view, and
loading them as ORM objects cost several times the queries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Row, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

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
_VERDICTS = (
    core_select(Verdict.__table__)
    .where(col(Verdict.claim_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Verdict.id))
)


def verdict_views(session: Session, verdicts: Sequence[Verdict | Row]) -> list[VerdictView]:
    """Views of verdicts (models or rows) with their sources, in the given order."""
    ids = [v.id for v in verdicts]
    sources: dict[int, list[SourceView]] = defaultdict(list)
    if ids:
        rows = session.connection().execute(_SOURCES, {"ids": ids})
        for row in rows:
            sources[row.verdict_id].append(SourceView(url=row.url, publisher=row.publisher, title=row.title))
    return [
        VerdictView(
            id=v.id or 0,
            claim_id=v.claim_id,
            rating=Rating(v.rating),
            textual_rating=v.textual_rating,
            summary=v.summary,
            sources=tuple(sources.get(v.id or 0, ())),
            reviewer_id=v.reviewer_id,
            reviewer_name=v.reviewer_name,
            publisher=v.publisher,
            review_url=v.review_url,
            published_at=v.published_at,
        )
        for v in verdicts
    ]


def claim_views(session: Session, claims: Sequence[Claim], *, details: bool = False) -> list[ClaimView]:
    """Views of claims with their current verdict; `details` adds wordings, history and subscriber counts."""
    ids = [c.id for c in claims if c.id is not None]
    history: dict[int, list[VerdictView]] = defaultdict(list)
    wordings: dict[int, list[WordingView]] = defaultdict(list)
    subscribers: dict[int, int] = {}
    if ids:
        verdict_rows = session.connection().execute(_VERDICTS, {"ids": ids}).all()
        for view in verdict_views(session, verdict_rows):
            history[view.claim_id].append(view)
        if details:
            for w in session.exec(
                select(Wording).where(col(Wording.claim_id).in_(ids)).order_by(col(Wording.id))
            ):
                wordings[w.claim_id].append(
                    WordingView(id=w.id or 0, text=w.text, lang=w.lang, kind=WordingKind(w.kind))
                )
            counts = session.exec(
                select(Subscription.claim_id, func.count())
                .where(col(Subscription.claim_id).in_(ids), col(Subscription.active).is_(True))
                .group_by(col(Subscription.claim_id))
            )
            subscribers = dict(counts.all())
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


def claim_view(session: Session, claim: Claim, *, details: bool = False) -> ClaimView:
    """The view of one claim."""
    return claim_views(session, [claim], details=details)[0]


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

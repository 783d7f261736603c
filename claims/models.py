"""The database tables (SQLModel). Alembic owns the schema: change a table here, then add a migration."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, time-zone aware in UTC (SQLModel's UTCDateTime stores UTC and returns aware values)."""
    return datetime.now(UTC)


class Claim(SQLModel, table=True):
    """A claim people ask about; its wordings are what the matcher searches."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=8)
    status: str = Field(default="pending", max_length=16, index=True)
    ask_count: int = Field(default=0)
    first_asked_at: datetime | None = None
    last_asked_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    reject_reason: str | None = Field(default=None, sa_column=Column(Text))
    merged_into_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    claimant: str | None = None
    claim_date: datetime | None = None
    appearances: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Bumped by every change of status or verdict; guards concurrent reviewers (optimistic concurrency).
    version: int = Field(default=1)

    __table_args__ = (Index("ix_claim_status_demand", "status", "ask_count"),)


class Wording(SQLModel, table=True):
    """One way of saying a claim: as checked, a review headline, a reviewer's alias, or a person's text."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=8)
    kind: str = Field(max_length=16)
    # Hash of the normalised text: identical pending submissions collide here even across processes.
    fingerprint: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, sa_type=BigInteger)

    __table_args__ = (UniqueConstraint("claim_id", "fingerprint", name="uq_wording_claim_fingerprint"),)


class Verdict(SQLModel, table=True):
    """A published rating of a claim. Append-only: a correction is a new row; the newest is current."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    rating: str = Field(max_length=16)
    textual_rating: str | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    reviewer_id: int | None = Field(default=None, sa_type=BigInteger)
    reviewer_name: str | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    review_url: str | None = Field(default=None, index=True)
    headline: str | None = Field(default=None, sa_column=Column(Text))
    lang: str | None = Field(default=None, max_length=8)
    published_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    supersedes_id: int | None = Field(default=None, foreign_key="verdict.id")


class Source(SQLModel, table=True):
    """A source a verdict rests on."""

    id: int | None = Field(default=None, primary_key=True)
    verdict_id: int = Field(foreign_key="verdict.id", index=True)
    position: int = 0
    url: str = Field(sa_column=Column(Text, nullable=False))
    publisher: str | None = None
    title: str | None = Field(default=None, sa_column=Column(Text))


class Submission(SQLModel, table=True):
    """The claim log: one row per text someone sent, with what the bot did about it."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    chat_type: str | None = Field(default=None, max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=8)
    outcome: str = Field(max_length=16, index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    score: float | None = None


class Subscription(SQLModel, table=True):
    """Someone waiting for a claim's verdict (and its corrections)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "claim_id", name="uq_subscription_user_claim"),)


class Person(SQLModel, table=True):
    """Someone the bot knows: role, ban and language. Admins come from BOT_ADMIN_IDS as well."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    role: str = Field(default="user", max_length=16)
    banned: bool = False
    language: str | None = Field(default=None, max_length=8)
    granted_by: int | None = Field(default=None, sa_type=BigInteger)
    granted_at: datetime | None = None
    first_seen: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """What a reviewer or admin did, to whom or to which claim, and when."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=32)
    claim_id: int | None = None
    target_user_id: int | None = Field(default=None, sa_type=BigInteger)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Outbox(SQLModel, table=True):
    """A notification owed to one person; the unique key makes delivery idempotent across restarts."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    claim_id: int = Field(foreign_key="claim.id")
    kind: str = Field(max_length=16)
    # The verdict (or the rejection, as the claim version) this message is about.
    event_key: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    __table_args__ = (UniqueConstraint("user_id", "event_key", name="uq_outbox_user_event"),)

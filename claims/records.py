"""Plain records that cross the boundary between file formats and the store (import/export)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from claims.ratings import Rating


@dataclass(slots=True)
class SourceRecord:
    """A source a verdict rests on: the fact-check article or a document it cites."""

    url: str
    publisher: str | None = None
    title: str | None = None


@dataclass(slots=True)
class ReviewRecord:
    """One fact-check of one claim, as every import format decodes it and every export format encodes it.

    `review_url` identifies the review: importing the same URL again updates instead of duplicating.
    `claim_id` is set by exports so a re-import into the same database lands on the same claim.
    """

    claim_text: str
    rating: Rating | None = None
    textual_rating: str | None = None
    review_url: str | None = None
    headline: str | None = None
    summary: str | None = None
    language: str | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    reviewer: str | None = None
    published_at: datetime | None = None
    claimant: str | None = None
    claim_date: datetime | None = None
    appearances: list[str] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    # Texts people sent that became (or were merged into) this claim; kept so a round trip is exact.
    user_texts: list[str] = field(default_factory=list)
    # The language of an alias or user text that is not in `language` (a translation); others are detected.
    wording_languages: dict[str, str] = field(default_factory=dict)
    status: str | None = None  # pending | published | rejected; None means published when rated, else pending
    reject_reason: str | None = None
    ask_count: int = 0
    reviewer_id: int | None = None
    claim_id: int | None = None
    # Earlier verdicts of the same claim, oldest first (exports carry history so a round trip keeps it).
    history: list[ReviewRecord] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    verdicts_added: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

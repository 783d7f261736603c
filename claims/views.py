"""Read-only results the services return: what the bot renders and the CLI prints. No Telegram, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from claims.ratings import Rating


class Status(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    MERGED = "merged"


class Outcome(StrEnum):
    """What happened to one submission in the claim log."""

    ANSWERED = "answered"  # a confident match with a verdict was shown
    SUGGESTED = "suggested"  # plausible candidates were offered
    QUEUED = "queued"  # logged as (or added to) a pending claim for reviewers
    UNMATCHED = "unmatched"  # nothing shown and nothing queued (groups, inline mode)


class Role(StrEnum):
    USER = "user"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class WordingKind(StrEnum):
    CLAIM = "claim"  # the claim as checked
    HEADLINE = "headline"  # the review's headline
    ALIAS = "alias"  # added by a reviewer (rephrasing or translation)
    USER = "user"  # a text people sent, kept when it created or was merged into the claim


@dataclass(frozen=True, slots=True)
class SourceView:
    url: str
    publisher: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class VerdictView:
    id: int
    claim_id: int
    rating: Rating
    textual_rating: str | None
    summary: str | None
    sources: tuple[SourceView, ...]
    reviewer_id: int | None
    reviewer_name: str | None
    publisher: str | None
    review_url: str | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class WordingView:
    id: int
    text: str
    lang: str | None
    kind: WordingKind


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: int
    text: str
    lang: str | None
    status: Status
    ask_count: int
    first_asked_at: datetime | None
    last_asked_at: datetime | None
    created_at: datetime
    verdict: VerdictView | None = None
    reject_reason: str | None = None
    merged_into_id: int | None = None
    subscribers: int = 0
    claimant: str | None = None
    wordings: tuple[WordingView, ...] = ()
    history: tuple[VerdictView, ...] = ()  # every verdict, oldest first (the last is `verdict`)
    # For a reviewer looking at a pending claim: the other claims its text matches, best first (`/merge`
    # candidates, or claims it swaps one thing of, which `Candidate.swap` tells apart).
    similar: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A claim the matcher found for a text, with the confidence in [0, 1] and its tier."""

    claim: ClaimView
    score: float
    tier: str  # "answer" | "suggest" | "none"
    # When the text is this claim with one or two things swapped, or two of its parts in each other's place
    # (so only suggested): (the claim's words, the text's in their place), as each writes them, places apart
    # joined by " … ".
    swap: tuple[str, str] | None = None
    # When it is the answer and the text says less than the claim (adds at most one word, leaves some out):
    # the claim's words it leaves out, as the claim writes them ("Moscow" for "Putin and Kim met"): the
    # verdict may rest on them (`Matcher.left_out`).
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The answer to one submission. Exactly one of `answer`, `suggestions`, `queued` says what to show."""

    outcome: Outcome
    text: str  # the cleaned text that was matched
    lang: str
    submission_id: int | None
    answer: Candidate | None = None
    suggestions: tuple[Candidate, ...] = ()
    queued: ClaimView | None = None  # the pending claim this text is now counted in
    new_claim: bool = False  # True when this submission created the pending claim
    subscribed: bool = False
    # Counted on a pending claim it does not repeat word for word (found similar): worth showing that claim.
    similar: bool = False
    # The sender as this check read them, when the caller had not (`ClaimService.check`'s `person`).
    person: PersonView | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to notify about a claim: who asked, in which chat, in which language."""

    user_id: int
    chat_id: int
    lang: str | None


@dataclass(frozen=True, slots=True)
class PublishResult:
    claim: ClaimView
    verdict: VerdictView
    is_correction: bool
    previous: VerdictView | None
    notify: tuple[Recipient, ...]
    # Set when another reviewer's verdict landed after the one this reviewer saw: both are kept, this one is latest.
    raced_with: VerdictView | None = None


@dataclass(frozen=True, slots=True)
class RejectResult:
    claim: ClaimView
    notify: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class MergeResult:
    into: ClaimView
    moved_wordings: int
    moved_asks: int
    moved_subscribers: int


@dataclass(frozen=True, slots=True)
class PersonView:
    user_id: int
    role: Role
    banned: bool
    language: str | None
    granted_by: int | None
    granted_at: datetime | None


@dataclass(frozen=True, slots=True)
class SubmissionView:
    """One row of the claim log."""

    id: int
    created_at: datetime
    user_id: int | None
    chat_id: int | None
    chat_type: str | None
    text: str
    lang: str | None
    outcome: Outcome
    claim_id: int | None
    score: float | None
    claim_status: Status | None = None


@dataclass(frozen=True, slots=True)
class MineEntry:
    claim: ClaimView
    asked_at: datetime
    subscribed: bool


@dataclass(frozen=True, slots=True)
class QueuePage:
    claims: tuple[ClaimView, ...]
    total: int
    offset: int
    limit: int
    # For each claim of the page that another claim matches as confidently as an answer (the same claim said
    # another way, to merge, or that claim with one thing swapped, which `Candidate.swap` says): that claim.
    close: dict[int, Candidate] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stats:
    claims_by_status: dict[str, int]
    verdicts: int
    wordings: int
    submissions: int
    submissions_by_outcome: dict[str, int]
    askers: int
    subscriptions: int
    reviewers: int
    banned: int
    notifications_by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Notification:
    """One message owed to one person (the outbox): delivered at most once, retried on failure."""

    id: int
    user_id: int
    chat_id: int
    lang: str | None
    kind: str  # "verdict" | "correction" | "rejected"
    claim: ClaimView
    attempts: int

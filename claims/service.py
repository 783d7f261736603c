"""The domain services: what the bot and the CLI call. No Telegram here; every method is one unit of work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Connection, Row, bindparam, exists, func, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from claims import transfer
from claims.convert import claim_view, claim_views, submission_views, verdict_views
from claims.db import (
    Database,
    Prepared,
    advisory_xact_lock,
    as_connection,
    hold_wording_ids,
    run_prepared,
    upgrade,
)
from claims.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from claims.indexing import repair_matcher, sync_matcher
from claims.matching import Hit, MatchConfig, Matcher, Query, Tier, prepare_query
from claims.matchpool import MatchPool, SearchCall
from claims.models import (
    AuditEntry,
    Claim,
    Outbox,
    Person,
    Source,
    Submission,
    Subscription,
    Verdict,
    Wording,
    utcnow,
)
from claims.ratings import Rating, parse_rating
from claims.records import ImportReport, ReviewRecord
from claims.settings import Settings, get_settings
from claims.text import fingerprint, is_http_url, sanitize
from claims.views import (
    Candidate,
    CheckResult,
    ClaimView,
    MergeResult,
    MineEntry,
    Notification,
    Outcome,
    PersonView,
    PublishResult,
    QueuePage,
    Recipient,
    RejectResult,
    Role,
    Stats,
    Status,
    SubmissionView,
    WordingKind,
    WordingView,
)

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
# An import adding this many claims or verdicts refreshes the planner's statistics of the tables it fills
# (PostgreSQL; see `Database.refresh_statistics`); smaller changes are autovacuum's business.
REFRESH_STATISTICS_AFTER = 1_000
IMPORTED_TABLES = ("claim", "wording", "verdict", "source")
SEARCH_DEPTH = 20  # candidates fetched from the index before filtering by claim status
MAX_SUGGESTIONS = 3
RACE_WINDOW = timedelta(minutes=5)  # a verdict by someone else this recent is reported to the next reviewer
MAX_ATTEMPTS = 8
SEND_LEASE = timedelta(seconds=60)
MAX_ROW_ID = 2**31 - 1
QUEUE_LOCK_KEY = 7_204_117  # PostgreSQL advisory lock serialising "is it pending already? else create"

# The hot path's lookups, built once: plain Core statements on a connection, no ORM session or identity map.
# The statements every check runs are prepared for the driver (`Prepared`: SQLAlchemy's path around each cost
# more than the statement, in the running bot).
_PERSON = Prepared(
    core_select(Person.role, Person.banned, Person.language, Person.granted_by, Person.granted_at).where(
        col(Person.user_id) == bindparam("user_id")
    )
)
_CLAIM_TABLE, _SUBSCRIPTION_TABLE = Claim.__table__, Subscription.__table__
_WORDING_TABLE, _SUBMISSION_TABLE = Wording.__table__, Submission.__table__
# What a claim's view needs (not its appearances: a JSON column decoded for nothing on every candidate).
_VIEWED = tuple(column for column in _CLAIM_TABLE.c if column.name not in ("appearances", "claim_date"))
_CLAIMS = Prepared(core_select(*_VIEWED).where(col(Claim.id).in_(bindparam("ids", expanding=True))))
# What choosing among a search's claims needs: of up to 20 claims, one or a few are shown (and read whole then);
# the rest cost their timestamps' decoding for nothing.
_LIVE = Prepared(
    core_select(_CLAIM_TABLE.c.id, _CLAIM_TABLE.c.status, _CLAIM_TABLE.c.merged_into_id).where(
        _CLAIM_TABLE.c.id.in_(bindparam("ids", expanding=True))
    )
)
_ASKED_AT = bindparam("asked_at", type_=_CLAIM_TABLE.c.last_asked_at.type)
# One UPDATE, so concurrent asks on PostgreSQL never lose a count; it returns the claim's row as it is after.
_ADD_ASK = Prepared(
    update(_CLAIM_TABLE)
    .where(_CLAIM_TABLE.c.id == bindparam("claim"))
    .values(
        ask_count=_CLAIM_TABLE.c.ask_count + 1,
        first_asked_at=func.coalesce(_CLAIM_TABLE.c.first_asked_at, _ASKED_AT),
        last_asked_at=_ASKED_AT,
    )
    .returning(*_VIEWED)
)
_TAKE_ASK = Prepared(
    update(_CLAIM_TABLE)
    .where(_CLAIM_TABLE.c.id == bindparam("claim"), _CLAIM_TABLE.c.ask_count > 0)
    .values(ask_count=_CLAIM_TABLE.c.ask_count - 1)
)
_RECORD = Prepared(
    insert(_SUBMISSION_TABLE).returning(_SUBMISSION_TABLE.c.id),
    ["created_at", "user_id", "chat_id", "chat_type", "text", "lang", "outcome", "claim_id", "score"],
)
# The queue's statements (one transaction per queued text, under the queue's lock): Core on the session's
# connection, each claim row read back by the statement that writes it (RETURNING), not by a SELECT after it.
# The claim a text repeats exactly: pending, rejected or merged, i.e. every status but published, written as
# `!=` on purpose. An `IN` of the three let PostgreSQL's planner start from the status index when its statistics
# said no claim was pending (as after an import of published fact-checks): it then read every pending claim and
# probed each one's wordings, under the queue's lock, 0.77 ms with 400 pending and growing with the queue. No
# index serves `!=`, so the fingerprint's index drives the lookup whatever the statistics say.
assert set(Status) - {Status.PUBLISHED} == {Status.PENDING, Status.REJECTED, Status.MERGED}
_PENDING_BY_FINGERPRINT = Prepared(
    core_select(*_VIEWED)
    .join(_WORDING_TABLE, _WORDING_TABLE.c.claim_id == _CLAIM_TABLE.c.id)
    .where(_WORDING_TABLE.c.fingerprint == bindparam("key"), _CLAIM_TABLE.c.status != Status.PUBLISHED)
    .order_by(_CLAIM_TABLE.c.id)
    .limit(1)
)
_CLAIM_BY_ID = core_select(*_VIEWED).where(_CLAIM_TABLE.c.id == bindparam("claim"))
_CLAIM_BY_ID_LOCKED = Prepared(_CLAIM_BY_ID.with_for_update())
_NEW_CLAIM = Prepared(
    insert(_CLAIM_TABLE).returning(*_VIEWED),
    [
        "text",
        "lang",
        "status",
        "ask_count",
        "first_asked_at",
        "last_asked_at",
        "created_at",
        "updated_at",
        "appearances",
        "version",
    ],
)
_NEW_WORDING = Prepared(
    insert(_WORDING_TABLE), ["claim_id", "text", "lang", "kind", "fingerprint", "created_at", "created_by"]
)
_SUBMISSION_CLAIM = Prepared(
    core_select(_SUBMISSION_TABLE.c.claim_id).where(_SUBMISSION_TABLE.c.id == bindparam("id"))
)
# A submission moved off a claim ("not what I meant") takes its sender's subscription to that claim with it,
# unless another of their submissions still counts on the claim.
_DROP_MOVED_SUBSCRIPTION = (
    update(_SUBSCRIPTION_TABLE)
    .where(
        _SUBSCRIPTION_TABLE.c.user_id == bindparam("user"),
        _SUBSCRIPTION_TABLE.c.claim_id == bindparam("claim"),
        ~exists().where(
            _SUBMISSION_TABLE.c.user_id == bindparam("user"),
            _SUBMISSION_TABLE.c.claim_id == bindparam("claim"),
            _SUBMISSION_TABLE.c.id != bindparam("submission"),
        ),
    )
    .values(active=False)
)
# Whether a claim holds a wording with this fingerprint: the text's own claim, not one it was found similar to.
_HAS_FINGERPRINT = core_select(_WORDING_TABLE.c.id).where(
    _WORDING_TABLE.c.claim_id == bindparam("claim"), _WORDING_TABLE.c.fingerprint == bindparam("key")
)
_REQUEUE = (
    update(_SUBMISSION_TABLE)
    .where(_SUBMISSION_TABLE.c.id == bindparam("submission"))
    .values(outcome=bindparam("new_outcome"), claim_id=bindparam("claim"), score=bindparam("new_score"))
)
# Where the write helpers run their statements: a session, or its connection when no ORM object is in play
# (the check's own writes: the ORM's bulk-update bookkeeping costs more than the statements there).
Executor = Session | Connection
# A claim as the hot path reads it: a Core row of the claim table (same attributes as the model), or the model.
ClaimRow = Claim | Row

# A rumour arrives as the same forwarded text from many people: cleaning, language detection (a millisecond or
# more) and analysis are done once per text and hint. Queries are immutable, so sharing them is safe.
_prepared_query = lru_cache(maxsize=4096)(prepare_query)


class Banned(PermissionDenied):
    """The person is banned: nothing they send is answered or counted."""

    code = "banned"


class ClaimService:
    """Checks texts against the claims, logs every ask, and carries out reviewers' and operators' actions."""

    def __init__(self, db: Database, settings: Settings, matcher: Matcher | None = None) -> None:
        self.db = db
        self.settings = settings
        self._owns_matcher = matcher is None
        self.matcher = matcher or Matcher(
            MatchConfig(
                answer_threshold=settings.match_answer_threshold,
                suggest_threshold=settings.match_suggest_threshold,
                min_answer_words=settings.match_min_answer_words,
                semantic_model=settings.match_semantic_model,
            ),
            index_dir=settings.index_dir,
        )
        self._index_lock = threading.Lock()
        self._index_repaired = False
        self._queue_lock = threading.Lock()
        # Merges this service made in the index: with the index's watermark, what a search saw (`_IndexMark`), so
        # that the queue can tell when a search made moments ago is still good (see `_outdated`).
        self._merges_done = 0
        # Worker processes that search (`start_match_workers`); None: this process searches itself.
        self._pool: MatchPool | None = None
        # One upsert: a new subscription, or the old one active again and pointing at this chat.
        upsert = (sqlite if db.sqlite else postgresql).insert(_SUBSCRIPTION_TABLE)
        self._subscribe_statement = Prepared(
            upsert.on_conflict_do_update(
                index_elements=["user_id", "claim_id"],
                set_={"active": True, "chat_id": upsert.excluded.chat_id},
            ),
            ["user_id", "chat_id", "claim_id", "active", "created_at"],
        )
        # The index is brought up to date by the first search (or `sync_index`, which the bot calls as it
        # starts), not here: a CLI command that never searches must not index a whole database it will
        # throw away.

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, migrate: bool = True) -> ClaimService:
        """A service on the configured database, migrated to the latest schema first."""
        settings = settings or get_settings()
        if migrate:
            upgrade(settings.database_url)
        return cls(Database(settings.database_url, timeout=settings.database_timeout), settings)

    def start_match_workers(self, count: int) -> bool:
        """Search in `count` worker processes from now on (the bot does; see `claims.matchpool`). Each opens a
        linked copy of this process's persisted index, or builds its own from the database, in the background;
        until then this process searches itself. False when not started: none asked for, or a database the
        workers cannot open (SQLite in memory)."""
        if count <= 0 or self._pool is not None:
            return False
        if self.db.in_memory:
            log.warning("MATCH_WORKERS ignored: worker processes cannot share an in-memory SQLite database")
            return False
        self._pool = MatchPool(
            database_url=self.db.url,
            timeout=self.settings.database_timeout,
            config=self.matcher.config,
            workers=count,
            index_dir=self.matcher.index_dir,
        )
        return True

    @property
    def match_pool(self) -> MatchPool | None:
        """The worker processes that search, when started."""
        return self._pool

    def close(self) -> None:
        """Stop the match workers, persist the index (when it has a directory), release the index's writer lock
        (when this service opened the index: another process may write it next) and the database."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._owns_matcher:
            self.matcher.close()
        else:
            self.matcher.save()
        self.db.dispose()

    # ------------------------------------------------------------------ index

    def sync_index(self) -> int:
        """Index every wording written since the last call, by this process or any other (the first call also
        adds what an index persisted by an older version missed: `repair_matcher`)."""
        with self._index_lock:
            if not self._index_repaired:
                self._index_repaired = True
                if missed := repair_matcher(self.db, self.matcher):
                    log.warning("indexed %d wordings the persisted match index had missed", missed)
            return sync_matcher(self.db, self.matcher)

    # ------------------------------------------------------------------ people

    def check(
        self,
        *,
        text: str,
        user_id: int | None,
        chat_id: int | None = None,
        chat_type: str = "private",
        lang_hint: str | None = None,
        queue: bool = True,
        person: PersonView | None = None,
    ) -> CheckResult:
        """Match a text someone sent: answer, suggest, or queue it for reviewers (and log it in every case).
        `person`: the sender as the caller read them for this very request (the bot's guard reads them before
        most handlers run), so the row is not read a second time; else it is read here, and returned in the
        result's `person`."""
        raw = self._validated(text)
        pool = self._pool
        query = self._query(raw, lang_hint) if pool is None else None
        read = self._refuse_banned(user_id, person) if user_id is not None else None
        if pool is None:
            self.sync_index()
        # Taken after this check's own sync (else what that sync added would count as new to the queue) and before
        # the search: a worker brings its own index up to date from the database when it searches, after this
        # point. The queue (the only path that reuses the hits) brings this process's index up to date, and
        # searches again if a merge or a wording the text could match came in since (`_outdated`).
        mark = self._index_mark()
        # With workers, the text's preparation (cleaning, language detection, analysis) happens there too.
        found = pool.search(text=raw, lang_hint=lang_hint, limit=SEARCH_DEPTH) if pool is not None else None
        result = self._checked(
            _Started(raw, lang_hint, mark, query),
            found,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            queue=queue,
        )
        return result if read is None else replace(result, person=read)

    def start_check(
        self,
        *,
        text: str,
        user_id: int | None,
        lang_hint: str | None = None,
        person: PersonView | None = None,
        notify: Callable[[], None],
    ) -> StartedCheck | None:
        """The first part of `check` for a caller that must not block (the bot's event loop): the text validated,
        a banned sender refused, and the search sent to a match worker, whose reply calls `notify` (from another
        thread). Then `finish_check`, where blocking is fine. It reads nothing: None (call `check`) without a
        worker, or when sending might wait (a worker that is behind). Raises what `check` raises for the text,
        and for a ban when the caller read the sender's `person`; else `finish_check` reads them, before the
        check is written down, and refuses them there."""
        pool = self._pool
        if pool is None:
            return None
        raw = self._validated(text)
        known = _theirs(person, user_id)
        if known is not None:
            self._refuse_banned(known.user_id, known)
        mark = self._index_mark()  # as in `check`
        call = pool.submit(text=raw, lang_hint=lang_hint, limit=SEARCH_DEPTH, notify=notify, block=False)
        if call is None:
            return None
        return StartedCheck(
            _Started(raw, lang_hint, mark, None), pool, call, None if known is not None else user_id
        )

    def finish_check(
        self,
        started: StartedCheck,
        *,
        user_id: int | None,
        chat_id: int | None = None,
        chat_type: str = "private",
        queue: bool = True,
    ) -> CheckResult:
        """The rest of a check begun with `start_check`, with its search's outcome (waited for if need be; a
        search the worker could not make is made here)."""
        found = started.pool.result(started.call)
        read = self._refuse_banned(started.unread) if started.unread is not None else None
        result = self._checked(
            started.state, found, user_id=user_id, chat_id=chat_id, chat_type=chat_type, queue=queue
        )
        return result if read is None else replace(result, person=read)

    def _checked(
        self,
        started: _Started,
        found: tuple[Query, list[Hit]] | None,
        *,
        user_id: int | None,
        chat_id: int | None,
        chat_type: str,
        queue: bool,
    ) -> CheckResult:
        """A check once its text is searched (`found`, by a worker) or to be searched here (None)."""
        raw, mark = started.raw, started.mark
        if found is not None:
            if found[0].empty:
                raise InvalidInput("empty_text")
            query = found[0]
        else:
            query = started.query or self._query(raw, started.lang_hint)
        # No worker took it: search here (a second request to the pool would most likely fail the same way). A
        # query prepared before the search means there was no pool: `check` brought the index up to date then.
        hits = found[1] if found is not None else self._local_hits(query, synced=started.query is not None)
        # Only matched hits are answered, offered or counted on: the others' claims are not read.
        hits = _matched(hits)
        pairs = self._live_claims(hits)
        published = [(hit, claim) for hit, claim in pairs if claim.status == Status.PUBLISHED]
        private = chat_type == "private" and user_id is not None and chat_id is not None
        now = utcnow()

        if published and published[0][0].tier == Tier.ANSWER:
            hit, claim = published[0]
            with self.db.transaction() as connection:
                asked = self._add_ask(connection, claim.id, now)
                subscribed = private and self._subscribe(connection, user_id, chat_id, claim.id)
                sub = self._record(
                    connection,
                    raw,
                    query,
                    user_id,
                    chat_id,
                    chat_type,
                    Outcome.ANSWERED,
                    claim.id,
                    hit.score,
                    now,
                )
                view = claim_view(connection, asked)
            return CheckResult(
                outcome=Outcome.ANSWERED,
                text=query.text,
                lang=query.lang,
                submission_id=sub,
                answer=Candidate(
                    view, hit.score, str(hit.tier), left_out=self.matcher.left_out(query, hit.claim_id)
                ),
                subscribed=subscribed,
            )

        offered = published[:MAX_SUGGESTIONS]  # every hit here is matched (`_matched` above)
        if offered or not queue:
            outcome = Outcome.SUGGESTED if offered and queue else Outcome.UNMATCHED
            with self.db.transaction() as connection:
                best = offered[0][0].score if offered else None
                sub = self._record(
                    connection, raw, query, user_id, chat_id, chat_type, outcome, None, best, now
                )
                views = _claim_views(connection, [claim for _, claim in offered])
            suggestions = self._offered(query, views, offered)
            return CheckResult(
                outcome=outcome, text=query.text, lang=query.lang, submission_id=sub, suggestions=suggestions
            )

        return self._queue(
            raw, query, user_id, chat_id, chat_type, searched=_Searched(mark, hits, bool(_similar(pairs)))
        )

    def _offered(
        self, query: Query, views: Iterable[ClaimView], pairs: Iterable[tuple[Hit, ClaimRow]]
    ) -> tuple[Candidate, ...]:
        """Hits offered as candidates (their claims' `views`, in the same order), each with what the text swaps
        in its claim (`Matcher.swap`) when it was confident enough to be an answer and is only offered: the
        person is told why. Others are not compared."""
        threshold = self.matcher.config.answer_threshold
        return tuple(
            Candidate(
                view,
                hit.score,
                str(hit.tier),
                self.matcher.swap(query, view.id) if hit.score >= threshold else None,
            )
            for view, (hit, _) in zip(views, pairs, strict=True)
        )

    def queue_submission(
        self, *, submission_id: int, user_id: int, person: PersonView | None = None, alone: bool = False
    ) -> CheckResult:
        """Queue the text of an earlier submission ("not what I meant", "none of these") for reviewers.
        `alone`: as a claim of its own, for a text that was counted on a pending claim it does not repeat word
        for word (a similar one that says something else: "not what I meant" there); its ask and its sender's
        subscription move to that claim. `person`: as for `check`."""
        self._refuse_banned(user_id, person)
        with self.db.read() as session:
            sub = session.get(Submission, submission_id) if _row_id(submission_id) else None
            if sub is None or sub.user_id != user_id:
                raise NotFound("no such submission", submission_id=submission_id)
            if (
                sub.outcome == Outcome.QUEUED
                and sub.claim_id is not None
                and not (alone and self._counted_on_another(session, sub))
            ):
                claim = self._resolve(session, sub.claim_id)
                view = claim_view(session, claim)
                return CheckResult(
                    outcome=Outcome.QUEUED,
                    text=sub.text,
                    lang=sub.lang or "en",
                    submission_id=sub.id,
                    queued=view,
                    subscribed=True,
                )
            raw, chat_id, chat_type, lang = sub.text, sub.chat_id, sub.chat_type or "private", sub.lang
        query = _prepared_query(raw, lang_hint=lang)
        return self._queue(raw, query, user_id, chat_id, chat_type, submission_id=submission_id, alone=alone)

    @staticmethod
    def _counted_on_another(session: Session, sub: Submission) -> bool:
        """Whether a queued submission counts on a claim none of whose wordings its text repeats word for word."""
        key = fingerprint(_prepared_query(sub.text, lang_hint=sub.lang).text)
        connection = session.connection()
        return connection.execute(_HAS_FINGERPRINT, {"claim": sub.claim_id, "key": key}).first() is None

    def choose_suggestion(
        self, *, submission_id: int, claim_id: int, user_id: int, person: PersonView | None = None
    ) -> ClaimView:
        """Someone picked one of the offered claims: count the ask there and show it. `person`: as for
        `check`."""
        self._refuse_banned(user_id, person)
        now = utcnow()
        with self.db.write() as session:
            sub = session.get(Submission, submission_id) if _row_id(submission_id) else None
            if sub is None or sub.user_id != user_id:
                raise NotFound("no such submission", submission_id=submission_id)
            claim = self._resolve(session, claim_id)
            if claim.status != Status.PUBLISHED:
                raise NotFound("no published claim", claim_id=claim_id)
            if sub.outcome != Outcome.ANSWERED or sub.claim_id != claim.id:
                self._move_ask(session, sub.claim_id, claim.id, now)
                sub.outcome, sub.claim_id = Outcome.ANSWERED, claim.id
                session.add(sub)
            if sub.chat_type == "private" and sub.chat_id is not None:
                self._subscribe(session, user_id, sub.chat_id, claim.id)
            session.flush()
            return claim_view(session, session.get(Claim, claim.id, populate_existing=True))

    def search_published(self, *, text: str, limit: int = 5, lang_hint: str | None = None) -> list[Candidate]:
        """Published claims matching a text, best first (inline mode); logs nothing."""
        _, query = self._prepare(text, lang_hint)
        pairs = [(h, c) for h, c in self._candidates(query, matched=True) if c.status == Status.PUBLISHED]
        pairs = pairs[:limit]
        with self.db.read() as session:
            views = _claim_views(session, [c for _, c in pairs])
        return [Candidate(v, h.score, str(h.tier)) for v, (h, _) in zip(views, pairs, strict=True)]

    def match(
        self, text: str, *, limit: int = 5, lang_hint: str | None = None
    ) -> tuple[Query, list[Candidate]]:
        """Every claim (any status) matching a text, best first; logs nothing (the operator's `claims match`)."""
        query = _prepared_query(sanitize(text), lang_hint=lang_hint)
        if query.empty:
            return query, []
        self.sync_index()
        pairs = self._candidates(query, limit=max(limit, 1), synced=True)[:limit]
        with self.db.read() as session:
            views = _claim_views(session, [c for _, c in pairs])
        return query, [Candidate(v, h.score, str(h.tier)) for v, (h, _) in zip(views, pairs, strict=True)]

    def get_claim(self, claim_id: int) -> ClaimView:
        """A claim by id, following merges."""
        with self.db.read() as session:
            return claim_view(session, self._resolve(session, claim_id))

    def unsubscribe(self, *, user_id: int, claim_id: int) -> bool:
        """Stop notifications about a claim; True if a subscription was active."""
        with self.db.write() as session:
            claim = self._resolve(session, claim_id)
            result = session.exec(
                update(Subscription)
                .where(
                    col(Subscription.user_id) == user_id,
                    col(Subscription.claim_id) == claim.id,
                    col(Subscription.active).is_(True),
                )
                .values(active=False)
            )
            return result.rowcount > 0

    def mine(self, *, user_id: int, limit: int = 20) -> list[MineEntry]:
        """The claims someone asked about, most recent first, with their status."""
        with self.db.read() as session:
            rows = session.exec(
                select(Submission.claim_id, func.max(Submission.created_at))
                .where(col(Submission.user_id) == user_id, col(Submission.claim_id).is_not(None))
                .group_by(col(Submission.claim_id))
                .order_by(func.max(Submission.created_at).desc())
                .limit(limit)
            ).all()
            active = set(
                session.exec(
                    select(Subscription.claim_id).where(
                        col(Subscription.user_id) == user_id, col(Subscription.active).is_(True)
                    )
                ).all()
            )
            entries: dict[int, MineEntry] = {}
            for claim_id, asked_at in rows:
                claim = self._resolve(session, claim_id)
                if claim.id not in entries:
                    entries[claim.id] = MineEntry(
                        claim=claim_view(session, claim),
                        asked_at=asked_at,
                        subscribed=claim.id in active or claim_id in active,
                    )
            return list(entries.values())

    def person(self, user_id: int) -> PersonView:
        """Role, ban and language of someone (a default view for people the bot never saw)."""
        found = self.db.rows(_PERSON, {"user_id": user_id})
        row = found[0] if found else None
        role = Role.ADMIN if user_id in self.settings.bot_admin_ids else Role(row.role) if row else Role.USER
        return PersonView(
            user_id=user_id,
            role=role,
            banned=bool(row and row.banned),
            language=row.language if row else None,
            granted_by=row.granted_by if row else None,
            granted_at=row.granted_at if row else None,
        )

    def role_of(self, user_id: int) -> Role:
        """The role someone has (admins from BOT_ADMIN_IDS included)."""
        return self.person(user_id).role

    def is_banned(self, user_id: int) -> bool:
        """True when the person is banned."""
        return self.person(user_id).banned

    def set_language(self, *, user_id: int, lang: str) -> None:
        """Remember the language someone chose for replies."""
        lang = (lang or "").strip().lower()
        if lang not in LANGUAGES:
            raise InvalidInput("bad_language", languages=LANGUAGES)
        with self.db.write() as session:
            row = session.get(Person, user_id) or Person(user_id=user_id)
            row.language = lang
            session.add(row)

    # ------------------------------------------------------------------ reviewers

    def queue(self, *, actor_id: int, offset: int = 0, limit: int = 10) -> QueuePage:
        """Pending claims, most asked first (then the oldest ask first)."""
        self._require(actor_id, Role.REVIEWER)
        offset, limit = max(0, offset), max(1, min(limit, 50))
        with self.db.read() as session:
            where = col(Claim.status) == Status.PENDING
            total = session.exec(select(func.count()).select_from(Claim).where(where)).one()
            rows = session.exec(
                select(Claim)
                .where(where)
                .order_by(col(Claim.ask_count).desc(), col(Claim.first_asked_at), col(Claim.id))
                .offset(offset)
                .limit(limit)
            ).all()
            views = tuple(claim_views(session, rows))
        if views:
            self.sync_index()  # once for the page's searches (`_close_to`)
        close = {view.id: found for view in views if (found := self._close_to(view)) is not None}
        return QueuePage(claims=views, total=total, offset=offset, limit=limit, close=close)

    def _close_to(self, claim: ClaimView) -> Candidate | None:
        """The other claim that `claim`'s text matches as confidently as an answer, if one does: what a reviewer
        should look at before writing a verdict (`_similar_to`'s first, at the answer threshold). The caller
        brings the index up to date."""
        similar = self._similar_to(claim, limit=1, synced=True)
        if similar and similar[0].score >= self.matcher.config.answer_threshold:
            return similar[0]
        return None

    def claim_details(self, *, actor_id: int, claim_id: int) -> ClaimView:
        """A claim with its wordings, verdict history and subscriber count; a pending one with the other claims
        its text matches (`ClaimView.similar`)."""
        self._require(actor_id, Role.REVIEWER)
        with self.db.read() as session:
            view = claim_view(session, self._resolve(session, claim_id), details=True)
        if view.status != Status.PENDING:
            return view
        return replace(view, similar=self._similar_to(view))

    def _similar_to(
        self, claim: ClaimView, limit: int = MAX_SUGGESTIONS, *, synced: bool = False
    ) -> tuple[Candidate, ...]:
        """The claims other than `claim` that its text matches (the first `limit`), best first, each with what it
        swaps; the index brought up to date first unless `synced`."""
        query = _prepared_query(claim.text, lang_hint=claim.lang)
        if query.empty:
            return ()
        # Searched without the claim itself: the others are judged against each other, not against its own
        # wordings, which every one of them would trail far behind.
        if not synced:
            self.sync_index()
        hits = self.matcher.search(query, limit=SEARCH_DEPTH, exclude={claim.id})
        pairs = [(h, c) for h, c in self._live_claims(_matched(hits)) if c.id != claim.id][:limit]
        with self.db.read() as session:
            views = _claim_views(session, [c for _, c in pairs])
        return self._offered(query, views, pairs)

    def publish_verdict(
        self,
        *,
        actor_id: int,
        claim_id: int,
        rating: str | Rating,
        url: str,
        summary: str | None = None,
        textual_rating: str | None = None,
        reviewer_name: str | None = None,
        seen_verdict_id: int | None = None,
    ) -> PublishResult:
        """Publish (or correct) a claim's verdict; everyone who asked is queued a notification."""
        self._require(actor_id, Role.REVIEWER)
        canonical = parse_rating(str(rating))
        if canonical is None:
            raise InvalidInput("bad_rating", rating=str(rating)[:40])
        url = (url or "").strip()
        if not is_http_url(url):
            raise InvalidInput("bad_url", url=url[:200])
        summary = sanitize(summary or "")[:2000] or None
        now = utcnow()
        with self.db.write() as session:
            claim = self._get(session, claim_id, lock=True)
            if claim.status == Status.MERGED:
                raise Conflict("merged", into=claim.merged_into_id)
            previous_row = self._current_verdict(session, claim.id)
            verdict = Verdict(
                claim_id=claim.id,
                rating=canonical.value,
                textual_rating=sanitize(textual_rating or "")[:200] or None,
                summary=summary,
                reviewer_id=actor_id,
                reviewer_name=reviewer_name,
                lang=claim.lang,  # as imports do: a review is in its claim's language (a round trip keeps it)
                published_at=now,
                supersedes_id=previous_row.id if previous_row else None,
            )
            session.add(verdict)
            session.flush()
            session.add(Source(verdict_id=verdict.id, position=0, url=url))
            claim.status, claim.version, claim.updated_at = Status.PUBLISHED, claim.version + 1, now
            session.add(claim)
            kind = "correction" if previous_row else "verdict"
            notify = self._enqueue(session, claim.id, kind, f"v{verdict.id}", now)
            self._audit(
                session,
                actor_id,
                kind,
                claim_id=claim.id,
                detail={"verdict": verdict.id, "rating": canonical.value, "url": url},
            )
            session.flush()
            previous = verdict_views(session, [previous_row])[0] if previous_row else None
            raced = None
            if (
                previous
                and previous.reviewer_id != actor_id
                and (
                    (seen_verdict_id is not None and previous.id != seen_verdict_id)
                    or (seen_verdict_id is None and now - previous.published_at < RACE_WINDOW)
                )
            ):
                raced = previous
            return PublishResult(
                claim=claim_view(session, claim),
                verdict=verdict_views(session, [verdict])[0],
                is_correction=previous is not None,
                previous=previous,
                notify=notify,
                raced_with=raced,
            )

    def reject(self, *, actor_id: int, claim_id: int, reason: str | None = None) -> RejectResult:
        """Close a pending claim without a verdict (not checkable, spam, opinion); askers are told."""
        self._require(actor_id, Role.REVIEWER)
        now = utcnow()
        with self.db.write() as session:
            claim = self._get(session, claim_id, lock=True)
            if claim.status != Status.PENDING:
                raise Conflict(f"not_pending_{claim.status}", status=claim.status)
            claim.status, claim.version, claim.updated_at = Status.REJECTED, claim.version + 1, now
            claim.reject_reason = sanitize(reason or "")[:500] or None
            session.add(claim)
            notify = self._enqueue(session, claim.id, "rejected", f"r{claim.id}.{claim.version}", now)
            self._audit(
                session, actor_id, "reject", claim_id=claim.id, detail={"reason": claim.reject_reason}
            )
            session.flush()
            return RejectResult(claim=claim_view(session, claim), notify=notify)

    def merge(self, *, actor_id: int, from_id: int, into_id: int) -> MergeResult:
        """Fold a duplicate claim into another: wordings, asks, log rows and subscribers move."""
        self._require(actor_id, Role.REVIEWER)
        now = utcnow()
        with self.db.write() as session:
            # Lock both rows in id order, so a merge racing a merge the other way cannot deadlock.
            for claim_id in sorted({from_id, into_id}):
                self._get(session, claim_id, lock=True)
            source, target = self._get(session, from_id), self._get(session, into_id)
            if source.id == target.id:
                raise Conflict("same_claim")
            for claim in (source, target):
                if claim.status == Status.MERGED:
                    raise Conflict("merged", claim_id=claim.id, into=claim.merged_into_id)
            if self._current_verdict(session, source.id) is not None:
                # Its verdicts would vanish from view (history stays with its own row, askers go to the
                # target): a checked claim absorbs its duplicates, never the other way round.
                raise Conflict("has_verdict", claim_id=source.id, into=target.id)
            taken = set(
                session.exec(select(Wording.fingerprint).where(col(Wording.claim_id) == target.id)).all()
            )
            moved_wordings = 0
            for wording in session.exec(select(Wording).where(col(Wording.claim_id) == source.id)).all():
                if wording.fingerprint in taken:
                    continue  # the target says it already; the row stays with the merged claim as history
                wording.claim_id = target.id
                taken.add(wording.fingerprint)
                session.add(wording)
                moved_wordings += 1
            moved_asks = source.ask_count
            session.exec(
                update(Submission).where(col(Submission.claim_id) == source.id).values(claim_id=target.id)
            )
            already = set(
                session.exec(select(Subscription.user_id).where(col(Subscription.claim_id) == target.id))
            )
            moved_subscribers = 0
            for sub in session.exec(
                select(Subscription).where(col(Subscription.claim_id) == source.id)
            ).all():
                if sub.user_id in already:
                    session.delete(sub)
                else:
                    sub.claim_id = target.id
                    session.add(sub)
                    moved_subscribers += sub.active
            target.ask_count += source.ask_count
            target.first_asked_at = _earliest(target.first_asked_at, source.first_asked_at)
            target.last_asked_at = _latest(target.last_asked_at, source.last_asked_at)
            target.updated_at = now
            source.status, source.merged_into_id, source.ask_count = Status.MERGED, target.id, 0
            source.version, source.updated_at = source.version + 1, now
            session.add_all([source, target])
            session.flush()
            current = self._current_verdict(session, target.id)
            if current is not None:
                # People who waited on the duplicate get the verdict the target already has.
                self._enqueue(session, target.id, "verdict", f"v{current.id}", now)
            self._audit(
                session,
                actor_id,
                "merge",
                claim_id=target.id,
                detail={"from": source.id, "into": target.id, "wordings": moved_wordings},
            )
            session.flush()
            view = claim_view(session, target, details=True)
        with self._index_lock:
            self.matcher.reassign(from_claim=source.id, into_claim=target.id)
            self._merges_done += 1
            if self._pool is not None:
                self._pool.merged(from_claim=source.id, into_claim=target.id)
        return MergeResult(
            into=view,
            moved_wordings=moved_wordings,
            moved_asks=moved_asks,
            moved_subscribers=moved_subscribers,
        )

    def add_wording(self, *, actor_id: int, claim_id: int, text: str, lang: str | None = None) -> WordingView:
        """Add a rephrasing or translation of a claim; searchable at once."""
        self._require(actor_id, Role.REVIEWER)
        raw, query = self._prepare(text, lang)
        with self.db.write() as session:
            hold_wording_ids(session)  # before the claim's row lock
            claim = self._get(session, claim_id, lock=True)
            if claim.status == Status.MERGED:
                raise Conflict("merged", into=claim.merged_into_id)
            key = fingerprint(query.text)
            if session.exec(
                select(Wording.id).where(col(Wording.claim_id) == claim.id, col(Wording.fingerprint) == key)
            ).first():
                raise Conflict("duplicate_wording")
            wording = Wording(
                claim_id=claim.id,
                text=raw,
                lang=lang or query.lang,
                kind=WordingKind.ALIAS,
                fingerprint=key,
                created_by=actor_id,
            )
            session.add(wording)
            session.flush()
            self._audit(session, actor_id, "alias", claim_id=claim.id, detail={"wording": wording.id})
            view = WordingView(id=wording.id, text=wording.text, lang=wording.lang, kind=WordingKind.ALIAS)
        self.sync_index()
        return view

    def log(
        self,
        *,
        actor_id: int | None = None,
        status: str | None = None,
        since: datetime | None = None,
        lang: str | None = None,
        search: str | None = None,
        limit: int = 50,
    ) -> list[SubmissionView]:
        """The claim log, newest first; `status` is an outcome or a claim status."""
        if actor_id is not None:
            self._require(actor_id, Role.REVIEWER)
        stmt = select(Submission)
        if status:
            status = status.strip().lower()
            if status in Outcome.__members__.values():
                stmt = stmt.where(col(Submission.outcome) == status)
            elif status in Status.__members__.values():
                stmt = stmt.join(Claim, col(Claim.id) == col(Submission.claim_id)).where(
                    col(Claim.status) == status
                )
            else:
                raise InvalidInput("bad_status", status=status[:20])
        if since is not None:
            stmt = stmt.where(col(Submission.created_at) >= since)
        if lang:
            stmt = stmt.where(col(Submission.lang) == lang.strip().lower())
        if search:
            stmt = stmt.where(func.lower(col(Submission.text)).contains(search.strip().lower()))
        stmt = stmt.order_by(col(Submission.id).desc()).limit(max(1, min(limit, 100_000)))
        with self.db.read() as session:
            return submission_views(session, session.exec(stmt).all())

    def grant(self, *, actor_id: int, user_id: int) -> PersonView:
        """Make someone a reviewer (admins only)."""
        return self._set_person(actor_id, user_id, "grant", role=Role.REVIEWER)

    def revoke(self, *, actor_id: int, user_id: int) -> PersonView:
        """Take the reviewer role back (admins only)."""
        return self._set_person(actor_id, user_id, "revoke", role=Role.USER)

    def ban(self, *, actor_id: int, user_id: int) -> PersonView:
        """Ban someone: no replies, no demand counted (admins only)."""
        return self._set_person(actor_id, user_id, "ban", banned=True)

    def unban(self, *, actor_id: int, user_id: int) -> PersonView:
        """Lift a ban (admins only)."""
        return self._set_person(actor_id, user_id, "unban", banned=False)

    # ------------------------------------------------------------------ outbox

    def due_notifications(self, *, limit: int = 50) -> list[Notification]:
        """Notifications due now, leased to the caller for a minute so a crash re-sends nothing twice quickly."""
        now = utcnow()
        with self.db.write() as session:
            rows = session.exec(
                select(Outbox)
                .where(col(Outbox.status).in_(("pending", "sending")), col(Outbox.next_attempt_at) <= now)
                .order_by(col(Outbox.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return []
            for row in rows:
                row.status, row.next_attempt_at = "sending", now + SEND_LEASE
                session.add(row)
            langs = dict(
                session.exec(
                    select(Person.user_id, Person.language).where(
                        col(Person.user_id).in_({r.user_id for r in rows})
                    )
                ).all()
            )
            claims = {
                c.id: c
                for c in claim_views(
                    session,
                    session.exec(select(Claim).where(col(Claim.id).in_({r.claim_id for r in rows}))).all(),
                )
            }
            return [
                Notification(
                    id=r.id,
                    user_id=r.user_id,
                    chat_id=r.chat_id,
                    lang=langs.get(r.user_id),
                    kind=r.kind,
                    claim=claims[r.claim_id],
                    attempts=r.attempts,
                )
                for r in rows
            ]

    def mark_delivered(self, notification_id: int) -> None:
        """Record a notification as sent."""
        with self.db.write() as session:
            session.exec(
                update(Outbox)
                .where(col(Outbox.id) == notification_id)
                .values(status="sent", sent_at=utcnow(), last_error=None)
            )

    def mark_failed(
        self, notification_id: int, *, error: str, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        """Record a failed delivery: retried later with backoff, or given up (blocked bot, too many tries)."""
        now = utcnow()
        with self.db.write() as session:
            row = session.get(Outbox, notification_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error[:500]
            if permanent or row.attempts >= MAX_ATTEMPTS:
                row.status = "undeliverable"
            else:
                backoff = min(2**row.attempts, 3600)
                row.status = "pending"
                row.next_attempt_at = now + timedelta(seconds=max(backoff, retry_after or 0))
            session.add(row)

    # ------------------------------------------------------------------ operators

    def import_records(
        self, records: Iterable[ReviewRecord], *, progress: Callable[[int], None] | None = None
    ) -> ImportReport:
        """Import reviews in one transaction (all or nothing); the same review URL updates, never duplicates."""
        now = utcnow()
        events = transfer.ImportEvents()
        with self.db.write() as session:
            hold_wording_ids(session)  # it updates claims, then inserts their wordings
            report = transfer.import_records(session, records, progress=progress, now=now, events=events)
            for claim_id, verdict_id in events.corrections:
                self._enqueue(session, claim_id, "correction", f"v{verdict_id}", now)
        if report.created + report.verdicts_added >= REFRESH_STATISTICS_AFTER:
            self.db.refresh_statistics(IMPORTED_TABLES)
        if self.matcher.index_dir is not None:
            # A persisted index is brought up to date now, so the bot reopens it ready; an in-memory one
            # lives only as long as this process and catches up at its next search, if any.
            self.sync_index()
        return report

    def export_records(self) -> Iterator[ReviewRecord]:
        """Every claim that is not merged away, with its verdict history, as records."""
        with self.db.read() as session:
            yield from transfer.export_records(session)

    def stats(self) -> Stats:
        """Counts for operators."""
        with self.db.read() as session:

            def grouped(column: object, model: type[SQLModel]) -> dict[str, int]:
                return {
                    k: v
                    for k, v in session.exec(
                        select(column, func.count()).select_from(model).group_by(column)
                    ).all()
                }

            return Stats(
                claims_by_status=grouped(col(Claim.status), Claim),
                verdicts=session.exec(select(func.count()).select_from(Verdict)).one(),
                wordings=session.exec(select(func.count()).select_from(Wording)).one(),
                submissions=session.exec(select(func.count()).select_from(Submission)).one(),
                submissions_by_outcome=grouped(col(Submission.outcome), Submission),
                askers=session.exec(select(func.count(func.distinct(Submission.user_id)))).one(),
                subscriptions=session.exec(
                    select(func.count()).select_from(Subscription).where(col(Subscription.active).is_(True))
                ).one(),
                reviewers=session.exec(
                    select(func.count())
                    .select_from(Person)
                    .where(col(Person.role).in_(("reviewer", "admin")))
                ).one(),
                banned=session.exec(select(func.count()).select_from(Person).where(col(Person.banned))).one(),
                notifications_by_status=grouped(col(Outbox.status), Outbox),
            )

    def forget(self, user_id: int) -> int:
        """Erase a person's personal data; texts that became claim wordings stay, anonymised. Returns rows touched."""
        banned = self.is_banned(user_id)
        with self.db.write() as session:
            touched = 0
            for stmt in (
                update(Submission)
                .where(col(Submission.user_id) == user_id)
                .values(user_id=None, chat_id=None, text="[forgotten]"),
                update(Wording).where(col(Wording.created_by) == user_id).values(created_by=None),
                # Their name too; the verdict itself stays (the history is append-only but for these two).
                update(Verdict)
                .where(col(Verdict.reviewer_id) == user_id)
                .values(reviewer_id=None, reviewer_name=None),
            ):
                touched += session.exec(stmt).rowcount
            for model, column in (
                (Subscription, Subscription.user_id),
                (Outbox, Outbox.user_id),
                (Person, Person.user_id),
            ):
                for row in session.exec(select(model).where(col(column) == user_id)).all():
                    session.delete(row)
                    touched += 1
            if banned:
                # A ban protects everyone else, so it outlives the erasure: the id and the flag, nothing more.
                session.flush()
                session.add(Person(user_id=user_id, banned=True))
            for column in ("target_user_id", "actor_id"):  # what was done stays, not who did it or to whom
                session.exec(
                    update(AuditEntry).where(getattr(AuditEntry, column) == user_id).values({column: None})
                )
            self._audit(session, None, "forget", detail={"rows": touched})
            return touched

    # ------------------------------------------------------------------ internals

    def _prepare(self, text: str | None, lang_hint: str | None) -> tuple[str, Query]:
        raw = self._validated(text)
        return raw, self._query(raw, lang_hint)

    def _validated(self, text: str | None) -> str:
        """A person's text sanitised, or InvalidInput when it is empty or too long to check."""
        raw = sanitize(text or "")
        if len(raw) > self.settings.max_text_length:
            raise InvalidInput("too_long", limit=self.settings.max_text_length, length=len(raw))
        if not raw:
            raise InvalidInput("empty_text")
        return raw

    @staticmethod
    def _query(raw: str, lang_hint: str | None) -> Query:
        """`raw` prepared for matching, or InvalidInput when nothing searchable is left (emoji only, a URL)."""
        query = _prepared_query(raw, lang_hint=lang_hint)
        if query.empty:
            raise InvalidInput("empty_text")
        return query

    def _refuse_banned(self, user_id: int, person: PersonView | None = None) -> PersonView | None:
        """Banned unless `person` (read by the caller for this request) or the row read now says otherwise.
        Returns the row when it was read here (None when the caller's `person` was used)."""
        known = _theirs(person, user_id)
        read = None if known is not None else self.person(user_id)
        if (known or read).banned:
            raise Banned("banned", user_id=user_id)
        return read

    def _require(self, actor_id: int | None, role: Role) -> Role:
        if actor_id is None:
            raise PermissionDenied("no actor")
        person = self.person(actor_id)
        have = person.role
        allowed = {Role.REVIEWER: (Role.REVIEWER, Role.ADMIN), Role.ADMIN: (Role.ADMIN,)}[role]
        if person.banned or have not in allowed:
            raise PermissionDenied("forbidden", needed=role.value, actor_id=actor_id)
        return have

    def _index_mark(self) -> _IndexMark:
        return _IndexMark(self._merges_done, self.matcher.watermark)

    def _outdated(self, mark: _IndexMark, query: Query) -> bool:
        """Whether a search for `query` that began at `mark` may miss what the index holds now (brought up to
        date by the caller): after a merge, or when a wording indexed since could be proposed for `query` (it
        shares a term with it). Wordings on other topics (most new claims, under load) leave it as good as new,
        and the queue, which holds its lock meanwhile, does not search again."""
        return mark.merges != self._merges_done or self.matcher.proposes_after(query, mark.watermark)

    def _candidates(
        self, query: Query, *, limit: int = SEARCH_DEPTH, synced: bool = False, matched: bool = False
    ) -> list[tuple[Hit, ClaimRow]]:
        """Index hits resolved to live claims (merges followed), best first, one per claim; `matched`: only the
        hits of a tier the bot may show (their claims alone are read)."""
        hits = self._hits(query, limit=limit, synced=synced)
        return self._live_claims(_matched(hits) if matched else hits)

    def _hits(self, query: Query, *, limit: int = SEARCH_DEPTH, synced: bool = False) -> list[Hit]:
        """What the index finds for `query`, best first: a match worker's search when one can take it (it brings
        its own index up to date), else this process's."""
        limit = max(limit, SEARCH_DEPTH)
        found = self._pool.search(query=query, limit=limit) if self._pool is not None else None
        return found[1] if found is not None else self._local_hits(query, limit=limit, synced=synced)

    def _local_hits(self, query: Query, *, limit: int = SEARCH_DEPTH, synced: bool = False) -> list[Hit]:
        """What this process's index finds for `query` (brought up to date first unless `synced`), best first."""
        if not synced:
            self.sync_index()
        return self.matcher.search(query, limit=max(limit, SEARCH_DEPTH))

    def _live_claims(self, hits: list[Hit]) -> list[tuple[Hit, ClaimRow]]:
        """Hits paired with the claims they stand for now (merges followed), best first, one per claim. The
        claims' id and status only: `_claim_views` reads the ones shown whole."""
        if not hits:
            return []
        rows = {r.id: r for r in self.db.rows(_LIVE, {"ids": sorted({h.claim_id for h in hits})})}
        pairs: list[tuple[Hit, ClaimRow]] = []
        seen: set[int] = set()
        for hit in hits:
            claim: ClaimRow | None = rows.get(hit.claim_id)
            if claim is None:
                continue
            if claim.status == Status.MERGED:
                with self.db.read() as session:
                    claim = self._resolve(session, claim.id)
            if claim.id in seen:
                continue
            seen.add(claim.id)
            pairs.append((hit, claim))
        return pairs

    def _queue(
        self,
        raw: str,
        query: Query,
        user_id: int | None,
        chat_id: int | None,
        chat_type: str,
        submission_id: int | None = None,
        searched: _Searched | None = None,
        alone: bool = False,
    ) -> CheckResult:
        """Count the text on the pending claim it repeats, or open a new pending claim for it. `searched`: a
        search for `query` made just before (reused if the index is unchanged since). `alone`: only a claim it
        repeats word for word counts, not a similar one."""
        key = fingerprint(query.text)
        now = utcnow()
        private = chat_type == "private" and user_id is not None and chat_id is not None
        # One thread at a time per process (fuzzy repeats), one transaction at a time across processes
        # (SQLite's IMMEDIATE lock, PostgreSQL's advisory lock): 15 identical texts make one claim.
        with self._queue_lock:
            # A text repeating a pending or rejected claim word for word (a forwarded rumour: the commonest
            # repeat) counts on it whatever a search says: no similar claim is needed, and none is looked for.
            repeat = bool(self.db.rows(_PENDING_BY_FINGERPRINT, {"key": key}))
            similar = [] if alone else None if repeat else self._similar_claims(query, searched)
            with self.db.transaction() as connection:
                if not self.db.sqlite:
                    advisory_xact_lock(connection, QUEUE_LOCK_KEY)
                claim: ClaimRow | None = next(
                    iter(run_prepared(connection, _PENDING_BY_FINGERPRINT, {"key": key})), None
                )
                if claim is None and similar is None:
                    # Published a moment ago: the text is no longer a repeat of a pending claim (rare; searched
                    # inside the transaction, so nothing else is queued meanwhile).
                    similar = self._similar_claims(query, searched)
                # On SQLite, what this transaction read is current (it holds the write lock): the row the
                # fingerprint found is the live claim unless it was merged. Anything else is read again here,
                # locked (PostgreSQL), merges followed (merged since we looked: count on its target).
                current = claim is not None and self.db.sqlite and claim.merged_into_id is None
                score = 1.0 if claim else None
                counted_on_similar = claim is None and bool(similar)
                if counted_on_similar:
                    hit, claim = similar[0]
                    score = hit.score
                new = claim is None
                earlier = (
                    run_prepared(connection, _SUBMISSION_CLAIM, {"id": submission_id})[0][0]
                    if submission_id is not None
                    else None
                )
                if claim is None:
                    claim = self._new_claim(connection, query, key, user_id, now)  # its ask counted
                    if earlier is not None:
                        run_prepared(connection, _TAKE_ASK, {"claim": earlier})
                    score = 1.0
                else:
                    if not current:
                        claim = self._live_row(connection, claim.id)
                    claim = self._move_ask(connection, earlier, claim.id, now) or claim
                subscribed = (
                    private
                    and claim.status == Status.PENDING
                    and self._subscribe(connection, user_id, chat_id, claim.id)
                )
                if earlier is not None and earlier != claim.id and user_id is not None:
                    connection.execute(
                        _DROP_MOVED_SUBSCRIPTION,
                        {"user": user_id, "claim": earlier, "submission": submission_id},
                    )
                if submission_id is None:
                    submission_id = self._record(
                        connection,
                        raw,
                        query,
                        user_id,
                        chat_id,
                        chat_type,
                        Outcome.QUEUED,
                        claim.id,
                        score,
                        now,
                    )
                else:
                    connection.execute(
                        _REQUEUE,
                        {
                            "submission": submission_id,
                            "new_outcome": Outcome.QUEUED,
                            "claim": claim.id,
                            "new_score": score,
                        },
                    )
                view = claim_view(connection, claim)
            if new:
                self.sync_index()
        return CheckResult(
            outcome=Outcome.QUEUED,
            text=query.text,
            lang=query.lang,
            submission_id=submission_id,
            queued=view,
            new_claim=new,
            subscribed=subscribed,
            similar=counted_on_similar,
        )

    def _similar_claims(self, query: Query, searched: _Searched | None) -> list[tuple[Hit, ClaimRow]]:
        """The claims a queued text would count on (`_similar`), with the index brought up to date: `searched`'s
        hits when the index gained nothing since that they could miss, else a search made here."""
        if not self.matcher.may_answer(query):
            # A text too short to be answered matches no claim confidently, whatever is indexed; one that repeats
            # a pending claim's words was found by its fingerprint before this.
            return []
        self.sync_index()
        if searched is not None and not self._outdated(searched.mark, query):
            # The same hits, their claims read again: a claim may have been published or rejected since. None
            # becomes pending or rejected without a change to the index (a new claim has a new wording, a merge
            # is counted), so when none was similar then, none is now.
            return _similar(self._live_claims(searched.hits)) if searched.similar else []
        # Searched here, in the index just brought up to date, not in a worker: a worker's queue of searches can
        # be long under load, and the queue's lock holds every other unknown text meanwhile.
        return _similar(self._live_claims(_matched(self._local_hits(query, synced=True))))

    @staticmethod
    def _new_claim(connection: Connection, query: Query, key: str, user_id: int | None, now: datetime) -> Row:
        """A new pending claim for a queued text (its first ask counted), with that text as its first wording."""
        (claim,) = run_prepared(
            connection,
            _NEW_CLAIM,
            {
                "text": query.text,
                "lang": query.lang,
                "status": Status.PENDING,
                "ask_count": 1,
                "first_asked_at": now,
                "last_asked_at": now,
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "appearances": [],
                "version": 1,
            },
        )
        run_prepared(
            connection,
            _NEW_WORDING,
            {
                "claim_id": claim.id,
                "text": query.text,
                "lang": query.lang,
                "kind": WordingKind.USER,
                "fingerprint": key,
                "created_at": utcnow(),
                "created_by": user_id,
            },
        )
        return claim

    @staticmethod
    def _live_row(connection: Connection, claim_id: int) -> Row:
        """The claim `claim_id` stands for now, merges followed, each row locked (so no merge moves it on)."""
        for _ in range(33):
            row = next(iter(run_prepared(connection, _CLAIM_BY_ID_LOCKED, {"claim": claim_id})), None)
            if row is None:
                raise NotFound("no such claim", claim_id=claim_id)
            if row.merged_into_id is None:
                break
            claim_id = row.merged_into_id
        return row

    def _get(self, session: Session, claim_id: int, *, lock: bool = False) -> Claim:
        """A claim by id; `lock` holds its row until commit (PostgreSQL; SQLite's write lock already covers it)
        and reads it afresh, so a change committed while we waited for the lock is seen."""
        claim = (
            session.get(Claim, claim_id, with_for_update=lock or None, populate_existing=lock)
            if _row_id(claim_id)
            else None
        )
        if claim is None:
            raise NotFound("no such claim", claim_id=claim_id)
        return claim

    def _resolve(self, session: Session, claim_id: int) -> Claim:
        claim = self._get(session, claim_id)
        for _ in range(32):
            if claim.merged_into_id is None:
                return claim
            claim = self._get(session, claim.merged_into_id)
        return claim

    def _move_ask(self, session: Executor, from_id: int | None, to_id: int, now: datetime) -> Row | None:
        """One submission's ask counts on `to_id` now, and no longer on the claim it counted on before. Returns
        `to_id`'s row as it is after (None when the ask counted there already). Core statements: a claim object
        loaded in the same session is not updated (read it afresh)."""
        if from_id == to_id:
            return None
        if from_id is not None:
            run_prepared(session, _TAKE_ASK, {"claim": from_id})
        return self._add_ask(session, to_id, now)

    @staticmethod
    def _current_verdict(session: Session, claim_id: int) -> Verdict | None:
        return session.exec(
            select(Verdict).where(col(Verdict.claim_id) == claim_id).order_by(col(Verdict.id).desc()).limit(1)
        ).first()

    @staticmethod
    def _add_ask(session: Executor, claim_id: int, now: datetime) -> Row:
        """Count one more ask on the claim; its row as it is after. A Core statement built once: a claim object
        loaded in the same session is not updated (read it afresh)."""
        (row,) = run_prepared(session, _ADD_ASK, {"claim": claim_id, "asked_at": now})
        return row

    def _subscribe(self, session: Executor, user_id: int, chat_id: int, claim_id: int) -> bool:
        run_prepared(
            session,
            self._subscribe_statement,
            {
                "user_id": user_id,
                "chat_id": chat_id,
                "claim_id": claim_id,
                "active": True,
                "created_at": utcnow(),
            },
        )
        return True

    def _insert_ignore(self, session: Session, model: type[SQLModel], values: dict, keys: list[str]) -> None:
        dialect = postgresql if not self.db.sqlite else sqlite
        stmt = dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
        session.exec(stmt)

    @staticmethod
    def _record(
        session: Executor,
        raw: str,
        query: Query,
        user_id: int | None,
        chat_id: int | None,
        chat_type: str | None,
        outcome: Outcome,
        claim_id: int | None,
        score: float | None,
        now: datetime,
    ) -> int:
        # A Core insert: the claim log's row is never read back as an object, so the unit of work is not needed.
        return run_prepared(
            session,
            _RECORD,
            {
                "created_at": now,
                "user_id": user_id,
                "chat_id": chat_id,
                "chat_type": chat_type,
                "text": raw,
                "lang": query.lang,
                "outcome": outcome,
                "claim_id": claim_id,
                "score": round(score, 4) if score is not None else None,
            },
        )[0][0]

    def _enqueue(
        self, session: Session, claim_id: int, kind: str, event_key: str, now: datetime
    ) -> tuple[Recipient, ...]:
        subs = session.exec(
            select(Subscription).where(
                col(Subscription.claim_id) == claim_id, col(Subscription.active).is_(True)
            )
        ).all()
        banned = (
            set(
                session.exec(
                    select(Person.user_id).where(
                        col(Person.banned), col(Person.user_id).in_({s.user_id for s in subs})
                    )
                ).all()
            )
            if subs
            else set()
        )
        langs = (
            dict(
                session.exec(
                    select(Person.user_id, Person.language).where(
                        col(Person.user_id).in_({s.user_id for s in subs})
                    )
                ).all()
            )
            if subs
            else {}
        )
        recipients = []
        for sub in subs:
            if sub.user_id in banned:
                continue
            self._insert_ignore(
                session,
                Outbox,
                {
                    "user_id": sub.user_id,
                    "chat_id": sub.chat_id,
                    "claim_id": claim_id,
                    "kind": kind,
                    "event_key": event_key,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                },
                ["user_id", "event_key"],
            )
            recipients.append(
                Recipient(user_id=sub.user_id, chat_id=sub.chat_id, lang=langs.get(sub.user_id))
            )
        return tuple(recipients)

    @staticmethod
    def _audit(
        session: Session,
        actor_id: int | None,
        action: str,
        *,
        claim_id: int | None = None,
        target_user_id: int | None = None,
        detail: dict | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                actor_id=actor_id,
                action=action,
                claim_id=claim_id,
                target_user_id=target_user_id,
                detail=detail or {},
            )
        )

    def _set_person(
        self,
        actor_id: int,
        user_id: int,
        action: str,
        *,
        role: Role | None = None,
        banned: bool | None = None,
    ) -> PersonView:
        self._require(actor_id, Role.ADMIN)
        if not isinstance(user_id, int) or not 0 < user_id < 2**63:
            raise InvalidInput("bad_user_id")
        if user_id in self.settings.bot_admin_ids:
            raise Conflict("configured_admin", user_id=user_id)
        if user_id == actor_id:
            raise Conflict("self", user_id=user_id)
        now = utcnow()
        with self.db.write() as session:
            row = session.get(Person, user_id) or Person(user_id=user_id)
            before = {"role": row.role, "banned": row.banned}
            if role is not None:
                row.role, row.granted_by, row.granted_at = role.value, actor_id, now
            if banned is not None:
                row.banned = banned
            session.add(row)
            self._audit(
                session,
                actor_id,
                action,
                target_user_id=user_id,
                detail={"before": before, "after": {"role": row.role, "banned": row.banned}},
            )
        return self.person(user_id)


def _claim_views(reader: Session | Connection, claims: list[ClaimRow]) -> list[ClaimView]:
    """Views of claims chosen from `_live_claims`' pairs, each read whole now, in the given order."""
    if not claims:
        return []
    connection = as_connection(reader)
    rows = {r.id: r for r in run_prepared(connection, _CLAIMS, {"ids": [c.id for c in claims]})}
    return claim_views(connection, [rows[c.id] for c in claims])


class _IndexMark(NamedTuple):
    """What this process's index held when a search began: the merges made in it, its highest wording id.
    Wordings up to that id were in the database already, so the search (here, or in a worker that brings its
    index up to date first) saw them."""

    merges: int
    watermark: int


class _Started(NamedTuple):
    """A check's state between its start and its search: the text, the index's mark before the search, and the
    query when it was prepared here (no match workers: this process's index was brought up to date for it)."""

    raw: str
    lang_hint: str | None
    mark: _IndexMark
    query: Query | None


class StartedCheck(NamedTuple):
    """A check whose search is under way in a match worker (`ClaimService.start_check`)."""

    state: _Started
    pool: MatchPool
    call: SearchCall
    unread: (
        int | None
    )  # the sender, when the caller did not read them: read (and refused if banned) at the end

    def give_up(self) -> None:
        """The worker did not answer in time: stop using it (`finish_check` then searches here)."""
        self.pool.give_up(self.call)


class _Searched(NamedTuple):
    """A check's search, handed to the queue: the index's mark before it, its matched hits, and whether any of
    their claims was then one a queued text would count on (`_similar`)."""

    mark: _IndexMark
    hits: list[Hit]
    similar: bool


def _theirs(person: PersonView | None, user_id: int | None) -> PersonView | None:
    """`person` when it is the view of `user_id` (a caller's read of the sender), else None."""
    return person if person is not None and person.user_id == user_id else None


def _matched(hits: list[Hit]) -> list[Hit]:
    """The hits the bot may answer with or offer (tier above `NONE`), best first."""
    return [hit for hit in hits if hit.tier != Tier.NONE]


def _similar(pairs: list[tuple[Hit, ClaimRow]]) -> list[tuple[Hit, ClaimRow]]:
    """The claims a queued text counts on instead of opening a new one: pending or rejected, confidently matched."""
    return [
        (h, c) for h, c in pairs if c.status in (Status.PENDING, Status.REJECTED) and h.tier == Tier.ANSWER
    ]


def _row_id(value: object) -> bool:
    """Whether a number someone typed (or forged) can be a row id: the keys are 32-bit INTEGER columns, and
    PostgreSQL rejects a larger value outright where SQLite would simply find nothing."""
    return isinstance(value, int) and 0 < value <= MAX_ROW_ID


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((d for d in (a, b) if d is not None), default=None)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((d for d in (a, b) if d is not None), default=None)


__all__ = ["Banned", "ClaimService"]

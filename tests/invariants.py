"""What must hold in the database whatever people sent: counts add up, nothing points nowhere, history only grows.

The invariants (checked with plain SQL, so they hold for any code path that wrote the rows):
- every foreign key resolves: wordings, verdicts, submissions, subscriptions and outbox rows name an existing
  claim, sources an existing verdict, `supersedes_id` and `merged_into_id` an existing row;
- a claim's status is known; `merged` exactly when `merged_into_id` is set; a merged claim has no asks, no
  verdict, no submission and no active subscription left (everything moved to the claim it was merged into);
- `published` exactly when the claim has a verdict (pending and rejected claims have none);
- asks add up: a live claim's `ask_count` is the number of submissions counted on it, plus what an import or
  a merged claim brought along (`baseline`: the counts before the run, which no submission explains);
- a submission names a claim exactly when its outcome is `answered` or `queued`;
- verdicts form one chain per claim: each supersedes the one before it; a verdict a reviewer published rests
  on one source;
- every notification is for a verdict or a rejection, in a known state;
- every live claim has at least one wording (so it can be found);
- role and ban changes are audited: each person's latest audit entry says what their row says now;
- history is append-only: verdict and source rows seen earlier are still there, unchanged
  (`Snapshot.history`), except the reviewer's id and name, which `claims forget` may blank.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

STATUSES = {"pending", "published", "rejected", "merged"}
OUTBOX_STATUSES = {"pending", "sending", "sent", "undeliverable"}
ROLE_ACTIONS = ("grant", "revoke", "ban", "unban")
VERDICT_FIELDS = (
    "id, claim_id, rating, textual_rating, summary, publisher, publisher_url, review_url, headline, lang, "
    "published_at, supersedes_id"
)


@dataclass
class Snapshot:
    """What an invariant check compares with: earlier ask counts and the history rows seen so far."""

    asks: dict[int, int] = field(default_factory=dict)  # claim id → ask_count not explained by submissions
    history: dict[tuple[str, int], tuple[Any, ...]] = field(default_factory=dict)


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql)).all()]


def snapshot(url: str, previous: Snapshot | None = None) -> Snapshot:
    """Record history rows (and, the first time, the ask counts no submission explains: imports)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            asks = (
                previous.asks
                if previous
                else {
                    claim_id: count - asked
                    for claim_id, count, asked in _rows(
                        conn,
                        "SELECT c.id, c.ask_count, (SELECT count(*) FROM submission s WHERE s.claim_id = c.id) "
                        "FROM claim c",
                    )
                }
            )
            history = snapshot_history(conn)
    finally:
        engine.dispose()
    return Snapshot(asks=asks, history=history)


def violations(url: str, before: Snapshot | None = None) -> list[str]:
    """Every invariant that does not hold, as one line each (empty when the database is consistent)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(_check(conn, before or Snapshot()))
    finally:
        engine.dispose()


def _check(conn: Any, before: Snapshot) -> Any:
    for child, column, parent in (
        ("wording", "claim_id", "claim"),
        ("verdict", "claim_id", "claim"),
        ("verdict", "supersedes_id", "verdict"),
        ("source", "verdict_id", "verdict"),
        ("submission", "claim_id", "claim"),
        ("subscription", "claim_id", "claim"),
        ("outbox", "claim_id", "claim"),
        ("claim", "merged_into_id", "claim"),
    ):
        orphans = _rows(
            conn,
            f"SELECT c.id FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} "
            f"WHERE c.{column} IS NOT NULL AND p.id IS NULL",
        )
        if orphans:
            yield f"{len(orphans)} {child} rows with a {column} that names no {parent}: {orphans[:5]}"

    claims = {r[0]: r[1:] for r in _rows(conn, "SELECT id, status, merged_into_id, ask_count FROM claim")}
    verdicts: dict[int, list[tuple[int, int | None, int | None]]] = defaultdict(list)
    for verdict_id, claim_id, supersedes, reviewer in _rows(
        conn, "SELECT id, claim_id, supersedes_id, reviewer_id FROM verdict ORDER BY id"
    ):
        verdicts[claim_id].append((verdict_id, supersedes, reviewer))
    counted = Counter(
        dict(
            _rows(
                conn, "SELECT claim_id, count(*) FROM submission WHERE claim_id IS NOT NULL GROUP BY claim_id"
            )
        )
    )
    wordings = Counter(dict(_rows(conn, "SELECT claim_id, count(*) FROM wording GROUP BY claim_id")))
    subscribed = Counter(
        dict(_rows(conn, "SELECT claim_id, count(*) FROM subscription WHERE active = true GROUP BY claim_id"))
    )

    brought = dict(before.asks)  # asks no submission explains, gathered where merges moved them
    for claim_id in sorted(claims, key=lambda c: _depth(claims, c), reverse=True):
        status, into, _ = claims[claim_id]
        if status == "merged" and into is not None and claim_id in brought:
            brought[into] = brought.get(into, 0) + brought.pop(claim_id)

    for claim_id, (status, into, asks) in claims.items():
        name = f"claim #{claim_id} ({status})"
        if status not in STATUSES:
            yield f"{name}: unknown status"
        if (status == "merged") != (into is not None):
            yield f"{name}: merged_into_id is {into}"
        if status == "merged":
            if asks or counted[claim_id] or subscribed[claim_id] or verdicts[claim_id]:
                yield (
                    f"{name}: still has {asks} asks, {counted[claim_id]} submissions, "
                    f"{subscribed[claim_id]} active subscriptions, {len(verdicts[claim_id])} verdicts"
                )
            continue
        if (status == "published") != bool(verdicts[claim_id]):
            yield f"{name}: {len(verdicts[claim_id])} verdicts"
        expected = counted[claim_id] + brought.get(claim_id, 0)
        if asks != expected:
            yield f"{name}: ask_count {asks}, but {counted[claim_id]} submissions (+{brought.get(claim_id, 0)})"
        if not wordings[claim_id]:
            yield f"{name}: no wording"

    sources = Counter(dict(_rows(conn, "SELECT verdict_id, count(*) FROM source GROUP BY verdict_id")))
    for claim_id, chain in verdicts.items():
        previous = None
        for verdict_id, supersedes, reviewer in chain:
            if supersedes != previous:
                yield f"verdict {verdict_id} of claim #{claim_id} supersedes {supersedes}, not {previous}"
            if reviewer is not None and sources[verdict_id] != 1:
                yield f"verdict {verdict_id} published by a reviewer has {sources[verdict_id]} sources"
            previous = verdict_id

    for sub_id, outcome, claim_id in _rows(conn, "SELECT id, outcome, claim_id FROM submission"):
        if (outcome in ("answered", "queued")) != (claim_id is not None):
            yield f"submission {sub_id}: outcome {outcome} with claim {claim_id}"

    for row_id, status, kind, key, sent_at in _rows(
        conn, "SELECT id, status, kind, event_key, sent_at FROM outbox"
    ):
        if status not in OUTBOX_STATUSES or kind not in ("verdict", "correction", "rejected"):
            yield f"outbox {row_id}: status {status}, kind {kind}"
        if (status == "sent") != (sent_at is not None):
            yield f"outbox {row_id}: status {status} but sent_at {sent_at}"
        if not key or key[0] not in "vr":
            yield f"outbox {row_id}: event key {key!r}"

    people = {r[0]: (r[1], bool(r[2])) for r in _rows(conn, "SELECT user_id, role, banned FROM person")}
    latest: dict[int, Any] = {}
    for target, detail in _rows(
        conn,
        "SELECT target_user_id, detail FROM audit WHERE action IN ('grant', 'revoke', 'ban', 'unban') "
        "AND target_user_id IS NOT NULL ORDER BY id",
    ):
        latest[target] = json.loads(detail) if isinstance(detail, str) else detail
    for user_id, (role, banned) in people.items():
        if role == "user" and not banned and user_id not in latest:
            continue
        after = (latest.get(user_id) or {}).get("after")
        if after != {"role": role, "banned": banned}:
            yield f"person {user_id} is {role}, banned={banned}, but the audit's last word is {after}"

    current = snapshot_history(conn)
    for key, row in before.history.items():
        now = current.get(key)
        if now is None:
            yield f"{key[0]} {key[1]} was deleted"
        elif now != row:
            yield f"{key[0]} {key[1]} changed: {row} → {now}"


def snapshot_history(conn: Any) -> dict[tuple[str, int], tuple[Any, ...]]:
    rows = {("verdict", r[0]): r for r in _rows(conn, f"SELECT {VERDICT_FIELDS} FROM verdict")}
    rows.update(
        {
            ("source", r[0]): r
            for r in _rows(conn, "SELECT id, verdict_id, position, url, publisher, title FROM source")
        }
    )
    return rows


def _depth(claims: dict[int, tuple[Any, ...]], claim_id: int) -> int:
    depth, seen = 0, set()
    while claims.get(claim_id, (None, None))[1] is not None and claim_id not in seen:
        seen.add(claim_id)
        claim_id = claims[claim_id][1]
        depth += 1
    return depth

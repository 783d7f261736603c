"""Keeping a matcher's index up to date with the database's wordings (the service's, and each match worker's).

The wordings table only grows (ids ascending), so an index is brought up to date by adding the rows above the
highest id it holds (its watermark): one indexed lookup when nothing is new, pages of `WORDINGS_PAGE` rows after
a large import. That holds because ids follow commit order (SQLite's one writer; on PostgreSQL the lock of
migration 0003). An index persisted before that lock existed may lack a wording below its watermark:
`repair_matcher` finds and adds those, at a count's cost when nothing is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import col

from claims.db import Database, Prepared
from claims.matching import Matcher
from claims.models import Wording

__all__ = ["WORDINGS_PAGE", "repair_matcher", "sync_matcher"]

WORDINGS_PAGE = 50_000
# Run before every search, by the service and by each match worker: prepared for the driver (`Prepared`).
_WORDINGS_AFTER = Prepared(
    core_select(Wording.id, Wording.claim_id, Wording.text, Wording.lang)
    .where(col(Wording.id) > bindparam("after"))
    .order_by(col(Wording.id))
    .limit(WORDINGS_PAGE)
)

_COUNT_UP_TO = core_select(func.count()).select_from(Wording).where(col(Wording.id) <= bindparam("watermark"))
_WORDINGS_UP_TO = core_select(Wording.id, Wording.claim_id, Wording.text, Wording.lang).where(
    col(Wording.id) <= bindparam("watermark")
)

Row = tuple[int, int, str, str | None]


def _page(db: Database, watermark: int) -> list[Row]:
    """`(id, claim_id, text, lang)` of the first `WORDINGS_PAGE` wordings above `watermark`."""
    return list(db.rows(_WORDINGS_AFTER, {"after": watermark}))  # named tuples of those four


def _pages_from(db: Database, page: list[Row]) -> Iterator[Row]:
    """The wordings of `page` and of every page after it."""
    while True:
        yield from page
        if len(page) < WORDINGS_PAGE:
            return
        page = _page(db, page[-1][0])


def sync_matcher(db: Database, matcher: Matcher) -> int:
    """Index every wording written since the matcher's watermark, by any process; returns how many."""
    first = _page(db, matcher.watermark)
    if not first:
        return 0  # the common case, on every check: one indexed lookup, nothing to add
    # One `add_many` for everything new: a large import is analysed by one pool of worker processes (starting
    # a pool per page cost more than the analysis of a page).
    return matcher.add_many(_pages_from(db, first))


def repair_matcher(db: Database, matcher: Matcher) -> int:
    """Index the wordings at or below the matcher's watermark that it lacks; returns how many."""
    watermark = matcher.watermark
    stored = db.rows(_COUNT_UP_TO, {"watermark": watermark})[0][0]
    if stored <= len(matcher):
        return 0  # every wording is indexed (the index holds nothing above its watermark)
    indexed = matcher.wording_ids()
    with db.read() as session:  # a transaction: PostgreSQL streams through a cursor only inside one
        # Streamed: at a million claims, the whole table at once would hold gigabytes.
        rows = (
            session.connection()
            .execution_options(yield_per=WORDINGS_PAGE)
            .execute(_WORDINGS_UP_TO, {"watermark": watermark})
        )
        return matcher.add_many((r[0], r[1], r[2], r[3]) for r in rows if r[0] not in indexed)

"""Import and export at the store level: idempotence, all-or-nothing, exact round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from claims.db import run_prepared
from claims.demo import REVIEWS, load_demo
from claims.errors import InvalidInput
from claims.matching import Matcher, prepare_query
from claims.ratings import Rating
from claims.records import ReviewRecord, SourceRecord
from claims.service import _PENDING_BY_FINGERPRINT, IMPORTED_TABLES, REFRESH_STATISTICS_AFTER, ClaimService
from claims.settings import Settings
from claims.text import fingerprint
from claims.views import Outcome, Status
from tests.conftest import ADMIN_ID


def test_reimporting_the_same_reviews_changes_nothing(service: ClaimService) -> None:
    first = load_demo(service)
    again = load_demo(service)
    assert first.created == len(REVIEWS) + 3
    assert again.created == 0 and again.unchanged == len(REVIEWS)
    assert service.stats().verdicts == len(REVIEWS)


def test_a_changed_rating_for_the_same_url_is_a_correction(service: ClaimService) -> None:
    load_demo(service)
    record = REVIEWS[0]
    changed = ReviewRecord(
        claim_text=record.claim_text,
        rating=Rating.MIXED,
        textual_rating="Mitigé",
        review_url=record.review_url,
    )
    report = service.import_records([changed])
    assert report.updated == 1 and report.created == 0
    claim = service.check(text=record.claim_text, user_id=1, chat_id=1).answer.claim
    assert claim.verdict.rating == Rating.MIXED
    assert len(service.claim_details(actor_id=ADMIN_ID, claim_id=claim.id).history) == 2


def test_a_bad_record_leaves_the_database_as_it_was(service: ClaimService) -> None:
    records = [*REVIEWS[:3], ReviewRecord(claim_text="   ")]
    with pytest.raises(InvalidInput) as err:
        service.import_records(records)
    assert "record 4" in str(err.value)
    assert sum(service.stats().claims_by_status.values()) == 0


def test_export_then_import_into_an_empty_database_is_exact(service: ClaimService, tmp_path) -> None:
    load_demo(service)
    pending = service.check(
        text="Kim Jong-un a traversé la Sibérie à vélo en trois jours", user_id=7, chat_id=7
    ).queued.id
    service.add_wording(actor_id=ADMIN_ID, claim_id=pending, text="Kim crossed Siberia by bike in three days")
    service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=pending, rating="false", url="https://example.org/velo"
    )
    service.publish_verdict(
        actor_id=ADMIN_ID,
        claim_id=pending,
        rating="mostly-false",
        url="https://example.org/velo2",
        summary="Corrigé",
    )
    exported = list(service.export_records())

    from claims.db import upgrade

    url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    upgrade(url)
    restored = ClaimService.from_settings(Settings(_env_file=None, database_url=url), migrate=False)
    try:
        restored.import_records(exported)
        assert list(restored.export_records()) == exported
        again = restored.check(text="Kim crossed Siberia by bike in three days", user_id=8, chat_id=8)
        assert again.answer.claim.id == pending
    finally:
        restored.close()


def test_an_imported_translation_is_indexed_in_its_own_language(service: ClaimService) -> None:
    record = ReviewRecord(
        claim_text="La tour Eiffel va être démontée et vendue à un milliardaire",
        language="fr",
        rating=Rating.FALSE,
        review_url="https://example.org/tour-eiffel",
        aliases=["The Eiffel Tower will be dismantled and sold to a billionaire", "Tour Eiffel vendue"],
    )
    service.import_records([record])
    exported = next(iter(service.export_records()))
    assert (
        exported.wording_languages
        == {
            "The Eiffel Tower will be dismantled and sold to a billionaire": "en",
            "Tour Eiffel vendue": "fr",  # short and name-heavy: the record's language wins (fastText reads Italian)
        }
    )
    found = service.check(
        text="the eiffel tower is going to be dismantled and sold to a billionaire", user_id=5, chat_id=5
    )
    assert found.answer is not None and found.answer.claim.text == record.claim_text


def test_a_listed_wording_language_wins_over_detection(service: ClaimService) -> None:
    record = ReviewRecord(
        claim_text="Le pape a interdit les smartphones au Vatican",
        language="fr",
        aliases=["Pope bans phones"],
        wording_languages={"Pope bans phones": "en"},
    )
    service.import_records([record])
    assert next(iter(service.export_records())).wording_languages == {"Pope bans phones": "en"}


def test_claims_without_review_url_are_matched_by_their_text(service: ClaimService) -> None:
    pending = ReviewRecord(claim_text="Les éoliennes font fuir les vaches", language="fr")
    rated = ReviewRecord(
        claim_text="Les  éoliennes font fuir les vaches ", language="fr", rating=Rating.FALSE, summary="Non."
    )
    first = service.import_records([pending, pending])
    second = service.import_records([rated])
    assert (first.created, first.unchanged) == (1, 1)
    assert (second.created, second.updated) == (0, 1)
    assert service.stats().claims_by_status == {"published": 1}


def test_an_import_leaves_a_persisted_index_ready_for_the_next_process(settings: Settings, tmp_path) -> None:
    persisted = settings.model_copy(update={"index_dir": tmp_path / "index"})
    importer = ClaimService.from_settings(persisted, migrate=False)
    try:
        load_demo(importer)
        wordings = importer.stats().wordings
    finally:
        importer.close()
    reopened = Matcher(index_dir=tmp_path / "index")
    try:
        # Nothing re-indexed from the database: the import wrote every wording to the index on disk.
        assert len(reopened) == wordings > 0
    finally:
        reopened.close()


def _reltuples(service: ClaimService, table: str) -> float:
    found = service.db.rows(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
    return found[0][0] if found else None


def _bulk_records(count: int) -> list[ReviewRecord]:
    """`count` published fact-checks: enough for an import to refresh PostgreSQL's statistics."""
    return [
        ReviewRecord(
            claim_text=f"Claim number {n} about the {n % 7}th harbour crane of Rotterdam",
            rating=Rating.FALSE,
            review_url=f"https://factcheck.example/{n}",
            sources=[SourceRecord(url=f"https://source.example/{n}")],
        )
        for n in range(count)
    ]


def test_a_bulk_import_leaves_postgresql_statistics_to_plan_by(service: ClaimService) -> None:
    # Without them, PostgreSQL's planner joined every source to find one claim's verdict (54 ms an answer).
    if service.db.sqlite:
        pytest.skip("PostgreSQL's planner statistics")
    before = {table: _reltuples(service, table) for table in IMPORTED_TABLES}
    count = REFRESH_STATISTICS_AFTER
    assert service.import_records(_bulk_records(count)).created == count
    after = {table: _reltuples(service, table) for table in IMPORTED_TABLES}
    # `reltuples` is -1 until a table is first analysed; the import's ANALYZE counted what it wrote.
    assert all(before[t] < count for t in IMPORTED_TABLES)
    assert all(after[t] >= count for t in ("claim", "verdict", "source"))


def _pseudo_words(count: int) -> list[str]:
    """`count` distinct made-up words of three syllables (no stop word, no stem shared by two of them)."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    return [syllables[n % 70] + syllables[n // 70 % 70] + syllables[n * 11 % 70] for n in range(count)]


def test_the_queue_finds_an_exact_repeat_by_its_fingerprint_whatever_the_statistics_say(
    service: ClaimService,
) -> None:
    # Statistics taken when every claim was published (the import's) say no claim is pending. With the
    # statuses as an `IN`, PostgreSQL then started from the status index: every pending claim read and its
    # wordings probed, under the queue's lock, for each text queued (0.77 ms with 400 pending, growing).
    if service.db.sqlite:
        pytest.skip("PostgreSQL's planner")
    service.import_records(_bulk_records(REFRESH_STATISTICS_AFTER))
    # Texts with no word in common, so that each opens a claim of its own rather than counting on a similar one.
    words = iter(_pseudo_words(240))
    texts = [" ".join(next(words) for _ in range(4)) for _ in range(60)]
    for n, rumour in enumerate(texts):
        result = service.check(text=rumour, user_id=1000 + n, chat_id=1000 + n)
        assert result.outcome == Outcome.QUEUED and result.new_claim, rumour
    key = fingerprint(prepare_query(texts[7]).text)
    sent: list[tuple[str, object]] = []  # the statement as the driver got it, to ask for its plan

    def capture(_conn: object, _cursor: object, sql: str, params: object, *_rest: object) -> None:
        sent.append((sql, params))

    with service.db.engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", capture)
        (found,) = run_prepared(connection, _PENDING_BY_FINGERPRINT, {"key": key})
        event.remove(connection, "before_cursor_execute", capture)
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql("EXPLAIN ANALYZE " + sent[0][0], sent[0][1])
        )
    assert found.text == texts[7] and found.status == Status.PENDING
    assert "ix_wording_fingerprint" in plan, plan
    assert "ix_claim_status" not in plan, plan

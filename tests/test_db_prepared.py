"""Statements prepared for the driver (`claims.db.Prepared`) read and write exactly what SQLAlchemy would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import IntegrityError

from claims import convert, indexing
from claims import service as service_module
from claims.db import Prepared, run_prepared
from claims.models import Submission, Subscription
from claims.service import ClaimService
from claims.text import fingerprint
from claims.views import Outcome
from tests.conftest import ADMIN_ID

REVIEWER, ASKER = 21, 22


def _through_sqlalchemy(connection: Connection, prepared: Prepared, params: dict) -> list[tuple]:
    return [tuple(row) for row in connection.execute(prepared.statement, params).all()]


def _same(prepared_rows: list, expected: list[tuple]) -> None:
    assert [tuple(row) for row in prepared_rows] == expected
    # The values' types too: timezone-aware datetimes, booleans, not the driver's text and integers.
    assert [[type(v) for v in row] for row in prepared_rows] == [[type(v) for v in row] for row in expected]


def test_the_reads_return_what_sqlalchemy_returns(demo: ClaimService) -> None:
    demo.grant(actor_id=ADMIN_ID, user_id=REVIEWER)
    answered = demo.check(text="Putin and Kim Jong-un met in Moscow", user_id=ASKER, chat_id=ASKER)
    assert answered.outcome == Outcome.ANSWERED and answered.answer.claim.verdict is not None
    queued = demo.check(
        text="A giraffe was elected mayor of a town in Normandy", user_id=ASKER, chat_id=ASKER
    )
    queued_key = fingerprint(queued.text)
    cases = [
        (service_module._PERSON, {"user_id": REVIEWER}),
        (service_module._PERSON, {"user_id": 999}),  # nobody: no row
        (convert._VERDICTS_OF_CLAIM, {"claim": answered.answer.claim.id}),
        (indexing._WORDINGS_AFTER, {"after": 0}),
        # An expanding parameter (IN a list), written out per length of list.
        (service_module._LIVE, {"ids": [answered.answer.claim.id]}),
        (service_module._LIVE, {"ids": [1, 2, 3, 999]}),
        (service_module._CLAIMS, {"ids": [2, 3]}),
        (convert._VERDICTS_OF_CLAIMS, {"ids": [1, answered.answer.claim.id, 4]}),
        (service_module._PENDING_BY_FINGERPRINT, {"key": queued.queued and queued_key}),
    ]
    with demo.db.engine.connect() as connection:
        for prepared, params in cases:
            expected = _through_sqlalchemy(connection, prepared, params)
            _same(demo.db.rows(prepared, params), expected)
            _same(run_prepared(connection, prepared, params), expected)
    person = demo.db.rows(service_module._PERSON, {"user_id": REVIEWER})[0]
    assert person.role == "reviewer" and person.banned is False
    assert person.granted_at.tzinfo is not None and person.granted_by == ADMIN_ID


def test_the_writes_store_what_sqlalchemy_stores(demo: ClaimService) -> None:
    now = datetime(2026, 12, 6, 8, 30, 15, 123456, tzinfo=UTC)
    claim_id = demo.check(
        text="Putin and Kim Jong-un met in Moscow", user_id=ASKER, chat_id=ASKER
    ).answer.claim.id
    values = {
        "created_at": now,
        "user_id": ASKER,
        "chat_id": ASKER,
        "chat_type": "private",
        "text": "Putin & Kim <b>met</b> 🙂",
        "lang": "en",
        "outcome": Outcome.ANSWERED,
        "claim_id": claim_id,
        "score": 0.8123,
    }
    record = service_module._RECORD
    with demo.db.transaction() as connection:
        ((prepared_id,),) = run_prepared(connection, record, values)
        sqlalchemy_id = connection.execute(record.statement, values).scalar_one()
        before = connection.execute(
            select(service_module._CLAIM_TABLE).where(service_module._CLAIM_TABLE.c.id == claim_id)
        ).one()
        (asked,) = run_prepared(connection, service_module._ADD_ASK, {"claim": claim_id, "asked_at": now})
        after = connection.execute(
            select(*service_module._VIEWED).where(service_module._CLAIM_TABLE.c.id == claim_id)
        ).one()
        subscribe = demo._subscribe_statement
        run_prepared(
            connection,
            subscribe,
            {"user_id": 77, "chat_id": 78, "claim_id": claim_id, "active": True, "created_at": now},
        )
        connection.execute(
            subscribe.statement,
            {"user_id": 79, "chat_id": 80, "claim_id": claim_id, "active": True, "created_at": now},
        )
    # As stored, read without SQLAlchemy's conversions: the same text for the timestamp, the same numbers.
    stored = text(
        "SELECT created_at, user_id, chat_id, chat_type, text, lang, outcome, claim_id, score "
        "FROM submission WHERE id = :id"
    )
    assert demo.db.rows(stored, {"id": prepared_id}) == demo.db.rows(stored, {"id": sqlalchemy_id})
    mine = demo.db.rows(select(Submission.__table__).where(Submission.id == prepared_id))[0]
    assert mine.created_at == now and mine.text == values["text"]
    # The ask's update returns the claim's row as it is after, converted as a select would convert it.
    assert tuple(asked) == tuple(after) and asked.ask_count == before.ask_count + 1
    assert asked.last_asked_at == now and isinstance(asked.first_asked_at, datetime)
    subscriptions = demo.db.rows(
        select(Subscription.user_id, Subscription.chat_id, Subscription.active, Subscription.created_at)
        .where(Subscription.user_id.in_([77, 79]))
        .order_by(Subscription.user_id)
    )
    assert [tuple(row) for row in subscriptions] == [(77, 78, True, now), (79, 80, True, now)]
    stored = text("SELECT active, created_at FROM subscription WHERE user_id = :user")
    assert demo.db.rows(stored, {"user": 77}) == demo.db.rows(stored, {"user": 79})


def test_a_new_claim_and_its_wording_are_stored_as_sqlalchemy_stores_them(service: ClaimService) -> None:
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    claim = {
        "lang": "fr",
        "status": "pending",
        "ask_count": 1,
        "first_asked_at": now,
        "last_asked_at": now,
        "created_at": now,
        "updated_at": now,
        "appearances": ["https://example.org/a"],  # JSON
        "version": 1,
    }
    with service.db.transaction() as connection:
        (mine,) = run_prepared(connection, service_module._NEW_CLAIM, {**claim, "text": "Un texte"})
        theirs = connection.execute(service_module._NEW_CLAIM.statement, {**claim, "text": "Un autre"}).one()
        for row in (mine, theirs):
            wording = {"claim_id": row.id, "text": row.text, "lang": "fr", "kind": "user", "created_by": None}
            statement = service_module._NEW_WORDING
            values = {**wording, "fingerprint": fingerprint(row.text), "created_at": now}
            if row is mine:
                run_prepared(connection, statement, values)
            else:
                connection.execute(statement.statement, values)
    # Returned as a select returns them: the same values but for the id and the text.
    assert mine.id != theirs.id and mine.text == "Un texte"
    assert mine._asdict() | {"id": 0, "text": ""} == theirs._asdict() | {"id": 0, "text": ""}
    stored = text("SELECT * FROM claim WHERE id = :id")
    mine_stored, theirs_stored = (service.db.rows(stored, {"id": i})[0] for i in (mine.id, theirs.id))
    assert (
        mine_stored[2:] == theirs_stored[2:]
    )  # all but id and text, as stored (JSON and timestamps as text)
    words = text("SELECT claim_id, lang, kind, created_at, created_by FROM wording ORDER BY id")
    rows = service.db.rows(words)
    assert [row[1:] for row in rows] == [rows[0][1:]] * 2 and [row[0] for row in rows] == [mine.id, theirs.id]


def test_a_driver_error_comes_out_as_sqlalchemys(service: ClaimService) -> None:
    values = {
        "created_at": datetime.now(UTC),
        "user_id": ASKER,
        "chat_id": ASKER,
        "chat_type": "private",
        "text": None,  # NOT NULL
        "lang": None,
        "outcome": Outcome.QUEUED,
        "claim_id": None,
        "score": None,
    }
    with pytest.raises(IntegrityError), service.db.transaction() as connection:
        run_prepared(connection, service_module._RECORD, values)
    assert service.db.rows(select(Submission.id)) == []  # rolled back, and the database still answers

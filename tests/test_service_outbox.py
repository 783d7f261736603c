"""The outbox: each failed delivery is recorded and retried later and later, and at last given up, never lost."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from claims.service import MAX_ATTEMPTS, ClaimService
from tests import tables
from tests.conftest import ADMIN_ID

TEXT = "Un ours polaire a été aperçu dans le métro de Vladivostok hier soir"


@pytest.fixture
def note_id(service: ClaimService) -> int:
    claim_id = service.check(text=TEXT, user_id=11, chat_id=11).queued.id
    service.publish_verdict(actor_id=ADMIN_ID, claim_id=claim_id, rating="false", url="https://example.org/x")
    (note,) = service.due_notifications()
    return note.id


def _row(service: ClaimService) -> dict:
    (row,) = tables.dump(service.db.url)["outbox"]
    for key in ("next_attempt_at", "created_at"):  # SQLite hands raw SQL datetimes back as text
        row[key] = datetime.fromisoformat(str(row[key])).replace(tzinfo=None)
    return row


def test_each_failure_doubles_the_wait_then_the_notification_is_given_up(
    service: ClaimService, note_id: int
) -> None:
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        service.mark_failed(note_id, error=f"502 Bad Gateway #{attempt}")
        row = _row(service)
        assert row["attempts"] == attempt and row["last_error"] == f"502 Bad Gateway #{attempt}"
        if attempt < MAX_ATTEMPTS:
            assert row["status"] == "pending"
            waits.append(row["next_attempt_at"])
    assert _row(service)["status"] == "undeliverable"
    gaps = [round((later - earlier).total_seconds()) for earlier, later in itertools.pairwise(waits)]
    assert all(b > a for a, b in itertools.pairwise(gaps))  # it backs off


def test_telegrams_retry_after_wins_over_a_shorter_backoff(service: ClaimService, note_id: int) -> None:
    service.mark_failed(note_id, error="429 Too Many Requests", retry_after=600)
    row = _row(service)
    assert row["next_attempt_at"] - row["created_at"] >= timedelta(seconds=600)
    assert service.due_notifications() == []


def test_a_blocked_person_is_given_up_at_once(service: ClaimService, note_id: int) -> None:
    service.mark_failed(note_id, error="Forbidden: bot was blocked by the user", permanent=True)
    assert (_row(service)["status"], _row(service)["attempts"]) == ("undeliverable", 1)
    assert service.due_notifications() == []


def test_a_lease_that_was_never_recorded_is_sent_again_after_it_expires(
    service: ClaimService, note_id: int
) -> None:
    # A sender that died between leasing and recording: the notification is not lost, only delayed.
    assert service.due_notifications() == []
    service.db.engine.dispose()
    from sqlalchemy import create_engine, text

    engine = create_engine(service.db.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE outbox SET next_attempt_at = created_at"))
    engine.dispose()
    assert [n.id for n in service.due_notifications()] == [note_id]

"""Data safety: verdict history only grows, an export restores everything, and `forget` erases a person."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from claims.db import upgrade
from claims.demo import load_demo
from claims.service import ClaimService
from claims.settings import Settings
from tests import tables
from tests.conftest import ADMIN_ID, REVIEWER_ID, import_samples
from tests.invariants import snapshot, violations

ROOT = Path(__file__).resolve().parent.parent
ASKER, OTHER = 31, 32
SECRET_TEXT = "My neighbour Jeanne Dupont at 12 rue des Lilas says the moon landing was staged in Nevada"
NEW_CLAIM = "Le maire de Lyon a interdit les vélos sur tous les ponts de la ville la semaine dernière"


def _sql(url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture
def published(service: ClaimService) -> int:
    """A claim with a verdict and its correction."""
    claim_id = service.check(text=NEW_CLAIM, user_id=ASKER, chat_id=ASKER).queued.id
    service.publish_verdict(actor_id=ADMIN_ID, claim_id=claim_id, rating="false", url="https://example.org/a")
    service.publish_verdict(
        actor_id=ADMIN_ID, claim_id=claim_id, rating="mostly-false", url="https://example.org/b", summary="x"
    )
    return claim_id


# ------------------------------------------------------------------------------------------ append-only


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE verdict SET rating = 'true'",
        "UPDATE verdict SET summary = 'rewritten'",
        "UPDATE verdict SET supersedes_id = NULL",
        "UPDATE verdict SET reviewer_id = 999",
        "UPDATE verdict SET reviewer_name = 'someone else'",
        "DELETE FROM verdict",
        "UPDATE source SET url = 'https://evil.example'",
        "DELETE FROM source",
    ],
)
def test_the_database_refuses_to_rewrite_verdict_history(
    service: ClaimService, published: int, settings: Settings, statement: str
) -> None:
    before = snapshot(settings.database_url)
    with pytest.raises(DBAPIError, match="append-only"):
        _sql(settings.database_url, statement)
    assert violations(settings.database_url, before) == []
    assert len(service.claim_details(actor_id=ADMIN_ID, claim_id=published).history) == 2


def test_only_the_reviewers_identity_can_be_blanked(
    service: ClaimService, published: int, settings: Settings
) -> None:
    _sql(settings.database_url, "UPDATE verdict SET reviewer_id = NULL, reviewer_name = NULL")
    history = service.claim_details(actor_id=ADMIN_ID, claim_id=published).history
    assert [(v.rating, v.reviewer_id, v.reviewer_name) for v in history] == [
        ("false", None, None),
        ("mostly-false", None, None),
    ]


def test_no_service_action_changes_or_removes_a_verdict(
    service: ClaimService, published: int, settings: Settings
) -> None:
    before = snapshot(settings.database_url)
    service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
    other = service.check(text=SECRET_TEXT, user_id=OTHER, chat_id=OTHER).queued.id
    service.merge(actor_id=REVIEWER_ID, from_id=other, into_id=published)
    service.publish_verdict(actor_id=REVIEWER_ID, claim_id=published, rating="false", url="https://e.org/c")
    service.add_wording(actor_id=ADMIN_ID, claim_id=published, text="Lyon a banni les vélos des ponts")
    service.import_records(list(service.export_records()))
    for note in service.due_notifications():
        service.mark_delivered(note.id)
    service.forget(ADMIN_ID)
    service.forget(REVIEWER_ID)
    assert violations(settings.database_url, before) == []
    ratings = [v.rating for v in service.claim_details(actor_id=ADMIN_ID, claim_id=published).history]
    assert ratings == ["false", "mostly-false", "false"]


# ------------------------------------------------------------------------------------------ round trip


def _claims_cli(url: str, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "BOT_"))}
    env.update(DATABASE_URL=url, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "claims", *args], capture_output=True, encoding="utf-8", env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _contents(url: str) -> dict[str, Any]:
    """Claims, wordings, verdicts and sources as values, keyed by the claim's text (ids may differ)."""
    claims = {
        row[0]: row
        for row in _sql(
            url,
            "SELECT id, text, lang, status, ask_count, reject_reason, claimant, claim_date, appearances "
            "FROM claim WHERE status != 'merged'",
        )
    }
    text_of = {claim_id: row[1] for claim_id, row in claims.items()}
    # Wording languages are left out: the lead is fixing that known gap of the round trip separately.
    wordings = sorted(
        (text_of[claim_id], wording, kind)
        for claim_id, wording, kind in _sql(url, "SELECT claim_id, text, kind FROM wording")
        if claim_id in text_of
    )
    sources: dict[int, list[tuple[Any, ...]]] = {}
    for verdict_id, url_, publisher, title in _sql(
        url, "SELECT verdict_id, url, publisher, title FROM source ORDER BY verdict_id, position"
    ):
        sources.setdefault(verdict_id, []).append((url_, publisher, title))
    verdicts: dict[str, list[tuple[Any, ...]]] = {}
    for row in _sql(
        url,
        "SELECT id, claim_id, rating, textual_rating, summary, reviewer_id, reviewer_name, publisher, "
        "publisher_url, review_url, headline, lang, published_at FROM verdict ORDER BY id",
    ):
        verdicts.setdefault(text_of[row[1]], []).append((*row[2:], sorted(sources.get(row[0], []))))
    return {
        "claims": sorted(row[1:] for row in claims.values()),
        "wordings": wordings,
        "verdicts": verdicts,
    }


def test_export_then_import_into_an_empty_database_restores_every_row(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    upgrade(source)
    settings = Settings(_env_file=None, database_url=source, bot_admin_ids=frozenset({ADMIN_ID}))
    service = ClaimService.from_settings(settings, migrate=False)
    try:
        import_samples(service)
        load_demo(service)
        service.grant(actor_id=ADMIN_ID, user_id=REVIEWER_ID)
        pending = service.check(text=NEW_CLAIM, user_id=ASKER, chat_id=ASKER).queued.id
        service.check(text=NEW_CLAIM, user_id=OTHER, chat_id=OTHER)
        duplicate = service.check(text=SECRET_TEXT, user_id=OTHER, chat_id=OTHER).queued.id
        service.merge(actor_id=REVIEWER_ID, from_id=duplicate, into_id=pending)
        service.add_wording(actor_id=REVIEWER_ID, claim_id=pending, text="Lyon bans bicycles on its bridges")
        service.publish_verdict(
            actor_id=REVIEWER_ID,
            claim_id=pending,
            rating="false",
            url="https://example.org/lyon",
            summary="Non.",
        )
        service.publish_verdict(
            actor_id=ADMIN_ID, claim_id=pending, rating="mostly-false", url="https://example.org/lyon-2"
        )
        rejected = service.check(text="Les pigeons de Lille sont des drones espions", user_id=7, chat_id=7)
        service.reject(actor_id=ADMIN_ID, claim_id=rejected.queued.id, reason="satire")
    finally:
        service.close()
    original = _contents(source)
    assert len(original["claims"]) > 10 and len(original["verdicts"]) > 5

    for fmt in ("claimreview", "csv"):
        exported = tmp_path / f"export.{fmt}"
        _claims_cli(source, "export", "--format", fmt, "--output", str(exported))
        restored = f"sqlite:///{tmp_path / f'restored-{fmt}.sqlite3'}"
        _claims_cli(restored, "import", str(exported))
        copy = _contents(restored)
        for part in ("claims", "wordings", "verdicts"):
            assert copy[part] == original[part], f"{fmt}: {part} differ"


# ------------------------------------------------------------------------------------------ forget


def test_forget_erases_ids_and_texts_but_keeps_claim_wordings_and_counts(
    service: ClaimService, settings: Settings
) -> None:
    load_demo(service)
    imported = snapshot(settings.database_url)  # the demo's pending claims come with asks of their own
    someone = 987_654_321_001
    service.grant(actor_id=ADMIN_ID, user_id=someone)  # a reviewer, with a language, who asked things
    service.set_language(user_id=someone, lang="fr")
    created = service.check(text=NEW_CLAIM, user_id=someone, chat_id=someone).queued.id
    service.check(text=NEW_CLAIM, user_id=OTHER, chat_id=OTHER)
    service.check(text="Putin and Kim Jong-un met in Moscow", user_id=someone, chat_id=someone)
    service.check(text=SECRET_TEXT, user_id=someone, chat_id=someone, chat_type="group", queue=False)
    service.add_wording(actor_id=someone, claim_id=created, text="Lyon bans bikes from all its bridges")
    service.publish_verdict(
        actor_id=someone,
        claim_id=created,
        rating="false",
        url="https://e.org/l",
        reviewer_name="Jeanne Dupont",
    )
    service.ban(actor_id=ADMIN_ID, user_id=OTHER)
    before = service.stats()
    asks = {c: service.get_claim(c).ask_count for c in (created, 1)}
    outcomes = [entry.outcome for entry in service.log()]

    service.forget(someone)

    cells = tables.cells(settings.database_url)
    assert [cell for cell in cells if cell[2] == someone] == []
    assert not any(SECRET_TEXT in str(value) for _, _, value in cells)
    assert not any("Jeanne Dupont" in str(value) for _, _, value in cells)
    wordings = [w.text for w in service.claim_details(actor_id=ADMIN_ID, claim_id=created).wordings]
    assert NEW_CLAIM in wordings and "Lyon bans bikes from all its bridges" in wordings
    after = service.stats()
    assert after.submissions == before.submissions and after.verdicts == before.verdicts
    assert after.submissions_by_outcome == before.submissions_by_outcome
    assert {c: service.get_claim(c).ask_count for c in (created, 1)} == asks
    assert [entry.outcome for entry in service.log()] == outcomes
    assert service.person(someone).role == "user" and service.is_banned(OTHER)
    assert violations(settings.database_url, imported) == []


def test_forget_keeps_a_ban_and_nothing_else_of_the_person(service: ClaimService, settings: Settings) -> None:
    troll = 987_654_321_002
    service.set_language(user_id=troll, lang="fr")
    service.check(text=NEW_CLAIM, user_id=troll, chat_id=troll)
    service.ban(actor_id=ADMIN_ID, user_id=troll)

    service.forget(troll)

    assert service.is_banned(troll) and service.person(troll).language is None
    rows = [cell for cell in tables.cells(settings.database_url) if cell[2] == troll]
    assert {(table, column) for table, column, _ in rows} == {("person", "user_id")}

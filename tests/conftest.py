"""Shared fixtures: a migrated database per test, on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from claims.db import upgrade
from claims.demo import load_demo
from claims.formats import parse_records
from claims.matching import MatchConfig, Matcher
from claims.service import ClaimService
from claims.settings import Settings

ADMIN_ID = 1000
REVIEWER_ID = 2000
DATA = Path(__file__).parent / "data"
# One file of each format the importer reads, with French and English reviews.
SAMPLE_FILES = ("claimreview_fr.jsonld", "claimreview_graph.jsonld", "factcheck_api.json", "reviews_fr.csv")


def matcher_over(claims: list[str], lang: str = "en", config: MatchConfig | None = None) -> Matcher:
    """An in-memory matcher holding each text of `claims` as one claim, ids 1, 2, ... in order."""
    matcher = Matcher(config or MatchConfig())
    matcher.add_many((i + 1, i + 1, text, lang) for i, text in enumerate(claims))
    return matcher


def import_samples(service: ClaimService) -> None:
    """Import every sample file into the service's database."""
    for name in SAMPLE_FILES:
        service.import_records(parse_records((DATA / name).read_bytes(), name=name))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating every time would dominate the suite)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, created and dropped on TEST_DATABASE_URL's server."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"factcheck_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE outbox, audit, subscription, submission, source, verdict, wording, person, "
                "claim RESTART IDENTITY CASCADE"
            )
        )
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A clean, migrated database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        path = tmp_path / "claims.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database, one admin, no .env file."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        bot_admin_ids=frozenset({ADMIN_ID}),
        telegram_bot_token=None,
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[ClaimService]:
    """A claim service on the test database."""
    svc = ClaimService.from_settings(settings, migrate=False)
    yield svc
    svc.close()


@pytest.fixture
def demo(service: ClaimService) -> ClaimService:
    """The service with the demo claims loaded."""
    load_demo(service)
    return service

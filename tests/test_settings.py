"""Settings whose defaults depend on other settings."""

from __future__ import annotations

import pytest

from claims.settings import Settings


@pytest.mark.parametrize(
    ("url", "threads"),
    [
        ("sqlite:///data/claims.sqlite3", 1),
        ("sqlite://", 1),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", 2),
    ],
)
def test_service_threads_default_to_one_on_sqlite_and_two_on_a_server(url: str, threads: int) -> None:
    assert Settings(_env_file=None, database_url=url).service_threads == threads


def test_a_server_gets_a_thread_more_per_match_worker() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert Settings(_env_file=None, database_url=url, match_workers=2).service_threads == 4
    assert Settings(_env_file=None, database_url="sqlite://", match_workers=2).service_threads == 1


def test_db_threads_set_wins_on_any_database() -> None:
    for url in ("sqlite://", "postgresql+psycopg://postgres@127.0.0.1:5432/test"):
        assert Settings(_env_file=None, database_url=url, db_threads=3).service_threads == 3


def test_db_threads_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_THREADS", "4")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    assert Settings(_env_file=None).service_threads == 4
    monkeypatch.setenv("DB_THREADS", "0")
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Settings(_env_file=None)

"""Every setting the bot and the CLI read, from the environment or `.env` (documented in `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from claims.db import is_sqlite
from claims.matching.config import DEFAULT_ANSWER_THRESHOLD, DEFAULT_SUGGEST_THRESHOLD

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'claims.sqlite3'}"


class Settings(BaseSettings):
    """The single source of configuration; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str | None = None
    # Messages per second the bot sends, all chats together: Telegram allows about 30 and answers more with
    # "429 Too Many Requests". 0 lifts the cap (a local Bot API stand-in, load tests).
    telegram_max_messages_per_second: float = Field(default=30, ge=0)
    database_url: str = DEFAULT_DATABASE_URL
    # Seconds a database call may wait (SQLite lock, PostgreSQL connect) before the person is told to retry.
    database_timeout: float = Field(default=5.0, gt=0, le=60)
    bot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()

    # Matching confidence in [0, 1]: at or above `answer` the bot answers; at or above `suggest` it offers candidates.
    # The defaults are the matcher's own, chosen on CheckThat! train (claims/matching/config.py says how).
    match_answer_threshold: float = Field(default=DEFAULT_ANSWER_THRESHOLD, ge=0.0, le=1.0)
    match_suggest_threshold: float = Field(default=DEFAULT_SUGGEST_THRESHOLD, ge=0.0, le=1.0)
    match_min_answer_words: int = Field(default=4, ge=1)
    match_semantic_model: Path | None = None
    index_dir: Path | None = None

    default_language: str = "en"
    max_text_length: int = Field(default=2000, ge=50)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    # Threads for the service's calls (`service_threads`: unset, 1 on SQLite, 2 + MATCH_WORKERS on others).
    db_threads: int | None = Field(default=None, ge=1, le=64)
    # Processes that search for the bot (claims/matchpool.py), each with its own copy of the index (hard-linked
    # from INDEX_DIR when set, else in memory): more checks per second on a machine with cores to spare.
    match_workers: int = Field(default=0, ge=0, le=32)
    log_level: str = "INFO"
    # HTTP client libraries and the scheduler: quiet by default (a line per poll); the token is redacted either way.
    log_library_level: str = "WARNING"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @property
    def service_threads(self) -> int:
        """Threads for the service's calls: DB_THREADS, else 1 on SQLite, and on other databases 2 plus one per
        match worker. The work is mostly Python holding the GIL, so a thread more buys only what the others can
        do while one waits. On SQLite, where writes take turns anyway and a statement takes microseconds, that
        is nothing: another thread costs each check GIL hand-offs, and under load the replies' latency (300
        updates/s with one match worker on 2 cores: p95 under 100 ms in most runs with one thread, 0.4-0.8 s
        with the three the bot had; benchmarks/README.md). A server's round trips leave room for more, the more
        so as workers take the matching off the bot's process (PostgreSQL with one worker saturated at 192
        updates/s with two threads, 211 with three, side by side)."""
        if self.db_threads is not None:
            return self.db_threads
        return 1 if is_sqlite(self.database_url) else 2 + self.match_workers

    @property
    def token(self) -> str | None:
        """The bot token as plain text, or None when unset or blank."""
        if self.telegram_bot_token is None:
            return None
        return self.telegram_bot_token.get_secret_value().strip() or None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

"""Bot fixtures: the real Application on a migrated SQLite copy, talking to the Bot API stand-in in-process."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.standin import BotApiStandIn
from claims.service import ClaimService
from tests.bot.support import STANDIN_TOKEN, Driver, bot_settings_for, load_claims, running_bot


@pytest.fixture(scope="session")
def claims_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A migrated SQLite file holding the test claims, copied for each test."""
    path = tmp_path_factory.mktemp("bot-template") / "claims.sqlite3"
    shutil.copy(sqlite_template, path)
    service = ClaimService.from_settings(bot_settings_for(path), migrate=False)
    load_claims(service)
    service.close()
    return path


@pytest.fixture
def database(tmp_path: Path, claims_template: Path) -> Path:
    path = tmp_path / "claims.sqlite3"
    shutil.copy(claims_template, path)
    return path


@pytest.fixture
async def make_driver(database: Path) -> AsyncIterator[Callable[..., Any]]:
    """Start the bot with some settings overridden; every started bot is stopped at the end of the test."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(*, read_timeout: float | None = None, **overrides: Any) -> Driver:
            settings = bot_settings_for(database, **overrides)
            return await stack.enter_async_context(running_bot(settings, read_timeout=read_timeout))

        yield start


@pytest.fixture
async def driver(make_driver: Callable[..., Any]) -> Driver:
    return await make_driver()


@pytest.fixture
async def stand_in() -> BotApiStandIn:
    """A fresh Bot API stand-in for STANDIN_TOKEN, not yet serving."""
    return BotApiStandIn(token=STANDIN_TOKEN)

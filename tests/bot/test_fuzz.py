"""Property: whatever people send (any Unicode, huge texts, garbage commands, forged and stale buttons, inline
queries, edits, stickers), the real Application raises nothing but polite refusals, logs no warning, and leaves
a consistent database (`tests/invariants.py`). The longer run of the same generator is `benchmarks/soak.py`."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from claims.service import ClaimService
from tests.bot.fuzz import ADMIN, BANNED, REVIEWER, Action, Fuzzer, LogWatch, actions
from tests.bot.support import bot_settings_for, running_bot
from tests.invariants import snapshot, violations


@pytest.fixture(scope="module")
def seeded(claims_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test claims, a reviewer and a banned person: the database each example starts from."""
    path = tmp_path_factory.mktemp("fuzz") / "seed.sqlite3"
    shutil.copy(claims_template, path)
    service = ClaimService.from_settings(bot_settings_for(path), migrate=False)
    service.grant(actor_id=ADMIN.id, user_id=REVIEWER.id)
    service.ban(actor_id=ADMIN.id, user_id=BANNED.id)
    service.close()
    return path


async def conversation(database: Path, plan: list[Action]) -> tuple[Fuzzer, list[str], list[str]]:
    url = f"sqlite:///{database}"
    before = snapshot(url)
    with LogWatch() as logs:
        async with running_bot(bot_settings_for(database)) as driver:
            fuzz = Fuzzer(driver.app, driver.stand_in)
            for action in plan:
                await fuzz.process(action)
    warnings = [f"{r.levelname} {r.name}: {r.getMessage()[:300]}" for r in logs.records]
    return fuzz, warnings, violations(url, before)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(plan=actions())
def test_random_updates_raise_nothing_unexpected_and_leave_the_database_consistent(
    seeded: Path, plan: list[Action]
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        database = workdir / "claims.sqlite3"
        shutil.copy(seeded, database)
        fuzz, warnings, broken = asyncio.run(conversation(database, plan))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert [f"{type(e).__name__}: {e}" for _, e in fuzz.unexpected] == []
    assert warnings == []
    assert broken == []
    assert fuzz.updates == len(plan)

"""`python -m bot` without a token: how to get one, how to try the bot locally, and a non-zero exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from claims.settings import get_settings


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_without_a_token_the_bot_explains_and_exits_non_zero(
    no_token: None, capsys: pytest.CaptureFixture
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "/newbot" in err
    assert "python -m bot chat" in err

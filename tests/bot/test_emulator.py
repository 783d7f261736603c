"""`python -m bot chat`, driven as a person would: a script on standard input, the replies on standard output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.support import KNOWN_EN

NEW_CLAIM = "A giant squid was found alive in the river Thames near Tower Bridge this morning"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, claims_template: Path) -> dict[str, str]:
    """A database holding the five test claims (so the first new claim is #6), and no token."""
    workdir = tmp_path_factory.mktemp("emulator")
    shutil.copy(claims_template, workdir / "claims.sqlite3")
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "BOT_", "LOG_"))
    }
    return {**base, "DATABASE_URL": f"sqlite:///{workdir / 'claims.sqlite3'}", "PYTHONUNBUFFERED": "1"}


def emulate(env: dict[str, str], script: str, command: str = "chat") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        input=script,
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        cwd=Path(env["DATABASE_URL"][10:]).parent,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_person_checks_claims_then_an_admin_publishes_and_the_person_is_notified(
    env: dict[str, str],
) -> None:
    out = emulate(
        env,
        "\n".join(
            [
                KNOWN_EN,
                NEW_CLAIM,
                ":admin",
                "/queue",
                "1",
                "/verdict 6 false https://example.org/squid No squid was found.",
                ":quit",
            ]
        )
        + "\n",
    )
    assert "You> 5G mobile networks spread the coronavirus" in out
    assert (
        "❌ False" in out and "Sources: Example Fact Desk <https://example.org/checks/5g-coronavirus>" in out
    )
    assert "[1] Not what I meant" in out
    assert "I logged it as #6 for our reviewers" in out
    assert "(you are now Admin, id 42, language en)" in out
    assert "#6 · 1× · en ·" in out and "[1] #6" in out
    assert "#6 · ⏳ Waiting for review · asked 1× · 1 subscribed" in out  # the queue button, pressed
    assert "Published on #6: ❌ False.\n  1 person will be notified." in out
    assert "bot → You:\n  📬 A claim you asked about has been fact-checked (#6):" in out


def test_make_run_without_a_token_opens_the_emulator(env: dict[str, str]) -> None:
    out = emulate(env, ":help\n", command="run-or-chat")
    assert "Fact-check bot emulator" in out
    assert ":admin            act as the admin" in out


def test_a_semantic_model_that_cannot_be_used_stops_the_bot_with_one_clear_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="hello\n",
        env={**env, "MATCH_SEMANTIC_MODEL": str(tmp_path / "no-such-model")},
        text=True,
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("MATCH_SEMANTIC_MODEL cannot be used: ")
    assert "Traceback" not in result.stderr

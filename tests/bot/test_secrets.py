"""The token never shows: `python -m bot` run for real against the stand-in, every logger at DEBUG (PTB and
HTTP clients log request URLs, which hold the token), through normal traffic and error paths; all output is captured."""

from __future__ import annotations

import asyncio
import re
import socket
import sys
from pathlib import Path

from bot.standin import BotApiStandIn, Person, serve
from tests.bot.process import BotProcess, bot_env, run
from tests.bot.support import ADMIN, DATA, KNOWN_EN, TOKEN

ANN = Person(id=301, first_name="Ann")
BOB = Person(id=302, first_name="Bob")
PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
WRONG_TOKEN = "987654321:WRONG-token-that-telegram-refuses-xyz"
DB_PASSWORD = "s3cr3t-db-password"
EVERYTHING = {"LOG_LEVEL": "DEBUG", "LOG_LIBRARY_LEVEL": "DEBUG"}


def assert_no_secret(output: str, token: str = TOKEN) -> None:
    secret_half = token.split(":", 1)[1]
    assert token not in output and secret_half not in output
    assert DB_PASSWORD not in output


async def test_a_whole_run_with_errors_logs_no_token(tmp_path: Path) -> None:
    api = BotApiStandIn(token=TOKEN, long_poll_cap=0.5)
    async with serve(api) as base_url:
        env = bot_env(
            base_url, f"sqlite:///{tmp_path / 'claims.sqlite3'}", BOT_ADMIN_IDS=str(ADMIN.id), **EVERYTHING
        )
        await run("-m", "claims", "import", str(DATA), env=env)
        bot = BotProcess(env, tmp_path / "bot.log")
        await bot.start(api)
        try:
            api.push_message(ANN, KNOWN_EN)
            await api.wait_for_messages(ANN.id, 1)
            api.push_message(BOB, PENDING)
            (queued,) = await api.wait_for_messages(BOB.id, 1)
            claim_id = re.search(r"#(\d+)", queued.text).group(1)
            api.fail(ANN.id, "server")  # a reply fails: the error handler logs a traceback
            api.push_message(ANN, KNOWN_EN)
            await api.wait_for(lambda: any(c.status == 500 for c in api.calls), timeout=20)
            api.fail(BOB.id, "blocked", times=None)  # a notification fails: recorded undeliverable
            api.push_message(ADMIN, f"/verdict {claim_id} false https://example.org/lyon")
            await api.wait_for_messages(ADMIN.id, 1)
            await api.wait_for(lambda: any(c.status == 403 for c in api.calls), timeout=20)
        finally:
            assert await bot.stop() == 0
    output = bot.log.read_text(errors="replace")
    # The libraries did log at DEBUG: PTB every call, and the URL that holds the token.
    assert "Calling Bot API endpoint `sendMessage`" in output and "Set Bot API URL" in output
    assert "Traceback" in output and "[REDACTED]" in output
    assert_no_secret(output)


async def test_a_token_telegram_refuses_is_not_logged(tmp_path: Path) -> None:
    api = BotApiStandIn(token=TOKEN)  # expects TOKEN: the bot's WRONG_TOKEN gets 401 Unauthorized
    async with serve(api) as base_url:
        env = {
            **bot_env(base_url, f"sqlite:///{tmp_path / 'c.sqlite3'}", **EVERYTHING),
            "TELEGRAM_BOT_TOKEN": WRONG_TOKEN,
        }
        output = await _run_bot(env, tmp_path)
    assert "Telegram refused the token in TELEGRAM_BOT_TOKEN" in output
    assert_no_secret(output, WRONG_TOKEN)


async def test_an_unreachable_bot_api_is_one_error_without_the_token(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = bot_env(f"http://127.0.0.1:{port}/bot", f"sqlite:///{tmp_path / 'c.sqlite3'}", **EVERYTHING)
    output = await _run_bot(env, tmp_path)
    assert "could not start: the Bot API did not answer" in output
    assert_no_secret(output)


async def test_an_unreachable_database_shows_no_password(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://postgres:{DB_PASSWORD}@127.0.0.1:{port}/factcheck"
    api = BotApiStandIn(token=TOKEN)
    async with serve(api) as base_url:
        output = await _run_bot(bot_env(base_url, url, DATABASE_TIMEOUT="1", **EVERYTHING), tmp_path)
    assert "The claims database is unavailable" in output
    assert_no_secret(output)


async def _run_bot(env: dict[str, str], tmp_path: Path) -> str:
    """`python -m bot` that is expected to give up by itself: its exit status 1 and all its output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1, out.decode(errors="replace")[-2000:]
    return out.decode(errors="replace")

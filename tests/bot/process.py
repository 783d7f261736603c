"""`python -m bot` in its own process, exactly as deployed: for end-to-end tests and the benchmarks."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.standin import BotApiStandIn
from tests.bot.support import TOKEN


def bot_env(base_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment a deployment gives the bot: ours, minus any bot setting, plus these."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "BOT_", "LOG_"))
    }
    return {
        **base,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class BotProcess:
    """`python -m bot` with the environment a deployment would give it; stderr kept for the log checks."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, api: BotApiStandIn, *, webhook: bool = False) -> None:
        polls = api.polls
        with self.log.open("ab") as sink:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                env=self.env,
                cwd=self.log.parent,
                stdout=sink,
                stderr=asyncio.subprocess.STDOUT,
            )
        ready = (lambda: api.webhook is not None) if webhook else (lambda: api.polls > polls)
        await api.wait_for(ready, timeout=60, what=self.tail)

    async def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    def tail(self) -> str:
        return "the bot to poll; its log ends with:\n" + self.log.read_text(errors="replace")[-3000:]


async def run(*args: str, env: dict[str, str]) -> str:
    """`python ARGS…` (the claims CLI, usually); its standard output, after checking it succeeded."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()

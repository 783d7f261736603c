"""What the whole-bot benchmarks share: scratch databases, loading synthetic claims, and `python -m bot` running
against the Bot API stand-in over loopback HTTP, exactly as deployed.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from synthetic import Corpus

from bot.i18n import catalog
from bot.standin import SentMessage
from claims.db import upgrade
from claims.service import ClaimService
from claims.settings import Settings

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-not-a-real-token-abcdefghijklmn"


@contextmanager
def database(kind: str, scratch: Path, postgres: str | None = None) -> Iterator[str]:
    """A fresh, migrated database URL: a copy of a migrated SQLite file, or a new PostgreSQL database on the
    server `postgres` points at (dropped afterwards)."""
    if kind == "sqlite":
        template = scratch / "template.sqlite3"
        if not template.exists():
            upgrade(f"sqlite:///{template}")
        path = scratch / f"{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copy(template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if postgres is None:
        raise ValueError("a PostgreSQL server URL is needed")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_claims(url: str, corpus: Corpus, index_dir: Path | None = None) -> None:
    """Import every claim of `corpus` (published fact-checks), indexing them into `index_dir` when given."""
    service = ClaimService.from_settings(
        Settings(_env_file=None, database_url=url, index_dir=index_dir), migrate=False
    )
    try:
        service.import_records(corpus.records())
    finally:
        service.close()


def bot_env(api_url: str, database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a deployed bot (nothing inherited that would change its settings)."""
    keep = ("TELEGRAM_", "DATABASE_", "BOT_", "LOG_", "INDEX_", "MATCH_", "RATE_", "DB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(keep)}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({name.upper(): str(value) for name, value in settings.items() if value is not None})
    return env


def host_pace(repeats: int = 5) -> float:
    """CPU milliseconds this machine takes for a fixed piece of pure Python, the fastest of `repeats`: lower is
    faster. The host's speed moves by a third or more within an hour, with no steal time to show for it, and
    every figure of the same code moves with it; printed beside them, it tells a slower code from a slower host."""
    best = math.inf
    for _ in range(repeats):
        started = time.process_time()
        _reference_work()
        best = min(best, time.process_time() - started)
    return best * 1000


@contextmanager
def pace_sampled(every: float = 3.0) -> Iterator[list[tuple[float, float]]]:
    """Sample `host_pace` (best of two) every `every` seconds in a separate process while the block runs: a list
    of `(time.perf_counter(), pace ms)` that fills as it goes (read it after the block, or at the end of a
    phase). The host's slow spells come and go within a single run; the pace during a phase tells which phases
    of two runs are comparable. Costs ~40 ms of one core's CPU per sample (about 1%)."""
    import subprocess
    import threading

    samples: list[tuple[float, float]] = []
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); import harness\n"
        "while True:\n"
        "    pace = harness.host_pace(2)\n"
        "    print(time.perf_counter(), pace, flush=True)\n"
        "    time.sleep(float(sys.argv[2]))\n"
    )
    sampler = subprocess.Popen(
        [sys.executable, "-c", code, str(Path(__file__).resolve().parent), str(every)],
        stdout=subprocess.PIPE,
        text=True,
    )

    def read() -> None:
        assert sampler.stdout is not None
        for line in sampler.stdout:
            at, pace = line.split()
            samples.append((float(at), float(pace)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield samples
    finally:
        sampler.terminate()
        sampler.wait()
        reader.join(timeout=1)


def pace_between(samples: list[tuple[float, float]], started: float, ended: float) -> list[float]:
    """The paces sampled between `started` and `ended` (`time.perf_counter()`: CLOCK_MONOTONIC, the same in
    every process on Linux)."""
    return [pace for at, pace in samples if started <= at <= ended]


def _reference_work() -> int:
    """Dictionary lookups, string building and integer arithmetic, as the bot's Python is made of."""
    table: dict[str, int] = {}
    for i in range(100_000):
        key = f"w{i % 997}"
        table[key] = table.get(key, 0) + len(key.upper())
    return sum(table.values())


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time process `pid` has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The process ids of `pid`'s child processes now."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Process `pid`'s resident memory now, in MB (NaN when it is gone). `field` of /proc/PID/status: VmRSS in
    all, or RssAnon for the part no other process can share (files mapped, such as an index's segments, are
    RssFile: pages of the page cache, shared by every process that maps the same file)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return float("nan")
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith(f"{field}:")), float("nan"))


class BotProcess:
    """`python -m bot` in its own process; its output goes to `log`."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as sink:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                env=self.env,
                cwd=REPO,
                stdout=sink,
                stderr=asyncio.subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time the bot process and its live children (match workers) have used so far."""
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """User + system CPU time so far of the bot process itself, and of its live children (match workers)."""
        return process_cpu_seconds(self.pid), sum(process_cpu_seconds(pid) for pid in children(self.pid))

    def rss_mb(self) -> float:
        """The bot process's resident memory now, in MB."""
        return rss_mb(self.pid)

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _prefix(key: str) -> str:
    """The fixed start of a catalog text (before its first placeholder or tag)."""
    return re.split(r"[{<]", catalog("en")[key], maxsplit=1)[0]


# How a reply is recognised: by its buttons (callback data), else by the start of its text.
BUTTON_OUTCOMES = (("1:q:", "answered"), ("1:unsub:", "queued"), ("1:pick:", "suggested"))
TEXT_OUTCOMES = (
    (_prefix("verdict.published"), "published"),
    (_prefix("verdict.corrected"), "corrected"),
    (_prefix("check.nothing"), "nothing"),
    (_prefix("rate_limited"), "rate-limited"),
    (_prefix("error.db_unavailable"), "db-busy"),
)


def outcome_of(message: SentMessage) -> str:
    for button in message.buttons:
        for prefix, outcome in BUTTON_OUTCOMES:
            if (button.callback_data or "").startswith(prefix):
                return outcome
    for prefix, outcome in TEXT_OUTCOMES:
        if message.text.startswith(prefix):
            return outcome
    if "\nClaim: " in message.text:
        return "card"  # a verdict card without buttons: a pending text whose claim was published meanwhile
    return "other"

"""Logging for the bot: one format, quiet libraries, and the token redacted from every line (tracebacks too)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterable

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replace secrets in the message, its arguments and any traceback before a handler writes the record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class DropJobsCancelledAtShutdown(logging.Filter):
    """Drop APScheduler's "Error running job" for a job that stopping the bot cancelled before it ran.

    PTB's JobQueue waits for running jobs, then shuts the scheduler down, which cancels any job that became due in
    between (the outbox ticks every second). Nothing was lost: the job had sent nothing and the outbox sends on the
    next start. Any other job error still reaches the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def quiet_cancelled_jobs() -> None:
    """Install `DropJobsCancelledAtShutdown` on APScheduler's executor logger (idempotent)."""
    logger = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, DropJobsCancelledAtShutdown) for f in logger.filters):
        logger.addFilter(DropJobsCancelledAtShutdown())


def configure_logging(
    level: str = "INFO",
    *,
    secrets: Iterable[str] = (),
    stream: object = None,
    library_level: str = "WARNING",
) -> None:
    """Log to stderr with `secrets` redacted from every line; the HTTP clients and the scheduler
    (a line per second) log at `library_level`."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access", "aiohttp.client"):
        logging.getLogger(noisy).setLevel(library_level.upper())

"""No token in any log line: the redacting filter covers messages, arguments and tracebacks."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, quiet_cancelled_jobs
from tests.bot.support import TOKEN


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    out = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=out)
    yield out
    root.handlers[:], root.level = saved[0], saved[1]


def test_the_token_is_redacted_from_messages_and_arguments(stream: io.StringIO) -> None:
    logging.getLogger("telegram.ext.ExtBot").info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert "bot[REDACTED]/getMe" in stream.getvalue() and TOKEN not in stream.getvalue()


def test_the_token_is_redacted_from_tracebacks(stream: io.StringIO) -> None:
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("bot").exception("polling failed")
    assert (
        "ConnectionError: cannot reach https://api.telegram.org/bot[REDACTED]/getUpdates" in stream.getvalue()
    )
    assert TOKEN not in stream.getvalue()


def test_httpx_request_lines_are_silenced(stream: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    assert stream.getvalue() == ""


async def _run_jobs_then_shut_down(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """A real AsyncIOScheduler: one job cut by shutdown while it runs, one job that fails on its own."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    started = asyncio.Event()

    async def long_job() -> None:
        started.set()
        await asyncio.sleep(30)

    async def failing_job() -> None:
        raise ValueError("a real job error")

    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop())
    scheduler.start()
    scheduler.add_job(long_job)
    scheduler.add_job(failing_job)
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.sleep(0.05)  # the failing job has run and been reported
    with caplog.at_level(logging.ERROR, logger="apscheduler"):
        scheduler.shutdown(wait=False)  # cancels the running long job
        await asyncio.sleep(0.05)
    return [r for r in caplog.records if r.name.startswith("apscheduler") and r.levelno >= logging.ERROR]


async def test_a_job_cancelled_by_shutdown_is_not_an_error_but_a_failing_job_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_cancelled_jobs()
    caplog.set_level(logging.ERROR, logger="apscheduler")
    errors = await _run_jobs_then_shut_down(caplog)
    assert [type(r.exc_info[1]).__name__ for r in errors if r.exc_info] == ["ValueError"]

"""No token in any log line: the redacting filter covers messages, arguments and tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging
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

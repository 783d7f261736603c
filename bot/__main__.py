"""`python -m bot [run|chat|run-or-chat]`: the bot on Telegram (long polling, or a webhook), or the emulator."""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.app import build_application
from bot.emulator import run_emulator
from bot.logs import configure_logging
from claims.errors import DatabaseUnavailable
from claims.matching.semantic import SemanticUnavailable
from claims.settings import Settings, get_settings

NO_TOKEN = """\
No Telegram bot token: set TELEGRAM_BOT_TOKEN (in the environment or in .env).

To get a token, open Telegram, talk to @BotFather, send /newbot and follow the steps;
it answers with a token like 123456789:AA... Then:

    TELEGRAM_BOT_TOKEN=123456789:AA... python -m bot

To try the bot right now without Telegram, use the terminal emulator (same bot, same replies):

    python -m claims demo     # load a few demo claims
    python -m bot chat
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The fact-check bot.")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=("run", "chat", "run-or-chat"),
        help="run: on Telegram, by long polling or by webhook when WEBHOOK_URL is set (default); "
        "chat: the terminal emulator; run-or-chat: run when a token is set, else the emulator",
    )
    command = parser.parse_args(argv).command
    settings = get_settings()
    try:
        return _start(command, settings)
    except SemanticUnavailable as exc:
        print(f"MATCH_SEMANTIC_MODEL cannot be used: {exc}", file=sys.stderr)
        return 1


def _start(command: str, settings: Settings) -> int:
    if command == "chat" or (command == "run-or-chat" and not settings.token):
        return run_emulator(settings)
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets=secrets(settings), library_level=settings.log_library_level)
    application = build_application(settings)
    try:
        if settings.webhook_url:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=webhook_secret(settings.token),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except DatabaseUnavailable as exc:
        print(f"The claims database is unavailable: {exc}", file=sys.stderr)
        return 1
    except InvalidToken:
        print("Telegram refused the token in TELEGRAM_BOT_TOKEN: check it with @BotFather.", file=sys.stderr)
        return 1
    except TelegramError as exc:  # unreachable at start-up (network, a wrong TELEGRAM_API_BASE_URL)
        logging.getLogger("bot").error("could not start: the Bot API did not answer (%s)", exc)
        return 1
    return 0


def secrets(settings: Settings) -> list[str]:
    """What no log line may show: the token (and its secret half alone, should it appear split or encoded),
    the webhook secret derived from it, and the database password."""
    token = settings.token or ""
    password = make_url(settings.database_url).password if "://" in settings.database_url else None
    return [token, token.partition(":")[2], webhook_secret(token), str(password or "")]


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call: derived from the token, so nothing else to configure."""
    return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()


if __name__ == "__main__":
    sys.exit(main())

"""The one error handler: log what went wrong (with the traceback when unexpected) and tell the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import i18n
from bot.context import BotContext
from bot.i18n import Html, t
from claims.errors import ClaimsError, Conflict, DatabaseUnavailable, InvalidInput, NotFound, PermissionDenied
from claims.ratings import Rating

log = logging.getLogger(__name__)


async def error_handler(update: object, context: BotContext) -> None:
    """Log the error; explain it to the person when they can act on it (never to the banned)."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, DatabaseUnavailable):  # an outage: one line per update, not a traceback each
        log.warning("update %s: the database is unavailable (%s)", update_id, error)
    elif isinstance(error, ClaimsError):
        log.info("update %s: %s (%s)", update_id, type(error).__name__, getattr(error, "code", ""))
    else:
        log.error("update %s caused an error", update_id, exc_info=error)
    if not isinstance(update, Update):
        return
    await _tell(update, context, error)
    # An update whose handling failed goes no further. PTB would otherwise run the next group's handlers, and
    # when the guard failed (the database away, a refused warning) they would run without its ban and flood
    # checks, and the person would hear about the same failure twice.
    raise ApplicationHandlerStop


async def _tell(update: Update, context: BotContext, error: object) -> None:
    if update.inline_query or update.effective_chat is None:
        return
    reply = explain(error, context.reply_language())
    if reply is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, reply)
    except TelegramError as exc:
        log.warning("could not tell the person about the error: %s", exc)


def explain(error: object, lang: str) -> Html | None:
    """What to tell the person about an error, or None when nothing should be said."""
    if isinstance(error, DatabaseUnavailable):
        return t(lang, "error.db_unavailable")
    if isinstance(error, PermissionDenied):
        if error.code == "banned":
            return None
        return t(
            lang, "error.admins_only" if error.details.get("needed") == "admin" else "error.reviewers_only"
        )
    if isinstance(error, NotFound):
        claim_id = error.details.get("claim_id")
        return (
            t(lang, "error.claim_not_found", id=claim_id)
            if claim_id is not None
            else t(lang, "error.expired")
        )
    if isinstance(error, InvalidInput | Conflict):
        code = error.code
        if isinstance(error, Conflict) and code.startswith("not_pending_"):
            code = "not_pending"
        values = {k: v for k, v in error.details.items() if isinstance(v, str | int)}
        values.setdefault("ratings", ", ".join(r.value for r in Rating))
        if i18n.has(f"status.{values.get('status')}"):
            values["status"] = i18n.plain(lang, f"status.{values['status']}")
        key = f"error.{code}" if i18n.has(f"error.{code}") else "error.invalid"
        try:
            return t(lang, key, **values)
        except (KeyError, IndexError):  # a catalog text wants a detail this error lacks
            return t(lang, "error.invalid")
    if isinstance(error, Forbidden):  # the person blocked the bot: nobody to tell
        return None
    return t(lang, "error.generic")

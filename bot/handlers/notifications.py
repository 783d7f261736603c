"""The outbox sender: a JobQueue job that delivers what the service owes people (verdicts, corrections, rejections).

The service writes notifications in the same transaction as the verdict and leases them to one sender at a time,
so a crash or restart neither loses nor doubles them; this job only sends and records the outcome.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot import render
from bot.context import BotContext
from bot.i18n import supported
from claims.errors import DatabaseUnavailable
from claims.views import Notification

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between two looks at the outbox
BATCH = 50


async def deliver_notifications(context: BotContext) -> None:
    """Send every notification that is due; one sender at a time (the kick and the repeating job may meet)."""
    lock = context.bot_data.outbox_lock
    if lock.locked():
        return
    async with lock:
        # Stopping the bot waits for running jobs but cancels those it had not seen yet: a job starting during
        # shutdown sends nothing, so no notification is cut between being sent and being recorded as sent.
        while context.application.running and (batch := await _due(context)):
            outcomes = await asyncio.gather(
                *(_deliver(context, note) for note in batch), return_exceptions=True
            )
            for outcome in outcomes:
                if isinstance(outcome, Exception):  # not recorded: the lease expires and it is sent again
                    log.error("could not record a notification's delivery", exc_info=outcome)
            if len(batch) < BATCH:
                return


async def _due(context: BotContext) -> list[Notification]:
    """The next batch; none while the database is away (said once per outage, not every second)."""
    data = context.bot_data
    try:
        batch = await context.service.due_notifications(limit=BATCH)
    except DatabaseUnavailable as exc:
        if not data.outbox_paused:
            log.warning("notifications paused until the database is back: %s", exc)
        data.outbox_paused = True
        return []
    if data.outbox_paused:
        log.info("the database is back: sending notifications again")
        data.outbox_paused = False
    return batch


def kick_outbox(context: BotContext) -> None:
    """Deliver now rather than at the next tick (after a publish, a rejection, a merge)."""
    if context.job_queue is not None:
        context.job_queue.run_once(deliver_notifications, 0, name="outbox-kick")


async def _deliver(context: BotContext, note: Notification) -> None:
    service = context.service
    lang = supported(note.lang) or supported(note.claim.lang) or context.settings.default_language
    try:
        await context.bot.send_message(note.chat_id, render.notification(note, lang))
    except Forbidden as exc:  # blocked by the user, or the account is gone: never deliverable
        await service.mark_failed(note.id, error=str(exc), permanent=True)
    except RetryAfter as exc:
        await service.mark_failed(note.id, error=str(exc), retry_after=_seconds(exc))
    except (BadRequest, ChatMigrated) as exc:  # chat not found and the like: retrying cannot help
        await service.mark_failed(note.id, error=str(exc), permanent=True)
    except TelegramError as exc:  # 5xx, timeouts, network: the service backs off exponentially
        log.warning("notification %s not delivered yet: %s", note.id, exc)
        await service.mark_failed(note.id, error=str(exc))
    else:
        await service.mark_delivered(note.id)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)

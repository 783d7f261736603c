"""Wiring only: the Application, its defaults, and which handler answers what."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import callbacks, logs, menus
from bot.context import CONTEXT_TYPES
from bot.handlers import admin, checking, errors, guard, inline, notifications, reviewing
from bot.kinds import ADDRESSED, CHECKABLE, GROUPS, PRIVATE, TEXT_TO_CHECK
from bot.request import AiohttpRequest
from bot.updates import PerPersonUpdateProcessor
from claims.aio import AsyncClaimService
from claims.gcpause import gc_paused, settle_heap
from claims.service import ClaimService
from claims.settings import Settings
from claims.views import Role


def build_application(
    settings: Settings, service: AsyncClaimService | None = None, *, request: BaseRequest | None = None
) -> Application:
    """The bot: the same Application for Telegram, the emulator and the tests (which may pass a request)."""
    logs.quiet_cancelled_jobs()
    processor = PerPersonUpdateProcessor()
    builder = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(settings.telegram_api_base_url)
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_max_messages_per_second))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(processor)
        .update_queue(processor.update_queue)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_file_url:
        builder = builder.base_file_url(settings.telegram_api_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # aiohttp rather than PTB's default httpx: a tenth of the CPU per Bot API call (see bot/request.py).
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application = builder.build()
    application.bot_data.configure(settings, service)

    # Before everything: drop what is not for the bot, refresh who is asking, stop bans and floods.
    application.add_handlers(
        [
            MessageHandler(filters.UpdateType.EDITED | ~ADDRESSED, guard.ignore),
            TypeHandler(Update, guard.guard),
        ],
        group=-1,
    )
    application.add_handlers(
        [
            CommandHandler("start", checking.start, filters=PRIVATE),
            CommandHandler("help", checking.help_command, filters=PRIVATE),
            CommandHandler("language", checking.language, filters=PRIVATE),
            CommandHandler("mine", checking.mine, filters=PRIVATE),
            CommandHandler("check", checking.check_command, filters=filters.UpdateType.MESSAGE),
            CommandHandler("queue", reviewing.queue, filters=PRIVATE),
            CommandHandler("claim", reviewing.claim, filters=PRIVATE),
            CommandHandler("verdict", reviewing.verdict, filters=PRIVATE),
            CommandHandler("reject", reviewing.reject, filters=PRIVATE),
            CommandHandler("merge", reviewing.merge, filters=PRIVATE),
            CommandHandler("alias", reviewing.alias, filters=PRIVATE),
            CommandHandler("log", reviewing.log, filters=PRIVATE),
            CommandHandler("grant", admin.grant, filters=PRIVATE),
            CommandHandler("revoke", admin.revoke, filters=PRIVATE),
            CommandHandler("ban", admin.ban, filters=PRIVATE),
            CommandHandler("unban", admin.unban, filters=PRIVATE),
            MessageHandler(PRIVATE & filters.COMMAND, checking.unknown_command),
            MessageHandler(TEXT_TO_CHECK, checking.check_message),
            MessageHandler(PRIVATE, checking.not_text),
            MessageHandler(GROUPS & CHECKABLE & ~filters.COMMAND, checking.check_mention),
            CallbackQueryHandler(checking.expired, pattern=callbacks.is_unknown),
            CallbackQueryHandler(checking.queue_text, pattern=callbacks.QUEUE_TEXT),
            CallbackQueryHandler(checking.queue_alone, pattern=callbacks.QUEUE_ALONE),
            CallbackQueryHandler(checking.pick, pattern=callbacks.PICK),
            CallbackQueryHandler(checking.unsubscribe, pattern=callbacks.UNSUBSCRIBE),
            CallbackQueryHandler(checking.set_language, pattern=callbacks.LANGUAGE),
            CallbackQueryHandler(reviewing.queue_page, pattern=callbacks.PAGE),
            CallbackQueryHandler(reviewing.claim_button, pattern=callbacks.CLAIM),
            InlineQueryHandler(inline.inline_query),
        ]
    )
    application.add_error_handler(errors.error_handler)
    return application


async def post_init(application: Application) -> None:
    """Open the claims service (unless given), set the command menus, start the outbox job."""
    data = application.bot_data
    if data.service is None:
        service = await asyncio.to_thread(ClaimService.from_settings, data.settings)
        # Index what the database holds before the first update, so nobody's check waits for it (nothing else
        # runs yet, so the cyclic collector can rest meanwhile).
        with gc_paused():
            await asyncio.to_thread(service.sync_index)
        # The workers build their indexes in the background; the bot searches itself until they are ready.
        service.start_match_workers(data.settings.match_workers)
        # No thread waits for a worker's search (`AsyncClaimService.check`): `service_threads` says how many.
        data.service = AsyncClaimService(service, threads=data.settings.service_threads)
        data.owns_service = True
        # Started: what the bot built so far lives as long as it does; the collector stops walking it.
        settle_heap()
    await menus.set_default_menus(application.bot)
    for admin_id in sorted(data.settings.bot_admin_ids):
        await menus.set_staff_menu(application.bot, admin_id, Role.ADMIN)
    application.job_queue.run_repeating(
        notifications.deliver_notifications, interval=notifications.INTERVAL, first=0.2, name="outbox"
    )


async def post_shutdown(application: Application) -> None:
    """Close the service if this application opened it."""
    data = application.bot_data
    if data.owns_service and data.service is not None:
        await data.service.aclose()
        data.service, data.owns_service = None, False


@contextlib.asynccontextmanager
async def running(application: Application, *, poll: bool = True) -> AsyncIterator[Application]:
    """What `run_polling` does, for callers that own the event loop (the emulator, tests): hooks included."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if poll:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=1)
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)

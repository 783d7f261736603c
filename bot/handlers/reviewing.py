"""Reviewers' commands and buttons; the service checks the role on every call, these only parse and render."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import args, render
from bot.context import BotContext
from bot.handlers.buttons import edit_text
from bot.handlers.notifications import kick_outbox
from bot.i18n import supported, t
from claims.ratings import Rating
from claims.views import PublishResult

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
LOG_SIZE = 30


async def usage(update: Update, context: BotContext, command: str) -> None:
    """How to write a command; people without the role only hear that it is not for them."""
    lang = context.reply_language()
    if not context.is_reviewer:
        await update.message.reply_text(t(lang, "error.reviewers_only"))
        return
    await update.message.reply_text(t(lang, f"usage.{command}", ratings=", ".join(r.value for r in Rating)))


async def queue(update: Update, context: BotContext) -> None:
    """The pending claims, most asked first, one page at a time."""
    page = await context.service.queue(actor_id=update.effective_user.id, offset=0, limit=PAGE_SIZE)
    text, markup = render.queue_page(page, context.reply_language())
    await update.message.reply_text(text, reply_markup=markup)


async def queue_page(update: Update, context: BotContext) -> None:
    """Another page of the queue (the role is checked again)."""
    query = update.callback_query
    await query.answer()
    offset = int(context.matches[0].group(1))
    page = await context.service.queue(actor_id=query.from_user.id, offset=offset, limit=PAGE_SIZE)
    text, markup = render.queue_page(page, context.reply_language())
    await edit_text(query, text, markup)


async def claim(update: Update, context: BotContext) -> None:
    """A claim's wordings, verdict history, asks and subscribers: /claim ID."""
    claim_id = args.claim_id(context.args[0]) if len(context.args) == 1 else None
    if claim_id is None:
        await usage(update, context, "claim")
        return
    details = await context.service.claim_details(actor_id=update.effective_user.id, claim_id=claim_id)
    for chunk in render.claim_details(details, context.reply_language()):
        await update.message.reply_text(chunk)


async def claim_button(update: Update, context: BotContext) -> None:
    """A claim's details from a queue button (the role is checked again)."""
    query = update.callback_query
    await query.answer()
    claim_id = int(context.matches[0].group(1))
    details = await context.service.claim_details(actor_id=query.from_user.id, claim_id=claim_id)
    for chunk in render.claim_details(details, context.reply_language()):
        await context.bot.send_message(update.effective_chat.id, chunk)


async def verdict(update: Update, context: BotContext) -> None:
    """Publish or correct a verdict: /verdict ID RATING URL [summary…]; askers are notified in the background."""
    parsed = args.verdict(update.message.text)
    if parsed is None:
        await usage(update, context, "verdict")
        return
    user = update.effective_user
    result = await context.service.publish_verdict(
        actor_id=user.id,
        claim_id=parsed.claim_id,
        rating=parsed.rating,
        url=parsed.url,
        summary=parsed.summary,
        reviewer_name=user.full_name,
    )
    kick_outbox(context)
    await update.message.reply_text(render.published(result, context.reply_language()))
    if result.raced_with is not None and result.raced_with.reviewer_id not in (None, user.id):
        await _tell_superseded(context, result, result.raced_with.reviewer_id)


async def _tell_superseded(context: BotContext, result: PublishResult, reviewer_id: int) -> None:
    """The other reviewer of a race learns that their verdict was replaced (both stay in the history)."""
    person = await context.service.person(reviewer_id)
    lang = supported(person.language) or context.settings.default_language
    try:
        await context.bot.send_message(reviewer_id, render.superseded(result, lang))
    except TelegramError as exc:  # they blocked the bot, or never opened a chat with it
        logger.info(
            "could not tell reviewer %s their verdict on #%s was superseded: %s",
            reviewer_id,
            result.claim.id,
            exc,
        )


async def reject(update: Update, context: BotContext) -> None:
    """Close a pending claim without a verdict: /reject ID [reason]; askers are told."""
    claim_id = args.claim_id(context.args[0]) if context.args else None
    if claim_id is None:
        await usage(update, context, "reject")
        return
    reason = args.rest(update.message.text, 1) or None
    result = await context.service.reject(actor_id=update.effective_user.id, claim_id=claim_id, reason=reason)
    kick_outbox(context)
    await update.message.reply_text(render.rejected(result, context.reply_language()))


async def merge(update: Update, context: BotContext) -> None:
    """Fold a duplicate into another claim: /merge FROM INTO."""
    ids = [args.claim_id(token) for token in context.args]
    if len(ids) != 2 or None in ids:
        await usage(update, context, "merge")
        return
    from_id, into_id = ids
    result = await context.service.merge(actor_id=update.effective_user.id, from_id=from_id, into_id=into_id)
    kick_outbox(context)
    await update.message.reply_text(render.merged(result, from_id, context.reply_language()))


async def alias(update: Update, context: BotContext) -> None:
    """Add a wording (rephrasing, translation) to a claim: /alias ID TEXT."""
    claim_id = args.claim_id(context.args[0]) if context.args else None
    text = args.rest(update.message.text, 1)
    if claim_id is None or not text:
        await usage(update, context, "alias")
        return
    wording = await context.service.add_wording(
        actor_id=update.effective_user.id, claim_id=claim_id, text=text
    )
    await update.message.reply_text(render.alias_added(claim_id, wording, context.reply_language()))


async def log(update: Update, context: BotContext) -> None:
    """The claim log, newest first, optionally only texts containing the words given: /log [text]."""
    search = args.rest(update.message.text, 0) or None
    rows = await context.service.log(actor_id=update.effective_user.id, search=search, limit=LOG_SIZE)
    for chunk in render.log(rows, context.reply_language()):
        await update.message.reply_text(chunk)

"""Inline mode: `@bot some claim` in any chat offers up to five published verdict cards."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.context import BotContext
from claims.errors import InvalidInput

MIN_QUERY = 3
CACHE_SECONDS = 30


async def inline_query(update: Update, context: BotContext) -> None:
    """Answer `@bot text` with the best published verdicts (nothing is logged or queued)."""
    query = update.inline_query
    text = query.query.strip()
    candidates = []
    if len(text) >= MIN_QUERY:
        try:
            candidates = await context.service.search_published(
                text=text, limit=5, lang_hint=context.lang_hint
            )
        except InvalidInput:  # emoji only, too long: there is nothing to offer, and nowhere to say why
            candidates = []
    results = render.inline_results(candidates, context.reply_language())
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)

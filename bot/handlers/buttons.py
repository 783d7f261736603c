"""Changing the message under a pressed button, tolerant of double presses."""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove a keyboard once used; already gone (a double press) is fine."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)


async def edit_text(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message under the button; unchanged (a double press) is fine; gone or too old to edit
    (deleted, or older than Telegram lets a bot edit) is answered with a new message instead."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return
        if query.message is None:
            raise
        await query.get_bot().send_message(query.message.chat.id, text, reply_markup=markup)

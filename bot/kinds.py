"""Which updates are which: the filters that route them to handlers (`bot.app`) and that the guard reads."""

from __future__ import annotations

from telegram import MessageEntity
from telegram.ext import filters

__all__ = ["ADDRESSED", "CHECKABLE", "GROUPS", "PRIVATE", "TEXT_TO_CHECK"]

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
GROUPS = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
ADDRESSED = (
    filters.ChatType.PRIVATE
    | filters.COMMAND
    | filters.Entity(MessageEntity.MENTION)
    | filters.CaptionEntity(MessageEntity.MENTION)
)
CHECKABLE = filters.TEXT | filters.CAPTION
# A text sent in a private chat that is not a command: what `checking.check_message` answers (most updates).
TEXT_TO_CHECK = PRIVATE & CHECKABLE & ~filters.COMMAND

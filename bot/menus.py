"""Command menus per role and per language (`setMyCommands` with scopes and `language_code`)."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, plain
from claims.views import Role

log = logging.getLogger(__name__)

PEOPLE = ("check", "mine", "language", "help", "start")
GROUPS = ("check",)
REVIEWERS = ("queue", "claim", "verdict", "reject", "merge", "alias", "log", *PEOPLE)
ADMINS = (*REVIEWERS[: -len(PEOPLE)], "grant", "revoke", "ban", "unban", *PEOPLE)


def commands(lang: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, plain(lang, f"cmd.{name}")) for name in names]


async def _set(bot: Bot, scope: BotCommandScope, names: tuple[str, ...]) -> bool:
    """The menu in every catalog language, plus the default for everyone else; False if Telegram refused."""
    try:
        for code in (None, *LANGUAGES):
            await bot.set_my_commands(
                commands(code or DEFAULT_LANGUAGE, names), scope=scope, language_code=code
            )
    except TelegramError as exc:
        log.info("could not set the command menu for %s: %s", scope.type, exc)
        return False
    return True


async def set_default_menus(bot: Bot) -> None:
    """What people see in private chats and in groups."""
    await _set(bot, BotCommandScopeAllPrivateChats(), PEOPLE)
    await _set(bot, BotCommandScopeAllGroupChats(), GROUPS)


async def set_staff_menu(bot: Bot, user_id: int, role: Role) -> bool:
    """A reviewer's or admin's private chat shows their commands too (Telegram knows the chat once they wrote)."""
    return await _set(bot, BotCommandScopeChat(user_id), ADMINS if role == Role.ADMIN else REVIEWERS)


async def clear_staff_menu(bot: Bot, user_id: int) -> None:
    """Back to the people's menu when the role is taken away."""
    try:
        for code in (None, *LANGUAGES):
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id), language_code=code)
    except TelegramError as exc:
        log.info("could not reset the command menu of a former reviewer: %s", exc)

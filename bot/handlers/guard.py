"""Runs before every handler: who is asking, and whether to answer them at all (bans, floods, chatter)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot import menus
from bot.context import BotContext
from bot.i18n import plain, t
from bot.kinds import TEXT_TO_CHECK
from bot.limits import Pace
from claims.views import PersonView, Role


async def ignore(update: Update, context: BotContext) -> None:
    """Group chatter, edits and anything else not addressed to the bot: no handler runs, nothing is counted."""
    raise ApplicationHandlerStop


async def guard(update: Update, context: BotContext) -> None:
    """Refresh the person's role and language; stop here for banned people and for floods."""
    user = update.effective_user
    if (
        user is None
        or context.user_data is None
        or not (update.message or update.callback_query or update.inline_query)
    ):
        raise ApplicationHandlerStop
    # Inline queries come one per keystroke: they get a budget of their own, not the person's messages'.
    pace = context.bot_data.limiter.hit((user.id, "inline") if update.inline_query else user.id)
    if pace is Pace.OK and TEXT_TO_CHECK.check_update(update):
        # A text to check (most updates): the check reads the person itself, in the thread that writes it
        # down, and refuses them there if banned (silently, as here), then hands them to `remember`. That
        # spares every check a trip to the service's threads and back (~0.2 ms of the bot's CPU) and a read.
        return
    context.person = person = await context.service.person(user.id)
    context.user_data.choice, context.user_data.role = person.language, person.role
    if person.banned:
        raise ApplicationHandlerStop
    if pace is not Pace.OK and person.role == Role.USER:
        if pace is Pace.WARN:
            await _warn(update, context)
        raise ApplicationHandlerStop
    if update.callback_query and update.callback_query.message is None:
        # A button under a message sent in inline mode: the bot puts none there, so the data is forged or
        # stale, and there is no chat to answer in (every button handler replies in the message's chat).
        await update.callback_query.answer(plain(context.reply_language(), "callback.expired"))
        raise ApplicationHandlerStop
    await remember(context, person, update)


async def remember(context: BotContext, person: PersonView, update: Update) -> None:
    """What the person's row says, for the rest of this update and the next: their language and role, and a
    reviewer's or an admin's command menu (set once per process, or again when the role changed)."""
    context.user_data.choice, context.user_data.role = person.language, person.role
    if person.role != Role.USER and context.user_data.menu_role != person.role:
        context.user_data.menu_role = person.role
        await menus.set_staff_menu(context.bot, update.effective_user.id, person.role)


async def _warn(update: Update, context: BotContext) -> None:
    lang = context.reply_language()
    if update.callback_query:
        await update.callback_query.answer(plain(lang, "rate_limited"), show_alert=True)
    elif update.message and update.message.chat.type == ChatType.PRIVATE:
        await update.message.reply_text(t(lang, "rate_limited"))

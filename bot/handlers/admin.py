"""Admins' commands: who reviews, who is banned. The service allows them to admins only."""

from __future__ import annotations

from telegram import Update

from bot import args, menus, render
from bot.context import BotContext
from bot.handlers.reviewing import usage
from claims.views import PersonView, Role


async def grant(update: Update, context: BotContext) -> None:
    """Make someone a reviewer: /grant USER_ID."""
    if person := await _change(update, context, "grant"):
        await menus.set_staff_menu(context.bot, person.user_id, Role.REVIEWER)


async def revoke(update: Update, context: BotContext) -> None:
    """Take the reviewer role back: /revoke USER_ID."""
    if person := await _change(update, context, "revoke"):
        await menus.clear_staff_menu(context.bot, person.user_id)


async def ban(update: Update, context: BotContext) -> None:
    """Ban someone (no replies, no demand counted): /ban USER_ID."""
    await _change(update, context, "ban")


async def unban(update: Update, context: BotContext) -> None:
    """Lift a ban: /unban USER_ID."""
    await _change(update, context, "unban")


async def _change(update: Update, context: BotContext, action: str) -> PersonView | None:
    user_id = args.user_id(context.args[0]) if len(context.args) == 1 else None
    if user_id is None:
        await usage(update, context, action)
        return None
    change = getattr(context.service, action)
    person = await change(actor_id=update.effective_user.id, user_id=user_id)
    await update.message.reply_text(render.person_changed(action, person, context.reply_language()))
    return person

"""People checking claims: /start, /help, /language, /check, any text, forwards, captions, /mine, their buttons."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType

from bot import args, render
from bot.context import BotContext
from bot.handlers import guard
from bot.handlers.buttons import drop_buttons, edit_text
from bot.i18n import plain, t
from claims.views import Outcome

DEEP_LINK = re.compile(r"c(\d{1,18})")


async def start(update: Update, context: BotContext) -> None:
    """Greet the person, or open the claim a deep link names (`t.me/<bot>?start=c12`)."""
    lang = context.reply_language()
    payload = context.args[0] if context.args else ""
    if match := DEEP_LINK.fullmatch(payload):
        claim = await context.service.get_claim(int(match.group(1)))
        await update.message.reply_text(render.claim_card(claim, lang))
        return
    await update.message.reply_text(t(lang, "start.welcome", name=update.effective_user.first_name))


async def help_command(update: Update, context: BotContext) -> None:
    """Explain what the bot does and list the commands this person may use."""
    await update.message.reply_text(render.help_text(context.reply_language(), context.role))


async def language(update: Update, context: BotContext) -> None:
    """Offer the reply languages as buttons."""
    await update.message.reply_text(
        t(context.reply_language(), "language.choose"), reply_markup=render.language_keyboard()
    )


async def check_command(update: Update, context: BotContext) -> None:
    """Check the text after /check, or the message it replies to (private chats and groups)."""
    message = update.message
    text = args.rest(message.text, 0)
    if not text and message.reply_to_message:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    if not text:
        await message.reply_text(t(context.reply_language(), "usage.check"))
        return
    await _check(update, context, text)


async def check_message(update: Update, context: BotContext) -> None:
    """Check any text, forwarded message or photo caption sent in a private chat."""
    await _check(update, context, update.message.text or update.message.caption or "")


async def check_mention(update: Update, context: BotContext) -> None:
    """In a group, check a message that mentions the bot (answered only when a verdict matches confidently)."""
    message = update.message
    text = message.text or message.caption or ""
    mention = re.compile(rf"@{re.escape(context.bot.username)}\b", re.IGNORECASE)
    if not mention.search(text):
        return
    text = mention.sub(" ", text).strip()
    if not text and message.reply_to_message:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    if text:
        await _check(update, context, text)


async def _check(update: Update, context: BotContext, text: str) -> None:
    """One check: the service matches and logs; groups never queue and hear only confident answers."""
    chat = update.effective_chat
    private = chat.type == ChatType.PRIVATE
    result = await context.service.check(
        text=text,
        user_id=update.effective_user.id,
        chat_id=chat.id,
        chat_type=chat.type,
        lang_hint=context.lang_hint,
        queue=private,
        person=context.person,
    )
    if result.person is not None:  # the guard left the read to the check (`bot.kinds.TEXT_TO_CHECK`)
        await guard.remember(context, result.person, update)
    if not private and result.outcome != Outcome.ANSWERED:
        return
    reply, markup = render.check_reply(result, context.reply_language(result.lang), private=private)
    await update.effective_message.reply_text(reply, reply_markup=markup)


async def mine(update: Update, context: BotContext) -> None:
    """List the claims this person asked about, with their status."""
    entries = await context.service.mine(user_id=update.effective_user.id)
    for chunk in render.mine(entries, context.reply_language()):
        await update.message.reply_text(chunk)


async def not_text(update: Update, context: BotContext) -> None:
    """A sticker, a photo without caption, a voice note: say what the bot can read."""
    await update.message.reply_text(t(context.reply_language(), "no_text"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    await update.message.reply_text(t(context.reply_language(), "unknown_command"))


# ---------------------------------------------------------------------- buttons


async def queue_text(update: Update, context: BotContext) -> None:
    """The "Not what I meant" and "None of these" buttons: queue the person's text for reviewers."""
    await _queue_text(update, context, alone=False)


async def queue_alone(update: Update, context: BotContext) -> None:
    """ "Not what I meant" under the pending claim a text was counted on: the text becomes a claim of its own."""
    await _queue_text(update, context, alone=True)


async def _queue_text(update: Update, context: BotContext, *, alone: bool) -> None:
    query = update.callback_query
    await query.answer()
    submission_id = int(context.matches[0].group(1))
    result = await context.service.queue_submission(
        submission_id=submission_id, user_id=query.from_user.id, person=context.person, alone=alone
    )
    await drop_buttons(query)
    reply, markup = render.check_reply(result, context.reply_language(result.lang))
    await context.bot.send_message(update.effective_chat.id, reply, reply_markup=markup)


async def pick(update: Update, context: BotContext) -> None:
    """The person chose one of the suggested claims: the suggestions become its verdict card."""
    query = update.callback_query
    await query.answer()
    submission_id, claim_id = (int(group) for group in context.matches[0].groups())
    claim = await context.service.choose_suggestion(
        submission_id=submission_id, claim_id=claim_id, user_id=query.from_user.id, person=context.person
    )
    reply, markup = render.answer_reply(claim, submission_id, context.reply_language(claim.lang))
    await edit_text(query, reply, markup)


async def unsubscribe(update: Update, context: BotContext) -> None:
    """Turn off the notification about one claim."""
    query = update.callback_query
    await query.answer()
    claim_id = int(context.matches[0].group(1))
    active = await context.service.unsubscribe(user_id=query.from_user.id, claim_id=claim_id)
    await drop_buttons(query)
    key = "unsub.done" if active else "unsub.already"
    await context.bot.send_message(update.effective_chat.id, t(context.reply_language(), key, id=claim_id))


async def set_language(update: Update, context: BotContext) -> None:
    """Store the reply language the person picked."""
    query = update.callback_query
    await query.answer()
    code = context.matches[0].group(1)
    await context.service.set_language(user_id=query.from_user.id, lang=code)
    context.user_data.choice = code
    await edit_text(query, t(code, "language.set"))


async def expired(update: Update, context: BotContext) -> None:
    """Button data no handler knows (garbage, forged, or from an older version): a polite note."""
    await update.callback_query.answer(plain(context.reply_language(), "callback.expired"))

"""A local stand-in for Telegram's Bot API: the emulator and the tests run the real bot against it."""

from bot.standin.core import ApiError, BotApiStandIn, Fault
from bot.standin.http import serve
from bot.standin.objects import Button, Chat, Person, SentMessage
from bot.standin.offline import StandInRequest

__all__ = [
    "ApiError",
    "BotApiStandIn",
    "Button",
    "Chat",
    "Fault",
    "Person",
    "SentMessage",
    "StandInRequest",
    "serve",
]

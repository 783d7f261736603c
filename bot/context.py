"""The typed context every handler gets: the claims service, the settings, and who is asking in which language."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.i18n import DEFAULT_LANGUAGE, supported
from bot.limits import RateLimiter
from claims.settings import Settings
from claims.views import PersonView, Role

if TYPE_CHECKING:
    from claims.aio import AsyncClaimService


class BotData:
    """What all handlers share; PTB creates it empty, `build_application` and `post_init` fill it."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self.service: AsyncClaimService | None = None
        self.owns_service = False  # opened in post_init, so closed in post_shutdown
        self.limiter = RateLimiter(Settings.model_fields["rate_limit_per_minute"].default)
        self.outbox_lock = asyncio.Lock()
        self.outbox_paused = False  # the database was unavailable at the outbox's last look

    def configure(self, settings: Settings, service: AsyncClaimService | None) -> None:
        """Set the settings, and the service when the caller opened one (else `post_init` opens it)."""
        self._settings = settings
        self.service = service
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("BotData.configure() was not called")
        return self._settings


class UserData:
    """What the bot knows about the person behind the current update (refreshed by the guard on each update)."""

    def __init__(self) -> None:
        self.choice: str | None = None  # the language picked with /language
        self.role: Role = Role.USER
        self.menu_role: Role | None = None  # the command menu this process has set for them


class BotContext(CallbackContext[ExtBot, UserData, dict, BotData]):
    """`CallbackContext` with the service and the person's reply language at hand."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.telegram_language: str | None = None
        # The person behind this update as the guard read them (one context per update): the service is handed
        # this rather than reading the same row again.
        self.person: PersonView | None = None

    @classmethod
    def from_update(cls, update: object, application: Application) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user:
            context.telegram_language = update.effective_user.language_code
        return context

    @property
    def service(self) -> AsyncClaimService:
        service = self.bot_data.service
        if service is None:
            raise RuntimeError("the claims service is opened in post_init; the application is not running")
        return service

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def role(self) -> Role:
        return self.user_data.role if self.user_data is not None else Role.USER

    @property
    def is_reviewer(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)

    @property
    def lang_hint(self) -> str | None:
        """What the matcher should assume for short texts: the chosen language, else Telegram's."""
        choice = self.user_data.choice if self.user_data is not None else None
        return choice or (self.telegram_language or "").split("-")[0].lower() or None

    def reply_language(self, detected: str | None = None) -> str:
        """The /language choice, else Telegram's language, else the language detected in their text."""
        choice = self.user_data.choice if self.user_data is not None else None
        return (
            supported(choice)
            or supported(self.telegram_language)
            or supported(detected)
            or supported(self.settings.default_language)
            or DEFAULT_LANGUAGE
        )


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData, user_data=UserData)

"""What the bot tests share: the people who write to the bot, the claims they ask about, and the driver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, running
from bot.standin import BotApiStandIn, Chat, Person, SentMessage, StandInRequest
from claims.aio import AsyncClaimService
from claims.formats import read_records
from claims.service import ClaimService
from claims.settings import Settings

TOKEN = "123456789:TEST-not-a-real-token-abcdefghijklmn"
# The Bot API stand-in's own tests (and the HTTP client's) talk to it directly, as this bot and this person.
STANDIN_TOKEN = "123456:TEST-token"
DATA = Path(__file__).parent / "data" / "claimreviews.json"

ADMIN = Person(id=1, first_name="Ada", language_code="en")
ANN = Person(id=10, first_name="Ann", language_code="en")
BOB = Person(id=11, first_name="Bob", language_code="en-GB")
CLAIRE = Person(id=12, first_name="Claire", language_code="fr")
MALLORY = Person(id=13, first_name="Mallory", language_code="en")
NOLANG = Person(id=14, first_name="Sam", language_code=None)
STANDIN_ANN = Person(id=501, first_name="Ann")
GROUP = Chat(id=-100777, type="supergroup", title="Family")

KNOWN_EN = "5G mobile networks spread the coronavirus"
KNOWN_FR = "Le vaccin contre la grippe contient une puce électronique"
VAGUE = "Bill Gates vaccines"  # plausible for two claims, confident for none
# The bot's tests are about what it shows, not about the matcher's calibration (tested in claims/): a low
# suggestion threshold makes VAGUE plausible for two claims whatever the matcher's scores are this week.
SUGGEST_THRESHOLD = 0.1


def bot_settings_for(database: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": "http://127.0.0.1:9/bot",
        "database_url": f"sqlite:///{database}",
        "bot_admin_ids": frozenset({ADMIN.id}),
        "rate_limit_per_minute": 60,
        "database_timeout": 1.0,
        "match_suggest_threshold": SUGGEST_THRESHOLD,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def load_claims(service: ClaimService) -> None:
    service.import_records(list(read_records(DATA.read_text(encoding="utf-8"))))


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, stand_in: BotApiStandIn | None = None, *, read_timeout: float | None = None
) -> AsyncIterator[Driver]:
    """The real Application on `settings`' database, talking to the stand-in in-process, until the block ends."""
    stand_in = stand_in or BotApiStandIn(token=TOKEN)
    service = AsyncClaimService(ClaimService.from_settings(settings, migrate=False), threads=4)
    try:
        request = StandInRequest(stand_in, read_timeout=read_timeout)
        application = build_application(settings, service, request=request)
        async with running(application, poll=False):
            yield Driver(application, stand_in)
    finally:
        await service.aclose()


class Driver:
    """Plays people against the real Application: each update goes through `process_update`."""

    def __init__(self, application: Application, stand_in: BotApiStandIn) -> None:
        self.app = application
        self.stand_in = stand_in

    @property
    def service(self) -> AsyncClaimService:
        return self.app.bot_data.service

    @property
    def database_url(self) -> str:
        return self.app.bot_data.settings.database_url

    async def process(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(
        self, person: Person, text: str | None = None, *, chat: Chat | None = None, **kwargs: Any
    ) -> list[SentMessage]:
        """What the bot answered (new messages in that chat) to one message."""
        chat_id = chat.id if chat else person.id
        before = len(self.stand_in.messages(chat_id))
        await self.process(self.stand_in.push_message(person, text, chat=chat, **kwargs))
        return self.stand_in.messages(chat_id)[before:]

    async def reply(self, person: Person, text: str | None = None, **kwargs: Any) -> SentMessage:
        """The one reply to a message (fails when there are none or several)."""
        replies = await self.send(person, text, **kwargs)
        assert len(replies) == 1, [r.text for r in replies]
        return replies[0]

    async def press(
        self, person: Person, message: SentMessage, label: str | None = None, *, data: str | None = None
    ) -> tuple[dict[str, Any], list[SentMessage]]:
        """Press a button by (part of) its label, or send any callback data; the answer and new messages."""
        data = data if data is not None else message.button(label or "").callback_data
        before = len(self.stand_in.messages(message.chat_id))
        update = self.stand_in.push_callback(person, message, data)
        await self.process(update)
        answer = self.stand_in.callback_answer(update["callback_query"]["id"]) or {}
        return answer, self.stand_in.messages(message.chat_id)[before:]


def queued_update(driver: Driver, person: Person, text: str) -> Update:
    """A message as the stand-in would deliver it, parsed, to put straight on the application's update queue."""
    return Update.de_json(driver.stand_in.push_message(person, text), driver.app.bot)


async def slow_person_then_ann(driver: Driver, *, delay: float) -> int:
    """Ten `/help` from Bob, each of his replies held `delay` seconds by Telegram, then Ann's known claim.

    Returns how many of Bob's replies had arrived when Ann got her verdict card. Before returning, it checks that
    all of his replies come too, in order.
    """
    driver.stand_in.fail(BOB.id, "delay", delay=delay, times=None)
    for n in range(10):
        await driver.app.update_queue.put(queued_update(driver, BOB, f"/help {n}"))
    await driver.app.update_queue.put(queued_update(driver, ANN, KNOWN_EN))
    (card,) = await driver.stand_in.wait_for_messages(ANN.id, 1, timeout=8)
    assert "#1" in card.text
    before_ann = len(driver.stand_in.messages(BOB.id))
    await driver.stand_in.wait_for_messages(BOB.id, 10, timeout=30)
    assert [m.text.startswith("Checking a claim") for m in driver.stand_in.messages(BOB.id)] == [True] * 10
    return before_ann

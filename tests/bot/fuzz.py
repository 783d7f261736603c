"""Random updates for the fuzz test and the soak run: what trolls, clumsy people and stale clients send.

An `Action` is a small plan (who does what, with which text, pointing at which earlier message or id); `Fuzzer`
turns it into a Bot API update against the stand-in and pushes it through the real Application. The property
test draws actions with hypothesis (`actions()`), the soak run with `random` (`random_action()`): both meet the
same builder, so a failure the soak finds can be replayed as a hypothesis example.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from telegram import Update
from telegram.ext import Application

from bot import callbacks
from bot.standin import BotApiStandIn, Chat, Person, SentMessage
from bot.updates import PerPersonUpdateProcessor
from claims.errors import ClaimsError, DatabaseUnavailable
from claims.ratings import Rating

ADMIN = Person(id=1, first_name="Ada", language_code="en")
REVIEWER = Person(id=2, first_name="Rex <b>", language_code="fr")
BANNED = Person(id=3, first_name="Troll", language_code="en")
USERS = (
    Person(id=10, first_name="Ann", language_code="en"),
    Person(id=11, first_name="Émile", language_code="fr-CA"),
    Person(id=12, first_name="Ноль", language_code=None),
    Person(id=13, first_name="<i>&amp;", language_code="zz"),
    Person(id=14, first_name="🙂\u202e", language_code="de", username="emoji_person"),
    Person(id=15, first_name="x" * 64, language_code="", last_name="y" * 64),
)
CAST = (ADMIN, REVIEWER, BANNED, *USERS)
# Several groups, as a real bot has: Telegram (and AIORateLimiter) allow a group 20 messages a minute.
GROUPS = tuple(Chat(id=-100700 - n, type="supergroup", title=f"Family <group> {n}") for n in range(8))

COMMANDS = (
    "start", "help", "language", "check", "mine", "queue", "claim", "verdict", "reject", "merge", "alias",
    "log", "grant", "revoke", "ban", "unban",
)  # fmt: skip
STAFF_COMMANDS = (
    "verdict",
    "verdict",
    "verdict",
    "reject",
    "merge",
    "merge",
    "alias",
    "claim",
    "grant",
    "revoke",
)
KINDS = (
    "text", "text", "text", "command", "command", "command", "group", "caption", "photo", "sticker",
    "forward", "reply", "edited", "callback", "callback", "stale_callback", "inline_callback", "inline",
    "other",
)  # fmt: skip
CORPUS = (
    "5G mobile networks spread the coronavirus",
    "Le vaccin contre la grippe contient une puce électronique",
    "Bill Gates vaccines",
    "Bill Gates is hiding tracking microchips in vaccines",
    "Boire de l'eau chaude toutes les quinze minutes élimine le virus de la gorge",
    "The mayor of Lyon banned bicycles on every bridge of the city last week",
    "Penguins were elected to the city council of Oslo in a surprise vote",
    "A giant squid was found alive in the river Thames near Tower Bridge this morning",
    'The <b>mayor</b> of <a href="http://evil.example">Lyon</a> & co banned <script>x</script>',
    "🤔🤔🔥👀",
    "   ",
    "@factcheck_test_bot is 5G spreading the coronavirus?",
    "https://example.org/only-a-link",
    "Zebras\u202e were\x00 elected\x07 mayor of Paris",
    "#1",
    "/",
)
WORDS = (
    "mayor", "vaccine", "Moscow", "penguin", "bridge", "microchip", "élection", "pluie", "train", "robot",
    "Oslo", "squid", "tower", "banned", "council", "virus", "5G", "Kim", "zoo", "hippopotame", "nain",
    "Шарик", "北京", "مرحبا", "naïve", "emoji🙂", "&amp;", "<i>", "'", '"', "\\", "%s", "{0}", "{name}",
)  # fmt: skip
RATINGS = (*(r.value for r in Rating), "faux", "plutôt faux", "trompeur", "FALSE", "bogus", "", "🙂")
URLS = (
    "https://example.org/check", "http://example.org/a?b=1&c=<2>", "javascript:alert(1)", "ftp://x.org",
    "www.example.org", "https://", "https://exa mple.org", "https://example.org/" + "p" * 3000,
)  # fmt: skip
# Unicode blocks the random text draws from: scripts, combining marks, emoji, bidi controls, private use.
RANGES = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
    (0x900, 0x97F), (0xE00, 0xE7F), (0x2000, 0x206F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAC7F),
    (0xE000, 0xE0FF), (0xFE00, 0xFE0F), (0xFFF0, 0xFFFD), (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF),
    (0x10000, 0x1007F), (0xE0000, 0xE007F), (0x0, 0x1F),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Action:
    """One update to send: its kind, who sends it (an index into CAST), a text, and numbers that choose."""

    kind: str
    actor: int
    text: str
    pick: int = 0  # which earlier message, submission or claim the action points at
    variant: int = 0  # which form of the action (valid arguments, garbage, out of range...)


# ---------------------------------------------------------------------- drawing actions


def random_text(rng: random.Random) -> str:
    """A text as people (and trolls) send them: claims, near-claims, noise, markup, huge, empty."""
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(CORPUS)
    if roll < 0.5:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))
    if roll < 0.8:
        size = rng.choice((1, 3, 10, 40, 200))
        return "".join(chr(rng.randint(*rng.choice(RANGES))) for _ in range(rng.randint(1, size)))
    if roll < 0.9:
        return rng.choice(WORDS) * rng.choice((500, 2000, 5000, 20000))
    return rng.choice(string.punctuation + string.whitespace) * rng.randint(1, 50)


def random_action(rng: random.Random) -> Action:
    """One action for the soak run."""
    return Action(
        kind=rng.choice(KINDS),
        # A quarter of the updates from the admin and the reviewer, so verdicts, merges and roles change often.
        actor=rng.randrange(2) if rng.random() < 0.25 else rng.randrange(len(CAST)),
        text=random_text(rng),
        pick=rng.randrange(1 << 16),
        variant=rng.randrange(1 << 16),
    )


def actions(min_size: int = 10, max_size: int = 40) -> st.SearchStrategy[list[Action]]:
    """Hypothesis: a conversation of random actions (texts from the corpus, words, any Unicode, huge)."""
    texts = st.one_of(
        st.sampled_from(CORPUS),
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join),
        st.text(max_size=300),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda s: s * 700),
    )
    action = st.builds(
        Action,
        kind=st.sampled_from(KINDS),
        actor=st.integers(0, len(CAST) - 1),
        text=texts,
        # Small ranges: each number picks among a few forms or earlier messages, so every one gets drawn.
        pick=st.integers(0, 1023),
        variant=st.integers(0, 59),
    )
    return st.lists(action, min_size=min_size, max_size=max_size)


# ---------------------------------------------------------------------- turning actions into updates


@dataclass
class Fuzzer:
    """Builds updates from actions, feeds them to the Application, and records what should never happen."""

    app: Application
    stand_in: BotApiStandIn
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # each person's messages, for edits
    unexpected: list[tuple[dict[str, Any], BaseException]] = field(default_factory=list)
    expected: int = 0  # polite refusals (bad ids, roles, rates): ClaimsError reaching the error handler
    updates: int = 0

    claim_ids: list[int] = field(default_factory=list)  # the #ids the bot has shown, for commands to aim at

    def __post_init__(self) -> None:
        # First in line: the bot's own error handler ends an update's handling, later ones never see it.
        handlers = dict(self.app.error_handlers)
        self.app.error_handlers.clear()
        self.app.add_error_handler(self._record)
        for callback, block in handlers.items():
            self.app.add_error_handler(callback, block=block)
        self.stand_in.subscribe(self._seen)

    def _seen(self, _kind: str, message: SentMessage) -> None:
        for found in re.findall(r"#([0-9]{1,6})\b", message.text):
            if int(found) not in self.claim_ids:
                self.claim_ids.append(int(found))

    async def _record(self, update: object, context: Any) -> None:
        error = context.error
        if isinstance(error, ClaimsError) and not isinstance(error, DatabaseUnavailable):
            self.expected += 1
            return
        raw = update.to_dict() if isinstance(update, Update) else {"job": repr(update)}
        self.unexpected.append((raw, error))

    def build(self, action: Action) -> dict[str, Any]:
        """The Bot API update an action stands for (pushed to the stand-in, which knows every chat)."""
        person = CAST[action.actor]
        kind, text, pick, variant = action.kind, action.text, action.pick, action.variant
        if kind == "command":
            staff = person in (ADMIN, REVIEWER) and variant % 4
            names = STAFF_COMMANDS if staff else COMMANDS
            return self._message(person, self.command(names[pick % len(names)], text, pick, variant))
        if kind == "group":
            forms = (text, f"/check {text}", f"@{self.stand_in.bot_username} {text}", "/check", "/help")
            return self._message(person, forms[variant % len(forms)], chat=GROUPS[pick % len(GROUPS)])
        if kind == "caption":
            return self._message(person, None, caption=text)
        if kind == "photo":
            return self._message(person, None, photo=True)
        if kind == "sticker":
            return self._message(person, None, sticker=text[:2] or "🙂")
        if kind == "forward":
            origin = (CAST[pick % len(CAST)], GROUPS[0], "Hidden Name")[variant % 3]
            return self._message(person, text, forward_from=origin)
        if kind == "reply":
            return self._message(person, text, reply_to=self._bot_message(person, pick, own=True))
        if kind == "edited":
            mine = self.sent.get(person.id)
            if not mine:
                return self._message(person, text)
            return self.stand_in.push_edited_message(person, mine[pick % len(mine)], text or "edit")
        if kind in ("callback", "stale_callback"):
            message = self._bot_message(person, pick, own=kind == "callback" or variant % 4 != 0)
            if message is None:
                return self._message(person, text)
            if kind == "stale_callback" and variant % 5 == 0:  # the message was deleted since
                message = dataclasses.replace(message, message_id=message.message_id + 100_000)
            return self.stand_in.push_callback(
                person, message, self.callback_data(message, text, pick, variant)
            )
        if kind == "inline_callback":
            return self.stand_in.push_callback(person, None, self.forged_data(text, pick, variant))
        if kind == "inline":
            return self.stand_in.push_inline_query(person, text[: 256 if variant % 3 else 5000])
        if kind == "other":
            return self.stand_in.push_update(self.other_update(person, text, variant))
        return self._message(person, text)

    def other_update(self, person: Person, text: str, variant: int) -> dict[str, Any]:
        """Updates the bot does not act on: it blocked by someone, a channel post, a reaction, a poll answer..."""
        user, bot = person.to_api(), self.stand_in.bot_user
        chat = {"id": person.id, "type": "private", "first_name": person.first_name}
        forms = (
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": user,
                    "date": 0,
                    "old_chat_member": {"status": "member", "user": bot},
                    "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
                }
            },
            {"channel_post": {"message_id": 1, "date": 0, "chat": {"id": -100999, "type": "channel", "title": "N"},
                              "text": text or "x"}},
            {"edited_channel_post": {"message_id": 1, "date": 0, "edit_date": 1, "text": text or "x",
                                     "chat": {"id": -100999, "type": "channel", "title": "N"}}},
            {"chosen_inline_result": {"result_id": "1", "from": user, "query": text[:256]}},
            {"poll_answer": {"poll_id": "1", "user": user, "option_ids": [0], "option_persistent_ids": ["a"]}},
            {"message_reaction": {"chat": chat, "message_id": 1, "date": 0, "user": user, "old_reaction": [],
                                  "new_reaction": [{"type": "emoji", "emoji": "👍"}]}},
        )  # fmt: skip
        return forms[variant % len(forms)]

    def command(self, name: str, text: str, pick: int, variant: int) -> str:
        """A command with valid-looking, garbage or hostile arguments."""
        known = self.claim_ids or [1]
        claim = known[pick % len(known)] if variant % 5 else pick * 7919 + 10**17
        other = known[variant % len(known)]
        user = CAST[pick % len(CAST)].id if variant % 5 else pick
        words = text.split()
        garbage = text if variant % 3 == 0 else " ".join(words[:3])
        forms: dict[str, Sequence[str]] = {
            "start": ("", f"c{claim}", garbage, "c", f"c{10**19}"),
            "check": (text, "", garbage),
            "language": ("", garbage),
            "claim": (str(claim), f"#{claim}", garbage, "", f"{claim} {claim}"),
            "verdict": (
                f"{claim} {RATINGS[pick % len(RATINGS)]} {URLS[variant % len(URLS)]} {text}",
                f"#{claim} {RATINGS[variant % 7]} https://example.org/v{pick} {garbage}",
                f"#{claim} false https://example.org/v{pick}",
                f"{claim} {RATINGS[variant % len(RATINGS)]}",
                garbage,
            ),
            "reject": (f"{claim} {text}", f"#{claim}", garbage),
            "merge": (
                f"{claim} {other}",
                f"#{claim} #{other}",
                f"{claim} {claim}",
                f"#{claim} #{pick}",
                garbage,
            ),
            "alias": (f"{claim} {text}", f"{claim}", garbage),
            "log": ("", text, garbage),
            "grant": (str(user), garbage, "²", "-5", f"{user} {user}"),
            "revoke": (str(user), garbage, "١٢"),
            "ban": (str(user), garbage, str(2**63)),
            "unban": (str(user), garbage, "0"),
        }
        args = forms.get(name, ("", garbage))
        arg = args[variant % len(args)]
        suffix = f"@{self.stand_in.bot_username}" if variant % 11 == 0 else ""
        return f"/{name}{suffix} {arg}".rstrip()

    def callback_data(self, message: SentMessage, text: str, pick: int, variant: int) -> str:
        """A real button of that message (pressed again, perhaps much later), or forged data."""
        real = [b.callback_data for b in message.buttons if b.callback_data]
        if real and variant % 3:
            return real[pick % len(real)]
        return self.forged_data(text, pick, variant)

    def forged_data(self, text: str, pick: int, variant: int) -> str:
        """Data matching a button pattern with someone else's or impossible ids, or garbage."""
        n = pick if variant % 2 else pick % 40
        forms = (
            callbacks.queue_text(n),
            callbacks.pick(n, (variant % 30) + 1),
            callbacks.unsubscribe(n),
            callbacks.language(("en", "fr", "de", "zz")[variant % 4]),
            callbacks.page(n),
            callbacks.claim(n),
            text[:64],
            f"1:pick:{n}",
            f"0:q:{n}",
            f"1:q:{'9' * 18}",
        )
        data = forms[variant % len(forms)]
        return data.encode()[:64].decode(errors="ignore") or "x"

    def _message(self, person: Person, text: str | None, **kwargs: Any) -> dict[str, Any]:
        update = self.stand_in.push_message(person, text, **kwargs)
        self.sent.setdefault(person.id, []).append(update["message"])
        return update

    def _bot_message(self, person: Person, pick: int, *, own: bool) -> SentMessage | None:
        """One of the bot's messages: in the person's chat (or the group), else anywhere (a forged press)."""
        chats = (person.id, *(g.id for g in GROUPS)) if own else tuple(p.id for p in CAST)
        messages = [m for chat in chats for m in self.stand_in.messages(chat)]
        return messages[pick % len(messages)] if messages else None

    # ------------------------------------------------------------------ feeding the Application

    async def process(self, action: Action) -> None:
        """One update, handled to the end before the next (deterministic: for the property test)."""
        update = self.build(action)
        self.updates += 1
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def submit(self, action: Action) -> int:
        """One update into the Application's queue: handled concurrently, as when polling (the soak run)."""
        update = self.build(action)
        self.updates += 1
        await self.app.update_queue.put(Update.de_json(update, self.app.bot))
        return int(update["update_id"])

    async def drained(self, update_id: int, timeout: float = 120.0) -> None:
        """Wait until an update submitted earlier (and, per person, those before it) was handled."""
        processor = self.app.update_processor
        assert isinstance(processor, PerPersonUpdateProcessor)
        if not await processor.wait_processed(update_id, timeout):
            raise TimeoutError(f"update {update_id} not handled in {timeout} s")

    async def settle(self) -> None:
        """Let background work finish (outbox jobs the actions kicked)."""
        for _ in range(3):
            await asyncio.sleep(0)


class LogWatch(logging.Handler):
    """Keeps every record at WARNING or above that the bot or its libraries log during a run."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> LogWatch:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)

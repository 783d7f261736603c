"""`python -m bot chat`: the real bot against an in-process Bot API stand-in, driven from the terminal.

You type as a person; the bot's replies print as plain text with numbered buttons (type `1` or `/press 1`).
Lines starting with `:` are emulator commands (`:help`). Works the same with a script on stdin.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from pydantic import SecretStr
from telegram.ext import Application

from bot.app import build_application, running
from bot.emulator.text import as_text, button_lines
from bot.logs import configure_logging
from bot.standin import BotApiStandIn, Chat, Person, SentMessage, serve
from bot.updates import PerPersonUpdateProcessor
from claims.settings import Settings

TOKEN = "1000000001:EMULATOR-not-a-real-token"
YOU = Person(id=1001, first_name="You", language_code="en")
ADMIN = Person(id=42, first_name="Admin", language_code="en")
GROUP = Chat(id=-1000000000001, type="supergroup", title="Emulated group")
QUIET_SECONDS = 0.8  # at the end of a script, wait until the bot has been quiet this long (notifications)

HELP = """\
Emulator commands:
  :admin            act as the admin (reviewer and admin commands work)
  :user             act as the default person again
  :as ID [NAME]     act as any person
  :lang CODE        the Telegram language of the current person (en, fr, ...)
  :group / :private write in a group chat / in the private chat
  :forward TEXT     send TEXT as a forwarded message
  :photo CAPTION    send a photo with a caption
  :inline TEXT      type "@bot TEXT" in a chat (inline mode)
  :wait [SECONDS]   wait for background messages (notifications)
  :quit             leave
Anything else is sent to the bot as the current person. Press a button with its number or /press N."""


class Terminal:
    """One emulator session: who you are, where you write, and the buttons you can press."""

    def __init__(self, stand_in: BotApiStandIn, application: Application, out: TextIO) -> None:
        self.stand_in = stand_in
        self.application = application
        self.out = out
        self.person = YOU
        self.names = {YOU.id: YOU.first_name, ADMIN.id: ADMIN.first_name, GROUP.id: GROUP.title}
        self.in_group = False
        self.last_event = 0.0
        stand_in.subscribe(self.show)

    @property
    def chat_id(self) -> int:
        return GROUP.id if self.in_group else self.person.id

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def show(self, kind: str, message: SentMessage) -> None:
        """Print a message the bot sent or edited."""
        self.last_event = asyncio.get_running_loop().time()
        header = (
            "bot"
            if message.chat_id == self.chat_id
            else f"bot → {self.names.get(message.chat_id, message.chat_id)}"
        )
        text = as_text(message)
        if kind == "markup":
            lines = [f"{header}: (buttons {'updated' if message.buttons else 'removed'})"]
        else:
            lines = [
                f"{header}{' (edited)' if kind == 'edited' else ''}:",
                *("  " + line for line in text.splitlines()),
            ]
        if message.chat_id == self.chat_id:
            lines += button_lines(message)
        self.say("\n".join(lines))

    def keyboard(self) -> SentMessage | None:
        """The latest message with buttons in the current chat."""
        return next((m for m in reversed(self.stand_in.messages(self.chat_id)) if m.buttons), None)

    async def handle(self, line: str) -> bool:
        """Act on one input line; False when the session should end."""
        line = line.rstrip("\n")
        if not line.strip():
            return True
        if line.startswith(":"):
            return await self.command(line[1:].strip())
        number = line.strip().removeprefix("/press").strip()
        if number.isdigit() and (message := self.keyboard()) is not None:
            await self.press(message, int(number))
            return True
        chat = GROUP if self.in_group else None
        await self.deliver(self.stand_in.push_message(self.person, line, chat=chat))
        return True

    async def press(self, message: SentMessage, number: int) -> None:
        buttons = message.buttons
        if not 1 <= number <= len(buttons):
            self.say(f"(no button {number}: there are {len(buttons)})")
            return
        button = buttons[number - 1]
        if button.callback_data is None:
            self.say(f"(that button opens {button.url or button.switch_inline_query})")
            return
        update = self.stand_in.push_callback(self.person, message, button.callback_data)
        await self.deliver(update)
        answer = self.stand_in.callback_answer(update["callback_query"]["id"])
        if answer and answer.get("text"):
            self.say(f"({answer['text']})")

    async def command(self, text: str) -> bool:
        name, _, rest = text.partition(" ")
        rest = rest.strip()
        actions: dict[str, Callable[[], None]] = {
            "admin": lambda: self.become(ADMIN),
            "user": lambda: self.become(YOU),
            "group": lambda: self.move(True),
            "private": lambda: self.move(False),
            "help": lambda: self.say(HELP),
        }
        if name in ("quit", "q", "exit"):
            return False
        if name in actions:
            actions[name]()
        elif name == "as" and rest.split()[0:1] and rest.split()[0].isdigit():
            user_id, _, first = rest.partition(" ")
            self.become(
                Person(
                    id=int(user_id),
                    first_name=first.strip() or f"Person {user_id}",
                    language_code=self.person.language_code,
                )
            )
        elif name == "lang" and rest:
            self.become(Person(self.person.id, self.person.first_name, rest, self.person.username))
        elif name == "forward" and rest:
            origin = Person(id=777, first_name="Someone in another chat")
            await self.deliver(
                self.stand_in.push_message(
                    self.person, rest, forward_from=origin, chat=GROUP if self.in_group else None
                )
            )
        elif name == "photo":
            await self.deliver(
                self.stand_in.push_message(
                    self.person, caption=rest or None, photo=True, chat=GROUP if self.in_group else None
                )
            )
        elif name == "inline" and rest:
            await self.inline(rest)
        elif name == "wait":
            await self.settle(float(rest) if rest.replace(".", "", 1).isdigit() else QUIET_SECONDS)
        else:
            self.say(f"(unknown emulator command :{name}; :help lists them)")
        return True

    def become(self, person: Person) -> None:
        self.person = person
        self.names[person.id] = person.first_name
        self.say(f"(you are now {person.first_name}, id {person.id}, language {person.language_code})")

    def move(self, in_group: bool) -> None:
        self.in_group = in_group
        self.say(
            f"(writing in {'the group ' + GROUP.title if in_group else 'your private chat with the bot'})"
        )

    async def inline(self, text: str) -> None:
        update = self.stand_in.push_inline_query(self.person, text)
        await self.deliver(update)
        results = self.stand_in.inline_answer(update["inline_query"]["id"]) or []
        if not results:
            self.say("(inline: no results)")
        for number, result in enumerate(results, start=1):
            self.say(f"  inline {number}. {result.get('title', '')}\n     {result.get('description', '')}")

    async def deliver(self, update: dict) -> None:
        """Wait until the bot has handled the update, so replies print before the next line is read."""
        processor = self.application.update_processor
        if isinstance(processor, PerPersonUpdateProcessor):
            await processor.wait_processed(update["update_id"])
        await asyncio.sleep(0.05)

    async def settle(self, quiet: float = QUIET_SECONDS, limit: float = 15.0) -> None:
        """Wait until the bot has sent nothing for `quiet` seconds (background notifications included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        self.last_event = max(self.last_event, loop.time())
        while loop.time() < deadline and loop.time() - self.last_event < quiet:
            await asyncio.sleep(0.1)


def _read_lines(stream: TextIO, queue: asyncio.Queue[str | None], loop: asyncio.AbstractEventLoop) -> None:
    for line in stream:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def emulate(settings: Settings, stdin: TextIO, out: TextIO) -> int:
    """Run the emulator until `:quit` or the end of input."""
    stand_in = BotApiStandIn(token=TOKEN, username="factcheck_emulator_bot")
    async with serve(stand_in) as base_url:
        local = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(TOKEN),
                "telegram_api_base_url": base_url,
                "bot_admin_ids": settings.bot_admin_ids | {ADMIN.id},
            }
        )
        application = build_application(local)
        async with running(application):
            terminal = Terminal(stand_in, application, out)
            interactive = stdin.isatty()
            terminal.say(
                f"Fact-check bot emulator: you are {YOU.first_name} (id {YOU.id}). Send a claim, "
                f"/help for the bot's commands, :help for the emulator's, :admin to review."
            )
            loop = asyncio.get_running_loop()
            lines: asyncio.Queue[str | None] = asyncio.Queue()
            threading.Thread(target=_read_lines, args=(stdin, lines, loop), daemon=True).start()
            while True:
                if interactive:
                    print(f"{terminal.person.first_name}> ", end="", file=out, flush=True)
                line = await lines.get()
                if line is None:
                    break
                if not interactive:
                    terminal.say(f"{terminal.person.first_name}> {line.rstrip()}")
                if not await terminal.handle(line):
                    break
            await terminal.settle()
    return 0


def run_emulator(settings: Settings) -> int:
    """`python -m bot chat`."""
    configure_logging("WARNING")
    try:
        return asyncio.run(emulate(settings, sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        return 0

"""The people, chats and messages of the stand-in, as the driver sees them and the Bot API encodes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Person:
    """A Telegram user who writes to the bot."""

    id: int
    first_name: str = "Ann"
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True, slots=True)
class Chat:
    """A group or supergroup (private chats are made from the `Person`)."""

    id: int
    type: str = "supergroup"
    title: str = "Family group"

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


def private_chat(person: Person) -> dict[str, Any]:
    """The private chat between a person and the bot (its id is the person's id, as on Telegram)."""
    data: dict[str, Any] = {"id": person.id, "type": "private", "first_name": person.first_name}
    if person.username:
        data["username"] = person.username
    return data


@dataclass(frozen=True, slots=True)
class Button:
    """One inline keyboard button, as a person would see and press it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    switch_inline_query: str | None = None


@dataclass(slots=True)
class SentMessage:
    """A message in a chat: what a person sees (plain `text`), what the bot sent (`html`), and its buttons."""

    message_id: int
    chat: dict[str, Any]
    date: int
    text: str
    entities: list[dict[str, Any]]
    html: str
    reply_markup: dict[str, Any] | None = None
    from_user: dict[str, Any] | None = None
    edits: int = 0
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[Button]:
        """The inline keyboard's buttons, row by row, left to right."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            Button(
                text=b.get("text", ""),
                callback_data=b.get("callback_data"),
                url=b.get("url"),
                switch_inline_query=b.get("switch_inline_query"),
            )
            for row in rows
            for b in row
        ]

    @property
    def links(self) -> list[str]:
        """Every URL the message links to (text links and bare URLs)."""
        urls = []
        for entity in self.entities:
            if entity["type"] == "text_link":
                urls.append(entity["url"])
            elif entity["type"] == "url":
                urls.append(_slice_utf16(self.text, entity["offset"], entity["length"]))
        return urls

    def button(self, label_part: str) -> Button:
        """The first button whose label contains `label_part` (case-insensitive); KeyError if none."""
        for candidate in self.buttons:
            if label_part.casefold() in candidate.text.casefold():
                return candidate
        raise KeyError(f"no button like {label_part!r} in {[b.text for b in self.buttons]}")

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat,
            "text": self.text,
        }
        if self.from_user:
            data["from"] = self.from_user
        if self.entities:
            data["entities"] = self.entities
        if self.reply_markup and self.reply_markup.get("inline_keyboard"):
            data["reply_markup"] = self.reply_markup
        if self.edits:
            data["edit_date"] = self.date
        return data


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API request the bot made, with the status the stand-in answered."""

    method: str
    params: dict[str, Any]
    status: int


def _slice_utf16(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le")

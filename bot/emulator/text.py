"""The bot's messages as terminal text: the plain text Telegram shows, links spelled out, buttons numbered."""

from __future__ import annotations

from bot.standin import SentMessage


def as_text(message: SentMessage) -> str:
    """The message as a person reads it, with each link's address after its label."""
    raw = message.text.encode("utf-16-le")
    links = sorted((e for e in message.entities if e["type"] == "text_link"), key=lambda e: e["offset"])
    parts: list[str] = []
    position = 0
    for entity in links:
        end = (entity["offset"] + entity["length"]) * 2
        parts.append(raw[position:end].decode("utf-16-le"))
        label = raw[entity["offset"] * 2 : end].decode("utf-16-le")
        if label.strip() != entity["url"]:
            parts.append(f" <{entity['url']}>")
        position = end
    parts.append(raw[position:].decode("utf-16-le"))
    return "".join(parts)


def button_lines(message: SentMessage, first: int = 1) -> list[str]:
    """One line per button: `[n] label`, URL buttons with their address."""
    lines = []
    for number, button in enumerate(message.buttons, start=first):
        suffix = f" <{button.url}>" if button.url else ""
        lines.append(f"  [{number}] {button.text}{suffix}")
    return lines

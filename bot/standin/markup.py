"""Telegram's HTML parse mode, as strict as the real server: text and entities, or the error it returns."""

from __future__ import annotations

import html
import re

# Tag name -> entity type. `a` and `span`/`pre` get attributes handled below.
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
    r"|&(?P<entity>#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
MAX_TEXT = 4096


class ParseError(ValueError):
    """What Telegram answers with 400 "Bad Request: can't parse entities: ..."."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict]]:
    """The plain text and the entities of a message written in Telegram's HTML subset."""
    out: list[str] = []
    length = 0  # UTF-16 length of the text so far
    stack: list[tuple[str, int, dict]] = []
    entities: list[dict] = []
    pos = 0

    def add_text(chunk: str) -> None:
        nonlocal length
        if "<" in chunk:
            raise ParseError(f"Unsupported start tag at byte offset {len(source[:pos].encode())}")
        if "&" in chunk:
            raise ParseError("Character '&' is reserved and must be escaped with &amp;")
        out.append(chunk)
        length += utf16_len(chunk)

    for match in _TOKEN.finditer(source):
        add_text(source[pos : match.start()])
        pos = match.end()
        if match.group("entity"):
            char = html.unescape(match.group(0))
            out.append(char)
            length += utf16_len(char)
            continue
        name = match.group("name").lower()
        if name not in _SIMPLE:
            raise ParseError(
                f'Unsupported start tag "{name}" at byte offset {len(source[: match.start()].encode())}'
            )
        if match.group("close"):
            if not stack or stack[-1][0] != name:
                raise ParseError(
                    f"Unmatched end tag at byte offset {len(source[: match.start()].encode())}, "
                    f'expected "</{stack[-1][0] if stack else ""}>", found "</{name}>"'
                )
            _, start, entity = stack.pop()
            if length > start:
                entities.append({**entity, "offset": start, "length": length - start})
            continue
        attrs = {
            m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
            for m in _ATTR.finditer(match.group("attrs") or "")
        }
        entity: dict = {"type": _SIMPLE[name]}
        if name == "a":
            url = html.unescape(attrs.get("href", ""))
            if not url:
                raise ParseError("Can't find end of a URL")
            entity["url"] = url
        elif name == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError('Unsupported start tag "span"')
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        stack.append((name, length, entity))
    add_text(source[pos:])
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities

"""Replies in the person's language: the catalogs in `bot/locales/`, and HTML that is escaped unless marked safe."""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).with_name("locales")


class Html(str):
    """Text already safe to send with parse_mode HTML: `t()` inserts it as it is, and escapes everything else."""

    __slots__ = ()


def esc(text: object) -> Html:
    """User-supplied (or any untrusted) text, escaped for Telegram's HTML."""
    return Html(html.escape(str(text), quote=True))


def join(parts: list[Html] | tuple[Html, ...], sep: str = "\n") -> Html:
    """Safe fragments joined by a (safe) separator."""
    return Html(sep.join(parts))


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, by key."""
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def supported(code: str | None) -> str | None:
    """The catalog language for a language tag ("fr-CA" → "fr"), or None when there is no catalog for it."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else None


def t(lang: str | None, key: str, /, **values: object) -> Html:
    """The message `key` in `lang` (English when missing), with `values` escaped unless they are `Html`."""
    messages = catalog(supported(lang) or DEFAULT_LANGUAGE)
    template = messages.get(key) or catalog(DEFAULT_LANGUAGE)[key]
    safe = {name: value if isinstance(value, Html) else esc(value) for name, value in values.items()}
    return Html(template.format(**safe))


def plain(lang: str | None, key: str, /, **values: object) -> str:
    """The message `key` as plain text (button labels, titles, command menus): nothing is escaped."""
    messages = catalog(supported(lang) or DEFAULT_LANGUAGE)
    return (messages.get(key) or catalog(DEFAULT_LANGUAGE)[key]).format(**values)


def has(key: str) -> bool:
    """True when the catalogs have a message `key`."""
    return key in catalog(DEFAULT_LANGUAGE)


def tn(lang: str | None, key: str, n: int, /, **values: object) -> Html:
    """The plural form of `key` for `n` (`key.one` or `key.other`; French counts 0 as singular)."""
    singular = n in (0, 1) if supported(lang) == "fr" else n == 1
    return t(lang, f"{key}.{'one' if singular else 'other'}", n=n, **values)

"""Cleaning of what people paste: tweets, forwards and chat messages, down to the words of the claim.

What goes: URLs (also glued to the previous word, as Twitter's copy-paste does: `#Hanukkahpic.twitter.com/x`),
@handles, the "— Name (@handle) March 3, 2020" signature of an embedded tweet, emoji and other symbols,
control and format characters. What stays: the words, numbers and their punctuation; a hashtag keeps its words
(`#AustralianFires` → `Australian Fires`) because it often names the very subject of the claim.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "mentioned_names", "signature_date"]

# The signature Twitter appends to an embedded/copied tweet: a dash, the display name, "(@handle)", then a
# date in whatever locale ("January 6, 2020", "October 03, 19", "3 mars 2020"). The name may hold emoji and
# hashtags.
_SIGNATURE = re.compile(r"(?:\s*[—–―]|\s-{1,2})\s*([^\n—–―]{0,100}?)\(@\w{1,30}\)[^\n()@]{0,40}$")
# The same signature inside the text: a quoted tweet pasted before the poster's own words. Only with a date,
# so an ordinary dash followed by "(@someone)" in a sentence stays.
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|"
    r"sept|déc)[a-zéû]*\.?"
)
_INNER_SIGNATURE = re.compile(
    r"[—–―]\s*[^\n—–―]{0,100}?\(@\w{1,30}\)\s*"
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{2,4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{2,4}})",
    re.IGNORECASE,
)
# URLs, with or without scheme; "pic.twitter.com/…" is often glued to the word before it.
# The date at the end of that signature, in English ("January 6, 2020") or French ("3 mars 2020") order.
_SIGNATURE_DATE = re.compile(
    rf"\(@\w{{1,30}}\)\s*(?:({_MONTH})\s+\d{{1,2}},?\s+(\d{{4}})|\d{{1,2}}\s+({_MONTH})\s+(\d{{4}}))\s*$",
    re.IGNORECASE,
)
_MONTH_NUMBERS = {
    prefix: number
    for number, prefixes in enumerate(
        (
            ("jan",),
            ("feb", "fév", "fev"),
            ("mar",),
            ("apr", "avr"),
            ("may", "mai"),
            ("jun", "juin"),
            ("jul", "juil"),
            ("aug", "aoû", "aou"),
            ("sep",),
            ("oct",),
            ("nov",),
            ("dec", "déc"),
        ),
        start=1,
    )
    for prefix in prefixes
}
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
# A bare "bit.ly/x" or "example.com/page": only at a word start, so the glued hashtag before it survives.
_BARE_URL = re.compile(
    r"(?<![\w.])(?:[a-z0-9-]+\.)+(?:com|org|net|ly|co|be|gl|io|fr|uk|de|info|news|me|tv)/\S*", re.IGNORECASE
)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")
# "RT @x:" and "via @x" leave these crumbs once the handle is gone.
_RT_PREFIX = re.compile(r"^\s*(?:RT|rt)\b[\s:]*")
_HASHTAG = re.compile(r"#(\w+)")
# Split a CamelCase hashtag at lower→Upper and letter↔digit boundaries: "ImpeachTrump2020" → "Impeach Trump
# 2020".
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])|(?<=[A-Za-zÀ-ÿ])(?=\d)|(?<=\d)(?=[A-Za-zÀ-ÿ])")
_SPACES = re.compile(r"\s+")
# Unicode categories kept as they are; everything else (symbols, emoji, controls, private use…) becomes a
# space. Currency signs (Sc) and maths signs (Sm: %, +, =) stay because "$80 million" and "70%" are the claim.
_KEPT_CATEGORIES = frozenset(
    {
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "Mn",
        "Mc",
        "Me",
        "Nd",
        "Nl",
        "No",
        "Pc",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Po",
        "Sc",
        "Sm",
        "Zs",
    }
)


def _split_hashtag(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1).replace("_", " ")) + " "


def _strip_symbols(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text  # the common case for imported claims; the loop below costs ~10 µs per sentence
    # One pass over the characters; `str.translate` would need a table covering all of Unicode.
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch if ch.isprintable() else " ")
        elif unicodedata.category(ch) in _KEPT_CATEGORIES:
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)


_MARKERS = ("@", "/", "#", "www", "WWW", "RT", "rt")


def clean_text(text: str) -> str:
    """`text` without URLs, @handles, tweet signature, emoji and control characters; whitespace collapsed."""
    if text.isascii() and text.isprintable() and not any(marker in text for marker in _MARKERS):
        return " ".join(text.split())  # a plain sentence, as most claim wordings are
    # NFC first so that a decomposed "é" (e + combining accent) is one letter for every later step.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = _strip_symbols(text)
    # Each pattern runs only when its marker is there: most claim wordings have none, and they are cleaned
    # once each at import (millions of them).
    if "(@" in text:
        text = _SIGNATURE.sub("", text)
        text = _INNER_SIGNATURE.sub(" ", text)
    if "/" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
        text = _BARE_URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if text.lstrip()[:2].lower() == "rt":
        text = _RT_PREFIX.sub("", text)
    if "#" in text:
        text = _HASHTAG.sub(_split_hashtag, text)
    return _SPACES.sub(" ", text).strip()


def mentioned_names(text: str) -> str:
    """The names `clean_text` removes but that say who the text is about: @handles and the signature's author.

    "@realDonaldTrump" and "— Donald J. Trump (@realDonaldTrump)" are often the subject of the claim itself
    ("Trump tweeted that…"), so the matcher searches their words too, apart from the cleaned text.
    """
    text = _strip_symbols(unicodedata.normalize("NFC", text))
    names: list[str] = []
    signature = _SIGNATURE.search(text)
    if signature:
        names.append(_HASHTAG.sub(_split_hashtag, signature.group(1)))
    names.extend(_CAMEL.sub(" ", handle.replace("_", " ")) for handle in _HANDLE.findall(_URL.sub(" ", text)))
    return _SPACES.sub(" ", " ".join(names)).strip()


def signature_date(text: str) -> tuple[int, int] | None:
    """(year, month) of a pasted tweet's "— Name (@handle) March 3, 2020" signature, when it has one.

    A fact-check often says when its claim went round ("in August 2019"), and a pasted tweet says when it was
    written: agreeing dates are evidence that both speak of the same event.
    """
    if "(@" not in text:
        return None
    found = _SIGNATURE_DATE.search(text.rstrip())
    if found is None:
        return None
    month_name = (found.group(1) or found.group(3)).lower()
    year = int(found.group(2) or found.group(4))
    month = next((n for prefix, n in _MONTH_NUMBERS.items() if month_name.startswith(prefix)), None)
    return (year, month) if month is not None else None

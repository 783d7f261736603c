"""JSON text in its three shapes — one document, JSON Lines, or JSON-LD blocks in an HTML page — as values.

Each value comes with a label saying where it was ("" for a whole document, "line 7", "script block 2"), so a
reader can name the record that broke a file. JSON Lines are decoded one line at a time, so a large file
streams.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from claims.formats.common import bad_file

_LD_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)


def _first_content(lines: Iterator[str]) -> tuple[list[str], str | None]:
    """The lines read up to and including the first non-blank one, and that line (None at end of input)."""
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if line.strip():
            return seen, line
    return seen, None


def _describe(error: json.JSONDecodeError) -> str:
    return f"invalid JSON ({error.msg})"


def json_values(lines: Iterable[str]) -> Iterator[tuple[str, Any, bool]]:
    """Every JSON value of the text, as (label, value, strict).

    `strict` is False only for HTML script blocks: a page holds other JSON-LD (breadcrumbs, the site's
    organisation) that a reader skips, whereas every line of JSON Lines must hold what the reader expects.
    """
    stream = iter(lines)
    seen, first = _first_content(stream)
    if first is None:
        raise bad_file("file", "the file is empty")
    stripped = first.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        yield from _html_values("".join(seen) + "".join(stream))
        return
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError:
        value = None
        single_line = False
    else:
        single_line = isinstance(value, dict | list)
    if not single_line:
        text = "".join(seen) + "".join(stream)
        try:
            document = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as error:
            raise bad_file(f"line {error.lineno}, column {error.colno}", _describe(error)) from None
        yield "", document, True
        return
    # JSON Lines: the first line is decoded; a file of one line is just a document (its records need no line).
    first_number = len(seen)
    following, second = _first_content(stream)
    if second is None:
        yield "", value, True
        return
    yield f"line {first_number}", value, True
    number = first_number
    for line in chain(following, stream):
        number += 1
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise bad_file(f"line {number}", _describe(error)) from None
        yield f"line {number}", value, True


def _html_values(page: str) -> Iterator[tuple[str, Any, bool]]:
    blocks = _LD_SCRIPT.findall(page)
    if not blocks:
        raise bad_file("file", 'no <script type="application/ld+json"> block in this HTML page')
    for number, block in enumerate(blocks, start=1):
        try:
            value = json.loads(block)
        except json.JSONDecodeError as error:
            where = f"script block {number}, line {error.lineno}"
            raise bad_file(where, _describe(error)) from None
        yield f"script block {number}", value, False

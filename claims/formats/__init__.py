"""Import/export formats: text ⇄ `claims.records.ReviewRecord`, with no database in sight.

- `claimreview` — schema.org ClaimReview as JSON, JSON-LD (`@graph`), JSON Lines or HTML with JSON-LD blocks
  (read and write; see `claims.formats.claimreview`);
- `factcheck-api` — Google Fact Check Tools `claims:search` responses (read; `claims.formats.factcheck_api`);
- `csv` — one row per claim with documented columns (read and write; `claims.formats.csv_table`).

Readers are generators that decode JSON Lines and CSV one line at a time; a malformed file raises
`InvalidInput("bad_file", ...)` with a one-line message naming the record and the field. Since the store
imports all-or-nothing, callers read every record before writing any.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TextIO

from claims.errors import InvalidInput
from claims.formats import claimreview, csv_table, factcheck_api, jsondoc
from claims.formats.common import bad_file
from claims.formats.detect import (
    CLAIMREVIEW,
    CSV,
    FACTCHECK_API,
    FORMATS,
    detect_format,
    json_format,
    shape_of,
)
from claims.records import ReviewRecord

AUTO = "auto"
READ_FORMATS: tuple[str, ...] = (AUTO, *FORMATS)
WRITE_FORMATS: tuple[str, ...] = (CLAIMREVIEW, CSV)

__all__ = [
    "AUTO",
    "CLAIMREVIEW",
    "CSV",
    "FACTCHECK_API",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "detect_format",
    "parse_records",
    "read_records",
    "write_records",
]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InvalidInput("bad_format", f"unknown format {fmt!r} (expected one of {', '.join(allowed)})")


def read_records(
    source: Iterable[str] | str, fmt: str = AUTO, *, name: str | None = None
) -> Iterator[ReviewRecord]:
    """The records of a text, given whole or line by line (a file opened with `newline=""` streams).

    `name` (a file name) helps `auto` tell CSV from JSON by its suffix.
    """
    _check_format(fmt, READ_FORMATS)
    # StringIO splits lines like a file opened with newline="" (not on U+2028 and friends, as splitlines does).
    lines = iter(io.StringIO(source, newline="")) if isinstance(source, str) else iter(source)
    try:
        peeked: list[str] = []
        for line in lines:
            if not peeked:
                line = line.removeprefix("\ufeff")  # a byte-order mark decoded as text
            peeked.append(line)
            if line.strip("\ufeff \t\r\n"):
                break
        else:
            raise bad_file("file", "the file is empty")
        text = chain(peeked, lines)
        shape = shape_of(peeked[-1], name) if fmt == AUTO else ("csv" if fmt == CSV else "json")
        if shape == "csv":
            yield from csv_table.read(text)
            return
        values = jsondoc.json_values(text)
        first = next(values)
        kind = json_format(first[1]) if fmt == AUTO else fmt
        for label, value, strict in chain([first], values):
            if kind == FACTCHECK_API:
                if strict or factcheck_api.is_response(value):
                    yield from factcheck_api.records_from_json(value, label)
            else:
                yield from claimreview.records_from_json(value, label, strict=strict)
    except UnicodeDecodeError:
        raise bad_file("file", "the file is not UTF-8 text") from None


def parse_records(data: bytes | str, fmt: str = AUTO, *, name: str | None = None) -> list[ReviewRecord]:
    """Every record of a whole file's content (bytes are decoded as UTF-8, with or without a BOM)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise bad_file("file", "the file is not UTF-8 text") from None
    return list(read_records(data, fmt, name=name))


def write_records(records: Iterable[ReviewRecord], out: TextIO, fmt: str) -> int:
    """Write records in `claimreview` or `csv` (open files with `newline=""`); returns how many."""
    _check_format(fmt, WRITE_FORMATS)
    if fmt == CSV:
        return csv_table.write(records, out)
    return claimreview.write(records, out)

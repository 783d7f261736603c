"""Which format a file is in, for `--format auto`.

- a `.csv`/`.tsv` name, or text that does not start with `{`, `[` or `<` (a header row) → `csv`;
- JSON whose top level is an object with a `claims` list (or a list of such objects) → `factcheck-api`;
- anything else JSON-shaped — JSON, JSON-LD, JSON Lines, an HTML page with JSON-LD blocks → `claimreview`.

JSON is told apart by its parsed value (`json_format`), so a pretty-printed response is recognised whatever
the order of its keys; `detect_format` guesses the same from the start of a file.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from claims.formats.factcheck_api import is_response

CSV = "csv"
CLAIMREVIEW = "claimreview"
FACTCHECK_API = "factcheck-api"
FORMATS: tuple[str, ...] = (CLAIMREVIEW, FACTCHECK_API, CSV)

_CSV_SUFFIXES = {".csv", ".tsv"}
_JSON_SUFFIXES = {".json", ".jsonld", ".jsonl", ".ndjson", ".html", ".htm"}
_API_START = re.compile(r'\A\s*\[?\s*\{\s*"claims"\s*:\s*\[')


def shape_from_name(name: str | None) -> str | None:
    """`csv` or `json` from a file name's suffix, None when the name says nothing."""
    if not name or name == "-":
        return None
    suffix = PurePath(name).suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix in _JSON_SUFFIXES:
        return "json"
    return None


def shape_of(head: str, name: str | None = None) -> str:
    """`csv` or `json` (JSON, JSON Lines or HTML) from the file name, else from its first characters."""
    by_name = shape_from_name(name)
    if by_name is not None:
        return by_name
    start = head.lstrip("\ufeff \t\r\n")[:1]
    return "json" if start in ("{", "[", "<") else "csv"


def json_format(value: object) -> str:
    """`factcheck-api` for a Fact Check Tools response (or list of them), else `claimreview`."""
    return FACTCHECK_API if is_response(value) else CLAIMREVIEW


def detect_format(head: str, name: str | None = None) -> str:
    """Best guess from a file's name and first characters (the whole text when it is short)."""
    if shape_of(head, name) == "csv":
        return CSV
    text = head.lstrip("\ufeff")
    try:
        return json_format(json.loads(text))
    except json.JSONDecodeError:
        pass
    first_line = text.lstrip().split("\n", 1)[0]
    try:
        return json_format(json.loads(first_line))  # JSON Lines
    except json.JSONDecodeError:
        pass
    return FACTCHECK_API if _API_START.match(text) else CLAIMREVIEW

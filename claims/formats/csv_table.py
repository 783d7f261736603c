"""CSV ⇄ ReviewRecord: one row per claim, with its current verdict.

The file is UTF-8 (a byte-order mark is fine) with a header row. Cells are separated by commas (`;` or tabs
also work when the header uses them) and quoted the usual way, so text may hold quotes, separators and line
breaks. Header names are case-insensitive (`Claim Text`, `claim-text` and `claim_text` are the same column);
a column not listed here is an error; only `claim_text` is required. A blank cell means "no value".
The claim-retrieval datasets' names are understood too (`vclaim` for `claim_text`, `title` for `headline`: the
CheckThat! lab's `verified_claims.tsv` imports as it is), and a column with no name at all (the row numbers a
spreadsheet or pandas writes) is skipped.

Columns:
- `claim_text` — **required**: the claim as checked.
- `rating` — `true`, `mostly-true`, `mixed`, `misleading`, `mostly-false`, `false`, `unproven`, or a synonym
  (English or French: `faux`, `trompeur`, …); anything else is an error. Blank: taken from `textual_rating`
  when that maps to a rating, else none (the store then treats the verdict as `unproven`).
- `textual_rating` — the publisher's own rating words, kept verbatim (`Pants on Fire!`, `Faux`).
- `review_url` — http(s) URL of the fact-check; importing the same URL again updates instead of duplicating.
- `headline` — the fact-check's headline (kept as a second wording of the claim).
- `summary` — a short explanation of the verdict.
- `language` — language code of the claim (`fr`, `en`).
- `publisher` — the fact-checking organisation (`AFP Factuel`); `publisher_url` — its web site.
- `reviewer` — the person who wrote the verdict.
- `published_at` — when the fact-check was published, ISO 8601 (`2024-03-05` or `2024-03-05T10:30:00Z`).
- `claimant` — who made the claim; `claim_date` — when, ISO 8601.
- `appearances` — http(s) URLs where the claim was seen, separated by spaces or `|`.
- `sources` — the verdict's sources besides the review itself (the review URL is always its first source):
  http(s) URLs separated by `|`, or a JSON list of `{"url": …, "publisher": …, "title": …}`.
- `aliases` — other wordings of the claim (rephrasings, translations), separated by `|` (or a JSON list).
- `user_texts` — texts people sent that became this claim, separated by `|` (or a JSON list).
- `wording_languages` — a JSON object giving the language of aliases or user texts that are not in `language`
  (`{"Putin lied": "en"}`); a wording not listed has its language detected (`language` when too short to tell).
- `status` — `pending`, `published` or `rejected`; blank: published when there is a verdict, else pending.
- `reject_reason` — why reviewers rejected the claim.
- `ask_count` — how many times people asked about it (a whole number).
- `reviewer_id` — the Telegram user id of the reviewer who wrote the verdict.
- `claim_id` — the claim's number in the database that exported the file.
- `history` — earlier verdicts, oldest first: a JSON list of objects whose keys are these column names.

Export writes every column, in this order, so an exported file imports back to the same records. Texts with
`|` in them are written as JSON lists.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from claims.formats.common import (
    FIELD_KINDS,
    FieldError,
    bad_file,
    check_url,
    clean_text,
    excerpt,
    located,
    parse_languages,
    record_from_dict,
    record_to_dict,
    source_from_dict,
    source_to_dict,
    unique,
    value_from_json,
)
from claims.ratings import rating_from_textual
from claims.records import ReviewRecord, SourceRecord

COLUMNS: tuple[str, ...] = tuple(FIELD_KINDS)

# Exported histories can be long; the csv module's default cell limit (128 KiB) is too small for them.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


# Other datasets' names for our columns (CheckThat! verified claims: an unnamed id column, vclaim, title).
SYNONYMS: dict[str, str] = {"vclaim": "claim_text", "title": "headline"}


def column_name(header: str) -> str:
    """The canonical column a header cell names (case, spaces and hyphens do not matter; `SYNONYMS` apply)."""
    name = "_".join(header.replace("\ufeff", "").strip().casefold().replace("-", " ").split())
    return SYNONYMS.get(name, name)


def _delimiter(header_line: str) -> str:
    for candidate in (",", ";", "\t"):
        if candidate in header_line:
            return candidate
    return ","


def _json_cell(cell: str, field: str) -> Any:
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        raise FieldError(field, f"invalid JSON ({error.msg})") from None


def _split_list(cell: str, field: str, *, urls: bool) -> list[str]:
    if cell.lstrip().startswith("["):
        items = _json_cell(cell, field)
        if not isinstance(items, list):
            raise FieldError(field, "expected a JSON list")
    else:
        items = cell.replace("|", " ").split() if urls else cell.split("|")
    values = []
    for index, item in enumerate(items):
        text = check_url(item, f"{field}[{index}]") if urls else clean_text(item, f"{field}[{index}]")
        if text is not None:
            values.append(text)
    return unique(values) if urls else values


def _sources(cell: str) -> list[SourceRecord]:
    if cell.lstrip().startswith("["):
        items = _json_cell(cell, "sources")
        if not isinstance(items, list):
            raise FieldError("sources", "expected a JSON list")
        return [source_from_dict(item, f"sources[{index}]") for index, item in enumerate(items)]
    sources = []
    for index, part in enumerate(cell.split("|")):
        url = check_url(part, f"sources[{index}]")
        if url is not None:
            sources.append(SourceRecord(url=url))
    return sources


def _history(cell: str) -> list[ReviewRecord]:
    if not cell.strip():
        return []
    items = _json_cell(cell, "history")
    if not isinstance(items, list):
        raise FieldError("history", "expected a JSON list of verdicts")
    return [record_from_dict(item, f"history[{index}]") for index, item in enumerate(items)]


_LIST_KINDS = frozenset({"urls", "texts", "sources", "history"})


def _from_cell(kind: str, cell: str, column: str) -> Any:
    if not cell or cell.isspace():
        # Blank means "no value" in every column; most cells of a file are blank, so answered here.
        return [] if kind in _LIST_KINDS else 0 if kind == "count" else {} if kind == "languages" else None
    if kind == "urls":
        return _split_list(cell, column, urls=True)
    if kind == "texts":
        return _split_list(cell, column, urls=False)
    if kind == "sources":
        return _sources(cell)
    if kind == "history":
        return _history(cell)
    if kind == "languages":
        return parse_languages(_json_cell(cell, column), column)
    return value_from_json(kind, cell, column)


def record_from_row(row: dict[str, str]) -> ReviewRecord:
    """One row (canonical column name → cell) as a record; raises FieldError naming the column."""
    values = {name: _from_cell(kind, row.get(name, ""), name) for name, kind in FIELD_KINDS.items()}
    if values["claim_text"] is None:
        raise FieldError("claim_text", "the claim text is empty")
    if values["rating"] is None:
        values["rating"] = rating_from_textual(values["textual_rating"])
    return ReviewRecord(**values)


def read(lines: Iterable[str]) -> Iterator[ReviewRecord]:
    """Records from CSV text given line by line (open files with `newline=""`), one row at a time."""
    stream = iter(lines)
    header_line = ""
    skipped = 0
    for line in stream:
        if line.strip():
            header_line = line
            break
        skipped += 1
    if not header_line:
        raise bad_file("file", "the file is empty")

    def all_lines() -> Iterator[str]:
        yield header_line
        yield from stream

    reader = csv.reader(all_lines(), delimiter=_delimiter(header_line), strict=False)
    try:
        header = next(reader)
        columns = [column_name(name) for name in header]
        for name, column in zip(header, columns, strict=True):
            if column and column not in COLUMNS:
                known = ", ".join(COLUMNS)
                message = f"unknown column {excerpt(name)} (known columns: {known})"
                raise bad_file(f"line {skipped + 1}", message)
        duplicates = sorted({c for c in columns if c and columns.count(c) > 1})
        if duplicates:
            raise bad_file(f"line {skipped + 1}", f"column {duplicates[0]!r} appears twice")
        if "claim_text" not in columns:
            raise bad_file(f"line {skipped + 1}", "the header has no claim_text column")
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            where = f"line {skipped + start}"
            if len(cells) > len(columns):
                raise bad_file(where, f"{len(cells)} cells but the header has {len(columns)} columns")
            row = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
            claim = row.get("claim_text", "").strip()
            if claim:
                where = f"{where} ({excerpt(claim, 60)[1:-1]})"
            try:
                yield record_from_row(row)
            except FieldError as error:
                raise located(where, error) from None
    except csv.Error as error:
        raise bad_file(f"line {skipped + reader.line_num}", f"unreadable CSV ({error})") from None


# --- Writing ----------------------------------------------------------------------------------------------


def _join(items: list[str], *, urls: bool) -> str:
    """Items joined with `|`, or a JSON list when a separator or padding would not read back the same."""
    if not items:
        return ""
    plain = all(
        item and item == item.strip() and "|" not in item and not (urls and any(ch.isspace() for ch in item))
        for item in items
    )
    if plain and not items[0].startswith("["):
        return "|".join(items)
    return json.dumps(items, ensure_ascii=False)


def _sources_cell(sources: list[SourceRecord]) -> str:
    urls = [source.url for source in sources]
    bare = all(s.publisher is None and s.title is None for s in sources)
    if bare and all("|" not in url for url in urls):
        return "|".join(urls)
    return json.dumps([source_to_dict(source) for source in sources], ensure_ascii=False)


def _to_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "rating":
        return str(value.value)
    if kind == "date":
        return value.isoformat()
    if kind in ("urls", "texts"):
        return _join(value, urls=kind == "urls")
    if kind == "sources":
        return _sources_cell(value)
    if kind == "history":
        return json.dumps([record_to_dict(h) for h in value], ensure_ascii=False) if value else ""
    if kind == "count":
        return str(value) if value else ""
    if kind == "languages":
        return json.dumps(value, ensure_ascii=False) if value else ""
    return str(value)


def row_from_record(record: ReviewRecord) -> list[str]:
    """The cells of one record, in `COLUMNS` order."""
    return [_to_cell(kind, getattr(record, name)) for name, kind in FIELD_KINDS.items()]


def write(records: Iterable[ReviewRecord], out: TextIO) -> int:
    """Write a header and one row per record (open files with `newline=""`); returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        writer.writerow(row_from_record(record))
        count += 1
    return count

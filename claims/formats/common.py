"""Validation shared by the formats: one bad value becomes one `InvalidInput("bad_file")` saying where."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from claims.errors import InvalidInput
from claims.ratings import Rating, parse_rating
from claims.records import ReviewRecord, SourceRecord
from claims.views import Status

_SPACE = re.compile(r"\s")
# An ASCII http(s) URL that urlsplit reads with that scheme and a non-empty host, no whitespace anywhere, and no
# brackets in the host (urlsplit validates those as IPv6): anything else goes through urlsplit.
_PLAIN_HTTP_URL = re.compile(r"(?i:https?)://[^\s/?#\[\]]+(?:[/?#]\S*)?")


class FieldError(ValueError):
    """A bad value in one field of one record; the reader adds which record it was."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def bad_file(where: str, message: str, *, field: str | None = None) -> InvalidInput:
    """The error every reader raises: one line, naming the record (and field) that broke the file."""
    text = f"{where}: {field}: {message}" if field else f"{where}: {message}"
    return InvalidInput("bad_file", text, where=where, field=field)


def located(where: str, error: FieldError) -> InvalidInput:
    return bad_file(where, error.message, field=error.field)


def excerpt(text: object, width: int = 40) -> str:
    """A short, single-line rendering of a value for error messages."""
    flat = " ".join(str(text).split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def clean_text(value: object, field: str) -> str | None:
    """A free-text value: surrounding whitespace dropped, blank means absent. Numbers are accepted as text."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(field, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def check_url(value: object, field: str) -> str | None:
    """An absolute http(s) URL, or None when blank."""
    text = clean_text(value, field)
    if text is None:
        return None
    if text.isascii() and _PLAIN_HTTP_URL.fullmatch(text):
        return text  # the common case, settled without urlsplit (a third of reading a ClaimReview file)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _SPACE.search(text):
        raise FieldError(field, f"not an http(s) URL: {excerpt(text, 80)}")
    return text


def parse_datetime(value: object, field: str) -> datetime | None:
    """ISO 8601 date or date-time, as an aware UTC datetime (like the store's). A value without an offset is
    taken as UTC; a bare date is midnight UTC of that day."""
    text = clean_text(value, field)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"not an ISO 8601 date: {excerpt(text)}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_canonical_rating(value: object, field: str) -> Rating | None:
    """A rating a person typed: canonical or synonym (English or French); anything else is an error."""
    text = clean_text(value, field)
    if text is None:
        return None
    rating = parse_rating(text)
    if rating is None:
        known = ", ".join(r.value for r in Rating)
        raise FieldError(field, f"unknown rating {excerpt(text)} (expected one of {known} or a synonym)")
    return rating


# A merged claim lives on in the claim it was merged into; files carry only these.
IMPORT_STATUSES = (Status.PENDING.value, Status.PUBLISHED.value, Status.REJECTED.value)


def parse_status(value: object, field: str) -> str | None:
    text = clean_text(value, field)
    if text is None:
        return None
    if text.casefold() not in IMPORT_STATUSES:
        known = ", ".join(IMPORT_STATUSES)
        raise FieldError(field, f"unknown status {excerpt(text)} (expected one of {known})")
    return text.casefold()


def _whole(value: object, field: str, minimum: int, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
    if number is None or number < minimum:
        raise FieldError(field, f"expected {what}, got {excerpt(value)}")
    return number


def parse_claim_id(value: object, field: str) -> int | None:
    """A positive whole number (a database id), or None when blank."""
    return _whole(value, field, 1, "a positive whole number")


def parse_number(value: object, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(field, "expected a number")
    try:
        return float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FieldError(field, f"expected a number, got {excerpt(value)}") from None


def unique(items: Iterable[str]) -> list[str]:
    """The items in order, without repeats."""
    return list(dict.fromkeys(items))


def as_list(value: object) -> list[Any]:
    """JSON-LD allows one value where a list is expected."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- Every record field by kind, and a record as plain JSON (CSV `history` cells) --------------------------

# What each ReviewRecord field holds; codecs are written per kind, so a new field needs only a line here.
FIELD_KINDS: dict[str, str] = {
    "claim_text": "text",
    "rating": "rating",
    "textual_rating": "text",
    "review_url": "url",
    "headline": "text",
    "summary": "text",
    "language": "text",
    "publisher": "text",
    "publisher_url": "url",
    "reviewer": "text",
    "published_at": "date",
    "claimant": "text",
    "claim_date": "date",
    "appearances": "urls",
    "sources": "sources",
    "aliases": "texts",
    "user_texts": "texts",
    "wording_languages": "languages",
    "status": "status",
    "reject_reason": "text",
    "ask_count": "count",
    "reviewer_id": "id",
    "claim_id": "id",
    "history": "history",
}


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", re.IGNORECASE)


def parse_languages(value: object, field: str) -> dict[str, str]:
    """A JSON object mapping a wording to its language code (`{"Poutine a menti": "fr"}`); null is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(field, f"expected an object of wording to language code, got {type(value).__name__}")
    languages: dict[str, str] = {}
    for wording, code in value.items():
        if not isinstance(code, str) or not _LANGUAGE_CODE.fullmatch(code.strip()):
            raise FieldError(
                f"{field}[{excerpt(wording, 40)}]", f"expected a language code, got {excerpt(code)}"
            )
        languages[wording] = code.strip().lower()
    return languages


def parse_count(value: object, field: str) -> int:
    """A whole number >= 0; blank is 0."""
    return _whole(value, field, 0, "a whole number") or 0


def source_to_dict(source: SourceRecord) -> dict[str, str]:
    data = {"url": source.url, "publisher": source.publisher, "title": source.title}
    return {key: value for key, value in data.items() if value is not None}


def source_from_dict(value: object, field: str) -> SourceRecord:
    if isinstance(value, str):
        url = check_url(value, field)
        if url is None:
            raise FieldError(field, "a source needs a URL")
        return SourceRecord(url=url)
    if not isinstance(value, dict):
        raise FieldError(field, f"expected an object with a url, got {type(value).__name__}")
    unknown = set(value) - {"url", "publisher", "title"}
    if unknown:
        raise FieldError(field, f"unknown key {sorted(unknown)[0]!r} (expected url, publisher, title)")
    url = check_url(value.get("url"), f"{field}.url")
    if url is None:
        raise FieldError(f"{field}.url", "a source needs a URL")
    return SourceRecord(
        url=url,
        publisher=clean_text(value.get("publisher"), f"{field}.publisher"),
        title=clean_text(value.get("title"), f"{field}.title"),
    )


def _to_json(kind: str, value: Any) -> Any:
    if kind == "rating":
        return value.value if value is not None else None
    if kind == "date":
        return format_datetime(value)
    if kind in ("urls", "texts"):
        return list(value) or None
    if kind == "sources":
        return [source_to_dict(s) for s in value] or None
    if kind == "history":
        return [record_to_dict(h) for h in value] or None
    if kind in ("count", "languages"):
        return value or None
    return value


def record_to_dict(record: ReviewRecord) -> dict[str, Any]:
    """A record as a JSON object keyed by field name; absent values are left out."""
    data = {name: _to_json(kind, getattr(record, name)) for name, kind in FIELD_KINDS.items()}
    return {key: value for key, value in data.items() if value is not None}


def _str_list(value: object, field: str, *, urls: bool) -> list[str]:
    if not isinstance(value, list):
        raise FieldError(field, f"expected a list, got {type(value).__name__}")
    items: list[str] = []
    for index, item in enumerate(value):
        text = check_url(item, f"{field}[{index}]") if urls else clean_text(item, f"{field}[{index}]")
        if text is not None:
            items.append(text)
    return items


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, f"expected a list, got {type(value).__name__}")
    return value


def value_from_json(kind: str, value: object, field: str) -> Any:
    """One field's value from its JSON form, validated."""
    if kind == "text":
        return clean_text(value, field)
    if kind == "url":
        return check_url(value, field)
    if kind == "date":
        return parse_datetime(value, field)
    if kind == "rating":
        return parse_canonical_rating(value, field)
    if kind == "status":
        return parse_status(value, field)
    if kind == "id":
        return parse_claim_id(value, field)
    if kind == "count":
        return parse_count(value, field)
    if kind == "urls":
        return unique(_str_list(_list(value, field), field, urls=True))
    if kind == "texts":
        return _str_list(_list(value, field), field, urls=False)
    if kind == "sources":
        return [source_from_dict(s, f"{field}[{i}]") for i, s in enumerate(_list(value, field))]
    if kind == "history":
        return [record_from_dict(h, f"{field}[{i}]") for i, h in enumerate(_list(value, field))]
    if kind == "languages":
        return parse_languages(value, field)
    raise AssertionError(kind)


def record_from_dict(data: object, field: str = "") -> ReviewRecord:
    """The inverse of `record_to_dict`, validating every value. `field` prefixes the names in errors."""
    prefix = f"{field}." if field else ""
    if not isinstance(data, dict):
        raise FieldError(field or "record", f"expected an object, got {type(data).__name__}")
    unknown = [key for key in data if key not in FIELD_KINDS]
    if unknown:
        raise FieldError(f"{prefix}{unknown[0]}", "unknown key")
    values = {
        name: value_from_json(kind, data.get(name), prefix + name) for name, kind in FIELD_KINDS.items()
    }
    if values["claim_text"] is None:
        raise FieldError(prefix + "claim_text", "the claim text is empty")
    return ReviewRecord(**values)

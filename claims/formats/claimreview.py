"""schema.org ClaimReview (JSON, JSON-LD, JSON Lines, or the JSON-LD blocks of an HTML page) ⇄ ReviewRecord.

Reading — every object whose `@type` is ClaimReview, wherever it sits (one object, a list, an `@graph`, nested
in a WebPage), becomes one record:

- `claimReviewed` → claim_text (required);
- `headline`, else `name` → headline (kept as a second wording of the claim);
- `reviewRating.alternateName` (else `.name`) → textual_rating, verbatim;
- rating: the textual rating mapped to a canonical one, else `ratingValue` on the `worstRating`..`bestRating`
  scale (default 1..5); None when neither maps (the store then treats the verdict as `unproven`);
- `url` → review_url;
- `author` (an Organization's `name`, `url`) → publisher, publisher_url (an author of @type Person beside a
  `publisher` is the reviewer, and `publisher` the publisher);
- `datePublished` → published_at; `inLanguage` → language; `description`, else `reviewBody` → summary;
- `itemReviewed.author.name` → claimant; `itemReviewed.datePublished` → claim_date;
- `itemReviewed.firstAppearance` and `.appearance` (URLs or objects with `url`) → appearances;
- `citation` and `isBasedOn` (URLs, or CreativeWorks with `url`, `name`/`headline`, `publisher`) → sources,
  each URL once; a citation given as plain text (no URL) is skipped. The review itself need not be listed:
  like every record's, its review URL is the verdict's first source (the store adds it, with the publisher
  and headline).

Writing — a JSON-LD document with one `@context` and an `@graph` of ClaimReview objects. What schema.org
cannot say (aliases, people's wordings, status, ask count, claim id, reviewer, verdict history, a rating that
differs from what the textual rating suggests) goes into `factcheckbot:`-prefixed properties (the prefix is
declared in the context), written only when the standard properties alone would not read back the same record.
Reading applies them last, so export → import gives back exactly the records that were exported.
Pending claims (no verdict) are exported too, as ClaimReview objects without a `reviewRating`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from claims.formats.common import (
    FIELD_KINDS,
    IMPORT_STATUSES,
    FieldError,
    as_list,
    bad_file,
    check_url,
    clean_text,
    excerpt,
    format_datetime,
    located,
    parse_datetime,
    parse_languages,
    parse_number,
    unique,
)
from claims.ratings import Rating, rating_from_textual, rating_from_value, rating_to_value
from claims.records import ReviewRecord, SourceRecord

PREFIX = "factcheckbot:"
NAMESPACE = "urn:factcheckbot:"
CONTEXT: list[Any] = ["https://schema.org", {"factcheckbot": NAMESPACE}]

RATING_LABELS: dict[Rating, str] = {
    Rating.TRUE: "True",
    Rating.MOSTLY_TRUE: "Mostly true",
    Rating.MIXED: "Mixed",
    Rating.MISLEADING: "Misleading",
    Rating.MOSTLY_FALSE: "Mostly false",
    Rating.FALSE: "False",
    Rating.UNPROVEN: "Unproven",
}


# --- Reading ----------------------------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> set[str]:
    names = set()
    for value in as_list(node.get("@type")):
        if isinstance(value, str):
            names.add(value.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return names


def is_claimreview(node: object) -> bool:
    """An object typed ClaimReview (any schema.org spelling), or untyped but carrying `claimReviewed`."""
    if not isinstance(node, dict):
        return False
    types = _types(node)
    return "ClaimReview" in types or (not types and "claimReviewed" in node)


def find_claimreviews(value: object) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object in a JSON value, in document order (not looking inside a ClaimReview)."""
    if is_claimreview(value):
        yield value  # type: ignore[misc]
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith(PREFIX):
                yield from find_claimreviews(item)
    elif isinstance(value, list):
        for item in value:
            yield from find_claimreviews(item)


def _first_object(value: object, field: str) -> dict[str, Any] | None:
    for item in as_list(value):
        if isinstance(item, dict):
            return item
        if item is not None and not isinstance(item, str):
            raise FieldError(field, f"expected an object, got {type(item).__name__}")
    return None


def _name(value: object, field: str) -> str | None:
    """The `name` of a Person/Organization given as an object, a plain string, or a list of them (first)."""
    for item in as_list(value):
        if isinstance(item, str):
            return clean_text(item, field)
        if isinstance(item, dict):
            return clean_text(item.get("name"), f"{field}.name")
    return None


def _language(value: object) -> str | None:
    for item in as_list(value):
        if isinstance(item, str):
            return clean_text(item, "inLanguage")
        if isinstance(item, dict):
            return clean_text(item.get("alternateName") or item.get("name"), "inLanguage")
    return None


def _link(entry: object, field: str, *, text_ok: bool = False) -> str | None:
    """The URL of an appearance or citation given as a URL string or an object with `url` (or `@id`).

    `text_ok`: a string that is not a URL is plain text (a citation may be "Le Monde, 3 mars"), not an error.
    """
    if isinstance(entry, str):
        if text_ok and not entry.strip().lower().startswith(("http://", "https://")):
            return None
        return check_url(entry, field)
    if isinstance(entry, dict):
        for key in ("url", "@id"):
            value = entry.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if value is not None and (key == "url" or str(value).lower().startswith(("http://", "https://"))):
                return check_url(value, f"{field}.{key}")
    return None


def _source(entry: object, field: str) -> SourceRecord | None:
    url = _link(entry, field, text_ok=True)
    if url is None:
        return None
    if not isinstance(entry, dict):
        return SourceRecord(url=url)
    title = clean_text(entry.get("headline"), f"{field}.headline")
    title = title or clean_text(entry.get("name"), f"{field}.name")
    publisher = _name(entry.get("publisher"), f"{field}.publisher")
    publisher = publisher or _name(entry.get("author"), f"{field}.author")
    return SourceRecord(url=url, publisher=publisher, title=title)


def _rating(value: object) -> tuple[Rating | None, str | None]:
    if isinstance(value, str):
        textual = clean_text(value, "reviewRating")
        return rating_from_textual(textual), textual
    rating_node = _first_object(value, "reviewRating")
    if rating_node is None:
        return None, None
    textual = clean_text(rating_node.get("alternateName"), "reviewRating.alternateName")
    if textual is None:
        textual = clean_text(rating_node.get("name"), "reviewRating.name")
    rating = rating_from_textual(textual)
    number = parse_number(rating_node.get("ratingValue"), "reviewRating.ratingValue")
    best = parse_number(rating_node.get("bestRating"), "reviewRating.bestRating")
    worst = parse_number(rating_node.get("worstRating"), "reviewRating.worstRating")
    if rating is None and number is not None:
        rating = rating_from_value(number, 5.0 if best is None else best, 1.0 if worst is None else worst)
    return rating, textual


def _standard_record(node: dict[str, Any]) -> ReviewRecord:
    """The record the schema.org properties alone describe (claim text may still be empty)."""
    headline = clean_text(node.get("headline"), "headline") or clean_text(node.get("name"), "name")
    review_url = check_url(node.get("url"), "url")
    author = _first_object(node.get("author"), "author")
    author_name = _name(node.get("author"), "author")
    publisher, reviewer, publisher_url = author_name, None, None
    if author is not None:
        publisher_url = check_url(author.get("url"), "author.url")
        if "Person" in _types(author) and node.get("publisher"):
            org = _first_object(node.get("publisher"), "publisher")
            reviewer = author_name
            publisher = _name(node.get("publisher"), "publisher")
            publisher_url = check_url(org.get("url"), "publisher.url") if org else None
    elif publisher is None:
        publisher = _name(node.get("publisher"), "publisher")
    rating, textual = _rating(node.get("reviewRating"))
    summary = clean_text(node.get("description"), "description")
    summary = summary or clean_text(node.get("reviewBody"), "reviewBody")

    item = _first_object(node.get("itemReviewed"), "itemReviewed") or {}
    appearances: list[str] = []
    for key in ("firstAppearance", "appearance"):
        for index, entry in enumerate(as_list(item.get(key))):
            url = _link(entry, f"itemReviewed.{key}[{index}]")
            if url is not None:
                appearances.append(url)

    sources: list[SourceRecord] = []
    for key in ("citation", "isBasedOn"):
        for index, entry in enumerate(as_list(node.get(key))):
            source = _source(entry, f"{key}[{index}]")
            if source is not None and all(source.url != known.url for known in sources):
                sources.append(source)

    return ReviewRecord(
        claim_text=clean_text(node.get("claimReviewed"), "claimReviewed") or "",
        rating=rating,
        textual_rating=textual,
        review_url=review_url,
        headline=headline,
        summary=summary,
        language=_language(node.get("inLanguage")),
        publisher=publisher,
        publisher_url=publisher_url,
        reviewer=reviewer,
        published_at=parse_datetime(node.get("datePublished"), "datePublished"),
        claimant=_name(item.get("author"), "itemReviewed.author"),
        claim_date=parse_datetime(item.get("datePublished"), "itemReviewed.datePublished"),
        appearances=unique(appearances),
        sources=sources,
    )


# --- The factcheckbot: extension: every record field, encoded exactly -------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _want_str(value: object, field: str, *, url: bool = False, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise FieldError(field, "expected non-empty text" if required else "expected text or null")
    if url:
        check_url(value, field)
    return value


def _want_str_list(value: object, field: str, *, url: bool = False) -> list[str]:
    if not isinstance(value, list):
        raise FieldError(field, "expected a list")
    return [_want_str(item, f"{field}[{i}]", url=url, required=True) or "" for i, item in enumerate(value)]


def _encode_sources(sources: list[SourceRecord]) -> list[dict[str, Any]]:
    return [_creative_work(source) for source in sources]


def _decode_sources(value: object, field: str) -> list[SourceRecord]:
    if not isinstance(value, list):
        raise FieldError(field, "expected a list")
    sources = []
    for index, entry in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(entry, dict):
            raise FieldError(where, "expected an object")
        publisher = entry.get("publisher")
        if isinstance(publisher, dict):
            publisher = publisher.get("name")
        sources.append(
            SourceRecord(
                url=_want_str(entry.get("url"), f"{where}.url", url=True, required=True) or "",
                publisher=_want_str(publisher, f"{where}.publisher"),
                title=_want_str(entry.get("name"), f"{where}.name"),
            )
        )
    return sources


def _decode_rating(value: object, field: str) -> Rating | None:
    if value is None:
        return None
    try:
        return Rating(value)  # type: ignore[arg-type]
    except ValueError:
        raise FieldError(field, f"unknown rating {excerpt(value)}") from None


def _decode_status(value: object, field: str) -> str | None:
    if value is not None and value not in IMPORT_STATUSES:
        raise FieldError(
            field, f"unknown status {excerpt(value)} (expected one of {', '.join(IMPORT_STATUSES)})"
        )
    return value  # type: ignore[return-value]


def _decode_int(value: object, field: str, *, minimum: int, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FieldError(field, f"expected a whole number >= {minimum}")
    return value


def _decode_date(value: object, field: str) -> Any:
    return parse_datetime(_want_str(value, field), field)


def _decode_history(value: object, field: str) -> list[ReviewRecord]:
    if not isinstance(value, list):
        raise FieldError(field, "expected a list")
    history = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise FieldError(f"{field}[{index}]", "expected a ClaimReview object")
        try:
            history.append(record_from_node(entry))
        except FieldError as error:
            raise FieldError(f"{field}[{index}].{error.field}", error.message) from None
    return history


def _plain(value: object) -> object:
    return value


_Codec = tuple[Callable[[Any], Any], Callable[[object, str], Any]]
# How each kind of field (`claims.formats.common.FIELD_KINDS`) is written in a factcheckbot: property.
_CODECS: dict[str, _Codec] = {
    "text": (_plain, _want_str),
    "url": (_plain, lambda v, f: _want_str(v, f, url=True)),
    "date": (format_datetime, _decode_date),
    "rating": (lambda r: r.value if r is not None else None, _decode_rating),
    "status": (lambda s: None if s is None else str(s), _decode_status),
    "id": (_plain, lambda v, f: _decode_int(v, f, minimum=1, nullable=True)),
    "count": (_plain, lambda v, f: _decode_int(v, f, minimum=0, nullable=False)),
    "urls": (list, lambda v, f: _want_str_list(v, f, url=True)),
    "texts": (list, _want_str_list),
    "sources": (_encode_sources, _decode_sources),
    "history": (lambda h: [node_from_record(r) for r in h], _decode_history),
    "languages": (dict, parse_languages),
}
_EXTENSION_KEYS = {PREFIX + _camel(name): name for name in FIELD_KINDS}


def record_from_node(node: dict[str, Any]) -> ReviewRecord:
    """One ClaimReview object as a record; raises FieldError naming the property at fault."""
    record = _standard_record(node)
    for key, value in node.items():
        if not key.startswith(PREFIX):
            continue
        name = _EXTENSION_KEYS.get(key)
        if name is None:
            raise FieldError(key, "unknown factcheckbot property")
        _, decode = _CODECS[FIELD_KINDS[name]]
        setattr(record, name, decode(value, key))
    if not isinstance(record.claim_text, str) or not record.claim_text.strip():
        raise FieldError("claimReviewed", "missing or empty claim text")
    return record


def _label(where: str, number: int, node: dict[str, Any]) -> str:
    label = where if where and number == 1 else f"{where + ', ' if where else ''}record {number}"
    hint = node.get("url") or node.get("claimReviewed")
    return f"{label} ({excerpt(hint, 60)[1:-1]})" if isinstance(hint, str) and hint.strip() else label


def records_from_json(value: object, where: str = "", *, strict: bool = True) -> Iterator[ReviewRecord]:
    """Every ClaimReview in one JSON value as a record. `strict`: a value without any is an error."""
    found = 0
    for found, node in enumerate(find_claimreviews(value), start=1):
        try:
            yield record_from_node(node)
        except FieldError as error:
            raise located(_label(where, found, node), error) from None
    empty = value == [] or (isinstance(value, dict) and value.get("@graph") == [])  # e.g. an empty export
    if strict and not found and not empty:
        hint = ""
        if isinstance(value, dict) and isinstance(value.get("claims"), list):
            hint = " (this looks like a Google Fact Check Tools response: use --format factcheck-api)"
        raise bad_file(where or "file", f"no ClaimReview object found{hint}")


# --- Writing ----------------------------------------------------------------------------------------------


def _creative_work(source: SourceRecord) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
    if source.title is not None:
        work["name"] = source.title
    if source.publisher is not None:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    return work


def _standard_node(record: ReviewRecord) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "ClaimReview"}
    if record.review_url:
        node["url"] = record.review_url
    node["claimReviewed"] = record.claim_text
    if record.headline:
        node["headline"] = record.headline
    if record.summary:
        node["description"] = record.summary
    if record.language:
        node["inLanguage"] = record.language
    if record.published_at is not None:
        node["datePublished"] = record.published_at.isoformat()
    if record.publisher or record.publisher_url:
        author: dict[str, Any] = {"@type": "Organization"}
        if record.publisher:
            author["name"] = record.publisher
        if record.publisher_url:
            author["url"] = record.publisher_url
        node["author"] = author
    if record.rating is not None or record.textual_rating:
        review_rating: dict[str, Any] = {"@type": "Rating"}
        if record.rating is not None and (value := rating_to_value(record.rating)) is not None:
            review_rating.update(ratingValue=value, bestRating=5, worstRating=1)
        label = record.textual_rating or (RATING_LABELS[record.rating] if record.rating else None)
        review_rating["alternateName"] = label
        node["reviewRating"] = review_rating
    item: dict[str, Any] = {"@type": "Claim"}
    if record.claimant:
        item["author"] = {"@type": "Person", "name": record.claimant}
    if record.claim_date is not None:
        item["datePublished"] = record.claim_date.isoformat()
    if record.appearances:
        item["appearance"] = [{"@type": "CreativeWork", "url": url} for url in record.appearances]
    node["itemReviewed"] = item
    if record.sources:
        node["citation"] = [_creative_work(source) for source in record.sources]
    return node


def node_from_record(record: ReviewRecord) -> dict[str, Any]:
    """A record as a ClaimReview object (without `@context`) that `record_from_node` reads back exactly."""
    node = _standard_node(record)
    try:
        plain = _standard_record(node)
    except FieldError:
        plain = ReviewRecord(claim_text="")
    for name, kind in FIELD_KINDS.items():
        value = getattr(record, name)
        if getattr(plain, name) != value:
            encode, _ = _CODECS[kind]
            node[PREFIX + _camel(name)] = encode(value)
    return node


def write(records: Iterable[ReviewRecord], out: TextIO) -> int:
    """Write a JSON-LD document (`@context` + `@graph`), one record at a time; returns how many."""
    out.write('{\n  "@context": ' + json.dumps(CONTEXT) + ',\n  "@graph": [')
    count = 0
    for record in records:
        text = json.dumps(node_from_record(record), ensure_ascii=False, indent=2)
        out.write(("\n    " if count == 0 else ",\n    ") + text.replace("\n", "\n    "))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count

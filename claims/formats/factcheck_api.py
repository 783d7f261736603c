"""Google Fact Check Tools API `claims:search` responses → ReviewRecord (read only).

A response is `{"claims": [...], "nextPageToken": "..."}`; a file may hold one response, a JSON list of them,
or one per line (JSON Lines), so saved pages can be imported together. Each `claimReview` of a claim becomes
one record carrying the claim's text:

- `claims[].text` → claim_text (required); `.claimant` → claimant; `.claimDate` → claim_date;
- `claimReview[].url` → review_url (the verdict's source: the store lists it with the publisher and title);
- `claimReview[].title` → headline;
- `claimReview[].textualRating` → textual_rating verbatim, and the rating mapped from it (None when it does
  not map: the store then treats the verdict as `unproven`);
- `claimReview[].reviewDate` → published_at; `.languageCode` → language;
- `claimReview[].publisher.name` → publisher (else the site); `.publisher.site` → publisher_url
  (`https://` is added to a bare host name).

A claim without any `claimReview` becomes one record without a verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claims.formats.common import (
    FieldError,
    as_list,
    bad_file,
    check_url,
    clean_text,
    excerpt,
    located,
    parse_datetime,
)
from claims.ratings import rating_from_textual
from claims.records import ReviewRecord


def is_response(value: object) -> bool:
    """A Fact Check Tools response (or a list of them): an object whose `claims` is a list."""
    if isinstance(value, list):
        return bool(value) and all(is_response(item) for item in value)
    return isinstance(value, dict) and isinstance(value.get("claims"), list)


def _site_url(value: object, field: str) -> str | None:
    site = clean_text(value, field)
    if site is None:
        return None
    if "://" not in site:
        site = "https://" + site
    return check_url(site, field)


def _review_record(claim: dict[str, Any], review: object, claim_text: str) -> ReviewRecord:
    if not isinstance(review, dict):
        raise FieldError("claimReview", f"expected an object, got {type(review).__name__}")
    publisher_node = review.get("publisher") or {}
    if not isinstance(publisher_node, dict):
        raise FieldError("publisher", f"expected an object, got {type(publisher_node).__name__}")
    site = clean_text(publisher_node.get("site"), "publisher.site")
    publisher = clean_text(publisher_node.get("name"), "publisher.name") or site
    publisher_url = _site_url(publisher_node.get("site"), "publisher.site")
    url = check_url(review.get("url"), "url")
    title = clean_text(review.get("title"), "title")
    textual = clean_text(review.get("textualRating"), "textualRating")
    return ReviewRecord(
        claim_text=claim_text,
        rating=rating_from_textual(textual),
        textual_rating=textual,
        review_url=url,
        headline=title,
        language=clean_text(review.get("languageCode"), "languageCode"),
        publisher=publisher,
        publisher_url=publisher_url,
        published_at=parse_datetime(review.get("reviewDate"), "reviewDate"),
        claimant=clean_text(claim.get("claimant"), "claimant"),
        claim_date=parse_datetime(claim.get("claimDate"), "claimDate"),
    )


def _claim_records(claim: object, label: str) -> Iterator[ReviewRecord]:
    if not isinstance(claim, dict):
        raise bad_file(label, f"expected a claim object, got {type(claim).__name__}")
    text = claim.get("text")
    if isinstance(text, str) and text.strip():
        label = f"{label} ({excerpt(text, 60)[1:-1]})"
    try:
        claim_text = clean_text(text, "text")
        if claim_text is None:
            raise FieldError("text", "missing or empty claim text")
        reviews = as_list(claim.get("claimReview"))
        if not reviews:
            yield ReviewRecord(
                claim_text=claim_text,
                claimant=clean_text(claim.get("claimant"), "claimant"),
                claim_date=parse_datetime(claim.get("claimDate"), "claimDate"),
            )
            return
    except FieldError as error:
        raise located(label, error) from None
    for index, review in enumerate(reviews, start=1):
        try:
            yield _review_record(claim, review, claim_text)
        except FieldError as error:
            where = label if len(reviews) == 1 else f"{label}, claimReview {index}"
            raise located(where, error) from None


def records_from_json(value: object, where: str = "") -> Iterator[ReviewRecord]:
    """Every review in one response (or list of responses) as records."""
    pages = value if isinstance(value, list) else [value]
    for page_number, page in enumerate(pages, start=1):
        page_label = where if len(pages) == 1 else f"{where + ', ' if where else ''}response {page_number}"
        if not isinstance(page, dict) or not isinstance(page.get("claims"), list):
            raise bad_file(page_label or "file", 'not a Fact Check Tools response (no "claims" list)')
        for number, claim in enumerate(page["claims"], start=1):
            yield from _claim_records(claim, f"{page_label + ', ' if page_label else ''}claim {number}")

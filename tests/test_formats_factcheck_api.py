"""Google Fact Check Tools API `claims:search` responses: one record per review, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claims.errors import InvalidInput
from claims.formats import parse_records
from claims.ratings import Rating

DATA = Path(__file__).parent / "data"
RESPONSE = json.loads((DATA / "factcheck_api.json").read_text())


def _parse(value: object) -> list:
    return parse_records(json.dumps(value), "factcheck-api")


def _error(value: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        _parse(value)
    assert caught.value.code == "bad_file"
    return str(caught.value)


def test_each_claim_review_becomes_a_record_with_the_claim_text() -> None:
    records = parse_records((DATA / "factcheck_api.json").read_bytes(), "factcheck-api")
    assert [r.claim_text for r in records] == [
        "Bill Gates wants to microchip people through vaccines",
        "Bill Gates wants to microchip people through vaccines",
        "Eating garlic prevents infection with the new coronavirus",
    ]
    assert [r.publisher for r in records] == ["Reuters", "AFP Factuel", "who.example"]


def test_review_fields_are_mapped() -> None:
    reuters = _parse(RESPONSE)[0]
    assert reuters.review_url == "https://www.reuters.example/article/uk-factcheck-gates-microchip"
    assert reuters.headline == "Fact check: Bill Gates is not planning to microchip the world"
    assert reuters.published_at == datetime(2020, 5, 5, 16, 20, tzinfo=UTC)
    assert reuters.language == "en"
    assert reuters.publisher_url == "https://reuters.example"
    assert reuters.claimant == "Social media users"
    assert reuters.claim_date == datetime(2020, 5, 1, tzinfo=UTC)


def test_textual_ratings_are_kept_and_mapped() -> None:
    ratings = [(r.textual_rating, r.rating) for r in _parse(RESPONSE)]
    assert ratings == [("False", Rating.FALSE), ("Faux", Rating.FALSE), ("No evidence", Rating.UNPROVEN)]


def test_an_unmappable_textual_rating_leaves_the_rating_empty() -> None:
    page = {
        "claims": [
            {
                "text": "Une affirmation",
                "claimReview": [{"url": "https://e.example/1", "textualRating": "Ça dépend"}],
            }
        ]
    }
    [record] = _parse(page)
    assert (record.rating, record.textual_rating) == (None, "Ça dépend")


def test_a_claim_without_reviews_becomes_a_record_without_a_verdict() -> None:
    [record] = _parse({"claims": [{"text": "Une rumeur sans vérification", "claimant": "X"}]})
    assert (record.claim_text, record.claimant, record.review_url, record.rating) == (
        "Une rumeur sans vérification",
        "X",
        None,
        None,
    )


def test_saved_pages_can_be_read_as_a_list_or_as_json_lines() -> None:
    pages = [RESPONSE, {"claims": [{"text": "Autre", "claimReview": [{"url": "https://e.example/2"}]}]}]
    assert len(_parse(pages)) == 4
    lines = "\n".join(json.dumps(page) for page in pages) + "\n"
    assert len(parse_records(lines, "auto")) == 4


def test_a_bad_review_names_the_claim_and_the_review() -> None:
    page = json.loads(json.dumps(RESPONSE))
    page["claims"][0]["claimReview"][1]["reviewDate"] = "le 7 mai"
    message = _error(page)
    assert message.startswith(
        "claim 1 (Bill Gates wants to microchip people through vaccines), claimReview 2"
    )
    assert "reviewDate: not an ISO 8601 date" in message


def test_a_claim_without_text_is_rejected() -> None:
    page = {"claims": [RESPONSE["claims"][1], {"claimReview": []}]}
    assert _error(page).startswith("claim 2: text: missing or empty claim text")


def test_a_bad_review_url_is_rejected() -> None:
    page = {"claims": [{"text": "Une affirmation", "claimReview": [{"url": "www.example.org/sans-schema"}]}]}
    assert "url: not an http(s) URL" in _error(page)


def test_a_file_that_is_not_a_response_is_rejected() -> None:
    assert 'no "claims" list' in _error({"@type": "ClaimReview", "claimReviewed": "x"})

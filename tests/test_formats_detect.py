"""`--format auto`: the format is guessed from the file name and content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.errors import InvalidInput
from claims.formats import detect_format, parse_records

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claimreview_fr.jsonld", "claimreview"),
        ("claimreview_graph.jsonld", "claimreview"),
        ("claimreview.jsonl", "claimreview"),
        ("claimreview_page.html", "claimreview"),
        ("factcheck_api.json", "factcheck-api"),
        ("reviews_fr.csv", "csv"),
    ],
)
def test_fixtures_are_recognised(name: str, expected: str) -> None:
    text = (DATA / name).read_text()
    assert detect_format(text, name) == expected
    assert detect_format(text) == expected


def test_a_comma_header_is_csv_whatever_the_name() -> None:
    assert detect_format("claim_text,rating\nx,faux\n", "upload.txt") == "csv"


def test_the_start_of_a_long_response_is_enough() -> None:
    head = '{\n  "claims": [\n    {"text": "une affirmation", "claimRev'
    assert detect_format(head) == "factcheck-api"


def test_auto_reads_every_fixture_like_its_explicit_format() -> None:
    for name, fmt in (
        ("claimreview_fr.jsonld", "claimreview"),
        ("factcheck_api.json", "factcheck-api"),
        ("reviews_fr.csv", "csv"),
        ("claimreview.jsonl", "claimreview"),
    ):
        data = (DATA / name).read_bytes()
        assert parse_records(data, "auto") == parse_records(data, fmt), name


def test_auto_recognises_a_response_whatever_the_order_of_its_keys() -> None:
    response = json.loads((DATA / "factcheck_api.json").read_text())
    reordered = json.dumps({"nextPageToken": "x", "claims": response["claims"]}, indent=4)
    assert len(parse_records(reordered)) == 3


def test_a_file_that_is_not_utf8_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_records("claim_text\nCafé\n".encode("latin-1"))


def test_an_unknown_format_name_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_records("x", "xml")
    assert caught.value.code == "bad_format"

"""CSV: documented columns, French text with quotes and line breaks, clear errors, exact round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claims.errors import InvalidInput
from claims.formats import parse_records, write_records
from claims.formats.csv_table import COLUMNS
from claims.ratings import Rating
from claims.records import ReviewRecord, SourceRecord

DATA = Path(__file__).parent / "data"


def _read(name: str) -> list[ReviewRecord]:
    return parse_records((DATA / name).read_bytes(), "csv", name=name)


def _error(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_records(text, "csv")
    assert caught.value.code == "bad_file"
    assert "\n" not in str(caught.value)
    return str(caught.value)


def _export(records: list[ReviewRecord]) -> str:
    out = io.StringIO(newline="")
    write_records(records, out, "csv")
    return out.getvalue()


def test_french_rows_with_quotes_and_line_breaks_are_read() -> None:
    records = _read("reviews_fr.csv")
    assert len(records) == 4
    barbecue = records[0]
    assert barbecue.claim_text == 'Le gouvernement a "interdit" les barbecues, même dans les jardins privés'
    assert barbecue.summary == (
        "L'arrêté ne concerne que les forêts, et seulement\npendant les périodes de sécheresse."
    )
    assert (barbecue.rating, barbecue.textual_rating) == (Rating.FALSE, "Faux")
    assert (barbecue.publisher, barbecue.reviewer, barbecue.language) == (
        "AFP Factuel",
        "Claire Dupont",
        "fr",
    )
    assert barbecue.published_at == datetime(2023, 7, 12, tzinfo=UTC)


def test_list_columns_are_split() -> None:
    barbecue = _read("reviews_fr.csv")[0]
    assert barbecue.appearances == ["https://www.facebook.example/p/1", "https://x.example/s/2"]
    assert barbecue.sources == [
        SourceRecord(url="https://www.legifrance.example/arrete-123"),
        SourceRecord(url="https://www.prefecture.example/secheresse"),
    ]
    assert barbecue.aliases == [
        "Les barbecues sont interdits en France",
        "Interdiction des barbecues dans les jardins",
    ]


def test_sources_may_be_a_json_list() -> None:
    eiffel = _read("reviews_fr.csv")[1]
    assert eiffel.sources == [
        SourceRecord(
            url="https://www.toureiffel.example/peinture",
            publisher="SETE",
            title="La 20e campagne de peinture",
        )
    ]
    assert eiffel.published_at == datetime(2024, 1, 3, 9, 15, tzinfo=UTC)


def test_a_blank_rating_is_taken_from_the_textual_rating_when_it_maps() -> None:
    records = _read("reviews_fr.csv")
    assert (records[1].rating, records[2].rating) == (Rating.MISLEADING, Rating.FALSE)


def test_a_row_with_only_the_claim_has_no_verdict() -> None:
    pope = _read("reviews_fr.csv")[3]
    assert pope == ReviewRecord(claim_text="Le pape a soutenu un candidat à la présidentielle")


def test_headers_are_case_and_spacing_insensitive_and_semicolons_work() -> None:
    text = "\ufeffClaim Text;RATING;review-url\nLa Terre est plate;faux;https://example.org/terre\n"
    [record] = parse_records(text, "csv")
    assert (record.claim_text, record.rating, record.review_url) == (
        "La Terre est plate",
        Rating.FALSE,
        "https://example.org/terre",
    )


def test_checkthat_verified_claims_import_as_they_are() -> None:
    # verified_claims.tsv of the CheckThat! lab: an unnamed row-number column, the claim and the headline.
    text = (
        "\tvclaim\ttitle\n"
        "0\tA photograph shows <b>Putin</b> and Kim.\tIs This Photo of Putin and Kim Real?\n"
        '1\t"Quoted ""claim"" text"\t\n'
    )
    first, second = parse_records(text, "csv", name="verified_claims.tsv")
    assert (first.claim_text, first.headline, first.claim_id) == (
        "A photograph shows <b>Putin</b> and Kim.",
        "Is This Photo of Putin and Kim Real?",
        None,
    )
    assert (second.claim_text, second.headline) == ('Quoted "claim" text', None)


def test_a_synonym_and_its_column_together_are_a_duplicate() -> None:
    assert "column 'claim_text' appears twice" in _error("claim_text,vclaim\nx,y\n")


def test_an_unknown_rating_names_the_line_and_the_column() -> None:
    message = _error((DATA / "bad_rating.csv").read_text())
    assert message.startswith(
        "line 4 (Les éoliennes tuent plus d'oiseaux que les chats): rating: unknown rating"
    )


def test_an_unknown_column_is_named() -> None:
    assert "unknown column 'verdict'" in _error("claim_text,verdict\nx,faux\n")


def test_the_claim_text_column_is_required() -> None:
    assert "no claim_text column" in _error("rating,review_url\nfaux,https://example.org\n")


def test_a_duplicated_column_is_rejected() -> None:
    assert "appears twice" in _error("claim_text,Rating,rating\nx,faux,vrai\n")


def test_an_empty_claim_text_is_rejected() -> None:
    assert _error("claim_text,rating\nUne affirmation,faux\n  ,vrai\n").startswith("line 3: claim_text")


def test_a_row_with_too_many_cells_is_rejected() -> None:
    assert "3 cells but the header has 2 columns" in _error("claim_text,rating\nUne, deux,faux\n")


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("review_url", "example.org/x", "review_url: not an http(s) URL"),
        ("published_at", "12/07/2023", "published_at: not an ISO 8601 date"),
        ("status", "merged", "status: unknown status"),
        ("claim_id", "-3", "claim_id: expected a positive whole number"),
        ("ask_count", "beaucoup", "ask_count: expected a whole number"),
        ("sources", '[{"url": "https://e.example", "author": "x"}]', "sources[0]: unknown key 'author'"),
        ("history", "[{", "history: invalid JSON"),
        ("appearances", "https://ok.example ftp://bad.example", "appearances[1]: not an http(s) URL"),
    ],
)
def test_a_bad_cell_is_rejected_naming_its_column(column: str, value: str, expected: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["claim_text", column], ["Une affirmation", value]])
    assert expected in _error(out.getvalue())


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    text = '\nclaim_text,rating\n\nUne affirmation,faux\n\n"Deux\nlignes",vrai\nTrois,bof\n'
    assert _error(text).startswith("line 8 (Trois): rating")


def test_export_writes_every_documented_column() -> None:
    header = _export([]).splitlines()[0]
    assert header.split(",") == list(COLUMNS)
    for column in (
        "claim_text",
        "rating",
        "textual_rating",
        "review_url",
        "headline",
        "summary",
        "language",
        "publisher",
        "reviewer",
        "published_at",
        "claimant",
        "claim_date",
        "appearances",
        "sources",
        "aliases",
        "status",
        "claim_id",
        "history",
    ):
        assert column in COLUMNS


def test_fixture_rows_round_trip_exactly() -> None:
    records = _read("reviews_fr.csv")
    assert parse_records(_export(records), "csv") == records


def test_texts_with_separators_and_history_round_trip_exactly() -> None:
    earlier = ReviewRecord(
        claim_text="Le métro sera gratuit",
        rating=Rating.MIXED,
        reviewer_id=9,
        sources=[SourceRecord(url="https://example.org/v1", title="v1")],
        published_at=datetime(2022, 5, 1, tzinfo=UTC),
    )
    record = ReviewRecord(
        claim_text='Le métro sera gratuit, "dès lundi"\net pour tous',
        rating=Rating.FALSE,
        textual_rating="Faux | archi-faux",
        review_url="https://example.org/metro",
        aliases=["Métro | gratuit", "[bientôt]"],
        user_texts=["métro gratuit ??"],
        appearances=["https://example.org/a|b"],
        status="published",
        ask_count=3,
        claim_id=12,
        history=[earlier],
    )
    assert parse_records(_export([record]), "csv") == [record]


def test_a_pending_and_a_rejected_claim_round_trip() -> None:
    records = [
        ReviewRecord(claim_text="En attente", status="pending", ask_count=4, user_texts=["en attente ?"]),
        ReviewRecord(claim_text="Rejetée", status="rejected", reject_reason="pas une affirmation vérifiable"),
    ]
    assert parse_records(_export(records), "csv") == records

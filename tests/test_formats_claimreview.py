"""schema.org ClaimReview: reading real-looking JSON-LD, JSON Lines and HTML, rejecting bad files, exact export."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claims.errors import InvalidInput
from claims.formats import parse_records, read_records, write_records
from claims.formats.claimreview import PREFIX, node_from_record
from claims.ratings import Rating
from claims.records import ReviewRecord, SourceRecord

DATA = Path(__file__).parent / "data"


def _read(name: str) -> list[ReviewRecord]:
    return parse_records((DATA / name).read_bytes(), "claimreview", name=name)


def _review(**fields: object) -> str:
    node = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "Une affirmation"}
    node.update(fields)
    return json.dumps(node)


def _error(text: str, fmt: str = "claimreview") -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_records(text, fmt)
    assert caught.value.code == "bad_file"
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_french_fact_check_maps_every_field() -> None:
    [record] = _read("claimreview_fr.jsonld")
    assert record.claim_text == "La 5G propage le coronavirus et affaiblit le système immunitaire"
    assert record.headline == "Non, la 5G ne propage pas le nouveau coronavirus"
    assert record.rating == Rating.FALSE
    assert record.textual_rating == "Faux"
    assert record.review_url == "https://factuel.example.fr/doc.afp.com.33XY7Q2"
    assert (record.publisher, record.publisher_url) == ("AFP Factuel", "https://factuel.example.fr/")
    assert record.published_at == datetime(2020, 4, 3, 12, 22, tzinfo=UTC)
    assert record.language == "fr"
    assert record.summary.startswith("Les ondes radio ne peuvent pas transporter un virus")
    assert record.claimant == "Publications Facebook"
    assert record.claim_date == datetime(2020, 3, 28, tzinfo=UTC)


def test_first_appearance_and_appearances_are_kept_once_in_order() -> None:
    [record] = _read("claimreview_fr.jsonld")
    assert record.appearances == [
        "https://www.facebook.example/posts/5g-covid-1",
        "https://twitter.example/user/status/12345",
    ]


def test_citations_become_sources_and_plain_text_citations_are_skipped() -> None:
    [record] = _read("claimreview_fr.jsonld")
    assert record.sources == [
        SourceRecord(
            url="https://www.who.example/fr/mythbusters",
            publisher="Organisation mondiale de la santé",
            title="Conseils au grand public : en finir avec les idées reçues",
        ),
        SourceRecord(url="https://www.anfr.example/5g-sante"),
    ]


def test_a_graph_yields_only_its_claimreviews() -> None:
    records = _read("claimreview_graph.jsonld")
    assert [r.review_url.rsplit("/", 1)[-1] for r in records] == [
        "cosmonaute-nord-coreen",
        "fusils-cadeaux",
        "ovni-cosmodrome",
    ]


def test_rating_value_alone_is_read_on_its_scale() -> None:
    cosmonaut = _read("claimreview_graph.jsonld")[0]
    assert cosmonaut.rating == Rating.MIXED
    assert cosmonaut.textual_rating is None


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ({"ratingValue": 5}, Rating.TRUE),
        ({"ratingValue": "2", "bestRating": "5", "worstRating": "1"}, Rating.MOSTLY_FALSE),
        ({"ratingValue": 0, "bestRating": 10, "worstRating": 0}, Rating.FALSE),
        ({"ratingValue": 7, "bestRating": 7, "worstRating": 1}, Rating.TRUE),
        ({"ratingValue": -1}, None),
        ({"alternateName": "Trompeur", "ratingValue": 1}, Rating.MISLEADING),
        ({"alternateName": "Pants on Fire!"}, Rating.FALSE),
        ({"alternateName": "Plutôt vrai"}, Rating.MOSTLY_TRUE),
        ({"alternateName": "Rien ne permet de l'affirmer"}, None),
        ({"name": "Mostly False"}, Rating.MOSTLY_FALSE),
    ],
)
def test_the_canonical_rating_comes_from_the_words_else_the_value(
    rating: dict, expected: Rating | None
) -> None:
    [record] = parse_records(_review(reviewRating={"@type": "Rating", **rating}))
    assert record.rating == expected


def test_an_unmappable_textual_rating_is_kept_verbatim_without_a_rating() -> None:
    ufo = _read("claimreview_graph.jsonld")[2]
    assert ufo.textual_rating == "Rien ne permet de l'affirmer"
    assert ufo.rating is None


def test_a_person_author_beside_a_publisher_is_the_reviewer() -> None:
    rifles = _read("claimreview_graph.jsonld")[1]
    assert rifles.reviewer == "Camille Martin"
    assert (rifles.publisher, rifles.publisher_url) == ("Les Décodeurs", "https://decodeurs.example.fr/")
    assert rifles.headline == "Des fusils échangés entre Poutine et Kim Jong-un : c'est exact"
    assert rifles.summary == "Le Kremlin a confirmé l'échange de fusils lors de la visite."
    assert rifles.sources == [
        SourceRecord(url="https://kremlin.example.ru/events/72260", title="Visite officielle")
    ]


def test_json_lines_are_read_one_review_per_line_skipping_blank_lines() -> None:
    records = _read("claimreview.jsonl")
    assert [r.publisher for r in records] == ["PolitiFact", "Full Fact", "Snopes"]
    assert records[0].textual_rating == "Pants on Fire!"
    assert all(r.rating == Rating.FALSE for r in records)


def test_json_lines_stream_without_reading_ahead() -> None:
    consumed = []

    def lines():
        for number in range(1, 1000):
            consumed.append(number)
            yield _review(url=f"https://example.org/{number}") + "\n"

    records = read_records(lines(), "claimreview")
    next(records)
    next(records)
    assert len(consumed) <= 3


def test_a_list_of_claimreviews_is_read_in_order() -> None:
    text = json.dumps([json.loads(_review(url=f"https://example.org/{n}")) for n in range(3)], indent=2)
    assert [r.review_url for r in parse_records(text)] == [f"https://example.org/{n}" for n in range(3)]


def test_ld_json_blocks_of_an_html_page_are_read() -> None:
    [record] = _read("claimreview_page.html")
    assert record.claim_text == "Boire de l'eau chaude toutes les 15 minutes tue le virus"
    assert (record.rating, record.textual_rating) == (Rating.FALSE, "Infox")


def test_a_bad_url_names_the_line_and_the_field() -> None:
    message = _error((DATA / "bad_url.jsonl").read_text())
    assert message.startswith("line 2")
    assert "url: not an http(s) URL" in message


def test_invalid_json_names_its_line_and_column() -> None:
    message = _error('[\n  {"@type": "ClaimReview", "claimReviewed": "x"},\n  {"@type": oops}\n]')
    assert message.startswith("line 3, column 13: invalid JSON")


def test_a_record_without_claim_text_is_named_by_its_number() -> None:
    good = json.loads(_review(url="https://example.org/a"))
    bad = {"@type": "ClaimReview", "url": "https://example.org/b", "claimReviewed": "  "}
    message = _error(json.dumps({"@graph": [good, bad]}, indent=2))
    assert message.startswith("record 2 (https://example.org/b): claimReviewed")


def test_a_json_line_holding_several_reviews_names_the_line_and_the_record() -> None:
    bad = {"@type": "ClaimReview", "claimReviewed": "ok", "url": "mailto:x@example.org"}
    lines = _review(url="https://example.org/a") + "\n" + json.dumps([json.loads(_review()), bad]) + "\n"
    assert _error(lines).startswith("line 2, record 2 (mailto:x@example.org): url")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"datePublished": "hier"}, "datePublished: not an ISO 8601 date"),
        ({"itemReviewed": {"datePublished": "31/12/2023"}}, "itemReviewed.datePublished: not an ISO 8601"),
        ({"reviewRating": {"ratingValue": "beaucoup"}}, "reviewRating.ratingValue: expected a number"),
        ({"author": {"name": "AFP", "url": "javascript:alert(1)"}}, "author.url: not an http(s) URL"),
        ({"itemReviewed": {"appearance": [{"url": "file:///etc/passwd"}]}}, "itemReviewed.appearance[0].url"),
        (
            {"itemReviewed": {"firstAppearance": "www.facebook.example/p"}},
            "itemReviewed.firstAppearance[0]: not",
        ),
        ({"citation": [{"url": "data:text/plain,x"}]}, "citation[0].url: not an http(s) URL"),
        ({"claimReviewed": {"text": "nested"}}, "claimReviewed: expected text"),
        ({PREFIX + "status": "merged"}, "factcheckbot:status: unknown status"),
        ({PREFIX + "colour": "blue"}, "factcheckbot:colour: unknown factcheckbot property"),
    ],
)
def test_a_bad_value_is_rejected_naming_the_field(fields: dict, expected: str) -> None:
    assert expected in _error(_review(**fields))


def test_a_file_without_any_claimreview_is_rejected() -> None:
    assert "no ClaimReview object found" in _error('{"@type": "WebPage", "name": "Accueil"}')


def test_a_fact_check_tools_response_read_as_claimreview_suggests_the_right_format() -> None:
    message = _error((DATA / "factcheck_api.json").read_text())
    assert "--format factcheck-api" in message


def test_an_empty_file_is_rejected() -> None:
    assert "empty" in _error("\n  \n")


def test_export_is_a_json_ld_graph_of_claimreviews() -> None:
    records = _read("claimreview_fr.jsonld") + _read("claimreview_graph.jsonld")
    out = io.StringIO()
    assert write_records(records, out, "claimreview") == 4
    document = json.loads(out.getvalue())
    assert document["@context"][0] == "https://schema.org"
    assert document["@context"][1] == {"factcheckbot": "urn:factcheckbot:"}
    assert [node["@type"] for node in document["@graph"]] == ["ClaimReview"] * 4
    first = document["@graph"][0]
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Faux",
    }
    assert first["author"] == {
        "@type": "Organization",
        "name": "AFP Factuel",
        "url": "https://factuel.example.fr/",
    }


def test_an_export_of_nothing_is_an_empty_graph_that_reads_back_as_nothing() -> None:
    out = io.StringIO()
    write_records([], out, "claimreview")
    assert json.loads(out.getvalue())["@graph"] == []
    assert parse_records(out.getvalue()) == []


def test_plain_reviews_are_exported_without_extension_properties() -> None:
    for record in _read("claimreview_fr.jsonld") + _read("claimreview.jsonl"):
        assert not [key for key in node_from_record(record) if key.startswith(PREFIX)]


def test_what_schema_org_cannot_say_goes_into_namespaced_properties() -> None:
    record = ReviewRecord(
        claim_text="Kim Jong-un a offert un fusil à Vladimir Poutine",
        rating=Rating.TRUE,
        textual_rating="Vrai",
        review_url="https://example.org/fusil",
        aliases=["Kim gave Putin a rifle"],
        status="published",
        claim_id=42,
        history=[
            ReviewRecord(claim_text="Kim Jong-un a offert un fusil à Vladimir Poutine", rating=Rating.MIXED)
        ],
    )
    node = node_from_record(record)
    assert node[PREFIX + "aliases"] == ["Kim gave Putin a rifle"]
    assert node[PREFIX + "status"] == "published"
    assert node[PREFIX + "claimId"] == 42
    assert node[PREFIX + "history"][0]["@type"] == "ClaimReview"
    assert PREFIX + "rating" not in node  # "Vrai" already says true


def test_a_rating_the_words_do_not_imply_is_kept_exactly() -> None:
    record = ReviewRecord(claim_text="Une affirmation", rating=Rating.MISLEADING, textual_rating="Faux")
    node = node_from_record(record)
    assert node["reviewRating"]["alternateName"] == "Faux"
    assert node[PREFIX + "rating"] == "misleading"


def test_fixtures_round_trip_exactly_through_export() -> None:
    for name in (
        "claimreview_fr.jsonld",
        "claimreview_graph.jsonld",
        "claimreview.jsonl",
        "claimreview_page.html",
    ):
        records = _read(name)
        out = io.StringIO()
        write_records(records, out, "claimreview")
        assert parse_records(out.getvalue()) == records, name


def test_a_record_with_every_field_round_trips_exactly() -> None:
    earlier = ReviewRecord(
        claim_text="Le pont de Crimée a été détruit",
        rating=Rating.FALSE,
        review_url="https://example.org/pont-v1",
        reviewer="Alice",
        reviewer_id=77,
        published_at=datetime(2023, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        sources=[SourceRecord(url="https://example.org/pont-v1", publisher="Moi", title="Autre titre")],
    )
    record = ReviewRecord(
        claim_text="Le pont de Crimée a été détruit",
        rating=Rating.MOSTLY_FALSE,
        textual_rating=None,
        review_url="https://example.org/pont-v2",
        headline="Le pont tient toujours",
        summary="Endommagé, pas détruit.\nDeux travées touchées.",
        language="fr",
        publisher="Desk",
        publisher_url="https://example.org/",
        reviewer="Bob",
        published_at=datetime(2023, 2, 1, tzinfo=UTC),
        claimant="Un compte Telegram",
        claim_date=datetime(2023, 1, 1, tzinfo=UTC),
        appearances=["https://t.example/post/1"],
        sources=[SourceRecord(url="https://example.org/a|b", title="Carte")],
        aliases=["The Crimea bridge was destroyed", "Pont | Crimée"],
        user_texts=["le pont de crimée détruit ???"],
        status="published",
        reject_reason=None,
        ask_count=12,
        reviewer_id=88,
        claim_id=5,
        history=[earlier],
    )
    out = io.StringIO()
    write_records([record], out, "claimreview")
    assert parse_records(out.getvalue()) == [record]

"""Glued words the index does not know are searched as the two indexed words they are made of."""

from claims.matching import prepare_query
from claims.matching.compounds import split_unknown
from tests.conftest import matcher_over

KNOWN = {"pnb": 1, "rock": 40, "rap": 3, "shoot": 9, "dayton": 2}


def test_an_unknown_glued_term_splits_into_its_two_known_parts():
    assert split_unknown(["pnbrock"], "en", lambda t: KNOWN.get(t, 0)) == ["pnb", "rock"]


def test_known_short_or_unsplittable_terms_are_left_alone():
    assert split_unknown(["rock", "pnb", "zzzzzzzz", "42000000"], "en", lambda t: KNOWN.get(t, 0)) == []


def test_a_handle_finds_the_claim_naming_the_person():
    matcher = matcher_over(
        [
            "Rapper PnB Rock was shot and killed while buying shoes",
            "A rock concert was cancelled because of a storm",
        ]
    )
    hits = matcher.search(prepare_query("I ain't dead im BIG UP — PNBROCK (@pnbrock) December 11, 2019"))
    assert hits[0].claim_id == 1


def test_a_glued_word_is_cut_as_written_where_its_stem_hides_the_second_word():
    # "cornflakes" stems to "cornflak", and "flak" is no indexed term; cut as written, "flakes" is "flake".
    known = {"corn": 5, "flake": 2}
    assert split_unknown(["cornflakes"], "en", lambda t: known.get(t, 0)) == ["corn", "flake"]


def test_a_hashtag_finds_the_claim_written_in_two_words():
    matcher = matcher_over(
        [
            "Kellogg's Corn Flakes were created to discourage masturbation",
            "Google searches for phone numbers reveal home addresses",
        ]
    )
    hits = matcher.search(prepare_query("Google “why were cornflakes invented” #cornflakes"))
    assert hits and hits[0].claim_id == 1

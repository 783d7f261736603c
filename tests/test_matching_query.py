"""prepare_query: the text the matcher searches with."""

from claims.matching import prepare_query


def test_query_holds_the_cleaned_text_language_and_word_count():
    raw = "The vaccine contains 5G microchips https://t.co/x — Someone (@someone) March 3, 2020"
    query = prepare_query(raw)
    assert query.raw == raw
    assert query.text == "The vaccine contains 5G microchips"
    assert query.lang == "en"
    assert query.words == 4
    assert not query.empty


def test_short_text_takes_the_language_hint():
    assert prepare_query("vaccin 5G", lang_hint="fr").lang == "fr"
    assert prepare_query("vaccin 5G").lang == "en"


def test_emoji_url_or_punctuation_only_text_is_empty():
    for text in ["😀🔥", "https://example.com/x", "?!...", "", "the of and", "@someone"]:
        assert prepare_query(text).empty, text


def test_handle_words_are_searched_but_not_counted_as_words():
    query = prepare_query("@realDonaldTrump lies")
    assert query.words == 1
    assert "trump" in query.terms


def test_query_is_immutable():
    query = prepare_query("anything at all here")
    try:
        query.text = "other"  # type: ignore[misc]
    except AttributeError:
        return
    raise AssertionError("Query must be frozen")

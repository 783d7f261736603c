"""Language detection: deterministic, and the hint for short or undetectable text."""

import pytest

from claims.matching.language import detect_language


def test_english_and_french_sentences_are_detected():
    assert detect_language("The vaccine contains microchips according to a new study") == "en"
    assert detect_language("Le vaccin contient des puces électroniques selon une étude") == "fr"


def test_detection_is_deterministic():
    text = "Ce tweet mélange un peu de français and a bit of English words"
    assert len({detect_language(text) for _ in range(20)}) == 1


def test_all_caps_english_is_still_english():
    assert (
        detect_language("STOP POSING AS MY DAD EVERYONE KNOWS HE WOULD NOT KNOW HOW TO USE SOCIAL MEDIA")
        == "en"
    )


@pytest.mark.parametrize("text", ["oui", "Bonjour à tous", "5G", "", "   ", "12345 678 91011", "!!! ???"])
def test_short_or_letterless_text_falls_back_to_the_hint(text):
    assert detect_language(text, hint="fr") == "fr"


def test_without_a_hint_the_fallback_is_english():
    assert detect_language("ok") == "en"


def test_hint_with_a_region_is_reduced_to_the_language():
    assert detect_language("salut", hint="fr-FR") == "fr"

"""Language detection: deterministic, and the hint for short or undetectable text."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from claims.matching.language import (
    ALL_LANGUAGES,
    DETECTED_LANGUAGES,
    detect_language,
    language_probabilities,
)


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


def test_detection_chooses_only_among_the_languages_the_matcher_analyses_fully():
    assert set(DETECTED_LANGUAGES) == {"en", "fr", "de", "es", "it", "pt"}
    assert set(DETECTED_LANGUAGES) < set(ALL_LANGUAGES)


@pytest.mark.parametrize(
    "text", ["Kim Jong-un visited Russia", "Kim Jong-un met Putin in Moscow", "Putin will visit Pyongyang"]
)
def test_short_english_full_of_foreign_names_is_english_not_finnish(text):
    assert detect_language(text, hint="fr") == "en"


def test_the_full_profile_set_still_misreads_the_short_names_text():
    # What the restriction is for: with all 55 of langdetect's languages this reads as Finnish.
    assert detect_language("Kim Jong-un visited Russia", languages=ALL_LANGUAGES) == "fi"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Poutine a offert des fusils à Kim", "fr"),
        ("Kim Jong-un a voyagé en Russie dans un train blindé", "fr"),
        ("North Korea will send troops to fight in Ukraine", "en"),
        (
            "Selon les agences de presse russes, Moscou a seulement envisagé l'idée d'envoyer un cosmonaute "
            "nord-coréen dans l'espace, sans calendrier ni engagement, et le Kremlin n'a rien confirmé depuis.",
            "fr",
        ),
        (
            "According to the Kremlin, Putin gave Kim a top-quality Russian-made carbine and received a North "
            "Korean rifle in return; the exchange was shown on state television the same evening.",
            "en",
        ),
    ],
)
def test_french_and_english_short_and_long_texts(text, lang):
    other = "en" if lang == "fr" else "fr"
    assert detect_language(text, hint=other) == lang


@pytest.mark.parametrize(
    "text",
    [
        "😀😀😀 🚀🚀🚀 🔥🔥🔥 !!!! ???? ....",
        "asdf qwer zxcv hjkl uiop bnm, vbn",
        "Путин и Ким Чен Ын встретились на космодроме Восточный",
        "金正恩访问俄罗斯并会见了普京总统讨论合作",
        "كيم جونغ أون يزور روسيا ويلتقي بوتين",
    ],
)
def test_emoji_garbage_and_other_scripts_fall_back_to_the_hint(text):
    assert detect_language(text, hint="ru") == "ru"


def test_detection_is_the_same_from_many_threads():
    texts = [
        "Kim Jong-un a voyagé en Russie dans un train blindé",
        "North Korea will send troops to fight in Ukraine",
        "Rusia enviará un cosmonauta norcoreano al espacio el año que viene",
    ] * 20
    expected = [detect_language(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(detect_language, texts)) == expected
    assert expected[:3] == ["fr", "en", "es"]


@pytest.mark.parametrize(
    "text",
    [
        "The vaccine contains microchips according to a new study",
        "Le vaccin contient des puces électroniques selon une étude",
        "Ce tweet mélange un peu de français and a bit of English words",
        "Kim Jong-un met Putin in Moscow",
        "Rusia enviará un cosmonauta norcoreano al espacio el año que viene",
        "Die Regierung hat die Steuern für alle Rentner im letzten Jahr erhöht",
        "Il governo ha aumentato le tasse per tutti i pensionati l'anno scorso",
        "O governo aumentou os impostos de todos os aposentados no ano passado",
        "Even Robert E. Lee opposed monuments to Robert E. Lee",
        "STOP POSING AS MY DAD EVERYONE KNOWS HE WOULD NOT KNOW HOW TO USE SOCIAL MEDIA",
    ],
)
def test_fewer_random_walks_choose_what_langdetects_seven_choose(text):
    ours, sevens = language_probabilities(text), language_probabilities(text, trials=7)
    assert ours[0].lang == sevens[0].lang
    assert (ours[0].prob >= 0.5) == (sevens[0].prob >= 0.5)  # the same side of the hint's threshold

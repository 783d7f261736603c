"""Cleaning of pasted tweets and chat messages."""

from claims.matching.cleaning import clean_text, mentioned_names


def test_trailing_tweet_signature_is_removed():
    text = "Minecraft is NOT stopping — Helen Z 🔜 #PAXSouth (@HelenAngel) January 2, 2020"
    assert clean_text(text) == "Minecraft is NOT stopping"


def test_signature_with_short_year_and_french_date_is_removed():
    assert clean_text("No collusion — Donald J. Trump (@realDonaldTrump) October 03, 19") == "No collusion"
    assert (
        clean_text("Le vaccin contient des puces — Jean (@jean) 3 mars 2020")
        == "Le vaccin contient des puces"
    )


def test_quoted_tweet_signature_inside_the_text_is_removed():
    text = "Racist statement. — Marco Rubio (@marcorubio) July 25, 2019 Will you delete this tweet?"
    assert clean_text(text) == "Racist statement. Will you delete this tweet?"


def test_urls_are_removed_even_when_glued_to_a_hashtag():
    text = "Happy #Hanukkahpic.twitter.com/IfkdcwGENr and #Minecrafthttps://t.co/V4Lzv97qOc see bit.ly/x1"
    assert clean_text(text) == "Happy Hanukkah and Minecraft see"


def test_handles_are_removed_and_hashtags_split_into_words():
    assert clean_text("RT @someone: #ImpeachTrump now, @other") == "Impeach Trump now,"


def test_emoji_flags_and_control_characters_are_removed():
    assert clean_text("Brad 🇨🇦 says\x00 hi\u200b 😀\n\tthere") == "Brad says hi there"


def test_numbers_currency_and_percent_are_kept():
    assert clean_text("Iran offers $80 million; 70% agree") == "Iran offers $80 million; 70% agree"


def test_accented_letters_are_kept_and_composed():
    assert clean_text("Le gouvernement a de\u0301cide\u0301") == "Le gouvernement a décidé"


def test_emoji_only_text_cleans_to_nothing():
    assert clean_text("😀🔥🇫🇷 !!! https://t.co/x") == "!!!"


def test_mentioned_names_keep_handles_and_the_signature_author():
    text = "Bounty on @realDonaldTrump — M. Hanif Jazayeri (@HanifJazayeri) January 5, 2020"
    assert mentioned_names(text) == "M. Hanif Jazayeri real Donald Trump Hanif Jazayeri"


def test_mentioned_names_ignore_addresses_in_urls():
    assert mentioned_names("see https://medium.com/@writer/post") == ""


def test_a_pasted_tweets_signature_gives_its_date():
    from claims.matching.cleaning import signature_date

    assert signature_date("Fake! — Donald J. Trump (@realDonaldTrump) August 28, 2019") == (2019, 8)
    assert signature_date("Faux — Une Personne (@quelqun) 3 mars 2020") == (2020, 3)
    assert signature_date("No signature here, written in August 2019") is None

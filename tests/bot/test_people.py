"""People checking claims in a private chat, through the real Application (`process_update`)."""

from __future__ import annotations

import re

from tests.bot.support import ANN, BOB, CLAIRE, KNOWN_EN, KNOWN_FR, MALLORY, NOLANG, VAGUE, Driver

UNKNOWN = "The mayor of Lyon banned bicycles on every bridge of the city last week"


def claim_id(text: str) -> int:
    found = re.search(r"#(\d+)", text)
    assert found, text
    return int(found.group(1))


async def test_start_greets_the_person_by_name(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/start")
    assert "Hi Ann!" in reply.text


async def test_start_with_a_deep_link_opens_that_claim(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/start c1")
    assert "5G mobile networks spread the coronavirus" in reply.text
    assert "#1" in reply.text


async def test_help_explains_how_to_check_a_claim(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/help")
    assert "Checking a claim" in reply.text
    assert "/verdict" not in reply.text


async def test_a_known_claim_gets_its_verdict_card(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    assert "❌ False" in card.text
    assert "Claim: 5G mobile networks spread the coronavirus" in card.text
    assert "Viruses cannot travel on radio waves" in card.text
    assert "Fact-check by Example Fact Desk, 2024-03-01 · #1" in card.text


async def test_the_verdict_card_links_its_sources(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    assert card.links == ["https://example.org/checks/5g-coronavirus", "https://example.org/who/5g-myth"]


async def test_the_verdict_card_quotes_the_publishers_own_rating(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    assert "rated “Pants on Fire” by the fact-checker" in card.text


async def test_check_command_checks_the_text_after_it(driver: Driver) -> None:
    card = await driver.reply(ANN, f"/check {KNOWN_EN}")
    assert "#1" in card.text


async def test_a_forwarded_message_is_checked(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN, forward_from=MALLORY)
    assert "❌ False" in card.text


async def test_a_photo_caption_is_checked(driver: Driver) -> None:
    card = await driver.reply(ANN, caption=KNOWN_EN, photo=True)
    assert "❌ False" in card.text


async def test_a_photo_without_caption_gets_told_what_the_bot_reads(driver: Driver) -> None:
    reply = await driver.reply(ANN, photo=True)
    assert "I can only check text" in reply.text


async def test_not_what_i_meant_queues_the_text_for_reviewers(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    answer, new = await driver.press(ANN, card, "Not what I meant")
    assert answer == {"text": "", "show_alert": False, "url": None}
    assert card.buttons == []
    assert "logged it as" in new[-1].text
    assert (await driver.service.get_claim(claim_id(new[-1].text))).status == "pending"


async def test_a_plausible_match_offers_candidates_and_none_of_these(driver: Driver) -> None:
    reply = await driver.reply(ANN, VAGUE)
    labels = [button.text for button in reply.buttons]
    assert "Is it one of these?" in reply.text
    assert 2 <= len(labels) <= 4
    assert labels[-1] == "None of these"


async def test_choosing_a_suggestion_shows_its_verdict_card(driver: Driver) -> None:
    reply = await driver.reply(ANN, VAGUE)
    await driver.press(ANN, reply, "wants to reduce")
    assert "⚠️ Misleading" in reply.text
    assert "Claim: Bill Gates wants to reduce the world population with vaccines" in reply.text


async def test_none_of_these_queues_the_text(driver: Driver) -> None:
    reply = await driver.reply(ANN, VAGUE)
    _, new = await driver.press(ANN, reply, "None of these")
    assert "Nobody has fact-checked this yet" in new[-1].text


async def test_an_unknown_claim_is_logged_with_its_id_and_a_promise(driver: Driver) -> None:
    reply = await driver.reply(ANN, UNKNOWN)
    assert "I logged it as #" in reply.text
    assert "I will message you when a verdict is published" in reply.text
    assert [b.text for b in reply.buttons] == ["🔕 Don't notify me"]


async def test_the_same_unknown_claim_from_someone_else_gets_the_same_id(driver: Driver) -> None:
    first = await driver.reply(ANN, UNKNOWN)
    second = await driver.reply(BOB, UNKNOWN)
    assert claim_id(second.text) == claim_id(first.text)
    assert "(2 asks so far)" in second.text


async def test_a_text_counted_on_a_similar_claim_quotes_it_and_can_stand_alone(driver: Driver) -> None:
    first = await driver.reply(ANN, UNKNOWN)
    reworded = "Last week the mayor of Lyon banned bicycles on every bridge of the city"
    second = await driver.reply(BOB, reworded)
    assert claim_id(second.text) == claim_id(first.text)
    assert f"Claim: {UNKNOWN}" in second.text  # what Bob's ask now counts on, so he can tell
    assert [b.text for b in second.buttons] == ["Not what I meant", "🔕 Don't notify me"]
    _, new = await driver.press(BOB, second, "Not what I meant")
    assert second.buttons == []
    assert "logged it as" in new[-1].text
    own = await driver.service.get_claim(claim_id(new[-1].text))
    assert own.id != claim_id(first.text) and own.text == reworded and own.ask_count == 1
    assert (await driver.service.get_claim(claim_id(first.text))).ask_count == 1


async def test_an_exact_repeat_does_not_quote_the_claim(driver: Driver) -> None:
    await driver.send(ANN, UNKNOWN)
    second = await driver.reply(BOB, UNKNOWN)
    assert "Claim:" not in second.text
    assert [b.text for b in second.buttons] == ["🔕 Don't notify me"]


async def test_dont_notify_me_turns_the_notification_off(driver: Driver) -> None:
    reply = await driver.reply(ANN, UNKNOWN)
    _, new = await driver.press(ANN, reply, "Don't notify me")
    assert new[-1].text == f"OK, I will not message you about #{claim_id(reply.text)}."
    assert (await driver.service.mine(user_id=ANN.id))[0].subscribed is False


async def test_mine_lists_what_the_person_asked_with_its_status(driver: Driver) -> None:
    await driver.send(ANN, KNOWN_EN)
    await driver.send(ANN, UNKNOWN)
    reply = await driver.reply(ANN, "/mine")
    lines = reply.text.splitlines()
    assert lines[0] == "Claims you asked about, most recent first:"
    assert "⏳ Waiting for review" in lines[1] and "Lyon" in lines[1]
    assert lines[2].startswith("#1 · ❌ False")


async def test_mine_without_any_ask_invites_to_send_one(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/mine")
    assert reply.text == "You have not asked about any claim yet. Send me one!"


async def test_a_french_speaker_gets_french_replies(driver: Driver) -> None:
    card = await driver.reply(CLAIRE, KNOWN_FR)
    assert "❌ Faux" in card.text
    assert "Affirmation : Le vaccin contre la grippe" in card.text
    assert card.buttons[0].text == "Ce n’est pas ça"


async def test_without_a_telegram_language_the_reply_follows_the_text(driver: Driver) -> None:
    card = await driver.reply(NOLANG, KNOWN_FR)
    assert "Vérification de Exemple Vérif" in card.text


async def test_a_language_choice_wins_over_telegram_language(driver: Driver) -> None:
    menu = await driver.reply(ANN, "/language")
    await driver.press(ANN, menu, "Français")
    assert menu.text == "C’est noté : je réponds désormais en français."
    card = await driver.reply(ANN, KNOWN_EN)
    assert "Affirmation : 5G mobile networks spread the coronavirus" in card.text


async def test_an_unknown_command_points_to_help(driver: Driver) -> None:
    reply = await driver.reply(ANN, "/frobnicate")
    assert "/help" in reply.text


async def test_an_edited_message_is_not_checked_again(driver: Driver) -> None:
    update = driver.stand_in.push_message(ANN, UNKNOWN)
    await driver.process(update)
    await driver.process(driver.stand_in.push_edited_message(ANN, update["message"], KNOWN_EN))
    assert len(driver.stand_in.messages(ANN.id)) == 1


async def test_a_claim_with_one_thing_swapped_is_offered_with_what_differs(driver: Driver) -> None:
    reply = await driver.reply(ANN, "5G mobile networks spread the flu")
    assert "Is it one of these?" in reply.text
    assert "5G mobile networks spread the coronavirus" in reply.text
    assert "It says “coronavirus” where you wrote “flu”." in reply.text

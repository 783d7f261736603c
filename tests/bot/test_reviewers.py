"""Reviewers and admins in Telegram: every command and button, the role checked on each, usage lines."""

from __future__ import annotations

import re

import pytest

from tests.bot.support import ADMIN, ANN, BOB, KNOWN_EN, MALLORY, Driver

PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
OTHER = "Scientists found a colony of penguins living inside the Sahara desert"
WORDS = [
    "apple",
    "harbour",
    "violin",
    "glacier",
    "tractor",
    "lantern",
    "orchid",
    "meteor",
    "canyon",
    "falcon",
    "biscuit",
    "volcano",
    "saddle",
    "compass",
    "lobster",
    "marble",
    "trumpet",
    "walnut",
    "blizzard",
    "candle",
    "dolphin",
    "emerald",
    "furnace",
    "gondola",
    "hammock",
    "igloo",
    "jasmine",
    "kettle",
    "lagoon",
    "mammoth",
    "nectar",
    "oyster",
    "parrot",
    "quartz",
    "raven",
    "sapphire",
    "tulip",
    "umbrella",
    "vulture",
    "wizard",
    "yacht",
    "zeppelin",
    "anchor",
    "beetle",
    "cactus",
    "dragon",
]


def unrelated(n: int) -> str:
    """A text sharing no word with the other texts, so the matcher never folds two of them together."""
    return " ".join(WORDS[n * 4 : n * 4 + 4])


async def pending_id(driver: Driver, text: str = PENDING, person: object = ANN) -> int:
    reply = await driver.reply(person, text)
    return int(re.search(r"#(\d+)", reply.text).group(1))


@pytest.mark.parametrize(
    "command",
    [
        "/queue",
        "/claim 1",
        "/verdict 1 false https://example.org/x",
        "/reject 1",
        "/merge 1 2",
        "/alias 1 words",
        "/log",
    ],
)
async def test_a_person_without_the_role_is_refused(driver: Driver, command: str) -> None:
    reply = await driver.reply(MALLORY, command)
    assert reply.text == "This command is for reviewers."


@pytest.mark.parametrize("command", ["/grant 13", "/revoke 13", "/ban 13", "/unban 13"])
async def test_a_reviewer_cannot_use_admin_commands(driver: Driver, command: str) -> None:
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    reply = await driver.reply(BOB, command)
    assert reply.text == "Only admins can do that."


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/claim", "/claim ID"),
        ("/claim abc", "/claim ID"),
        ("/verdict 1 false", "/verdict ID RATING URL"),
        ("/verdict x false https://e.org", "/verdict ID RATING URL"),
        ("/reject", "/reject ID"),
        ("/merge 1", "/merge FROM_ID INTO_ID"),
        ("/merge 1 two", "/merge FROM_ID INTO_ID"),
        ("/alias 1", "/alias ID TEXT"),
        ("/grant", "/grant USER_ID"),
        ("/ban @someone", "/ban USER_ID"),
        ("/unban -5", "/unban USER_ID"),
    ],
)
async def test_a_malformed_command_gets_its_usage_line(driver: Driver, command: str, usage: str) -> None:
    reply = await driver.reply(ADMIN, command)
    assert f"Usage: {usage}" in reply.text


async def test_the_queue_lists_pending_claims_most_asked_first(driver: Driver) -> None:
    once = await pending_id(driver, OTHER)
    twice = await pending_id(driver)
    await pending_id(driver, PENDING, BOB)
    reply = await driver.reply(ADMIN, "/queue")
    lines = reply.text.splitlines()
    assert lines[0] == "Pending claims 1–2 of 2, most asked first:"
    assert lines[1].startswith(f"#{twice} · 2× · en · 0 min · The mayor of Lyon")
    assert lines[2].startswith(f"#{once} · 1×")


async def test_the_queue_pages_with_buttons(driver: Driver) -> None:
    for n in range(12):
        await driver.service.check(text=unrelated(n), user_id=100 + n, chat_id=100 + n)
    reply = await driver.reply(ADMIN, "/queue")
    assert "1–10 of 12" in reply.text
    await driver.press(ADMIN, reply, "Next")
    assert "11–12 of 12" in reply.text
    assert [b.text for b in reply.buttons][-1] == "◀ Previous"


async def test_pressing_a_page_button_twice_changes_nothing_more(driver: Driver) -> None:
    for n in range(12):
        await driver.service.check(text=unrelated(n), user_id=100 + n, chat_id=100 + n)
    reply = await driver.reply(ADMIN, "/queue")
    await driver.press(ADMIN, reply, data="1:page:10")
    answer, new = await driver.press(ADMIN, reply, data="1:page:10")
    assert (answer["text"], new) == ("", [])
    assert "11–12 of 12" in reply.text


async def test_a_forged_queue_button_is_refused_to_a_person(driver: Driver) -> None:
    reply = await driver.reply(MALLORY, KNOWN_EN)
    _, new = await driver.press(MALLORY, reply, data="1:page:0")
    assert new[-1].text == "This command is for reviewers."


async def test_a_queue_button_opens_the_claim(driver: Driver) -> None:
    claim_id = await pending_id(driver)
    queue = await driver.reply(ADMIN, "/queue")
    _, new = await driver.press(ADMIN, queue, f"#{claim_id}")
    assert new[-1].text.startswith(f"#{claim_id} · ⏳ Waiting for review · asked 1× · 1 subscribed")


async def test_claim_shows_wordings_history_asks_and_subscribers(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/claim #1")
    assert reply.text.startswith("#1 · ❌ False · asked 0× · 0 subscribed · en")
    assert "• No, 5G networks do not spread COVID-19 (headline, en)" in reply.text
    assert "Verdicts, oldest first:" in reply.text


async def test_claim_with_an_unknown_id_says_so(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/claim 9999")
    assert reply.text == "There is no claim #9999."


async def test_verdict_publishes_and_says_who_will_be_notified(driver: Driver) -> None:
    claim_id = await pending_id(driver)
    await pending_id(driver, PENDING, BOB)
    reply = await driver.reply(
        ADMIN, f"/verdict #{claim_id} false https://example.org/lyon Bicycles are allowed."
    )
    assert reply.text == f"Published on #{claim_id}: ❌ False.\n2 people will be notified."


async def test_verdict_accepts_a_french_rating_of_several_words(driver: Driver) -> None:
    claim_id = await pending_id(driver)
    reply = await driver.reply(ADMIN, f"/verdict {claim_id} plutôt faux https://example.org/lyon")
    assert reply.text.startswith(f"Published on #{claim_id}: 🟠 Mostly false.")


async def test_verdict_with_an_unknown_rating_lists_the_ratings(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/verdict 1 fishy https://example.org/x")
    assert reply.text.startswith("“fishy” is not a rating I know. Use one of: true, mostly-true")


async def test_verdict_with_a_non_http_source_is_refused(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/verdict 1 false ftp://example.org/x")
    assert reply.text == "The source must be a web address starting with http:// or https://."


async def test_verdict_on_a_published_claim_is_a_correction(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/verdict 1 misleading https://example.org/5g-again")
    assert reply.text.startswith("Corrected #1: ❌ False → ⚠️ Misleading.")


async def test_reject_closes_a_pending_claim(driver: Driver) -> None:
    claim_id = await pending_id(driver)
    reply = await driver.reply(ADMIN, f"/reject {claim_id} an opinion, not a fact")
    assert reply.text == f"Closed #{claim_id} without a verdict.\n1 person will be notified."
    assert (await driver.service.get_claim(claim_id)).reject_reason == "an opinion, not a fact"


async def test_reject_of_a_published_claim_explains_why_not(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/reject 1")
    assert reply.text == "That claim is not pending any more (✅ Fact-checked)."


async def test_merge_folds_a_duplicate_into_another_claim(driver: Driver) -> None:
    claim_id = await pending_id(driver)
    reply = await driver.reply(ADMIN, f"/merge #{claim_id} #1")
    assert reply.text == f"Merged #{claim_id} into #1: 1 wordings, 1 asks and 1 subscribers moved."


async def test_merge_into_itself_is_refused(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/merge 1 1")
    assert reply.text == "A claim cannot be merged into itself."


async def test_alias_adds_a_wording_that_then_matches(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/alias 1 Les antennes 5G transmettent le covid aux habitants")
    assert reply.text == "Added to #1: “Les antennes 5G transmettent le covid aux habitants”"
    card = await driver.reply(ANN, "Les antennes 5G transmettent le covid aux habitants")
    assert "#1" in card.text


async def test_log_shows_what_people_sent_newest_first(driver: Driver) -> None:
    await driver.send(ANN, KNOWN_EN)
    await driver.send(BOB, PENDING)
    reply = await driver.reply(ADMIN, "/log")
    lines = reply.text.splitlines()
    assert lines[0] == "Claim log, newest first:"
    assert " · queued · #" in lines[1] and "Lyon" in lines[1]
    assert " · answered · #1 · 5G mobile networks" in lines[2]


async def test_log_with_text_searches_it(driver: Driver) -> None:
    await driver.send(ANN, KNOWN_EN)
    await driver.send(BOB, PENDING)
    reply = await driver.reply(ADMIN, "/log bicycles")
    assert len(reply.text.splitlines()) == 2


async def test_a_long_log_is_split_into_messages_under_telegrams_limit(driver: Driver) -> None:
    for n in range(40):
        await driver.service.check(
            text=f"Claim {n}: " + "the river flooded the whole valley again " * 8,
            user_id=200 + n,
            chat_id=200 + n,
        )
    replies = await driver.send(ADMIN, "/log")
    assert len(replies) >= 2
    assert all(len(reply.text) <= 4096 for reply in replies)


async def test_grant_makes_a_reviewer_with_their_command_menu(driver: Driver) -> None:
    await driver.send(BOB, "/start")
    reply = await driver.reply(ADMIN, f"/grant {BOB.id}")
    assert reply.text == f"{BOB.id} is now a reviewer."
    assert (await driver.reply(BOB, "/queue")).text.startswith(("Pending claims", "No claim is waiting"))
    menu = driver.stand_in.commands({"type": "chat", "chat_id": BOB.id}, "en")
    assert menu[0] == {"command": "queue", "description": "Pending claims, most asked first"}


async def test_revoke_takes_the_role_back(driver: Driver) -> None:
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    await driver.reply(ADMIN, f"/revoke {BOB.id}")
    assert (await driver.reply(BOB, "/queue")).text == "This command is for reviewers."


async def test_a_banned_person_gets_no_reply_at_all(driver: Driver) -> None:
    await driver.reply(ADMIN, f"/ban {MALLORY.id}")
    assert await driver.send(MALLORY, KNOWN_EN) == []
    assert await driver.send(MALLORY, "/start") == []


async def test_a_banned_person_adds_no_demand(driver: Driver) -> None:
    await driver.reply(ADMIN, f"/ban {MALLORY.id}")
    await driver.send(MALLORY, PENDING)
    assert (await driver.service.queue(actor_id=ADMIN.id)).total == 0


async def test_unban_lets_the_person_be_answered_again(driver: Driver) -> None:
    await driver.reply(ADMIN, f"/ban {MALLORY.id}")
    reply = await driver.reply(ADMIN, f"/unban {MALLORY.id}")
    assert reply.text == f"{MALLORY.id} is no longer banned."
    assert "#1" in (await driver.reply(MALLORY, KNOWN_EN)).text


async def test_an_admin_cannot_demote_a_configured_admin(driver: Driver) -> None:
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    reply = await driver.reply(ADMIN, f"/revoke {ADMIN.id}")
    assert "BOT_ADMIN_IDS" in reply.text


async def test_help_for_an_admin_lists_reviewer_and_admin_commands(driver: Driver) -> None:
    reply = await driver.reply(ADMIN, "/help")
    assert "/verdict ID RATING URL [summary]" in reply.text
    assert "/grant USER_ID" in reply.text


async def test_startup_sets_command_menus_per_scope_and_language(driver: Driver) -> None:
    private_fr = driver.stand_in.commands({"type": "all_private_chats"}, "fr")
    groups = driver.stand_in.commands({"type": "all_group_chats"}, "")
    assert private_fr[0] == {"command": "check", "description": "Vérifier une affirmation"}
    assert [c["command"] for c in groups] == ["check"]


async def test_an_admin_gets_the_admin_menu_once_they_write(driver: Driver) -> None:
    await driver.send(ADMIN, "/help")
    commands = [c["command"] for c in driver.stand_in.commands({"type": "chat", "chat_id": ADMIN.id}, "")]
    assert commands[:3] == ["queue", "claim", "verdict"]
    assert "grant" in commands

"""Authorization through the real Application: without the role, no command and no forged button changes
anything (every table is compared before and after), and every role change leaves an audit row."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot import callbacks
from tests import tables
from tests.bot.support import ADMIN, ANN, BOB, KNOWN_EN, MALLORY, VAGUE, Driver

PENDING = "The mayor of Lyon banned bicycles on every bridge of the city last week"
REVIEWERS_ONLY = "This command is for reviewers."
ADMINS_ONLY = "Only admins can do that."


async def claim_of(driver: Driver, person: Any, text: str) -> int:
    reply = await driver.reply(person, text)
    return int(re.search(r"#(\d+)", reply.text).group(1))


async def unchanged(driver: Driver, person: Any, text: str, expected: str) -> None:
    """Send a command: the one reply is `expected`, and no row of any table changed."""
    before = tables.dump(driver.database_url)
    reply = await driver.reply(person, text)
    assert reply.text == expected
    assert tables.dump(driver.database_url) == before


REVIEWER_COMMANDS = [
    "/verdict {pending} false https://example.org/x Forged.",
    "/verdict 1 true https://example.org/x",  # a correction of a published claim
    "/reject {pending} spam",
    "/merge {pending} 1",
    "/alias {pending} Lyon forbids bikes on bridges",
    "/queue",
    "/claim {pending}",
    "/log",
    "/log Lyon",
]
ADMIN_COMMANDS = ["/grant {someone}", "/revoke {reviewer}", "/ban {someone}", "/unban {banned}"]


@pytest.fixture
async def scene(driver: Driver) -> dict[str, int]:
    """A pending claim Ann asked about, reviewers (Bob, 56), a banned person (77), and Mallory: no role."""
    pending = await claim_of(driver, ANN, PENDING)
    await driver.service.grant(actor_id=ADMIN.id, user_id=BOB.id)
    await driver.service.grant(actor_id=ADMIN.id, user_id=56)
    await driver.service.ban(actor_id=ADMIN.id, user_id=77)
    await driver.send(MALLORY, KNOWN_EN)  # Mallory has talked to the bot before
    return {"pending": pending, "someone": 55, "reviewer": 56, "banned": 77}


@pytest.mark.parametrize("command", REVIEWER_COMMANDS)
async def test_a_person_without_a_role_changes_nothing_by_reviewer_command(
    driver: Driver, scene: dict[str, int], command: str
) -> None:
    await unchanged(driver, MALLORY, command.format(**scene), REVIEWERS_ONLY)


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_a_person_without_a_role_changes_nothing_by_admin_command(
    driver: Driver, scene: dict[str, int], command: str
) -> None:
    await unchanged(driver, MALLORY, command.format(**scene), ADMINS_ONLY)


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_a_reviewer_changes_no_role_or_ban(driver: Driver, scene: dict[str, int], command: str) -> None:
    await unchanged(driver, BOB, command.format(**scene), ADMINS_ONLY)


@pytest.mark.parametrize("command", REVIEWER_COMMANDS)
async def test_a_revoked_reviewer_loses_the_role_at_once(
    driver: Driver, scene: dict[str, int], command: str
) -> None:
    await driver.reply(BOB, "/queue")  # Bob was a reviewer a moment ago, and this process knew it
    await driver.reply(ADMIN, f"/revoke {BOB.id}")
    await unchanged(driver, BOB, command.format(**scene), REVIEWERS_ONLY)


@pytest.mark.parametrize("command", REVIEWER_COMMANDS[:5])
async def test_a_banned_reviewer_can_do_nothing_and_hears_nothing(
    driver: Driver, scene: dict[str, int], command: str
) -> None:
    await driver.reply(ADMIN, f"/ban {BOB.id}")
    before = tables.dump(driver.database_url)
    assert await driver.send(BOB, command.format(**scene)) == []
    assert tables.dump(driver.database_url) == before


async def test_the_service_checks_the_role_even_when_the_handler_is_skipped(driver: Driver) -> None:
    # The handlers only parse and render; the service is the guard. Calling it directly proves it.
    pending = await claim_of(driver, ANN, PENDING)
    for call in (
        driver.service.publish_verdict(
            actor_id=MALLORY.id, claim_id=pending, rating="false", url="https://example.org/x"
        ),
        driver.service.reject(actor_id=MALLORY.id, claim_id=pending),
        driver.service.merge(actor_id=MALLORY.id, from_id=pending, into_id=1),
        driver.service.add_wording(actor_id=MALLORY.id, claim_id=pending, text="some other words here"),
        driver.service.grant(actor_id=MALLORY.id, user_id=MALLORY.id + 1),
        driver.service.ban(actor_id=MALLORY.id, user_id=ANN.id),
    ):
        with pytest.raises(Exception, match="forbidden"):
            await call


# ------------------------------------------------------------------------------------------ forged buttons


async def forged(driver: Driver, data: str) -> tuple[dict[str, Any], list[str]]:
    """Mallory presses a button of her own message carrying `data`; nothing may change but her own rows."""
    card = await driver.reply(MALLORY, KNOWN_EN)
    before = tables.dump(driver.database_url)
    answer, new = await driver.press(MALLORY, card, data=data)
    after = tables.dump(driver.database_url)
    for table in tables.TABLES:
        assert after[table] == before[table], f"{data}: {table} changed"
    return answer, [message.text for message in new]


async def test_a_forged_queue_text_button_cannot_queue_someone_elses_text(driver: Driver) -> None:
    card = await driver.reply(ANN, KNOWN_EN)
    anns = card.button("Not what I meant").callback_data
    _, new = await forged(driver, anns)
    assert new == ["This button no longer works. Send the claim again."]


async def test_a_forged_queue_alone_button_cannot_split_someone_elses_text(driver: Driver) -> None:
    # Ann's text counted on a similar pending claim: her "Not what I meant" pressed by Mallory moves nothing.
    pending = await claim_of(driver, BOB, PENDING)
    counted = await driver.reply(
        ANN, "Last week the mayor of Lyon banned bicycles on every bridge of the city"
    )
    assert f"#{pending}" in counted.text and f"Claim: {PENDING}" in counted.text
    _, new = await forged(driver, counted.button("Not what I meant").callback_data)
    assert new == ["This button no longer works. Send the claim again."]


async def test_a_forged_pick_cannot_answer_someone_elses_question(driver: Driver) -> None:
    suggestions = await driver.reply(ANN, VAGUE)
    _, new = await forged(driver, suggestions.buttons[0].callback_data)
    assert new == ["This button no longer works. Send the claim again."]


async def test_a_forged_unsubscribe_cannot_silence_someone_else(driver: Driver) -> None:
    pending = await claim_of(driver, ANN, PENDING)
    _, new = await forged(driver, callbacks.unsubscribe(pending))
    assert new == [f"You were not going to be notified about #{pending}."]
    assert (await driver.service.mine(user_id=ANN.id))[0].subscribed


async def test_a_language_button_changes_only_the_presser(driver: Driver) -> None:
    await driver.service.set_language(user_id=ANN.id, lang="en")
    card = await driver.reply(MALLORY, KNOWN_EN)
    await driver.press(MALLORY, card, data=callbacks.language("fr"))
    assert (await driver.service.person(MALLORY.id)).language == "fr"
    assert (await driver.service.person(ANN.id)).language == "en"


@pytest.mark.parametrize("data", [callbacks.page(0), callbacks.page(10), callbacks.claim(1)])
async def test_forged_reviewer_buttons_show_nothing(driver: Driver, data: str) -> None:
    await claim_of(driver, ANN, PENDING)
    _, new = await forged(driver, data)
    assert new == [REVIEWERS_ONLY]


def test_every_button_pattern_is_forged_above() -> None:
    # A new kind of button must get its forgery test too.
    tested = {
        callbacks.QUEUE_TEXT,
        callbacks.QUEUE_ALONE,
        callbacks.PICK,
        callbacks.UNSUBSCRIBE,
        callbacks.LANGUAGE,
        callbacks.PAGE,
        callbacks.CLAIM,
    }
    assert {pattern.pattern for pattern in callbacks._KNOWN} == tested


# ------------------------------------------------------------------------------------------ audit


async def test_every_role_change_through_the_bot_is_audited(driver: Driver) -> None:
    for command in (f"/grant {BOB.id}", f"/revoke {BOB.id}", f"/ban {BOB.id}", f"/unban {BOB.id}"):
        await driver.reply(ADMIN, command)
    await driver.reply(BOB, f"/grant {MALLORY.id}")  # refused: leaves no row
    rows = [
        (row["action"], row["actor_id"], row["target_user_id"], row["detail"])
        for row in tables.dump(driver.database_url)["audit"]
        if row["action"] in ("grant", "revoke", "ban", "unban")
    ]
    as_user = {"role": "user", "banned": False}
    as_reviewer = {"role": "reviewer", "banned": False}
    banned = {"role": "user", "banned": True}
    assert [(action, actor, target) for action, actor, target, _ in rows] == [
        (action, ADMIN.id, BOB.id) for action in ("grant", "revoke", "ban", "unban")
    ]
    details = [detail if isinstance(detail, dict) else json.loads(detail) for *_, detail in rows]
    assert details == [
        {"before": as_user, "after": as_reviewer},
        {"before": as_reviewer, "after": as_user},
        {"before": as_user, "after": banned},
        {"before": banned, "after": as_user},
    ]

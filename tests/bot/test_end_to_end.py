"""End to end over loopback: `python -m bot` in its own process, exactly as deployed, against the stand-in.

Claims are imported with `python -m claims import`; the claim log is read back with `python -m claims log`.
The conversations share one bot process (and, for the restart, a second one on the same database).
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.standin import BotApiStandIn, Person, SentMessage, serve
from tests.bot.process import BotProcess, bot_env, run
from tests.bot.support import ADMIN, DATA, KNOWN_EN, KNOWN_FR, SUGGEST_THRESHOLD, TOKEN, VAGUE

pytestmark = pytest.mark.asyncio(loop_scope="module")

ANN = Person(id=101, first_name="Ann", language_code="en")
BOB = Person(id=102, first_name="Bob", language_code="en")
CLAIRE = Person(id=103, first_name="Claire", language_code="fr")
DORA = Person(id=104, first_name="Dora", language_code="en")
ERIN = Person(id=105, first_name="Erin", language_code="en")
FRED = Person(id=106, first_name="Fred", language_code="en")
GINA = Person(id=107, first_name="Gina", language_code="en")
HUGO = Person(id=108, first_name="Hugo", language_code="en")
PENGUINS = "Penguins were elected to the city council of Oslo in a surprise vote"
EIFFEL = "The Eiffel Tower will be painted bright green for the next Olympic games"
NEW_CLAIM = "A giant squid was found alive in the river Thames near Tower Bridge this morning"
REPEATED = "The national railway will replace every train driver with robots before Christmas"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api() -> AsyncIterator[BotApiStandIn]:
    stand_in = BotApiStandIn(token=TOKEN, long_poll_cap=0.5)
    async with serve(stand_in) as base_url:
        stand_in.base_url = base_url  # type: ignore[attr-defined]
        yield stand_in


# Every test runs twice: the bot matching in its own process with its index in memory, and in a worker process
# (MATCH_WORKERS) on a linked copy of the bot's persisted index (INDEX_DIR), as a deployment runs it.
@pytest.fixture(scope="module", params=[0, 1], ids=["matching-in-bot", "match-worker"])
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, api: BotApiStandIn) -> dict:
    directory = tmp_path_factory.mktemp("e2e-db")
    persisted = {"INDEX_DIR": str(directory / "index")} if request.param else {}
    return bot_env(
        api.base_url,  # type: ignore[attr-defined]
        f"sqlite:///{directory / 'claims.sqlite3'}",
        BOT_ADMIN_IDS=str(ADMIN.id),
        LOG_LEVEL="DEBUG",
        MATCH_SUGGEST_THRESHOLD=str(SUGGEST_THRESHOLD),
        MATCH_WORKERS=str(request.param),
        **persisted,
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(api: BotApiStandIn, env: dict[str, str], workdir: Path) -> AsyncIterator[BotProcess]:
    await run("-m", "claims", "import", str(DATA), env=env)
    process = BotProcess(env, workdir / f"bot-{env['MATCH_WORKERS']}.log")
    await process.start(api)
    if env["MATCH_WORKERS"] != "0":
        # The tests are about the worker's answers, not the bot's own while the worker builds its index.
        await api.wait_for(
            lambda: "wordings indexed in" in process.log.read_text(),
            timeout=60,
            what=process.tail,
        )
        assert "(from a linked copy of the bot's index)" in process.log.read_text()
    yield process
    await process.stop()


async def say(api: BotApiStandIn, person: Person, text: str, replies: int = 1) -> list[SentMessage]:
    before = len(api.messages(person.id))
    api.push_message(person, text)
    return (await api.wait_for_messages(person.id, before + replies))[before:]


async def press(api: BotApiStandIn, person: Person, message: SentMessage, label: str) -> list[SentMessage]:
    """Press a button; wait for the new message it brings."""
    before = len(api.messages(person.id))
    api.push_callback(person, message, message.button(label).callback_data)
    return (await api.wait_for_messages(person.id, before + 1))[before:]


def claim_id(message: SentMessage) -> int:
    return int(re.search(r"#(\d+)", message.text).group(1))


async def test_a_known_claim_is_answered_with_its_source(api: BotApiStandIn, bot: BotProcess) -> None:
    (card,) = await say(api, ANN, KNOWN_EN)
    assert "❌ False" in card.text and "Fact-check by Example Fact Desk, 2024-03-01 · #1" in card.text
    assert "https://example.org/checks/5g-coronavirus" in card.links


async def test_a_french_question_is_answered_in_french(api: BotApiStandIn, bot: BotProcess) -> None:
    (card,) = await say(api, CLAIRE, KNOWN_FR)
    assert "❌ Faux" in card.text and "Affirmation : Le vaccin contre la grippe" in card.text


async def test_suggestions_then_none_of_these_queues_the_text(api: BotApiStandIn, bot: BotProcess) -> None:
    (suggestions,) = await say(api, ANN, VAGUE)
    assert suggestions.buttons[-1].text == "None of these"
    (queued,) = await press(api, ANN, suggestions, "None of these")
    assert "I logged it as #" in queued.text


async def test_an_unknown_claim_goes_from_the_queue_to_every_asker(
    api: BotApiStandIn, bot: BotProcess
) -> None:
    (first,) = await say(api, ANN, NEW_CLAIM)
    (second,) = await say(api, BOB, NEW_CLAIM)
    assert "I logged it as" in first.text and claim_id(second) == claim_id(first)
    (refused,) = await say(api, BOB, f"/verdict {claim_id(first)} false https://example.org/squid")
    assert refused.text == "This command is for reviewers."
    seen = {person.id: len(api.messages(person.id)) for person in (ANN, BOB)}
    (published,) = await say(
        api, ADMIN, f"/verdict #{claim_id(first)} false https://example.org/squid No squid."
    )
    assert published.text == f"Published on #{claim_id(first)}: ❌ False.\n2 people will be notified."
    for person in (ANN, BOB):
        note = (await api.wait_for_messages(person.id, seen[person.id] + 1))[-1]
        assert note.text.startswith(f"📬 A claim you asked about has been fact-checked (#{claim_id(first)})")
        assert note.links == ["https://example.org/squid"]
    (later,) = await say(api, DORA, NEW_CLAIM)
    assert "❌ False" in later.text and f"#{claim_id(first)}" in later.text


async def test_claims_imported_while_the_bot_runs_are_answered_at_once(
    api: BotApiStandIn, bot: BotProcess, env: dict[str, str], workdir: Path
) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://example.org/checks/moon-cheese",
        "claimReviewed": "The Moon is made of green cheese according to a new NASA report",
        "reviewRating": {"@type": "Rating", "alternateName": "Fake"},
        "author": {"@type": "Organization", "name": "Example Fact Desk"},
        "datePublished": "2024-04-01",
        "inLanguage": "en",
    }
    path = workdir / "late.jsonld"
    path.write_text(json.dumps(review), encoding="utf-8")
    assert "1 created" in await run("-m", "claims", "import", str(path), env=env)
    (card,) = await say(api, HUGO, "a new NASA report says the moon is made of green cheese")
    assert "❌ False" in card.text and "“Fake”" in card.text
    assert "https://example.org/checks/moon-cheese" in card.links


async def test_fifteen_people_sending_the_same_new_claim_at_once_get_one_id(
    api: BotApiStandIn, bot: BotProcess
) -> None:
    people = [Person(id=500 + n, first_name=f"P{n}") for n in range(15)]
    for person in people:
        api.push_message(person, REPEATED)
    replies = await asyncio.gather(*(api.wait_for_messages(p.id, 1, timeout=30) for p in people))
    assert {claim_id(messages[0]) for messages in replies} != set()
    assert len({claim_id(messages[0]) for messages in replies}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/check", "Write the claim after the command"),
        ("x" * 5000, "That is too long to check (2000 characters at most)"),
        ("🤔🔥👀", "I could not find a claim in that message"),
        ("/start c987654", "There is no claim #987654."),
        ("/claim 987654", "This command is for reviewers."),
    ],
)
async def test_bad_input_gets_a_polite_reply(
    api: BotApiStandIn, bot: BotProcess, text: str, expected: str
) -> None:
    (reply,) = await say(api, ERIN, text)
    assert reply.text.startswith(expected)


async def test_html_and_control_characters_come_back_as_plain_text(
    api: BotApiStandIn, bot: BotProcess
) -> None:
    (queued,) = await say(api, ERIN, "Is <b>this</b> & <i>that</i> true\x00\x1b about the </a> tag in emails")
    assert "I logged it as #" in queued.text
    (details,) = await say(api, ADMIN, f"/claim {claim_id(queued)}")
    assert "Is <b>this</b> & <i>that</i> true about the </a> tag in emails" in details.text


async def test_unknown_ids_are_named_in_the_reply(api: BotApiStandIn, bot: BotProcess) -> None:
    (reply,) = await say(api, ADMIN, "/verdict #987654 false https://example.org/x")
    assert reply.text == "There is no claim #987654."


async def test_a_restart_loses_nothing(api: BotApiStandIn, bot: BotProcess) -> None:
    (queued,) = await say(api, FRED, PENGUINS)
    (asked,) = await say(api, GINA, EIFFEL)
    api.fail(GINA.id, "server", times=None)  # her notification cannot go out before the restart
    await say(api, ADMIN, f"/verdict {claim_id(asked)} false https://example.org/eiffel")
    await api.wait_for(lambda: any(c.status == 500 for c in api.calls), timeout=20)
    assert await bot.stop() == 0
    api.clear_faults()
    api.push_message(FRED, "/mine")  # sent while the bot is down
    await bot.start(api)
    mine = (await api.wait_for_messages(FRED.id, 2, timeout=20))[1]
    assert mine.text.startswith("Claims you asked about") and f"#{claim_id(queued)}" in mine.text
    (again,) = await say(api, FRED, PENGUINS)
    assert claim_id(again) == claim_id(queued)
    note = (await api.wait_for_messages(GINA.id, 2, timeout=20))[1]
    assert note.text.startswith(f"📬 A claim you asked about has been fact-checked (#{claim_id(asked)})")


async def test_the_claim_log_shows_the_conversations(bot: BotProcess, env: dict[str, str]) -> None:
    entries = json.loads(await run("-m", "claims", "log", "--format", "json", "--limit", "500", env=env))
    sent = {(entry["user_id"], entry["text"], entry["outcome"]) for entry in entries}
    assert (ANN.id, KNOWN_EN, "answered") in sent
    assert (BOB.id, NEW_CLAIM, "queued") in sent
    assert sum(1 for entry in entries if entry["text"] == REPEATED) == 15


async def test_no_log_line_contains_the_token(bot: BotProcess) -> None:
    log = bot.log.read_text(errors="replace")
    assert "getUpdates" in log or "Application started" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_with_a_webhook_url_the_bot_takes_its_updates_by_webhook(
    env: dict[str, str], workdir: Path
) -> None:
    hook_api = BotApiStandIn(token=TOKEN)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with serve(hook_api) as base_url:
        hooked = {
            **env,
            "TELEGRAM_API_BASE_URL": base_url,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/tg-hook",
            "WEBHOOK_PORT": str(port),
        }
        process = BotProcess(hooked, workdir / "webhook.log")
        await process.start(hook_api, webhook=True)
        try:
            (card,) = await say(hook_api, ANN, KNOWN_EN)
        finally:
            await process.stop()
    assert "#1" in card.text
    assert hook_api.webhook["url"] == f"http://127.0.0.1:{port}/tg-hook"
    assert hook_api.webhook["secret_token"] and TOKEN not in hook_api.webhook["secret_token"]

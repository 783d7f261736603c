"""Replies stay within Telegram's limits and cut text sensibly (the stand-in refuses anything longer)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Html, esc
from bot.render import MAX_MESSAGE, chunks, claim_details, clip, queue_page, utf16_len
from claims.views import Candidate, ClaimView, QueuePage, Status


def test_clip_cuts_at_a_word_and_marks_the_cut() -> None:
    assert clip("the quick brown fox jumps", 16) == "the quick brown…"


def test_clip_leaves_short_text_alone() -> None:
    assert clip("  short  ", 16) == "short"


def test_chunks_pack_whole_lines_under_the_limit() -> None:
    lines = [Html(f"<b>#{n}</b> " + "x" * 300) for n in range(40)]
    messages = chunks(lines)
    assert len(messages) == 4  # 13 lines of 310 characters fit in one message
    assert all(len(m) <= MAX_MESSAGE for m in messages)
    assert "\n".join(messages) == "\n".join(lines)


def test_an_overlong_block_loses_its_markup_but_keeps_the_limit() -> None:
    (message,) = chunks([Html("<b>" + esc("a & b " * 2000) + "</b>")])
    assert len(message) <= MAX_MESSAGE
    assert "<b>" not in message


def test_a_pending_claims_details_list_similar_claims_with_the_swap_escaped() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    other = ClaimView(12, "Oumerov <b>is</b> defence minister", "en", Status.PENDING, 1, now, now, now)
    claim = ClaimView(
        19,
        "Oumerov is finance minister",
        "en",
        Status.PENDING,
        1,
        now,
        now,
        now,
        similar=(Candidate(other, 0.97, "suggest", ("<i>defence</i>", "finance & co")),),
    )
    text = "\n".join(claim_details(claim, "en"))
    assert "<b>#12</b>" in text and "(97%)" in text
    assert "Oumerov &lt;b&gt;is&lt;/b&gt; defence minister" in text
    assert (
        "It says “&lt;i&gt;defence&lt;/i&gt;” where this one says “finance &amp; co”: another claim." in text
    )


def test_the_queue_shows_the_claim_a_pending_one_is_close_to_with_the_swap_escaped() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    published = ClaimView(12, "Oumerov <b>is</b> defence minister", "en", Status.PUBLISHED, 4, now, now, now)
    pending = ClaimView(19, "Oumerov is finance minister", "en", Status.PENDING, 2, now, now, now)
    alone = ClaimView(20, "Bicycles banned on bridges", "en", Status.PENDING, 1, now, now, now)
    close = {19: Candidate(published, 0.97, "suggest", ("<i>defence</i>", "finance & co"))}
    text, _ = queue_page(QueuePage((pending, alone), 2, 0, 10, close), "en", now)
    lines = text.split("\n")
    assert lines[1].startswith("<b>#19</b>")
    assert "close to <b>#12</b>" in lines[2] and "Oumerov &lt;b&gt;is&lt;/b&gt; defence minister" in lines[2]
    assert "It says “&lt;i&gt;defence&lt;/i&gt;” where this one says “finance &amp; co”" in lines[3]
    assert lines[4].startswith("<b>#20</b>") and len(lines) == 5  # nothing close to #20


def test_a_queue_of_long_claims_close_to_others_still_fits_one_message() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    words = " ".join(f"word{n}" for n in range(200))
    claims = tuple(ClaimView(n, words, "en", Status.PENDING, 1, now, now, now) for n in range(1, 11))
    other = ClaimView(99, words, "en", Status.PUBLISHED, 1, now, now, now)
    close = {c.id: Candidate(other, 0.9, "suggest", (words, words)) for c in claims}
    text, _ = queue_page(QueuePage(claims, 10, 0, 10, close), "en", now)
    assert utf16_len(text) <= MAX_MESSAGE
    assert all(f"<b>#{n}</b>" in text for n in range(1, 11))  # every claim keeps its line
    assert "close to <b>#99</b>" in text  # what fits of the rest stays

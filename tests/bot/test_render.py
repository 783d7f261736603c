"""Replies stay within Telegram's limits and cut text sensibly (the stand-in refuses anything longer)."""

from __future__ import annotations

from bot.i18n import Html, esc
from bot.render import MAX_MESSAGE, chunks, clip


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

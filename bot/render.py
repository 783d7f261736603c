"""Everything the bot says, built from the catalogs: cards, lists, keyboards. HTML-safe and within 4096 chars."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)

from bot import callbacks
from bot.i18n import LANGUAGES, Html, catalog, esc, join, plain, t, tn
from claims.ratings import Rating
from claims.views import (
    Candidate,
    CheckResult,
    ClaimView,
    MergeResult,
    MineEntry,
    Notification,
    Outcome,
    PersonView,
    PublishResult,
    QueuePage,
    RejectResult,
    Role,
    Status,
    SubmissionView,
    VerdictView,
    WordingView,
)

MAX_MESSAGE = 4096
CLAIM_CHARS = 700
SUMMARY_CHARS = 800
LINE_CHARS = 200
BUTTON_CHARS = 48
MAX_SOURCES = 5

Reply = tuple[Html, InlineKeyboardMarkup | None]


def clip(text: str | None, limit: int) -> str:
    """At most `limit` characters, cut at a word when possible, with an ellipsis when cut."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if not text[limit - 1].isspace() and space > limit // 2:  # do not end on half a word
        cut = cut[:space]
    return cut.rstrip() + "…"


def one_line(text: str | None, limit: int = LINE_CHARS) -> str:
    return clip(" ".join((text or "").split()), limit)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def chunks(blocks: Iterable[Html], limit: int = MAX_MESSAGE, sep: str = "\n") -> list[Html]:
    """Whole blocks packed into as few messages as fit Telegram's limit (blocks are never split mid-tag)."""
    messages: list[Html] = []
    current: list[Html] = []
    size = 0
    for block in blocks:
        if utf16_len(block) > limit:  # only reachable with an unclipped field: keep the text, drop the markup
            block = esc(clip(block, limit // 6))
        extra = utf16_len(block) + (utf16_len(sep) if current else 0)
        if current and size + extra > limit:
            messages.append(join(current, sep))
            current, size = [], 0
            extra = utf16_len(block)
        current.append(block)
        size += extra
    if current:
        messages.append(join(current, sep))
    return messages


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    rows = tuple(row for row in rows if row)
    return InlineKeyboardMarkup(rows) if rows else None


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(clip(text, BUTTON_CHARS), callback_data=data)


def day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def age(lang: str, since: datetime | None, now: datetime | None = None) -> str:
    """How long ago, compactly: 5 min, 3 h, 2 d."""
    if since is None:
        return "—"
    now = now or datetime.now(UTC)
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return plain(lang, "age.minutes", n=minutes)
    if minutes < 24 * 60:
        return plain(lang, "age.hours", n=minutes // 60)
    return plain(lang, "age.days", n=minutes // (24 * 60))


def rating_label(lang: str, rating: Rating | str) -> str:
    return plain(lang, f"rating.{Rating(rating).value}")


def status_label(lang: str, claim: ClaimView) -> str:
    if claim.status == Status.PUBLISHED and claim.verdict is not None:
        return rating_label(lang, claim.verdict.rating)
    return plain(lang, f"status.{claim.status.value}")


def claim_ref(claim_id: int | None) -> Html:
    return Html(f"<b>#{int(claim_id)}</b>") if claim_id is not None else Html("—")


# ---------------------------------------------------------------------- cards


def _link(url: str, label: str | None) -> Html:
    text = label or urlsplit(url).hostname or url
    return Html(f'<a href="{esc(url)}">{esc(one_line(text, 60))}</a>')


def sources_line(verdict: VerdictView, lang: str) -> Html | None:
    links: list[Html] = []
    seen: set[str] = set()
    if verdict.review_url:
        links.append(_link(verdict.review_url, verdict.publisher))
        seen.add(verdict.review_url)
    for source in verdict.sources:
        if source.url not in seen and len(links) < MAX_SOURCES:
            links.append(_link(source.url, source.publisher or source.title))
            seen.add(source.url)
    return t(lang, "card.sources", links=join(links, " · ")) if links else None


def verdict_card(claim: ClaimView, lang: str) -> Html:
    """A published verdict: rating, the claim as checked, summary, sources, publisher, date and `#id`."""
    verdict = claim.verdict
    if verdict is None:
        return claim_card(claim, lang)
    label = rating_label(lang, verdict.rating)
    words = one_line(verdict.textual_rating, 80)
    lines = [
        t(lang, "card.rating_words", label=label, words=words)
        if words and words.casefold() not in label.casefold()
        else t(lang, "card.rating", label=label),
        t(lang, "card.claim", text=clip(claim.text, CLAIM_CHARS)),
    ]
    if claim.claimant:
        lines.append(t(lang, "card.claimant", claimant=one_line(claim.claimant, 80)))
    if verdict.summary:
        lines.append(Html(f"\n{esc(clip(verdict.summary, SUMMARY_CHARS))}\n"))
    if sources := sources_line(verdict, lang):
        lines.append(sources)
    publisher = verdict.publisher or verdict.reviewer_name
    lines.append(
        t(
            lang,
            "card.checked_by",
            publisher=one_line(publisher, 80),
            date=day(verdict.published_at),
            id=claim.id,
        )
        if publisher
        else t(lang, "card.checked", date=day(verdict.published_at), id=claim.id)
    )
    return join(lines)


def claim_card(claim: ClaimView, lang: str) -> Html:
    """A claim as people may see it, whatever its status."""
    if claim.status == Status.PUBLISHED and claim.verdict is not None:
        return verdict_card(claim, lang)
    text = clip(claim.text, CLAIM_CHARS)
    if claim.status == Status.REJECTED:
        if claim.reject_reason:
            return t(lang, "card.rejected", id=claim.id, text=text, reason=one_line(claim.reject_reason, 300))
        return t(lang, "card.rejected_no_reason", id=claim.id, text=text)
    return tn(lang, "card.pending", claim.ask_count, id=claim.id, text=text)


# ---------------------------------------------------------------------- people


def check_reply(result: CheckResult, lang: str, *, private: bool = True) -> Reply:
    """The answer to a checked text: a verdict card, suggestions, or the pending claim it was logged as."""
    if result.outcome == Outcome.ANSWERED and result.answer is not None:
        answer = result.answer
        return answer_reply(
            answer.claim, result.submission_id, lang, private=private, left_out=answer.left_out
        )
    if result.suggestions:
        return suggestions_reply(result, lang)
    if result.queued is not None:
        return queued_reply(
            result.queued, lang, submission_id=result.submission_id if result.similar else None
        )
    return t(lang, "check.nothing"), None


def answer_reply(
    claim: ClaimView,
    submission_id: int | None,
    lang: str,
    *,
    private: bool = True,
    left_out: tuple[str, ...] = (),
) -> Reply:
    """A verdict card for an answered text; under it, when the text said less than the claim, the claim's
    words it left out (`Candidate.left_out`), since the verdict may rest on them ("in Moscow")."""
    markup = None
    if private and submission_id is not None:
        markup = keyboard([button(plain(lang, "card.not_meant"), callbacks.queue_text(submission_id))])
    card = verdict_card(claim, lang)
    if left_out:
        words = plain(lang, "check.left_out_join").join(
            plain(lang, "check.left_out_word", word=one_line(w, 60)) for w in left_out
        )
        card = join([card, t(lang, "check.left_out", words=words)])
    return card, markup


def suggestions_reply(result: CheckResult, lang: str) -> Reply:
    lines = [t(lang, "check.suggest")]
    rows = []
    for number, candidate in enumerate(result.suggestions, start=1):
        claim = candidate.claim
        lines.append(
            t(lang, "check.suggestion", n=number, rating=status_label(lang, claim), text=one_line(claim.text))
        )
        lines.extend(_swap_line(candidate, lang, "check.swap"))
        if result.submission_id is not None:
            rows.append(
                [button(f"{number}. {one_line(claim.text)}", callbacks.pick(result.submission_id, claim.id))]
            )
    if result.submission_id is not None:
        rows.append([button(plain(lang, "check.none_of_these"), callbacks.queue_text(result.submission_id))])
    return join(lines), keyboard(*rows)


def queued_reply(claim: ClaimView, lang: str, *, submission_id: int | None = None) -> Reply:
    """The text is counted on a pending claim: its `#id`, the promise, and the button to opt out.
    `submission_id`: the text was counted on a claim it does not repeat word for word; that claim is quoted,
    with "not what I meant" to make the text a claim of its own."""
    if claim.status == Status.REJECTED:
        return claim_card(claim, lang), None
    if claim.status == Status.PUBLISHED:
        return verdict_card(claim, lang), None
    if claim.ask_count <= 1:
        text = t(lang, "check.queued_new", id=claim.id)
    else:
        text = tn(lang, "check.queued_again", claim.ask_count, id=claim.id)
    rows = [[button(plain(lang, "check.notify_off"), callbacks.unsubscribe(claim.id))]]
    if submission_id is not None:
        text = join([text, t(lang, "card.claim", text=one_line(claim.text))], "\n")
        rows.insert(0, [button(plain(lang, "card.not_meant"), callbacks.queue_alone(submission_id))])
    return text, keyboard(*rows)


def mine(entries: list[MineEntry], lang: str) -> list[Html]:
    if not entries:
        return [t(lang, "mine.empty")]
    lines = [t(lang, "mine.header")]
    for entry in entries:
        key = "mine.line" if entry.subscribed or entry.claim.status != Status.PENDING else "mine.line_muted"
        lines.append(
            t(
                lang,
                key,
                id=entry.claim.id,
                status=status_label(lang, entry.claim),
                text=one_line(entry.claim.text),
            )
        )
    return chunks(lines)


def help_text(lang: str, role: Role) -> Html:
    parts = [t(lang, "help.people")]
    if role in (Role.REVIEWER, Role.ADMIN):
        parts.append(t(lang, "help.reviewers", ratings=", ".join(r.value for r in Rating)))
    if role == Role.ADMIN:
        parts.append(t(lang, "help.admins"))
    return join(parts, "\n\n")


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(catalog(code)["language.name"], callback_data=callbacks.language(code))]
            for code in LANGUAGES
        ]
    )


def inline_results(candidates: list[Candidate], lang: str) -> list[InlineQueryResultArticle]:
    """Up to five verdict cards for inline mode; choosing one posts the card in the chat."""
    results = []
    for candidate in candidates[:5]:
        claim = candidate.claim
        results.append(
            InlineQueryResultArticle(
                id=f"c{claim.id}",
                title=clip(f"{status_label(lang, claim)} · {one_line(claim.text)}", 120),
                description=one_line(claim.verdict.summary if claim.verdict else claim.text, 200),
                input_message_content=InputTextMessageContent(verdict_card(claim, lang)),
            )
        )
    return results


# ---------------------------------------------------------------------- reviewers


def queue_page(page: QueuePage, lang: str, now: datetime | None = None) -> Reply:
    if not page.claims:
        return t(lang, "queue.empty"), None
    # One message whatever the claims say: the claims close to others lose what they swap, then their line.
    for detail in (2, 1, 0):
        text = join(_queue_lines(page, lang, now, detail))
        if utf16_len(text) <= MAX_MESSAGE:
            break
    claim_buttons = [button(f"#{claim.id}", callbacks.claim(claim.id)) for claim in page.claims]
    paging = []
    if page.offset > 0:
        paging.append(button(plain(lang, "queue.newer"), callbacks.page(max(0, page.offset - page.limit))))
    if page.offset + len(page.claims) < page.total:
        paging.append(button(plain(lang, "queue.older"), callbacks.page(page.offset + page.limit)))
    rows = [claim_buttons[i : i + 5] for i in range(0, len(claim_buttons), 5)]
    return text, keyboard(*rows, paging)


def _queue_lines(page: QueuePage, lang: str, now: datetime | None, detail: int) -> list[Html]:
    """The queue's lines: each claim's, and with `detail` 1 the claim close to it, with 2 what it swaps."""
    lines = [
        t(lang, "queue.header", first=page.offset + 1, last=page.offset + len(page.claims), total=page.total)
    ]
    for claim in page.claims:
        lines.append(
            t(
                lang,
                "queue.line",
                id=claim.id,
                asks=claim.ask_count,
                lang=claim.lang or "?",
                age=age(lang, claim.first_asked_at or claim.created_at, now),
                text=one_line(claim.text, 150),
            )
        )
        close = page.close.get(claim.id) if detail else None
        if close is not None:
            other = close.claim
            status = status_label(lang, other)
            lines.append(t(lang, "queue.close", id=other.id, status=status, text=one_line(other.text, 100)))
            if detail > 1:
                lines.extend(_swap_line(close, lang, "details.swap"))
    return lines


def claim_details(claim: ClaimView, lang: str) -> list[Html]:
    """Everything a reviewer needs about one claim: wordings, verdict history, asks, subscribers, and for a
    pending one the claims it resembles."""
    lines = [
        t(
            lang,
            "details.header",
            id=claim.id,
            status=status_label(lang, claim),
            asks=claim.ask_count,
            subscribers=claim.subscribers,
            lang=claim.lang or "?",
        ),
        t(lang, "card.claim", text=clip(claim.text, CLAIM_CHARS)),
    ]
    if claim.status == Status.REJECTED and claim.reject_reason:
        lines.append(t(lang, "details.rejected", reason=one_line(claim.reject_reason, 300)))
    if claim.merged_into_id:
        lines.append(t(lang, "details.merged", into=claim.merged_into_id))
    if claim.wordings:
        lines.append(t(lang, "details.wordings", n=len(claim.wordings)))
        lines.extend(_wording_line(w, lang) for w in claim.wordings)
    history = claim.history or ((claim.verdict,) if claim.verdict else ())
    if history:
        lines.append(t(lang, "details.history"))
        lines.extend(_verdict_line(v, lang) for v in history)
    else:
        lines.append(t(lang, "details.no_verdict"))
    if claim.similar:
        lines.append(t(lang, "details.similar"))
        for candidate in claim.similar:
            other = candidate.claim
            lines.append(
                t(
                    lang,
                    "details.similar_claim",
                    id=other.id,
                    status=status_label(lang, other),
                    text=one_line(other.text),
                    score=f"{candidate.score:.0%}",
                )
            )
            lines.extend(_swap_line(candidate, lang, "details.swap"))
    return chunks(lines)


def _swap_line(candidate: Candidate, lang: str, key: str) -> list[Html]:
    """The line under a candidate saying what the text puts in its claim's place (`Candidate.swap`), if it
    does."""
    if candidate.swap is None:
        return []
    said, written = candidate.swap
    return [t(lang, key, claim=one_line(said), text=one_line(written))]


def _wording_line(wording: WordingView, lang: str) -> Html:
    return t(
        lang,
        "details.wording",
        text=one_line(wording.text),
        kind=plain(lang, f"kind.{wording.kind.value}"),
        lang=wording.lang or "?",
    )


def _verdict_line(verdict: VerdictView, lang: str) -> Html:
    url = verdict.review_url or (verdict.sources[0].url if verdict.sources else "")
    return t(
        lang,
        "details.verdict",
        date=day(verdict.published_at),
        rating=rating_label(lang, verdict.rating),
        reviewer=one_line(verdict.reviewer_name or verdict.publisher or "?", 60),
        source=_link(url, None) if url else Html("—"),
    )


def published(result: PublishResult, lang: str) -> Html:
    new = rating_label(lang, result.verdict.rating)
    if result.is_correction and result.previous is not None:
        lines = [
            t(
                lang,
                "verdict.corrected",
                id=result.claim.id,
                old=rating_label(lang, result.previous.rating),
                new=new,
            )
        ]
    else:
        lines = [t(lang, "verdict.published", id=result.claim.id, rating=new)]
    lines.append(tn(lang, "notify.count", len(result.notify)))
    if result.raced_with is not None:
        lines.append(
            t(
                lang,
                "verdict.raced",
                id=result.claim.id,
                rating=rating_label(lang, result.raced_with.rating),
                reviewer=result.raced_with.reviewer_name or result.raced_with.reviewer_id or "?",
                time=result.raced_with.published_at.strftime("%H:%M"),
            )
        )
    return join(lines)


def superseded(result: PublishResult, lang: str) -> Html:
    """For the reviewer whose verdict another reviewer's replaced moments later."""
    return t(
        lang,
        "verdict.superseded",
        id=result.claim.id,
        reviewer=one_line(result.verdict.reviewer_name or str(result.verdict.reviewer_id or "?"), 60),
        rating=rating_label(lang, result.verdict.rating),
        yours=rating_label(lang, result.raced_with.rating) if result.raced_with else "?",
    )


def rejected(result: RejectResult, lang: str) -> Html:
    return join([t(lang, "reject.done", id=result.claim.id), tn(lang, "notify.count", len(result.notify))])


def merged(result: MergeResult, from_id: int, lang: str) -> Html:
    return t(
        lang,
        "merge.done",
        from_id=from_id,
        into_id=result.into.id,
        wordings=result.moved_wordings,
        asks=result.moved_asks,
        subscribers=result.moved_subscribers,
    )


def alias_added(claim_id: int, wording: WordingView, lang: str) -> Html:
    return t(lang, "alias.done", id=claim_id, text=one_line(wording.text))


def log(rows: list[SubmissionView], lang: str) -> list[Html]:
    if not rows:
        return [t(lang, "log.empty")]
    lines = [t(lang, "log.header")]
    for row in rows:
        lines.append(
            t(
                lang,
                "log.line",
                date=row.created_at.strftime("%Y-%m-%d %H:%M"),
                outcome=plain(lang, f"outcome.{row.outcome.value}"),
                claim=claim_ref(row.claim_id),
                text=one_line(row.text, 120),
            )
        )
    return chunks(lines)


def person_changed(action: str, person: PersonView, lang: str) -> Html:
    return t(lang, f"{action}.done", user=person.user_id)


# ---------------------------------------------------------------------- notifications


def notification(note: Notification, lang: str) -> Html:
    """What the outbox sends: a first verdict, a corrected one, or a rejection."""
    claim = note.claim
    if note.kind == "rejected":
        lines = [t(lang, "notify.rejected", id=claim.id, text=one_line(claim.text, 300))]
        if claim.reject_reason:
            lines.append(t(lang, "notify.reason", reason=one_line(claim.reject_reason, 300)))
        return join(lines)
    key = "notify.correction" if note.kind == "correction" else "notify.verdict"
    return join([t(lang, key, id=claim.id), Html(""), verdict_card(claim, lang)])

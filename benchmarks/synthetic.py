"""Deterministic synthetic claims for the speed benchmarks: texts, fact-check records and files to import.

Claims are two wordings each (the claim as checked and the review's headline), with words drawn from a Zipf
vocabulary without its head, as content words are after stop-word removal; a query is a claim's wording inside
tweet-like noise (extra words, a URL, a signature). Everything is a function of the claim number, so two
processes (a loader and a load generator) agree on the texts without sharing state.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claims.formats import write_records
from claims.formats.claimreview import CONTEXT, node_from_record
from claims.ratings import rating_from_textual
from claims.records import ReviewRecord, SourceRecord

VOCABULARY = 60_000
SEED = 20200
# Publishers' own rating words, as imports carry them (the canonical rating is derived from these).
TEXTUAL_RATINGS = (
    "False",
    "Pants on Fire!",
    "Mostly False",
    "Misleading",
    "Partly false",
    "Missing context",
    "Half True",
    "Mostly True",
    "True",
    "Faux",
    "Trompeur",
    "Plutôt vrai",
    "Unproven",
    "Altered photo",
    "Satire",
    "Fabricated content",
)
# The file shapes `import_speed.py` measures: name -> (file suffix, `--format` to pass).
FILE_FORMATS = {
    "claimreview": (".jsonld", "claimreview"),
    "claimreview-jsonl": (".jsonl", "claimreview"),
    "factcheck-api": (".json", "factcheck-api"),
    "csv": (".csv", "csv"),
}


def _vocabulary() -> list[str]:
    rng = random.Random(SEED)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return sorted(words)


# The commonest English words, for `prose`: langdetect reads pseudo-words alone slowly and unsurely (~4.5 ms a
# tweet against 1.5 ms for CheckThat!'s real tweets), so benchmarks of the whole bot put one before every
# content word, as real posts do (half their words are function words): then detection takes 1.5 ms too.
FUNCTION_WORDS = (  # noqa: SIM905 - a list of words reads best as words
    "the of and to in is that for it with as was on are by this be from at have not they will has their "
    "were about after who said would there been more when also into than them only could new over"
).split()


class Corpus:
    """Synthetic claims: wording `2k+1` states claim `k`, wording `2k+2` is its headline.

    `prose`: an English function word before each content word (the matcher drops them as stop words)."""

    def __init__(self, claims: int, *, prose: bool = False) -> None:
        self.claims = claims
        self.prose = prose
        self.words = _vocabulary()
        # Zipf weights (s = 1) without the head: in real text the hundred most frequent words are function
        # words, which the analysis drops as stop words, so content words start further down the curve.
        weights = [1.0 / (rank + 100) for rank in range(len(self.words))]
        total = sum(weights)
        acc = 0.0
        self.cumulative = []
        for weight in weights:
            acc += weight / total
            self.cumulative.append(acc)

    def sentence(self, rng: random.Random, length: int) -> str:
        picks = rng.choices(self.words, cum_weights=self.cumulative, k=length)
        if self.prose:
            picks = [f"{rng.choice(FUNCTION_WORDS)} {w}" for w in picks]
        number = f" {rng.randint(2, 2030)}" if rng.random() < 0.3 else ""
        return " ".join(picks) + number

    def wording(self, claim: int, headline: bool) -> str:
        rng = random.Random(claim * 2 + headline)
        return self.sentence(rng, rng.randint(6, 10) if headline else rng.randint(10, 20))

    def items(self) -> Iterator[tuple[int, int, str, str | None]]:
        """`(wording_id, claim_id, text, lang)` for every wording, as `Matcher.add_many` takes them."""
        for claim in range(self.claims):
            yield 2 * claim + 1, claim, self.wording(claim, False), "en"
            yield 2 * claim + 2, claim, self.wording(claim, True), "en"

    def query(self, rng: random.Random, claim: int | None = None) -> tuple[int, str]:
        """A tweet-like text quoting claim `claim` (a random one when None): (claim, text)."""
        claim = rng.randrange(self.claims) if claim is None else claim
        inner = self.wording(claim, rng.random() < 0.3)
        before = self.sentence(rng, rng.randint(0, 6))
        after = self.sentence(rng, rng.randint(0, 8))
        text = f"{before} {inner} {after} https://t.co/{rng.randint(0, 10**9):x} — Someone (@someone) March 3, 2020"
        return claim, text

    def unknown(self, number: int) -> str:
        """Text `number` of a family that no claim states: drawn like claims, from another seed."""
        rng = random.Random(SEED * 13 + number)
        return self.sentence(rng, rng.randint(10, 18))

    def record(self, claim: int) -> ReviewRecord:
        """Fact-check `claim` as an import file carries it: text, headline, rating, review URL, publisher."""
        rng = random.Random(SEED * 7 + claim)
        textual = TEXTUAL_RATINGS[claim % len(TEXTUAL_RATINGS)]
        published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=37 * claim)
        return ReviewRecord(
            claim_text=self.wording(claim, False),
            rating=rating_from_textual(textual),
            textual_rating=textual,
            review_url=f"https://factcheck.example/{claim // 1000}/review-{claim}",
            headline=self.wording(claim, True),
            summary=self.sentence(rng, 12),
            language="en",
            publisher="Example Facts",
            publisher_url="https://factcheck.example",
            published_at=published,
            claimant=f"Someone {claim % 997}",
            sources=[SourceRecord(url=f"https://source.example/{claim}", title=None, publisher=None)],
        )

    def records(self, start: int = 0, count: int | None = None) -> Iterator[ReviewRecord]:
        stop = self.claims if count is None else min(self.claims, start + count)
        for claim in range(start, stop):
            yield self.record(claim)


def write_file(corpus: Corpus, path: Path, shape: str) -> Path:
    """Write every claim of `corpus` as an import file of `shape` (a key of FILE_FORMATS)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        if shape == "claimreview":
            write_records(corpus.records(), out, "claimreview")
        elif shape == "csv":
            write_records(corpus.records(), out, "csv")
        elif shape == "claimreview-jsonl":
            for record in corpus.records():
                out.write(json.dumps({"@context": CONTEXT, **node_from_record(record)}, ensure_ascii=False))
                out.write("\n")
        elif shape == "factcheck-api":
            # Saved `claims:search` pages, one response per line, 100 claims a page as the API pages them.
            page: list[dict] = []
            for record in corpus.records():
                page.append(_api_claim(record))
                if len(page) == 100:
                    out.write(json.dumps({"claims": page, "nextPageToken": "x"}) + "\n")
                    page = []
            if page:
                out.write(json.dumps({"claims": page}) + "\n")
        else:
            raise ValueError(f"unknown shape {shape!r}")
    return path


def _api_claim(record: ReviewRecord) -> dict:
    assert record.published_at is not None
    return {
        "text": record.claim_text,
        "claimant": record.claimant,
        "claimReview": [
            {
                "publisher": {"name": record.publisher, "site": "factcheck.example"},
                "url": record.review_url,
                "title": record.headline,
                "reviewDate": record.published_at.isoformat().replace("+00:00", "Z"),
                "textualRating": record.textual_rating,
                "languageCode": record.language,
            }
        ],
    }

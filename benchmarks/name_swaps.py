"""Claims with a name swapped: how often the matcher answers them with the claim they were made from.

    python benchmarks/name_swaps.py                 # 1,000 CheckThat! claims, ~40 s
    python benchmarks/name_swaps.py --sample 3000 --seed 5
    .venv-semantic/bin/python benchmarks/name_swaps.py --semantic-model "$MODEL"   # with embeddings (~5 min)

Each sampled claim of CheckThat! 2020's `verified_claims.tsv` (as checked, `vclaim`) that writes a name with a
capital after its first word ("... met Kim Jong-un in Moscow") is searched twice among all 10,375 claims: as
it is (it should be answered with itself), and with one of its names replaced by a name another claim writes
("... met Xi Jinping in Moscow"): that text says something of someone else, and answering it with the original
claim shows that claim's verdict for another person's deed. The report gives the share of swapped texts
answered with the claim they were made from (or one of its duplicates): wrong answers, which a matcher worth
its verdicts keeps low; and the share of unchanged claims answered with themselves. Built from the claims
alone, no tweet: a guard against the first must not cost the second, nor train's tweets
(`fit_matcher.py --gates` is where a guard's threshold is chosen).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkthat_eval import Duplicates, VerifiedClaim, build_matcher, default_data_dir, load_claims

from claims.matching import MatchConfig, Matcher, Tier, prepare_query

# A name as written: a capitalised word of letters (hyphenated parts kept), not in capitals throughout.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Za-z]+)*\b")


def names_after_first_word(text: str) -> list[re.Match[str]]:
    """The capitalised words of `text` past its first word (a sentence's first word is capitalised anyway)."""
    return [m for m in _NAME.finditer(text) if m.start() > 0]


def swapped(claim: VerifiedClaim, pool: Sequence[str], rng: random.Random) -> str | None:
    """`claim` as checked with one of its names replaced by a name from `pool` it does not write."""
    names = names_after_first_word(claim.vclaim)
    if not names:
        return None
    target = rng.choice(names)
    written = {m.group(0).lower() for m in names}
    for _ in range(20):
        other = rng.choice(pool)
        if other.lower() not in written and other.lower() not in claim.vclaim.lower():
            return claim.vclaim[: target.start()] + other + claim.vclaim[target.end() :]
    return None


def answered_with(matcher: Matcher, text: str, allowed: frozenset[int]) -> bool:
    """Whether `text`'s top hit is an answer with a claim in `allowed`."""
    hits = matcher.search(prepare_query(text), limit=1)
    return bool(hits) and hits[0].tier == Tier.ANSWER and hits[0].claim_id in allowed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    parser.add_argument("--sample", type=int, default=1000, help="claims to swap a name in")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--semantic-model", type=Path, default=None, help="local sentence-transformers model")
    args = parser.parse_args(argv)

    claims = load_claims(args.data or default_data_dir())
    matcher = build_matcher(claims, MatchConfig(semantic_model=args.semantic_model))
    duplicates = Duplicates(claims)
    rng = random.Random(args.seed)
    pool = [m.group(0) for c in claims for m in names_after_first_word(c.vclaim)]
    candidates = [c for c in claims if names_after_first_word(c.vclaim)]
    sample = rng.sample(candidates, min(args.sample, len(candidates)))
    swaps = wrong = right = 0
    for claim in sample:
        text = swapped(claim, pool, rng)
        if text is None:
            continue
        allowed = duplicates.of(frozenset({claim.claim_id}))
        swaps += 1
        wrong += answered_with(matcher, text, allowed)
        right += answered_with(matcher, claim.vclaim, allowed)
    n = max(1, swaps)
    print(f"{swaps} claims with a name swapped (of {len(candidates)} that write a name), seed {args.seed}")
    print(f"swapped text answered with the claim it was made from (wrong): {wrong / n:.3f}")
    print(f"unchanged claim answered with itself (right):                  {right / n:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

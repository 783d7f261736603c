"""The matcher: finds the already checked claims a person's text repeats, with a calibrated confidence.

Two stages, as search engines do: the inverted index (BM25 over analysed terms) proposes the few dozen
wordings that share the rarest words with the text; each is then re-scored with finer features (coverage both
ways, numbers, fuzzy string similarity, optionally sentence embeddings), the wordings of one claim pooled, and
a fitted linear model ranks the claims and turns the ranking score into a confidence in [0, 1].
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Container, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claims.matching.bulk import prepare_wording, prepare_wordings
from claims.matching.cleaning import mentioned_names
from claims.matching.compounds import GATE_LENGTH, split_unknown
from claims.matching.config import MatchConfig
from claims.matching.features import (
    FEATURE_NAMES,
    CorpusStats,
    QueryContext,
    Substitution,
    claim_features,
    pair_features,
    prepare_text,
    query_context,
    substitution,
)
from claims.matching.index import StoredWording, TermIndex
from claims.matching.model import Model
from claims.matching.normalise import left_out_words, tokens, written_words
from claims.matching.query import Query
from claims.matching.results import Hit, Tier
from claims.matching.weights import CROSSLINGUAL, LEXICAL, SEMANTIC

if TYPE_CHECKING:
    from claims.matching.semantic import SemanticIndex

__all__ = ["ClaimCandidate", "Matcher"]

log = logging.getLogger(__name__)

# How many wordings the inverted index proposes, and how many claims among them are re-scored. Chosen on
# CheckThat! train (30/10 ranked as well as 40-60/20 there, and costs half as much per search): the right claim
# is among the first ten for ~90% of tweets, and deeper lists mostly add near-misses.
CANDIDATE_WORDINGS = 30
RERANK_CLAIMS = 10
# Proposals whose BM25 is under this share of the best proposal's are not re-scored: they never placed. On
# CheckThat! through `claims match` (20 claims deep, as the bot searches), leaving them out changes nothing
# at 0.3 or 0.4 (MAP@5 dev 0.8426, train 0.8789; answer precision and coverage, suggestions, and the answers
# given when the right claim is missing, all the same); at 0.5 train loses 0.002. A tweet quoting one claim
# proposes it far above the rest, so this halves the re-scoring of such searches (benchmarks/README.md).
RESCORE_FLOOR = 0.3
# A text shorter than `MatchConfig.min_answer_words` is answered when it is a wording of the claim word for word
# (`Matcher.repeats`), if it holds at least this many content words: one word is a topic, not a claim.
MIN_REPEATED_WORDS = 2
_COVER_CLAIM = FEATURE_NAMES.index("cover_claim")
_COVER_PREDICATE = FEATURE_NAMES.index("cover_predicate")
# Between the words of two swapped places, when a text swaps two things of the claim.
_SWAPS_APART = " … "
# An answer names at most this many stretches of the claim its text leaves out (`Matcher.left_out`), for a
# text that adds at most `MAX_ADDED` terms of its own ("Vladimir", "true").
MAX_LEFT_OUT = 3
MAX_ADDED = 1


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """A claim the index proposed, with its pooled features (what the model scores; used by the fitting)."""

    claim_id: int
    wording_id: int
    features: tuple[float, ...]
    # The claim's wordings the index proposed (`Matcher.substituted` compares the text with them).
    wordings: tuple[StoredWording, ...] = ()


class Matcher:
    """An index of claim wordings that answers `search(query)` with calibrated hits. Thread-safe."""

    def __init__(self, config: MatchConfig = MatchConfig(), *, index_dir: Path | None = None) -> None:
        self.config = config
        self.index_dir = index_dir
        self._index = TermIndex(index_dir / "lexical" if index_dir is not None else None)
        self._lock = threading.RLock()
        self._semantic: SemanticIndex | None = None
        self._model: Model = LEXICAL
        self._crosslingual: Model | None = None
        if config.semantic_model is not None:
            # Imported here: the semantic extras pull numpy and a model engine, which a lexical install never needs.
            from claims.matching.semantic import SemanticIndex, load_encoder

            self._semantic = SemanticIndex(
                load_encoder(config.semantic_model), index_dir / "semantic" if index_dir is not None else None
            )
            fitted = SEMANTIC.get(self._semantic.family)
            if fitted is None:
                log.warning("no fitted weights for %s models; matching stays lexical", self._semantic.family)
            else:
                self._model = fitted
                self._crosslingual = CROSSLINGUAL.get(self._semantic.family)
            self._embed_missing()

    def _embed_missing(self) -> None:
        """Embed the indexed wordings that have no vector (first use of a model, or a changed model)."""
        assert self._semantic is not None
        if len(self._semantic) == len(self._index):
            return
        missing = [w for w in self._index.all_wordings() if w.wording_id not in self._semantic]
        if missing:
            log.info("embedding %d wordings for the semantic feature", len(missing))
            self._semantic.add(missing)

    # -- the index ---------------------------------------------------------------------------------------

    def add(self, *, wording_id: int, claim_id: int, text: str, lang: str | None = None) -> None:
        """Index one wording of a claim, searchable by the next `search`; re-adding an id replaces it."""
        wording = prepare_wording(wording_id, claim_id, text, lang)
        with self._lock:
            self._index.add(wording)
            if self._semantic is not None:
                self._semantic.add([wording])

    def add_many(self, items: Iterable[tuple[int, int, str, str | None]]) -> int:
        """Index many `(wording_id, claim_id, text, lang)` at once (startup, import); returns how many."""
        count = 0
        expected = len(items) if isinstance(items, Sized) else None
        with self._lock:
            for batch in prepare_wordings(items, expected=expected):
                self._index.add_many(batch, commit=False)
                if self._semantic is not None:
                    self._semantic.add(batch)
                count += len(batch)
            self._index.refresh(buffered=True)
        return count

    def remove(self, wording_id: int) -> None:
        """Drop a wording from the index (a no-op when it is not there)."""
        with self._lock:
            self._index.remove(wording_id)
            if self._semantic is not None:
                self._semantic.remove(wording_id)

    def reassign(self, *, from_claim: int, into_claim: int) -> None:
        """After a merge: every wording of `from_claim` now belongs to `into_claim`."""
        if from_claim == into_claim:
            return
        with self._lock:
            moved = [
                StoredWording(w.wording_id, into_claim, w.lang, w.text, w.terms)
                for w in self._index.wordings_of(from_claim)
            ]
            for wording in moved:
                self._index.add(wording)
            # The semantic vectors are keyed by wording, not claim: nothing to move there.

    @property
    def watermark(self) -> int:
        """The highest wording id ever indexed here (rows above it were written elsewhere and need adding)."""
        return self._index.watermark

    def proposes_after(self, query: Query, watermark: int) -> bool:
        """Whether a search for `query` would now propose a wording indexed above `watermark` for re-scoring (one
        sharing a term with it that scores at least `RESCORE_FLOOR` of the best BM25; with embeddings, any), so
        that a search made before those were indexed is out of date. A wording the search leaves out changes
        none of its hits: most new claims, under load, share a common word or two with a text and no more."""
        if self.watermark <= watermark:
            return False
        if self._semantic is not None:
            return True  # a nearest neighbour need share no word
        return not query.empty and self._index.proposes_after(
            watermark, self._terms(query), floor=RESCORE_FLOOR
        )

    def __len__(self) -> int:
        return len(self._index)

    def wording_ids(self) -> set[int]:
        """The id of every indexed wording (reads the whole index: for repairs, not for searches)."""
        return {wording.wording_id for wording in self._index.all_wordings()}

    def save(self) -> None:
        """Persist to `index_dir` (nothing to do without one)."""
        with self._lock:
            self._index.refresh()
            if self._semantic is not None:
                self._semantic.save()

    def close(self) -> None:
        """Save and release the index directory's writer lock."""
        with self._lock:
            self.save()
            self._index.close()

    def __enter__(self) -> Matcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scoring -----------------------------------------------------------------------------------------

    def _stats(self) -> CorpusStats:
        return CorpusStats(
            idf=self._index.idf_lookup, average_length=self._index.average_length, size=len(self._index)
        )

    def _context(self, query: Query) -> QueryContext:
        """The query side of the features: its terms, plus known halves of glued words the index lacks."""
        return query_context(
            prepare_text(self._terms(query), query.text, query.lang), self._stats(), date=query.date
        )

    def _terms(self, query: Query) -> tuple[str, ...]:
        """What the index is asked for `query`: its words' terms, its names, and the known halves of glued words
        the index lacks."""
        doc_freq = self._index.doc_freq
        extra = query.names
        if any(len(t) >= GATE_LENGTH and t.isalpha() and doc_freq(t) == 0 for t in query.terms):
            # Cut as written, where the stem may hide the second word's ending ("cornflakes").
            written = tokens(f"{query.text} {mentioned_names(query.raw)}")
            extra += tuple(split_unknown(written, query.lang, doc_freq))
        return query.terms[: query.words] + extra

    def candidates(
        self, query: Query, *, depth: int = RERANK_CLAIMS, exclude: Container[int] = ()
    ) -> list[ClaimCandidate]:
        """The claims the index proposes for `query`, in index order, with the features the model scores."""
        if query.empty:
            return []
        context = self._context(query)
        pooled: dict[int, list[tuple[StoredWording, list[float]]]] = {}
        for wording, similarity, lexical in self._proposals(context.query.terms, query, exclude, depth):
            rows = pooled.get(wording.claim_id)
            if rows is None:
                # Lexical proposals fill `depth` claims; embeddings may add as many again that share no word.
                if len(pooled) >= (depth if lexical else 2 * depth):
                    continue
                rows = pooled[wording.claim_id] = []
            wording_text = prepare_text(wording.terms, wording.text, wording.lang)
            rows.append((wording, pair_features(context, wording_text, semantic=similarity)))
        found: list[ClaimCandidate] = []
        for claim_id, rows in pooled.items():
            best = max(rows, key=lambda row: self._model.rank_score(row[1]))[0]
            features = claim_features([row[1] for row in rows])
            found.append(
                ClaimCandidate(
                    claim_id=claim_id,
                    wording_id=best.wording_id,
                    features=tuple(features),
                    wordings=tuple(row[0] for row in rows),
                )
            )
        return found

    def _proposals(
        self, terms: Sequence[str], query: Query, exclude: Container[int], depth: int
    ) -> Iterator[tuple[StoredWording, float, bool]]:
        """Wordings worth re-scoring, lexical ones first: (wording, embedding similarity, lexical?)."""
        limit = CANDIDATE_WORDINGS * max(1, depth // RERANK_CLAIMS)
        found = self._index.search(terms, limit=limit, claims=depth, exclude=exclude, floor=RESCORE_FLOOR)
        if self._semantic is None:
            yield from ((candidate.wording, 0.0, True) for candidate in found)
            return
        neighbours = self._semantic.neighbours(query.text, limit=limit)
        seen = set()
        for candidate in found:
            seen.add(candidate.wording.wording_id)
            yield candidate.wording, neighbours.similarity(candidate.wording.wording_id), True
        for wording_id, similarity in neighbours.top:
            if wording_id in seen:
                continue
            wording = self._index.get(wording_id)
            if wording is not None and wording.claim_id not in exclude:
                yield wording, similarity, False

    def search(self, query: Query, *, limit: int = 5, exclude: Container[int] = ()) -> list[Hit]:
        """The best claims for `query`, best first, one hit per claim, claims in `exclude` skipped."""
        if limit <= 0:
            return []
        found = self.candidates(query, depth=max(RERANK_CLAIMS, limit), exclude=exclude)
        if not found:
            return []
        hits: list[Hit] = []
        foreign = self._foreign(query, found)
        promoted: list[Hit] = []
        for candidate, confidence in _judged(self._model, found):
            if len(hits) >= limit and not foreign:
                break
            tier = self.candidate_tier(confidence, query, candidate)
            across = foreign.get(candidate.claim_id, 0.0)
            lifted = across > confidence
            if lifted:
                # The embeddings' word is enough to offer a claim, not to answer with its verdict: what the
                # text leaves out of it or swaps in it cannot be checked across languages.
                confidence = across
                if tier is Tier.NONE and across >= self.config.suggest_threshold:
                    tier = Tier.SUGGEST
            hit = Hit(
                claim_id=candidate.claim_id, wording_id=candidate.wording_id, score=confidence, tier=tier
            )
            (promoted if lifted and across >= self.config.answer_threshold else hits).append(hit)
        return _promote(hits, promoted)[:limit] if promoted else hits[:limit]

    def _foreign(self, query: Query, found: Sequence[ClaimCandidate]) -> dict[int, float]:
        """The confidence of each proposed claim with no wording in the text's language, judged by the
        embeddings alone (`weights.CROSSLINGUAL`: its words are analysed in another language, so the lexical
        features say nothing of it), against every other proposed claim; empty without a multilingual model's
        weights. On that confidence such a claim is suggested, never answered: a French question is offered
        the English fact-check. (Names and numbers the two share can still earn it an answer from the lexical
        model, with every answer guard.)"""
        cross = self._crosslingual
        if cross is None:
            return {}
        foreign = {c.claim_id for c in found if all(w.lang != query.lang for w in c.wordings)}
        if not foreign:
            return {}
        return {c.claim_id: confidence for c, confidence in _judged(cross, found) if c.claim_id in foreign}

    def candidate_tier(self, confidence: float, query: Query, candidate: ClaimCandidate) -> Tier:
        """`tier` for a proposed claim at `confidence`, with every answer guard read off the candidate; the
        word-by-word comparisons only for a hit that could be answered (and the short-text one only for a
        short text)."""
        could = confidence >= self.config.answer_threshold
        return self.tier(
            confidence,
            query,
            coverage=candidate.features[_COVER_CLAIM],
            predicate=candidate.features[_COVER_PREDICATE],
            substituted=self.substituted(query, candidate) if could else 0.0,
            repeated=could and not self.may_answer(query) and self.repeats(query, candidate),
        )

    def repeats(self, query: Query, candidate: ClaimCandidate) -> bool:
        """Whether `query` is one of the claim's proposed wordings word for word (the same terms in the same
        order, in the same language): a short text that is the claim itself ("Putin will visit Pyongyang")."""
        words = query.terms[: query.words]
        return len(words) >= MIN_REPEATED_WORDS and any(
            wording.lang == query.lang and wording.terms == words for wording in candidate.wordings
        )

    def substituted(self, query: Query, candidate: ClaimCandidate) -> float:
        """How much of the claim `query` swaps for something else, when it is the claim with one thing changed
        (`Substitution.swapped` against the closest proposed wording in the text's language); 0 otherwise."""
        closest = self._closest(query, candidate.wordings)
        return 0.0 if closest is None else closest[0].swapped

    def swap(self, query: Query, claim_id: int) -> tuple[str, str] | None:
        """What `query` puts in the place of what, when it is the claim with one thing swapped: (the claim's
        words, the text's), as each writes them ("de la Défense", "des Finances" give ("Défense", "Finances")),
        against the closest of all the claim's wordings in the text's language; None when it is no swap. For
        telling a person why a claim is only suggested."""
        closest = self._closest(query, self._index.wordings_of(claim_id))
        if closest is None or closest[0].swapped <= 0:
            return None
        found, wording = closest
        claim_words = _SWAPS_APART.join(
            written_words(wording.text, wording.lang, place) for place in found.lost
        )
        text_words = _SWAPS_APART.join(written_words(query.text, query.lang, place) for place in found.put)
        return (claim_words, text_words) if claim_words and text_words else None

    def left_out(self, query: Query, claim_id: int) -> tuple[str, ...]:
        """What of the claim an answer's text leaves out while adding at most one word of its own ("Moscow" for
        "Putin and Kim met", answered with "Putin and Kim Jong-un met in Moscow"), as the closest wording in the
        text's language writes it, at most `MAX_LEFT_OUT` stretches: the verdict may rest on it, so the person
        is shown it. Nothing when the text holds one of the claim's wordings whole, adds more (it says the
        claim its own way: there is no telling what it leaves out), or has no wording in its language."""
        text = frozenset(query.terms[: query.words])
        closest: StoredWording | None = None
        fewest = 0
        for wording in self._index.wordings_of(claim_id):
            if wording.lang != query.lang:
                continue
            terms = frozenset(wording.terms)
            if terms <= text:
                return ()
            missing = len(terms - text)
            if len(text - terms) <= MAX_ADDED and (closest is None or missing < fewest):
                closest, fewest = wording, missing
        if closest is None:
            return ()
        return tuple(left_out_words(closest.text, closest.lang, text)[:MAX_LEFT_OUT])

    def _closest(
        self, query: Query, wordings: Iterable[StoredWording]
    ) -> tuple[Substitution, StoredWording] | None:
        """`features.substitution` of `query` against the wording in the text's language that shares the most
        with it (None without one). Only the same language: terms compare as one analysis makes them."""
        words = query.terms[: query.words]
        idf = self._index.idf_lookup
        closest = None
        for wording in wordings:
            if wording.lang == query.lang:
                found = substitution(words, wording.terms, idf)
                if closest is None or found.overlap > closest[0].overlap:
                    closest = (found, wording)
        return closest

    def score(self, query: Query, text: str, lang: str | None = None) -> float:
        """Confidence in [0, 1] that `text` states the claim in `query`, judged as `search` would judge it
        against a typical rival (the index's own claims are not consulted)."""
        if query.empty:
            return 0.0
        wording = prepare_wording(0, 0, text, lang)
        if not wording.terms:
            return 0.0
        similarity = 0.0
        if self._semantic is not None and self._model.uses_semantic:
            similarity = self._semantic.similarity(query.text, wording.text)
        features = pair_features(
            self._context(query), prepare_text(wording.terms, wording.text, wording.lang), semantic=similarity
        )
        model = self._model
        confidence = model.confidence(features, model.rank_score(features))
        cross = self._crosslingual
        if cross is not None and wording.lang != query.lang:  # as `search` judges a claim in another language
            confidence = max(confidence, cross.confidence(features, cross.rank_score(features)))
        return confidence

    def may_answer(self, query: Query) -> bool:
        """Whether any hit for `query` can reach the answer tier whatever its wording: texts under
        `min_answer_words` only do as one of the claim's wordings word for word (`repeats`)."""
        return query.words >= self.config.min_answer_words

    def tier(
        self,
        score: float,
        query: Query,
        *,
        coverage: float = 1.0,
        predicate: float = 1.0,
        substituted: float = 0.0,
        repeated: bool = False,
    ) -> Tier:
        """The tier a hit of confidence `score` earns; short texts (unless `repeated`: the claim's own words,
        `Matcher.repeats`), and texts holding little of the claim (`coverage`: IDF share of the claim's words
        found in the text) or little of what it says of its names (`predicate`: the same share over the words
        not written as names), or the claim with one thing swapped for another (`substituted`:
        `Matcher.substituted`), never get an answer, only suggestions."""
        config = self.config
        if (
            score >= config.answer_threshold
            and (self.may_answer(query) or repeated)
            and coverage >= config.min_answer_coverage
            and predicate >= config.min_answer_predicate
            and substituted <= config.max_answer_substitution
        ):
            return Tier.ANSWER
        if score >= self.config.suggest_threshold:
            return Tier.SUGGEST
        return Tier.NONE


def _judged(model: Model, found: Sequence[ClaimCandidate]) -> Iterator[tuple[ClaimCandidate, float]]:
    """`found` best first by `model`'s ranking score, each with its confidence: the leader judged against the
    runner-up, every other claim against the leader. On a tie the older claim (lower id) first: duplicates are
    usually later copies of it."""
    scored = sorted(
        ((model.rank_score(c.features), c) for c in found), key=lambda pair: (-pair[0], pair[1].claim_id)
    )
    best = scored[0][0]
    runner_up = scored[1][0] if len(scored) > 1 else None
    for position, (score, candidate) in enumerate(scored):
        yield candidate, model.confidence(candidate.features, score, runner_up if position == 0 else best)


def _promote(hits: list[Hit], promoted: list[Hit]) -> list[Hit]:
    """`hits` in the model's order with the claims in another language that the embeddings alone are sure of
    (`promoted`) placed, most confident first, before the first hit less confident than they are, but never
    before an answer: the model ranks such a claim by words it cannot compare, behind claims in the text's
    language that merely share its names."""
    merged = [hit for hit in hits if hit.tier is Tier.ANSWER]
    rest = [hit for hit in hits if hit.tier is not Tier.ANSWER]
    waiting = sorted(promoted, key=lambda hit: -hit.score)
    while rest and waiting:
        merged.append(rest.pop(0) if rest[0].score >= waiting[0].score else waiting.pop(0))
    return merged + rest + waiting

"""How sure the matcher must be before the bot answers or suggests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_ANSWER_THRESHOLD", "DEFAULT_SUGGEST_THRESHOLD", "MatchConfig"]

# Chosen on CheckThat! 2020 *train* tweets (benchmarks/README.md has the dev figures). The confidence is
# calibrated on tweets whose claim is in the index and on the same tweets with it left out (and on small
# topical databases and short claim-like texts), so it reads as "the right claim, when about half of what
# people send has not been checked". At 0.60 99.7% of answers on train name the right claim and 0.4% of texts
# whose claim is not in the index get an answer anyway (a wrong answer states someone else's verdict, so the
# bar is set for precision: the lowest threshold keeping train precision >= 99% and such answers <= 1%); at
# 0.30 the right claim is among the first three suggestions for ~69% of tweets while ~17% of unchecked texts
# see a suggestion, and "none of these" handles those.
DEFAULT_ANSWER_THRESHOLD = 0.60
DEFAULT_SUGGEST_THRESHOLD = 0.30


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds on the confidence in [0, 1], and the optional sentence-embedding model."""

    answer_threshold: float = DEFAULT_ANSWER_THRESHOLD
    suggest_threshold: float = DEFAULT_SUGGEST_THRESHOLD
    # A text with fewer content words than this is never answered outright: three words match anything. Unless
    # it is one of the claim's wordings word for word ("Putin will visit Pyongyang": `Matcher.repeats`).
    min_answer_words: int = 4
    # Nor is one that holds less than this share of the claim's words (IDF-weighted, best wording): a text that
    # only shares a name and a place with a claim ("Kim Jong-un ... Vostochny") is about something else, however
    # far ahead of the other claims it is. Such a hit is suggested instead. 0 turns the guard off.
    min_answer_coverage: float = 0.5
    # Nor is one that holds less than this share of what the claim says of its names (IDF-weighted share of
    # the words not written as names, best wording: the `cover_predicate` feature). "Kim Jong-un brought a
    # tank to Moscow for Putin" holds every name of "Putin and Kim Jong-un met in Moscow" and none of its
    # predicate: the same people, another claim. Chosen on train (benchmarks/fit_matcher.py --gates): the
    # highest value that keeps 99% of the right answers there (it costs 5 of 535, all short headlines
    # searched among their neighbours; none on dev). 0 turns the guard off.
    min_answer_predicate: float = 0.25
    # Nor is the claim with one or two things swapped for others: "Putin and Kim Jong-un met in Vladivostok" for "...
    # met in Moscow", "Roustem Oumerov est le nouveau ministre ukrainien des Finances" for "... de la Défense", "Xi
    # Jinping will visit Pyongyang" for "Putin will ...", "La Russie et la Chine ... pendant la visite de Xi Jinping"
    # for "La Russie et la Corée du Nord ... de Kim Jong-un": the same sentence about another place, office or person,
    # whose verdict the claim's is not. Such a text (one that differs from the claim's closest wording in its language
    # in one or two places only, in each of which it replaces up to three of its terms: `features.substitution`) is
    # only suggested when the terms it replaces carry more than this share of the wording's IDF weight; so is the
    # claim the other way round, two of its stretches in each other's place around what stands between them ("La Corée
    # du Nord va construire des satellites pour la Russie"; "Kim and Putin met", names around nothing but "and", is
    # the same claim and still answered). A synonym looks the same as a swap ("gave" for "offered"): those paraphrases
    # get the claim as a suggestion instead. Measured with benchmarks/near_misses.py: of CheckThat! claims with one
    # name, one word, or a name and a word swapped, 99.6%, 99.7% and 99.3% were answered with the claim they were made
    # from, 7.3%, 1.7% and 9.0% are now; of those with two names in each other's place 99.4%, now 45.9% (a third of
    # them put the names around nothing but stop words). It costs 11 of train's 307 right tweet answers (none of dev's
    # 70) and 23 of 349 headlines searched as paraphrases of their claims, all become suggestions. 1 turns the guard
    # off.
    max_answer_substitution: float = 0.0
    # A local sentence-transformers model directory (the `semantic` extra); never downloaded at run time.
    semantic_model: Path | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.suggest_threshold <= self.answer_threshold <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= suggest_threshold <= answer_threshold <= 1")
        if self.min_answer_words < 1:
            raise ValueError("min_answer_words must be at least 1")
        if not 0.0 <= self.min_answer_coverage <= 1.0:
            raise ValueError("min_answer_coverage must be in [0, 1]")
        if not 0.0 <= self.min_answer_predicate <= 1.0:
            raise ValueError("min_answer_predicate must be in [0, 1]")
        if not 0.0 <= self.max_answer_substitution <= 1.0:
            raise ValueError("max_answer_substitution must be in [0, 1]")

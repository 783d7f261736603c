"""Matching people's texts to already checked claims: cleaning, language, index, scoring and tiers.

Typical use::

    matcher = Matcher(MatchConfig(), index_dir=Path("data/index"))
    matcher.add(wording_id=1, claim_id=1, text="5G towers spread the coronavirus", lang="en")
    hits = matcher.search(prepare_query("they say 5G spreads corona!!", lang_hint="en"))
"""

from claims.matching.config import MatchConfig
from claims.matching.index import IndexLocked
from claims.matching.matcher import Matcher
from claims.matching.query import Query, prepare_query
from claims.matching.results import Hit, Tier

__all__ = ["Hit", "IndexLocked", "MatchConfig", "Matcher", "Query", "Tier", "prepare_query"]

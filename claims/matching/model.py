"""The learned combination: a linear ranking score over the features, then a calibrated confidence.

Two stages because they answer two questions. The ranking weights (a softmax over each query's candidates,
fitted on CheckThat! train by `benchmarks/fit_matcher.py`) order the claims. The calibration (a logistic
regression on the ranking score, the lead over the runner-up and a few absolute features) says how likely a
hit is to be the right one: the same score is worth less when another claim is nearly as good, which is what
keeps answers precise. The lead alone would make any lone hit look certain in a database of fifteen claims,
so the calibration also sees how much of the claim the text holds and of the text the claim holds, and it is
fitted on small topical databases as well as on the full one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from claims.matching.features import FEATURE_NAMES

__all__ = ["Model"]

_COVER_CLAIM = FEATURE_NAMES.index("cover_claim")
_COVER_QUERY = FEATURE_NAMES.index("cover_query")


@dataclass(frozen=True, slots=True)
class Model:
    """Fitted weights. `rank` maps feature names to weights; missing features weigh nothing."""

    rank: Mapping[str, float]
    bias: float
    score_weight: float
    margin_weight: float
    # Leads beyond this are all alike (clipping keeps one huge lead from swamping the score).
    margin_cap: float
    # The score of a typical best wrong claim (median runner-up on train). Every hit is judged against at
    # least this rival, so a small index, or `Matcher.score` with one text and no rivals, does not flatter
    # weak matches.
    rival_floor: float
    # Calibration weights of features read as they are (coverage both ways, fuzzy similarity), which say
    # whether the hit is the claim at all, whatever the rivals.
    calibration: Mapping[str, float] = field(default_factory=dict)
    # Whether the lead counts in proportion to the coverage both ways (fits from this round on do).
    lead_by_coverage: bool = False

    def __post_init__(self) -> None:
        unknown = (set(self.rank) | set(self.calibration)) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"weights for unknown features: {sorted(unknown)}")

    @property
    def uses_semantic(self) -> bool:
        return self.rank.get("semantic", 0.0) != 0.0

    def rank_score(self, features: Sequence[float]) -> float:
        """The linear ranking score of one claim's features (`FEATURE_NAMES` order)."""
        rank = self.rank
        return sum(rank.get(name, 0.0) * value for name, value in zip(FEATURE_NAMES, features, strict=True))

    def confidence(self, features: Sequence[float], score: float, rival: float | None = None) -> float:
        """Probability-like confidence in [0, 1] that a claim (its `features` and ranking `score`) is the one
        the text repeats, against its best rival's score."""
        floor = self.rival_floor if rival is None else max(rival, self.rival_floor)
        margin = max(-self.margin_cap, min(self.margin_cap, score - floor))
        if margin > 0 and self.lead_by_coverage:
            # A lead counts in proportion to how much of the claim the text holds: in a database of fifteen
            # claims a text sharing two rare names with one of them leads by far, and is still not that claim.
            margin *= features[_COVER_CLAIM] * features[_COVER_QUERY]
        z = self.bias + self.score_weight * score + self.margin_weight * margin
        if self.calibration:
            weights = self.calibration
            z += sum(
                weights.get(name, 0.0) * value for name, value in zip(FEATURE_NAMES, features, strict=True)
            )
        if not math.isfinite(z):
            return 0.0
        # Written so that neither branch can overflow `exp`.
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

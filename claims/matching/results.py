"""What a search returns and how confident it is allowed to sound."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Hit", "Tier"]


class Tier(StrEnum):
    """How the bot may use a hit: answer with its verdict, offer it as a suggestion, or not show it."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Hit:
    """One claim found for a query, through the wording of it that matched best."""

    claim_id: int
    wording_id: int
    score: float
    tier: Tier

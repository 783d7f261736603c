"""Properties for any text at all: no crash, confidences in [0, 1], a claim's exact wording ranks it first."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.matching import Matcher, Tier, prepare_query
from claims.matching.cleaning import clean_text
from claims.matching.normalise import analyse

# Any Unicode, surrogates excluded (Telegram delivers valid UTF-8, and Python str from it never holds them).
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
WORDS = st.lists(
    st.text(alphabet=st.characters(whitelist_categories=["Ll", "Lu", "Nd"]), min_size=3, max_size=12),
    min_size=4,
    max_size=12,
)
LANGS = st.sampled_from(["en", "fr", "es", "de", "ru", "xx", "zh"])

_MATCHER = Matcher()
_MATCHER.add_many(
    (i, i, text, "en")
    for i, text in enumerate(
        [
            "5G towers spread the coronavirus across Europe",
            "Bill Gates wants to implant microchips with vaccines",
            "Le gouvernement va interdire les voitures diesel en 2025",
            "Drinking hot water kills the coronavirus in the throat",
        ],
        start=1,
    )
)

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(ANY_TEXT)
def test_cleaning_never_crashes_and_leaves_no_control_characters(text):
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert all(ch.isprintable() for ch in cleaned)


@_SETTINGS
@given(ANY_TEXT, LANGS)
def test_analysis_never_crashes_and_gives_nonblank_terms(text, lang):
    assert all(term and " " not in term for term in analyse(text, lang))


@_SETTINGS
@given(ANY_TEXT, st.one_of(st.none(), LANGS))
def test_any_text_searches_without_crash_with_scores_in_unit_interval(text, hint):
    query = prepare_query(text, lang_hint=hint)
    assert len(query.lang) >= 2
    hits = _MATCHER.search(query, limit=3)
    assert len({h.claim_id for h in hits}) == len(hits)
    for hit in hits:
        assert 0.0 <= hit.score <= 1.0
        assert hit.tier in set(Tier)
    assert 0.0 <= _MATCHER.score(query, text) <= 1.0


# Fewer examples: each builds its own index.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WORDS, st.integers(min_value=1000, max_value=10_000))
def test_a_claims_exact_wording_ranks_it_first(words, claim_id):
    text = " ".join(words)
    matcher = Matcher()
    matcher.add_many(
        [(1, 1, "5G towers spread the coronavirus", "en"), (2, 2, "vaccines contain microchips", "en")]
    )
    # The wording's language is detected as the query's is, so both are analysed alike.
    matcher.add(wording_id=claim_id, claim_id=claim_id, text=text)
    query = prepare_query(text, lang_hint="en")
    if query.empty:
        return
    hits = matcher.search(query)
    assert hits and hits[0].claim_id == claim_id

"""The Matcher's index: adds, replacements, removals, merges, persistence."""

import json
import multiprocessing
import random
import time
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from claims.matching import IndexLocked, Matcher, prepare_query
from claims.matching.index import BUFFER_DOCS, StoredWording, TermIndex, snapshot
from claims.matching.stopwords import STOP_WORDS_DIGEST

CLAIMS = {
    1: "5G towers spread the coronavirus across Europe",
    2: "Bill Gates wants to implant microchips with vaccines",
    3: "Drinking hot water kills the coronavirus in the throat",
    4: "The Eiffel Tower will be demolished next year",
}


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher()
    m.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
    return m


def top_claim(matcher: Matcher, text: str) -> int | None:
    hits = matcher.search(prepare_query(text, lang_hint="en"))
    return hits[0].claim_id if hits else None


def test_a_claims_own_wording_finds_it_first(matcher):
    for claim_id, text in CLAIMS.items():
        assert top_claim(matcher, text) == claim_id


def test_a_new_wording_is_searchable_by_the_very_next_search(matcher):
    assert top_claim(matcher, "Flat earth map hidden by NASA officials") is None
    matcher.add(wording_id=50, claim_id=5, text="NASA hides the flat earth map", lang="en")
    assert top_claim(matcher, "Flat earth map hidden by NASA officials") == 5


def test_re_adding_a_wording_id_replaces_its_text(matcher):
    matcher.add(wording_id=40, claim_id=4, text="Notre-Dame cathedral was set on fire on purpose", lang="en")
    assert len(matcher) == 4
    assert top_claim(matcher, "The Eiffel Tower will be demolished next year") != 4
    assert top_claim(matcher, "Notre-Dame cathedral fire was set on purpose") == 4


def test_removed_wording_is_no_longer_found(matcher):
    matcher.remove(20)
    assert len(matcher) == 3
    assert top_claim(matcher, CLAIMS[2]) != 2
    matcher.remove(999)  # unknown ids are ignored
    assert len(matcher) == 3


def test_search_returns_one_hit_per_claim_with_its_best_wording(matcher):
    matcher.add(wording_id=11, claim_id=1, text="Coronavirus is spread by 5G antennas", lang="en")
    hits = matcher.search(prepare_query("5G towers spread the coronavirus across Europe"), limit=5)
    assert [h.claim_id for h in hits].count(1) == 1
    assert hits[0].claim_id == 1 and hits[0].wording_id == 10


def test_excluded_claims_are_skipped(matcher):
    hits = matcher.search(prepare_query(CLAIMS[1]), exclude={1})
    assert all(h.claim_id != 1 for h in hits)


def test_reassign_moves_every_wording_to_the_surviving_claim(matcher):
    matcher.add(wording_id=31, claim_id=3, text="Hot water drinking cures covid", lang="en")
    matcher.reassign(from_claim=3, into_claim=1)
    assert top_claim(matcher, CLAIMS[3]) == 1
    assert top_claim(matcher, "Hot water drinking cures covid") == 1
    assert len(matcher) == 5


def test_watermark_is_the_highest_wording_id_ever_added(matcher):
    assert matcher.watermark == 40
    matcher.add(wording_id=7, claim_id=9, text="older row added late", lang="en")
    assert matcher.watermark == 40
    matcher.remove(40)
    assert matcher.watermark == 40


def test_index_round_trips_through_its_directory(tmp_path: Path):
    with Matcher(index_dir=tmp_path) as first:
        first.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
        first.remove(30)
        first.save()
    reopened = Matcher(index_dir=tmp_path)
    assert len(reopened) == 3
    assert reopened.watermark == 40
    assert top_claim(reopened, CLAIMS[2]) == 2
    reopened.add(wording_id=41, claim_id=4, text="Paris will tear down the Eiffel Tower", lang="en")
    assert top_claim(reopened, "Paris tears down the Eiffel Tower") == 4
    reopened.close()


def test_a_second_writer_on_the_same_directory_is_refused(tmp_path: Path):
    first = Matcher(index_dir=tmp_path)
    first.add(wording_id=1, claim_id=1, text="some claim text here", lang="en")
    second = Matcher(index_dir=tmp_path)
    with pytest.raises(IndexLocked):
        second.add(wording_id=2, claim_id=2, text="another claim text", lang="en")
    first.close()


def test_wording_language_is_detected_when_not_given():
    m = Matcher()
    m.add(wording_id=1, claim_id=1, text="Le gouvernement va interdire les voitures diesel en 2025")
    hits = m.search(prepare_query("Le gouvernement interdira les voitures diesel en 2025"))
    assert hits and hits[0].claim_id == 1


def test_empty_query_and_empty_index_give_no_hits(matcher):
    assert matcher.search(prepare_query("😀")) == []
    assert Matcher().search(prepare_query("anything about vaccines and chips")) == []
    assert matcher.search(prepare_query(CLAIMS[1]), limit=0) == []


def test_new_wordings_waiting_for_a_commit_score_as_committed_ones(matcher):
    # New wordings wait in a buffer that searches scan until a batch is committed: the hits must not change.
    texts = [
        "NASA hides the flat earth map",
        "The moon landing was filmed in a studio",
        "Vaccines contain microchips made by Bill Gates",
    ]
    queries = [prepare_query(t, lang_hint="en") for t in [*texts, *CLAIMS.values()]]
    for number, text in enumerate(texts, start=5):
        matcher.add_many([(number * 10, number, text, "en")])
        assert top_claim(matcher, text) == number
    buffered = [matcher.search(q, limit=5) for q in queries]
    matcher.save()  # commits the buffer
    assert [matcher.search(q, limit=5) for q in queries] == buffered
    assert len(matcher) == 7


def test_buffered_new_wordings_are_persisted_on_close(tmp_path: Path):
    with Matcher(index_dir=tmp_path) as first:
        first.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
        first.add_many([(50, 5, "NASA hides the flat earth map", "en")])
    reopened = Matcher(index_dir=tmp_path)
    assert len(reopened) == 5 and reopened.watermark == 50
    assert top_claim(reopened, "NASA hides the flat earth map") == 5
    reopened.close()


def test_a_bulk_add_buffers_one_batch_at_most_and_the_next_search_sees_it_all():
    # A bot starting on a million claims indexes them in one bulk add: buffering every new wording (beside the
    # writer's copy) until the commit held them all in memory (1.7 GB at 1M claims, benchmarks/README.md).
    index = TermIndex()
    wordings = [StoredWording(n, n, "en", f"text {n}", (f"term{n}", "shared")) for n in range(1, 201)]
    index.add_many(wordings, commit=False)
    assert len(index._recent) == BUFFER_DOCS  # the rest waits for the commit the next search makes
    assert [c.wording.wording_id for c in index.search(["term150"], limit=5, claims=5)] == [150]
    assert index.doc_freq("shared") == 200 and len(index) == 200
    assert index.average_length == 2.0


def test_a_claims_wordings_and_a_wording_by_id_are_read_without_committing_the_buffer():
    # The answer path reads the answered claim's wordings on every answer: committing the buffer of new pending
    # claims each time cost the bot ~1 ms of CPU per check under load (benchmarks/README.md).
    index = TermIndex()
    index.add_many(
        [StoredWording(1, 1, "en", "old", ("old",)), StoredWording(2, 2, "en", "other", ("other",))]
    )
    index.add(StoredWording(3, 1, "en", "new wording of claim 1", ("new",)))
    index.add(StoredWording(4, 2, "en", "new of claim 2", ("two",)))
    assert sorted(w.wording_id for w in index.wordings_of(1)) == [1, 3]
    assert index.get(3).text == "new wording of claim 1" and index.get(1).text == "old"
    assert index.get(99) is None
    assert len(index._recent) == 2  # still waiting in the buffer: nothing was committed
    index.refresh()
    assert sorted(w.wording_id for w in index.wordings_of(1)) == [1, 3]  # committed: each once
    # A buffered wording replaced (here: moved to another claim) commits at once, so it is found there only.
    index.add(StoredWording(5, 1, "en", "moved", ("moved",)))
    index.add(StoredWording(5, 2, "en", "moved", ("moved",)))
    assert sorted(w.wording_id for w in index.wordings_of(2)) == [2, 4, 5]
    assert sorted(w.wording_id for w in index.wordings_of(1)) == [1, 3]
    assert index.get(5).claim_id == 2


def test_a_snapshot_is_a_linked_copy_that_searches_and_writes_on_its_own(tmp_path: Path):
    source = Matcher(index_dir=tmp_path / "bot")
    source.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
    source.save()  # the writer stays open, as in a running bot
    assert snapshot(tmp_path / "bot" / "lexical", tmp_path / "copy" / "lexical")
    copy = Matcher(index_dir=tmp_path / "copy")
    assert (len(copy), copy.watermark) == (len(source), source.watermark) == (4, 40)
    for text in CLAIMS.values():
        query = prepare_query(text, lang_hint="en")
        assert copy.search(query) == source.search(query)
    # The copy takes its own writer; what it adds stays in the copy.
    copy.add(wording_id=50, claim_id=5, text="Penguins vote in the Bundestag", lang="en")
    assert top_claim(copy, "penguins vote in the Bundestag") == 5
    assert top_claim(source, "penguins vote in the Bundestag") != 5
    copy.close()
    source.close()


def test_an_index_analysed_with_other_stop_words_is_started_again(tmp_path: Path):
    # Its terms keep words the lists now drop (or the reverse): the service re-adds every wording from the
    # database (watermark 0) rather than matching against terms analysed another way.
    with Matcher(index_dir=tmp_path) as first:
        first.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
        first.save()
    meta = tmp_path / "lexical" / "matcher-meta.json"
    recorded = json.loads(meta.read_text())
    version, _, digest = recorded["format"].partition("/")
    assert digest == STOP_WORDS_DIGEST
    meta.write_text(json.dumps(recorded | {"format": f"{version}/{'0' * len(digest)}"}))
    reopened = Matcher(index_dir=tmp_path)
    assert len(reopened) == 0 and reopened.watermark == 0
    reopened.close()


def test_no_snapshot_when_the_index_is_newer_than_its_watermark_or_missing(tmp_path: Path):
    with Matcher(index_dir=tmp_path / "bot") as source:
        source.add_many((claim_id * 10, claim_id, text, "en") for claim_id, text in CLAIMS.items())
    # As if the bot had committed wording 40 and not yet written the watermark that goes with that commit: the
    # copy would index 40 again from the database.
    meta = tmp_path / "bot" / "lexical" / "matcher-meta.json"
    meta.write_text(json.dumps(json.loads(meta.read_text()) | {"watermark": 30}))
    assert not snapshot(tmp_path / "bot" / "lexical", tmp_path / "copy" / "lexical", attempts=2)
    assert not (tmp_path / "copy" / "lexical").exists()
    assert not snapshot(tmp_path / "nothing", tmp_path / "copy2")
    meta.write_text(json.dumps({"format": -1, "watermark": 40}))  # another format: not ours to read
    assert not snapshot(tmp_path / "bot" / "lexical", tmp_path / "copy3")


def _commit_forever(directory: str, started: Event, stop: Event) -> None:
    """A bot's index in another process, adding and committing one wording at a time (ids 1, 2, 3...)."""
    with Matcher(index_dir=Path(directory)) as index:
        wording_id = 0
        while not stop.is_set():
            wording_id += 1
            index.add(
                wording_id=wording_id, claim_id=wording_id, text=f"claim number {wording_id}", lang="en"
            )
            index.save()
            if wording_id == 5:
                started.set()


def test_snapshots_taken_while_another_process_commits_are_each_one_commit(tmp_path: Path):
    # Every copy made must hold exactly the wordings up to its watermark: no more (they would be indexed twice)
    # and no fewer (they would never be).
    context = multiprocessing.get_context("spawn")
    started, stop = context.Event(), context.Event()
    writer = context.Process(target=_commit_forever, args=(str(tmp_path / "bot"), started, stop))
    writer.start()
    made: list[int] = []
    try:
        assert started.wait(60)
        for attempt in range(40):
            target = tmp_path / f"copy-{attempt}"
            if snapshot(tmp_path / "bot" / "lexical", target / "lexical"):
                with Matcher(index_dir=target) as copy:
                    assert len(copy) == copy.watermark
                    made.append(copy.watermark)
            time.sleep(0.005)
    finally:
        stop.set()
        writer.join(30)
    assert len(made) >= 10 and len(set(made)) >= 5  # copies of many different commits


def test_idf_follows_every_new_wording_and_a_lookup_keeps_the_statistics_it_was_taken_at():
    index = TermIndex(None)
    index.add(StoredWording(1, 1, "en", "towers spread the virus", ("tower", "spread", "virus")))
    before = index.idf_lookup
    rare = before("tower")
    assert rare == index.idf("tower") and before("unseen") > rare  # a term no wording holds is the rarest
    index.add(StoredWording(2, 2, "en", "towers everywhere", ("tower", "everywher")))
    # Now in two wordings of two: rarer no more, for `idf` and for lookups taken from now on.
    assert index.idf("tower") < rare
    assert index.idf_lookup("tower") == index.idf("tower")
    # A lookup taken before the change keeps scoring one search against one set of statistics.
    assert before("tower") == rare


def test_a_floor_leaves_out_wordings_far_below_the_best_without_reading_them():
    index = TermIndex(None)
    index.add(StoredWording(1, 1, "en", "", ("tower", "spread", "virus", "europ")))
    index.add(StoredWording(2, 2, "en", "", ("tower", "paint", "red")))
    for number in range(3, 40):  # "tower" is common, the other query terms are rare
        index.add(StoredWording(number, number, "en", "", ("tower", f"filler{number}")))
    terms = ["tower", "spread", "virus", "europ"]
    every = index.search(terms, limit=50, claims=50)
    assert [c.wording.wording_id for c in every][:1] == [1] and len(every) == 39
    best = every[0].bm25
    kept = index.search(terms, limit=50, claims=50, floor=0.3)
    assert kept == [c for c in every if c.bm25 >= 0.3 * best]
    assert 1 <= len(kept) < len(every)
    # The floor is a share of the best wording left after exclusions, not of an excluded one.
    rest = index.search(terms, limit=50, claims=50, exclude={1}, floor=0.3)
    assert rest and rest == [c for c in every[1:] if c.bm25 >= 0.3 * every[1].bm25]


@pytest.mark.parametrize("committed", [False, True], ids=["buffered", "committed"])
def test_a_search_is_out_of_date_only_when_a_wording_since_could_be_proposed_for_it(matcher, committed):
    query = prepare_query("Are hippos kept at the Eiffel Tower now?", lang_hint="en")
    mark = matcher.watermark
    assert not matcher.proposes_after(query, mark)  # nothing indexed since
    matcher.add(wording_id=50, claim_id=5, text="Penguins voted in the Oslo mayoral election", lang="en")
    if committed:
        matcher._index.refresh()
        assert not matcher._index._recent
    assert not matcher.proposes_after(query, mark)  # a wording since, sharing no term: the search stands
    matcher.add(wording_id=60, claim_id=6, text="A pygmy hippo was given to the Moscow zoo", lang="en")
    if committed:
        matcher._index.refresh()
    assert matcher.proposes_after(query, mark)  # "hippo": a search now could propose it
    assert not matcher.proposes_after(query, matcher.watermark)
    assert matcher.proposes_after(query, 50) and not matcher.proposes_after(query, 60)
    # The search agrees: the wording it now proposes is the one that shares the term.
    assert 6 in [hit.claim_id for hit in matcher.search(query, limit=20)]


@pytest.mark.parametrize("committed", [False, True], ids=["buffered", "committed"])
def test_a_wording_since_that_the_search_would_leave_out_leaves_it_standing(matcher, committed):
    # Under load most new claims share a common word or two with a text, far under the BM25 floor a search
    # re-scores from: such a wording changes none of the text's hits, and the search made before it stands.
    query = prepare_query("Will the Eiffel Tower be demolished next year?", lang_hint="en")
    mark = matcher.watermark
    matcher.add(wording_id=50, claim_id=5, text="Cheese prices rise every year in Normandy", lang="en")
    if committed:
        matcher._index.refresh()
        assert not matcher._index._recent
    assert not matcher.proposes_after(query, mark)
    assert 5 not in [c.claim_id for c in matcher.candidates(query)]  # the search leaves it out: it agrees
    matcher.add(wording_id=60, claim_id=6, text="The Eiffel Tower is to be demolished in 2025", lang="en")
    if committed:
        matcher._index.refresh()
    assert matcher.proposes_after(query, mark)
    assert 6 in [c.claim_id for c in matcher.candidates(query)]
    assert matcher.proposes_after(query, 50) and not matcher.proposes_after(query, 60)


def test_whenever_a_wording_since_is_said_not_to_be_proposed_the_search_leaves_it_out():
    # Random texts over a small vocabulary, so that new wordings share a word or two with most queries: the
    # answer must agree with what a search does, both ways (and both answers must come up).
    rng = random.Random(11)
    words = [
        f"{a}{b}" for a in ("bar", "cor", "dun", "fel", "gam", "hol") for b in ("ak", "em", "ix", "op", "ut")
    ]
    matcher = Matcher()
    matcher.add_many((n, n, " ".join(rng.sample(words, 8)), "en") for n in range(1, 301))
    outcomes = set()
    for k in range(120):
        query = prepare_query(" ".join(rng.sample(words, 6)), lang_hint="en")
        mark = matcher.watermark
        claim = 1000 + k
        matcher.add(
            wording_id=claim, claim_id=claim, text=" ".join(rng.sample(words, rng.randint(2, 9))), lang="en"
        )
        if k % 2:
            matcher._index.refresh()
        proposed = matcher.proposes_after(query, mark)
        outcomes.add(proposed)
        if not proposed:
            assert claim not in [c.claim_id for c in matcher.candidates(query)]
    assert outcomes == {False, True}

"""Bulk preparation of wordings: the same result in worker processes as in this one, in input order."""

from claims.matching import bulk


def _items(count: int) -> list[tuple[int, int, str, str | None]]:
    return [(i, i // 2, f"Claim number {i} about vaccines and 5G towers #{i}", "en") for i in range(count)]


def test_parallel_preparation_matches_serial_preparation_in_order(monkeypatch):
    items = _items(40)
    serial = [w for chunk in bulk.prepare_wordings(items) for w in chunk]
    monkeypatch.setattr(bulk, "CHUNK", 7)
    monkeypatch.setattr(bulk, "PARALLEL_FROM", 10)
    parallel = [w for chunk in bulk.prepare_wordings(iter(items)) for w in chunk]
    assert parallel == serial
    assert [w.wording_id for w in parallel] == list(range(40))


def test_missing_language_is_detected_per_wording():
    wording = bulk.prepare_wording(1, 1, "Le gouvernement va interdire les voitures diesel en 2025", None)
    assert wording.lang == "fr"
    assert wording.terms == ("gouvern", "interdir", "voitur", "diesel", "2025")  # "va": a stop word

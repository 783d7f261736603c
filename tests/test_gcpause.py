"""The cyclic collector is paused for bulk work and left as it was afterwards, errors included."""

from __future__ import annotations

import gc

import pytest

from claims.gcpause import SERVING_THRESHOLD, gc_paused, settle_heap


def test_the_collector_is_off_inside_and_on_again_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("bad record")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_settled_heap_leaves_what_was_built_out_of_collections() -> None:
    threshold = gc.get_threshold()
    built = [{"wording": [i]} for i in range(1000)]  # containers: tracked by the collector
    try:
        frozen = settle_heap()
        assert frozen == gc.get_freeze_count() >= len(built)
        tracked = {id(obj) for obj in gc.get_objects()}
        assert not any(id(obj) in tracked for obj in built)
        assert gc.get_threshold() == (SERVING_THRESHOLD, *threshold[1:])
        later = {"wordings": []}  # holds a container, so the collector tracks it
        assert any(obj is later for obj in gc.get_objects())  # what comes after is collected as before
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)

"""The load benchmark, run for a few seconds: its simulated people must each get their reply from `python -m bot`.

Not a timing test: it keeps benchmarks/bot_load.py working (the figures come from running it by hand)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bot_load


async def test_every_simulated_update_gets_the_reply_its_kind_calls_for() -> None:
    options = {"--claims": 300, "--people": 40, "--rates": 10, "--seconds": 2, "--warmup": 0.5}
    options |= {"--concurrency": 2, "--unknown": 0.4}
    args = bot_load.build_parser().parse_args([str(part) for pair in options.items() for part in pair])
    phase = (await bot_load.main_async(args))[("sqlite", 10.0)]
    replies = sum(len(latencies) for latencies in phase.latencies.values())
    assert phase.sent >= 15 and replies == phase.sent
    outcomes = set(phase.outcomes)
    assert ("known", "answered") in outcomes and ("unknown", "queued") in outcomes
    assert not {outcome for _, outcome in outcomes} & {"other", "db-busy", "rate-limited"}


def test_the_service_benchmark_measures_every_check(tmp_path: Path) -> None:
    import check_cpu

    args = check_cpu.build_parser().parse_args(
        ["--claims", "200", "--checks", "30", "--warmup", "5", "--cache", str(tmp_path)]
    )
    per_kind = check_cpu.measure(args)
    assert len(per_kind["known"]) + len(per_kind["unknown"]) == 30
    assert per_kind["known"] and per_kind["unknown"]
    assert all(seconds > 0 for values in per_kind.values() for seconds in values)

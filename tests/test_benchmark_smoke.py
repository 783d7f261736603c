"""The load benchmark, run for a few seconds: its simulated people must each get their reply from `python -m bot`.

Not a timing test: it keeps benchmarks/bot_load.py working (the figures come from running it by hand)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("workers", [0, 1])
def test_the_service_benchmark_measures_every_check(tmp_path: Path, workers: int) -> None:
    import check_cpu

    args = check_cpu.build_parser().parse_args(
        [
            "--claims",
            "200",
            "--checks",
            "30",
            "--warmup",
            "5",
            "--cache",
            str(tmp_path),
            "--workers",
            str(workers),
        ]
    )
    costs = check_cpu.Workers()
    per_kind = check_cpu.measure(args, costs)
    assert len(per_kind["known"]) + len(per_kind["unknown"]) == 30
    assert per_kind["known"] and per_kind["unknown"]
    assert all(seconds > 0 for values in per_kind.values() for seconds in values)
    if workers:
        # The worker did the matching: it took CPU over the measured checks, and it was alive at the end.
        assert costs.ready_s > 0 and costs.cpu_s > 0
        assert len(costs.rss_mb) == 1 and costs.rss_mb[0] > 10
    else:
        assert costs == check_cpu.Workers()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_statements_benchmark_times_every_statement_of_the_checks(
    kind: str, capsys: pytest.CaptureFixture
) -> None:
    import statements

    server = os.environ.get("TEST_DATABASE_URL")
    if kind == "postgres" and not server:
        pytest.skip("TEST_DATABASE_URL is not set")
    on = ["--postgres", server] if kind == "postgres" else []
    assert statements.main(["--claims", "300", "--checks", "40", "--warmup", "5", "--explain", "3", *on]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if "  #" in line]
    calls = {" ".join(row[5:8]): int(row[0]) for row in rows}
    # Each measured check logs one submission; nothing from the warm-up is counted.
    assert calls["INSERT INTO submission"] == 40
    assert any(key.startswith("SELECT person.role") for key in calls)
    # The plans of the costliest reads: the index or table each reads.
    assert ("SEARCH " in out or "SCAN " in out) if kind == "sqlite" else "Execution Time" in out


def test_the_host_pace_is_sampled_while_a_benchmark_runs() -> None:
    import time

    import harness

    started = time.perf_counter()
    with harness.pace_sampled(every=0.05) as samples:
        deadline = time.monotonic() + 10
        while len(samples) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    ended = time.perf_counter()
    paces = harness.pace_between(samples, started, ended)
    assert len(paces) >= 3 and all(pace > 0 for pace in paces)  # each a real measurement, in this window
    assert harness.pace_between(samples, ended + 1, ended + 2) == []

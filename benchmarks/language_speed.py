"""Language detection time per text: langdetect's 55 profiles against the matcher's restricted set, side by side.

    python benchmarks/language_speed.py [--split dev] [--rounds 5]

Texts: the CheckThat! 2020 tweets of the split (cleaned as the bot cleans them) and the demo claims' wordings.
Each round times every text with both profile sets, alternating which goes first, with `detect_language`
itself (`languages=` selects the set); the figure per set is the median over texts of each text's median
time. Also reported: the one-off time to load each set's profiles (first detection in the process), and how many
texts change language between the two sets, and which.

Then the walk itself, on the restricted set: langdetect's own `Detector.get_probabilities` against
`claims.matching.ngram_walk.probabilities` (what `detect_language` runs), alternating, and how many texts get
a different answer from the two (none is expected: the same floats).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from langdetect import LangDetectException

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from checkthat_eval import default_data_dir, load_tweets  # noqa: E402

from claims.demo import REVIEWS  # noqa: E402
from claims.matching.cleaning import clean_text  # noqa: E402
from claims.matching.language import (  # noqa: E402
    ALL_LANGUAGES,
    DETECTED_LANGUAGES,
    TRIALS,
    detect_language,
    detector_factory,
)
from claims.matching.ngram_walk import langdetect_probabilities, probabilities  # noqa: E402


def demo_texts() -> list[str]:
    texts: list[str] = []
    for review in REVIEWS:
        texts.append(review.claim_text)
        if review.headline:
            texts.append(review.headline)
        texts.extend(review.aliases)
    return texts


def timed(text: str, languages: tuple[str, ...]) -> tuple[float, str]:
    started = time.perf_counter()
    lang = detect_language(text, languages=languages)
    return time.perf_counter() - started, lang


def langdetect_walk(text: str) -> list[tuple[str, float]]:
    return [
        (found.lang, found.prob)
        for found in langdetect_probabilities(text, detector_factory(), trials=TRIALS)
    ]


def our_walk(text: str) -> list[tuple[str, float]]:
    return [(found.lang, found.prob) for found in probabilities(text, detector_factory(), trials=TRIALS)]


def compare_walks(texts: list[str], rounds: int) -> None:
    """langdetect's walk and `ngram_walk`'s on the same texts, alternating which goes first."""
    walks = {"langdetect": langdetect_walk, "ngram_walk": our_walk}
    texts = [t.lower() for t in texts if any(ch.isalpha() for ch in t)]
    times: dict[str, list[list[float]]] = {name: [[] for _ in texts] for name in walks}
    answers: dict[str, list[object]] = {name: [None] * len(texts) for name in walks}
    for round_ in range(rounds):
        for i, text in enumerate(texts):
            order = list(walks.items()) if (round_ + i) % 2 == 0 else list(reversed(walks.items()))
            for name, walk in order:
                started = time.perf_counter()
                try:
                    answers[name][i] = walk(text)
                except LangDetectException as error:
                    answers[name][i] = error.code
                times[name][i].append(time.perf_counter() - started)
    medians = {
        name: statistics.median(statistics.median(t) for t in per_text) for name, per_text in times.items()
    }
    differ = sum(a != b for a, b in zip(answers["langdetect"], answers["ngram_walk"], strict=True))
    print(f"walks on the restricted set, {len(texts)} texts lowercased, {rounds} rounds each:")
    for name, median in medians.items():
        print(f"  {name:>10}: median {1000 * median:.3f} ms per text")
    print(f"  ratio langdetect/ngram_walk: {medians['langdetect'] / medians['ngram_walk']:.2f}x")
    print(f"  texts answered differently: {differ} of {len(texts)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="dev", help="CheckThat! split whose tweets are detected")
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    parser.add_argument("--rounds", type=int, default=5, help="timings per text and set")
    args = parser.parse_args(argv)

    texts = [clean_text(t.text) for t in load_tweets(args.data or default_data_dir(), args.split)]
    texts += demo_texts()
    sets = {"all": ALL_LANGUAGES, "restricted": DETECTED_LANGUAGES}
    loading: dict[str, float] = {}
    for name, languages in sets.items():  # load the profiles (once per process) before timing
        started = time.perf_counter()
        detect_language("warming up the language profiles", languages=languages)
        loading[name] = time.perf_counter() - started
    times: dict[str, list[list[float]]] = {name: [[] for _ in texts] for name in sets}
    found: dict[str, list[str]] = {name: [""] * len(texts) for name in sets}
    for round_ in range(args.rounds):
        for i, text in enumerate(texts):
            order = list(sets.items()) if (round_ + i) % 2 == 0 else list(reversed(sets.items()))
            for name, languages in order:
                elapsed, lang = timed(text, languages)
                times[name][i].append(elapsed)
                found[name][i] = lang
    medians = {
        name: statistics.median(statistics.median(t) for t in per_text) for name, per_text in times.items()
    }
    load = os.getloadavg()
    print(
        f"{len(texts)} texts ({args.split} tweets and demo wordings), {args.rounds} rounds each, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    for name, languages in sets.items():
        print(
            f"  {name:>10} ({len(languages):2d} profiles): median {1000 * medians[name]:.2f} ms per text, "
            f"profiles loaded in {1000 * loading[name]:.0f} ms"
        )
    print(f"  ratio all/restricted: {medians['all'] / medians['restricted']:.1f}x")
    changed = [
        (found["all"][i], found["restricted"][i], text)
        for i, text in enumerate(texts)
        if found["all"][i] != found["restricted"][i]
    ]
    print(
        f"  texts whose language changed: {len(changed)} of {len(texts)}: "
        + ", ".join(f"{a}->{b} x{n}" for (a, b), n in Counter((a, b) for a, b, _ in changed).most_common())
    )
    for before, after, text in changed[:10]:
        print(f"    {before} -> {after}: {text[:90]!r}")
    compare_walks(texts, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
